//! Without `allow_private_network_webhooks`, webhooks may not reach the server's own network:
//! loopback, private, link-local and metadata addresses (also behind a DNS name) and schemes
//! other than http(s) are refused, permanently, with the reason listed; the receiver on
//! 127.0.0.1 gets nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::receiver::Receiver;
use super::{configure, wait_for_outbox};
use crate::helpers::Desk;

#[tokio::test]
async fn private_destinations_and_other_schemes_are_refused() {
    let desk = Desk::open().await;
    let crm = Receiver::start().await;
    let port = crm.address.port();
    configure(&desk, &crm.url(), &["Livechat_webhook_on_visitor_message"]).await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap();

    let cases = [
        (crm.url(), "refused: 127.0.0.1 is a loopback address"),
        (
            format!("http://localhost:{port}/hook"),
            "refused: localhost resolves to",
        ),
        (
            "http://10.0.0.1/hook".to_string(),
            "refused: 10.0.0.1 is a private address",
        ),
        (
            "http://169.254.169.254/latest/meta-data".to_string(),
            "refused: 169.254.169.254 is a cloud metadata address",
        ),
        (
            format!("http://[::1]:{port}/hook"),
            "refused: ::1 is a loopback address",
        ),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/hook"),
            "is a loopback address",
        ),
        (
            "ftp://example.com/hook".to_string(),
            "refused: the ftp: scheme is not allowed",
        ),
        (
            "file:///etc/passwd".to_string(),
            "refused: the file: scheme is not allowed",
        ),
    ];
    for (i, (url, reason)) in cases.iter().enumerate() {
        desk.set("Livechat_webhookUrl", json!(url)).await;

        let (status, body) = desk
            .call(&desk.admin, Method::POST, "webhook.test", Some(json!({})))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(body["success"], json!(false));
        assert_eq!(body["errorType"], json!("error-invalid-webhook-response"));
        assert!(
            body["error"].as_str().unwrap().contains(reason),
            "{url}: {body}"
        );

        desk.app
            .send_message(&token, rid, &format!("try {i}"))
            .await;
        let failed = wait_for_outbox(&desk, "failed", i + 1).await;
        // Newest first.
        let last_error = failed[0]["lastError"].as_str().unwrap();
        assert!(last_error.contains(reason), "{url}: {last_error}");
        assert_eq!(failed[0]["attempts"], json!(1), "a refusal is not retried");
    }
    assert!(crm.received().is_empty(), "{:?}", crm.bodies());
}

#[tokio::test]
async fn other_spellings_and_ranges_of_the_private_network_are_refused() {
    let desk = Desk::open().await;
    let cases = [
        (
            "http://2130706433/",
            "refused: 127.0.0.1 is a loopback address",
        ),
        ("http://0x7f.1/", "refused: 127.0.0.1 is a loopback address"),
        (
            "http://0.0.0.0:80/",
            "refused: 0.0.0.0 is an unspecified address",
        ),
        (
            "http://172.16.5.4/",
            "refused: 172.16.5.4 is a private address",
        ),
        (
            "http://192.168.1.1/",
            "refused: 192.168.1.1 is a private address",
        ),
        (
            "http://100.64.0.1/",
            "refused: 100.64.0.1 is a shared (CGNAT) address",
        ),
        (
            "http://[fd00:ec2::254]/",
            "refused: fd00:ec2::254 is a cloud metadata address",
        ),
        (
            "http://[fc00::1]/",
            "refused: fc00::1 is a unique local address",
        ),
        (
            "http://[fe80::1]/",
            "refused: fe80::1 is a link-local address",
        ),
        ("http://[::ffff:10.1.2.3]/", "is a private address"),
        (
            "gopher://example.com/",
            "refused: the gopher: scheme is not allowed",
        ),
        ("not a url", "is not a URL"),
    ];
    for (url, reason) in cases {
        desk.set("Livechat_webhookUrl", json!(url)).await;
        let (status, body) = desk
            .call(&desk.admin, Method::POST, "webhook.test", Some(json!({})))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains(reason),
            "{url}: {body}"
        );
    }
}
