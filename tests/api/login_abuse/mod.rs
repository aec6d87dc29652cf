//! Logging in under attack: guesses limited per client IP and per account on REST and DDP
//! alike, password checks bounded in number, login time that does not tell which accounts
//! exist, and visitor tokens that cannot be guessed quickly over DDP.

mod limits;
mod password_checks;
mod visitor_tokens;

use std::time::{Duration, Instant};

use livechat::Config;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// The configured administrator, with every login limit off: each test turns on the one it is
/// about, with small numbers so it runs fast.
fn admin_without_limits(config: &mut Config) {
    config.admin_username = Some(ADMIN.into());
    config.admin_password = Some(ADMIN_PASSWORD.into());
    config.login_per_minute = 0;
    config.login_failures_per_account = 0;
}

/// A REST login's answer: status, body, the `Retry-After` seconds if any, and how long it took.
struct RestLogin {
    status: StatusCode,
    body: Value,
    retry_after: Option<u64>,
    took: Duration,
}

/// `POST /api/v1/login` with a password, from `from` (sent as `X-Forwarded-For`) if given.
async fn rest_login(app: &TestApp, user: &str, password: &str, from: Option<&str>) -> RestLogin {
    let mut request = app
        .client
        .post(app.url("/api/v1/login"))
        .json(&json!({ "user": user, "password": password }));
    if let Some(ip) = from {
        request = request.header("x-forwarded-for", ip);
    }
    let started = Instant::now();
    let response = request.send().await.expect("login sent");
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = response.json().await.expect("a JSON answer");
    RestLogin {
        status,
        body,
        retry_after,
        took: started.elapsed(),
    }
}

/// Asserts a REST 429 in Rocket.Chat's shape, with a `Retry-After`.
fn assert_rest_too_many(answer: &RestLogin) {
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        answer.body
    );
    assert_eq!(answer.body["errorType"], json!("error-too-many-requests"));
    assert!(answer.retry_after.is_some_and(|s| s >= 1), "Retry-After");
}

/// DDP `login` with the password's SHA-256 digest: the `result` frame.
async fn ddp_login(ddp: &mut Ddp, user: &str, password: &str) -> Value {
    ddp.call("login", json!([login_params(user, password)]))
        .await
}

/// The Meteor error code of a DDP answer (`null` when it succeeded).
fn ddp_error(frame: &Value) -> Value {
    frame["error"]["error"].clone()
}

/// Asserts a DDP answer refused with `error-too-many-requests` and a readable reason.
fn assert_ddp_too_many(frame: &Value) {
    assert_eq!(
        ddp_error(frame),
        json!("error-too-many-requests"),
        "{frame}"
    );
    let reason = frame["error"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("too many requests"), "{frame}");
}

/// Asserts a DDP login refused as a wrong password (Meteor's 403).
fn assert_ddp_wrong_password(frame: &Value) {
    assert_eq!(ddp_error(frame), json!(403), "{frame}");
}
