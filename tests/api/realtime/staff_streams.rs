//! What agents' and managers' screens watch besides rooms: the inquiry queue
//! (`stream-livechat-inquiry-queue-observer`) and the live visitors on the site
//! (`stream-livechat-visitor-sessions`). Both need the `view-l-room` permission.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{new_token, user_args, Ddp, Desk};

const QUEUE: &str = "stream-livechat-inquiry-queue-observer";
const SESSIONS: &str = "stream-livechat-visitor-sessions";

/// A served chat's inquiry is in no queue: its messages are not queue news (and would make
/// every process recompute the positions of every waiting visitor). A waiting chat's are.
#[tokio::test]
async fn the_queue_hears_a_waiting_chats_messages_and_not_a_served_ones() {
    let desk = Desk::open().await;
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    let (_, agent) = desk.agent("watcher").await;
    let mut ws = Ddp::login(&desk.app, "watcher", "agent-password").await;
    ws.sub(QUEUE, user_args("public")).await;
    let (served_token, served) = desk.visitor_room().await;
    let inquiry = ws.event(QUEUE, "public").await["fields"]["args"][0].clone();
    desk.take_inquiry(&agent, &inquiry["_id"]).await;
    let taken = ws.event(QUEUE, "public").await["fields"]["args"][0].clone();
    assert_eq!(taken["status"], json!("taken"));

    let served_rid = served["_id"].as_str().unwrap();
    desk.app
        .send_message(&served_token, served_rid, "to my agent")
        .await;
    let (waiting_token, waiting) = desk.visitor_room().await;
    let waiting_rid = waiting["_id"].as_str().unwrap();
    desk.app
        .send_message(&waiting_token, waiting_rid, "still waiting")
        .await;

    // Events arrive in commit order: had the served chat's message been announced, it would
    // come before these.
    let entered = ws.event(QUEUE, "public").await["fields"]["args"][0].clone();
    assert_eq!(entered["rid"], json!(waiting_rid), "{entered}");
    let updated = ws.event(QUEUE, "public").await["fields"]["args"][0].clone();
    assert_eq!(updated["rid"], json!(waiting_rid), "{updated}");
    assert_eq!(updated["lastMessage"]["msg"], json!("still waiting"));
}

#[tokio::test]
async fn agents_watch_chats_enter_and_leave_the_queue() {
    let desk = Desk::open().await;
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    let (_, agent) = desk.agent("watcher").await;
    let mut ws = Ddp::login(&desk.app, "watcher", "agent-password").await;
    let ready = ws.sub(QUEUE, user_args("public")).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let (_, room) = desk.visitor_room().await;
    let rid = room["_id"].clone();
    let queued = ws.event(QUEUE, "public").await["fields"]["args"][0].clone();
    assert_eq!(queued["type"], json!("changed"));
    assert_eq!(queued["rid"], rid);
    assert_eq!(queued["status"], json!("queued"));

    desk.take_inquiry(&agent, &queued["_id"]).await;
    let taken = ws.event(QUEUE, "public").await["fields"]["args"][0].clone();
    assert_eq!(taken["_id"], queued["_id"]);
    assert_eq!(taken["status"], json!("taken"));

    let (status, body) = desk
        .call(
            &agent,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let removed = ws.event(QUEUE, "public").await["fields"]["args"][0].clone();
    assert_eq!(removed["type"], json!("removed"));
    assert_eq!(removed["_id"], queued["_id"]);
}

#[tokio::test]
async fn managers_watch_visitors_browse_the_site() {
    let desk = Desk::open().await;
    let mut ws = Ddp::connect(&desk.app).await;
    ws.call(
        "login",
        json!([crate::helpers::login_params(
            "admin",
            "routing-admin-password"
        )]),
    )
    .await;
    let ready = ws.sub(SESSIONS, user_args("sessions")).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let token = new_token();
    desk.app
        .register_ok(json!({ "token": token, "name": "Browsing Bea" }))
        .await;
    let path = format!("session.updateVisitCount/{token}");
    let (status, body) = desk.app.post(&path, json!({})).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let event = ws.event(SESSIONS, "sessions").await["fields"]["args"][0].clone();
    assert_eq!(event["type"], json!("changed"));
    assert_eq!(
        event["session"]["visitorInfo"]["name"],
        json!("Browsing Bea")
    );
    assert_eq!(
        event["session"].get("token"),
        None,
        "staff never see visitor tokens"
    );
    assert_eq!(event["session"]["count"], json!(1));
}

#[tokio::test]
async fn visitors_and_strangers_watch_neither() {
    let desk = Desk::open().await;
    let mut anonymous = Ddp::connect(&desk.app).await;
    for (stream, event) in [
        (QUEUE, "public"),
        (QUEUE, "department/x"),
        (SESSIONS, "sessions"),
    ] {
        let refused = anonymous.sub(stream, user_args(event)).await;
        assert_eq!(refused["msg"], json!("nosub"), "{stream} {event}");
        assert_eq!(refused["error"]["error"], json!("not-allowed"));
    }
    desk.agent("agent").await;
    let mut agent = Ddp::login(&desk.app, "agent", "agent-password").await;
    let refused = agent.sub(QUEUE, user_args("everything")).await;
    assert_eq!(
        refused["msg"],
        json!("nosub"),
        "unknown queue names are refused"
    );
}
