//! `livechat/offline.message` becomes a mail to the department or `Livechat_offline_email`.

use reqwest::StatusCode;
use serde_json::json;

use super::{mail_desk, offline_message, outbox, wait_for_listed, FROM};
use crate::helpers::SmtpServer;

#[tokio::test]
async fn the_offline_form_is_mailed_to_the_offline_address() {
    let server = SmtpServer::start().await;
    let desk = mail_desk(&server).await;
    desk.set("Livechat_offline_email", json!("support@example.com"))
        .await;
    let (status, body) = desk
        .app
        .post("offline.message", offline_message(None))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let mail = &server.wait_for(1, 20).await[0];
    assert!(mail.header("To").unwrap().contains("support@example.com"));
    let from = mail.header("From").unwrap();
    assert!(
        from.contains("Ann Smith - ann@example.org") && from.contains(&format!("<{FROM}>")),
        "{from}"
    );
    let reply_to = mail.header("Reply-To").unwrap();
    assert!(
        reply_to.contains("Ann Smith") && reply_to.contains("<ann@example.org>"),
        "{reply_to}"
    );
    assert_eq!(
        mail.header("Subject").unwrap(),
        "Livechat offline message from Ann Smith: Hello there, I need"
    );
    let body = &mail.decoded;
    assert!(body.contains("New livechat message"), "{body}");
    assert!(body.contains("https://shop.example/cart"), "{body}");
    assert!(body.contains("ann@example.org"), "{body}");
    // The HTML part shows the visitor's markup as text, line breaks as <br>.
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;<br>second line"),
        "{body}"
    );
    assert!(!body.contains("<script>alert(1)</script><br>"), "{body}");
    // The plain-text part keeps the message as typed.
    assert!(
        body.contains("<script>alert(1)</script>\nsecond line"),
        "{body}"
    );

    let listed = wait_for_listed(&desk, "sent").await;
    assert_eq!(listed["sent"], json!(1), "{listed}");
    assert_eq!(listed["deliveries"][0]["kind"], json!("mail"));
}

#[tokio::test]
async fn the_departments_address_wins_whether_named_by_id_or_name() {
    let server = SmtpServer::start().await;
    let desk = mail_desk(&server).await;
    desk.set("Livechat_offline_email", json!("support@example.com"))
        .await;
    desk.app
        .post_ok("offline.message", offline_message(Some("Sales")))
        .await;
    desk.app
        .post_ok("offline.message", offline_message(Some("dep-sales")))
        .await;
    let mails = server.wait_for(2, 20).await;
    for mail in &mails {
        let to = mail.header("To").unwrap();
        assert!(
            to.contains("sales@example.com") && !to.contains("support@"),
            "{to}"
        );
    }
}

#[tokio::test]
async fn without_any_address_the_message_is_kept_and_nothing_is_mailed() {
    let server = SmtpServer::start().await;
    let desk = mail_desk(&server).await;
    desk.app
        .post_ok("offline.message", offline_message(None))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(outbox(&desk, "").await["total"], json!(0));
    assert!(server.received().is_empty());
}
