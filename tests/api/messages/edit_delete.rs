//! `GET|PUT|DELETE livechat/message/:_id`: reading, editing and deleting one of the visitor's
//! own messages (reference §2.11).

use super::*;

#[tokio::test]
async fn fetching_a_message_needs_the_owner_and_its_room() {
    let app = TestApp::spawn().await;
    let v = AliceAndBob::new(&app, "private").await;
    let (alice, alice_rid, id) = (&v.alice, &v.alice_rid, v.id());

    assert_error(
        &fetch(&app, "NoSuchMessage", alice, alice_rid).await,
        StatusCode::BAD_REQUEST,
        "invalid-message",
    );
    v.assert_bob_is_refused(async |token, rid| fetch(&app, id, token, rid).await)
        .await;
    assert_error(
        &fetch(&app, id, &new_token(), alice_rid).await,
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

#[tokio::test]
async fn editing_returns_the_message_with_editor_and_edit_time() {
    let app = TestApp::spawn().await;
    let (token, visitor, rid) = app.visitor_doc_with_room().await;
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
    let v = AliceAndBob::new(&app, "alice wrote this").await;
    let id = v.id();

    v.assert_bob_is_refused(async |token, rid| edit(&app, id, token, rid, "bob was here").await)
        .await;

    let (_, fetched) = fetch(&app, id, &v.alice, &v.alice_rid).await;
    assert_eq!(fetched["message"]["msg"], json!("alice wrote this"));
    assert!(fetched["message"].get("editedAt").is_none(), "{fetched}");
}

#[tokio::test]
async fn editing_an_unknown_message_is_invalid_message() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let response = edit(&app, "NoSuchMessage1234", &token, &rid, "x").await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-message");
}

#[tokio::test]
async fn editing_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    let (_, rid, _, id) = visitor_with_message(&app, "mine").await;
    let response = edit(&app, &id, &new_token(), &rid, "x").await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn a_message_of_another_room_of_the_same_visitor_is_invalid_message() {
    let app = TestApp::spawn().await;
    let (token, first_rid, _, id) = visitor_with_message(&app, "in the first room").await;
    let second_rid = reopen(&app, &token, &first_rid).await;

    for response in [
        edit(&app, &id, &token, &second_rid, "moved?").await,
        fetch(&app, &id, &token, &second_rid).await,
        delete_with_body(&app, &id, &token, &second_rid).await,
    ] {
        assert_error(&response, StatusCode::BAD_REQUEST, "invalid-message");
    }
    let (status, fetched) = fetch(&app, &id, &token, &first_rid).await;
    assert_eq!(status, StatusCode::OK, "the message survives: {fetched}");
    assert_eq!(fetched["message"]["msg"], json!("in the first room"));
}

#[tokio::test]
async fn editing_a_system_message_is_not_allowed() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let started = started_message(&app, &token, &rid).await;
    let id = started["_id"].as_str().unwrap();

    let response = edit(&app, id, &token, &rid, "rewritten history").await;

    assert_meteor_error(
        &response,
        "error-action-not-allowed",
        "Message editing not allowed [error-action-not-allowed]",
    );
    let after = started_message(&app, &token, &rid).await;
    assert_eq!(after, started, "the system message is unchanged");
}

#[tokio::test]
async fn deleting_a_system_message_is_not_allowed() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
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
    let (token, rid, _, id) = visitor_with_message(&app, "keep me").await;

    assert_invalid_params(&edit(&app, &id, &token, &rid, "").await, "msg");
    assert_invalid_params(&edit(&app, &id, &token, &rid, "  ").await, "msg");
    let too_long = edit(&app, &id, &token, &rid, &"y".repeat(5001)).await;
    assert_eq!(too_long.0, StatusCode::BAD_REQUEST, "{}", too_long.1);
    assert_eq!(
        too_long.1["errorType"],
        json!("error-message-size-exceeded")
    );
    let path = format!("message/{id}");
    for (body, needle) in [
        (json!({ "token": token, "rid": rid }), "msg"),
        (json!({ "rid": rid, "msg": "x" }), "token"),
        (json!({ "token": token, "msg": "x" }), "rid"),
    ] {
        assert_invalid_params(&app.put(&path, body).await, needle);
    }

    let (_, fetched) = fetch(&app, &id, &token, &rid).await;
    assert_eq!(fetched["message"]["msg"], json!("keep me"));
}

#[tokio::test]
async fn deleting_with_a_json_body_removes_the_message() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
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
    let fetched = fetch(&app, id, &token, &rid).await;
    assert_error(&fetched, StatusCode::BAD_REQUEST, "invalid-message");
    // A second delete finds nothing.
    let again = delete_with_body(&app, id, &token, &rid).await;
    assert_error(&again, StatusCode::BAD_REQUEST, "invalid-message");
}

#[tokio::test]
async fn deleting_with_query_parameters_works_too() {
    let app = TestApp::spawn().await;
    let (token, rid, _, id) = visitor_with_message(&app, "delete me by query").await;

    let (status, body) = app
        .delete(&format!("message/{id}?token={token}&rid={rid}"), None)
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["message"]["_id"], json!(id));
    let history = app.history(&token, &rid, "").await;
    assert!(!ids(&history).contains(&id), "{history:?}");
}

#[tokio::test]
async fn deleting_another_visitors_message_is_rejected_and_it_survives() {
    let app = TestApp::spawn().await;
    let v = AliceAndBob::new(&app, "alice's message").await;
    let (alice_rid, bob, id) = (&v.alice_rid, &v.bob, v.id());

    v.assert_bob_is_refused(async |token, rid| delete_with_body(&app, id, token, rid).await)
        .await;
    let by_query = app
        .delete(&format!("message/{id}?token={bob}&rid={alice_rid}"), None)
        .await;
    assert_error(&by_query, StatusCode::BAD_REQUEST, "invalid-room");
    let unknown = delete_with_body(&app, id, &new_token(), alice_rid).await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid-token");

    let history = app.history(&v.alice, alice_rid, "").await;
    assert_eq!(history[0], v.sent, "the message survives unchanged");
}

#[tokio::test]
async fn deleting_without_token_or_rid_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid, sent, id) = visitor_with_message(&app, "still here").await;
    let path = format!("message/{id}");

    for (path, body) in [
        (path.clone(), Some(json!({ "rid": rid }))),
        (path.clone(), None),
        (path.clone(), Some(json!({}))),
        (format!("{path}?rid={rid}"), None),
        (path.clone(), Some(json!({ "token": "", "rid": rid }))),
    ] {
        assert_invalid_params(&app.delete(&path, body).await, "token");
    }
    assert_invalid_params(
        &app.delete(&path, Some(json!({ "token": token }))).await,
        "rid",
    );

    let history = app.history(&token, &rid, "").await;
    assert_eq!(history[0], sent);
}

#[tokio::test]
async fn deleting_mixes_body_and_query_parameters() {
    let app = TestApp::spawn().await;
    let (token, rid, _, id) = visitor_with_message(&app, "delete me").await;

    let (status, body) = app
        .delete(
            &format!("message/{id}?rid={rid}"),
            Some(json!({ "token": token })),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let history = app.history(&token, &rid, "").await;
    assert!(!ids(&history).contains(&id));
}

#[tokio::test]
async fn deleting_with_a_malformed_body_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid, sent, id) = visitor_with_message(&app, "still here").await;

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
