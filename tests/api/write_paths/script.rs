//! The scripted writes: every batched unit of work (a visitor's message with its duplicate
//! `_id`, lead capture and webhooks; registration; room opening; page visits; the tracker's
//! session writes; an agent's answer) and their neighbours (taking, edits, deletes, a close),
//! in a fixed order and with fixed tokens and `_id`s, so that two runs differ only in what the
//! app draws at random or reads from the clock.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Credentials, Desk};
use crate::uploads::{file_form, visitor_upload, PNG};

/// Nothing listens here: webhook deliveries are queued and stay in the outbox (the courier's
/// retries are not part of the comparison, see `normalize.rs`).
const WEBHOOK_URL: &str = "http://127.0.0.1:9/crm";

const SWITCHES: [&str; 9] = [
    "Livechat_webhook_on_start",
    "Livechat_webhook_on_close",
    "Livechat_webhook_on_chat_taken",
    "Livechat_webhook_on_chat_queued",
    "Livechat_webhook_on_forward",
    "Livechat_webhook_on_offline_msg",
    "Livechat_webhook_on_visitor_message",
    "Livechat_webhook_on_agent_message",
    "Livechat_webhook_on_capture",
];

/// A desk allowed to queue webhooks to 127.0.0.1, with its files in a directory of its own.
pub struct ScriptDesk {
    pub desk: Desk,
    _files: tempfile::TempDir,
}

/// A [`ScriptDesk`] with `configure` applied last.
pub async fn open_desk(configure: impl FnOnce(&mut livechat::Config)) -> ScriptDesk {
    let files = tempfile::tempdir().expect("upload dir");
    let upload_dir = files.path().to_path_buf();
    let desk = Desk::open_with(|c| {
        c.allow_private_network_webhooks = true;
        c.upload_dir = Some(upload_dir);
        configure(c);
    })
    .await;
    ScriptDesk {
        desk,
        _files: files,
    }
}

pub async fn run(desk: &Desk) {
    desk.set("Livechat_webhookUrl", json!(WEBHOOK_URL)).await;
    desk.set("Livechat_secret_token", json!("equivalence-secret"))
        .await;
    for switch in SWITCHES {
        desk.set(switch, json!(true)).await;
    }
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    desk.set("Message_AllowEditing", json!(true)).await;
    desk.set("Message_AllowDeleting", json!(true)).await;
    let (_, agent) = desk.agent("equiv-agent").await;
    let app = &desk.app;

    let ada = "equiv-token-ada";
    let bob = "equiv-token-bob";
    app.register_ok(json!({ "token": ada, "name": "Ada", "email": "ada@example.org" }))
        .await;
    app.register_ok(json!({ "token": bob, "name": "Bob" }))
        .await;
    let ada_room = app.open_room(ada).await;
    page_visit(desk, ada, &ada_room, "https://example.com/pricing").await;
    sessions(desk, ada).await;

    // The batched message and its duplicate: the same `_id` again answers the stored message.
    let first = message(desk, ada, &ada_room, "hello", Some("equiv-m1")).await;
    let again = message(desk, ada, &ada_room, "hello again?", Some("equiv-m1")).await;
    assert_eq!(first, again, "a resent _id answers the stored message");
    let second = message(desk, ada, &ada_room, "second question", None).await;
    // Lead capture adds the e-mail and phone to the visitor and queues its webhook.
    message(
        desk,
        ada,
        &ada_room,
        "write to ada.work@example.com or call +1 555 123 4567",
        Some("equiv-lead"),
    )
    .await;

    // Another visitor's room, and a message `_id` already taken by someone else.
    let bob_room = app.open_room(bob).await;
    let (status, body) = send(desk, bob, &bob_room, "hi", Some("equiv-m1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    message(desk, bob, &bob_room, "anyone there?", Some("equiv-bob-1")).await;
    // A file's message takes the same batched path as a text message.
    let form = file_form("screenshot.png", "image/png", PNG, &[("msg", "my screen")]);
    let (status, body) = visitor_upload(app, Some(bob), &bob_room, form).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // An agent takes Ada's chat and answers; Ada writes to the served room.
    take(desk, &agent, &ada_room).await;
    let (status, body) = agent_call(
        desk,
        &agent,
        Method::POST,
        "/api/v1/chat.sendMessage",
        json!({ "message": { "rid": ada_room, "msg": "Hi Ada, how can I help?" } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    message(desk, ada, &ada_room, "thanks!", Some("equiv-served")).await;
    page_visit(desk, ada, &ada_room, "https://example.com/checkout").await;

    // Ada edits her first message and deletes her second.
    let (status, body) = app
        .put(
            "message/equiv-m1",
            json!({ "token": ada, "rid": ada_room, "msg": "hello (edited)" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second_id = second["_id"].as_str().expect("message id");
    let (status, body) = app
        .delete(
            &format!("message/{second_id}"),
            Some(json!({ "token": ada, "rid": ada_room })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The close, then a message to the closed room, refused.
    app.close_room(ada, &ada_room).await;
    let (status, body) = send(desk, ada, &ada_room, "still there?", Some("equiv-late")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    message(desk, bob, &bob_room, "hello?", None).await;
}

async fn send(
    desk: &Desk,
    token: &str,
    rid: &str,
    msg: &str,
    id: Option<&str>,
) -> (StatusCode, Value) {
    let mut body = json!({ "token": token, "rid": rid, "msg": msg });
    if let Some(id) = id {
        body["_id"] = json!(id);
    }
    desk.app.post("message", body).await
}

/// A visitor message that must be stored; the stored message.
async fn message(desk: &Desk, token: &str, rid: &str, msg: &str, id: Option<&str>) -> Value {
    let (status, body) = send(desk, token, rid, msg, id).await;
    assert_eq!(status, StatusCode::OK, "{msg}: {body}");
    body["message"].clone()
}

async fn page_visit(desk: &Desk, token: &str, rid: &str, href: &str) {
    let page = json!({ "change": "url", "title": "Page", "location": { "href": href } });
    desk.app
        .post_ok(
            "page.visited",
            json!({ "token": token, "rid": rid, "pageInfo": page }),
        )
        .await;
}

/// The tracker's session writes: a location, page counts, the presence, the registration info.
async fn sessions(desk: &Desk, token: &str) {
    let app = &desk.app;
    let location = json!({
        "token": token,
        "deviceInfo": { "os": "Linux", "browserName": "Chromium" },
    });
    app.post_ok("session.addLocationData", location).await;
    app.post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    app.post_ok(
        "session.updateSessionStatus",
        json!({ "token": token, "status": "away" }),
    )
    .await;
    app.post_ok(
        "session.updateVisitorSessionOnRegister",
        json!({ "visitor": { "token": token, "name": "Ada L." } }),
    )
    .await;
    // Refused writes leave nothing behind, batched or not.
    let (status, body) = app
        .post(
            "session.updateSessionStatus",
            json!({ "token": "equiv-no-such-token", "status": "away" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn take(desk: &Desk, agent: &Credentials, rid: &str) {
    let path = format!("inquiries.getOne?roomId={rid}");
    let (status, body) = agent_call(desk, &desk.admin, Method::GET, &path, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    desk.take_inquiry(agent, &body["inquiry"]["_id"]).await;
}

async fn agent_call(
    desk: &Desk,
    who: &Credentials,
    method: Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let body = (!body.is_null()).then_some(body);
    desk.call(who, method, path, body).await
}
