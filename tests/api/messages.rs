//! Visitor messages: `POST livechat/message`, `GET|PUT|DELETE livechat/message/:_id` and
//! `GET livechat/messages.history/:rid` (reference §2.10–2.12, seed 004).

use std::time::Duration;

use livechat::time::Timestamp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

// ---- helpers of this file ----

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

async fn close_room(app: &TestApp, token: &str, rid: &str) {
    let (status, body) = app
        .post("room.close", json!({ "rid": rid, "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK, "close: {body}");
}

async fn send(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post("message", body).await
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
    let (status, body) = app
        .get(&format!("messages.history/{rid}?token={token}&{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "history: {body}");
    assert_eq!(body["success"], json!(true), "{body}");
    body
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

/// The room's `livechat-started` system message, as history shows it.
async fn started_message(app: &TestApp, token: &str, rid: &str) -> Value {
    let history = app.history(token, rid, "limit=1000").await;
    history
        .into_iter()
        .find(|m| m["t"] == json!("livechat-started"))
        .expect("history holds the livechat-started message")
}

// ---- POST livechat/message ----

#[tokio::test]
async fn sending_returns_the_stored_message_with_its_author() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;
    let rid = app.open_room(&token).await;

    let (status, body) = send(
        &app,
        json!({ "token": token, "rid": rid, "msg": "sending livechat message.." }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    let message = &body["message"];
    let id = message["_id"].as_str().expect("_id");
    assert_eq!(id.len(), 17, "a Meteor-style id: {id}");
    assert_eq!(message["msg"], json!("sending livechat message.."));
    assert_eq!(message["rid"], json!(rid));
    assert_eq!(message["token"], json!(token));
    assert_eq!(message["alias"], json!(format!("Visitor {token}")));
    assert_eq!(message["u"]["_id"], visitor["_id"], "{message}");
    assert_ne!(
        message["u"]["_id"],
        json!(token),
        "u._id is the visitor's _id"
    );
    assert_eq!(message["u"]["username"], visitor["username"]);
    let username = message["u"]["username"].as_str().expect("username");
    assert!(
        username.starts_with("guest-") && username["guest-".len()..].parse::<u64>().is_ok(),
        "a guest-N username: {username}"
    );
    assert_eq!(message["u"]["name"], json!(format!("Visitor {token}")));
    let ts = ts_of(message);
    let now = Timestamp::now();
    assert!(
        (now.millis() - ts.millis()).abs() < 60_000,
        "ts is the server's now: {message}"
    );
    assert!(message.get("t").is_none(), "a plain text message has no t");
}

#[tokio::test]
async fn sent_messages_appear_in_history_and_can_be_fetched() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "hello there").await;

    let history = app.history(&token, &rid, "").await;
    assert_eq!(history[0], sent, "history shows the stored message as sent");

    let (status, body) = fetch(&app, sent["_id"].as_str().unwrap(), &token, &rid).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["message"], sent);
}

#[tokio::test]
async fn a_client_chosen_id_becomes_the_message_id() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = send(
        &app,
        json!({ "token": token, "rid": rid, "msg": "with my id", "_id": "client-Id_1.x" }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"]["_id"], json!("client-Id_1.x"));
    let (status, fetched) = fetch(&app, "client-Id_1.x", &token, &rid).await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched["message"]["msg"], json!("with my id"));
}

#[tokio::test]
async fn resending_the_same_client_id_returns_the_stored_message_once() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let body = json!({ "token": token, "rid": rid, "msg": "retry me", "_id": "retry-1" });

    let first = send(&app, body.clone()).await;
    assert_eq!(first.0, StatusCode::OK, "{}", first.1);
    tick().await;
    let second = send(&app, body.clone()).await;
    assert_eq!(second.0, StatusCode::OK, "{}", second.1);
    assert_eq!(
        second.1["message"], first.1["message"],
        "the same stored message"
    );

    // A retry with other text still answers with what was stored first.
    let third = send(
        &app,
        json!({ "token": token, "rid": rid, "msg": "changed text", "_id": "retry-1" }),
    )
    .await;
    assert_eq!(third.0, StatusCode::OK, "{}", third.1);
    assert_eq!(third.1["message"]["msg"], json!("retry me"));

    let history = app.history(&token, &rid, "").await;
    let copies = history
        .iter()
        .filter(|m| m["_id"] == json!("retry-1"))
        .count();
    assert_eq!(copies, 1, "history holds the message once: {history:?}");
    let room = room_doc(&app, &token).await;
    assert_eq!(room["msgs"], json!(1), "counted once: {room}");
}

#[tokio::test]
async fn a_client_id_used_by_another_visitor_is_rejected_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (alice, alice_rid) = app.visitor_with_room().await;
    let (bob, bob_rid) = app.visitor_with_room().await;
    let (status, original) = send(
        &app,
        json!({ "token": alice, "rid": alice_rid, "msg": "alice's", "_id": "shared-id" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{original}");

    let response = send(
        &app,
        json!({ "token": bob, "rid": bob_rid, "msg": "bob's", "_id": "shared-id" }),
    )
    .await;

    let (status, body) = &response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false));
    assert_eq!(
        body["errorType"],
        json!("error-duplicate-message-id"),
        "{body}"
    );
    let error = body["error"].as_str().unwrap_or_default();
    assert!(error.ends_with("[error-duplicate-message-id]"), "{error}");
    assert!(
        !error.contains("alice"),
        "no leak of the other message: {error}"
    );

    // Alice's message is untouched, Bob's room got nothing.
    let (status, fetched) = fetch(&app, "shared-id", &alice, &alice_rid).await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched["message"], original["message"]);
    let bob_history = app.history(&bob, &bob_rid, "").await;
    assert!(
        bob_history.iter().all(|m| m["_id"] != json!("shared-id")),
        "{bob_history:?}"
    );
    assert_eq!(room_doc(&app, &bob).await["msgs"], json!(0));
    assert!(room_doc(&app, &bob).await.get("lastMessage").is_none());
    assert_eq!(room_doc(&app, &alice).await["msgs"], json!(1));
}

#[tokio::test]
async fn a_client_id_reused_in_another_room_of_the_same_visitor_is_rejected() {
    let app = TestApp::spawn().await;
    let (token, first_rid) = app.visitor_with_room().await;
    let (status, body) = send(
        &app,
        json!({ "token": token, "rid": first_rid, "msg": "first", "_id": "reused-id" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    close_room(&app, &token, &first_rid).await;
    let second_rid = app.open_room(&token).await;
    assert_ne!(second_rid, first_rid);

    let (status, body) = send(
        &app,
        json!({ "token": token, "rid": second_rid, "msg": "second", "_id": "reused-id" }),
    )
    .await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["errorType"],
        json!("error-duplicate-message-id"),
        "{body}"
    );
    assert_eq!(room_doc(&app, &token).await["msgs"], json!(0));
}

#[tokio::test]
async fn client_ids_with_unsafe_characters_are_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let too_long = "a".repeat(65);
    for id in [
        "has space",
        "a/b",
        "../etc",
        "semi;colon",
        "quote'",
        "dollar$ne",
        "ünïcode",
        "new\nline",
        "",
        too_long.as_str(),
    ] {
        let response = send(
            &app,
            json!({ "token": token, "rid": rid, "msg": "x", "_id": id }),
        )
        .await;
        assert_invalid_params(&response, "_id");
    }
    // The longest acceptable id still works.
    let longest = "b".repeat(64);
    let (status, body) = send(
        &app,
        json!({ "token": token, "rid": rid, "msg": "x", "_id": longest }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        room_doc(&app, &token).await["msgs"],
        json!(1),
        "only the valid one"
    );
}

#[tokio::test]
async fn sending_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    let (_, rid) = app.visitor_with_room().await;
    let response = send(
        &app,
        json!({ "token": new_token(), "rid": rid, "msg": "who am I" }),
    )
    .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
    assert_eq!(response.1["errorType"], json!("invalid-token"));
}

#[tokio::test]
async fn sending_to_another_visitors_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (alice, alice_rid) = app.visitor_with_room().await;
    let (bob, _) = app.visitor_with_room().await;

    let response = send(
        &app,
        json!({ "token": bob, "rid": alice_rid, "msg": "intrusion" }),
    )
    .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
    let history = app.history(&alice, &alice_rid, "").await;
    assert!(
        texts(&history).iter().all(|t| t != "intrusion"),
        "{history:?}"
    );
    assert_eq!(room_doc(&app, &alice).await["msgs"], json!(0));
}

#[tokio::test]
async fn sending_to_an_unknown_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (token, _) = app.visitor_with_room().await;
    let response = send(
        &app,
        json!({ "token": token, "rid": "NoSuchRoom1234567", "msg": "hello?" }),
    )
    .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn sending_to_a_closed_room_is_room_closed() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    close_room(&app, &token, &rid).await;
    let before = app.history(&token, &rid, "").await;

    let response = send(&app, json!({ "token": token, "rid": rid, "msg": "late" })).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "room-closed");
    assert_eq!(app.history(&token, &rid, "").await, before);
}

