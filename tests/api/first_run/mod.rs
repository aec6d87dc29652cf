//! First run: `GET/POST /api/v1/setup` create the first administrator when none exists, from
//! this machine without more, or from elsewhere with the one-time code of the start-up log.
//! A test on loopback plays a remote client by sending `X-Forwarded-For`, as a reverse proxy
//! on the same machine would.

mod local;
mod races;
mod remote;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const PASSWORD: &str = "first-admin-password";

/// What a proxy in front of the server would add for a visitor from elsewhere.
const REMOTE: Option<&str> = Some("203.0.113.7");

const INVALID_CODE: &str = "A set-up code is required from this address. The server printed it in its log at start. [error-invalid-setup-code]";
const SETUP_DONE: &str = "An administrator already exists [error-setup-done]";

/// A valid set-up form for `username`.
fn admin_form(username: &str) -> Value {
    json!({
        "name": format!("First {username}"),
        "username": username,
        "email": format!("{username}@example.com"),
        "password": PASSWORD,
    })
}

/// [`admin_form`] with `code`.
fn form_with_code(username: &str, code: &str) -> Value {
    let mut form = admin_form(username);
    form["code"] = json!(code);
    form
}

/// `POST /api/v1/setup`, as a remote client (through a proxy naming `from`) if given.
async fn post_setup(app: &TestApp, body: Value, from: Option<&str>) -> (StatusCode, Value) {
    let mut request = app.client.post(app.url("/api/v1/setup")).json(&body);
    if let Some(from) = from {
        request = request.header("X-Forwarded-For", from);
    }
    let response = request.send().await.expect("request sent");
    (
        response.status(),
        response.json().await.expect("JSON answer"),
    )
}

/// `GET /api/v1/setup`'s answer, as [`post_setup`] sends it.
async fn setup_status(app: &TestApp, from: Option<&str>) -> Value {
    let mut request = app.client.get(app.url("/api/v1/setup"));
    if let Some(from) = from {
        request = request.header("X-Forwarded-For", from);
    }
    let response = request.send().await.expect("request sent");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("JSON answer")
}

/// `GET path` with `who`'s credentials.
async fn get_as(app: &TestApp, who: &Credentials, path: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .get(app.url(path))
        .header("X-User-Id", &who.0)
        .header("X-Auth-Token", &who.1)
        .send()
        .await
        .expect("request sent");
    (
        response.status(),
        response.json().await.expect("JSON answer"),
    )
}

/// The credentials a successful set-up answered, after checking it has a login's shape.
#[track_caller]
fn credentials_of(answer: &(StatusCode, Value)) -> Credentials {
    let (status, body) = answer;
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], json!("success"), "{body}");
    let data = &body["data"];
    let user_id = data["userId"].as_str().expect("userId").to_string();
    assert_eq!(data["me"]["_id"], json!(user_id), "{body}");
    (
        user_id,
        data["authToken"].as_str().expect("authToken").into(),
    )
}

/// Asserts a 403 Meteor-shaped refusal with `error` and `error_type`.
#[track_caller]
fn assert_refused(answer: &(StatusCode, Value), error_type: &str, error: &str) {
    assert_error(answer, StatusCode::FORBIDDEN, error);
    assert_eq!(answer.1["errorType"], json!(error_type), "{}", answer.1);
}

/// Asserts that set-up is still needed (nothing was created) and nobody can log in as
/// `username`.
async fn assert_nothing_created(app: &TestApp, username: &str) {
    assert_eq!(setup_status(app, None).await["setupNeeded"], json!(true));
    let (status, body) = app
        .post(
            "/api/v1/login",
            json!({ "user": username, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}
