//! `POST livechat/custom.field` and `custom.fields`: visitor and room custom fields
//! (reference §2.17).

use super::*;

/// `custom.field`'s body.
fn field(token: &str, key: &str, value: &str, overwrite: bool) -> Value {
    json!({ "token": token, "key": key, "value": value, "overwrite": overwrite })
}

/// `custom.fields`' body: `(key, value, overwrite)` for each field.
fn fields(token: &str, items: &[(&str, &str, bool)]) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(
            |(key, value, overwrite)| json!({ "key": key, "value": value, "overwrite": overwrite }),
        )
        .collect();
    json!({ "token": token, "customFields": items })
}

async fn set_field(
    app: &TestApp,
    token: &str,
    (key, value, overwrite): (&str, &str, bool),
) -> (StatusCode, Value) {
    app.post("custom.field", field(token, key, value, overwrite))
        .await
}

async fn set_fields(
    app: &TestApp,
    token: &str,
    items: &[(&str, &str, bool)],
) -> (StatusCode, Value) {
    app.post("custom.fields", fields(token, items)).await
}

/// `custom.field`, asserting a 200 answer; returns it.
async fn set_field_ok(
    app: &TestApp,
    token: &str,
    (key, value, overwrite): (&str, &str, bool),
) -> Value {
    app.post_ok("custom.field", field(token, key, value, overwrite))
        .await
}

/// `custom.fields`, asserting a 200 answer; returns it.
async fn set_fields_ok(app: &TestApp, token: &str, items: &[(&str, &str, bool)]) -> Value {
    app.post_ok("custom.fields", fields(token, items)).await
}

/// Asserts the answer to a value its field's regexp refuses.
#[track_caller]
fn assert_invalid_value(response: &(StatusCode, Value), key: &str) {
    let error = format!("Invalid value for {key} field [error-invalid-custom-field-value]");
    assert_error(response, StatusCode::BAD_REQUEST, &error);
}

/// The `livechatData` of the visitor's open room.
async fn room_data(app: &TestApp, token: &str) -> Value {
    get_room(app, token).await["livechatData"].clone()
}

#[track_caller]
fn assert_no_field(document: &Value, key: &str) {
    assert!(document["livechatData"].get(key).is_none(), "{document}");
}

#[track_caller]
fn assert_no_custom_data(document: &Value) {
    assert!(
        document.get("livechatData").is_none()
            || document["livechatData"] == json!({})
            || document["livechatData"].is_null(),
        "{document}"
    );
}

#[tokio::test]
async fn custom_field_sets_a_visitor_field() {
    let (app, token) = app_with_a_visitor().await;

    let body = set_field_ok(&app, &token, ("address", "Rocket.Chat street", true)).await;

    assert_eq!(
        body,
        json!({
            "field": { "key": "address", "value": "Rocket.Chat street", "overwrite": true },
            "success": true
        })
    );
    assert_eq!(
        visitor_data(&app, &token).await,
        json!({ "address": "Rocket.Chat street" })
    );
}

#[tokio::test]
async fn custom_field_overwrite_false_keeps_the_existing_value() {
    let (app, token) = app_with_a_visitor().await;
    // With no value yet, overwrite:false still sets it; after that only overwrite:true changes it.
    for (value, overwrite, stored) in [
        ("one", false, "one"),
        ("two", false, "one"),
        ("three", true, "three"),
    ] {
        set_field_ok(&app, &token, ("nickname", value, overwrite)).await;
        assert_eq!(visitor_data(&app, &token).await["nickname"], json!(stored));
    }
}

#[tokio::test]
async fn custom_field_with_unknown_key_is_invalid_custom_field() {
    let (app, token) = app_with_a_visitor().await;

    let response = set_field(&app, &token, ("no-such-field", "x", true)).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-custom-field");
    assert_no_field(&get_visitor(&app, &token).await, "no-such-field");
}

#[tokio::test]
async fn custom_field_value_must_match_the_regexp() {
    let (app, token) = app_with_a_visitor().await;

    let response = set_field(&app, &token, ("zip", "12a45", true)).await;

    assert_invalid_value(&response, "zip");
    assert_no_field(&get_visitor(&app, &token).await, "zip");
    set_field_ok(&app, &token, ("zip", "12345", true)).await;
    assert_eq!(visitor_data(&app, &token).await["zip"], json!("12345"));
}

#[tokio::test]
async fn custom_field_for_unknown_token_is_rejected() {
    let app = app_with_custom_fields().await;

    let (status, body) = set_field(&app, &new_token(), ("address", "x", true)).await;

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
    let (app, token) = app_with_a_visitor().await;
    for (missing, body) in [
        (
            "overwrite",
            json!({ "token": token, "key": "address", "value": "x" }),
        ),
        (
            "key",
            json!({ "token": token, "value": "x", "overwrite": true }),
        ),
        (
            "token",
            json!({ "key": "address", "value": "x", "overwrite": true }),
        ),
    ] {
        assert_invalid_params(&app.post("custom.field", body).await, missing);
    }
}

