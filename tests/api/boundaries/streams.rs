//! The staff streams over DDP: the inquiry queue by department, the live-visitors sessions,
//! and the streams staff share with the visitor (room messages, typing), live and replayed.

use std::time::Duration;

use serde_json::json;

use super::*;
use crate::helpers::{user_args, visitor_args, Ddp};

const QUEUE: &str = "stream-livechat-inquiry-queue-observer";
const SESSIONS: &str = "stream-livechat-visitor-sessions";
const MESSAGES: &str = "stream-room-messages";

#[tokio::test]
async fn a_departments_queue_is_observed_by_its_agents_and_managers_only() {
    let b = Boundary::open().await;
    let sales_queue = format!("department/{SALES}");
    let mut otto = Ddp::login(&b.desk.app, "otto", "agent-password").await;
    let refused = otto.sub(QUEUE, user_args(&sales_queue)).await;
    assert_eq!(refused["msg"], json!("nosub"), "{refused}");
    assert_eq!(refused["error"]["error"], json!("not-allowed"));
    let own = otto
        .sub(QUEUE, user_args(&format!("department/{SUPPORT}")))
        .await;
    assert_eq!(own["msg"], json!("ready"), "{own}");
    let mut admin = Ddp::login(&b.desk.app, "admin", "routing-admin-password").await;
    assert_eq!(
        admin.sub(QUEUE, user_args(&sales_queue)).await["msg"],
        json!("ready")
    );

    let mut sally = Ddp::login(&b.desk.app, "sally", "agent-password").await;
    assert_eq!(
        sally.sub(QUEUE, user_args(&sales_queue)).await["msg"],
        json!("ready")
    );
    let (token, room) = b.queued_chat(SALES).await;
    let event = sally.event(QUEUE, &sales_queue).await;
    assert_eq!(event["fields"]["args"][0]["rid"], room["_id"]);
    assert_no_token(&event, &token);
    b.desk
        .app
        .send_message(&token, room["_id"].as_str().unwrap(), "hello")
        .await;
    let event = sally
        .wait_for(|f| f["fields"]["args"][0]["lastMessage"]["msg"] == json!("hello"))
        .await;
    assert_no_token(&event, &token);
    assert_no_token(&admin.event(QUEUE, &sales_queue).await, &token);
}

