//! `DELETE livechat/visitor/:token`: erasing a visitor and everything it left (reference §2.3).

use super::*;

async fn delete_visitor(app: &TestApp, token: &str) -> (StatusCode, Value) {
    app.delete(&format!("visitor/{token}"), None).await
}

/// A visitor with an open room holding `text`, and a site session: `(token, rid, message)`.
async fn visitor_with_traces(app: &TestApp, text: &str) -> (String, String, Value) {
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, text).await;
    app.post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    (token, rid, sent)
}

#[tokio::test]
async fn delete_unknown_visitor_is_invalid_token() {
    let app = TestApp::spawn().await;
    let response = delete_visitor(&app, &new_token()).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "[invalid-token]");
}

#[tokio::test]
async fn delete_visitor_with_open_room_is_refused_and_removes_nothing() {
    let app = TestApp::spawn().await;
    let (token, rid, sent) = visitor_with_traces(&app, "still here").await;
    let before = get_visitor(&app, &token).await;

    let response = delete_visitor(&app, &token).await;
    assert_meteor_error(
        &response,
        "visitor-has-open-rooms",
        "Cannot remove visitors with opened rooms [visitor-has-open-rooms]",
    );

    assert_eq!(get_visitor(&app, &token).await["_id"], before["_id"]);
    let room = get_room(&app, &token).await;
    assert_eq!(room["_id"], json!(rid));
    assert_eq!(room["open"], json!(true));
    let history = app.history(&token, &rid, "").await;
    assert!(history.iter().any(|m| m["_id"] == sent["_id"]));
    let (status, session) = app.get(&format!("session.visitorInfo/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{session}");
}

#[tokio::test]
async fn delete_visitor_after_closing_its_room_erases_everything() {
    let app = TestApp::spawn().await;
    let (token, rid, _) = visitor_with_traces(&app, "please forget me").await;
    let visitor = get_visitor(&app, &token).await;
    app.close_room(&token, &rid).await;

    let (status, body) = delete_visitor(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["visitor"]["_id"], visitor["_id"]);
    assert_utc_date(&body["visitor"], "ts");

    app.assert_no_visitor(&token).await;
    let history = app
        .get(&format!("messages.history/{rid}?token={token}"))
        .await;
    assert_error(&history, StatusCode::BAD_REQUEST, "invalid-token");
    let session = app.get(&format!("session.visitorInfo/{token}")).await;
    assert_eq!(session.0, StatusCode::BAD_REQUEST, "{}", session.1);
    assert_eq!(session.1["errorType"], json!("error-session-not-found"));
    // Deleting again: the visitor is gone.
    let again = delete_visitor(&app, &token).await;
    assert_error(&again, StatusCode::BAD_REQUEST, "[invalid-token]");
}

#[tokio::test]
async fn deleted_visitors_rooms_are_gone_even_if_the_token_registers_again() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.send_message(&token, &rid, "old conversation").await;
    app.close_room(&token, &rid).await;
    let old = get_visitor(&app, &token).await;
    let (status, body) = delete_visitor(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The same browser comes back: a brand-new visitor, who cannot reach the erased room.
    let again = app.register_visitor(&token).await;
    assert_ne!(again["_id"], old["_id"]);
    assert_absent(&again, "livechatData");
    let history = app
        .get(&format!("messages.history/{rid}?token={token}"))
        .await;
    assert_error(&history, StatusCode::BAD_REQUEST, "invalid-room");
    let room = get_room(&app, &token).await;
    assert_ne!(room["_id"], json!(rid));
}

#[tokio::test]
async fn deleting_one_visitor_leaves_others_alone() {
    let (app, token_a, rid_a) = TestApp::spawn_with_room().await;
    let (token_b, rid_b) = app.visitor_with_room().await;
    let kept = app.send_message(&token_b, &rid_b, "I stay").await;
    app.close_room(&token_a, &rid_a).await;
    let (status, body) = delete_visitor(&app, &token_a).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    get_visitor(&app, &token_b).await;
    let history = app.history(&token_b, &rid_b, "").await;
    assert!(history.iter().any(|m| m["_id"] == kept["_id"]));
    assert_eq!(get_room(&app, &token_b).await["_id"], json!(rid_b));
}
