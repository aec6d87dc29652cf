//! Transcripts by e-mail: the visitor's (sent now) and an agent's request (sent at close).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{mail_desk, outbox};
use crate::helpers::{assert_error, Credentials, Desk, SmtpServer};

/// A desk with an agent serving a visitor who asked a question that was answered:
/// `(desk, agent, token, rid)`.
async fn answered_chat(server: &SmtpServer) -> (Desk, Credentials, String, String) {
    let desk = mail_desk(server).await;
    let (_, agent) = desk.agent("mail.agent").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    desk.app
        .send_message(&token, &rid, "Where is my <b>order</b>?")
        .await;
    let (status, body) = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(json!({ "message": { "rid": rid, "msg": "It ships tomorrow." } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (desk, agent, token, rid)
}

async fn request(desk: &Desk, who: &Credentials, rid: &str, body: Value) -> (StatusCode, Value) {
    desk.call(
        who,
        Method::POST,
        &format!("/api/v1/livechat/transcript/{rid}"),
        Some(body),
    )
    .await
}

async fn close_by_user(desk: &Desk, who: &Credentials, body: Value) {
    let (status, answer) = desk
        .call(
            who,
            Method::POST,
            "/api/v1/livechat/room.closeByUser",
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn the_visitor_gets_its_transcript_with_authors_and_a_history_message() {
    let server = SmtpServer::start().await;
    let (desk, _, token, rid) = answered_chat(&server).await;
    let (status, body) = desk
        .app
        .post(
            "transcript",
            json!({ "token": token, "rid": rid, "email": "visitor@example.org" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], json!("Livechat transcript sent"));

    let mail = &server.wait_for(1, 20).await[0];
    assert!(mail.header("To").unwrap().contains("visitor@example.org"));
    assert_eq!(
        mail.header("Subject").unwrap(),
        "Transcript of your livechat conversation"
    );
    let body = &mail.decoded;
    assert!(body.contains("You ("), "{body}");
    assert!(body.contains("Where is my <b>order</b>?"), "{body}");
    assert!(body.contains("mail.agent ("), "{body}");
    assert!(body.contains("It ships tomorrow."), "{body}");
    assert!(
        body.contains("Where is my &lt;b&gt;order&lt;/b&gt;?"),
        "{body}"
    );
    assert!(body.contains(" UTC"), "times are in UTC: {body}");
    // The visitor's question comes before the agent's answer.
    assert!(body.find("Where is my").unwrap() < body.find("It ships").unwrap());

    // The room records it (Rocket.Chat's livechat_transcript_history).
    let (_, history) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("/api/v1/livechat/messages.history/{rid}?token={token}"),
            None,
        )
        .await;
    let recorded = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["t"] == json!("livechat_transcript_history"))
        .unwrap_or_else(|| panic!("no transcript history message: {history}"))
        .clone();
    assert_eq!(recorded["requestData"]["type"], json!("visitor"));
}

#[tokio::test]
async fn the_visitor_may_ask_only_for_its_own_room() {
    let server = SmtpServer::start().await;
    let (desk, _, token, rid) = answered_chat(&server).await;
    let (other, _) = desk.visitor_room().await;
    let ask = |token: &str, rid: &str| json!({ "token": token, "rid": rid, "email": "visitor@example.org" });
    assert_error(
        &desk
            .app
            .post("transcript", ask("no-such-token", &rid))
            .await,
        StatusCode::BAD_REQUEST,
        "error-invalid-token",
    );
    assert_error(
        &desk.app.post("transcript", ask(&other, &rid)).await,
        StatusCode::BAD_REQUEST,
        "error-invalid-room",
    );
    assert_error(
        &desk
            .app
            .post("transcript", ask(&token, "no-such-room"))
            .await,
        StatusCode::BAD_REQUEST,
        "error-invalid-room",
    );
    let (status, _) = desk
        .app
        .post("transcript", json!({ "token": token, "rid": rid }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A closed room's transcript may be asked for too.
    desk.app.close_room(&token, &rid).await;
    desk.app.post_ok("transcript", ask(&token, &rid)).await;
    assert_eq!(server.wait_for(1, 20).await.len(), 1);
}

#[tokio::test]
async fn an_agents_request_is_mailed_when_the_chat_closes() {
    let server = SmtpServer::start().await;
    let (desk, agent, _, rid) = answered_chat(&server).await;
    let ask = json!({ "email": "customer@example.org", "subject": "Your chat with us" });
    let (status, body) = request(&desk, &desk.admin, &rid, ask.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let again = request(&desk, &desk.admin, &rid, ask).await;
    assert_eq!(again.0, StatusCode::BAD_REQUEST, "{}", again.1);
    assert_eq!(
        again.1["errorType"],
        json!("error-transcript-already-requested"),
        "{}",
        again.1
    );
    let (_, room) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("/api/v1/rooms.info?roomId={rid}"),
            None,
        )
        .await;
    assert_eq!(
        room["room"]["transcriptRequest"]["email"],
        json!("customer@example.org"),
        "{room}"
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(server.received().is_empty(), "nothing before the close");
    close_by_user(&desk, &agent, json!({ "rid": rid })).await;
    let mail = &server.wait_for(1, 20).await[0];
    assert!(mail.header("To").unwrap().contains("customer@example.org"));
    assert_eq!(mail.header("Subject").unwrap(), "Your chat with us");
    assert!(mail.decoded.contains("It ships tomorrow."));
}

#[tokio::test]
async fn a_cancelled_request_sends_nothing() {
    let server = SmtpServer::start().await;
    let (desk, agent, _, rid) = answered_chat(&server).await;
    let path = format!("/api/v1/livechat/transcript/{rid}");
    let ask = json!({ "email": "customer@example.org", "subject": "Chat" });
    assert_eq!(
        request(&desk, &desk.admin, &rid, ask).await.0,
        StatusCode::OK
    );
    let (status, body) = desk.call(&desk.admin, Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_error(
        &desk.call(&desk.admin, Method::DELETE, &path, None).await,
        StatusCode::BAD_REQUEST,
        "error-transcript-not-requested",
    );
    close_by_user(&desk, &agent, json!({ "rid": rid })).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(outbox(&desk, "").await["total"], json!(0));
    assert!(server.received().is_empty());
    // A closed room takes no request any more.
    let closed = request(
        &desk,
        &desk.admin,
        &rid,
        json!({ "email": "customer@example.org", "subject": "Chat" }),
    )
    .await;
    assert_eq!(
        closed.1["errorType"],
        json!("error-invalid-room"),
        "{}",
        closed.1
    );
}

#[tokio::test]
async fn close_by_user_may_ask_for_the_transcript() {
    let server = SmtpServer::start().await;
    let (desk, agent, _, rid) = answered_chat(&server).await;
    close_by_user(
        &desk,
        &agent,
        json!({
            "rid": rid,
            "transcriptEmail": {
                "sendToVisitor": true,
                "requestData": { "email": "closer@example.org", "subject": "Closed chat" }
            }
        }),
    )
    .await;
    let mail = &server.wait_for(1, 20).await[0];
    assert!(mail.header("To").unwrap().contains("closer@example.org"));
    assert_eq!(mail.header("Subject").unwrap(), "Closed chat");
}

#[tokio::test]
async fn agents_without_the_permission_are_refused() {
    let server = SmtpServer::start().await;
    let (desk, agent, _, rid) = answered_chat(&server).await;
    let ask = json!({ "email": "customer@example.org", "subject": "Chat" });
    // Rocket.Chat gives send-omnichannel-chat-transcript to admins and managers only.
    let refused = request(&desk, &agent, &rid, ask.clone()).await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN, "{}", refused.1);
    let path = format!("/api/v1/livechat/transcript/{rid}");
    let refused = desk.call(&agent, Method::DELETE, &path, None).await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN, "{}", refused.1);
    assert_error(
        &request(&desk, &desk.admin, "no-such-room", ask).await,
        StatusCode::BAD_REQUEST,
        "Invalid room [error-invalid-room]",
    );
    let bad = request(&desk, &desk.admin, &rid, json!({ "subject": "Chat" })).await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST, "{}", bad.1);
}

#[tokio::test]
async fn the_widget_config_offers_transcripts_when_enabled() {
    let server = SmtpServer::start().await;
    let desk = mail_desk(&server).await;
    assert_eq!(
        desk.app.get_success("config").await["config"]["settings"]["transcript"],
        json!(false)
    );
    desk.set("Livechat_enable_transcript", json!(true)).await;
    assert_eq!(
        desk.app.get_success("config").await["config"]["settings"]["transcript"],
        json!(true)
    );
}
