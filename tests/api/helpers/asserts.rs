//! Assertions about answers that several areas of the suite share.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{new_token, post_status, TestApp};

/// Asserts a Rocket.Chat error answer: the status, `success: false` and the `error` text.
#[track_caller]
pub fn assert_error(response: &(StatusCode, Value), status: StatusCode, error: &str) {
    let (actual, body) = response;
    assert_eq!(*actual, status, "status of {body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["error"], json!(error), "{body}");
}

/// Asserts that `document` has no `key`, or a null one.
#[track_caller]
pub fn assert_absent(document: &Value, key: &str) {
    assert!(
        document.get(key).is_none_or(Value::is_null),
        "no {key} expected: {document}"
    );
}

/// Asserts that `document[key]` is a UTC date string (ending with `Z`).
#[track_caller]
pub fn assert_utc_date(document: &Value, key: &str) {
    assert!(
        document[key].as_str().is_some_and(|t| t.ends_with('Z')),
        "{key} should be a UTC date: {document}"
    );
}

/// Asserts a 400 Meteor error: its `error` text and its `errorType`.
#[track_caller]
pub fn assert_meteor_error(response: &(StatusCode, Value), error_type: &str, error: &str) {
    assert_error(response, StatusCode::BAD_REQUEST, error);
    assert_eq!(response.1["errorType"], json!(error_type), "{}", response.1);
}

/// Asserts a 400 `invalid-params` answer whose message mentions `needle`.
#[track_caller]
pub fn assert_invalid_params(response: &(StatusCode, Value), needle: &str) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["errorType"], json!("invalid-params"), "{body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(needle),
        "error {error:?} should mention {needle:?}"
    );
}

/// Reads a rate limit's answer: asserts a 429 with a numeric `retry-after` header and a JSON
/// `error-too-many-requests` body; returns the seconds to wait and the error text.
pub async fn read_too_many_requests(response: reqwest::Response) -> (u64, String) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .expect("a numeric retry-after header");
    let body: Value = response.json().await.expect("a JSON 429 body");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(
        body["errorType"],
        json!("error-too-many-requests"),
        "{body}"
    );
    let error = body["error"].as_str().unwrap_or_default().to_string();
    (retry_after, error)
}

/// Asserts that a status endpoint (see `post_status`) echoes each of `statuses`, and that
/// GET `read` then shows it at the JSON `pointer`.
pub async fn assert_status_echoed(
    app: &TestApp,
    path: &str,
    token: &str,
    statuses: &[&str],
    (read, pointer): (&str, &str),
) {
    for status_value in statuses {
        let (status, body) = post_status(app, path, token, status_value).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body,
            json!({ "token": token, "status": status_value, "success": true })
        );
        let stored = app.get_success(read).await;
        assert_eq!(
            stored.pointer(pointer),
            Some(&json!(status_value)),
            "{stored}"
        );
    }
}

/// Asserts that a status endpoint (see `post_status`) wants both `token` and `status`.
pub async fn assert_requires_token_and_status(app: &TestApp, path: &str) {
    let without_token = app.post(path, json!({ "status": "away" })).await;
    assert_invalid_params(&without_token, "token");
    let without_status = app.post(path, json!({ "token": new_token() })).await;
    assert_invalid_params(&without_status, "status");
}