#[tokio::test]
async fn empty_or_blank_messages_are_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    for msg in ["", " ", "   \n\t  "] {
        let response = send(&app, json!({ "token": token, "rid": rid, "msg": msg })).await;
        assert_invalid_params(&response, "msg");
    }
    assert_invalid_params(
        &send(&app, json!({ "token": token, "rid": rid })).await,
        "msg",
    );
    assert_invalid_params(
        &send(&app, json!({ "token": token, "rid": rid, "msg": null })).await,
        "msg",
    );
    assert_eq!(room_doc(&app, &token).await["msgs"], json!(0));
}

#[tokio::test]
async fn missing_token_or_rid_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    assert_invalid_params(
        &send(&app, json!({ "rid": rid, "msg": "x" })).await,
        "token",
    );
    assert_invalid_params(
        &send(&app, json!({ "token": token, "msg": "x" })).await,
        "rid",
    );
    assert_invalid_params(
        &send(&app, json!({ "token": "", "rid": rid, "msg": "x" })).await,
        "token",
    );
    assert_invalid_params(
        &send(&app, json!({ "token": token, "rid": " ", "msg": "x" })).await,
        "rid",
    );
    assert_invalid_params(&send(&app, json!({})).await, "");
}

#[tokio::test]
async fn messages_over_5000_characters_are_rejected() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = send(
        &app,
        json!({ "token": token, "rid": rid, "msg": "x".repeat(5001) }),
    )
    .await;

    let (status, body) = &response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false));
    assert_eq!(
        body["errorType"],
        json!("error-message-size-exceeded"),
        "{body}"
    );
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .ends_with("[error-message-size-exceeded]"),
        "{body}"
    );
    assert_eq!(room_doc(&app, &token).await["msgs"], json!(0));
}

