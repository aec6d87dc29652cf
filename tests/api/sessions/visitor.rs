//! The visitor behind a session: `session.updateVisitorSessionOnRegister` and registering,
//! `session.updateSessionStatus`, and the chat status following the visitor's room.

use super::*;

async fn update_on_register(app: &TestApp, visitor: Value) -> (StatusCode, Value) {
    app.post(
        "session.updateVisitorSessionOnRegister",
        json!({ "visitor": visitor }),
    )
    .await
}

#[tokio::test]
async fn update_session_on_register_stores_visitor_info() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;

    let (status, body) = update_on_register(&app, seed_visitor(&token)).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "success": true }));
    let info = session(&app, &token).await;
    let visitor_info = &info["visitorInfo"];
    assert_eq!(visitor_info["name"], json!("Livechat Visitor"));
    assert_eq!(visitor_info["email"], json!("visitor@rocket.chat"));
    assert_eq!(visitor_info["phone"], json!("55 51 5555-5555"));
    assert!(visitor_info.get("token").is_none(), "{visitor_info}");
    // The rest of the session is untouched.
    assert_eq!(info["count"], json!(1));
    assert_eq!(info["token"], json!(token));
}

#[tokio::test]
async fn update_session_on_register_replaces_earlier_info() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    for name in ["First", "Second"] {
        let (status, body) =
            update_on_register(&app, json!({ "token": token, "name": name })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let info = session(&app, &token).await;
    assert_eq!(info["visitorInfo"]["name"], json!("Second"));
}

#[tokio::test]
async fn update_session_on_register_needs_an_existing_session() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let response = update_on_register(&app, json!({ "token": token, "name": "Nobody" })).await;
    assert_session_not_found(&response);
    // And it did not create one.
    assert_no_session(&app, &token).await;
}

#[tokio::test]
async fn update_session_on_register_requires_visitor_and_token() {
    let app = TestApp::spawn().await;
    assert_invalid_params(
        &app.post("session.updateVisitorSessionOnRegister", json!({}))
            .await,
        "visitor",
    );
    assert_invalid_params(
        &update_on_register(&app, json!({ "name": "No token" })).await,
        "token",
    );
}

#[tokio::test]
async fn registering_a_visitor_fills_the_session_visitor_info() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    app.register_ok(
        json!({ "token": token, "name": "Livechat Visitor", "email": "Visitor@Rocket.Chat" }),
    )
    .await;
    let info = session(&app, &token).await;
    assert_eq!(info["visitorInfo"]["name"], json!("Livechat Visitor"));
    assert_eq!(info["visitorInfo"]["email"], json!("visitor@rocket.chat"));
}

#[tokio::test]
async fn a_session_created_after_registration_knows_the_visitor() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_ok(json!({ "token": token, "name": "Early Bird", "email": "early@example.com" }))
        .await;
    visit(&app, &token).await;
    let info = session(&app, &token).await;
    assert_eq!(info["visitorInfo"]["name"], json!("Early Bird"));
    assert_eq!(info["visitorInfo"]["email"], json!("early@example.com"));
}

// ---- session.updateSessionStatus and the chat status ----

async fn set_status(app: &TestApp, token: &str, status: &str) -> (StatusCode, Value) {
    post_status(app, "session.updateSessionStatus", token, status).await
}

#[tokio::test]
async fn update_session_status_requires_token_and_status() {
    let app = TestApp::spawn().await;
    assert_requires_token_and_status(&app, "session.updateSessionStatus").await;
}

#[tokio::test]
async fn update_session_status_echoes_token_and_status() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    let stored = (format!("session.visitorInfo/{token}"), "/status");
    let path = "session.updateSessionStatus";
    assert_status_echoed(
        &app,
        path,
        &token,
        &["away", "online"],
        (&stored.0, stored.1),
    )
    .await;
}

#[tokio::test]
async fn offline_sets_offline_time_and_online_clears_it() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    assert!(session(&app, &token).await.get("offlineTime").is_none());

    let (status, body) = set_status(&app, &token, "offline").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = session(&app, &token).await;
    assert_eq!(info["status"], json!("offline"));
    assert_utc_date(&info, "offlineTime");

    let (status, body) = set_status(&app, &token, "online").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = session(&app, &token).await;
    assert_eq!(info["status"], json!("online"));
    assert_absent(&info, "offlineTime");
}

#[tokio::test]
async fn update_session_status_rejects_an_unknown_status() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    assert_invalid_params(&set_status(&app, &token, "dancing").await, "status");
    assert_eq!(session(&app, &token).await["status"], json!("online"));
}

#[tokio::test]
async fn update_session_status_of_unknown_token_is_session_not_found() {
    let app = TestApp::spawn().await;
    assert_session_not_found(&set_status(&app, &new_token(), "away").await);
}

#[tokio::test]
async fn visitor_status_is_mirrored_on_the_session() {
    let (app, token) = TestApp::spawn_with_visitor().await;
    visit(&app, &token).await;
    let (status, body) = post_status(&app, "visitor.status", &token, "away").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(session(&app, &token).await["status"], json!("away"));
}

#[tokio::test]
async fn chat_status_follows_the_room_open_and_close() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    app.register_visitor(&token).await;
    let before = session(&app, &token).await;
    assert_eq!(before["chatStart"], json!(false));
    assert_ne!(before["chatStatus"], json!("Open"));
    assert!(before.get("chatStartTime").is_none(), "{before}");

    let rid = app.open_room(&token).await;
    let open = session(&app, &token).await;
    assert_eq!(open["chatStart"], json!(true), "{open}");
    assert_eq!(open["chatStatus"], json!("Open"));
    assert_utc_date(&open, "chatStartTime");

    app.close_room(&token, &rid).await;
    let closed = session(&app, &token).await;
    assert_eq!(closed["chatStart"], json!(false), "{closed}");
    assert_eq!(closed["chatStatus"], json!("Closed"));
    // As in the seed's example, the start time of the last chat stays.
    assert_eq!(closed["chatStartTime"], open["chatStartTime"]);
}

#[tokio::test]
async fn a_session_created_during_a_chat_starts_open() {
    let (app, token, _rid) = TestApp::spawn_with_room().await;
    assert_eq!(visit(&app, &token).await, 1);
    let info = session(&app, &token).await;
    assert_eq!(info["chatStart"], json!(true), "{info}");
    assert_eq!(info["chatStatus"], json!("Open"));
    assert!(info["chatStartTime"].is_string(), "{info}");
}

#[tokio::test]
async fn a_session_created_after_a_closed_chat_is_closed() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.close_room(&token, &rid).await;
    visit(&app, &token).await;
    let info = session(&app, &token).await;
    assert_eq!(info["chatStart"], json!(false), "{info}");
    assert_eq!(info["chatStatus"], json!("Closed"));
}

#[tokio::test]
async fn a_second_chat_reopens_the_session_chat_status() {
    let (app, token) = TestApp::spawn_with_visitor().await;
    visit(&app, &token).await;
    let first = app.open_room(&token).await;
    app.close_room(&token, &first).await;
    assert_eq!(session(&app, &token).await["chatStatus"], json!("Closed"));

    let second = app.open_room(&token).await;
    assert_ne!(second, first);
    let info = session(&app, &token).await;
    assert_eq!(info["chatStart"], json!(true));
    assert_eq!(info["chatStatus"], json!("Open"));
}
