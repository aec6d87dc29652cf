//! Visitor endpoints: `GET|POST|DELETE livechat/visitor`, `visitor.status`, `custom.field(s)`
//! (seed 001; reference §2.1–2.4, §2.17, §4.1).

use std::collections::HashSet;

use livechat::model::{CustomFieldDefinition, CustomFieldScope, DepartmentSeed};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

// ---- local helpers ----

fn field(id: &str, scope: CustomFieldScope, regexp: &str) -> CustomFieldDefinition {
    CustomFieldDefinition {
        id: id.into(),
        label: id.into(),
        scope,
        visibility: "visible".into(),
        regexp: regexp.into(),
        required: false,
        searchable: false,
    }
}

/// An app with the custom fields the tests use:
/// `address` (visitor), `nickname` (visitor), `zip` (visitor, five digits), `topic` (room),
/// `ticket` (room, digits only).
async fn app_with_custom_fields() -> TestApp {
    TestApp::spawn_with(|c| {
        c.custom_fields
            .push(field("address", CustomFieldScope::Visitor, ""));
        c.custom_fields
            .push(field("nickname", CustomFieldScope::Visitor, ""));
        c.custom_fields
            .push(field("zip", CustomFieldScope::Visitor, "^[0-9]{5}$"));
        c.custom_fields
            .push(field("topic", CustomFieldScope::Room, ""));
        c.custom_fields
            .push(field("ticket", CustomFieldScope::Room, "^[0-9]+$"));
    })
    .await
}

fn department(id: &str, name: &str) -> DepartmentSeed {
    DepartmentSeed {
        id: id.into(),
        name: name.into(),
        enabled: true,
        description: String::new(),
        show_on_registration: true,
        show_on_offline_form: true,
        email: String::new(),
    }
}

async fn get_visitor(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get(&format!("visitor/{token}")).await;
    assert_eq!(status, StatusCode::OK, "GET visitor {token}: {body}");
    assert_eq!(body["success"], json!(true), "{body}");
    body["visitor"].clone()
}

async fn get_room(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get(&format!("room?token={token}")).await;
    assert_eq!(status, StatusCode::OK, "GET room {token}: {body}");
    body["room"].clone()
}