#[tokio::test]
async fn messages_of_exactly_5000_characters_are_accepted_counting_characters_not_bytes() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let ascii = "x".repeat(5000);
    let accented = "é".repeat(5000); // 10 000 bytes, 5 000 characters
    assert_eq!(
        app.send_message(&token, &rid, &ascii).await["msg"],
        json!(ascii)
    );
    assert_eq!(
        app.send_message(&token, &rid, &accented).await["msg"],
        json!(accented)
    );
    let response = send(
        &app,
        json!({ "token": token, "rid": rid, "msg": "é".repeat(5001) }),
    )
    .await;
    assert_eq!(
        response.1["errorType"],
        json!("error-message-size-exceeded"),
        "{}",
        response.1
    );
}

#[tokio::test]
async fn unicode_text_is_stored_verbatim() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let text = "héllo 👋🏽 مرحبا <b>bold</b> 'quote\" \\ back\nslash";
    let sent = app.send_message(&token, &rid, text).await;
    assert_eq!(sent["msg"], json!(text));
    let history = app.history(&token, &rid, "limit=1").await;
    assert_eq!(history[0]["msg"], json!(text));
}

#[tokio::test]
async fn the_room_counts_messages_and_tracks_the_last_one() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let room = room_doc(&app, &token).await;
    assert_eq!(
        room["msgs"],
        json!(0),
        "the livechat-started message is not counted"
    );
    assert!(room.get("lastMessage").is_none(), "{room}");

    let first = app.send_message(&token, &rid, "first").await;
    let room = room_doc(&app, &token).await;
    assert_eq!(room["msgs"], json!(1));
    assert_eq!(room["lastMessage"]["_id"], first["_id"]);

    tick().await;
    let second = app.send_message(&token, &rid, "second").await;
    let room = room_doc(&app, &token).await;
    assert_eq!(room["msgs"], json!(2));
    assert_eq!(room["lastMessage"]["_id"], second["_id"]);
    assert_eq!(room["lastMessage"]["msg"], json!("second"));
    assert_eq!(room["lastMessage"]["token"], json!(token));
    assert_eq!(room["lm"], second["ts"], "lm is the last message's ts");
    assert_eq!(room["v"]["lastMessageTs"], second["ts"]);

    // Editing the last message shows in lastMessage.
    let id = second["_id"].as_str().unwrap();
    let (status, body) = edit(&app, id, &token, &rid, "second, edited").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = room_doc(&app, &token).await;
    assert_eq!(room["lastMessage"]["msg"], json!("second, edited"));

    // Deleting it: lastMessage no longer names the deleted message.
    let (status, body) = delete_with_body(&app, id, &token, &rid).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = room_doc(&app, &token).await;
    assert_ne!(room["lastMessage"]["_id"], json!(id), "{room}");
}

