//! Creating, editing and removing definitions; Rocket.Chat's errors; who may do it.

use reqwest::StatusCode;
use serde_json::json;

use super::{error_of, field_data, Admin};
use crate::helpers::assert_error;

#[tokio::test]
async fn a_manager_creates_edits_and_removes_a_field_through_method_call() {
    let admin = Admin::open().await;
    let frame = admin
        .save(json!(null), field_data("company", "Company"))
        .await;
    let saved = &frame["result"];
    assert_eq!(saved["_id"], json!("company"), "{frame}");
    assert_eq!(saved["label"], json!("Company"));
    assert_eq!(saved["scope"], json!("visitor"));
    assert_eq!(saved["public"], json!(true));
    assert_eq!(saved["type"], json!("input"));

    let listed = admin.get("livechat/custom-fields").await;
    assert_eq!(listed["total"], json!(1), "{listed}");
    assert_eq!(listed["customFields"][0]["label"], json!("Company"));

    // Editing by `_id` keeps the key, whatever `field` says.
    let mut edit = field_data("ignored-name", "Employer");
    edit["scope"] = json!("room");
    edit["visibility"] = json!("hidden");
    edit["regexp"] = json!("^[A-Z]");
    edit["type"] = json!("select");
    edit["options"] = json!("Acme,Globex");
    let frame = admin.save(json!("company"), edit).await;
    assert_eq!(frame["result"]["_id"], json!("company"), "{frame}");
    let one = admin.get("livechat/custom-fields/company").await;
    let field = &one["customField"];
    assert_eq!(field["label"], json!("Employer"), "{one}");
    assert_eq!(field["scope"], json!("room"));
    assert_eq!(field["visibility"], json!("hidden"));
    assert_eq!(field["regexp"], json!("^[A-Z]"));
    assert_eq!(field["type"], json!("select"));
    assert_eq!(field["options"], json!("Acme,Globex"));
    assert_eq!(
        admin.get("livechat/custom-fields/ignored-name").await["customField"],
        json!(null)
    );

    let frame = admin
        .method(
            &admin.manager,
            "livechat:removeCustomField",
            json!(["company"]),
        )
        .await;
    assert_eq!(frame["result"], json!(true), "{frame}");
    assert_eq!(admin.get("livechat/custom-fields").await["total"], json!(0));
    let again = admin
        .method(
            &admin.manager,
            "livechat:removeCustomField",
            json!(["company"]),
        )
        .await;
    assert_eq!(
        error_of(&again),
        &json!("error-invalid-custom-field"),
        "{again}"
    );
}

#[tokio::test]
async fn the_methods_answer_rocket_chat_errors() {
    let admin = Admin::open().await;
    let bad_name = admin
        .save(json!(null), field_data("has space", "Bad"))
        .await;
    assert_eq!(
        error_of(&bad_name),
        &json!("error-invalid-custom-field-name"),
        "{bad_name}"
    );
    assert_eq!(
        bad_name["error"]["reason"],
        json!("Invalid custom field name. Use only letters, numbers, hyphens and underscores.")
    );

    admin.save(json!(null), field_data("zip", "Zip")).await;
    let twice = admin.save(json!(null), field_data("zip", "Zip")).await;
    assert_eq!(
        error_of(&twice),
        &json!("error-custom-field-name-already-exists"),
        "{twice}"
    );
    let unknown = admin.save(json!("nope"), field_data("nope", "Nope")).await;
    assert_eq!(
        error_of(&unknown),
        &json!("error-invalid-custom-field"),
        "{unknown}"
    );

    let mut no_label = field_data("city", "City");
    no_label.as_object_mut().unwrap().remove("label");
    let mismatch = admin.save(json!(null), no_label).await;
    assert_eq!(
        mismatch["error"]["reason"],
        json!("Match failed"),
        "{mismatch}"
    );

    let mut bad_scope = field_data("city", "City");
    bad_scope["scope"] = json!("planet");
    let frame = admin.save(json!(null), bad_scope).await;
    assert_eq!(
        error_of(&frame),
        &json!("error-invalid-custom-field-scope"),
        "{frame}"
    );

    let mut bad_regexp = field_data("city", "City");
    bad_regexp["regexp"] = json!("([a-z");
    let frame = admin.save(json!(null), bad_regexp).await;
    assert_eq!(
        error_of(&frame),
        &json!("error-invalid-custom-field-regexp"),
        "{frame}"
    );

    // An agent lacks `view-livechat-manager`.
    let refused = admin
        .method(
            &admin.agent,
            "livechat:saveCustomField",
            json!([null, field_data("city", "City")]),
        )
        .await;
    assert_eq!(error_of(&refused), &json!("error-not-allowed"), "{refused}");
    let refused = admin
        .method(&admin.agent, "livechat:removeCustomField", json!(["zip"]))
        .await;
    assert_eq!(error_of(&refused), &json!("error-not-allowed"), "{refused}");
    assert_eq!(admin.get("livechat/custom-fields").await["total"], json!(1));
}

#[tokio::test]
async fn the_rest_routes_save_and_delete_with_rocket_chat_failures() {
    let admin = Admin::open().await;
    let body = json!({ "customFieldId": null, "customFieldData": field_data("zip", "Zip") });
    let (status, saved) = admin
        .post(&admin.manager, "livechat/custom-fields.save", body.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["success"], json!(true));
    assert_eq!(saved["customField"]["_id"], json!("zip"));

    let again = admin
        .post(&admin.manager, "livechat/custom-fields.save", body.clone())
        .await;
    assert_error(
        &again,
        StatusCode::BAD_REQUEST,
        "Custom Field already exists",
    );
    let unknown = admin
        .post(
            &admin.manager,
            "livechat/custom-fields.save",
            json!({ "customFieldId": "nope", "customFieldData": field_data("nope", "Nope") }),
        )
        .await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "Custom Field Not found");
    let forbidden = admin
        .post(&admin.agent, "livechat/custom-fields.save", body)
        .await;
    assert_eq!(forbidden.0, StatusCode::FORBIDDEN, "{}", forbidden.1);

    let gone = admin
        .post(
            &admin.manager,
            "livechat/custom-fields.delete",
            json!({ "customFieldId": "zip" }),
        )
        .await;
    assert_eq!(gone, (StatusCode::OK, json!({ "success": true })));
    let missing = admin
        .post(
            &admin.manager,
            "livechat/custom-fields.delete",
            json!({ "customFieldId": "zip" }),
        )
        .await;
    assert_error(&missing, StatusCode::BAD_REQUEST, "Custom field not found");
}
