//! Presence from realtime connections: a visitor is online while its widget's connection
//! lasts; an agent whose last connection closes goes offline after a grace period (and takes
//! no new chats), unless it reconnects in time.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Credentials, Ddp, Desk, TestApp};

async fn visitor_status(app: &TestApp, token: &str) -> Value {
    app.get(&format!("visitor/{token}")).await.1["visitor"]["status"].clone()
}

async fn own_status(desk: &Desk, who: &Credentials) -> Value {
    desk.call(who, Method::GET, "/api/v1/me", None).await.1["status"].clone()
}

/// Polls `read` until it gives `wanted`, for up to five seconds.
async fn eventually<F, Fut>(wanted: Value, read: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let mut last = Value::Null;
    for _ in 0..50 {
        last = read().await;
        if last == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("still {last}, expected {wanted}");
}

#[tokio::test]
async fn a_visitor_is_online_while_its_widget_is_connected() {
    let desk = Desk::open().await;
    let (token, _) = desk.visitor_room().await;
    let app = &desk.app;

    let mut widget = Ddp::connect(app).await;
    widget
        .call("livechat:setUpConnection", json!([{ "token": token }]))
        .await;
    eventually(json!("online"), || visitor_status(app, &token)).await;

    drop(widget);
    eventually(json!("offline"), || visitor_status(app, &token)).await;

    let mut widget = Ddp::connect(app).await;
    widget
        .call("livechat:setUpConnection", json!([{ "token": token }]))
        .await;
    eventually(json!("online"), || visitor_status(app, &token)).await;
}

#[tokio::test]
async fn an_agent_whose_last_connection_closes_goes_offline_after_the_grace_period() {
    // A short lease too: the end of the grace period is seen by the next heartbeat.
    let desk = Desk::open_with(|c| {
        c.presence_grace_seconds = 1;
        c.presence_lease_seconds = 2;
    })
    .await;
    let (_, agent) = desk.agent("leaver").await;
    let first = Ddp::login(&desk.app, "leaver", "agent-password").await;
    let second = Ddp::login(&desk.app, "leaver", "agent-password").await;

    // One of two connections closing changes nothing.
    drop(first);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(own_status(&desk, &agent).await, json!("online"));

    drop(second);
    assert_eq!(
        own_status(&desk, &agent).await,
        json!("online"),
        "still within the grace period"
    );
    eventually(json!("offline"), || own_status(&desk, &agent)).await;

    // Offline agents take no chats: the next one waits in the queue...
    let (token, room) = desk.visitor_room().await;
    assert!(room["servedBy"].is_null(), "{room}");

    // ...until the agent is back, in the status it had chosen.
    let _back = Ddp::login(&desk.app, "leaver", "agent-password").await;
    eventually(json!("online"), || own_status(&desk, &agent)).await;
    eventually(json!("leaver"), || async {
        desk.room_of(&token).await["servedBy"]["username"].clone()
    })
    .await;
}

#[tokio::test]
async fn an_agent_who_reconnects_within_the_grace_period_stays_online() {
    let desk = Desk::open_with(|c| c.presence_grace_seconds = 1).await;
    let (_, agent) = desk.agent("blinker").await;
    desk.call(
        &agent,
        Method::POST,
        "/api/v1/users.setStatus",
        Some(json!({ "status": "away" })),
    )
    .await;
    let ws = Ddp::login(&desk.app, "blinker", "agent-password").await;
    drop(ws);
    let _again = Ddp::login(&desk.app, "blinker", "agent-password").await;
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert_eq!(
        own_status(&desk, &agent).await,
        json!("away"),
        "a page reload keeps the chosen status"
    );
}
