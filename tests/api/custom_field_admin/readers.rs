//! What changes at once when a definition changes: the widget's `livechat/config`, value checks
//! of `livechat/custom.field`, and the fields seeded from the configuration file.

use livechat::model::{CustomFieldDefinition, CustomFieldScope};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{field_data, Admin};
use crate::helpers::{assert_error, custom_field, test_config, Desk};

async fn widget_fields(admin: &Admin) -> Value {
    let (status, body) = admin.desk.app.get("/api/v1/livechat/config").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["config"]["customFields"].clone()
}

async fn set_value(admin: &Admin, token: &str, key: &str, value: &str) -> (StatusCode, Value) {
    admin
        .desk
        .app
        .post(
            "/api/v1/livechat/custom.field",
            json!({ "token": token, "key": key, "value": value, "overwrite": true }),
        )
        .await
}

#[tokio::test]
async fn an_edit_reaches_the_widget_and_the_value_checks_at_once() {
    let admin = Admin::open().await;
    assert_eq!(widget_fields(&admin).await, json!([]));
    let mut zip = field_data("zip", "Postal code");
    zip["regexp"] = json!("^[0-9]{5}$");
    zip["required"] = json!(true);
    admin.save(json!(null), zip.clone()).await;
    let mut private = field_data("score", "Score");
    private["public"] = json!(false);
    admin.save(json!(null), private).await;

    assert_eq!(
        widget_fields(&admin).await,
        json!([{ "_id": "zip", "label": "Postal code", "regexp": "^[0-9]{5}$", "required": true,
                 "type": "input", "defaultValue": "", "options": "" }]),
        "only public, visible, visitor-scope fields"
    );
    let token = admin.desk.app.registered_visitor().await;
    let refused = set_value(&admin, &token, "zip", "abc").await;
    assert_eq!(refused.0, StatusCode::BAD_REQUEST, "{}", refused.1);
    let accepted = set_value(&admin, &token, "zip", "10115").await;
    assert_eq!(accepted.0, StatusCode::OK, "{}", accepted.1);

    // A looser pattern applies to the very next value; a hidden field leaves the widget.
    zip["regexp"] = json!("");
    zip["visibility"] = json!("hidden");
    admin.save(json!("zip"), zip).await;
    assert_eq!(
        set_value(&admin, &token, "zip", "abc").await.0,
        StatusCode::OK
    );
    assert_eq!(widget_fields(&admin).await, json!([]));

    admin
        .method(&admin.manager, "livechat:removeCustomField", json!(["zip"]))
        .await;
    let unknown = set_value(&admin, &token, "zip", "10115").await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid-custom-field");
}

fn file_fields(config: &mut livechat::Config) {
    config.custom_fields.push(CustomFieldDefinition {
        label: "Company".into(),
        ..custom_field("company", CustomFieldScope::Visitor, "")
    });
    config
        .custom_fields
        .push(custom_field("nickname", CustomFieldScope::Visitor, ""));
}

#[tokio::test]
async fn fields_from_the_configuration_file_are_stored_and_an_edit_survives_a_restart() {
    let desk = Desk::open_with(file_fields).await;
    let admin = Admin::with(desk).await;
    let one = admin.get("livechat/custom-fields/company").await;
    assert_eq!(one["customField"]["label"], json!("Company"), "{one}");

    let frame = admin
        .save(json!("company"), field_data("company", "Employer"))
        .await;
    assert_eq!(frame["result"]["label"], json!("Employer"), "{frame}");
    let one = admin.get("livechat/custom-fields/company").await;
    assert_eq!(one["customField"]["label"], json!("Employer"));

    admin
        .method(
            &admin.manager,
            "livechat:removeCustomField",
            json!(["nickname"]),
        )
        .await;

    // A second server on the same database, started with the same file: the edit stays, and
    // a file field missing from the database is added again.
    let mut config = test_config(&admin.desk.app.database);
    file_fields(&mut config);
    let app = livechat::App::build(config).await.expect("app builds");
    let base = format!("http://{}/api/v1", app.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let listed: Value = reqwest::Client::new()
        .get(format!("{base}/livechat/custom-fields"))
        .header("X-User-Id", &admin.manager.0)
        .header("X-Auth-Token", &admin.manager.1)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let _ = stop.send(());
    let labels: Vec<(&str, &str)> = listed["customFields"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .map(|f| (f["_id"].as_str().unwrap(), f["label"].as_str().unwrap()))
        .collect();
    assert_eq!(labels, [("company", "Employer"), ("nickname", "nickname")]);
}
