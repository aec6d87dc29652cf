//! `stream-room-messages` and `stream-notify-room`: messages reach the visitor and the agent as
//! they are committed, and only those allowed to read the room may subscribe.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{user_args, visitor_args, Ddp, Desk};

#[tokio::test]
async fn the_agents_reply_reaches_the_visitor_and_the_visitors_message_the_agent() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("live").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();

    let mut visitor = Ddp::connect(&desk.app).await;
    visitor
        .call("livechat:setUpConnection", json!([{ "token": token }]))
        .await;
    let ready = visitor
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");
    let mut agent_ws = Ddp::login(&desk.app, "live", "agent-password").await;
    let ready = agent_ws.sub("stream-room-messages", user_args(&rid)).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    desk.app.send_message(&token, &rid, "hello over REST").await;
    let event = agent_ws.event("stream-room-messages", &rid).await;
    let message = &event["fields"]["args"][0];
    assert_eq!(message["msg"], json!("hello over REST"));
    assert_eq!(message.get("token"), None, "staff never see visitor tokens");
    assert!(message["ts"]["$date"].is_i64(), "EJSON dates: {message}");
    assert!(message["_updatedAt"]["$date"].is_i64(), "{message}");
    assert_eq!(event["id"], json!("id"));

    let (_, sent) = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(json!({ "message": { "rid": rid, "msg": "hi, how can I help?" } })),
        )
        .await;
    let event = visitor.event("stream-room-messages", &rid).await;
    // The visitor's own message came first; the reply follows it.
    let first = event["fields"]["args"][0]["msg"].clone();
    let reply = if first == json!("hello over REST") {
        visitor.event("stream-room-messages", &rid).await
    } else {
        event
    };
    assert_eq!(
        reply["fields"]["args"][0]["msg"],
        json!("hi, how can I help?")
    );
    assert_eq!(reply["fields"]["args"][0]["u"]["username"], json!("live"));

    // Edits come again as the changed message; deletes on stream-notify-room.
    let msg_id = sent["message"]["_id"].as_str().unwrap().to_string();
    let ready = visitor
        .sub(
            "stream-notify-room",
            visitor_args(&format!("{rid}/deleteMessage"), &token),
        )
        .await;
    assert_eq!(ready["msg"], json!("ready"));
    desk.call(
        &agent,
        Method::POST,
        "/api/v1/chat.update",
        Some(json!({ "roomId": rid, "msgId": msg_id, "text": "how can I help?" })),
    )
    .await;
    let edited = visitor.event("stream-room-messages", &rid).await;
    assert_eq!(edited["fields"]["args"][0]["msg"], json!("how can I help?"));
    assert!(edited["fields"]["args"][0]["editedAt"]["$date"].is_i64());
    desk.call(
        &agent,
        Method::POST,
        "/api/v1/chat.delete",
        Some(json!({ "roomId": rid, "msgId": msg_id })),
    )
    .await;
    let deleted = visitor
        .event("stream-notify-room", &format!("{rid}/deleteMessage"))
        .await;
    assert_eq!(deleted["fields"]["args"], json!([{ "_id": msg_id }]));
}

#[tokio::test]
async fn the_close_reaches_the_widget() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("closer").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let mut visitor = Ddp::connect(&desk.app).await;
    visitor
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;

    desk.call(
        &agent,
        Method::POST,
        "room.closeByUser",
        Some(json!({ "rid": rid })),
    )
    .await;

    let closing = visitor
        .wait_for(|f| f["fields"]["args"][0]["t"] == json!("livechat-close"))
        .await;
    assert_eq!(closing["fields"]["eventName"], json!(rid));
}

#[tokio::test]
async fn only_those_who_may_read_a_room_subscribe_to_it() {
    let desk = Desk::open().await;
    desk.agent("owner").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let (other_token, _) = desk.visitor_room().await;
    desk.agent("outsider").await;

    let mut stranger = Ddp::connect(&desk.app).await;
    for params in [
        visitor_args(&rid, &other_token),
        visitor_args(&rid, "made-up-token"),
        user_args(&rid),
        visitor_args("NoSuchRoom", &token),
    ] {
        let refused = stranger.sub("stream-room-messages", params.clone()).await;
        assert_eq!(refused["msg"], json!("nosub"), "{params}: {refused}");
        assert_eq!(refused["error"]["error"], json!("not-allowed"), "{refused}");
    }
    let refused = stranger
        .sub(
            "stream-notify-room",
            visitor_args(&format!("{rid}/typing"), &other_token),
        )
        .await;
    assert_eq!(refused["msg"], json!("nosub"));

    let mut outsider = Ddp::login(&desk.app, "outsider", "agent-password").await;
    let refused = outsider.sub("stream-room-messages", user_args(&rid)).await;
    assert_eq!(
        refused["msg"],
        json!("nosub"),
        "an agent who does not serve the room"
    );
    let mut admin = Ddp::login(&desk.app, "admin", "routing-admin-password").await;
    let ready = admin.sub("stream-room-messages", user_args(&rid)).await;
    assert_eq!(ready["msg"], json!("ready"), "managers read every room");

    // And nothing of the room leaks to the refused connections.
    desk.app.send_message(&token, &rid, "private").await;
    admin.event("stream-room-messages", &rid).await;
    stranger.assert_no_event(Duration::from_millis(300)).await;
    outsider.assert_no_event(Duration::from_millis(300)).await;
}
