//! Visitor messages: `POST livechat/message`, `GET|PUT|DELETE livechat/message/:_id` and
//! `GET livechat/messages.history/:rid` (reference §2.10–2.12, seed 004).

mod edit_delete;
mod history;
mod send;

use std::time::Duration;

use livechat::time::Timestamp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

/// The visitor's open room document (`GET livechat/room?token=`).
async fn room_doc(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get(&format!("room?token={token}")).await;
    assert_eq!(status, StatusCode::OK, "room: {body}");
    assert_eq!(
        body["newRoom"],
        json!(false),
        "the room should exist already: {body}"
    );
    body["room"].clone()
}

async fn send(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post("message", body).await
}

async fn send_text(app: &TestApp, token: &str, rid: &str, msg: &str) -> (StatusCode, Value) {
    send(app, json!({ "token": token, "rid": rid, "msg": msg })).await
}

/// Sends `msg` with a client-chosen `_id`.
async fn send_with_id(
    app: &TestApp,
    token: &str,
    rid: &str,
    msg: &str,
    id: &str,
) -> (StatusCode, Value) {
    send(
        app,
        json!({ "token": token, "rid": rid, "msg": msg, "_id": id }),
    )
    .await
}

async fn fetch(app: &TestApp, id: &str, token: &str, rid: &str) -> (StatusCode, Value) {
    app.get(&format!("message/{id}?token={token}&rid={rid}"))
        .await
}

async fn edit(app: &TestApp, id: &str, token: &str, rid: &str, msg: &str) -> (StatusCode, Value) {
    app.put(
        &format!("message/{id}"),
        json!({ "token": token, "rid": rid, "msg": msg }),
    )
    .await
}

async fn delete_with_body(app: &TestApp, id: &str, token: &str, rid: &str) -> (StatusCode, Value) {
    app.delete(
        &format!("message/{id}"),
        Some(json!({ "token": token, "rid": rid })),
    )
    .await
}

async fn history_body(app: &TestApp, token: &str, rid: &str, query: &str) -> Value {
    app.get_success(&format!("messages.history/{rid}?token={token}&{query}"))
        .await
}

fn ids(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["_id"].as_str().expect("message _id").to_string())
        .collect()
}

fn texts(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["msg"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn ts_of(message: &Value) -> Timestamp {
    Timestamp::parse_iso(message["ts"].as_str().expect("ts is a string"))
        .unwrap_or_else(|| panic!("ts is ISO-8601: {message}"))
}

/// Lets the clock move on, so consecutive writes get distinct millisecond timestamps.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

/// Sends `n` messages "m1".."mn" with distinct timestamps; returns them in sending order.
async fn send_numbered(app: &TestApp, token: &str, rid: &str, n: usize) -> Vec<Value> {
    let mut sent = Vec::with_capacity(n);
    for i in 1..=n {
        sent.push(app.send_message(token, rid, &format!("m{i}")).await);
        tick().await;
    }
    sent
}

/// A visitor with a room holding one message, `text`: `(token, rid, message, message id)`.
async fn visitor_with_message(app: &TestApp, text: &str) -> (String, String, Value, String) {
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, text).await;
    let id = sent["_id"].as_str().expect("message _id").to_string();
    (token, rid, sent, id)
}

/// Closes the visitor's room `rid` and opens the next one, which must be another room.
async fn reopen(app: &TestApp, token: &str, rid: &str) -> String {
    app.close_room(token, rid).await;
    let next = app.open_room(token).await;
    assert_ne!(next, rid);
    next
}

/// Alice with a room holding her message, and Bob with a room of his own.
struct AliceAndBob {
    alice: String,
    alice_rid: String,
    bob: String,
    bob_rid: String,
    /// Alice's message.
    sent: Value,
}

impl AliceAndBob {
    async fn new(app: &TestApp, text: &str) -> AliceAndBob {
        let (alice, alice_rid) = app.visitor_with_room().await;
        let (bob, bob_rid) = app.visitor_with_room().await;
        let sent = app.send_message(&alice, &alice_rid, text).await;
        AliceAndBob {
            alice,
            alice_rid,
            bob,
            bob_rid,
            sent,
        }
    }

    fn id(&self) -> &str {
        self.sent["_id"].as_str().expect("message _id")
    }

    /// Asserts that Bob's `call(token, rid)` about Alice's message is refused: `invalid-room`
    /// with her room, `invalid-message` with his own.
    async fn assert_bob_is_refused(&self, call: impl AsyncFn(&str, &str) -> (StatusCode, Value)) {
        let with_her_room = call(&self.bob, &self.alice_rid).await;
        assert_error(&with_her_room, StatusCode::BAD_REQUEST, "invalid-room");
        let with_his_room = call(&self.bob, &self.bob_rid).await;
        assert_error(&with_his_room, StatusCode::BAD_REQUEST, "invalid-message");
    }
}

/// The room's `livechat-started` system message, as history shows it.
async fn started_message(app: &TestApp, token: &str, rid: &str) -> Value {
    let history = app.history(token, rid, "limit=1000").await;
    history
        .into_iter()
        .find(|m| m["t"] == json!("livechat-started"))
        .expect("history holds the livechat-started message")
}
