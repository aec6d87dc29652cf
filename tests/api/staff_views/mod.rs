//! The read endpoints of agents and managers: `livechat/rooms`, `livechat/:rid/messages` and
//! `livechat/visitors.*` (reference §3.4–3.7, §3.10, §3.16; seeds 000–002).

mod history;
mod online;
mod room_list;
mod room_messages;
mod visitors;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

async fn manager(desk: &Desk) -> Credentials {
    desk.account("boss", &["livechat-manager"]).await
}

/// A logged-in account without any livechat role (a new one on each call).
async fn plain_user(desk: &Desk) -> Credentials {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    desk.account(&format!("plain{n}"), &["user"]).await
}

async fn get(desk: &Desk, who: &Credentials, path: &str) -> (StatusCode, Value) {
    desk.call(who, Method::GET, path, None).await
}

/// GETs `path` as `who`, asserting a 200 success answer.
async fn get_ok(desk: &Desk, who: &Credentials, path: &str) -> Value {
    let (status, body) = get(desk, who, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert_eq!(body["success"], json!(true), "{path}: {body}");
    body
}

/// Asserts that `path` answers 401 without credentials, with a visitor's token (header or
/// parameter) instead, and with a made-up login; and 403 for a user without livechat roles.
async fn assert_staff_only(desk: &Desk, path: &str, visitor_token: &str) {
    let expected = json!({ "status": "error", "message": "You must be logged in to do this." });
    let (status, body) = desk.app.get(path).await;
    assert_eq!(
        (status, &body),
        (StatusCode::UNAUTHORIZED, &expected),
        "{path}"
    );

    let response = desk
        .app
        .client
        .get(desk.app.url(path))
        .header("X-Visitor-Token", visitor_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "{path} with X-Visitor-Token"
    );

    let separator = if path.contains('?') { '&' } else { '?' };
    let (status, _) = desk
        .app
        .get(&format!("{path}{separator}token={visitor_token}"))
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{path} with a token parameter"
    );

    let forged = (desk.admin.0.clone(), "not-a-login-token".to_string());
    let (status, _) = get(desk, &forged, path).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{path} with a forged token"
    );

    let plain = plain_user(desk).await;
    let (status, body) = get(desk, &plain, path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    assert_eq!(
        body,
        json!({ "success": false, "error": "User does not have the permissions required for this action [error-unauthorized]", "errorType": "error-unauthorized" }),
        "{path}"
    );
}

/// A new visitor (optionally in a department) with an open room: `(token, room)`. Waits a
/// little first so that rooms created one after another have distinct creation times.
async fn room_for(desk: &Desk, name: &str, department: Option<&str>) -> (String, Value) {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let token = new_token();
    let mut visitor = json!({ "token": token, "name": name });
    if let Some(department) = department {
        visitor["department"] = json!(department);
    }
    desk.app.register_ok(visitor).await;
    let room = desk.room_of(&token).await;
    assert!(room["_id"].is_string(), "{room}");
    (token, room)
}

/// The ids of a listing's items, in order.
fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("a list: {items}"))
        .iter()
        .map(|item| item["_id"].as_str().unwrap().to_string())
        .collect()
}

/// Asserts the pagination fields of a listing answer.
#[track_caller]
fn assert_page(body: &Value, key: &str, count: usize, offset: i64, total: i64) {
    assert_eq!(
        (
            body[key].as_array().map(Vec::len),
            body["count"].clone(),
            body["offset"].clone(),
            body["total"].clone()
        ),
        (Some(count), json!(count), json!(offset), json!(total)),
        "{body}"
    );
}

/// Asserts Rocket.Chat's invalid-sort error for `raw`.
#[track_caller]
fn assert_invalid_sort(response: &(StatusCode, Value), raw: &str) {
    assert_meteor_error(
        response,
        "error-invalid-sort",
        &format!("Invalid sort parameter provided: \"{raw}\" [error-invalid-sort]"),
    );
}

/// `raw` percent-encoded for a query string.
fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