#[tokio::test]
async fn editing_an_older_message_keeps_the_last_message() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let first = app.send_message(&token, &rid, "first").await;
    let second = app.send_message(&token, &rid, "second").await;
    let (status, body) = edit(&app, first["_id"].as_str().unwrap(), &token, &rid, "1st").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = room_doc(&app, &token).await;
    assert_eq!(room["lastMessage"]["_id"], second["_id"]);
    assert_eq!(room["lastMessage"]["msg"], json!("second"));
    assert_eq!(room["msgs"], json!(2));
}

// ---- GET livechat/message/:_id ----

#[tokio::test]
async fn fetching_a_message_needs_the_owner_and_its_room() {
    let app = TestApp::spawn().await;
    let (alice, alice_rid) = app.visitor_with_room().await;
    let (bob, bob_rid) = app.visitor_with_room().await;
    let sent = app.send_message(&alice, &alice_rid, "private").await;
    let id = sent["_id"].as_str().unwrap();

    assert_error(
        &fetch(&app, id, &bob, &alice_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-room",
    );
    assert_error(
        &fetch(&app, id, &bob, &bob_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    assert_error(
        &fetch(&app, "NoSuchMessage", &alice, &alice_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    assert_error(
        &fetch(&app, id, &new_token(), &alice_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-token",
    );
    assert_invalid_params(
        &app.get(&format!("message/{id}?token={alice}")).await,
        "rid",
    );
    assert_invalid_params(
        &app.get(&format!("message/{id}?rid={alice_rid}")).await,
        "token",
    );
}

// ---- PUT livechat/message/:_id ----

#[tokio::test]
async fn editing_returns_the_message_with_editor_and_edit_time() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;
    let rid = app.open_room(&token).await;
    let sent = app.send_message(&token, &rid, "original").await;
    let id = sent["_id"].as_str().unwrap();
    tick().await;

    let (status, body) = edit(&app, id, &token, &rid, "editing a livechat message..").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    let message = &body["message"];
    assert_eq!(message["_id"], json!(id));
    assert_eq!(message["msg"], json!("editing a livechat message.."));
    assert_eq!(message["rid"], json!(rid));
    assert_eq!(message["u"], sent["u"], "the author is unchanged");
    assert_eq!(message["ts"], sent["ts"], "ts is the sending time");
    let edited_at = Timestamp::parse_iso(message["editedAt"].as_str().expect("editedAt"))
        .expect("editedAt is ISO-8601");
    assert!(edited_at >= ts_of(&sent), "{message}");
    assert_eq!(message["editedBy"]["_id"], visitor["_id"], "{message}");
    assert_eq!(
        message["editedBy"]["username"], visitor["username"],
        "{message}"
    );

    let history = app.history(&token, &rid, "").await;
    assert_eq!(history[0]["_id"], json!(id));
    assert_eq!(history[0]["msg"], json!("editing a livechat message.."));
    assert_eq!(history[0]["editedBy"], message["editedBy"]);
    let (_, fetched) = fetch(&app, id, &token, &rid).await;
    assert_eq!(
        fetched["message"]["msg"],
        json!("editing a livechat message..")
    );
}

#[tokio::test]
async fn editing_another_visitors_message_is_rejected_and_keeps_the_text() {
    let app = TestApp::spawn().await;
    let (alice, alice_rid) = app.visitor_with_room().await;
    let (bob, bob_rid) = app.visitor_with_room().await;
    let sent = app
        .send_message(&alice, &alice_rid, "alice wrote this")
        .await;
    let id = sent["_id"].as_str().unwrap();

    assert_error(
        &edit(&app, id, &bob, &alice_rid, "bob was here").await,
        StatusCode::BAD_REQUEST,
        "invalid-room",
    );
    assert_error(
        &edit(&app, id, &bob, &bob_rid, "bob was here").await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );

    let (_, fetched) = fetch(&app, id, &alice, &alice_rid).await;
    assert_eq!(fetched["message"]["msg"], json!("alice wrote this"));
    assert!(fetched["message"].get("editedAt").is_none(), "{fetched}");
}

#[tokio::test]
async fn editing_an_unknown_message_is_invalid_message() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    assert_error(
        &edit(&app, "NoSuchMessage1234", &token, &rid, "x").await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
}

#[tokio::test]
async fn editing_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "mine").await;
    assert_error(
        &edit(&app, sent["_id"].as_str().unwrap(), &new_token(), &rid, "x").await,
        StatusCode::BAD_REQUEST,
        "invalid-token",
    );
}

#[tokio::test]
async fn a_message_of_another_room_of_the_same_visitor_is_invalid_message() {
    let app = TestApp::spawn().await;
    let (token, first_rid) = app.visitor_with_room().await;
    let old = app
        .send_message(&token, &first_rid, "in the first room")
        .await;
    let id = old["_id"].as_str().unwrap();
    close_room(&app, &token, &first_rid).await;
    let second_rid = app.open_room(&token).await;
    assert_ne!(second_rid, first_rid);

    assert_error(
        &edit(&app, id, &token, &second_rid, "moved?").await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    assert_error(
        &fetch(&app, id, &token, &second_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    assert_error(
        &delete_with_body(&app, id, &token, &second_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    let (status, fetched) = fetch(&app, id, &token, &first_rid).await;
    assert_eq!(status, StatusCode::OK, "the message survives: {fetched}");
    assert_eq!(fetched["message"]["msg"], json!("in the first room"));
}

#[tokio::test]
async fn editing_a_system_message_is_not_allowed() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let started = started_message(&app, &token, &rid).await;
    let id = started["_id"].as_str().unwrap();

    let response = edit(&app, id, &token, &rid, "rewritten history").await;

    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "Message editing not allowed [error-action-not-allowed]",
    );
    assert_eq!(response.1["errorType"], json!("error-action-not-allowed"));
    let after = started_message(&app, &token, &rid).await;
    assert_eq!(after, started, "the system message is unchanged");
}

#[tokio::test]
async fn deleting_a_system_message_is_not_allowed() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let started = started_message(&app, &token, &rid).await;
    let id = started["_id"].as_str().unwrap();

    let response = delete_with_body(&app, id, &token, &rid).await;

    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "Message deleting not allowed [error-action-not-allowed]",
    );
    let after = started_message(&app, &token, &rid).await;
    assert_eq!(after, started, "the system message is still there");
}

#[tokio::test]
async fn editing_validates_the_new_text_and_the_fields() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "keep me").await;
    let id = sent["_id"].as_str().unwrap();

    assert_invalid_params(&edit(&app, id, &token, &rid, "").await, "msg");
    assert_invalid_params(&edit(&app, id, &token, &rid, "  ").await, "msg");
    let too_long = edit(&app, id, &token, &rid, &"y".repeat(5001)).await;
    assert_eq!(too_long.0, StatusCode::BAD_REQUEST, "{}", too_long.1);
    assert_eq!(
        too_long.1["errorType"],
        json!("error-message-size-exceeded")
    );
    let path = format!("message/{id}");
    assert_invalid_params(
        &app.put(&path, json!({ "token": token, "rid": rid })).await,
        "msg",
    );
    assert_invalid_params(
        &app.put(&path, json!({ "rid": rid, "msg": "x" })).await,
        "token",
    );
    assert_invalid_params(
        &app.put(&path, json!({ "token": token, "msg": "x" })).await,
        "rid",
    );

    let (_, fetched) = fetch(&app, id, &token, &rid).await;
    assert_eq!(fetched["message"]["msg"], json!("keep me"));
}

// ---- DELETE livechat/message/:_id ----

#[tokio::test]
async fn deleting_with_a_json_body_removes_the_message() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let keep = app.send_message(&token, &rid, "keep").await;
    let gone = app.send_message(&token, &rid, "delete me").await;
    let id = gone["_id"].as_str().unwrap();

    let (status, body) = delete_with_body(&app, id, &token, &rid).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["message"]["_id"], json!(id));
    let ts = Timestamp::parse_iso(body["message"]["ts"].as_str().expect("ts")).expect("ISO ts");
    assert!(ts >= ts_of(&gone), "{body}");
    assert_eq!(
        body["message"].as_object().unwrap().len(),
        2,
        "only _id and ts: {body}"
    );

    let history = app.history(&token, &rid, "").await;
    assert!(!ids(&history).contains(&id.to_string()), "{history:?}");
    assert!(ids(&history).contains(&keep["_id"].as_str().unwrap().to_string()));
    assert_error(
        &fetch(&app, id, &token, &rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    // A second delete finds nothing.
    assert_error(
        &delete_with_body(&app, id, &token, &rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
}

#[tokio::test]
async fn deleting_with_query_parameters_works_too() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let gone = app.send_message(&token, &rid, "delete me by query").await;
    let id = gone["_id"].as_str().unwrap();

    let (status, body) = app
        .delete(&format!("message/{id}?token={token}&rid={rid}"), None)
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["message"]["_id"], json!(id));
    let history = app.history(&token, &rid, "").await;
    assert!(!ids(&history).contains(&id.to_string()), "{history:?}");
}

#[tokio::test]
async fn deleting_another_visitors_message_is_rejected_and_it_survives() {
    let app = TestApp::spawn().await;
    let (alice, alice_rid) = app.visitor_with_room().await;
    let (bob, bob_rid) = app.visitor_with_room().await;
    let sent = app
        .send_message(&alice, &alice_rid, "alice's message")
        .await;
    let id = sent["_id"].as_str().unwrap();

    assert_error(
        &delete_with_body(&app, id, &bob, &alice_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-room",
    );
    assert_error(
        &delete_with_body(&app, id, &bob, &bob_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    assert_error(
        &app.delete(&format!("message/{id}?token={bob}&rid={alice_rid}"), None)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid-room",
    );
    assert_error(
        &delete_with_body(&app, id, &new_token(), &alice_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-token",
    );

    let history = app.history(&alice, &alice_rid, "").await;
    assert_eq!(history[0], sent, "the message survives unchanged");
}

#[tokio::test]
async fn deleting_without_token_or_rid_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "still here").await;
    let id = sent["_id"].as_str().unwrap();
    let path = format!("message/{id}");

    assert_invalid_params(
        &app.delete(&path, Some(json!({ "rid": rid }))).await,
        "token",
    );
    assert_invalid_params(
        &app.delete(&path, Some(json!({ "token": token }))).await,
        "rid",
    );
    assert_invalid_params(&app.delete(&path, None).await, "token");
    assert_invalid_params(&app.delete(&path, Some(json!({}))).await, "token");
    assert_invalid_params(
        &app.delete(&format!("{path}?rid={rid}"), None).await,
        "token",
    );
    assert_invalid_params(
        &app.delete(&path, Some(json!({ "token": "", "rid": rid })))
            .await,
        "token",
    );

    let history = app.history(&token, &rid, "").await;
    assert_eq!(history[0], sent);
}

#[tokio::test]
async fn deleting_mixes_body_and_query_parameters() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "delete me").await;
    let id = sent["_id"].as_str().unwrap();

    let (status, body) = app
        .delete(
            &format!("message/{id}?rid={rid}"),
            Some(json!({ "token": token })),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let history = app.history(&token, &rid, "").await;
    assert!(!ids(&history).contains(&id.to_string()));
}

#[tokio::test]
async fn deleting_with_a_malformed_body_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "still here").await;
    let id = sent["_id"].as_str().unwrap();

    let response = app
        .send_raw(
            Method::DELETE,
            &format!("message/{id}?token={token}&rid={rid}"),
            "{\"token\": ",
        )
        .await;

    assert_invalid_params(&response, "JSON");
    assert_eq!(app.history(&token, &rid, "").await[0], sent);
}

// ---- GET livechat/messages.history/:rid ----

#[tokio::test]
async fn history_is_newest_first_with_the_started_message_last() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    tick().await;
    let sent = send_numbered(&app, &token, &rid, 3).await;

    let body = history_body(&app, &token, &rid, "").await;

    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4, "{body}");
    assert_eq!(texts(&messages[..3]), ["m3", "m2", "m1"]);
    assert_eq!(messages[0], sent[2]);
    assert_eq!(messages[3]["t"], json!("livechat-started"));
    assert_eq!(messages[3]["rid"], json!(rid));
    assert_eq!(body["unreadNotLoaded"], json!(0), "{body}");
    assert!(body.get("firstUnread").is_none(), "{body}");
    for pair in messages.windows(2) {
        assert!(ts_of(&pair[0]) >= ts_of(&pair[1]), "newest first: {body}");
    }
}

