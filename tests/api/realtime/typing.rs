//! Typing notifications through `stream-notify-room`, with Rocket.Chat's bridge between the old
//! `typing` event (the widget) and the new `user-activity` event (newer clients).

use std::time::Duration;

use serde_json::json;

use crate::helpers::{user_args, visitor_args, Ddp, Desk};

#[tokio::test]
async fn typing_is_bridged_between_the_widget_and_newer_clients() {
    let desk = Desk::open().await;
    desk.agent("typist").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let username = desk.app.get(&format!("visitor/{token}")).await.1["visitor"]["username"]
        .as_str()
        .unwrap()
        .to_string();

    let mut visitor = Ddp::connect(&desk.app).await;
    let typing = format!("{rid}/typing");
    let activity = format!("{rid}/user-activity");
    visitor
        .sub("stream-notify-room", visitor_args(&typing, &token))
        .await;
    let mut agent = Ddp::login(&desk.app, "typist", "agent-password").await;
    let ready = agent.sub("stream-notify-room", user_args(&activity)).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    // The widget's old event reaches the agent as user-activity...
    visitor
        .call(
            "stream-notify-room",
            json!([typing, username, true, { "token": token }]),
        )
        .await;
    let event = agent.event("stream-notify-room", &activity).await;
    assert_eq!(event["fields"]["args"][0], json!(username));
    assert_eq!(event["fields"]["args"][1], json!(["user-typing"]));
    visitor.assert_no_event(Duration::from_millis(200)).await;

    // ...and the agent's new event reaches the widget as typing.
    agent
        .call("stream-notify-room", json!([activity, "typist", [], {}]))
        .await;
    let event = visitor.event("stream-notify-room", &typing).await;
    assert_eq!(event["fields"]["args"], json!(["typist", false]));

    // Nobody types under someone else's name.
    agent
        .call(
            "stream-notify-room",
            json!([activity, username, ["user-typing"], {}]),
        )
        .await;
    visitor.assert_no_event(Duration::from_millis(300)).await;
}
