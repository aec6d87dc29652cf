//! Routing by department: a visitor who chose a department gets one of its agents.

use std::collections::HashSet;

use serde_json::json;

use super::{create, id_of};
use crate::helpers::{new_token, served_by, Desk};

/// Opens a chat for a new visitor registered with `department`; returns who serves it.
async fn chat_in(desk: &Desk, department: &str) -> Option<String> {
    let token = new_token();
    desk.app
        .register_ok(json!({ "token": token, "department": department }))
        .await;
    let room = desk.app.get_success(&format!("room?token={token}")).await["room"].clone();
    assert_eq!(room["departmentId"], json!(department), "{room}");
    served_by(&room)
}

#[tokio::test]
async fn a_visitor_of_a_department_gets_an_agent_of_that_department() {
    let desk = Desk::open().await;
    let (sales_1, _) = desk.agent("sales-1").await;
    let (sales_2, _) = desk.agent("sales-2").await;
    let (support, _) = desk.agent("support").await;
    let (_, _) = desk.agent("unassigned").await;
    let sales_id = id_of(&create(&desk, "Sales", &[&sales_1, &sales_2]).await);
    let support_id = id_of(&create(&desk, "Support", &[&support]).await);

    let mut sales_servers = HashSet::new();
    for _ in 0..4 {
        sales_servers.insert(chat_in(&desk, &sales_id).await.expect("served"));
    }
    assert_eq!(
        sales_servers,
        HashSet::from([sales_1.clone(), sales_2.clone()]),
        "only Sales agents, shared between them"
    );
    for _ in 0..3 {
        assert_eq!(chat_in(&desk, &support_id).await, Some(support.clone()));
    }
}

#[tokio::test]
async fn a_chat_waits_for_its_department_and_is_served_when_an_agent_joins() {
    let desk = Desk::open().await;
    let (_, _) = desk.agent("elsewhere").await;
    let (late, _) = desk.agent("late").await;
    let sales = id_of(&create(&desk, "Sales", &[]).await);

    let token = new_token();
    desk.app
        .register_ok(json!({ "token": token, "department": sales }))
        .await;
    let room = desk.app.get_success(&format!("room?token={token}")).await["room"].clone();
    assert_eq!(served_by(&room), None, "Sales has no agent: {room}");

    let join = json!({ "upsert": [{ "agentId": late }], "remove": [] });
    let (status, body) = desk
        .call(
            &desk.admin,
            reqwest::Method::POST,
            &format!("department/{sales}/agents"),
            Some(join),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");

    assert_eq!(served_by(&desk.room_of(&token).await), Some(late));
}
