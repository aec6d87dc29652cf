//! `room.forward`: managers hand a chat to another agent or department; the old agent's slot
//! is freed, the room keeps a transfer history message, and nothing changes on an error.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{seed_departments, served_by, Credentials, Desk};

async fn forward(desk: &Desk, who: &Credentials, body: Value) -> (StatusCode, Value) {
    desk.call(who, Method::POST, "room.forward", Some(body))
        .await
}

/// A desk (with the seeded departments) where agent `first` serves a visitor's room.
async fn served_room() -> (Desk, String, Credentials, String, String) {
    let desk = Desk::open_with(seed_departments).await;
    let (first_id, first) = desk.agent("first").await;
    let (token, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room).as_deref(), Some(first_id.as_str()));
    let rid = room["_id"].as_str().unwrap().to_string();
    (desk, first_id, first, token, rid)
}

fn transfer_history(history: &[Value]) -> Vec<&Value> {
    history
        .iter()
        .filter(|m| m["t"] == json!("livechat_transfer_history"))
        .collect()
}

#[tokio::test]
async fn a_manager_forwards_a_chat_to_another_agent() {
    let (desk, first_id, _first, token, rid) = served_room().await;
    let (second_id, _) = desk.agent("second").await;

    let (status, body) = forward(
        &desk,
        &desk.admin,
        json!({ "roomId": rid, "userId": second_id, "comment": "billing question" }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "success": true }));
    let room = desk.room_of(&token).await;
    assert_eq!(served_by(&room).as_deref(), Some(second_id.as_str()));
    let history = desk.app.history(&token, &rid, "").await;
    let transfers = transfer_history(&history);
    assert_eq!(transfers.len(), 1, "{history:?}");
    let data = &transfers[0]["transferData"];
    assert_eq!(data["scope"], json!("agent"));
    assert_eq!(data["comment"], json!("billing question"));
    assert_eq!(data["transferredBy"]["username"], json!("admin"));
    assert_eq!(data["transferredBy"]["type"], json!("user"));
    assert_eq!(data["transferredTo"]["_id"], json!(second_id));

    // The agents' open-chat counts moved with the chat.
    let (_, agents) = desk
        .call(&desk.admin, Method::GET, "users/agent", None)
        .await;
    let _ = first_id;
    assert_eq!(agents["total"], json!(2), "{agents}");
}

