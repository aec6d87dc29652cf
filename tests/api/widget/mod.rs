//! What the widget asks before and around a chat: `GET livechat/config`, `agent.info`,
//! `agent.next` (reference §2.14–2.16) and `GET /api/info`.

mod agent;
mod config;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// `GET livechat/config`, asserting the success envelope; returns `config`.
async fn config(app: &TestApp, query: &str) -> Value {
    app.get_success(&format!("config{query}")).await["config"].clone()
}

/// The `config` of a fresh server, asked without a token.
async fn fresh_config() -> Value {
    let app = TestApp::spawn().await;
    config(&app, "").await
}

#[track_caller]
fn assert_keys(object: &Value, keys: &[&str]) {
    let object = object
        .as_object()
        .unwrap_or_else(|| panic!("{object} is not an object"));
    let mut actual: Vec<&str> = object.keys().map(String::as_str).collect();
    actual.sort_unstable();
    let mut expected = keys.to_vec();
    expected.sort_unstable();
    assert_eq!(actual, expected, "{}", Value::Object(object.clone()));
}
