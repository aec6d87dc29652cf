//! `POST livechat/message`: the visitor writes, and the room keeps count (reference §2.10).

use super::*;

/// Asserts a 400 error of `error_type` whose text ends with `[error_type]`; returns the text.
#[track_caller]
fn assert_typed_error<'a>(response: &'a (StatusCode, Value), error_type: &str) -> &'a str {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false));
    assert_eq!(body["errorType"], json!(error_type), "{body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(error.ends_with(&format!("[{error_type}]")), "{body}");
    error
}

#[tokio::test]
async fn sending_returns_the_stored_message_with_its_author() {
    let app = TestApp::spawn().await;
    let (token, visitor, rid) = app.visitor_doc_with_room().await;

    let (status, body) = send_text(&app, &token, &rid, "sending livechat message..").await;

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
    let (app, token, rid) = TestApp::spawn_with_room().await;
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
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let (status, body) = send_with_id(&app, &token, &rid, "with my id", "client-Id_1.x").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"]["_id"], json!("client-Id_1.x"));
    let (status, fetched) = fetch(&app, "client-Id_1.x", &token, &rid).await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched["message"]["msg"], json!("with my id"));
}

#[tokio::test]
async fn resending_the_same_client_id_returns_the_stored_message_once() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
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
    let third = send_with_id(&app, &token, &rid, "changed text", "retry-1").await;
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
    let (app, alice, alice_rid) = TestApp::spawn_with_room().await;
    let (bob, bob_rid) = app.visitor_with_room().await;
    let (status, original) = send_with_id(&app, &alice, &alice_rid, "alice's", "shared-id").await;
    assert_eq!(status, StatusCode::OK, "{original}");

    let response = send_with_id(&app, &bob, &bob_rid, "bob's", "shared-id").await;

    let error = assert_typed_error(&response, "error-duplicate-message-id");
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
    let (app, token, first_rid) = TestApp::spawn_with_room().await;
    let (status, body) = send_with_id(&app, &token, &first_rid, "first", "reused-id").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second_rid = reopen(&app, &token, &first_rid).await;

    let (status, body) = send_with_id(&app, &token, &second_rid, "second", "reused-id").await;

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
    let (app, token, rid) = TestApp::spawn_with_room().await;
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
        let response = send_with_id(&app, &token, &rid, "x", id).await;
        assert_invalid_params(&response, "_id");
    }
    // The longest acceptable id still works.
    let longest = "b".repeat(64);
    let (status, body) = send_with_id(&app, &token, &rid, "x", &longest).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        room_doc(&app, &token).await["msgs"],
        json!(1),
        "only the valid one"
    );
}

#[tokio::test]
async fn sending_with_an_unknown_token_is_invalid_token() {
    let (app, _, rid) = TestApp::spawn_with_room().await;
    let response = send_text(&app, &new_token(), &rid, "who am I").await;
    assert_meteor_error(&response, "invalid-token", "invalid-token");
}

#[tokio::test]
async fn sending_to_another_visitors_room_is_invalid_room() {
    let (app, alice, alice_rid) = TestApp::spawn_with_room().await;
    let (bob, _) = app.visitor_with_room().await;

    let response = send_text(&app, &bob, &alice_rid, "intrusion").await;

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
    let (app, token, _) = TestApp::spawn_with_room().await;
    let response = send_text(&app, &token, "NoSuchRoom1234567", "hello?").await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn sending_to_a_closed_room_is_room_closed() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.close_room(&token, &rid).await;
    let before = app.history(&token, &rid, "").await;

    let response = send_text(&app, &token, &rid, "late").await;

    assert_error(&response, StatusCode::BAD_REQUEST, "room-closed");
    assert_eq!(app.history(&token, &rid, "").await, before);
}

#[tokio::test]
async fn empty_or_blank_messages_are_invalid_params() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    for msg in ["", " ", "   \n\t  "] {
        let response = send_text(&app, &token, &rid, msg).await;
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
    let (app, token, rid) = TestApp::spawn_with_room().await;
    assert_invalid_params(
        &send(&app, json!({ "rid": rid, "msg": "x" })).await,
        "token",
    );
    assert_invalid_params(
        &send(&app, json!({ "token": token, "msg": "x" })).await,
        "rid",
    );
    assert_invalid_params(&send_text(&app, "", &rid, "x").await, "token");
    assert_invalid_params(&send_text(&app, &token, " ", "x").await, "rid");
    assert_invalid_params(&send(&app, json!({})).await, "");
}

#[tokio::test]
async fn messages_over_5000_characters_are_rejected() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let response = send_text(&app, &token, &rid, &"x".repeat(5001)).await;

    assert_typed_error(&response, "error-message-size-exceeded");
    assert_eq!(room_doc(&app, &token).await["msgs"], json!(0));
}

#[tokio::test]
async fn messages_of_exactly_5000_characters_are_accepted_counting_characters_not_bytes() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
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
    let response = send_text(&app, &token, &rid, &"é".repeat(5001)).await;
    assert_eq!(
        response.1["errorType"],
        json!("error-message-size-exceeded"),
        "{}",
        response.1
    );
}

#[tokio::test]
async fn unicode_text_is_stored_verbatim() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let text = "héllo 👋🏽 مرحبا <b>bold</b> 'quote\" \\ back\nslash";
    let sent = app.send_message(&token, &rid, text).await;
    assert_eq!(sent["msg"], json!(text));
    let history = app.history(&token, &rid, "limit=1").await;
    assert_eq!(history[0]["msg"], json!(text));
}

#[tokio::test]
async fn the_room_counts_messages_and_tracks_the_last_one() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
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
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let first = app.send_message(&token, &rid, "first").await;
    let second = app.send_message(&token, &rid, "second").await;
    let (status, body) = edit(&app, first["_id"].as_str().unwrap(), &token, &rid, "1st").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = room_doc(&app, &token).await;
    assert_eq!(room["lastMessage"]["_id"], second["_id"]);
    assert_eq!(room["lastMessage"]["msg"], json!("second"));
    assert_eq!(room["msgs"], json!(2));
}
