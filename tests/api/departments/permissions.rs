//! Who may use the departments API: logged-in users only; agents may read, managers write.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{create, fields, id_of, list, names, plain_user, total};
use crate::helpers::{assert_error, login, Desk};

const FORBIDDEN: &str =
    "User does not have the permissions required for this action [error-unauthorized]";

/// Every department endpoint, with a valid body where it takes one.
fn endpoints(id: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "department".into(), None),
        (
            Method::POST,
            "department".into(),
            Some(json!({ "department": fields("New") })),
        ),
        (Method::GET, format!("department/{id}"), None),
        (
            Method::PUT,
            format!("department/{id}"),
            Some(json!({ "department": fields("Renamed") })),
        ),
        (Method::DELETE, format!("department/{id}"), None),
        (Method::GET, format!("department/{id}/agents"), None),
        (
            Method::POST,
            format!("department/{id}/agents"),
            Some(json!({ "upsert": [], "remove": [] })),
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_needs_a_login() {
    let desk = Desk::open().await;
    let id = id_of(&create(&desk, "Sales", &[]).await);
    for (method, path, body) in endpoints(&id) {
        let (status, answer) = desk.app.request(method.clone(), &path, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {answer}"
        );
        assert_eq!(
            answer,
            json!({ "status": "error", "message": "You must be logged in to do this." })
        );
        let wrong = (desk.admin.0.clone(), "not-the-token".to_string());
        let (status, _) = desk.call(&wrong, method.clone(), &path, body).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a bad token"
        );
    }
    assert_eq!(names(&list(&desk, &desk.admin, "").await), ["Sales"]);
}

#[tokio::test]
async fn an_account_without_a_livechat_role_may_do_nothing() {
    let desk = Desk::open().await;
    let id = id_of(&create(&desk, "Sales", &[]).await);
    let (_, user) = plain_user(&desk, "outsider").await;
    for (method, path, body) in endpoints(&id) {
        let response = desk.call(&user, method.clone(), &path, body).await;
        assert_error(&response, StatusCode::FORBIDDEN, FORBIDDEN);
    }
    assert_eq!(names(&list(&desk, &desk.admin, "").await), ["Sales"]);
}

#[tokio::test]
async fn an_agent_may_read_departments() {
    let desk = Desk::open().await;
    let (agent_id, agent) = desk.agent("alice").await;
    let id = id_of(&create(&desk, "Sales", &[&agent_id]).await);

    assert_eq!(names(&list(&desk, &agent, "").await), ["Sales"]);
    let (status, body) = desk
        .call(
            &agent,
            Method::GET,
            &format!("department/{id}?includeAgents=true"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["department"]["name"], json!("Sales"));
    // As in Rocket.Chat, the agent list needs `view-livechat-departments`.
    assert!(body.get("agents").is_none(), "{body}");
    let (status, body) = desk
        .call(
            &agent,
            Method::GET,
            &format!("department/{id}/agents"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], json!(1));

    // `onlyMyDepartments` hides the departments the agent is not in.
    let other = id_of(&create(&desk, "Support", &[]).await);
    for (department, expected) in [(&id, json!("Sales")), (&other, json!(null))] {
        let path = format!("department/{department}?onlyMyDepartments=true");
        let (status, body) = desk.call(&agent, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["department"]["name"], expected, "{body}");
    }
}

#[tokio::test]
async fn an_agent_may_not_create_change_or_delete_departments() {
    let desk = Desk::open().await;
    desk.set("Omnichannel_enable_department_removal", json!(true))
        .await;
    let (agent_id, agent) = desk.agent("alice").await;
    let department = create(&desk, "Sales", &[]).await;
    let id = id_of(&department);

    for (method, path, body) in endpoints(&id) {
        if method == Method::GET {
            continue;
        }
        let response = desk.call(&agent, method.clone(), &path, body).await;
        assert_error(&response, StatusCode::FORBIDDEN, FORBIDDEN);
    }
    let join = json!({ "upsert": [{ "agentId": agent_id }], "remove": [] });
    let response = desk
        .call(
            &agent,
            Method::POST,
            &format!("department/{id}/agents"),
            Some(join),
        )
        .await;
    assert_error(&response, StatusCode::FORBIDDEN, FORBIDDEN);

    assert_eq!(total(&desk).await, 1);
    let (_, stored) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("department/{id}?includeAgents=true"),
            None,
        )
        .await;
    assert_eq!(stored["department"], department, "unchanged");
    assert_eq!(stored["agents"], json!([]));
}

#[tokio::test]
async fn a_manager_may_manage_departments() {
    let desk = Desk::open().await;
    desk.set("Omnichannel_enable_department_removal", json!(true))
        .await;
    let (_, _) = plain_user(&desk, "boss").await;
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "users/manager",
            Some(json!({ "username": "boss" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let manager = login(&desk.app, "boss", "user-password").await;

    let (status, created) = desk
        .call(
            &manager,
            Method::POST,
            "department",
            Some(json!({ "department": fields("Sales") })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = id_of(&created["department"]);
    let (status, body) = desk
        .call(
            &manager,
            Method::PUT,
            &format!("department/{id}"),
            Some(json!({ "department": fields("Renamed") })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(names(&list(&desk, &manager, "").await), ["Renamed"]);
    let (status, body) = desk
        .call(&manager, Method::DELETE, &format!("department/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(total(&desk).await, 0);
}