#[tokio::test]
async fn history_returns_20_messages_by_default() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    for i in 1..=25 {
        app.send_message(&token, &rid, &format!("m{i}")).await;
    }

    let messages = app.history(&token, &rid, "").await;

    assert_eq!(messages.len(), 20);
    let expected: Vec<String> = (6..=25).rev().map(|i| format!("m{i}")).collect();
    assert_eq!(texts(&messages), expected);
    assert!(
        messages.iter().all(|m| m["t"].is_null()),
        "no system message in the page"
    );
}

#[tokio::test]
async fn history_limit_picks_the_page_size() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    for i in 1..=25 {
        app.send_message(&token, &rid, &format!("m{i}")).await;
    }

    let messages = app.history(&token, &rid, "limit=5").await;
    assert_eq!(texts(&messages), ["m25", "m24", "m23", "m22", "m21"]);

    let all = app.history(&token, &rid, "limit=100").await;
    assert_eq!(all.len(), 26, "25 messages and livechat-started");
    assert_eq!(all[25]["t"], json!("livechat-started"));
}

#[tokio::test]
async fn history_offset_skips_the_newest_messages() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    for i in 1..=25 {
        app.send_message(&token, &rid, &format!("m{i}")).await;
    }

    let messages = app.history(&token, &rid, "limit=5&offset=5").await;
    assert_eq!(texts(&messages), ["m20", "m19", "m18", "m17", "m16"]);

    let tail = app.history(&token, &rid, "limit=5&offset=23").await;
    assert_eq!(texts(&tail[..2]), ["m2", "m1"]);
    assert_eq!(tail.len(), 3);
    assert_eq!(tail[2]["t"], json!("livechat-started"));

    let beyond = app.history(&token, &rid, "offset=100").await;
    assert!(beyond.is_empty(), "{beyond:?}");
}

