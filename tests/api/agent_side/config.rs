//! `GET livechat/config/routing`, `GET livechat/integrations.settings`, and
//! `livechat/users/:type` with an unknown type.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::Team;
use crate::helpers::assert_error;

const FORBIDDEN: &str =
    "User does not have the permissions required for this action [error-unauthorized]";

#[tokio::test]
async fn the_routing_config_follows_the_routing_method() {
    let team = Team::open().await;
    let (status, body) = team.get(&team.ann, "config/routing").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["config"],
        json!({
            "previewRoom": false, "showConnecting": false, "showQueue": false,
            "showQueueLink": true, "returnQueue": false, "enableTriggerAction": true,
            "autoAssignAgent": true,
        })
    );
    team.desk
        .set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    let (_, body) = team.get(&team.pat, "config/routing").await;
    assert_eq!(
        body["config"],
        json!({
            "previewRoom": true, "showConnecting": true, "showQueue": true,
            "showQueueLink": false, "returnQueue": true, "enableTriggerAction": false,
            "autoAssignAgent": false,
        })
    );
}

#[tokio::test]
async fn the_routing_config_needs_a_login() {
    let team = Team::open().await;
    let (status, body) = team.desk.app.get("config/routing").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(
        body["message"],
        json!("You must be logged in to do this."),
        "{body}"
    );
}

fn setting<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["settings"]
        .as_array()
        .unwrap_or_else(|| panic!("settings: {body}"))
        .iter()
        .find(|s| s["_id"] == json!(id))
        .unwrap_or_else(|| panic!("{id} in {body}"))
}

#[tokio::test]
async fn integration_settings_list_the_webhook_settings() {
    let team = Team::open().await;
    let (status, body) = team.get(&team.manager, "integrations.settings").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for id in [
        "Livechat_webhookUrl",
        "Livechat_secret_token",
        "Livechat_http_timeout",
        "Livechat_webhook_on_start",
        "Livechat_webhook_on_close",
        "Livechat_webhook_on_chat_taken",
        "Livechat_webhook_on_chat_queued",
        "Livechat_webhook_on_forward",
        "Livechat_webhook_on_offline_msg",
        "Livechat_webhook_on_visitor_message",
        "Livechat_webhook_on_agent_message",
    ] {
        setting(&body, id);
    }
    let timeout = setting(&body, "Livechat_http_timeout");
    assert_eq!(
        (timeout["value"].clone(), timeout["type"].clone()),
        (json!(5000), json!("int"))
    );
    team.desk
        .set("Livechat_webhookUrl", json!("https://crm.example.com/hook"))
        .await;
    team.desk
        .set("Livechat_webhook_on_close", json!(true))
        .await;
    let (_, body) = team.get(&team.manager, "integrations.settings").await;
    let url = setting(&body, "Livechat_webhookUrl");
    assert_eq!(url["value"], json!("https://crm.example.com/hook"));
    assert_eq!(url["packageValue"], json!(""));
    assert_eq!(
        setting(&body, "Livechat_webhook_on_close")["value"],
        json!(true)
    );
}

#[tokio::test]
async fn integration_settings_need_view_livechat_manager_and_typed_values() {
    let team = Team::open().await;
    for who in [&team.ann, &team.pat] {
        assert_error(
            &team.get(who, "integrations.settings").await,
            StatusCode::FORBIDDEN,
            FORBIDDEN,
        );
    }
    for (id, value) in [
        ("Livechat_http_timeout", json!(-1)),
        ("Livechat_http_timeout", json!("slow")),
        ("Livechat_webhook_on_start", json!("yes")),
    ] {
        let (status, body) = team
            .desk
            .call(
                &team.desk.admin,
                Method::POST,
                &format!("/api/v1/settings/{id}"),
                Some(json!({ "value": value })),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{id}={value}: {body}");
    }
}

#[tokio::test]
async fn an_unknown_user_type_is_rocket_chats_invalid_type_after_the_permission_check() {
    let team = Team::open().await;
    let admin = &team.desk.admin;
    assert_error(
        &team.get(admin, "users/invalid-type").await,
        StatusCode::BAD_REQUEST,
        "Invalid type",
    );
    let add = team
        .post(admin, "users/invalid-type", json!({ "username": "ann" }))
        .await;
    assert_error(&add, StatusCode::BAD_REQUEST, "Invalid type");
    let one = team
        .get(admin, &format!("users/invalid-type/{}", team.ann_id))
        .await;
    assert_error(&one, StatusCode::BAD_REQUEST, "Invalid type");
    // Without the route's permission the type is not looked at.
    assert_error(
        &team.get(&team.ann, "users/invalid-type").await,
        StatusCode::FORBIDDEN,
        FORBIDDEN,
    );
}
