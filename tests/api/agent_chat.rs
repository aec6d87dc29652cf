//! Agents reply (`chat.sendMessage`) and close (`room.closeByUser`) the chats they serve.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{served_by, Credentials, Desk};

/// A desk with one agent serving one visitor's fresh room: `(desk, agent, token, rid)`.
async fn served_chat() -> (Desk, Credentials, String, String) {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("replier").await;
    let (token, room) = desk.visitor_room().await;
    assert!(served_by(&room).is_some());
    (
        desk,
        agent,
        token,
        room["_id"].as_str().unwrap().to_string(),
    )
}

async fn reply(desk: &Desk, who: &Credentials, rid: &str, msg: &str) -> (StatusCode, Value) {
    desk.call(
        who,
        Method::POST,
        "/api/v1/chat.sendMessage",
        Some(json!({ "message": { "rid": rid, "msg": msg } })),
    )
    .await
}

#[tokio::test]
async fn the_serving_agent_replies_and_the_visitor_reads_it() {
    let (desk, agent, token, rid) = served_chat().await;
    desk.app.send_message(&token, &rid, "hello, anyone?").await;
    let (status, body) = reply(&desk, &agent, &rid, "Hi! How can I help?").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"]["u"]["username"], json!("replier"));
    assert!(
        body["message"].get("token").is_none(),
        "agent messages carry no visitor token"
    );

    let history = desk.app.history(&token, &rid, "").await;
    assert_eq!(history[0]["msg"], json!("Hi! How can I help?"));
    let room = desk.room_of(&token).await;
    assert!(
        room.get("waitingResponse").is_none(),
        "the visitor is answered: {room}"
    );
    assert_eq!(room["responseBy"]["username"], json!("replier"));
    assert!(room["metrics"]["response"]["ft"].as_f64().unwrap() >= 0.0);
    assert_eq!(room["metrics"]["response"]["total"], json!(1));
    assert_eq!(room["msgs"], json!(2));

    desk.app
        .send_message(&token, &rid, "one more question")
        .await;
    assert_eq!(desk.room_of(&token).await["waitingResponse"], json!(true));
}

#[tokio::test]
async fn an_agent_cannot_write_in_a_room_it_does_not_serve() {
    let (desk, _agent, _token, rid) = served_chat().await;
    let (_, other) = desk.agent("outsider").await;
    let refused = reply(&desk, &other, &rid, "let me butt in").await;
    assert_eq!(refused.0, StatusCode::BAD_REQUEST, "{}", refused.1);
    assert_eq!(refused.1["errorType"], json!("error-not-allowed"));
    let (status, _) = reply(&desk, &desk.admin.clone(), &rid, "a manager may").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn replies_are_checked_like_visitor_messages() {
    let (desk, agent, _token, rid) = served_chat().await;
    let empty = reply(&desk, &agent, &rid, "   ").await;
    assert_eq!(empty.1["errorType"], json!("invalid-params"));
    let unknown = reply(&desk, &agent, "NoSuchRoom", "hi").await;
    assert_eq!(unknown.1["errorType"], json!("error-invalid-room"));
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(json!({ "message": ["rid", "msg"] })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let anonymous = desk
        .app
        .post(
            "/api/v1/chat.sendMessage",
            json!({ "message": { "rid": rid, "msg": "x" } }),
        )
        .await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_agent_closes_the_chat_and_the_visitor_sees_it() {
    let (desk, agent, token, rid) = served_chat().await;
    let (status, body) = desk
        .call(
            &agent,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid, "comment": "Solved" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let history = desk.app.history(&token, &rid, "").await;
    let close = history
        .iter()
        .find(|m| m["t"] == json!("livechat-close"))
        .expect("a livechat-close message");
    assert_eq!(close["msg"], json!("Solved"));
    assert_eq!(close["u"]["username"], json!("replier"));
    let (_, room) = desk.app.get(&format!("room?token={token}")).await;
    assert_eq!(
        room["newRoom"],
        json!(true),
        "the next request opens a new room"
    );

    let again = desk
        .call(
            &agent,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(again.1["error"], json!("error-room-already-closed"));
    let (status, _) = reply(&desk, &agent, &rid, "too late").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn closing_frees_the_agent_for_the_next_waiting_chat() {
    let desk = Desk::open().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    let (agent_id, agent) = desk.agent("busy").await;
    let (_, first) = desk.visitor_room().await;
    let (waiting_token, waiting) = desk.visitor_room().await;
    assert_eq!(served_by(&waiting), None);
    let rid = first["_id"].as_str().unwrap();
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        served_by(&desk.room_of(&waiting_token).await),
        Some(agent_id)
    );
}

#[tokio::test]
async fn only_the_serving_agent_or_a_manager_closes() {
    let (desk, _agent, _token, rid) = served_chat().await;
    let (_, other) = desk.agent("bystander").await;
    let refused = desk
        .call(
            &other,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(refused.1["error"], json!("error-not-authorized"));
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
