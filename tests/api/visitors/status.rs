//! `POST livechat/visitor.status`: online, away or offline (reference §2.4).

use super::*;

async fn set_status(app: &TestApp, token: &str, status: &str) -> (StatusCode, Value) {
    post_status(app, "visitor.status", token, status).await
}

#[tokio::test]
async fn visitor_status_accepts_online_away_offline() {
    let (app, token) = TestApp::spawn_with_visitor().await;
    let stored = (format!("visitor/{token}"), "/visitor/status");
    let statuses = ["away", "offline", "online"];
    assert_status_echoed(
        &app,
        "visitor.status",
        &token,
        &statuses,
        (&stored.0, stored.1),
    )
    .await;
}

#[tokio::test]
async fn visitor_status_rejects_an_unknown_status() {
    let (app, token) = TestApp::spawn_with_visitor().await;
    assert_invalid_params(&set_status(&app, &token, "dancing").await, "status");
    assert_eq!(get_visitor(&app, &token).await["status"], json!("online"));
}

#[tokio::test]
async fn visitor_status_requires_token_and_status() {
    let app = TestApp::spawn().await;
    assert_requires_token_and_status(&app, "visitor.status").await;
}

#[tokio::test]
async fn visitor_status_for_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    let response = set_status(&app, &new_token(), "away").await;
    assert_error(&response, StatusCode::BAD_REQUEST, "[invalid-token]");
}

#[tokio::test]
async fn visitor_status_is_mirrored_on_the_open_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    assert_eq!(get_room(&app, &token).await["v"]["status"], json!("online"));

    let (status, body) = set_status(&app, &token, "away").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = get_room(&app, &token).await;
    assert_eq!(room["_id"], json!(rid));
    assert_eq!(room["v"]["status"], json!("away"));

    let (status, _) = set_status(&app, &token, "offline").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        get_room(&app, &token).await["v"]["status"],
        json!("offline")
    );
}
