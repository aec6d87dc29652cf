//! `GET livechat/room`: the visitor's open room, created on first demand (reference §2.5).

use super::*;

#[tokio::test]
async fn get_room_creates_a_new_room_with_the_documented_fields() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;

    let (status, body) = get_room(&app, &token).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["newRoom"], json!(true), "{body}");
    let room = &body["room"];
    assert_meteor_id(room["_id"].as_str().expect("room _id"));
    assert_eq!(room["msgs"], json!(0), "{room}");
    assert_eq!(room["usersCount"], json!(1), "{room}");
    assert_eq!(room["fname"], json!(format!("Visitor {token}")), "{room}");
    assert_eq!(room["t"], json!("l"), "{room}");
    assert_eq!(room["cl"], json!(false), "{room}");
    assert_eq!(room["open"], json!(true), "{room}");
    assert_eq!(room["waitingResponse"], json!(true), "{room}");
    assert_iso_date(&room["lm"]);
    assert_iso_date(&room["ts"]);
    assert_iso_date(&room["_updatedAt"]);
    assert_eq!(
        room["lm"], room["ts"],
        "a new room's last message time is its creation"
    );
    assert_eq!(room["v"]["_id"], visitor["_id"], "{room}");
    assert_eq!(room["v"]["username"], visitor["username"], "{room}");
    assert_eq!(room["v"]["token"], json!(token), "{room}");
    assert_eq!(room["v"]["status"], json!("online"), "{room}");
}

#[tokio::test]
async fn new_room_has_no_served_by_while_no_agent_exists() {
    let (app, token) = TestApp::spawn_with_visitor().await;

    let (_, body) = get_room(&app, &token).await;

    let room = body["room"].as_object().expect("room");
    assert!(
        room.get("servedBy").is_none_or(Value::is_null),
        "no agent can serve the room yet: {body}"
    );
}

#[tokio::test]
async fn new_room_of_a_visitor_without_name_is_named_after_the_username() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let registered = app.register_ok(json!({ "token": token })).await;

    let (_, body) = get_room(&app, &token).await;

    assert_eq!(
        body["room"]["fname"], registered["visitor"]["username"],
        "{body}"
    );
}

#[tokio::test]
async fn second_get_room_returns_the_same_room_not_new() {
    let (app, token) = TestApp::spawn_with_visitor().await;
    let (_, first) = get_room(&app, &token).await;

    let (status, second) = get_room(&app, &token).await;

    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["newRoom"], json!(false), "{second}");
    assert_eq!(second["room"]["_id"], first["room"]["_id"]);
    assert_eq!(second["room"]["open"], json!(true));
}

#[tokio::test]
async fn get_room_with_the_rid_of_the_own_open_room_returns_it() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let (status, body) = app.get(&format!("room?token={token}&rid={rid}")).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["_id"], json!(rid));
    assert_eq!(body["newRoom"], json!(false), "{body}");
}