async fn close_room(app: &TestApp, token: &str, rid: &str) {
    let (status, body) = app
        .post("room.close", json!({ "rid": rid, "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK, "close {rid}: {body}");
}

fn guest_number(username: &Value) -> u64 {
    let name = username.as_str().expect("username is a string");
    name.strip_prefix("guest-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name:?} is not guest-N"))
}

// ---- GET livechat/visitor/:token ----

#[tokio::test]
async fn get_visitor_returns_the_documented_shape() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    let (status, registered) = app
        .post(
            "visitor",
            json!({ "visitor": {
                "name": "Livechat Visitor",
                "email": "visitor@rocket.chat",
                "token": token,
                "phone": "55 51 5555-5555",
                "customFields": [{ "key": "address", "value": "Rocket.Chat street", "overwrite": true }]
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{registered}");

    let (status, body) = app.get(&format!("visitor/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    let visitor = &body["visitor"];
    assert_eq!(visitor["_id"], registered["visitor"]["_id"]);
    assert!(visitor["_id"].as_str().is_some_and(|id| !id.is_empty()));
    guest_number(&visitor["username"]);
    assert_eq!(visitor["token"], json!(token));
    assert_eq!(
        visitor["phone"],
        json!([{ "phoneNumber": "55 51 5555-5555" }])
    );
    assert_eq!(
        visitor["visitorEmails"],
        json!([{ "address": "visitor@rocket.chat" }])
    );
    assert_eq!(visitor["name"], json!("Livechat Visitor"));
    assert_eq!(
        visitor["livechatData"],
        json!({ "address": "Rocket.Chat street" })
    );
    assert!(visitor["_updatedAt"].is_string(), "{visitor}");
}

#[tokio::test]
async fn get_unknown_visitor_is_invalid_token() {
    let app = TestApp::spawn().await;
    let response = app.get(&format!("visitor/{}", new_token())).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "[invalid-token]");
    assert_eq!(response.1["errorType"], json!("invalid-token"));
}

// ---- POST livechat/visitor ----

#[tokio::test]
async fn register_creates_an_online_guest_visitor() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (status, body) = app
        .post("visitor", json!({ "visitor": { "token": token } }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    let visitor = &body["visitor"];
    assert_eq!(visitor["token"], json!(token));
    assert_eq!(visitor["status"], json!("online"));
    guest_number(&visitor["username"]);
    assert!(visitor["_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(visitor["ts"].is_string(), "{visitor}");
    // What was registered is what GET returns.
    assert_eq!(get_visitor(&app, &token).await["_id"], visitor["_id"]);
}

#[tokio::test]
async fn first_guest_of_a_fresh_install_is_guest_2_then_guest_3() {
    let app = TestApp::spawn().await;
    let first = app.register_visitor(&new_token()).await;
    let second = app.register_visitor(&new_token()).await;
    assert_eq!(first["username"], json!("guest-2"));
    assert_eq!(second["username"], json!("guest-3"));
}

#[tokio::test]
async fn register_again_updates_and_keeps_id_and_username() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (_, first) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "name": "First", "phone": "111" } }),
        )
        .await;
    let (status, second) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "name": "Second", "email": "second@example.com" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["visitor"]["_id"], first["visitor"]["_id"]);
    assert_eq!(second["visitor"]["username"], first["visitor"]["username"]);
    assert_eq!(second["visitor"]["name"], json!("Second"));
    assert_eq!(
        second["visitor"]["visitorEmails"],
        json!([{ "address": "second@example.com" }])
    );
    // A field the update did not mention is left alone.
    assert_eq!(
        second["visitor"]["phone"],
        json!([{ "phoneNumber": "111" }])
    );
    let stored = get_visitor(&app, &token).await;
    assert_eq!(stored["name"], json!("Second"));
    assert_eq!(stored["_id"], first["visitor"]["_id"]);
}

#[tokio::test]
async fn register_trims_and_lower_cases_email() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "email": "  Visitor@Rocket.CHAT " } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["visitor"]["visitorEmails"],
        json!([{ "address": "visitor@rocket.chat" }])
    );
    assert_eq!(
        get_visitor(&app, &token).await["visitorEmails"],
        json!([{ "address": "visitor@rocket.chat" }])
    );
}

#[tokio::test]
async fn register_rejects_an_invalid_email_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let response = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "email": "x" } }),
        )
        .await;
    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "Invalid email x [error-invalid-email]",
    );
    assert_eq!(response.1["errorType"], json!("error-invalid-email"));
    assert_error(
        &app.get(&format!("visitor/{token}")).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
}

#[tokio::test]
async fn register_rejects_an_empty_token() {
    let app = TestApp::spawn().await;
    for token in ["", "   "] {
        let response = app
            .post("visitor", json!({ "visitor": { "token": token } }))
            .await;
        assert_error(
            &response,
            StatusCode::BAD_REQUEST,
            "Token cannot be empty [error-invalid-token]",
        );
        assert_eq!(response.1["errorType"], json!("error-invalid-token"));
    }
}

#[tokio::test]
async fn register_without_visitor_is_invalid_params() {
    let app = TestApp::spawn().await;
    assert_invalid_params(&app.post("visitor", json!({})).await, "visitor");
}

#[tokio::test]
async fn register_without_token_is_invalid_params() {
    let app = TestApp::spawn().await;
    assert_invalid_params(
        &app.post("visitor", json!({ "visitor": { "name": "No token" } }))
            .await,
        "token",
    );
}

#[tokio::test]
async fn register_rejects_an_unknown_department() {
    let app = TestApp::spawn_with(|c| c.departments.push(department("dep-sales", "Sales"))).await;
    let token = new_token();
    let response = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "department": "nope" } }),
        )
        .await;
    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "The provided department is invalid [error-invalid-department]",
    );
    assert_eq!(response.1["errorType"], json!("error-invalid-department"));
    assert_error(
        &app.get(&format!("visitor/{token}")).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
}

