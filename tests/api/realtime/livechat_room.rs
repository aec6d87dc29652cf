//! `stream-livechat-room`: the widget learns who serves it when an agent is assigned or the
//! chat is forwarded. Only the visitor of the room may subscribe.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{user_args, visitor_args, Ddp, Desk};

#[tokio::test]
async fn the_widget_hears_which_agent_took_the_chat() {
    let desk = Desk::open().await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let mut visitor = Ddp::connect(&desk.app).await;
    let ready = visitor
        .sub("stream-livechat-room", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    // The chat waited; the first agent to come online takes it.
    let (first_id, _) = desk.agent("first").await;
    let args = visitor.room_state(&rid, "agentData").await;
    assert_eq!(args["data"]["_id"], json!(first_id));
    assert_eq!(args["data"]["username"], json!("first"));

    let (second_id, _) = desk.agent("second").await;
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "room.forward",
            Some(json!({ "roomId": rid, "userId": second_id })),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let args = visitor.room_state(&rid, "agentData").await;
    assert_eq!(args["data"]["username"], json!("second"));
}

#[tokio::test]
async fn only_the_rooms_visitor_subscribes_to_it() {
    let desk = Desk::open().await;
    desk.agent("watcher").await;
    let (_, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let (other_token, _) = desk.visitor_room().await;
    let mut stranger = Ddp::connect(&desk.app).await;
    let refused = stranger
        .sub("stream-livechat-room", visitor_args(&rid, &other_token))
        .await;
    assert_eq!(refused["msg"], json!("nosub"));
    let mut agent = Ddp::login(&desk.app, "watcher", "agent-password").await;
    let refused = agent.sub("stream-livechat-room", user_args(&rid)).await;
    assert_eq!(
        refused["msg"],
        json!("nosub"),
        "agents do not read the visitor's stream"
    );
}
