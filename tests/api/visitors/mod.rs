//! Visitor endpoints: `GET|POST|DELETE livechat/visitor`, `visitor.status`, `custom.field(s)`
//! (seed 001; reference §2.1–2.4, §2.17, §4.1).

mod custom_fields;
mod register;
mod remove;
mod status;

use livechat::model::CustomFieldScope;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// An app with the custom fields the tests use:
/// `address` (visitor), `nickname` (visitor), `zip` (visitor, five digits), `topic` (room),
/// `ticket` (room, digits only).
async fn app_with_custom_fields() -> TestApp {
    TestApp::spawn_with(|c| {
        c.custom_fields.extend([
            custom_field("address", CustomFieldScope::Visitor, ""),
            custom_field("nickname", CustomFieldScope::Visitor, ""),
            custom_field("zip", CustomFieldScope::Visitor, "^[0-9]{5}$"),
            custom_field("topic", CustomFieldScope::Room, ""),
            custom_field("ticket", CustomFieldScope::Room, "^[0-9]+$"),
        ])
    })
    .await
}

/// `app_with_custom_fields` and a registered visitor: `(app, token)`.
async fn app_with_a_visitor() -> (TestApp, String) {
    let app = app_with_custom_fields().await;
    let token = app.registered_visitor().await;
    (app, token)
}

/// `app_with_custom_fields` and a visitor with an open room: `(app, token, rid)`.
async fn app_with_a_room() -> (TestApp, String, String) {
    let app = app_with_custom_fields().await;
    let (token, rid) = app.visitor_with_room().await;
    (app, token, rid)
}

async fn get_visitor(app: &TestApp, token: &str) -> Value {
    app.get_success(&format!("visitor/{token}")).await["visitor"].clone()
}

/// The visitor's custom fields, `livechatData`.
async fn visitor_data(app: &TestApp, token: &str) -> Value {
    get_visitor(app, token).await["livechatData"].clone()
}

async fn get_room(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get(&format!("room?token={token}")).await;
    assert_eq!(status, StatusCode::OK, "GET room {token}: {body}");
    body["room"].clone()
}

fn guest_number(username: &Value) -> u64 {
    let name = username.as_str().expect("username is a string");
    name.strip_prefix("guest-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name:?} is not guest-N"))
}
