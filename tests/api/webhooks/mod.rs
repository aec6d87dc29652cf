//! CRM webhooks (reference §4.9) against a real HTTP receiver started by the tests: every
//! event with its fields, the switches, order per room, Rocket.Chat's retries, survival of a
//! `kill -9`, `livechat/webhook.test`, and the SSRF rule.

mod delivery;
mod events;
mod receiver;
mod restart;
mod ssrf;
mod test_endpoint;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::Desk;
use receiver::Receiver;

pub const SECRET: &str = "crm-shared-secret";

/// Every `Livechat_webhook_on_*` switch.
pub const SWITCHES: [&str; 9] = [
    "Livechat_webhook_on_start",
    "Livechat_webhook_on_close",
    "Livechat_webhook_on_chat_taken",
    "Livechat_webhook_on_chat_queued",
    "Livechat_webhook_on_forward",
    "Livechat_webhook_on_offline_msg",
    "Livechat_webhook_on_visitor_message",
    "Livechat_webhook_on_agent_message",
    "Livechat_webhook_on_capture",
];

/// A desk allowed to call a CRM on 127.0.0.1, and that CRM.
pub async fn desk_and_crm() -> (Desk, Receiver) {
    let desk = Desk::open_with(|c| c.allow_private_network_webhooks = true).await;
    let crm = Receiver::start().await;
    (desk, crm)
}

/// Points the desk at `url` with the secret, a short timeout and `switches` on.
pub async fn configure(desk: &Desk, url: &str, switches: &[&str]) {
    desk.set("Livechat_webhookUrl", json!(url)).await;
    desk.set("Livechat_secret_token", json!(SECRET)).await;
    desk.set("Livechat_http_timeout", json!(250)).await;
    for switch in switches {
        desk.set(switch, json!(true)).await;
    }
}

/// The outbox's webhook deliveries in `state`.
pub async fn outbox(desk: &Desk, state: &str) -> Vec<Value> {
    let path = format!("outbox?state={state}&kind=webhook");
    let (_, body) = desk.call(&desk.admin, Method::GET, &path, None).await;
    body["deliveries"].as_array().cloned().unwrap_or_default()
}

/// Waits (up to 20 s) until the outbox has `count` webhook deliveries in `state`.
pub async fn wait_for_outbox(desk: &Desk, state: &str, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let found = outbox(desk, state).await;
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "expected {count} {state} webhooks; outbox: {:#?}",
        outbox(desk, "").await
    );
}

/// The types of the bodies, in arrival order.
pub fn types(bodies: &[Value]) -> Vec<String> {
    bodies
        .iter()
        .map(|b| b["type"].as_str().unwrap_or("?").to_string())
        .collect()
}
