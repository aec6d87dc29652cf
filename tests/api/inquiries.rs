//! Manual selection: chats wait as inquiries until an agent takes one.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{served_by, Desk};

async fn manual_desk() -> Desk {
    let desk = Desk::open().await;
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    desk
}

async fn inquiry_of(desk: &Desk, rid: &str) -> Value {
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("inquiries.getOne?roomId={rid}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["inquiry"].clone()
}

#[tokio::test]
async fn chats_wait_for_an_agent_under_manual_selection() {
    let desk = manual_desk().await;
    let (_, agent) = desk.agent("picker").await;
    let (token, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room), None, "nobody is assigned automatically");
    let (_, config) = desk.app.get(&format!("config?token={token}")).await;
    assert_eq!(config["config"]["settings"]["showConnecting"], json!(true));

    let (status, list) = desk
        .call(&desk.admin, Method::GET, "inquiries.list", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], json!(1));
    assert_eq!(list["inquiries"][0]["status"], json!("queued"));
    let (status, queued) = desk
        .call(&agent, Method::GET, "inquiries.queued", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{queued}");
    assert_eq!(queued["inquiries"][0]["rid"], room["_id"]);
}

#[tokio::test]
async fn an_agent_takes_an_inquiry_and_serves_the_room() {
    let desk = manual_desk().await;
    let (agent_id, agent) = desk.agent("taker").await;
    let (token, room) = desk.visitor_room().await;
    let inquiry = inquiry_of(&desk, room["_id"].as_str().unwrap()).await;
    let (status, taken) = desk
        .call(
            &agent,
            Method::POST,
            "inquiries.take",
            Some(json!({ "inquiryId": inquiry["_id"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    assert_eq!(taken["inquiry"]["status"], json!("taken"));
    assert_eq!(served_by(&desk.room_of(&token).await), Some(agent_id));
    let (_, list) = desk
        .call(&desk.admin, Method::GET, "inquiries.list", None)
        .await;
    assert_eq!(list["total"], json!(0));

    let again = desk
        .call(
            &agent,
            Method::POST,
            "inquiries.take",
            Some(json!({ "inquiryId": inquiry["_id"] })),
        )
        .await;
    assert_eq!(
        again.1["error"],
        json!("Inquiry already taken [error-inquiry-taken]")
    );
    let missing = desk
        .call(
            &agent,
            Method::POST,
            "inquiries.take",
            Some(json!({ "inquiryId": "nope" })),
        )
        .await;
    assert_eq!(
        (missing.1["error"].clone(), missing.1["errorType"].clone()),
        (
            json!("Inquiry not found [error-not-found]"),
            json!("error-not-found")
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_agents_taking_one_inquiry_at_once_give_one_owner() {
    let desk = manual_desk().await;
    let mut agents = Vec::new();
    for name in ["racer1", "racer2", "racer3", "racer4"] {
        agents.push(desk.agent(name).await);
    }
    for _ in 0..5 {
        let (token, room) = desk.visitor_room().await;
        let inquiry = inquiry_of(&desk, room["_id"].as_str().unwrap()).await;
        let attempts = join_all(agents.iter().map(|(_, who)| {
            let body = json!({ "inquiryId": inquiry["_id"] });
            desk.call(who, Method::POST, "inquiries.take", Some(body))
        }))
        .await;
        let winners: Vec<usize> = attempts
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| *s == StatusCode::OK)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(winners.len(), 1, "{attempts:?}");
        assert_eq!(
            served_by(&desk.room_of(&token).await),
            Some(agents[winners[0]].0.clone())
        );
    }
}

#[tokio::test]
async fn taking_respects_the_agent_limit_and_availability() {
    let desk = manual_desk().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    let (_, agent) = desk.agent("limited").await;
    let (_, first) = desk.visitor_room().await;
    let (_, second) = desk.visitor_room().await;
    let first = inquiry_of(&desk, first["_id"].as_str().unwrap()).await;
    let second = inquiry_of(&desk, second["_id"].as_str().unwrap()).await;
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "inquiries.take",
            Some(json!({ "inquiryId": first["_id"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let full = desk
        .call(
            &agent,
            Method::POST,
            "inquiries.take",
            Some(json!({ "inquiryId": second["_id"] })),
        )
        .await;
    assert_eq!(
        full.1["errorType"],
        json!("error-agent-status-service-offline"),
        "{}",
        full.1
    );
    assert_eq!(
        inquiry_of(&desk, second["rid"].as_str().unwrap()).await["status"],
        json!("queued"),
        "nothing changed"
    );
}

#[tokio::test]
async fn inquiry_endpoints_check_permissions_and_params() {
    let desk = manual_desk().await;
    let (_, agent) = desk.agent("plain").await;
    let (status, _) = desk.call(&agent, Method::GET, "inquiries.list", None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the full list is for managers"
    );
    let missing = desk
        .call(&agent, Method::GET, "inquiries.getOne", None)
        .await;
    assert_eq!(missing.1["error"], json!("The 'roomId' param is required"));
    let anonymous = desk.app.get("inquiries.queued").await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);
    let (_, room) = desk.visitor_room().await;
    let inquiry = inquiry_of(&desk, room["_id"].as_str().unwrap()).await;
    let (_, other) = desk.agent("other").await;
    let on_behalf = desk
        .call(
            &agent,
            Method::POST,
            "inquiries.take",
            Some(json!({ "inquiryId": inquiry["_id"], "userId": other.0 })),
        )
        .await;
    assert_eq!(
        on_behalf.0,
        StatusCode::FORBIDDEN,
        "agents do not hand chats to others"
    );
    let ghost = desk
        .call(
            &desk.admin,
            Method::POST,
            "inquiries.take",
            Some(json!({ "inquiryId": inquiry["_id"], "userId": "ghost" })),
        )
        .await;
    assert_eq!(ghost.1["error"], json!("The user is invalid"));
}
