//! Creating, reading and changing departments, and the checks on what clients send.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{create, fetch, fields, id_of, total};
use crate::helpers::{assert_invalid_params, assert_meteor_error, assert_utc_date, Desk};

async fn post(desk: &Desk, body: Value) -> (StatusCode, Value) {
    desk.call(&desk.admin, Method::POST, "department", Some(body))
        .await
}

async fn put(desk: &Desk, id: &str, body: Value) -> (StatusCode, Value) {
    desk.call(
        &desk.admin,
        Method::PUT,
        &format!("department/{id}"),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_created_department_is_answered_and_stored() {
    let desk = Desk::open().await;
    let body = json!({ "department": {
        "enabled": true, "name": "Sales", "email": "sales@example.com",
        "showOnRegistration": true, "showOnOfflineForm": false,
        "description": "Buying things", "waitingQueueMessage": "Hold on",
    }});

    let (status, created) = post(&desk, body).await;

    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["success"], json!(true));
    assert_eq!(created["agents"], json!([]), "{created}");
    let department = &created["department"];
    assert_eq!(id_of(department).len(), 17, "a Meteor id: {department}");
    for (key, value) in [
        ("name", json!("Sales")),
        ("enabled", json!(true)),
        ("email", json!("sales@example.com")),
        ("showOnRegistration", json!(true)),
        ("showOnOfflineForm", json!(false)),
        ("description", json!("Buying things")),
        ("waitingQueueMessage", json!("Hold on")),
        ("numAgents", json!(0)),
    ] {
        assert_eq!(department[key], value, "{key} of {department}");
    }
    assert_utc_date(department, "_updatedAt");

    let stored = fetch(&desk, &id_of(department), "").await;
    assert_eq!(&stored["department"], department);
    assert!(stored.get("agents").is_none(), "not asked for: {stored}");
}

#[tokio::test]
async fn any_number_of_departments_can_exist() {
    let desk = Desk::open().await;
    let mut ids = Vec::new();
    for name in ["One", "Two", "Three", "Four"] {
        ids.push(id_of(&create(&desk, name, &[]).await));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "distinct ids");
    assert_eq!(total(&desk).await, 4);
}

#[tokio::test]
async fn an_unknown_department_reads_as_null() {
    let desk = Desk::open().await;
    let body = fetch(&desk, "NoSuchDepartment1", "?includeAgents=true").await;
    assert_eq!(body["department"], Value::Null, "{body}");
    assert_eq!(body["success"], json!(true));
}

#[tokio::test]
async fn put_saves_the_department() {
    let desk = Desk::open().await;
    let id = id_of(&create(&desk, "Support", &[]).await);
    let changed = json!({ "department": {
        "enabled": false, "name": "Customer care", "email": "care@example.com",
        "showOnRegistration": false, "showOnOfflineForm": true,
        "description": "After-sales", "priority": "high",
    }});

    let (status, body) = put(&desk, &id, changed).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["agents"], json!([]));
    let stored = fetch(&desk, &id, "").await["department"].clone();
    assert_eq!(stored, body["department"]);
    assert_eq!(stored["_id"], json!(id));
    assert_eq!(stored["name"], json!("Customer care"));
    assert_eq!(stored["enabled"], json!(false));
    assert_eq!(stored["email"], json!("care@example.com"));
    assert_eq!(stored["showOnRegistration"], json!(false));
    assert_eq!(stored["description"], json!("After-sales"));
    assert_eq!(stored["priority"], json!("high"), "extra fields are kept");
}

#[tokio::test]
async fn put_keeps_optional_fields_it_does_not_mention() {
    let desk = Desk::open().await;
    let mut department = fields("Support");
    department["description"] = json!("Kept");
    let (_, created) = post(&desk, json!({ "department": department })).await;
    let id = id_of(&created["department"]);

    let (status, body) = put(&desk, &id, json!({ "department": fields("Help") })).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["department"]["name"], json!("Help"));
    assert_eq!(body["department"]["description"], json!("Kept"));
}

