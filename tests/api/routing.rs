//! Routing: agents, availability, the per-agent limit under concurrency, and the queue.

use std::collections::HashMap;

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{new_token, served_by, Desk};

#[tokio::test]
async fn a_new_chat_goes_to_the_available_agent() {
    let desk = Desk::open().await;
    let (agent_id, _) = desk.agent("alice").await;
    let (token, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room), Some(agent_id.clone()), "{room}");
    assert_eq!(room["servedBy"]["username"], json!("alice"));
    assert_eq!(room["usersCount"], json!(2));

    let (status, info) = desk
        .app
        .get(&format!(
            "agent.info/{}/{token}",
            room["_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["agent"]["username"], json!("alice"));
    assert_eq!(
        info["agent"]["emails"][0]["address"],
        json!("alice@example.com")
    );
    let (_, config) = desk.app.get(&format!("config?token={token}")).await;
    assert_eq!(config["config"]["agent"]["_id"], json!(agent_id));
    assert_eq!(config["config"]["online"], json!(true));
}

#[tokio::test]
async fn the_least_busy_agent_gets_the_next_chat() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let (bob, _) = desk.agent("bob").await;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for _ in 0..6 {
        let (_, room) = desk.visitor_room().await;
        *counts.entry(served_by(&room).unwrap()).or_default() += 1;
    }
    assert_eq!(counts.get(&alice), Some(&3), "{counts:?}");
    assert_eq!(counts.get(&bob), Some(&3), "{counts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_visitors_at_once_fill_three_agents_of_two_chats_and_queue_the_rest() {
    let desk = Desk::open().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(2)).await;
    for name in ["a1", "a2", "a3"] {
        desk.agent(name).await;
    }
    let tokens: Vec<String> = (0..50).map(|_| new_token()).collect();
    for token in &tokens {
        desk.app.register_visitor(token).await;
    }
    let opened = join_all(tokens.iter().map(|token| {
        let app = &desk.app;
        async move { app.get(&format!("room?token={token}")).await }
    }))
    .await;
    assert!(opened.iter().all(|(status, _)| *status == StatusCode::OK));

    let rooms: Vec<Value> = join_all(tokens.iter().map(|t| desk.room_of(t))).await;
    let mut per_agent: HashMap<String, usize> = HashMap::new();
    for room in &rooms {
        if let Some(agent) = served_by(room) {
            *per_agent.entry(agent).or_default() += 1;
        }
    }
    let assigned: usize = per_agent.values().sum();
    assert_eq!(assigned, 6, "{per_agent:?}");
    assert_eq!(rooms.len() - assigned, 44);
    assert!(
        per_agent.values().all(|&n| n == 2),
        "never more than 2 per agent: {per_agent:?}"
    );
}

#[tokio::test]
async fn the_queue_drains_in_arrival_order_as_chats_close() {
    let desk = Desk::open().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    let (agent_id, _) = desk.agent("solo").await;
    let (first_token, first_room) = desk.visitor_room().await;
    assert_eq!(served_by(&first_room), Some(agent_id.clone()));
    let mut waiting = Vec::new();
    for _ in 0..3 {
        let (token, room) = desk.visitor_room().await;
        assert_eq!(served_by(&room), None, "the agent is full: {room}");
        waiting.push(token);
    }

    let mut closing = first_token;
    for next in &waiting {
        let rid = desk.room_of(&closing).await["_id"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, body) = desk
            .app
            .post("room.close", json!({ "rid": rid, "token": closing }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            served_by(&desk.room_of(next).await),
            Some(agent_id.clone()),
            "the oldest waiting chat is served next"
        );
        for later in waiting.iter().skip_while(|t| *t != next).skip(1) {
            assert_eq!(
                served_by(&desk.room_of(later).await),
                None,
                "later chats keep waiting"
            );
        }
        closing = next.clone();
    }
}

#[tokio::test]
async fn an_agent_who_becomes_available_takes_the_waiting_chats() {
    let desk = Desk::open().await;
    let (agent_id, agent) = desk.agent("late").await;
    desk.call(
        &agent,
        Method::POST,
        "agent.status",
        Some(json!({ "status": "not-available" })),
    )
    .await;
    let (token, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room), None);
    let (_, toggled) = desk
        .call(&agent, Method::POST, "agent.status", Some(json!({})))
        .await;
    assert_eq!(toggled["status"], json!("available"), "no status toggles");
    assert_eq!(served_by(&desk.room_of(&token).await), Some(agent_id));
}

#[tokio::test]
async fn with_nobody_online_and_no_queueing_the_widget_goes_offline() {
    let desk = Desk::open().await;
    desk.set("Livechat_accept_chats_with_no_agents", json!(false))
        .await;
    let (_, config) = desk.app.get("config").await;
    assert_eq!(config["config"]["online"], json!(false));
    let token = new_token();
    desk.app.register_visitor(&token).await;
    let refused = desk.app.get(&format!("room?token={token}")).await;
    assert_eq!(refused.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.1["error"],
        json!("Sorry, no online agents [no-agent-online]")
    );

    desk.agent("rescuer").await;
    let (_, config) = desk.app.get("config").await;
    assert_eq!(config["config"]["online"], json!(true));
    let (status, _) = desk.app.get(&format!("room?token={token}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn agent_next_names_the_agent_a_chat_would_get() {
    let desk = Desk::open().await;
    let token = new_token();
    desk.app.register_visitor(&token).await;
    let (status, _) = desk.app.get(&format!("agent.next/{token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "nobody is available yet");
    desk.agent("next").await;
    let (status, body) = desk.app.get(&format!("agent.next/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["agent"]["username"], json!("next"));
}

#[tokio::test]
async fn staff_roles_are_listed_read_and_removed() {
    let desk = Desk::open().await;
    let (agent_id, agent) = desk.agent("listed").await;
    let (status, list) = desk
        .call(&desk.admin, Method::GET, "users/agent", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], json!(1));
    assert_eq!(list["users"][0]["statusLivechat"], json!("available"));
    let (_, one) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("users/agent/{agent_id}"),
            None,
        )
        .await;
    assert_eq!(one["user"]["username"], json!("listed"));
    let (_, not_manager) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("users/manager/{agent_id}"),
            None,
        )
        .await;
    assert_eq!(not_manager["user"], Value::Null);
    let (status, _) = desk.call(&agent, Method::GET, "users/agent", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agents do not manage agents");
    let (status, body) = desk
        .call(&desk.admin, Method::GET, "users/robot", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, _) = desk
        .call(
            &desk.admin,
            Method::DELETE,
            &format!("users/agent/{agent_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room), None, "a removed agent gets no chats");
    let (status, body) = desk
        .call(
            &agent,
            Method::POST,
            "agent.status",
            Some(json!({ "status": "available" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn settings_are_for_administrators_and_typed() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("curious").await;
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::GET,
            "/api/v1/settings/Livechat_title",
            None,
        )
        .await;
    assert_eq!(
        (status, body["value"].clone()),
        (StatusCode::OK, json!("Rocket.Chat"))
    );
    desk.set("Livechat_title", json!("Support")).await;
    let (_, config) = desk.app.get("config").await;
    assert_eq!(
        config["config"]["theme"]["title"],
        json!("Support"),
        "reflected at once"
    );
    let wrong_type = desk
        .call(
            &desk.admin,
            Method::POST,
            "/api/v1/settings/Livechat_title",
            Some(json!({ "value": 3 })),
        )
        .await;
    assert_eq!(wrong_type.0, StatusCode::BAD_REQUEST);
    let unknown = desk
        .call(
            &desk.admin,
            Method::POST,
            "/api/v1/settings/No_such_thing",
            Some(json!({ "value": 1 })),
        )
        .await;
    assert_eq!(unknown.1["errorType"], json!("error-setting-not-found"));
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/settings/Livechat_title",
            Some(json!({ "value": "Hacked" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_available_agent_coming_online_takes_the_waiting_chats() {
    let desk = Desk::open().await;
    let (agent_id, agent) = desk.agent("sleeper").await;
    desk.call(
        &agent,
        Method::POST,
        "/api/v1/users.setStatus",
        Some(json!({ "status": "offline" })),
    )
    .await;
    let (token, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room), None, "an offline agent gets no chats");
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/users.setStatus",
            Some(json!({ "status": "online" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served_by(&desk.room_of(&token).await), Some(agent_id));
}

#[tokio::test]
async fn chats_no_agent_can_take_do_not_hold_up_the_queue() {
    let desk = Desk::open_with(crate::helpers::seed_departments).await;
    // More chats than one routing pass looks at wait for Sales, where nobody works...
    for _ in 0..55 {
        let token = new_token();
        desk.app
            .register_ok(json!({ "token": token, "department": "dep-sales" }))
            .await;
        desk.app.open_room(&token).await;
    }
    // ...and one chat for anyone arrives after them.
    let (general, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room), None);

    let (agent_id, _) = desk.agent("generalist").await;

    assert_eq!(
        served_by(&desk.room_of(&general).await).as_deref(),
        Some(agent_id.as_str()),
        "the chat anyone can take is served although Sales chats wait before it"
    );
}

#[tokio::test]
async fn an_agents_own_limit_overrides_the_global_one() {
    let desk = Desk::open().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(3)).await;
    let (agent_id, _) = desk.agent("limited").await;
    let save = |data: Value| {
        let body = json!({ "agentId": agent_id, "agentData": data });
        desk.call(&desk.admin, Method::POST, "agents.saveInfo", Some(body))
    };
    let (status, body) = save(json!({ "maxNumberSimultaneousChat": 1 })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, shown) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("users/agent/{agent_id}"),
            None,
        )
        .await;
    assert_eq!(
        shown["user"]["livechat"]["maxNumberSimultaneousChat"],
        json!(1)
    );

    let (_, first) = desk.visitor_room().await;
    let (second_token, second) = desk.visitor_room().await;
    assert_eq!(served_by(&first).as_deref(), Some(agent_id.as_str()));
    assert_eq!(served_by(&second), None, "the agent's own limit is 1");

    // Raising it (as the admin form sends it, as text) lets the agent take the waiting chat.
    let (status, body) = save(json!({ "maxNumberSimultaneousChat": "2" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        served_by(&desk.room_of(&second_token).await).as_deref(),
        Some(agent_id.as_str())
    );

    for bad in [
        json!({ "maxNumberSimultaneousChat": -1 }),
        json!({ "maxNumberSimultaneousChat": "many" }),
        json!([1]),
    ] {
        let (status, body) = save(bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["errorType"], json!("invalid-params"), "{bad}: {body}");
    }
    let (_, not_agent) = desk
        .call(
            &desk.admin,
            Method::POST,
            "agents.saveInfo",
            Some(json!({ "agentId": "NoSuchAgent", "agentData": {} })),
        )
        .await;
    assert_eq!(not_agent["error"], json!("error-user-is-not-agent"));
    let (_, agent) = desk.agent("peer").await;
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "agents.saveInfo",
            Some(json!({ "agentId": agent_id, "agentData": {} })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
