//! The realtime-visitor `session.*` endpoints (seed 000; reference §2.21).

mod visitor;
mod visits;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// The payload of seed 000's "Add user location data" example, for `token`.
fn seed_location_payload(token: &str) -> Value {
    json!({
        "token": token,
        "location": {
            "city": "Bhubanwswar",
            "countryCode": "IN",
            "countryName": "India",
            "latitude": 55.1232134,
            "longitude": 77.2213
        },
        "deviceInfo": {
            "os": "MacOS",
            "osVersion": 10.54,
            "browserName": "Mozila Firefox",
            "browserVersion": 55.1232134
        }
    })
}

async fn visit(app: &TestApp, token: &str) -> i64 {
    let body = app
        .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    assert_eq!(body["success"], json!(true), "{body}");
    body["updatedCount"].as_i64().expect("updatedCount")
}

/// A fresh registered visitor's token with a session (one visit).
async fn visited_token(app: &TestApp) -> String {
    let token = app.registered_visitor().await;
    visit(app, &token).await;
    token
}

async fn session(app: &TestApp, token: &str) -> Value {
    app.get_success(&format!("session.visitorInfo/{token}"))
        .await
}

#[track_caller]
fn assert_session_not_found(response: &(StatusCode, Value)) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(
        body["errorType"],
        json!("error-session-not-found"),
        "{body}"
    );
}

/// Asserts that `token` has no session.
async fn assert_no_session(app: &TestApp, token: &str) {
    assert_session_not_found(&app.get(&format!("session.visitorInfo/{token}")).await);
}
