//! `GET livechat/config` offers only departments a visitor can reach: enabled, with an agent.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{create, fields, id_of};
use crate::helpers::{department, Desk};

async fn offered(desk: &Desk) -> Value {
    let (status, body) = desk.app.get("config").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["config"]["departments"].clone()
}

#[tokio::test]
async fn only_enabled_departments_with_agents_are_offered() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let staffed = id_of(&create(&desk, "Staffed", &[&alice]).await);
    create(&desk, "Empty", &[]).await;
    let mut disabled = fields("Disabled");
    disabled["enabled"] = json!(false);
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "department",
            Some(json!({ "department": disabled, "agents": [{ "agentId": alice }] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert_eq!(
        offered(&desk).await,
        json!([{ "_id": staffed, "name": "Staffed", "showOnRegistration": true, "showOnOfflineForm": true }])
    );
}

#[tokio::test]
async fn a_department_is_offered_once_it_has_an_agent_and_not_after_the_last_leaves() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let id = id_of(&create(&desk, "Sales", &[]).await);
    assert_eq!(offered(&desk).await, json!([]));

    let path = format!("department/{id}/agents");
    let join = json!({ "upsert": [{ "agentId": alice }], "remove": [] });
    let (status, _) = desk
        .call(&desk.admin, Method::POST, &path, Some(join))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(offered(&desk).await[0]["_id"], json!(id));

    let leave = json!({ "upsert": [], "remove": [{ "agentId": alice }] });
    let (status, _) = desk
        .call(&desk.admin, Method::POST, &path, Some(leave))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(offered(&desk).await, json!([]));
}

#[tokio::test]
async fn seeded_departments_work_with_the_api() {
    let desk = Desk::open_with(|c| c.departments.push(department("dep-seeded", "Seeded"))).await;
    let (alice, _) = desk.agent("alice").await;
    assert_eq!(offered(&desk).await, json!([]), "no agents yet");

    let path = "department/dep-seeded/agents";
    let join = json!({ "upsert": [{ "agentId": alice }], "remove": [] });
    let (status, body) = desk.call(&desk.admin, Method::POST, path, Some(join)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert_eq!(offered(&desk).await[0]["_id"], json!("dep-seeded"));
    let (_, read) = desk
        .call(&desk.admin, Method::GET, "department/dep-seeded", None)
        .await;
    assert_eq!(read["department"]["name"], json!("Seeded"));
    assert_eq!(read["department"]["numAgents"], json!(1));
}
