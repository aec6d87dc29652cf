//! Delivery as Rocket.Chat does it: only HTTP 200 counts, anything else is tried again after
//! 4 × `Livechat_http_timeout`, and a room's webhooks arrive in the order of their causes.

use serde_json::json;

use super::{configure, desk_and_crm, wait_for_outbox};

#[tokio::test]
async fn a_500_is_retried_until_the_crm_answers_200() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &["Livechat_webhook_on_visitor_message"]).await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap();
    crm.answer(&[500, 500]);
    desk.app.send_message(&token, rid, "third time lucky").await;

    let sent = wait_for_outbox(&desk, "sent", 1).await;
    assert_eq!(sent[0]["attempts"], json!(3), "{sent:?}");
    let received = crm.received();
    assert_eq!(received.len(), 3, "two refusals, then the delivery");
    assert!(received
        .iter()
        .all(|r| r.body["messages"][0]["msg"] == json!("third time lucky")));

    // The CRM's answer is kept on the room and sent back with its next webhook.
    desk.app.send_message(&token, rid, "again").await;
    let received = crm.wait_for(4).await;
    assert_eq!(received[3].body["crmData"], json!("crm answer 3"));
}

#[tokio::test]
async fn a_success_other_than_200_is_retried() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &["Livechat_webhook_on_visitor_message"]).await;
    let (token, room) = desk.visitor_room().await;
    crm.answer(&[204, 201]);
    desk.app
        .send_message(&token, room["_id"].as_str().unwrap(), "only 200 counts")
        .await;
    let sent = wait_for_outbox(&desk, "sent", 1).await;
    assert_eq!(sent[0]["attempts"], json!(3), "{sent:?}");
    assert_eq!(crm.received().len(), 3);
}

#[tokio::test]
async fn a_room_s_webhooks_arrive_in_order_even_when_one_is_retried() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &["Livechat_webhook_on_visitor_message"]).await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap();
    // The first one fails once: the later ones must wait for it.
    crm.answer(&[503]);
    for i in 0..8 {
        desk.app
            .send_message(&token, rid, &format!("message {i}"))
            .await;
    }
    wait_for_outbox(&desk, "sent", 8).await;
    let delivered: Vec<String> = crm
        .received()
        .iter()
        .skip(1)
        .map(|r| r.body["messages"][0]["msg"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..8).map(|i| format!("message {i}")).collect();
    assert_eq!(delivered, expected);
}

#[tokio::test]
async fn ten_failed_attempts_give_up_and_the_reason_is_listed() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &["Livechat_webhook_on_visitor_message"]).await;
    // 50 ms timeout: ten attempts 200 ms apart.
    desk.set("Livechat_http_timeout", json!("50")).await;
    let (token, room) = desk.visitor_room().await;
    crm.answer(&[500; 12]);
    desk.app
        .send_message(&token, room["_id"].as_str().unwrap(), "never accepted")
        .await;
    let failed = wait_for_outbox(&desk, "failed", 1).await;
    assert_eq!(failed[0]["attempts"], json!(10), "{failed:?}");
    assert!(
        failed[0]["lastError"]
            .as_str()
            .unwrap()
            .contains("HTTP 500"),
        "{failed:?}"
    );
    assert_eq!(crm.received().len(), 10);
}
