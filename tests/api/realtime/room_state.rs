//! What the widget hears on `stream-livechat-room` besides `agentData`: its agent's presence
//! (`agentStatus`), its place in the queue (`queueData`), changes of its own visitor record
//! (`visitorData`).

use reqwest::Method;
use serde_json::json;

use crate::helpers::{visitor_args, Ddp, Desk};

#[tokio::test]
async fn the_widget_hears_its_agent_go_away_and_come_back() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("presence").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let mut visitor = Ddp::connect(&desk.app).await;
    visitor
        .sub("stream-livechat-room", visitor_args(&rid, &token))
        .await;

    for status in ["away", "online"] {
        let (code, body) = desk
            .call(
                &agent,
                Method::POST,
                "/api/v1/users.setStatus",
                Some(json!({ "status": status })),
            )
            .await;
        assert_eq!(code, reqwest::StatusCode::OK, "{body}");
        let event = visitor.room_state(&rid, "agentStatus").await;
        assert_eq!(event["status"], json!(status));
    }
}

#[tokio::test]
async fn a_waiting_visitor_hears_its_spot_move_up() {
    let desk = Desk::open().await;
    let (first_token, _) = desk.visitor_room().await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let mut visitor = Ddp::connect(&desk.app).await;
    visitor
        .sub("stream-livechat-room", visitor_args(&rid, &token))
        .await;

    // One agent with room for one chat takes the first visitor: ours is first in line now.
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    desk.agent("only").await;
    // (A spot computed while both waited may come first.)
    let mut event = visitor.room_state(&rid, "queueData").await;
    if event["data"]["spot"] == json!(2) {
        event = visitor.room_state(&rid, "queueData").await;
    }
    assert_eq!(event["data"]["spot"], json!(1), "{event}");
    assert_eq!(
        desk.room_of(&first_token).await["servedBy"]["username"],
        json!("only")
    );
}

#[tokio::test]
async fn the_widget_hears_its_visitor_record_change() {
    let desk = Desk::open().await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let mut visitor = Ddp::connect(&desk.app).await;
    visitor
        .sub("stream-livechat-room", visitor_args(&rid, &token))
        .await;

    desk.app
        .register_ok(json!({ "token": token, "name": "Renamed Visitor" }))
        .await;
    // (The room's opening may still be on its way: it saved the visitor too.)
    let mut event = visitor.room_state(&rid, "visitorData").await;
    if event["visitor"]["name"] != json!("Renamed Visitor") {
        event = visitor.room_state(&rid, "visitorData").await;
    }
    assert_eq!(event["visitor"]["name"], json!("Renamed Visitor"));
    assert_eq!(event["visitor"]["token"], json!(token));
}
