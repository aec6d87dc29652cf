use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_error, closed_by_visitor, TestApp};

#[tokio::test]
async fn a_visitor_chats_end_to_end() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let sent = app.send_message(&token, &rid, "hello").await;
    let history = app.history(&token, &rid, "").await;
    assert_eq!(history[0]["_id"], sent["_id"]);
    let body = app
        .post_ok("room.close", json!({ "rid": rid, "token": token }))
        .await;
    assert_eq!(body, closed_by_visitor(&rid));
}

#[tokio::test]
async fn unknown_routes_are_json_404() {
    let app = TestApp::spawn().await;
    assert_error(
        &app.get("nope").await,
        StatusCode::NOT_FOUND,
        "Resource not found",
    );
}
