//! Settings changed through one process take effect on every process sharing the database
//! (each change writes a `settings-changed` outbox entry that every dispatcher reads): the
//! visitor API's limiter (`API_Enable_Rate_Limiter*`) and any setting a route reads.

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{ServerProcess, TestDatabase};

const ADMIN_PASSWORD: &str = "nodes-admin-password";

/// `(userId, authToken)` of the administrator, logged in on `node`.
async fn admin_on(client: &Client, node: &ServerProcess) -> (String, String) {
    let answer: Value = client
        .post(format!("http://{}/api/v1/login", node.address))
        .json(&json!({ "user": "admin", "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let data = &answer["data"];
    (
        data["userId"].as_str().unwrap().to_string(),
        data["authToken"].as_str().unwrap().to_string(),
    )
}

async fn set(
    client: &Client,
    node: &ServerProcess,
    admin: &(String, String),
    id: &str,
    value: Value,
) {
    let response = client
        .post(format!("http://{}/api/v1/settings/{id}", node.address))
        .header("X-User-Id", &admin.0)
        .header("X-Auth-Token", &admin.1)
        .json(&json!({ "value": value }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{id}");
}

/// Setting `id` as `node` reads it (`GET settings/:id`, outside the visitor API's limiter).
async fn setting_on(
    client: &Client,
    node: &ServerProcess,
    admin: &(String, String),
    id: &str,
) -> Value {
    let answer: Value = client
        .get(format!("http://{}/api/v1/settings/{id}", node.address))
        .header("X-User-Id", &admin.0)
        .header("X-Auth-Token", &admin.1)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["value"].clone()
}

/// How many of `tries` visitor API calls on `node` pass before the first 429.
async fn calls_before_limit(client: &Client, node: &ServerProcess, tries: usize) -> usize {
    for n in 0..tries {
        let response = client
            .get(format!("{}/config", node.base))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            return n;
        }
    }
    tries
}

/// Polls `probe` until it answers `wanted` (10 s at most); the last answer otherwise.
async fn eventually<T: PartialEq + std::fmt::Debug, F: std::future::Future<Output = T>>(
    wanted: T,
    mut probe: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = probe().await;
        if got == wanted || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn limiter_settings_changed_on_node_a_reshape_node_b_without_a_restart() {
    let database = TestDatabase::create().await;
    let admin_flags = [
        "--admin-username",
        "admin",
        "--admin-password",
        ADMIN_PASSWORD,
    ];
    let node_a = ServerProcess::start_with(&database.url, "127.0.0.1:0", &admin_flags).await;
    let node_b = ServerProcess::start(&database.url).await;
    let client = Client::new();
    let admin = admin_on(&client, &node_a).await;
    // Both start without a visitor API limit (`--rate-limit-per-minute 0`).
    assert_eq!(calls_before_limit(&client, &node_b, 20).await, 20);

    set(
        &client,
        &node_a,
        &admin,
        "API_Enable_Rate_Limiter_Limit_Time_Default",
        json!(600_000),
    )
    .await;
    set(
        &client,
        &node_a,
        &admin,
        "API_Enable_Rate_Limiter_Limit_Calls_Default",
        json!(3),
    )
    .await;
    // Probing the limiter spends its budget, so wait for node B to read the change through
    // a route outside the limiter first; it re-shapes the limiter right after.
    let calls_on_b = || {
        setting_on(
            &client,
            &node_b,
            &admin,
            "API_Enable_Rate_Limiter_Limit_Calls_Default",
        )
    };
    assert_eq!(eventually(json!(3), calls_on_b).await, json!(3));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        calls_before_limit(&client, &node_b, 10).await,
        3,
        "node B's limiter follows node A's settings change"
    );

    set(
        &client,
        &node_a,
        &admin,
        "API_Enable_Rate_Limiter",
        json!(false),
    )
    .await;
    let enabled_on_b = || setting_on(&client, &node_b, &admin, "API_Enable_Rate_Limiter");
    assert_eq!(eventually(json!(false), enabled_on_b).await, json!(false));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        calls_before_limit(&client, &node_b, 20).await,
        20,
        "switching the limiter off on node A lifts it on node B"
    );
}

#[tokio::test]
async fn any_setting_changed_on_node_a_is_read_on_node_b() {
    let database = TestDatabase::create().await;
    let admin_flags = [
        "--admin-username",
        "admin",
        "--admin-password",
        ADMIN_PASSWORD,
    ];
    let node_a = ServerProcess::start_with(&database.url, "127.0.0.1:0", &admin_flags).await;
    let node_b = ServerProcess::start(&database.url).await;
    let client = Client::new();
    let admin = admin_on(&client, &node_a).await;
    let title_on_b = || async {
        let config: Value = client
            .get(format!("{}/config", node_b.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        config["config"]["theme"]["title"].clone()
    };
    assert_eq!(title_on_b().await, json!("Rocket.Chat"));
    set(
        &client,
        &node_a,
        &admin,
        "Livechat_title",
        json!("Help desk"),
    )
    .await;
    assert_eq!(
        eventually(json!("Help desk"), title_on_b).await,
        json!("Help desk")
    );
}
