//! `config.queueInfo`: a visitor waiting for an agent sees its place in the queue, which moves
//! up as chats before it are served.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{served_by, Desk};

async fn queue_info(desk: &Desk, token: &str) -> Value {
    desk.app.get_success(&format!("config?token={token}")).await["config"]["queueInfo"].clone()
}

#[tokio::test]
async fn waiting_visitors_see_their_spot_move_up() {
    let desk = Desk::open().await;
    let mut waiting = Vec::new();
    for _ in 0..3 {
        let (token, room) = desk.visitor_room().await;
        assert_eq!(served_by(&room), None);
        waiting.push(token);
    }
    for (place, token) in waiting.iter().enumerate() {
        assert_eq!(queue_info(&desk, token).await["spot"], json!(place + 1));
    }

    // One agent with a limit of one takes the first chat; the others move up.
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    desk.agent("solo").await;
    assert!(
        queue_info(&desk, &waiting[0]).await.is_null(),
        "served chats have no queueInfo"
    );
    assert!(
        desk.app
            .get_success(&format!("config?token={}", waiting[0]))
            .await["config"]["agent"]["username"]
            == json!("solo")
    );
    assert_eq!(queue_info(&desk, &waiting[1]).await["spot"], json!(1));
    assert_eq!(queue_info(&desk, &waiting[2]).await["spot"], json!(2));
    assert!(queue_info(&desk, &waiting[2])
        .await
        .get("message")
        .is_none());

    desk.set(
        "Livechat_waiting_queue_message",
        json!("An agent will be with you shortly"),
    )
    .await;
    let info = queue_info(&desk, &waiting[2]).await;
    assert_eq!(
        info["message"]["text"],
        json!("An agent will be with you shortly")
    );

    // A visitor without a room has no queue position.
    let (_, none) = desk
        .call(&desk.admin, Method::GET, "config?token=unknown-token", None)
        .await;
    assert!(none["config"].get("queueInfo").is_none());
}
