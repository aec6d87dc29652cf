//! Mail survives a dead or unconfigured mail server, settings changed at runtime, and a
//! `kill -9` of the server process: each mail arrives once the server is back, exactly once.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{mail_desk, offline_message, outbox, wait_for_failed_attempt, wait_for_listed, FROM};
use crate::helpers::{Desk, ServerProcess, SmtpServer, TestDatabase};

#[tokio::test]
async fn mail_waits_while_the_server_is_down_and_leaves_once_when_it_is_back() {
    let mut server = SmtpServer::down();
    let desk = mail_desk(&server).await;
    desk.set("Livechat_offline_email", json!("support@example.com"))
        .await;
    desk.app
        .post_ok("offline.message", offline_message(None))
        .await;
    let pending = wait_for_failed_attempt(&desk).await;
    assert_eq!(pending["state"], json!("pending"), "{pending}");
    assert!(
        pending["lastError"]
            .as_str()
            .unwrap()
            .contains(&format!("127.0.0.1:{}", server.port)),
        "{pending}"
    );
    assert_eq!(outbox(&desk, "").await["pending"], json!(1));

    server.run().await;
    let mails = server.wait_for(1, 40).await;
    assert_eq!(mails.len(), 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(server.received().len(), 1, "delivered once");
    let counts = outbox(&desk, "").await;
    assert_eq!(
        (counts["sent"].clone(), counts["pending"].clone()),
        (json!(1), json!(0)),
        "{counts}"
    );
}

#[tokio::test]
async fn unconfigured_mail_waits_and_settings_changed_at_runtime_send_it() {
    let server = SmtpServer::start().await;
    // No SMTP in the config: the settings are all there is.
    let desk = Desk::open().await;
    desk.set("Livechat_offline_email", json!("support@example.com"))
        .await;
    desk.app
        .post_ok("offline.message", offline_message(None))
        .await;
    let pending = wait_for_failed_attempt(&desk).await;
    assert!(
        pending["lastError"]
            .as_str()
            .unwrap()
            .contains("SMTP is not configured"),
        "{pending}"
    );

    let out_of_range = desk
        .call(
            &desk.admin,
            Method::POST,
            "/api/v1/settings/SMTP_Port",
            Some(json!({ "value": 70000 })),
        )
        .await;
    assert_eq!(
        out_of_range.0,
        StatusCode::BAD_REQUEST,
        "{}",
        out_of_range.1
    );
    desk.set("SMTP_Host", json!("127.0.0.1")).await;
    // Numeric settings take numeric text, as Rocket.Chat's forms send it.
    desk.set("SMTP_Port", json!(server.port.to_string())).await;
    desk.set("SMTP_Username", json!("")).await;
    desk.set("From_Email", json!(FROM)).await;
    desk.set("SMTP_Password", json!("s3cret-password")).await;
    let (status, shown) = desk
        .call(
            &desk.admin,
            Method::GET,
            "/api/v1/settings/SMTP_Password",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["value"], json!(""), "the password is never shown");
    assert!(!shown.to_string().contains("s3cret"));

    let mail = &server.wait_for(1, 40).await[0];
    assert!(mail.header("From").unwrap().contains(FROM));
}

#[tokio::test]
async fn a_refused_recipient_is_given_up_and_listed_as_failed() {
    let server = SmtpServer::start().await;
    let desk = mail_desk(&server).await;
    // Not an address at all: no server would take it, so it is not retried.
    desk.set("Livechat_offline_email", json!("not an address"))
        .await;
    desk.app
        .post_ok("offline.message", offline_message(None))
        .await;
    let failed = wait_for_listed(&desk, "failed").await;
    assert_eq!(failed["failed"], json!(1), "{failed}");
    let delivery = &failed["deliveries"][0];
    assert!(
        delivery["lastError"]
            .as_str()
            .unwrap()
            .contains("recipient"),
        "{delivery}"
    );
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> Value {
    let response = client.post(url).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn mail_queued_before_a_kill_9_is_delivered_once_after_the_restart() {
    let database = TestDatabase::create().await;
    let mut smtp = SmtpServer::down();
    let port = smtp.port.to_string();
    let flags = [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        port.as_str(),
        "--from-email",
        FROM,
    ];
    let client = reqwest::Client::new();
    let mut server = ServerProcess::start_with(&database.url, "127.0.0.1:0", &flags).await;
    let token = crate::helpers::new_token();
    post(
        &client,
        format!("{}/visitor", server.base),
        json!({ "visitor": { "token": token } }),
    )
    .await;
    let room: Value = client
        .get(format!("{}/room?token={token}", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rid = room["room"]["_id"].as_str().unwrap().to_string();
    post(
        &client,
        format!("{}/message", server.base),
        json!({ "token": token, "rid": rid, "msg": "before the crash" }),
    )
    .await;
    for n in 0..3 {
        post(
            &client,
            format!("{}/transcript", server.base),
            json!({ "token": token, "rid": rid, "email": format!("copy{n}@example.org") }),
        )
        .await;
    }
    // Let the worker try (and fail) at least once, then kill the process outright.
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.kill_hard().await;

    let _restarted = ServerProcess::start_with(&database.url, "127.0.0.1:0", &flags).await;
    smtp.run().await;
    let mails = smtp.wait_for(3, 60).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mails_after = smtp.received();
    assert_eq!(mails_after.len(), 3, "each mail once: {mails:?}");
    let mut recipients: Vec<String> = mails_after
        .iter()
        .map(|m| m.header("To").unwrap())
        .collect();
    recipients.sort();
    assert_eq!(
        recipients,
        [
            "copy0@example.org",
            "copy1@example.org",
            "copy2@example.org"
        ]
    );
    assert!(mails_after
        .iter()
        .all(|m| m.decoded.contains("before the crash")));
}

/// `sendSMTPTestEmail` over `method.call`: the caller's own address, at once, with the mail
/// server's error when it fails.
async fn send_test(desk: &Desk, who: &crate::helpers::Credentials) -> Value {
    let frame = json!({ "msg": "method", "id": "1", "method": "sendSMTPTestEmail", "params": [] });
    let (status, body) = desk
        .call(
            who,
            Method::POST,
            "/api/v1/method.call/sendSMTPTestEmail",
            Some(json!({ "message": frame.to_string() })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(body["message"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn the_smtp_test_mail_goes_to_the_caller_and_reports_the_servers_error() {
    let mut server = SmtpServer::down();
    let desk = mail_desk(&server).await;
    let admin = desk.account("mail.admin", &["user", "admin"]).await;
    let failed = send_test(&desk, &admin).await;
    assert_eq!(
        failed["error"]["error"],
        json!("error-email-send-failed"),
        "{failed}"
    );
    assert!(
        failed["error"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Error trying to send email: "),
        "{failed}"
    );

    server.run().await;
    let sent = send_test(&desk, &admin).await;
    assert_eq!(
        sent["result"],
        json!({ "message": "Your_mail_was_sent_to_s", "params": ["mail.admin@example.com"] }),
        "{sent}"
    );
    let mail = &server.wait_for(1, 10).await[0];
    assert!(mail
        .header("To")
        .unwrap()
        .contains("mail.admin@example.com"));
    assert_eq!(mail.header("Subject").unwrap(), "SMTP Test Email");
    // Straight to the server, not through the outbox.
    assert_eq!(outbox(&desk, "").await["total"], json!(0));

    let (_, agent) = desk.agent("mail.tester").await;
    let refused = send_test(&desk, &agent).await;
    assert_eq!(
        refused["error"]["error"],
        json!("error-not-allowed"),
        "{refused}"
    );
}