#[tokio::test]
async fn agents_hear_the_sessions_of_their_departments_visitors_only() {
    let b = Boundary::open().await;
    let mut otto = Ddp::login(&b.desk.app, "otto", "agent-password").await;
    let mut sally = Ddp::login(&b.desk.app, "sally", "agent-password").await;
    for ws in [&mut otto, &mut sally] {
        assert_eq!(
            ws.sub(SESSIONS, user_args("sessions")).await["msg"],
            json!("ready")
        );
    }
    let sales = b.visitor_of(SALES).await;
    b.desk
        .app
        .post_ok(&format!("session.updateVisitCount/{sales}"), json!({}))
        .await;
    let heard = sally.event(SESSIONS, "sessions").await;
    assert_eq!(heard["fields"]["args"][0]["session"]["count"], json!(1));
    assert_no_token(&heard, &sales);

    // Otto hears the next visitor (of no department) and nothing before it.
    let public = b.visitor_of_none().await;
    b.desk
        .app
        .post_ok(&format!("session.updateVisitCount/{public}"), json!({}))
        .await;
    let heard = otto.event(SESSIONS, "sessions").await;
    assert_no_token(&heard, &public);
    assert_eq!(
        heard["fields"]["args"][0]["session"].get("department"),
        None,
        "{heard}"
    );
    otto.assert_no_event(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn the_visitor_keeps_its_token_on_shared_streams_and_staff_never_get_it() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SALES).await;
    let rid = room["_id"].as_str().unwrap().to_string();
    b.take(&b.sally, &rid).await;
    let username = b.visitor_doc(&token).await["username"]
        .as_str()
        .unwrap()
        .to_string();

    let mut visitor = Ddp::connect(&b.desk.app).await;
    assert_eq!(
        visitor.sub(MESSAGES, visitor_args(&rid, &token)).await["msg"],
        json!("ready")
    );
    let typing = format!("{rid}/typing");
    visitor
        .sub("stream-notify-room", visitor_args(&typing, &token))
        .await;
    let mut sally = Ddp::login(&b.desk.app, "sally", "agent-password").await;
    assert_eq!(
        sally.sub(MESSAGES, user_args(&rid)).await["msg"],
        json!("ready")
    );
    let activity = format!("{rid}/user-activity");
    sally.sub("stream-notify-room", user_args(&activity)).await;

    let sent = b.desk.app.send_message(&token, &rid, "shared stream").await;
    // Earlier events of the room (the take) may still be on their way: wait for this message.
    let this_message = |f: &Value| {
        f["collection"] == json!(MESSAGES) && f["fields"]["args"][0]["_id"] == sent["_id"]
    };
    let heard = visitor.wait_for(this_message).await;
    assert_eq!(
        heard["fields"]["args"][0]["token"],
        json!(token),
        "the widget's own view"
    );
    let seq = heard["seq"].as_i64().unwrap();
    let heard = sally.wait_for(this_message).await;
    assert_no_token(&heard, &token);

    // The typing bridge's extra ({token}) does not reach the agent either.
    visitor
        .call(
            "stream-notify-room",
            json!([typing, username, true, { "token": token }]),
        )
        .await;
    let heard = sally.event("stream-notify-room", &activity).await;
    assert_eq!(heard["fields"]["args"][0], json!(username));
    assert_no_token(&heard, &token);

    // Catching up replays through the same rules.
    let mut again = Ddp::login(&b.desk.app, "sally", "agent-password").await;
    let since = json!([rid, { "useCollection": false, "args": [null], "since": seq - 1 }]);
    assert_eq!(again.sub(MESSAGES, since).await["msg"], json!("ready"));
    let replayed = again.event(MESSAGES, &rid).await;
    assert_eq!(replayed["seq"], json!(seq));
    assert_no_token(&replayed, &token);
    let mut widget_again = Ddp::connect(&b.desk.app).await;
    let since = json!([rid, { "useCollection": false, "args": [{ "token": token, "visitorToken": token, "since": seq - 1 }] }]);
    widget_again.sub(MESSAGES, since).await;
    let replayed = widget_again.event(MESSAGES, &rid).await;
    assert_eq!(replayed["fields"]["args"][0]["token"], json!(token));
}

#[tokio::test]
async fn the_agents_own_streams_carry_no_token() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SALES).await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let uid = b.sally.0.clone();
    let mut sally = Ddp::login(&b.desk.app, "sally", "agent-password").await;
    for event in ["rooms-changed", "notification"] {
        let name = format!("{uid}/{event}");
        assert_eq!(
            sally.sub("stream-notify-user", user_args(&name)).await["msg"],
            json!("ready")
        );
    }
    assert_eq!(
        sally.sub(MESSAGES, user_args("__my_messages__")).await["msg"],
        json!("ready")
    );

    b.take(&b.sally, &rid).await;
    let changed = sally
        .event("stream-notify-user", &format!("{uid}/rooms-changed"))
        .await;
    assert_no_token(&changed, &token);
    b.desk.app.send_message(&token, &rid, "are you there").await;
    let mine = sally.event(MESSAGES, "__my_messages__").await;
    assert_eq!(mine["fields"]["args"][0]["msg"], json!("are you there"));
    assert_no_token(&mine, &token);
    assert_no_token(
        &sally
            .event("stream-notify-user", &format!("{uid}/notification"))
            .await,
        &token,
    );

    let rooms = sally.call("rooms/get", json!([])).await;
    assert_eq!(rooms["result"][0]["_id"], json!(rid), "{rooms}");
    assert_no_token(&rooms, &token);
    let sent = sally
        .call("sendMessage", json!([{ "rid": rid, "msg": "yes" }]))
        .await;
    assert_no_token(&sent, &token);
}