#[tokio::test]
async fn get_room_with_another_visitors_rid_is_invalid_room() {
    let (app, _, other_rid) = TestApp::spawn_with_room().await;
    let token = app.registered_visitor().await;

    let response = app
        .get(&format!("room?token={token}&rid={other_rid}"))
        .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn get_room_with_an_unknown_rid_is_invalid_room() {
    let (app, token, _) = TestApp::spawn_with_room().await;

    let response = app.get(&format!("room?token={token}&rid=noSuchRoom")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn get_room_with_the_rid_of_a_closed_room_is_invalid_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.close_room(&token, &rid).await;

    let response = app.get(&format!("room?token={token}&rid={rid}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn get_room_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;

    let response = get_room(&app, &new_token()).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn get_room_without_token_is_invalid_params() {
    let app = TestApp::spawn().await;

    let response = app.get("room").await;

    assert_invalid_params(&response, "token");
}

#[tokio::test]
async fn get_room_with_an_empty_token_is_refused() {
    let app = TestApp::spawn().await;

    let (status, body) = app.get("room?token=").await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert!(body.get("room").is_none(), "{body}");
}

#[tokio::test]
async fn concurrent_get_room_calls_for_one_token_create_exactly_one_room() {
    let (app, token) = TestApp::spawn_with_visitor().await;

    let responses = futures::future::join_all((0..25).map(|_| get_room(&app, &token))).await;

    let mut ids = std::collections::BTreeSet::new();
    let mut created = 0;
    for (status, body) in &responses {
        assert_eq!(*status, StatusCode::OK, "{body}");
        ids.insert(body["room"]["_id"].as_str().expect("room id").to_string());
        if body["newRoom"] == json!(true) {
            created += 1;
        }
    }
    assert_eq!(ids.len(), 1, "every call must see the same room: {ids:?}");
    assert_eq!(created, 1, "exactly one call creates the room");

    let (_, after) = get_room(&app, &token).await;
    assert_eq!(after["newRoom"], json!(false), "{after}");
    assert_eq!(after["room"]["_id"], json!(ids.first().unwrap()));
    let history = full_history(&app, &token, ids.first().unwrap()).await;
    assert_eq!(
        of_type(&history, "livechat-started").len(),
        1,
        "one room, one start message: {history:?}"
    );
}

#[tokio::test]
async fn new_room_history_starts_with_a_livechat_started_message() {
    let app = TestApp::spawn().await;
    let (token, visitor, rid) = app.visitor_doc_with_room().await;

    let history = full_history(&app, &token, &rid).await;

    let started = the_one_of_type(&history, "livechat-started");
    assert_eq!(started["rid"], json!(rid));
    assert_eq!(started["msg"], json!(""));
    assert_eq!(started["u"]["_id"], visitor["_id"], "{started}");
    assert_eq!(started["u"]["username"], visitor["username"], "{started}");
    assert_eq!(started["groupable"], json!(false), "{started}");
}

#[tokio::test]
async fn new_room_takes_the_visitors_department() {
    let app = TestApp::spawn_with(seed_departments).await;
    let token = new_token();
    app.register_ok(json!({ "token": token, "name": "Dee", "department": "Support" }))
        .await;

    let (_, body) = get_room(&app, &token).await;

    assert_eq!(body["room"]["departmentId"], json!("dep-support"), "{body}");
}

#[tokio::test]
async fn room_source_is_api_without_the_widget_cookies() {
    let (app, token) = TestApp::spawn_with_visitor().await;

    let (_, body) = get_room(&app, &token).await;

    assert_eq!(body["room"]["source"]["type"], json!("api"), "{body}");
}

#[tokio::test]
async fn room_source_is_widget_with_the_widget_cookies() {
    let (app, token) = TestApp::spawn_with_visitor().await;

    let response = app
        .client
        .get(app.url(&format!("room?token={token}")))
        .header("cookie", "rc_room_type=l; rc_is_widget=t")
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");

    assert_eq!(body["room"]["source"]["type"], json!("widget"), "{body}");
}

#[tokio::test]
async fn get_room_is_refused_while_livechat_is_disabled() {
    let app = spawn_with_settings(&[("Livechat_enabled", json!(false))]).await;
    let token = app.registered_visitor().await;

    let response = get_room(&app, &token).await;

    assert_meteor_error(
        &response,
        "error-omnichannel-is-disabled",
        "[error-omnichannel-is-disabled]",
    );
}

#[tokio::test]
async fn room_endpoints_reject_wrong_types() {
    let (app, token, rid) = departments_and_room().await;

    for (path, body, needle) in [
        ("room.close", json!({ "rid": 42, "token": token }), "rid"),
        ("room.close", json!({ "rid": rid, "token": ["t"] }), "token"),
        (
            "room.transfer",
            json!({ "rid": rid, "token": token, "department": { "_id": "dep-sales" } }),
            "department",
        ),
        (
            "room.survey",
            json!({ "rid": rid, "token": token, "data": { "satisfaction": "5" } }),
            "data",
        ),
        (
            "page.visited",
            json!({ "token": token, "rid": rid, "pageInfo": "https://x.example/" }),
            "pageInfo",
        ),
    ] {
        assert_invalid_params(&app.post(path, body).await, needle);
    }
    // Nothing of the above touched the room.
    let (_, body) = get_room(&app, &token).await;
    assert_eq!(body["room"]["_id"], json!(rid));
    assert_eq!(body["newRoom"], json!(false));
}

#[tokio::test]
async fn get_room_with_an_oversized_token_is_invalid_params() {
    let app = TestApp::spawn().await;
    let token = "t".repeat(10_000);

    let response = get_room(&app, &token).await;

    assert_invalid_params(&response, "token");
}
