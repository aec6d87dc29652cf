//! `POST livechat/room.transfer`: the visitor moves the room to another department
//! (reference §2.7).

use super::*;

/// Asserts a transfer's 200 answer and the department the room moved to.
#[track_caller]
fn assert_moved_to(response: &(StatusCode, Value), department_id: &str) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["departmentId"], json!(department_id), "{body}");
}

/// Asserts that the visitor's open room has no department.
async fn assert_no_department(app: &TestApp, token: &str) {
    let (_, current) = get_room(app, token).await;
    assert!(
        current["room"]
            .get("departmentId")
            .is_none_or(Value::is_null),
        "the room did not move: {current}"
    );
}

/// `departments_and_room`, with the room already transferred to `dep-sales`.
async fn room_in_sales() -> (TestApp, String, String) {
    let (app, token, rid) = departments_and_room().await;
    let (status, body) = transfer(&app, &token, &rid, "dep-sales").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (app, token, rid)
}

#[track_caller]
fn assert_same_department(response: &(StatusCode, Value)) {
    assert_error(
        response,
        StatusCode::BAD_REQUEST,
        "error-forwarding-chat-same-department",
    );
}

#[tokio::test]
async fn transfer_by_department_id_moves_the_room() {
    let (app, token, rid) = departments_and_room().await;

    let (status, body) = transfer(&app, &token, &rid, "dep-sales").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    let room = &body["room"];
    assert_eq!(room["_id"], json!(rid), "{body}");
    assert_eq!(room["departmentId"], json!("dep-sales"), "{body}");
    assert_eq!(room["open"], json!(true), "{body}");
    assert_eq!(room["t"], json!("l"), "{body}");
    assert_eq!(room["v"]["token"], json!(token), "{body}");
    assert_iso_date(&room["ts"]);

    let (_, current) = get_room(&app, &token).await;
    assert_eq!(current["room"]["_id"], json!(rid), "still the same room");
    assert_eq!(
        current["room"]["departmentId"],
        json!("dep-sales"),
        "{current}"
    );
}

#[tokio::test]
async fn transfer_by_department_name_moves_the_room() {
    let (app, token, rid) = departments_and_room().await;

    let response = transfer(&app, &token, &rid, "Support").await;

    assert_moved_to(&response, "dep-support");
}

#[tokio::test]
async fn transfer_between_two_departments() {
    let (app, token, rid) = room_in_sales().await;

    let response = transfer(&app, &token, &rid, "dep-support").await;

    assert_moved_to(&response, "dep-support");
}

#[tokio::test]
async fn transfer_to_the_current_department_is_refused() {
    let (app, token, rid) = room_in_sales().await;

    let by_id = transfer(&app, &token, &rid, "dep-sales").await;
    let by_name = transfer(&app, &token, &rid, "Sales").await;

    assert_same_department(&by_id);
    assert_same_department(&by_name);
    let history = full_history(&app, &token, &rid).await;
    assert_eq!(
        of_type(&history, "livechat_transfer_history").len(),
        1,
        "a refused transfer leaves no trace"
    );
}

#[tokio::test]
async fn transfer_of_a_room_created_in_a_department_to_that_department_is_refused() {
    let app = TestApp::spawn_with(seed_departments).await;
    let token = new_token();
    app.register_ok(json!({ "token": token, "department": "dep-sales" }))
        .await;
    let rid = app.open_room(&token).await;

    let response = transfer(&app, &token, &rid, "dep-sales").await;

    assert_same_department(&response);
}

#[tokio::test]
async fn transfer_to_an_unknown_department_is_invalid_department() {
    let (app, token, rid) = departments_and_room().await;

    let response = transfer(&app, &token, &rid, "dep-nowhere").await;

    assert_error_type(&response, "error-invalid-department");
    assert_no_department(&app, &token).await;
}

#[tokio::test]
async fn transfer_to_a_disabled_department_is_invalid_department() {
    let (app, token, rid) = departments_and_room().await;

    for department in ["dep-archive", "Archive"] {
        let response = transfer(&app, &token, &rid, department).await;
        assert_error_type(&response, "error-invalid-department");
    }
}

#[tokio::test]
async fn transfer_of_a_closed_room_fails_without_error_text() {
    let (app, token, rid) = departments_and_room().await;
    close(&app, &token, &rid).await;

    let (status, body) = transfer(&app, &token, &rid, "dep-sales").await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body, json!({ "success": false }));
}

#[tokio::test]
async fn transfer_of_another_visitors_room_is_invalid_room() {
    let (app, owner, rid) = departments_and_room().await;
    let intruder = app.registered_visitor().await;

    let response = transfer(&app, &intruder, &rid, "dep-sales").await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
    assert_no_department(&app, &owner).await;
}

#[tokio::test]
async fn transfer_with_an_unknown_token_is_invalid_token() {
    let (app, _, rid) = departments_and_room().await;

    let response = transfer(&app, &new_token(), &rid, "dep-sales").await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn transfer_without_department_is_invalid_params() {
    let (app, token, rid) = departments_and_room().await;

    let response = app
        .post("room.transfer", json!({ "rid": rid, "token": token }))
        .await;

    assert_invalid_params(&response, "department");
}

#[tokio::test]
async fn transfer_writes_a_transfer_history_message() {
    let app = TestApp::spawn_with(seed_departments).await;
    let (token, visitor, rid) = app.visitor_doc_with_room().await;

    transfer(&app, &token, &rid, "dep-sales").await;
    let history = full_history(&app, &token, &rid).await;

    let message = the_one_of_type(&history, "livechat_transfer_history");
    assert_eq!(message["rid"], json!(rid));
    assert_eq!(message["msg"], json!(""), "{message}");
    assert_eq!(message["u"]["_id"], visitor["_id"], "{message}");
    let data = &message["transferData"];
    assert_eq!(data["scope"], json!("department"), "{message}");
    assert_eq!(data["transferredBy"]["type"], json!("visitor"), "{message}");
    assert_eq!(data["transferredBy"]["_id"], visitor["_id"], "{message}");
    assert_eq!(
        data["transferredBy"]["username"], visitor["username"],
        "{message}"
    );
    assert_eq!(
        data["nextDepartment"],
        json!({ "_id": "dep-sales", "name": "Sales" }),
        "{message}"
    );
    assert!(
        data.get("previousDepartment").is_none_or(Value::is_null),
        "the room had no department: {message}"
    );
}

#[tokio::test]
async fn second_transfer_records_the_previous_department() {
    let (app, token, rid) = departments_and_room().await;
    transfer(&app, &token, &rid, "dep-sales").await;

    transfer(&app, &token, &rid, "Support").await;
    let history = full_history(&app, &token, &rid).await;

    let transfers = of_type(&history, "livechat_transfer_history");
    assert_eq!(transfers.len(), 2, "{history:?}");
    // Newest first.
    let latest = &transfers[0]["transferData"];
    assert_eq!(latest["previousDepartment"], json!("dep-sales"), "{latest}");
    assert_eq!(
        latest["nextDepartment"],
        json!({ "_id": "dep-support", "name": "Support" })
    );
}

#[tokio::test]
async fn transferred_room_stays_open_for_messages() {
    let (app, token, rid) = departments_and_room().await;
    transfer(&app, &token, &rid, "dep-sales").await;

    let sent = app.send_message(&token, &rid, "still here").await;

    assert_eq!(sent["rid"], json!(rid));
}
