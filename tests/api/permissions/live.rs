//! A change applies at once on this process: REST routes, DDP methods, and held
//! subscriptions, which end when their user may no longer hold them.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::update;
use crate::helpers::{user_args, Ddp, Desk};

const QUEUE: &str = "stream-livechat-inquiry-queue-observer";

#[tokio::test]
async fn a_route_starts_and_stops_answering_403_for_a_role() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("rooms-reader").await;
    let rooms = |who| desk.call(who, Method::GET, "rooms", None);
    let (status, body) = rooms(&agent).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "agents list no rooms by default: {body}"
    );

    let (status, body) = update(
        &desk,
        &desk.admin,
        json!([{ "_id": "view-livechat-rooms", "roles": ["admin", "livechat-manager", "livechat-agent"] }]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = rooms(&agent).await;
    assert_eq!(status, StatusCode::OK, "granted at once: {body}");

    update(
        &desk,
        &desk.admin,
        json!([{ "_id": "view-livechat-rooms", "roles": ["admin", "livechat-manager"] }]),
    )
    .await;
    let (status, body) = rooms(&agent).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "revoked at once: {body}");
}

#[tokio::test]
async fn a_ddp_method_follows_the_table() {
    let desk = Desk::open().await;
    desk.agent("method-caller").await;
    let mut ws = Ddp::login(&desk.app, "method-caller", "agent-password").await;
    let call = json!(["no-such-room"]);
    let allowed = ws.call("livechat:returnAsInquiry", call.clone()).await;
    assert_eq!(
        allowed["error"]["error"],
        json!("error-invalid-room"),
        "{allowed}"
    );

    let revoke = json!([{ "_id": "view-l-room", "roles": ["admin", "livechat-manager"] }]);
    let (status, body) = update(&desk, &desk.admin, revoke).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refused = ws.call("livechat:returnAsInquiry", call).await;
    assert_eq!(
        refused["error"]["error"],
        json!("error-not-allowed"),
        "{refused}"
    );
}

/// Revoking `view-l-room` from `livechat-agent` takes the queue away from a connected agent
/// at once: its subscription ends with `error-not-allowed`, and `inquiries.queued` refuses.
/// A manager's subscription on the same process stays.
#[tokio::test]
async fn revoking_view_l_room_takes_the_queue_from_connected_agents() {
    let desk = Desk::open().await;
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    let (_, agent) = desk.agent("queue-watcher").await;
    desk.account("queue-boss", &["livechat-manager"]).await;
    let mut agent_ws = Ddp::login(&desk.app, "queue-watcher", "agent-password").await;
    let mut manager_ws = Ddp::login(&desk.app, "queue-boss", "staff-password").await;
    let ready = agent_ws.sub(QUEUE, user_args("public")).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");
    let sub_id = ready["subs"][0].clone();
    let ready = manager_ws.sub(QUEUE, user_args("public")).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");
    let (status, _) = desk
        .call(&agent, Method::GET, "inquiries.queued", None)
        .await;
    assert_eq!(status, StatusCode::OK);

    let revoke = json!([{ "_id": "view-l-room", "roles": ["admin", "livechat-manager"] }]);
    let (status, body) = update(&desk, &desk.admin, revoke).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = desk
        .call(&agent, Method::GET, "inquiries.queued", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let ended = agent_ws
        .wait_for(|f| f["msg"] == json!("nosub") && f["id"] == sub_id)
        .await;
    assert_eq!(
        ended["error"]["error"],
        json!("error-not-allowed"),
        "{ended}"
    );

    // A chat entering the queue now reaches the manager, not the agent.
    let (_, room) = desk.visitor_room().await;
    let queued = manager_ws.event(QUEUE, "public").await;
    assert_eq!(queued["fields"]["args"][0]["rid"], room["_id"]);
    agent_ws.assert_no_event(Duration::from_millis(500)).await;
    let again = agent_ws.sub(QUEUE, user_args("public")).await;
    assert_eq!(again["msg"], json!("nosub"), "{again}");
}