#[tokio::test]
async fn put_on_an_unknown_department_is_department_not_found() {
    let desk = Desk::open().await;
    let response = put(
        &desk,
        "NoSuchDepartment1",
        json!({ "department": fields("X") }),
    )
    .await;
    assert_meteor_error(
        &response,
        "error-department-not-found",
        "Department not found [error-department-not-found]",
    );
    assert_eq!(total(&desk).await, 0, "PUT does not create");
}

#[tokio::test]
async fn missing_required_fields_are_invalid_params_and_create_nothing() {
    let desk = Desk::open().await;
    let response = post(&desk, json!({})).await;
    assert_invalid_params(&response, "must have required property 'department'");
    for field in [
        "enabled",
        "name",
        "email",
        "showOnRegistration",
        "showOnOfflineForm",
    ] {
        let mut department = fields("Sales");
        department.as_object_mut().unwrap().remove(field);
        let response = post(&desk, json!({ "department": department })).await;
        assert_invalid_params(&response, &format!("must have required property '{field}'"));
    }
    assert_eq!(total(&desk).await, 0);
}

#[tokio::test]
async fn bad_values_are_rejected_and_create_nothing() {
    let desk = Desk::open().await;
    let with = |key: &str, value: Value| {
        let mut department = fields("Sales");
        department[key] = value;
        json!({ "department": department })
    };

    assert_invalid_params(
        &post(&desk, with("name", json!("  "))).await,
        "'name' must not be empty",
    );
    assert_invalid_params(
        &post(&desk, with("name", json!("n".repeat(300)))).await,
        "'name'",
    );
    assert_invalid_params(
        &post(&desk, with("enabled", json!("yes"))).await,
        "department.enabled",
    );
    assert_invalid_params(
        &post(&desk, with("nested", json!({ "a": 1 }))).await,
        "department.nested",
    );
    assert_invalid_params(
        &post(&desk, json!({ "department": "Sales" })).await,
        "department",
    );
    assert_invalid_params(
        &post(
            &desk,
            json!({ "department": fields("Sales"), "agents": "everyone" }),
        )
        .await,
        "agents",
    );
    assert_meteor_error(
        &post(&desk, with("email", json!("not-an-address"))).await,
        "error-invalid-email",
        "Invalid email address: not-an-address [error-invalid-email]",
    );
    assert_meteor_error(
        &post(&desk, with("requestTagBeforeClosingChat", json!(true))).await,
        "error-validating-department-chat-closing-tags",
        "At least one closing tag is required when the department requires tag(s) on closing conversations. [error-validating-department-chat-closing-tags]",
    );
    assert_meteor_error(
        &post(
            &desk,
            with("fallbackForwardDepartment", json!("NoSuchDepartment1")),
        )
        .await,
        "error-fallback-department-not-found",
        "Fallback department not found [error-fallback-department-not-found]",
    );
    assert_eq!(total(&desk).await, 0);
}

#[tokio::test]
async fn a_bad_update_changes_nothing() {
    let desk = Desk::open().await;
    let department = create(&desk, "Sales", &[]).await;
    let id = id_of(&department);
    let mut bad = fields("Renamed");
    bad["email"] = json!("broken@");

    let response = put(&desk, &id, json!({ "department": bad })).await;
    assert_meteor_error(
        &response,
        "error-invalid-email",
        "Invalid email address: broken@ [error-invalid-email]",
    );
    let response = put(&desk, &id, json!({})).await;
    assert_invalid_params(&response, "must have required property 'department'");

    assert_eq!(fetch(&desk, &id, "").await["department"], department);
}

#[tokio::test]
async fn a_department_cannot_fall_back_to_itself() {
    let desk = Desk::open().await;
    let sales = id_of(&create(&desk, "Sales", &[]).await);
    let support = id_of(&create(&desk, "Support", &[]).await);
    let mut circular = fields("Sales");
    circular["fallbackForwardDepartment"] = json!(sales);
    let response = put(&desk, &sales, json!({ "department": circular })).await;
    assert_eq!(
        response.1["errorType"],
        json!("error-fallback-department-circular"),
        "{}",
        response.1
    );

    let mut valid = fields("Sales");
    valid["fallbackForwardDepartment"] = json!(support);
    let (status, body) = put(&desk, &sales, json!({ "department": valid })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["department"]["fallbackForwardDepartment"],
        json!(support)
    );
}