#[tokio::test]
async fn history_count_is_an_alias_of_limit() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    for i in 1..=25 {
        app.send_message(&token, &rid, &format!("m{i}")).await;
    }

    let all = app.history(&token, &rid, "offset=0&count=50").await;
    assert_eq!(all.len(), 26, "every message: {}", all.len());
    assert_eq!(all[0]["msg"], json!("m25"));

    let three = app.history(&token, &rid, "count=3").await;
    assert_eq!(texts(&three), ["m25", "m24", "m23"]);

    let paged = app.history(&token, &rid, "offset=3&count=2").await;
    assert_eq!(texts(&paged), ["m22", "m21"]);
}

#[tokio::test]
async fn history_end_returns_only_older_messages() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    tick().await;
    let sent = send_numbered(&app, &token, &rid, 5).await;
    let end = sent[2]["ts"].as_str().unwrap(); // m3

    let messages = app.history(&token, &rid, &format!("end={end}")).await;

    assert_eq!(texts(&messages[..2]), ["m2", "m1"], "{messages:?}");
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[2]["t"], json!("livechat-started"));
    assert!(messages.iter().all(|m| ts_of(m) < ts_of(&sent[2])));

    let limited = app
        .history(&token, &rid, &format!("end={end}&limit=1"))
        .await;
    assert_eq!(texts(&limited), ["m2"]);

    let ancient = app
        .history(&token, &rid, "end=2000-01-01T00:00:00.000Z")
        .await;
    assert!(ancient.is_empty(), "{ancient:?}");
}

