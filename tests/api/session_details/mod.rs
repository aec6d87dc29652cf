//! What staff learn of a visitor's site session (`visitors.online`, the
//! `stream-livechat-visitor-sessions` stream): `visitorId`, `currentPage`, `rid`, `servedBy`;
//! `visitors.online?visitorId=`; and the custom field definitions (`livechat/custom-fields`).

mod chat_state;
mod current_page;
mod custom_fields;
mod narrowing;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

async fn get(desk: &Desk, who: &Credentials, path: &str) -> (StatusCode, Value) {
    desk.call(who, Method::GET, path, None).await
}

async fn get_ok(desk: &Desk, who: &Credentials, path: &str) -> Value {
    let (status, body) = get(desk, who, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert_eq!(body["success"], json!(true), "{path}: {body}");
    body
}

/// A registered visitor (optionally of `department`) who has viewed a page, so it has a
/// session: `(token, visitor id)`.
async fn visitor_on_site(desk: &Desk, name: &str, department: Option<&str>) -> (String, String) {
    let token = new_token();
    let mut visitor = json!({ "token": token, "name": name });
    if let Some(department) = department {
        visitor["department"] = json!(department);
    }
    let registered = desk.app.register_ok(visitor).await;
    desk.app
        .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    let id = registered["visitor"]["_id"].as_str().unwrap().to_string();
    (token, id)
}

/// The visitor's page view (`page.visited`, outside any room).
async fn visit(desk: &Desk, token: &str, title: &str, href: &str) {
    desk.app
        .post_ok(
            "page.visited",
            json!({ "token": token, "pageInfo": { "change": "url", "title": title, "location": { "href": href } } }),
        )
        .await;
}

/// The sessions `who` gets for `visitors.online?visitorId=<id>`, checked for tokens.
async fn sessions_of(desk: &Desk, who: &Credentials, visitor_id: &str, token: &str) -> Vec<Value> {
    let body = get_ok(
        desk,
        who,
        &format!("visitors.online?visitorId={visitor_id}"),
    )
    .await;
    assert_no_token(&body, token);
    body["visitors"].as_array().unwrap().clone()
}

/// The one session of a visitor, as `who` sees it.
async fn session_of(desk: &Desk, who: &Credentials, visitor_id: &str, token: &str) -> Value {
    let sessions = sessions_of(desk, who, visitor_id, token).await;
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    sessions[0].clone()
}

/// Staff payloads never carry the visitor's token, under any key.
#[track_caller]
fn assert_no_token(payload: &Value, token: &str) {
    let text = payload.to_string();
    assert!(!text.contains(token), "token leaked: {text}");
    assert!(!text.contains("\"token\""), "token key: {text}");
}