#[tokio::test]
async fn room_scope_custom_field_is_stored_on_the_open_room() {
    let (app, token, rid) = app_with_a_room().await;

    set_field_ok(&app, &token, ("topic", "billing", true)).await;

    let room = get_room(&app, &token).await;
    assert_eq!(room["_id"], json!(rid));
    assert_eq!(room["livechatData"], json!({ "topic": "billing" }));
    // Not on the visitor.
    assert_no_field(&get_visitor(&app, &token).await, "topic");
    // overwrite:false leaves the room's value alone.
    set_field_ok(&app, &token, ("topic", "sales", false)).await;
    assert_eq!(room_data(&app, &token).await["topic"], json!("billing"));
}

#[tokio::test]
async fn room_scope_custom_field_regexp_mismatch_stores_nothing_on_the_room() {
    let (app, token, _rid) = app_with_a_room().await;

    let response = set_field(&app, &token, ("ticket", "T-1", true)).await;

    assert_invalid_value(&response, "ticket");
    assert_no_field(&get_room(&app, &token).await, "ticket");
}

#[tokio::test]
async fn custom_fields_sets_several_and_echoes_capital_key() {
    let (app, token, _rid) = app_with_a_room().await;
    let items = [
        ("address", "Rocket.Chat street", true),
        ("zip", "90210", false),
        ("topic", "billing", true),
    ];

    let body = set_fields_ok(&app, &token, &items).await;

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
        visitor_data(&app, &token).await,
        json!({ "address": "Rocket.Chat street", "zip": "90210" })
    );
    assert_eq!(room_data(&app, &token).await, json!({ "topic": "billing" }));
}

#[tokio::test]
async fn custom_fields_with_one_bad_value_store_nothing() {
    let (app, token, _rid) = app_with_a_room().await;
    let items = [
        ("address", "Rocket.Chat street", true),
        ("topic", "billing", true),
        ("zip", "nope", true),
    ];

    let response = set_fields(&app, &token, &items).await;

    assert_invalid_value(&response, "zip");
    assert_no_custom_data(&get_visitor(&app, &token).await);
    assert_no_custom_data(&get_room(&app, &token).await);
}

#[tokio::test]
async fn custom_fields_with_one_unknown_key_store_nothing() {
    let (app, token) = app_with_a_visitor().await;
    let items = [
        ("address", "Rocket.Chat street", true),
        ("no-such-field", "x", true),
    ];

    let response = set_fields(&app, &token, &items).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-custom-field");
    assert_no_field(&get_visitor(&app, &token).await, "address");
}

#[tokio::test]
async fn custom_fields_requires_the_list_and_complete_items() {
    let (app, token) = app_with_a_visitor().await;
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
    assert_no_field(&get_visitor(&app, &token).await, "address");
}

#[tokio::test]
async fn custom_fields_never_touch_another_visitor() {
    let app = app_with_custom_fields().await;
    let (token_a, _rid_a) = app.visitor_with_room().await;
    let (token_b, _rid_b) = app.visitor_with_room().await;
    set_field_ok(&app, &token_b, ("address", "B street", true)).await;
    let b_before = get_visitor(&app, &token_b).await;
    let b_room_before = get_room(&app, &token_b).await;

    let a_fields = [("address", "A street", true), ("topic", "A topic", true)];
    set_fields_ok(&app, &token_a, &a_fields).await;
    set_field_ok(&app, &token_a, ("nickname", "A", true)).await;

    let b_after = get_visitor(&app, &token_b).await;
    assert_eq!(b_after["livechatData"], json!({ "address": "B street" }));
    assert_eq!(b_after["livechatData"], b_before["livechatData"]);
    let b_room_after = get_room(&app, &token_b).await;
    assert_eq!(b_room_after["livechatData"], b_room_before["livechatData"]);
    assert!(b_room_after["livechatData"].get("topic").is_none());
    assert_eq!(
        visitor_data(&app, &token_a).await,
        json!({ "address": "A street", "nickname": "A" })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_custom_fields_of_different_keys_are_all_kept() {
    // Rocket.Chat `$set`s `livechatData.<key>`, so writes of different keys never undo each other.
    let (app, token) = app_with_a_visitor().await;
    let writes = [
        ("address", "Main street"),
        ("nickname", "nick"),
        ("zip", "12345"),
    ];
    let requests = (0..5)
        .flat_map(|_| writes.iter())
        .map(|(key, value)| {
            (
                "custom.field".to_string(),
                Some(field(&token, key, value, true)),
            )
        })
        .collect();
    for (status, body) in post_concurrently(&app, requests).await {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(
        visitor_data(&app, &token).await,
        json!({ "address": "Main street", "nickname": "nick", "zip": "12345" })
    );
}
