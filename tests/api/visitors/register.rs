//! `GET|POST livechat/visitor`: registering a visitor and reading it back (reference §2.1–2.2).

use std::collections::HashSet;

use super::*;

/// Registers `token` with one custom field `(key, value, overwrite)` for each item.
async fn register_with_fields(app: &TestApp, token: &str, items: &[(&str, &str, bool)]) -> Value {
    let fields: Vec<Value> = items
        .iter()
        .map(
            |(key, value, overwrite)| json!({ "key": key, "value": value, "overwrite": overwrite }),
        )
        .collect();
    app.register_ok(json!({ "token": token, "customFields": fields }))
        .await
}

#[tokio::test]
async fn get_visitor_returns_the_documented_shape() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    let registered = app.register_ok(seed_visitor(&token)).await;

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
    assert_meteor_error(&response, "invalid-token", "[invalid-token]");
}

#[tokio::test]
async fn register_creates_an_online_guest_visitor() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let body = app.register_ok(json!({ "token": token })).await;
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
        .register(json!({ "token": token, "name": "First", "phone": "111" }))
        .await;
    let second = app
        .register_ok(json!({ "token": token, "name": "Second", "email": "second@example.com" }))
        .await;
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
    let expected = json!([{ "address": "visitor@rocket.chat" }]);

    let body = app
        .register_ok(json!({ "token": token, "email": "  Visitor@Rocket.CHAT " }))
        .await;

    assert_eq!(body["visitor"]["visitorEmails"], expected);
    assert_eq!(get_visitor(&app, &token).await["visitorEmails"], expected);
}

#[tokio::test]
async fn register_rejects_an_invalid_email_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let response = app.register(json!({ "token": token, "email": "x" })).await;
    assert_meteor_error(
        &response,
        "error-invalid-email",
        "Invalid email x [error-invalid-email]",
    );
    app.assert_no_visitor(&token).await;
}

#[tokio::test]
async fn register_rejects_an_empty_token() {
    let app = TestApp::spawn().await;
    for token in ["", "   "] {
        let response = app.register(json!({ "token": token })).await;
        assert_meteor_error(
            &response,
            "error-invalid-token",
            "Token cannot be empty [error-invalid-token]",
        );
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
    let response = app.register(json!({ "name": "No token" })).await;
    assert_invalid_params(&response, "token");
}

#[tokio::test]
async fn register_rejects_an_unknown_department() {
    let app = TestApp::spawn_with(|c| c.departments.push(department("dep-sales", "Sales"))).await;
    let token = new_token();
    let response = app
        .register(json!({ "token": token, "department": "nope" }))
        .await;
    assert_meteor_error(
        &response,
        "error-invalid-department",
        "The provided department is invalid [error-invalid-department]",
    );
    app.assert_no_visitor(&token).await;
}

#[tokio::test]
async fn register_resolves_department_by_id_or_by_name_to_the_id() {
    let app = TestApp::spawn_with(|c| {
        c.departments.push(department("dep-sales", "Sales"));
        c.departments.push(department("dep-support", "Support"));
    })
    .await;
    let (by_id, by_name) = (new_token(), new_token());

    let with_id = app
        .register_ok(json!({ "token": by_id, "department": "dep-support" }))
        .await;
    let with_name = app
        .register_ok(json!({ "token": by_name, "department": "Sales" }))
        .await;

    assert_eq!(with_id["visitor"]["department"], json!("dep-support"));
    assert_eq!(with_name["visitor"]["department"], json!("dep-sales"));
    let stored = get_visitor(&app, &by_name).await;
    assert_eq!(stored["department"], json!("dep-sales"));
}

#[tokio::test]
async fn register_applies_visitor_custom_fields() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    let body = register_with_fields(
        &app,
        &token,
        &[
            ("address", "Rocket.Chat street", true),
            ("nickname", "rc", false),
        ],
    )
    .await;
    let expected = json!({ "address": "Rocket.Chat street", "nickname": "rc" });
    assert_eq!(body["visitor"]["livechatData"], expected);
    assert_eq!(visitor_data(&app, &token).await, expected);
}

#[tokio::test]
async fn register_custom_field_overwrite_false_keeps_existing_value() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    register_with_fields(&app, &token, &[("address", "first", true)]).await;
    for (value, overwrite, stored) in [("second", false, "first"), ("third", true, "third")] {
        let body = register_with_fields(&app, &token, &[("address", value, overwrite)]).await;
        assert_eq!(body["visitor"]["livechatData"]["address"], json!(stored));
        assert_eq!(visitor_data(&app, &token).await["address"], json!(stored));
    }
}

#[tokio::test]
async fn register_ignores_unknown_and_room_scope_custom_fields() {
    let app = app_with_custom_fields().await;
    let token = new_token();
    let body = register_with_fields(
        &app,
        &token,
        &[
            ("no-such-field", "x", true),
            ("topic", "billing", true),
            ("nickname", "kept", true),
        ],
    )
    .await;
    let expected = json!({ "nickname": "kept" });
    assert_eq!(body["visitor"]["livechatData"], expected);
    assert_eq!(visitor_data(&app, &token).await, expected);
}

#[tokio::test]
async fn register_does_not_check_custom_field_regexp() {
    // §2.2 step 3: "No regexp validation here (unlike §2.17)".
    let app = app_with_custom_fields().await;
    let body = register_with_fields(&app, &new_token(), &[("zip", "not-a-zip", true)]).await;
    assert_eq!(body["visitor"]["livechatData"]["zip"], json!("not-a-zip"));
}

/// POSTs every visitor to `livechat/visitor` at once and returns the answers in order.
async fn register_concurrently(app: &TestApp, visitors: Vec<Value>) -> Vec<(StatusCode, Value)> {
    let requests = visitors
        .into_iter()
        .map(|visitor| ("visitor".to_string(), Some(json!({ "visitor": visitor }))))
        .collect();
    post_concurrently(app, requests).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_distinct_tokens_get_distinct_guest_names() {
    let app = TestApp::spawn().await;
    let tokens: Vec<String> = (0..30).map(|_| new_token()).collect();
    let visitors = tokens
        .iter()
        .map(|token| json!({ "token": token }))
        .collect();
    let responses = register_concurrently(&app, visitors).await;

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
    let visitors = (0..20)
        .map(|i| json!({ "token": token, "name": format!("Name {i}") }))
        .collect();
    let responses = register_concurrently(&app, visitors).await;

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