#[tokio::test]
async fn history_ls_counts_the_unread_messages_not_loaded() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    tick().await;
    let ls = Timestamp::now().to_iso(); // after livechat-started, before every message
    tick().await;
    let sent = send_numbered(&app, &token, &rid, 10).await;

    let body = history_body(&app, &token, &rid, &format!("ls={ls}&limit=3")).await;

    let messages = body["messages"].as_array().unwrap();
    assert_eq!(texts(messages), ["m10", "m9", "m8"]);
    // Unread and not loaded: visible messages with ls < ts < oldest loaded (m8): m1..m7.
    assert_eq!(body["unreadNotLoaded"], json!(7), "{body}");
    assert_eq!(body["firstUnread"]["_id"], sent[0]["_id"], "{body}");
}

#[tokio::test]
async fn history_ls_before_the_room_counts_the_started_message_too() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let ls = Timestamp::now().plus_millis(-1000).to_iso();
    let rid = app.open_room(&token).await;
    tick().await;
    send_numbered(&app, &token, &rid, 10).await;

    let body = history_body(&app, &token, &rid, &format!("ls={ls}&limit=3")).await;

    assert_eq!(
        body["unreadNotLoaded"],
        json!(8),
        "m1..m7 and livechat-started: {body}"
    );
    assert_eq!(
        body["firstUnread"]["t"],
        json!("livechat-started"),
        "{body}"
    );
}

