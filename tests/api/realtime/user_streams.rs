//! An agent's own streams: `stream-notify-user` (`<uid>/subscriptions-changed`,
//! `<uid>/rooms-changed`, `<uid>/notification`) and `__my_messages__` on
//! `stream-room-messages`. Nobody reads another user's.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{user_args, Ddp, Desk};

/// `args` of the next `stream-notify-user` event named `event_name`.
async fn user_event(ddp: &mut Ddp, event_name: &str) -> Value {
    ddp.event("stream-notify-user", event_name).await["fields"]["args"].clone()
}

#[tokio::test]
async fn an_agent_hears_chats_join_and_leave_its_list() {
    let desk = Desk::open().await;
    let (agent_id, agent) = desk.agent("lister").await;
    let mut ws = Ddp::login(&desk.app, "lister", "agent-password").await;
    let subscriptions = format!("{agent_id}/subscriptions-changed");
    let rooms = format!("{agent_id}/rooms-changed");
    for event_name in [&subscriptions, &rooms] {
        let ready = ws.sub("stream-notify-user", user_args(event_name)).await;
        assert_eq!(ready["msg"], json!("ready"), "{ready}");
    }

    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let args = user_event(&mut ws, &subscriptions).await;
    assert_eq!(args[0], json!("inserted"));
    assert_eq!(args[1]["rid"], json!(rid));
    assert_eq!(args[1]["u"]["_id"], json!(agent_id));
    assert_eq!(args[1]["t"], json!("l"));

    // A visitor's message updates the room (its last message).
    desk.app.send_message(&token, &rid, "anyone there?").await;
    let args = loop {
        let args = user_event(&mut ws, &rooms).await;
        if args[1]["lastMessage"]["msg"] == json!("anyone there?") {
            break args;
        }
    };
    assert_eq!(args[0], json!("updated"));
    assert_eq!(args[1]["_id"], json!(rid));
    assert!(
        args[1]["_updatedAt"]["$date"].is_i64(),
        "EJSON dates: {args}"
    );

    let (status, body) = desk
        .call(
            &agent,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let args = user_event(&mut ws, &subscriptions).await;
    assert_eq!(args[0], json!("removed"));
    assert_eq!(args[1]["rid"], json!(rid));
}

#[tokio::test]
async fn an_agent_is_notified_of_visitor_messages_and_hears_all_its_rooms() {
    let desk = Desk::open().await;
    let (agent_id, agent) = desk.agent("notified").await;
    let mut ws = Ddp::login(&desk.app, "notified", "agent-password").await;
    let notification = format!("{agent_id}/notification");
    ws.sub("stream-notify-user", user_args(&notification)).await;
    let ready = ws
        .sub("stream-room-messages", user_args("__my_messages__"))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    desk.app.send_message(&token, &rid, "I need help").await;
    let args = user_event(&mut ws, &notification).await;
    assert_eq!(args[0]["text"], json!("I need help"));
    assert_eq!(args[0]["payload"]["rid"], json!(rid));
    assert_eq!(args[0]["payload"]["type"], json!("l"));

    let mine = ws
        .wait_for(|f| {
            f["fields"]["eventName"] == json!("__my_messages__")
                && f["fields"]["args"][0]["msg"] == json!("I need help")
        })
        .await;
    assert_eq!(mine["collection"], json!("stream-room-messages"));
    assert_eq!(mine["fields"]["args"][0]["rid"], json!(rid));

    // The agent's own reply is on __my_messages__ too, but is no notification.
    desk.call(
        &agent,
        Method::POST,
        "/api/v1/chat.sendMessage",
        Some(json!({ "message": { "rid": rid, "msg": "here I am" } })),
    )
    .await;
    ws.wait_for(|f| {
        f["fields"]["eventName"] == json!("__my_messages__")
            && f["fields"]["args"][0]["msg"] == json!("here I am")
    })
    .await;
}

#[tokio::test]
async fn nobody_reads_another_users_streams() {
    let desk = Desk::open().await;
    let (first_id, _) = desk.agent("first").await;
    let (second_id, second_credentials) = desk.agent("second").await;
    let mut second = Ddp::login(&desk.app, "second", "agent-password").await;
    for event in ["rooms-changed", "subscriptions-changed", "notification"] {
        let refused = second
            .sub(
                "stream-notify-user",
                user_args(&format!("{first_id}/{event}")),
            )
            .await;
        assert_eq!(refused["msg"], json!("nosub"), "{event}: {refused}");
        assert_eq!(refused["error"]["error"], json!("not-allowed"));
    }
    second
        .sub("stream-room-messages", user_args("__my_messages__"))
        .await;

    let mut anonymous = Ddp::connect(&desk.app).await;
    let refused = anonymous
        .sub(
            "stream-notify-user",
            user_args(&format!("{second_id}/notification")),
        )
        .await;
    assert_eq!(refused["msg"], json!("nosub"));
    let refused = anonymous
        .sub("stream-room-messages", user_args("__my_messages__"))
        .await;
    assert_eq!(
        refused["msg"],
        json!("nosub"),
        "visitors have no __my_messages__"
    );

    // A chat served by the first agent says nothing to the second.
    desk.call(
        &second_credentials,
        Method::POST,
        "agent.status",
        Some(json!({ "status": "not-available" })),
    )
    .await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    assert_eq!(room["servedBy"]["_id"], json!(first_id));
    desk.app
        .send_message(&token, &rid, "for one agent only")
        .await;
    second.assert_no_event(Duration::from_millis(700)).await;
}
