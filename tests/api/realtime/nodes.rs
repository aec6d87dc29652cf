//! Several server processes on one database: what is written through one reaches the
//! subscribers of another, in order (PostgreSQL: LISTEN/NOTIFY; SQLite: the safety poll).

use serde_json::{json, Value};

use crate::helpers::{visitor_args, Ddp, ServerProcess, TestDatabase};

#[tokio::test]
async fn messages_written_on_node_a_reach_a_visitor_on_node_b_in_order() {
    let database = TestDatabase::create().await;
    let node_a = ServerProcess::start(&database.url).await;
    let node_b = ServerProcess::start(&database.url).await;
    let client = reqwest::Client::new();
    let token = format!("nodes-{}", livechat::ids::random_id());
    let post = |path: &str, body: Value| {
        client
            .post(format!("{}/{path}", node_a.base))
            .json(&body)
            .send()
    };
    post("visitor", json!({ "visitor": { "token": token } }))
        .await
        .unwrap();
    let room: Value = client
        .get(format!("{}/room?token={token}", node_a.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rid = room["room"]["_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no room: {room}"))
        .to_string();

    let mut on_b = Ddp::connect_at(&node_b.address).await;
    let ready = on_b
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    for i in 0..20 {
        let sent = post(
            "message",
            json!({ "token": token, "rid": rid, "msg": format!("m{i}") }),
        )
        .await
        .unwrap();
        assert!(sent.status().is_success());
    }
    // Only the visitor's messages: node B may still pass on the room's `livechat-started`
    // (written before the subscription, read by B's next poll on SQLite).
    for i in 0..20 {
        let event = on_b
            .wait_for(|f| {
                f["fields"]["eventName"] == json!(rid) && f["fields"]["args"][0]["t"].is_null()
            })
            .await;
        assert_eq!(event["fields"]["args"][0]["msg"], json!(format!("m{i}")));
    }
}
