//! `POST livechat/webhook.test`: Rocket.Chat's sample sent at once, its answer and errors.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{configure, desk_and_crm, SECRET};
use crate::helpers::Desk;

#[tokio::test]
async fn the_test_sends_the_sample_with_the_secret() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &[]).await;
    let (status, body) = desk
        .call(&desk.admin, Method::POST, "webhook.test", Some(json!({})))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "success": true })));
    let received = crm.received();
    assert_eq!(received.len(), 1, "sent synchronously, before the answer");
    assert_eq!(received[0].token.as_deref(), Some(SECRET));
    assert_eq!(received[0].body["type"], json!("LivechatSession"));
    assert_eq!(received[0].body["visitor"]["name"], json!("visitor name"));
    assert_eq!(received[0].body["messages"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn without_a_secret_there_is_no_token_header() {
    let (desk, crm) = desk_and_crm().await;
    desk.set("Livechat_webhookUrl", json!(crm.url())).await;
    let (status, _) = desk
        .call(&desk.admin, Method::POST, "webhook.test", Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(crm.received()[0].token, None);
}

#[tokio::test]
async fn a_crm_that_does_not_answer_200_fails_the_test() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &[]).await;
    crm.answer(&[500]);
    let (status, body) = desk
        .call(&desk.admin, Method::POST, "webhook.test", Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorType"], json!("error-invalid-webhook-response"));
    assert!(
        body["error"].as_str().unwrap().contains("HTTP 500"),
        "{body}"
    );

    // Nobody listening: a network error, also a failed test.
    let mut crm = crm;
    crm.stop();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (status, body) = desk
        .call(&desk.admin, Method::POST, "webhook.test", Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorType"], json!("error-invalid-webhook-response"));
}

#[tokio::test]
async fn without_a_url_the_test_says_so() {
    let desk = Desk::open().await;
    let (status, body) = desk
        .call(&desk.admin, Method::POST, "webhook.test", Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false));
    assert_eq!(body["error"], json!("Webhook URL is not set"));
}

#[tokio::test]
async fn only_those_who_may_view_webhooks_may_test_them() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &[]).await;
    let (_, agent) = desk.agent("plain.agent").await;
    let (status, body) = desk
        .call(&agent, Method::POST, "webhook.test", Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = desk.app.post("webhook.test", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let manager = desk.account("crm.manager", &["livechat-manager"]).await;
    let (status, body) = desk
        .call(&manager, Method::POST, "webhook.test", Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        crm.received().len() == 1,
        "only the manager's test was sent"
    );
}

#[tokio::test]
async fn the_secret_is_masked_in_the_integration_settings() {
    let desk = Desk::open().await;
    desk.set("Livechat_secret_token", json!(SECRET)).await;
    let (status, body) = desk
        .call(&desk.admin, Method::GET, "integrations.settings", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let secret = body["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["_id"] == json!("Livechat_secret_token"))
        .unwrap();
    assert_eq!(secret["value"], json!("********"));
    assert!(!body.to_string().contains(SECRET));
}
