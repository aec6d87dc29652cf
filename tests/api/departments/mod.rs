//! The departments API (`livechat/department…`), its effect on the widget's config and on
//! routing.

mod agents;
mod crud;
mod listing;
mod permissions;
mod removal;
mod routing;
mod widget;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{login, Credentials, Desk};

/// A valid `department` object named `name`.
fn fields(name: &str) -> Value {
    json!({
        "enabled": true,
        "name": name,
        "email": "",
        "showOnRegistration": true,
        "showOnOfflineForm": true,
    })
}

/// `[{agentId}, …]`.
fn agent_list(agent_ids: &[&str]) -> Value {
    json!(agent_ids
        .iter()
        .map(|id| json!({ "agentId": id }))
        .collect::<Vec<_>>())
}

/// Creates a department named `name` with `agent_ids` as the administrator; returns it.
async fn create(desk: &Desk, name: &str, agent_ids: &[&str]) -> Value {
    let body = json!({ "department": fields(name), "agents": agent_list(agent_ids) });
    let (status, created) = desk
        .call(&desk.admin, Method::POST, "department", Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    created["department"].clone()
}

fn id_of(department: &Value) -> String {
    department["_id"]
        .as_str()
        .expect("department id")
        .to_string()
}

/// `GET livechat/department?query` by `who`; asserts success.
async fn list(desk: &Desk, who: &Credentials, query: &str) -> Value {
    let (status, body) = desk
        .call(who, Method::GET, &format!("department{query}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    assert_eq!(body["success"], json!(true), "{body}");
    body
}

/// The names of the listed departments, in order.
fn names(listing: &Value) -> Vec<String> {
    listing["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .map(|d| d["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// `GET livechat/department/:_id?query` by the administrator; asserts success.
async fn fetch(desk: &Desk, id: &str, query: &str) -> Value {
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("department/{id}{query}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The agent ids of `GET department/:_id?includeAgents=true`, sorted.
async fn member_ids(desk: &Desk, id: &str) -> Vec<String> {
    let body = fetch(desk, id, "?includeAgents=true").await;
    let mut ids: Vec<String> = body["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .map(|a| a["agentId"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    ids
}

/// The `departments` that `livechat/users/agent/:_id` shows for an agent.
async fn departments_of_agent(desk: &Desk, agent_id: &str) -> Value {
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("users/agent/{agent_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["user"]["departments"].clone()
}

/// A logged-in account without any livechat role; returns its id and credentials.
async fn plain_user(desk: &Desk, username: &str) -> (String, Credentials) {
    let body = json!({ "username": username, "name": username, "password": "user-password", "email": format!("{username}@example.com") });
    let (status, created) = desk
        .call(
            &desk.admin,
            Method::POST,
            "/api/v1/users.create",
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let credentials = login(&desk.app, username, "user-password").await;
    (
        created["user"]["_id"].as_str().unwrap().to_string(),
        credentials,
    )
}

/// Makes an agent stop taking chats.
async fn make_unavailable(desk: &Desk, agent: &Credentials) {
    let (status, body) = desk
        .call(
            agent,
            Method::POST,
            "agent.status",
            Some(json!({ "status": "not-available" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// How many departments exist (as the administrator lists them).
async fn total(desk: &Desk) -> i64 {
    list(desk, &desk.admin, "").await["total"]
        .as_i64()
        .expect("total")
}
