//! Only registered visitors get a site session: a made-up token must not appear in every
//! agent's live-visitors view.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::{assert_meteor_error, TestApp};

fn location(token: &str) -> Value {
    json!({ "token": token, "deviceInfo": { "os": "Linux", "browserName": "Firefox" } })
}

#[tokio::test]
async fn an_unregistered_token_gets_no_session() {
    let app = TestApp::spawn().await;
    let ghost = new_token();
    let refused = app
        .post(&format!("session.updateVisitCount/{ghost}"), json!({}))
        .await;
    assert_meteor_error(&refused, "invalid-token", "[invalid-token]");
    let refused = app.post("session.addLocationData", location(&ghost)).await;
    assert_meteor_error(&refused, "invalid-token", "[invalid-token]");
    let (status, _) = app.get(&format!("session.visitorInfo/{ghost}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "nothing was written");

    // A registered visitor still gets one, either way.
    let token = app.registered_visitor().await;
    app.post_ok("session.addLocationData", location(&token))
        .await;
    let counted = app
        .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    assert_eq!(counted["updatedCount"], json!(2));
}
