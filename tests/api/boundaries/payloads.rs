//! Staff REST answers that carry visitor documents: the room list, a room's conversation, the
//! agent's own messages.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::*;

#[tokio::test]
async fn rooms_and_conversations_reach_staff_without_the_token() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SALES).await;
    let rid = room["_id"].as_str().unwrap().to_string();
    b.take(&b.sally, &rid).await;
    b.desk.app.send_message(&token, &rid, "hello there").await;

    let (status, rooms) = b.get(&b.desk.admin, "rooms").await;
    assert_eq!(status, StatusCode::OK, "{rooms}");
    assert_eq!(rooms["rooms"][0]["_id"], json!(rid));
    assert_no_token(&rooms, &token);
    let (status, own) = b
        .get(&b.sally, &format!("rooms?agents[]={}", b.sally.0))
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["total"], json!(1));
    assert_no_token(&own, &token);

    let (status, conversation) = b.get(&b.sally, &format!("{rid}/messages")).await;
    assert_eq!(status, StatusCode::OK, "{conversation}");
    let texts: Vec<_> = conversation["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["msg"].clone())
        .collect();
    assert!(texts.contains(&json!("hello there")), "{conversation}");
    assert_no_token(&conversation, &token);

    let body = json!({ "message": { "rid": rid, "msg": "how can I help" } });
    let (status, sent) = b
        .desk
        .call(
            &b.sally,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_no_token(&sent, &token);

    // The visitor's own view is unchanged: its room still names its token.
    let (_, mine) = b.desk.app.get(&format!("room?token={token}")).await;
    assert_eq!(mine["room"]["v"]["token"], json!(token));
}