#[tokio::test]
async fn history_ls_newer_than_the_page_has_nothing_unread() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    tick().await;
    let sent = send_numbered(&app, &token, &rid, 5).await;
    let ls = sent[3]["ts"].as_str().unwrap(); // m4: the page m5, m4, m3 reaches past it

    let body = history_body(&app, &token, &rid, &format!("ls={ls}&limit=3")).await;

    assert_eq!(body["unreadNotLoaded"], json!(0), "{body}");
    assert!(body.get("firstUnread").is_none(), "{body}");

    let everything = history_body(&app, &token, &rid, &format!("ls={ls}")).await;
    assert_eq!(
        everything["unreadNotLoaded"],
        json!(0),
        "all loaded: {everything}"
    );
}

#[tokio::test]
async fn history_rejects_bad_dates_and_counts() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let base = format!("messages.history/{rid}?token={token}");
    for (query, needle) in [
        ("end=yesterday", "end"),
        ("end=2020-13-45T99:99:99Z", "end"),
        ("end=12345", "end"),
        ("ls=not-a-date", "ls"),
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=1.5", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("offset=-5", "offset"),
        ("count=ten", "count"),
    ] {
        let response = app.get(&format!("{base}&{query}")).await;
        assert_invalid_params(&response, needle);
    }
}

#[tokio::test]
async fn history_accepts_iso_dates_with_offsets() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    app.send_message(&token, &rid, "hello").await;
    // 2100-01-01T01:00:00+01:00 == 2100-01-01T00:00:00Z, far in the future: everything is older.
    let messages = app
        .history(&token, &rid, "end=2100-01-01T01:00:00%2B01:00")
        .await;
    assert_eq!(messages.len(), 2, "{messages:?}");
}

#[tokio::test]
async fn history_of_another_visitors_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (alice, alice_rid) = app.visitor_with_room().await;
    let (bob, _) = app.visitor_with_room().await;
    app.send_message(&alice, &alice_rid, "secret").await;

    let response = app
        .get(&format!("messages.history/{alice_rid}?token={bob}"))
        .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
    assert!(!response.1.to_string().contains("secret"));
}

#[tokio::test]
async fn history_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    let (_, rid) = app.visitor_with_room().await;
    let response = app
        .get(&format!("messages.history/{rid}?token={}", new_token()))
        .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn history_of_an_unknown_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (token, _) = app.visitor_with_room().await;
    let response = app
        .get(&format!("messages.history/NoSuchRoom1234567?token={token}"))
        .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn history_without_a_token_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (_, rid) = app.visitor_with_room().await;
    assert_invalid_params(&app.get(&format!("messages.history/{rid}")).await, "token");
    assert_invalid_params(
        &app.get(&format!("messages.history/{rid}?token=")).await,
        "token",
    );
}

#[tokio::test]
async fn history_of_a_closed_room_is_still_readable() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "before closing").await;
    close_room(&app, &token, &rid).await;

    let messages = app.history(&token, &rid, "").await;

    assert!(ids(&messages).contains(&sent["_id"].as_str().unwrap().to_string()));
    assert!(
        messages.iter().any(|m| m["t"] == json!("livechat-close")),
        "the closing message shows: {messages:?}"
    );
    assert_eq!(messages.last().unwrap()["t"], json!("livechat-started"));
}

#[tokio::test]
async fn history_hides_navigation_messages() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let (status, body) = app
        .post(
            "page.visited",
            json!({
                "token": token,
                "rid": rid,
                "pageInfo": { "change": "url", "title": "Pricing", "location": { "href": "https://example.com/pricing" } }
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("page").is_some(), "the visit was recorded: {body}");
    app.send_message(&token, &rid, "visible").await;

    let messages = app.history(&token, &rid, "").await;

    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages
        .iter()
        .all(|m| m["t"] != json!("livechat_navigation_history")));
}
