//! `livechat/outbox`: the list of mail and webhooks for the people running the desk. What
//! fills it is tested with the mail and webhook areas; here, its rules.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_error, Desk};

#[tokio::test]
async fn an_empty_outbox_lists_nothing_and_counts_zero() {
    let desk = Desk::open().await;
    let (status, body) = desk
        .call(&desk.admin, Method::GET, "/api/v1/livechat/outbox", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["deliveries"], json!([]));
    assert_eq!(body["total"], 0);
    assert_eq!(
        (
            body["pending"].clone(),
            body["sent"].clone(),
            body["failed"].clone()
        ),
        (json!(0), json!(0), json!(0))
    );
}

#[tokio::test]
async fn only_managers_read_the_outbox() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("outbox.agent").await;
    let answer = desk
        .call(&agent, Method::GET, "/api/v1/livechat/outbox", None)
        .await;
    assert_eq!(answer.0, StatusCode::FORBIDDEN, "{}", answer.1);
    let answer = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/livechat/outbox/1/retry",
            Some(json!({})),
        )
        .await;
    assert_eq!(answer.0, StatusCode::FORBIDDEN, "{}", answer.1);
}

#[tokio::test]
async fn bad_filters_and_ids_are_refused() {
    let desk = Desk::open().await;
    let answer = desk
        .call(
            &desk.admin,
            Method::GET,
            "/api/v1/livechat/outbox?state=lost",
            None,
        )
        .await;
    assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{}", answer.1);
    assert!(answer.1["error"]
        .as_str()
        .unwrap()
        .contains("pending, sent, failed"));
    let answer = desk
        .call(
            &desk.admin,
            Method::POST,
            "/api/v1/livechat/outbox/abc/retry",
            Some(json!({})),
        )
        .await;
    assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{}", answer.1);
    let answer = desk
        .call(
            &desk.admin,
            Method::POST,
            "/api/v1/livechat/outbox/12345/retry",
            Some(json!({})),
        )
        .await;
    assert_error(
        &answer,
        StatusCode::BAD_REQUEST,
        "No failed delivery with this id [error-delivery-not-failed]",
    );
}