#[tokio::test]
async fn the_old_agents_slot_is_free_after_a_forward() {
    let (desk, first_id, _first, token, rid) = served_room().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    let (second_id, _) = desk.agent("second").await;
    // `second` is now busy with a chat of its own; `first` is full with `rid`.
    let (_, second_room) = desk.visitor_room().await;
    assert_eq!(served_by(&second_room).as_deref(), Some(second_id.as_str()));
    let (waiting_token, waiting) = desk.visitor_room().await;
    assert_eq!(served_by(&waiting), None, "both agents are full");

    // Forwarding `rid` to `second` is refused: it is at its limit, and nothing changes.
    let (status, body) = forward(
        &desk,
        &desk.admin,
        json!({ "roomId": rid, "userId": second_id }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], json!("error-agent-chat-limit-reached"));
    assert_eq!(
        served_by(&desk.room_of(&token).await).as_deref(),
        Some(first_id.as_str())
    );
    assert!(transfer_history(&desk.app.history(&token, &rid, "").await).is_empty());

    // Forwarded to a department without agents, the chat waits in the queue again; `first`
    // is free and takes the chat that waited before it.
    let (status, body) = forward(
        &desk,
        &desk.admin,
        json!({ "roomId": rid, "departmentId": "dep-sales" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = desk.room_of(&token).await;
    assert_eq!(room["departmentId"], json!("dep-sales"));
    assert_eq!(served_by(&room), None, "{room}");
    assert_eq!(
        served_by(&desk.room_of(&waiting_token).await).as_deref(),
        Some(first_id.as_str()),
        "the freed slot went to the waiting chat"
    );
    let history = desk.app.history(&token, &rid, "").await;
    let data = &transfer_history(&history)[0]["transferData"];
    assert_eq!(data["scope"], json!("department"));
    assert_eq!(
        data["nextDepartment"],
        json!({ "_id": "dep-sales", "name": "Sales" })
    );
}

#[tokio::test]
async fn forward_errors_change_nothing() {
    let (desk, first_id, _first, token, rid) = served_room().await;
    let (offline_id, offline) = desk.agent("offline").await;
    desk.call(
        &offline,
        Method::POST,
        "agent.status",
        Some(json!({ "status": "not-available" })),
    )
    .await;

    let cases = [
        (
            json!({ "roomId": rid, "userId": offline_id }),
            "error-user-is-offline",
        ),
        (
            json!({ "roomId": rid, "userId": "NoSuchUser" }),
            "error-user-is-offline",
        ),
        (
            json!({ "roomId": rid, "userId": first_id }),
            "error-selected-agent-room-agent-are-same",
        ),
        (
            json!({ "roomId": "NoSuchRoom", "userId": first_id }),
            "error-invalid-room",
        ),
        (
            json!({ "roomId": rid, "departmentId": "dep-archive" }),
            "error-invalid-department",
        ),
    ];
    for (body, error) in cases {
        let (status, answer) = forward(&desk, &desk.admin, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"], json!(error), "{body}: {answer}");
    }
    for body in [
        json!({ "roomId": rid }),
        json!({ "roomId": rid, "userId": first_id, "extra": 1 }),
        json!({}),
    ] {
        let (status, answer) = forward(&desk, &desk.admin, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(
            answer["errorType"],
            json!("invalid-params"),
            "{body}: {answer}"
        );
    }
    let room = desk.room_of(&token).await;
    assert_eq!(served_by(&room).as_deref(), Some(first_id.as_str()));
    assert!(
        room.get("departmentId").is_none_or(Value::is_null),
        "{room}"
    );
    assert!(transfer_history(&desk.app.history(&token, &rid, "").await).is_empty());

    desk.app.close_room(&token, &rid).await;
    let (_, closed) = forward(
        &desk,
        &desk.admin,
        json!({ "roomId": rid, "departmentId": "dep-sales" }),
    )
    .await;
    assert_eq!(
        closed["error"],
        json!("This_conversation_is_already_closed")
    );
}

#[tokio::test]
async fn agents_may_not_forward_by_default() {
    let (desk, _first_id, first, _token, rid) = served_room().await;
    let (second_id, _) = desk.agent("second").await;
    let (status, body) =
        forward(&desk, &first, json!({ "roomId": rid, "userId": second_id })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let response = desk
        .app
        .client
        .post(desk.app.url("/api/v1/livechat/room.forward"))
        .json(&json!({ "roomId": rid, "userId": second_id }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_visitor_transfer_frees_the_agent_and_re_routes() {
    let (desk, first_id, _first, token, rid) = served_room().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    let (waiting_token, waiting) = desk.visitor_room().await;
    assert_eq!(served_by(&waiting), None);

    let (status, body) = desk
        .app
        .post(
            "room.transfer",
            json!({ "rid": rid, "token": token, "department": "dep-support" }),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        served_by(&desk.room_of(&token).await),
        None,
        "no agent in Support"
    );
    assert_eq!(
        served_by(&desk.room_of(&waiting_token).await).as_deref(),
        Some(first_id.as_str()),
        "the agent's slot was given back and the queue moved"
    );
    let history = desk.app.history(&token, &rid, "").await;
    let data = &transfer_history(&history)[0]["transferData"];
    assert_eq!(data["transferredBy"]["type"], json!("visitor"));
    assert!(
        history.iter().any(|m| m["t"] == json!("ul")),
        "the old agent left: {history:?}"
    );
}
