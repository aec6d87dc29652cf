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
    let (_, rid) = visitor_room_on(&client, &node_a, &token).await;
    let post = |path: &str, body: Value| {
        client
            .post(format!("{}/{path}", node_a.base))
            .json(&body)
            .send()
    };

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

#[tokio::test]
async fn typing_on_node_a_reaches_node_b_but_not_the_sender() {
    let database = TestDatabase::create().await;
    let node_a = ServerProcess::start(&database.url).await;
    let node_b = ServerProcess::start(&database.url).await;
    let client = reqwest::Client::new();
    let token = format!("typing-{}", livechat::ids::random_id());
    let (username, rid) = visitor_room_on(&client, &node_a, &token).await;
    let typing = format!("{rid}/typing");

    // The same visitor in two tabs, one on each node.
    let mut on_a = Ddp::connect_at(&node_a.address).await;
    let mut on_b = Ddp::connect_at(&node_b.address).await;
    for ddp in [&mut on_a, &mut on_b] {
        let ready = ddp
            .sub("stream-notify-room", visitor_args(&typing, &token))
            .await;
        assert_eq!(ready["msg"], json!("ready"), "{ready}");
    }
    on_a.call(
        "stream-notify-room",
        json!([typing, username, true, { "token": token }]),
    )
    .await;
    let event = on_b.event("stream-notify-room", &typing).await;
    assert_eq!(event["fields"]["args"], json!([username, true]));
    on_a.assert_no_event(std::time::Duration::from_millis(1500))
        .await;
}

/// Registers a visitor with `token` on `node` and opens its room: its username and the room id.
async fn visitor_room_on(
    client: &reqwest::Client,
    node: &ServerProcess,
    token: &str,
) -> (String, String) {
    let visitor: Value = client
        .post(format!("{}/visitor", node.base))
        .json(&json!({ "visitor": { "token": token } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let room: Value = client
        .get(format!("{}/room?token={token}", node.base))
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
    let username = visitor["visitor"]["username"].as_str().unwrap().to_string();
    (username, rid)
}