#[tokio::test]
async fn register_resolves_department_by_id_or_by_name_to_the_id() {
    let app = TestApp::spawn_with(|c| {
        c.departments.push(department("dep-sales", "Sales"));
        c.departments.push(department("dep-support", "Support"));
    })
    .await;

    let by_id = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": by_id, "department": "dep-support" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["visitor"]["department"], json!("dep-support"));

    let by_name = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": by_name, "department": "Sales" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["visitor"]["department"], json!("dep-sales"));
    assert_eq!(
        get_visitor(&app, &by_name).await["department"],
        json!("dep-sales")
    );
}

#[tokio::test]
async fn register_applies_visitor_custom_fields() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "customFields": [
                { "key": "address", "value": "Rocket.Chat street", "overwrite": true },
                { "key": "nickname", "value": "rc", "overwrite": false }
            ]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expected = json!({ "address": "Rocket.Chat street", "nickname": "rc" });
    assert_eq!(body["visitor"]["livechatData"], expected);
    assert_eq!(get_visitor(&app, &token).await["livechatData"], expected);
}

#[tokio::test]
async fn register_custom_field_overwrite_false_keeps_existing_value() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    let register = |value: &str, overwrite: bool| {
        json!({ "visitor": { "token": token, "customFields": [
            { "key": "address", "value": value, "overwrite": overwrite }
        ]}})
    };
    let (status, _) = app.post("visitor", register("first", true)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = app.post("visitor", register("second", false)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["visitor"]["livechatData"]["address"], json!("first"));
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"]["address"],
        json!("first")
    );

    let (status, body) = app.post("visitor", register("third", true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["visitor"]["livechatData"]["address"], json!("third"));
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"]["address"],
        json!("third")
    );
}

#[tokio::test]
async fn register_ignores_unknown_and_room_scope_custom_fields() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "customFields": [
                { "key": "no-such-field", "value": "x", "overwrite": true },
                { "key": "topic", "value": "billing", "overwrite": true },
                { "key": "nickname", "value": "kept", "overwrite": true }
            ]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expected = json!({ "nickname": "kept" });
    assert_eq!(body["visitor"]["livechatData"], expected);
    assert_eq!(get_visitor(&app, &token).await["livechatData"], expected);
}

