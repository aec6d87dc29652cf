//! Mail against a real SMTP server (`aiosmtpd`, see `helpers/smtp.rs`): the offline form,
//! transcripts, and the outbox's retries through outages, setting changes and `kill -9`.

mod offline_form;
mod outages;
mod transcripts;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{department, Desk, SmtpServer};

/// The sender every mail desk is configured with.
pub const FROM: &str = "desk@example.com";

/// A desk whose config file points at `server`, with department "Sales" (`dep-sales`) mailing
/// `sales@example.com`, and an agent-free admin.
pub async fn mail_desk(server: &SmtpServer) -> Desk {
    let port = server.port;
    Desk::open_with(move |config| {
        config.smtp.host = Some("127.0.0.1".into());
        config.smtp.port = Some(port);
        config.smtp.from_email = Some(format!("Help desk <{FROM}>"));
        let mut sales = department("dep-sales", "Sales");
        sales.email = "sales@example.com".into();
        config.departments.push(sales);
    })
    .await
}

/// `GET livechat/outbox` (optionally `?state=`), as the admin.
pub async fn outbox(desk: &Desk, query: &str) -> Value {
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("/api/v1/livechat/outbox{query}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Waits until the outbox shows a pending mail that failed at least once; returns it.
pub async fn wait_for_failed_attempt(desk: &Desk) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let body = outbox(desk, "?state=pending").await;
        if let Some(delivery) = body["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["attempts"].as_i64().unwrap_or(0) >= 1)
        {
            return delivery.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failed attempt: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `GET livechat/outbox?state=<state>` lists a delivery; returns that answer. The
/// worker records an outcome after the far side answered, and the listing reads its page and
/// its counts one after the other, so neither a received mail nor a count says the page shows
/// the delivery yet.
pub async fn wait_for_listed(desk: &Desk, state: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let body = outbox(desk, &format!("?state={state}")).await;
        if body["deliveries"].as_array().is_some_and(|d| !d.is_empty()) {
            return body;
        }
        if tokio::time::Instant::now() > deadline {
            // Every state, so that a failure here says where the delivery got to.
            panic!("nothing {state} in time: {}", outbox(desk, "").await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The offline form as a visitor fills it.
pub fn offline_message(department: Option<&str>) -> Value {
    let mut body = json!({
        "name": "Ann Smith",
        "email": "ann@example.org",
        "message": "Hello there, I need help with <script>alert(1)</script>\nsecond line",
        "host": "https://shop.example/cart",
    });
    if let Some(department) = department {
        body["department"] = json!(department);
    }
    body
}
