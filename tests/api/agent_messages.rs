//! `chat.update` and `chat.delete`: agents edit and delete their own replies, in rooms they may
//! act in, while the settings allow it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{served_by, Credentials, Desk};

/// An agent serving a visitor, and one reply of the agent: `(desk, agent, token, rid, msg_id)`.
async fn replied_chat() -> (Desk, Credentials, String, String, String) {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("writer").await;
    let (token, room) = desk.visitor_room().await;
    assert!(served_by(&room).is_some());
    let rid = room["_id"].as_str().unwrap().to_string();
    let (status, sent) = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(json!({ "message": { "rid": rid, "msg": "first draft" } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let msg_id = sent["message"]["_id"].as_str().unwrap().to_string();
    (desk, agent, token, rid, msg_id)
}

async fn update(desk: &Desk, who: &Credentials, body: Value) -> (StatusCode, Value) {
    desk.call(who, Method::POST, "/api/v1/chat.update", Some(body))
        .await
}

async fn delete(desk: &Desk, who: &Credentials, body: Value) -> (StatusCode, Value) {
    desk.call(who, Method::POST, "/api/v1/chat.delete", Some(body))
        .await
}

#[tokio::test]
async fn an_agent_edits_its_reply_and_the_visitor_sees_it() {
    let (desk, agent, token, rid, msg_id) = replied_chat().await;

    let (status, body) = update(
        &desk,
        &agent,
        json!({ "roomId": rid, "msgId": msg_id, "text": "final text" }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"]["msg"], json!("final text"));
    assert_eq!(body["message"]["editedBy"]["username"], json!("writer"));
    assert!(body["message"]["editedAt"].is_string(), "{body}");
    let history = desk.app.history(&token, &rid, "").await;
    assert_eq!(history[0]["_id"], json!(msg_id));
    assert_eq!(history[0]["msg"], json!("final text"));
    assert_eq!(
        desk.room_of(&token).await["lastMessage"]["msg"],
        json!("final text")
    );
}

#[tokio::test]
async fn an_agent_deletes_its_reply() {
    let (desk, agent, token, rid, msg_id) = replied_chat().await;

    let (status, body) = delete(&desk, &agent, json!({ "roomId": rid, "msgId": msg_id })).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["_id"], json!(msg_id));
    assert_eq!(body["message"]["rid"], json!(rid));
    assert_eq!(body["message"]["u"]["username"], json!("writer"));
    let history = desk.app.history(&token, &rid, "").await;
    assert!(history.iter().all(|m| m["_id"] != json!(msg_id)));
}

#[tokio::test]
async fn nobody_else_changes_an_agents_reply() {
    let (desk, agent, token, rid, msg_id) = replied_chat().await;
    let (_, other) = desk.agent("other").await;
    let change = json!({ "roomId": rid, "msgId": msg_id, "text": "hijacked" });

    let refused = update(&desk, &other, change.clone()).await;
    assert_eq!(
        refused.1["errorType"],
        json!("error-not-allowed"),
        "{}",
        refused.1
    );
    let refused = delete(&desk, &other, json!({ "roomId": rid, "msgId": msg_id })).await;
    assert_eq!(
        refused.1["errorType"],
        json!("error-not-allowed"),
        "{}",
        refused.1
    );

    // The visitor's own messages and system messages are not the agent's to edit either.
    let visitor_message = desk.app.send_message(&token, &rid, "my words").await;
    let refused = update(
        &desk,
        &agent,
        json!({ "roomId": rid, "msgId": visitor_message["_id"], "text": "your words" }),
    )
    .await;
    assert_eq!(
        refused.1["errorType"],
        json!("error-action-not-allowed"),
        "{}",
        refused.1
    );

    let history = desk.app.history(&token, &rid, "").await;
    let original = history.iter().find(|m| m["_id"] == json!(msg_id)).unwrap();
    assert_eq!(original["msg"], json!("first draft"));
    assert!(history.iter().any(|m| m["msg"] == json!("my words")));
}

#[tokio::test]
async fn edits_follow_the_settings_and_the_rooms_state() {
    let (desk, agent, token, rid, msg_id) = replied_chat().await;
    desk.set("Message_AllowEditing", json!(false)).await;
    let refused = update(
        &desk,
        &agent,
        json!({ "roomId": rid, "msgId": msg_id, "text": "x" }),
    )
    .await;
    assert_eq!(
        refused.1["errorType"],
        json!("error-action-not-allowed"),
        "{}",
        refused.1
    );
    desk.set("Message_AllowDeleting", json!(false)).await;
    let refused = delete(&desk, &agent, json!({ "roomId": rid, "msgId": msg_id })).await;
    assert_eq!(
        refused.1["errorType"],
        json!("error-action-not-allowed"),
        "{}",
        refused.1
    );

    desk.set("Message_AllowEditing", json!(true)).await;
    desk.app.close_room(&token, &rid).await;
    let closed = update(
        &desk,
        &agent,
        json!({ "roomId": rid, "msgId": msg_id, "text": "x" }),
    )
    .await;
    assert_eq!(closed.1["error"], json!("room-closed"), "{}", closed.1);
}

#[tokio::test]
async fn unknown_or_mismatched_messages_are_reported() {
    let (desk, agent, _token, rid, msg_id) = replied_chat().await;
    let (status, body) = update(
        &desk,
        &agent,
        json!({ "roomId": rid, "msgId": "NoSuchMessage", "text": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"],
        json!("No message found with the id of \"NoSuchMessage\".")
    );
    let (_, body) = delete(
        &desk,
        &agent,
        json!({ "roomId": "OtherRoom", "msgId": msg_id }),
    )
    .await;
    assert_eq!(
        body["error"],
        json!("The room id provided does not match where the message is from.")
    );
    for bad in [
        json!({ "roomId": rid, "msgId": msg_id }),
        json!({ "roomId": rid, "text": "x" }),
        json!({ "roomId": rid, "msgId": msg_id, "text": "   " }),
        json!({ "roomId": rid, "msgId": msg_id, "text": 5 }),
    ] {
        let (status, body) = update(&desk, &agent, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["errorType"], json!("invalid-params"), "{bad}: {body}");
    }
    let anonymous = desk
        .app
        .post(
            "/api/v1/chat.update",
            json!({ "roomId": rid, "msgId": msg_id, "text": "x" }),
        )
        .await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);
}
