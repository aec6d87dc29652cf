//! `DELETE livechat/department/:_id`: gated by `Omnichannel_enable_department_removal`; takes
//! the department's agent links with it and lets its waiting chats go to anyone.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{create, departments_of_agent, fetch, fields, id_of, make_unavailable, total};
use crate::helpers::{assert_meteor_error, new_token, served_by, Desk};

async fn delete(desk: &Desk, id: &str) -> (StatusCode, Value) {
    desk.call(
        &desk.admin,
        Method::DELETE,
        &format!("department/{id}"),
        None,
    )
    .await
}

async fn removal_allowed(desk: &Desk) {
    desk.set("Omnichannel_enable_department_removal", json!(true))
        .await;
}

#[tokio::test]
async fn removal_is_disabled_by_default() {
    let desk = Desk::open().await;
    let id = id_of(&create(&desk, "Sales", &[]).await);
    let (status, setting) = desk
        .call(
            &desk.admin,
            Method::GET,
            "/api/v1/settings/Omnichannel_enable_department_removal",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{setting}");
    assert_eq!(setting["value"], json!(false));

    assert_meteor_error(
        &delete(&desk, &id).await,
        "department-removal-disabled",
        "Department removal is disabled [department-removal-disabled]",
    );
    assert_eq!(total(&desk).await, 1);
}

#[tokio::test]
async fn the_setting_takes_only_a_boolean() {
    let desk = Desk::open().await;
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "/api/v1/settings/Omnichannel_enable_department_removal",
            Some(json!({ "value": "yes" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorType"], json!("invalid-params"));
}

#[tokio::test]
async fn deleting_removes_the_department_and_its_agent_links() {
    let desk = Desk::open().await;
    removal_allowed(&desk).await;
    let (alice, _) = desk.agent("alice").await;
    let sales = id_of(&create(&desk, "Sales", &[&alice]).await);
    let support = id_of(&create(&desk, "Support", &[&alice]).await);

    let (status, body) = delete(&desk, &sales).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "success": true }));
    assert_eq!(fetch(&desk, &sales, "").await["department"], Value::Null);
    assert_eq!(total(&desk).await, 1);
    assert_eq!(departments_of_agent(&desk, &alice).await, json!([support]));
    let (_, agents) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("department/{sales}/agents"),
            None,
        )
        .await;
    assert_eq!(agents["total"], json!(0));
}

#[tokio::test]
async fn deleting_an_unknown_department_is_department_not_found() {
    let desk = Desk::open().await;
    removal_allowed(&desk).await;
    create(&desk, "Sales", &[]).await;
    assert_meteor_error(
        &delete(&desk, "NoSuchDepartment1").await,
        "department-not-found",
        "Department not found [department-not-found]",
    );
    assert_eq!(total(&desk).await, 1);
}

#[tokio::test]
async fn deleting_a_fallback_unsets_it_elsewhere() {
    let desk = Desk::open().await;
    removal_allowed(&desk).await;
    let support = id_of(&create(&desk, "Support", &[]).await);
    let mut sales = fields("Sales");
    sales["fallbackForwardDepartment"] = json!(support);
    let (status, created) = desk
        .call(
            &desk.admin,
            Method::POST,
            "department",
            Some(json!({ "department": sales })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let sales = id_of(&created["department"]);

    let (status, _) = delete(&desk, &support).await;

    assert_eq!(status, StatusCode::OK);
    let read = fetch(&desk, &sales, "").await;
    assert!(
        read["department"]
            .get("fallbackForwardDepartment")
            .is_none(),
        "{read}"
    );
}

#[tokio::test]
async fn a_waiting_chat_of_a_deleted_department_goes_to_any_agent() {
    let desk = Desk::open().await;
    removal_allowed(&desk).await;
    let (sam, sam_credentials) = desk.agent("sam").await;
    let sales = id_of(&create(&desk, "Sales", &[&sam]).await);
    make_unavailable(&desk, &sam_credentials).await;
    let (other, _) = desk.agent("other").await;
    let token = new_token();
    desk.app
        .register_ok(json!({ "token": token, "department": sales }))
        .await;
    let (status, opened) = desk.app.get(&format!("room?token={token}")).await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let room = &opened["room"];
    assert_eq!(room["departmentId"], json!(sales));
    assert_eq!(served_by(room), None, "Sales has nobody available: {room}");

    let (status, body) = delete(&desk, &sales).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let room = desk.room_of(&token).await;
    assert_eq!(room.get("departmentId"), None, "detached: {room}");
    assert_eq!(served_by(&room), Some(other), "{room}");
}

#[tokio::test]
async fn a_queued_inquiry_loses_the_deleted_department() {
    let desk = Desk::open().await;
    removal_allowed(&desk).await;
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    let (_, outsider) = desk.agent("outsider").await;
    let sales = id_of(&create(&desk, "Sales", &[]).await);
    let token = new_token();
    desk.app
        .register_ok(json!({ "token": token, "department": sales }))
        .await;
    let (_, opened) = desk.app.get(&format!("room?token={token}")).await;
    let rid = opened["room"]["_id"].as_str().expect("rid").to_string();
    let queue_of_outsider = || async {
        let (status, queued) = desk
            .call(&outsider, Method::GET, "inquiries.queued", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{queued}");
        queued["total"].clone()
    };
    assert_eq!(
        queue_of_outsider().await,
        json!(0),
        "not the outsider's department"
    );

    let (status, _) = delete(&desk, &sales).await;

    assert_eq!(status, StatusCode::OK);
    let (_, inquiry) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("inquiries.getOne?roomId={rid}"),
            None,
        )
        .await;
    assert_eq!(inquiry["inquiry"]["status"], json!("queued"), "{inquiry}");
    assert!(inquiry["inquiry"].get("department").is_none(), "{inquiry}");
    assert_eq!(
        queue_of_outsider().await,
        json!(1),
        "any agent may take it now"
    );
}
