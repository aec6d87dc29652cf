//! `livechat/appearance`: managers read and change the widget's look as one batch, and the
//! widget's `config` shows the change at once.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::Desk;

fn value_of<'a>(appearance: &'a Value, id: &str) -> &'a Value {
    &appearance["appearance"]
        .as_array()
        .expect("appearance list")
        .iter()
        .find(|s| s["_id"] == json!(id))
        .unwrap_or_else(|| panic!("{id} missing from {appearance}"))["value"]
}

#[tokio::test]
async fn a_manager_changes_the_appearance_and_config_shows_it() {
    let desk = Desk::open().await;
    let (status, before) = desk
        .call(&desk.admin, Method::GET, "appearance", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(value_of(&before, "Livechat_title"), &json!("Rocket.Chat"));

    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "appearance",
            Some(json!([
                { "_id": "Livechat_title", "value": "Acme support" },
                { "_id": "Livechat_title_color", "value": "#123456" },
                { "_id": "Livechat_registration_form", "value": "false" },
                { "_id": "Livechat_message_character_limit", "value": "280" },
                { "_id": "Livechat_enable_message_character_limit", "value": true },
            ])),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, after) = desk
        .call(&desk.admin, Method::GET, "appearance", None)
        .await;
    assert_eq!(value_of(&after, "Livechat_title"), &json!("Acme support"));
    assert_eq!(
        value_of(&after, "Livechat_registration_form"),
        &json!(false)
    );
    assert_eq!(
        value_of(&after, "Livechat_message_character_limit"),
        &json!(280)
    );
    let config = desk.app.get_success("config").await["config"].clone();
    assert_eq!(config["theme"]["title"], json!("Acme support"));
    assert_eq!(config["theme"]["color"], json!("#123456"));
    assert_eq!(config["settings"]["registrationForm"], json!(false));
    assert_eq!(config["settings"]["limitTextLength"], json!(280));
}

#[tokio::test]
async fn one_bad_entry_rejects_the_whole_batch() {
    let desk = Desk::open().await;
    for (batch, error) in [
        (
            json!([{ "_id": "Livechat_title", "value": "New" }, { "_id": "Livechat_Routing_Method", "value": "Manual_Selection" }]),
            "invalid-setting",
        ),
        (
            json!([{ "_id": "Livechat_title", "value": "New" }, { "_id": "Livechat_registration_form", "value": "maybe" }]),
            "invalid-params",
        ),
        (
            json!([{ "_id": "Livechat_title", "value": 5 }]),
            "invalid-params",
        ),
        (json!([]), "invalid-params"),
        (
            json!({ "_id": "Livechat_title", "value": "New" }),
            "invalid-params",
        ),
    ] {
        let (status, body) = desk
            .call(&desk.admin, Method::POST, "appearance", Some(batch.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{batch}: {body}");
        assert!(
            body["error"] == json!(error) || body["errorType"] == json!(error),
            "{batch}: {body}"
        );
    }
    let (_, after) = desk
        .call(&desk.admin, Method::GET, "appearance", None)
        .await;
    assert_eq!(value_of(&after, "Livechat_title"), &json!("Rocket.Chat"));
}

#[tokio::test]
async fn agents_and_strangers_cannot_touch_the_appearance() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("plain").await;
    let (status, _) = desk.call(&agent, Method::GET, "appearance", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "appearance",
            Some(json!([{ "_id": "Livechat_title", "value": "x" }])),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = desk.app.get("appearance").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