#[tokio::test]
async fn register_does_not_check_custom_field_regexp() {
    // §2.2 step 3: "No regexp validation here (unlike §2.17)".
    let app = app_with_custom_fields().await;
    let token = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "customFields": [
                { "key": "zip", "value": "not-a-zip", "overwrite": true }
            ]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["visitor"]["livechatData"]["zip"], json!("not-a-zip"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_distinct_tokens_get_distinct_guest_names() {
    let app = TestApp::spawn().await;
    let tokens: Vec<String> = (0..30).map(|_| new_token()).collect();
    let bodies = tokens
        .iter()
        .map(|token| json!({ "visitor": { "token": token } }))
        .collect();
    let responses = register_concurrently(&app, bodies).await;

    let mut usernames = HashSet::new();
    let mut ids = HashSet::new();
    for ((status, body), token) in responses.iter().zip(&tokens) {
        assert_eq!(*status, StatusCode::OK, "{body}");
        assert_eq!(body["visitor"]["token"], json!(token));
        guest_number(&body["visitor"]["username"]);
        usernames.insert(body["visitor"]["username"].as_str().unwrap().to_string());
        ids.insert(body["visitor"]["_id"].as_str().unwrap().to_string());
    }
    assert_eq!(usernames.len(), 30, "usernames: {usernames:?}");
    assert_eq!(ids.len(), 30);
    // And each stored visitor kept its own name.
    for ((_, body), token) in responses.iter().zip(&tokens) {
        assert_eq!(
            get_visitor(&app, token).await["username"],
            body["visitor"]["username"]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_one_token_give_one_visitor() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let bodies = (0..20)
        .map(|i| json!({ "visitor": { "token": token, "name": format!("Name {i}") } }))
        .collect();
    let responses = register_concurrently(&app, bodies).await;

    let stored = get_visitor(&app, &token).await;
    for (status, body) in &responses {
        assert_eq!(*status, StatusCode::OK, "{body}");
        assert_eq!(body["visitor"]["_id"], stored["_id"], "{body}");
        assert_eq!(body["visitor"]["username"], stored["username"], "{body}");
    }
    // Exactly one guest number was handed out to the token: the next visitor gets the next one.
    let next = app.register_visitor(&new_token()).await;
    assert!(
        guest_number(&next["username"]) > guest_number(&stored["username"]),
        "{next} after {stored}"
    );
}

/// POSTs every body to `livechat/visitor` at once, each from its own task, and returns the
/// answers in order.
async fn register_concurrently(app: &TestApp, bodies: Vec<Value>) -> Vec<(StatusCode, Value)> {
    let url = app.url("visitor");
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let client = app.client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let response = client.post(url).json(&body).send().await.expect("sent");
                let status = response.status();
                let body: Value = response.json().await.expect("JSON answer");
                (status, body)
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in futures::future::join_all(tasks).await {
        answers.push(task.expect("task completed"));
    }
    answers
}

// ---- DELETE livechat/visitor/:token ----

#[tokio::test]
async fn delete_unknown_visitor_is_invalid_token() {
    let app = TestApp::spawn().await;
    assert_error(
        &app.delete(&format!("visitor/{}", new_token()), None).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
}

#[tokio::test]
async fn delete_visitor_with_open_room_is_refused_and_removes_nothing() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let sent = app.send_message(&token, &rid, "still here").await;
    let (status, _) = app
        .post(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = get_visitor(&app, &token).await;

    let response = app.delete(&format!("visitor/{token}"), None).await;
    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "Cannot remove visitors with opened rooms [visitor-has-open-rooms]",
    );
    assert_eq!(response.1["errorType"], json!("visitor-has-open-rooms"));

    assert_eq!(get_visitor(&app, &token).await["_id"], before["_id"]);
    let room = get_room(&app, &token).await;
    assert_eq!(room["_id"], json!(rid));
    assert_eq!(room["open"], json!(true));
    let history = app.history(&token, &rid, "").await;
    assert!(history.iter().any(|m| m["_id"] == sent["_id"]));
    let (status, session) = app.get(&format!("session.visitorInfo/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{session}");
}

#[tokio::test]
async fn delete_visitor_after_closing_its_room_erases_everything() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    app.send_message(&token, &rid, "please forget me").await;
    let (status, _) = app
        .post(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let visitor = get_visitor(&app, &token).await;
    close_room(&app, &token, &rid).await;

    let (status, body) = app.delete(&format!("visitor/{token}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["visitor"]["_id"], visitor["_id"]);
    assert!(
        body["visitor"]["ts"]
            .as_str()
            .is_some_and(|ts| ts.ends_with('Z')),
        "{body}"
    );

    assert_error(
        &app.get(&format!("visitor/{token}")).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
    assert_error(
        &app.get(&format!("messages.history/{rid}?token={token}"))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid-token",
    );
    let session = app.get(&format!("session.visitorInfo/{token}")).await;
    assert_eq!(session.0, StatusCode::BAD_REQUEST, "{}", session.1);
    assert_eq!(session.1["errorType"], json!("error-session-not-found"));

    // Deleting again: the visitor is gone.
    assert_error(
        &app.delete(&format!("visitor/{token}"), None).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
}

#[tokio::test]
async fn deleted_visitors_rooms_are_gone_even_if_the_token_registers_again() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    app.send_message(&token, &rid, "old conversation").await;
    close_room(&app, &token, &rid).await;
    let old = get_visitor(&app, &token).await;
    let (status, body) = app.delete(&format!("visitor/{token}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The same browser comes back: a brand-new visitor, who cannot reach the erased room.
    let again = app.register_visitor(&token).await;
    assert_ne!(again["_id"], old["_id"]);
    assert!(again.get("livechatData").is_none() || again["livechatData"].is_null());
    assert_error(
        &app.get(&format!("messages.history/{rid}?token={token}"))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid-room",
    );
    let room = get_room(&app, &token).await;
    assert_ne!(room["_id"], json!(rid));
}

#[tokio::test]
async fn deleting_one_visitor_leaves_others_alone() {
    let app = TestApp::spawn().await;
    let (token_a, rid_a) = app.visitor_with_room().await;
    let (token_b, rid_b) = app.visitor_with_room().await;
    let kept = app.send_message(&token_b, &rid_b, "I stay").await;
    close_room(&app, &token_a, &rid_a).await;
    let (status, body) = app.delete(&format!("visitor/{token_a}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    get_visitor(&app, &token_b).await;
    let history = app.history(&token_b, &rid_b, "").await;
    assert!(history.iter().any(|m| m["_id"] == kept["_id"]));
    assert_eq!(get_room(&app, &token_b).await["_id"], json!(rid_b));
}

// ---- POST livechat/visitor.status ----

#[tokio::test]
async fn visitor_status_accepts_online_away_offline() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;
    for status_value in ["away", "offline", "online"] {
        let (status, body) = app
            .post(
                "visitor.status",
                json!({ "token": token, "status": status_value }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body,
            json!({ "token": token, "status": status_value, "success": true })
        );
        assert_eq!(
            get_visitor(&app, &token).await["status"],
            json!(status_value)
        );
    }
}

#[tokio::test]
async fn visitor_status_rejects_an_unknown_status() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;
    assert_invalid_params(
        &app.post(
            "visitor.status",
            json!({ "token": token, "status": "dancing" }),
        )
        .await,
        "status",
    );
    assert_eq!(get_visitor(&app, &token).await["status"], json!("online"));
}

#[tokio::test]
async fn visitor_status_requires_token_and_status() {
    let app = TestApp::spawn().await;
    assert_invalid_params(
        &app.post("visitor.status", json!({ "status": "away" }))
            .await,
        "token",
    );
    assert_invalid_params(
        &app.post("visitor.status", json!({ "token": new_token() }))
            .await,
        "status",
    );
}

#[tokio::test]
async fn visitor_status_for_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    assert_error(
        &app.post(
            "visitor.status",
            json!({ "token": new_token(), "status": "away" }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
}

#[tokio::test]
async fn visitor_status_is_mirrored_on_the_open_room() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    assert_eq!(get_room(&app, &token).await["v"]["status"], json!("online"));

    let (status, body) = app
        .post(
            "visitor.status",
            json!({ "token": token, "status": "away" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = get_room(&app, &token).await;
    assert_eq!(room["_id"], json!(rid));
    assert_eq!(room["v"]["status"], json!("away"));

    let (status, _) = app
        .post(
            "visitor.status",
            json!({ "token": token, "status": "offline" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        get_room(&app, &token).await["v"]["status"],
        json!("offline")
    );
}

// ---- POST livechat/custom.field ----

#[tokio::test]
async fn custom_field_sets_a_visitor_field() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let (status, body) = app
        .post(
            "custom.field",
            json!({ "token": token, "key": "address", "value": "Rocket.Chat street", "overwrite": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "field": { "key": "address", "value": "Rocket.Chat street", "overwrite": true },
            "success": true
        })
    );
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"],
        json!({ "address": "Rocket.Chat street" })
    );
}

#[tokio::test]
async fn custom_field_overwrite_false_keeps_the_existing_value() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let set = |value: &str, overwrite: bool| json!({ "token": token, "key": "nickname", "value": value, "overwrite": overwrite });
    // With no value yet, overwrite:false still sets it.
    let (status, body) = app.post("custom.field", set("one", false)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"]["nickname"],
        json!("one")
    );

    let (status, body) = app.post("custom.field", set("two", false)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"]["nickname"],
        json!("one")
    );

    let (status, body) = app.post("custom.field", set("three", true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"]["nickname"],
        json!("three")
    );
}

#[tokio::test]
async fn custom_field_with_unknown_key_is_invalid_custom_field() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let response = app
        .post(
            "custom.field",
            json!({ "token": token, "key": "no-such-field", "value": "x", "overwrite": true }),
        )
        .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-custom-field");
    let visitor = get_visitor(&app, &token).await;
    assert!(
        visitor["livechatData"].get("no-such-field").is_none(),
        "{visitor}"
    );
}

#[tokio::test]
async fn custom_field_value_must_match_the_regexp() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let response = app
        .post(
            "custom.field",
            json!({ "token": token, "key": "zip", "value": "12a45", "overwrite": true }),
        )
        .await;
    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "Invalid value for zip field [error-invalid-custom-field-value]",
    );
    let visitor = get_visitor(&app, &token).await;
    assert!(visitor["livechatData"].get("zip").is_none(), "{visitor}");

    let (status, body) = app
        .post(
            "custom.field",
            json!({ "token": token, "key": "zip", "value": "12345", "overwrite": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"]["zip"],
        json!("12345")
    );
}

#[tokio::test]
async fn custom_field_for_unknown_token_is_rejected() {
    let app = app_with_custom_fields().await;
    let (status, body) = app
        .post(
            "custom.field",
            json!({ "token": new_token(), "key": "address", "value": "x", "overwrite": true }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false));
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("invalid-token")),
        "{body}"
    );
}

#[tokio::test]
async fn custom_field_requires_all_properties() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    assert_invalid_params(
        &app.post(
            "custom.field",
            json!({ "token": token, "key": "address", "value": "x" }),
        )
        .await,
        "overwrite",
    );
    assert_invalid_params(
        &app.post(
            "custom.field",
            json!({ "token": token, "value": "x", "overwrite": true }),
        )
        .await,
        "key",
    );
    assert_invalid_params(
        &app.post(
            "custom.field",
            json!({ "key": "address", "value": "x", "overwrite": true }),
        )
        .await,
        "token",
    );
}

#[tokio::test]
async fn room_scope_custom_field_is_stored_on_the_open_room() {
    let app = app_with_custom_fields().await;
    let (token, rid) = app.visitor_with_room().await;
    let (status, body) = app
        .post(
            "custom.field",
            json!({ "token": token, "key": "topic", "value": "billing", "overwrite": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let room = get_room(&app, &token).await;
    assert_eq!(room["_id"], json!(rid));
    assert_eq!(room["livechatData"], json!({ "topic": "billing" }));
    // Not on the visitor.
    let visitor = get_visitor(&app, &token).await;
    assert!(visitor["livechatData"].get("topic").is_none(), "{visitor}");

    // overwrite:false leaves the room's value alone.
    let (status, _) = app
        .post(
            "custom.field",
            json!({ "token": token, "key": "topic", "value": "sales", "overwrite": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        get_room(&app, &token).await["livechatData"]["topic"],
        json!("billing")
    );
}

#[tokio::test]
async fn room_scope_custom_field_regexp_mismatch_stores_nothing_on_the_room() {
    let app = app_with_custom_fields().await;
    let (token, _rid) = app.visitor_with_room().await;
    let response = app
        .post(
            "custom.field",
            json!({ "token": token, "key": "ticket", "value": "T-1", "overwrite": true }),
        )
        .await;
    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "Invalid value for ticket field [error-invalid-custom-field-value]",
    );
    let room = get_room(&app, &token).await;
    assert!(room["livechatData"].get("ticket").is_none(), "{room}");
}

// ---- POST livechat/custom.fields ----

#[tokio::test]
async fn custom_fields_sets_several_and_echoes_capital_key() {
    let app = app_with_custom_fields().await;
    let (token, _rid) = app.visitor_with_room().await;
    let (status, body) = app
        .post(
            "custom.fields",
            json!({ "token": token, "customFields": [
                { "key": "address", "value": "Rocket.Chat street", "overwrite": true },
                { "key": "zip", "value": "90210", "overwrite": false },
                { "key": "topic", "value": "billing", "overwrite": true }
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "fields": [
                { "Key": "address", "value": "Rocket.Chat street", "overwrite": true },
                { "Key": "zip", "value": "90210", "overwrite": false },
                { "Key": "topic", "value": "billing", "overwrite": true }
            ],
            "success": true
        })
    );
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"],
        json!({ "address": "Rocket.Chat street", "zip": "90210" })
    );
    assert_eq!(
        get_room(&app, &token).await["livechatData"],
        json!({ "topic": "billing" })
    );
}

#[tokio::test]
async fn custom_fields_with_one_bad_value_store_nothing() {
    let app = app_with_custom_fields().await;
    let (token, _rid) = app.visitor_with_room().await;
    let response = app
        .post(
            "custom.fields",
            json!({ "token": token, "customFields": [
                { "key": "address", "value": "Rocket.Chat street", "overwrite": true },
                { "key": "topic", "value": "billing", "overwrite": true },
                { "key": "zip", "value": "nope", "overwrite": true }
            ]}),
        )
        .await;
    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "Invalid value for zip field [error-invalid-custom-field-value]",
    );
    let visitor = get_visitor(&app, &token).await;
    assert!(
        visitor.get("livechatData").is_none()
            || visitor["livechatData"] == json!({})
            || visitor["livechatData"].is_null(),
        "{visitor}"
    );
    let room = get_room(&app, &token).await;
    assert!(
        room.get("livechatData").is_none()
            || room["livechatData"] == json!({})
            || room["livechatData"].is_null(),
        "{room}"
    );
}

#[tokio::test]
async fn custom_fields_with_one_unknown_key_store_nothing() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let response = app
        .post(
            "custom.fields",
            json!({ "token": token, "customFields": [
                { "key": "address", "value": "Rocket.Chat street", "overwrite": true },
                { "key": "no-such-field", "value": "x", "overwrite": true }
            ]}),
        )
        .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-custom-field");
    let visitor = get_visitor(&app, &token).await;
    assert!(
        visitor["livechatData"].get("address").is_none(),
        "{visitor}"
    );
}

#[tokio::test]
async fn custom_fields_requires_the_list_and_complete_items() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    assert_invalid_params(
        &app.post("custom.fields", json!({ "token": token })).await,
        "customFields",
    );
    let response = app
        .post(
            "custom.fields",
            json!({ "token": token, "customFields": [{ "key": "address", "value": "x" }] }),
        )
        .await;
    assert_invalid_params(&response, "overwrite");
    let visitor = get_visitor(&app, &token).await;
    assert!(
        visitor["livechatData"].get("address").is_none(),
        "{visitor}"
    );
}

#[tokio::test]
async fn custom_fields_never_touch_another_visitor() {
    let app = app_with_custom_fields().await;
    let (token_a, _rid_a) = app.visitor_with_room().await;
    let (token_b, _rid_b) = app.visitor_with_room().await;
    let (status, _) = app
        .post(
            "custom.field",
            json!({ "token": token_b, "key": "address", "value": "B street", "overwrite": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let b_before = get_visitor(&app, &token_b).await;
    let b_room_before = get_room(&app, &token_b).await;

    let (status, body) = app
        .post(
            "custom.fields",
            json!({ "token": token_a, "customFields": [
                { "key": "address", "value": "A street", "overwrite": true },
                { "key": "topic", "value": "A topic", "overwrite": true }
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .post(
            "custom.field",
            json!({ "token": token_a, "key": "nickname", "value": "A", "overwrite": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let b_after = get_visitor(&app, &token_b).await;
    assert_eq!(b_after["livechatData"], json!({ "address": "B street" }));
    assert_eq!(b_after["livechatData"], b_before["livechatData"]);
    let b_room_after = get_room(&app, &token_b).await;
    assert_eq!(b_room_after["livechatData"], b_room_before["livechatData"]);
    assert!(b_room_after["livechatData"].get("topic").is_none());
    assert_eq!(
        get_visitor(&app, &token_a).await["livechatData"],
        json!({ "address": "A street", "nickname": "A" })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_custom_fields_of_different_keys_are_all_kept() {
    // Rocket.Chat `$set`s `livechatData.<key>`, so writes of different keys never undo each other.
    let app = app_with_custom_fields().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let writes = [
        ("address", "Main street"),
        ("nickname", "nick"),
        ("zip", "12345"),
    ];
    let tasks: Vec<_> = (0..5)
        .flat_map(|_| writes.iter())
        .map(|(key, value)| {
            let client = app.client.clone();
            let url = app.url("custom.field");
            let body = json!({ "token": token, "key": key, "value": value, "overwrite": true });
            tokio::spawn(async move {
                let response = client.post(url).json(&body).send().await.expect("sent");
                let status = response.status();
                let body: Value = response.json().await.expect("JSON answer");
                (status, body)
            })
        })
        .collect();
    for task in futures::future::join_all(tasks).await {
        let (status, body) = task.expect("task completed");
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(
        get_visitor(&app, &token).await["livechatData"],
        json!({ "address": "Main street", "nickname": "nick", "zip": "12345" })
    );
}
