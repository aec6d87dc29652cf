//! `GET livechat/:rid/messages` (reference §3.16): an agent reads a room's conversation.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::*;

/// A room served by alice with a visitor message, alice's reply, another visitor message and
/// a navigation page; bob is another agent. `(desk, alice, bob, token, rid)`.
async fn conversation() -> (Desk, Credentials, Credentials, String, String) {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let (token, room) = room_for(&desk, "Talking Tom", None).await;
    let rid = room["_id"].as_str().unwrap().to_string();
    desk.app.send_message(&token, &rid, "first question").await;
    let (status, body) = desk
        .call(
            &alice,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(json!({ "message": { "rid": rid, "msg": "an answer" } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    desk.app.send_message(&token, &rid, "second question").await;
    visit_page(&desk, &token, &rid, "https://example.com/pricing").await;
    let (_, bob) = desk.agent("bob").await;
    (desk, alice, bob, token, rid)
}

pub(super) async fn visit_page(desk: &Desk, token: &str, rid: &str, href: &str) -> Value {
    desk.app
        .post_ok(
            "page.visited",
            json!({ "token": token, "rid": rid, "pageInfo": { "change": "url", "title": "Page", "location": { "href": href } } }),
        )
        .await
}

fn texts(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["msg"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_serving_agent_reads_the_conversation_oldest_first() {
    let (desk, alice, _, _, rid) = conversation().await;
    let body = get_ok(&desk, &alice, &format!("{rid}/messages")).await;
    assert_page(&body, "messages", 3, 0, 3);
    assert_eq!(
        texts(&body),
        ["first question", "an answer", "second question"]
    );
    assert_eq!(body["messages"][0]["rid"], json!(rid));
    assert_utc_date(&body["messages"][0], "ts");
    assert_eq!(body["messages"][1]["u"]["username"], json!("alice"));
}

#[tokio::test]
async fn the_closing_message_is_part_of_the_conversation() {
    let (desk, alice, _, token, rid) = conversation().await;
    desk.app.close_room(&token, &rid).await;
    let body = get_ok(&desk, &alice, &format!("{rid}/messages")).await;
    assert_eq!(body["total"], json!(4), "{body}");
    assert_eq!(body["messages"][3]["t"], json!("livechat-close"));
}

#[tokio::test]
async fn room_messages_paginate_and_sort() {
    let (desk, alice, _, _, rid) = conversation().await;
    let body = get_ok(&desk, &alice, &format!("{rid}/messages?count=1&offset=1")).await;
    assert_page(&body, "messages", 1, 1, 3);
    assert_eq!(texts(&body), ["an answer"]);
    let sort = encode(r#"{"ts":-1}"#);
    let body = get_ok(&desk, &alice, &format!("{rid}/messages?sort={sort}")).await;
    assert_eq!(
        texts(&body),
        ["second question", "an answer", "first question"]
    );
    let response = get(
        &desk,
        &alice,
        &format!("{rid}/messages?sort={}", encode(r#"{"ts":true}"#)),
    )
    .await;
    assert_invalid_sort(&response, r#"{"ts":true}"#);
    let response = get(&desk, &alice, &format!("{rid}/messages?searchText=x")).await;
    assert_invalid_params(&response, "searchText");
}

#[tokio::test]
async fn another_agent_may_not_read_the_room_but_a_manager_may() {
    let (desk, _, bob, _, rid) = conversation().await;
    let refused = get(&desk, &bob, &format!("{rid}/messages")).await;
    assert_meteor_error(
        &refused,
        "error-not-allowed",
        "Not allowed [error-not-allowed]",
    );
    let boss = manager(&desk).await;
    let body = get_ok(&desk, &boss, &format!("{rid}/messages")).await;
    assert_eq!(body["total"], json!(3));
    let body = get_ok(&desk, &desk.admin, &format!("{rid}/messages")).await;
    assert_eq!(body["total"], json!(3));
}

#[tokio::test]
async fn an_unknown_room_is_invalid_room() {
    let (desk, alice, _, _, _) = conversation().await;
    let response = get(&desk, &alice, "no-such-room/messages").await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn room_messages_are_for_staff_only() {
    let (desk, _, _, token, rid) = conversation().await;
    assert_staff_only(&desk, &format!("{rid}/messages"), &token).await;
}
