//! Delivery guarantees: a reconnecting client catches up on the stored events it missed (each
//! carries an increasing `seq`), and a client too slow to read is disconnected without
//! holding anyone else up.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{visitor_args, Ddp, Desk, TestApp};

fn seq(frame: &Value) -> i64 {
    frame["seq"]
        .as_i64()
        .unwrap_or_else(|| panic!("no seq: {frame}"))
}

/// The next message a visitor wrote in `rid` (system messages, such as the room's start, may
/// still be arriving and are skipped).
async fn next_visitor_message(ddp: &mut Ddp, rid: &str) -> Value {
    ddp.wait_for(|f| {
        f["collection"] == json!("stream-room-messages")
            && f["fields"]["eventName"] == json!(rid)
            && f["fields"]["args"][0]["t"].is_null()
    })
    .await
}

async fn room_with(configure: impl FnOnce(&mut livechat::Config)) -> (TestApp, String, String) {
    let app = TestApp::spawn_with(configure).await;
    let (token, rid) = app.visitor_with_room().await;
    (app, token, rid)
}

#[tokio::test]
async fn a_reconnecting_visitor_catches_up_on_what_it_missed() {
    let (app, token, rid) = room_with(|_| {}).await;
    let mut first = Ddp::connect(&app).await;
    first
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;
    app.send_message(&token, &rid, "seen").await;
    let seen = next_visitor_message(&mut first, &rid).await;
    assert_eq!(seen["fields"]["args"][0]["msg"], json!("seen"));
    let last_seen = seq(&seen);
    drop(first);

    for text in ["missed 1", "missed 2", "missed 3"] {
        app.send_message(&token, &rid, text).await;
    }
    let mut again = Ddp::connect(&app).await;
    let since = json!([rid, { "useCollection": false, "args": [{ "token": token, "visitorToken": token, "since": last_seen }] }]);
    let ready = again.sub("stream-room-messages", since).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let mut previous = last_seen;
    for text in ["missed 1", "missed 2", "missed 3"] {
        let event = next_visitor_message(&mut again, &rid).await;
        assert_eq!(event["fields"]["args"][0]["msg"], json!(text));
        assert!(seq(&event) > previous, "seq increases: {event}");
        previous = seq(&event);
    }
    app.send_message(&token, &rid, "live again").await;
    let live = next_visitor_message(&mut again, &rid).await;
    assert_eq!(live["fields"]["args"][0]["msg"], json!("live again"));
    assert!(seq(&live) > previous);
    again.assert_no_event(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_catch_up_point_must_be_a_sequence_number() {
    let (app, token, rid) = room_with(|_| {}).await;
    let mut ddp = Ddp::connect(&app).await;
    for since in [json!("yesterday"), json!(-1), json!(1.5)] {
        let params =
            json!([rid, { "useCollection": false, "args": [{ "token": token, "since": since }] }]);
        let refused = ddp.sub("stream-room-messages", params).await;
        assert_eq!(refused["msg"], json!("nosub"), "{since}: {refused}");
        assert_eq!(refused["error"]["error"], json!("invalid-params"));
    }
}

#[tokio::test]
async fn a_client_too_slow_to_read_is_disconnected_and_holds_nobody_up() {
    // 100 messages of 100 KB: more than the socket buffers (up to 4 MiB for the server's send
    // buffer) and a four-frame queue hold, while `slow` reads nothing.
    const MESSAGES: usize = 100;
    let desk = Desk::open_with(|c| c.ddp_queue_frames = 4).await;
    desk.set("Message_MaxAllowedSize", json!(200_000)).await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let app = &desk.app;
    let mut slow = Ddp::connect_with_small_window(app).await;
    let ready = slow
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"));
    let mut fast = Ddp::connect(app).await;
    fast.sub("stream-room-messages", visitor_args(&rid, &token))
        .await;

    let filler = "x".repeat(100_000);
    for i in 0..MESSAGES {
        app.send_message(&token, &rid, &format!("{i} {filler}"))
            .await;
        let event = next_visitor_message(&mut fast, &rid).await;
        let text = event["fields"]["args"][0]["msg"].as_str().unwrap();
        assert!(text.starts_with(&format!("{i} ")), "in order, on time");
    }

    let frames = slow
        .read_until_closed(Duration::from_secs(5))
        .await
        .expect("the slow client was disconnected");
    let delivered = frames
        .iter()
        .filter(|f| f["collection"] == json!("stream-room-messages"))
        .count();
    assert!(
        delivered < MESSAGES,
        "it got {delivered} of {MESSAGES} before being cut off"
    );
}
