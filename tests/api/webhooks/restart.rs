//! Webhooks queued while the CRM is down survive a `kill -9` of the real binary: after the
//! restart on the same database, with the CRM back, each arrives exactly once, in order.

use std::time::Duration;

use reqwest::Client;
use serde_json::{json, Value};

use super::receiver::Receiver;
use crate::helpers::{new_token, ServerProcess, TestDatabase};

const ADMIN_PASSWORD: &str = "restart-admin-password";

fn flags() -> [&'static str; 6] {
    [
        "--admin-username",
        "admin",
        "--admin-password",
        ADMIN_PASSWORD,
        "--allow-private-network-webhooks",
        "true",
    ]
}

async fn post(client: &Client, url: String, headers: &[(&str, &str)], body: Value) -> Value {
    let mut request = client.post(url).json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}

#[tokio::test]
async fn queued_webhooks_are_delivered_once_after_kill_9() {
    let database = TestDatabase::create().await;
    let client = Client::new();
    // Take a port for the CRM, then take the CRM down: deliveries must wait.
    let mut crm = Receiver::start().await;
    let crm_address = crm.address;
    let url = crm.url();
    crm.stop();
    drop(crm);

    let mut server = ServerProcess::start_with(&database.url, "127.0.0.1:0", &flags()).await;
    let api = format!("http://{}/api/v1", server.address);
    let login = post(
        &client,
        format!("{api}/login"),
        &[],
        json!({ "user": "admin", "password": ADMIN_PASSWORD }),
    )
    .await;
    let user_id = login["data"]["userId"].as_str().unwrap().to_string();
    let auth_token = login["data"]["authToken"].as_str().unwrap().to_string();
    let auth = [
        ("X-User-Id", user_id.as_str()),
        ("X-Auth-Token", auth_token.as_str()),
    ];
    for (setting, value) in [
        ("Livechat_webhookUrl", json!(url)),
        ("Livechat_http_timeout", json!(1000)),
        ("Livechat_webhook_on_visitor_message", json!(true)),
    ] {
        post(
            &client,
            format!("{api}/settings/{setting}"),
            &auth,
            json!({ "value": value }),
        )
        .await;
    }

    let token = new_token();
    post(
        &client,
        format!("{}/visitor", server.base),
        &[],
        json!({ "visitor": { "token": token } }),
    )
    .await;
    let room: Value = client
        .get(format!("{}/room?token={token}", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rid = room["room"]["_id"].as_str().unwrap().to_string();
    let texts: Vec<String> = (0..5).map(|i| format!("before the crash {i}")).collect();
    for text in &texts {
        post(
            &client,
            format!("{}/message", server.base),
            &[],
            json!({ "token": token, "rid": rid, "msg": text }),
        )
        .await;
    }
    // Let the first attempt fail against the closed port, then crash.
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.kill_hard().await;

    let _server = ServerProcess::start_with(&database.url, "127.0.0.1:0", &flags()).await;
    let crm = Receiver::start_on(crm_address).await;
    crm.wait_for(texts.len()).await;
    // Anything sent twice would arrive within the next retry period.
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let delivered: Vec<String> = crm
        .bodies()
        .iter()
        .map(|b| b["messages"][0]["msg"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(delivered, texts, "each once, in order");
}
