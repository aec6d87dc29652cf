//! An acknowledged write survives `kill -9`: the real binary is killed in the middle of a load
//! of message sends, restarted on the same database, and must still have every message it
//! answered 200 for.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{new_token, ServerProcess, TestDatabase};

async fn post(client: &reqwest::Client, url: String, body: Value) -> Result<Value, String> {
    let response = client
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != StatusCode::OK {
        return Err(format!("status {}", response.status()));
    }
    response.json().await.map_err(|e| e.to_string())
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9() {
    let database = TestDatabase::create().await;
    let client = reqwest::Client::new();
    let mut server = ServerProcess::start(&database.url).await;

    let token = new_token();
    post(
        &client,
        format!("{}/visitor", server.base),
        json!({ "visitor": { "token": token } }),
    )
    .await
    .unwrap();
    let room = get_json(&client, format!("{}/room?token={token}", server.base)).await;
    let rid = room["room"]["_id"].as_str().unwrap().to_string();

    // Eight senders write as fast as they can; each records what the server acknowledged.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let senders: Vec<_> = (0..8)
        .map(|sender| {
            let (client, base, token, rid) = (
                client.clone(),
                server.base.clone(),
                token.clone(),
                rid.clone(),
            );
            let acknowledged = acknowledged.clone();
            tokio::spawn(async move {
                for i in 0.. {
                    let text = format!("sender {sender} message {i}");
                    let body = json!({ "token": token, "rid": rid, "msg": text });
                    match post(&client, format!("{base}/message"), body).await {
                        Ok(_) => acknowledged.lock().unwrap().push(text),
                        Err(_) => break, // the server is gone
                    }
                }
            })
        })
        .collect();

    // Kill mid-load, once a good number of writes has been acknowledged.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while acknowledged.lock().unwrap().len() < 200 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill_hard().await;
    for sender in senders {
        let _ = sender.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 200,
        "the load reached only {} messages",
        acknowledged.len()
    );

    let server = ServerProcess::start(&database.url).await;
    let mut stored = std::collections::HashSet::new();
    for offset in (0..).step_by(500) {
        let page = get_json(
            &client,
            format!(
                "{}/messages.history/{rid}?token={token}&limit=500&offset={offset}",
                server.base
            ),
        )
        .await;
        let messages = page["messages"].as_array().unwrap();
        if messages.is_empty() {
            break;
        }
        stored.extend(
            messages
                .iter()
                .filter_map(|m| m["msg"].as_str().map(str::to_string)),
        );
    }
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|text| !stored.contains(*text))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged messages were lost, e.g. {:?}",
        lost.len(),
        lost.first()
    );
}
