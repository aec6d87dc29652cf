//! `GET livechat/custom-fields` and `GET livechat/custom-fields/:_id`: the definitions, for staff.

use livechat::model::CustomFieldScope;
use serde_json::json;

use super::*;

async fn desk_with_fields() -> Desk {
    Desk::open_with(|c| {
        c.custom_fields.extend([
            livechat::model::CustomFieldDefinition {
                label: "Postal code".into(),
                ..custom_field("zip", CustomFieldScope::Visitor, "^[0-9]{5}$")
            },
            custom_field("nickname", CustomFieldScope::Visitor, ""),
            livechat::model::CustomFieldDefinition {
                label: "Ticket number".into(),
                ..custom_field("ticket", CustomFieldScope::Room, "^[0-9]+$")
            },
        ]);
    })
    .await
}

fn ids(body: &Value) -> Vec<&str> {
    body["customFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["_id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn staff_list_the_definitions_filtered_and_paginated() {
    let desk = desk_with_fields().await;
    let (_, alice) = desk.agent("alice").await;
    let body = get_ok(&desk, &alice, "custom-fields").await;
    assert_eq!(ids(&body), ["nickname", "ticket", "zip"]);
    assert_eq!(
        (
            body["count"].clone(),
            body["offset"].clone(),
            body["total"].clone()
        ),
        (json!(3), json!(0), json!(3))
    );
    let zip = &body["customFields"][2];
    assert_eq!(zip["label"], json!("Postal code"));
    assert_eq!(zip["scope"], json!("visitor"));
    assert_eq!(zip["visibility"], json!("visible"));
    assert_eq!(zip["regexp"], json!("^[0-9]{5}$"));
    assert_eq!(zip["type"], json!("input"));
    assert_eq!(body["customFields"][1]["scope"], json!("room"));

    // `text` matches the id or the label, whatever the case.
    let body = get_ok(&desk, &alice, "custom-fields?text=POSTAL").await;
    assert_eq!(ids(&body), ["zip"]);
    let body = get_ok(&desk, &alice, "custom-fields?text=tick").await;
    assert_eq!(ids(&body), ["ticket"]);
    let body = get_ok(&desk, &alice, "custom-fields?count=1&offset=1").await;
    assert_eq!(ids(&body), ["ticket"]);
    assert_eq!(
        (body["count"].clone(), body["total"].clone()),
        (json!(1), json!(3))
    );
}

#[tokio::test]
async fn staff_read_one_definition_or_null() {
    let desk = desk_with_fields().await;
    let (_, alice) = desk.agent("alice").await;
    let body = get_ok(&desk, &alice, "custom-fields/ticket").await;
    assert_eq!(body["customField"]["_id"], json!("ticket"));
    assert_eq!(body["customField"]["label"], json!("Ticket number"));
    let body = get_ok(&desk, &alice, "custom-fields/nothing").await;
    assert_eq!(body, json!({ "customField": null, "success": true }));
}

#[tokio::test]
async fn custom_fields_are_for_staff_only() {
    let desk = desk_with_fields().await;
    let token = desk.app.registered_visitor().await;
    let plain = desk.account("plain", &["user"]).await;
    for path in ["custom-fields", "custom-fields/zip"] {
        let (status, body) = get(&desk, &plain, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_eq!(body["errorType"], json!("error-unauthorized"), "{path}");
        let (status, _) = desk.app.get(&format!("{path}?token={token}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (_, alice) = desk.agent("alice").await;
    assert_invalid_params(&get(&desk, &alice, "custom-fields?page=2").await, "page");
}
