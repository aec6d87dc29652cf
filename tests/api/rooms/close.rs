//! `POST livechat/room.close`: the visitor ends the conversation (reference §2.6), also while
//! other requests race with it.

use super::*;

#[tokio::test]
async fn close_answers_rid_comment_and_success() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let (status, body) = close(&app, &token, &rid).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, closed_by_visitor(&rid));
}

#[tokio::test]
async fn close_writes_a_livechat_close_and_a_prompt_transcript_message() {
    let app = TestApp::spawn().await;
    let (token, visitor, rid) = app.visitor_doc_with_room().await;
    app.send_message(&token, &rid, "bye").await;

    close(&app, &token, &rid).await;
    let history = full_history(&app, &token, &rid).await;

    let closing = the_one_of_type(&history, "livechat-close");
    assert_eq!(closing["msg"], json!("Closed by visitor"), "{closing}");
    assert_eq!(closing["rid"], json!(rid));
    assert_eq!(closing["u"]["_id"], visitor["_id"], "{closing}");
    let command = the_one_of_type(&history, "command");
    assert_eq!(command["msg"], json!("promptTranscript"), "{command}");
    // Newest first: the close messages come before the visitor's last message.
    let position = |t: &str| history.iter().position(|m| m["t"] == json!(t)).unwrap();
    let bye = history
        .iter()
        .position(|m| m["msg"] == json!("bye"))
        .unwrap();
    assert!(position("livechat-close") < bye && position("command") < bye);
}

#[tokio::test]
async fn closing_a_closed_room_is_room_closed() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.close_room(&token, &rid).await;

    let response = close(&app, &token, &rid).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "room-closed");
    let history = full_history(&app, &token, &rid).await;
    assert_eq!(of_type(&history, "livechat-close").len(), 1, "closed once");
}

#[tokio::test]
async fn closing_another_visitors_room_is_invalid_room_and_leaves_it_open() {
    let (app, owner, rid) = TestApp::spawn_with_room().await;
    let intruder = app.registered_visitor().await;

    let response = close(&app, &intruder, &rid).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
    let (status, body) = get_room(&app, &owner).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["_id"], json!(rid), "the room is still open");
    assert_eq!(body["newRoom"], json!(false), "{body}");
    assert_eq!(body["room"]["open"], json!(true), "{body}");
}

#[tokio::test]
async fn close_with_an_unknown_token_is_invalid_token() {
    let (app, owner, rid) = TestApp::spawn_with_room().await;

    let response = close(&app, &new_token(), &rid).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
    let (_, body) = get_room(&app, &owner).await;
    assert_eq!(body["room"]["_id"], json!(rid), "still open: {body}");
}

#[tokio::test]
async fn close_of_an_unknown_room_is_invalid_room() {
    let (app, token, _) = TestApp::spawn_with_room().await;

    let response = close(&app, &token, "noSuchRoom").await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn close_without_rid_or_token_is_invalid_params() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    assert_invalid_params(
        &app.post("room.close", json!({ "token": token })).await,
        "rid",
    );
    assert_invalid_params(
        &app.post("room.close", json!({ "rid": rid })).await,
        "token",
    );
}

#[tokio::test]
async fn get_room_after_close_opens_a_new_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    close(&app, &token, &rid).await;

    let (status, body) = get_room(&app, &token).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["newRoom"], json!(true), "{body}");
    assert_ne!(
        body["room"]["_id"],
        json!(rid),
        "a closed room is never reused"
    );
    assert_eq!(body["room"]["open"], json!(true));
    assert_eq!(body["room"]["msgs"], json!(0));
}

#[tokio::test]
async fn sending_a_message_to_a_closed_room_is_room_closed() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    close(&app, &token, &rid).await;

    let response = app
        .post(
            "message",
            json!({ "token": token, "rid": rid, "msg": "anyone there?" }),
        )
        .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "room-closed");
    let history = full_history(&app, &token, &rid).await;
    assert!(
        history.iter().all(|m| m["msg"] != json!("anyone there?")),
        "{history:?}"
    );
}

#[tokio::test]
async fn history_of_a_closed_room_stays_readable() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.send_message(&token, &rid, "kept").await;
    close(&app, &token, &rid).await;

    let history = full_history(&app, &token, &rid).await;

    assert!(
        history.iter().any(|m| m["msg"] == json!("kept")),
        "{history:?}"
    );
}

#[tokio::test]
async fn concurrent_closes_of_one_room_close_it_exactly_once() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let responses = futures::future::join_all((0..10).map(|_| close(&app, &token, &rid))).await;

    let closed = responses
        .iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .count();
    assert_eq!(closed, 1, "{responses:?}");
    for response in responses
        .iter()
        .filter(|(status, _)| *status != StatusCode::OK)
    {
        assert_error(response, StatusCode::BAD_REQUEST, "room-closed");
    }
    let history = full_history(&app, &token, &rid).await;
    assert_eq!(of_type(&history, "livechat-close").len(), 1, "{history:?}");
    assert_eq!(of_type(&history, "command").len(), 1, "{history:?}");
}

#[tokio::test]
async fn close_and_get_room_race_leaves_one_open_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let (closed, opened) = tokio::join!(close(&app, &token, &rid), async {
        futures::future::join_all((0..5).map(|_| get_room(&app, &token))).await
    });

    assert_eq!(closed.0, StatusCode::OK, "{}", closed.1);
    for (status, body) in &opened {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    // Whatever interleaving happened, the visitor now has exactly one open room, not `rid`.
    let (_, now) = get_room(&app, &token).await;
    let current = now["room"]["_id"].clone();
    assert_ne!(current, json!(rid), "{now}");
    let (_, again) = get_room(&app, &token).await;
    assert_eq!(again["room"]["_id"], current);
    assert_eq!(again["newRoom"], json!(false));
}

#[tokio::test]
async fn close_with_malformed_json_is_invalid_params() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let response = app
        .send_raw(
            reqwest::Method::POST,
            "room.close",
            format!(r#"{{"rid": "{rid}", "token": "{token}""#),
        )
        .await;

    assert_invalid_params(&response, "JSON");
    let (_, body) = get_room(&app, &token).await;
    assert_eq!(body["room"]["_id"], json!(rid), "still open");
}
