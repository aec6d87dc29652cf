//! `GET livechat/config`, everything the widget reads before a chat (reference §2.14), and
//! `GET /api/info`.

use reqwest::Method;

use super::*;

#[tokio::test]
async fn config_without_token_has_the_documented_sections() {
    let config = fresh_config().await;

    assert_keys(
        &config,
        &[
            "enabled",
            "settings",
            "theme",
            "messages",
            "survey",
            "triggers",
            "departments",
            "customFields",
            "resources",
            "online",
        ],
    );
    assert_eq!(config["enabled"], json!(true));
    assert_eq!(
        config["online"],
        json!(true),
        "chats are accepted without agents"
    );
}

#[tokio::test]
async fn config_settings_have_every_documented_key_with_defaults() {
    let settings = fresh_config().await["settings"].clone();

    let booleans = [
        "registrationForm",
        "allowSwitchingDepartments",
        "nameFieldRegistrationForm",
        "emailFieldRegistrationForm",
        "displayOfflineForm",
        "videoCall",
        "fileUpload",
        "transcript",
        "forceAcceptDataProcessingConsent",
        "showConnecting",
        "agentHiddenInfo",
        "clearLocalStorageWhenChatEnded",
    ];
    let others = ["language", "historyMonitorType", "limitTextLength"];
    assert_keys(&settings, &[&booleans[..], &others[..]].concat());
    for key in booleans {
        assert!(
            settings[key].is_boolean(),
            "{key} should be a bool: {settings}"
        );
    }
    assert_eq!(settings["historyMonitorType"], json!("url"));
    assert_eq!(settings["language"], json!("en"));
    assert_eq!(
        settings["agentHiddenInfo"],
        json!(false),
        "agent info shown by default"
    );
    assert_eq!(
        settings["limitTextLength"],
        json!(false),
        "no limit by default"
    );
    assert_eq!(
        settings["showConnecting"],
        json!(false),
        "not manual selection"
    );
}

#[tokio::test]
async fn config_theme_has_the_default_colours_and_action_links() {
    let theme = fresh_config().await["theme"].clone();

    assert_keys(
        &theme,
        &[
            "title",
            "color",
            "offlineTitle",
            "offlineColor",
            "position",
            "actionLinks",
        ],
    );
    assert_eq!(theme["title"], json!("Rocket.Chat"));
    assert_eq!(theme["color"], json!("#C1272D"));
    assert_eq!(theme["offlineTitle"], json!("Leave a message"));
    assert_eq!(theme["offlineColor"], json!("#666666"));
    assert_eq!(theme["position"], json!("right"));
    let links = &theme["actionLinks"];
    assert_eq!(
        links["webrtc"][0]["method_id"],
        json!("joinLivechatWebRTCCall"),
        "{links}"
    );
    assert_eq!(links["webrtc"][1]["danger"], json!(true), "{links}");
    assert_eq!(
        links["jitsi"],
        json!([
            { "icon": "icon-videocam", "i18nLabel": "Accept" },
            { "icon": "icon-cancel", "i18nLabel": "Decline" },
        ])
    );
}

#[tokio::test]
async fn config_messages_have_every_documented_text() {
    let messages = fresh_config().await["messages"].clone();

    let keys = [
        "offlineMessage",
        "offlineSuccessMessage",
        "offlineUnavailableMessage",
        "conversationFinishedMessage",
        "conversationFinishedText",
        "transcriptMessage",
        "registrationFormMessage",
        "dataProcessingConsentText",
    ];
    assert_keys(&messages, &keys);
    for key in keys {
        assert!(messages[key].is_string(), "{key}: {messages}");
    }
}

#[tokio::test]
async fn config_survey_lists_the_items_and_values_with_the_wire_spelling() {
    let survey = fresh_config().await["survey"].clone();

    assert_eq!(
        survey,
        json!({
            "items": ["satisfaction", "agentKnowledge", "agentResposiveness", "agentFriendliness"],
            "values": ["1", "2", "3", "4", "5"],
        })
    );
}

#[tokio::test]
async fn config_has_no_triggers_or_departments_on_a_fresh_server() {
    let config = fresh_config().await;

    assert_eq!(config["triggers"], json!([]));
    assert_eq!(config["departments"], json!([]));
}

#[tokio::test]
async fn config_resources_point_at_the_site_url() {
    let app = TestApp::spawn_with(|c| c.site_url = Some("https://chat.example.com/".into())).await;

    let resources = config(&app, "").await["resources"].clone();

    assert_eq!(
        resources["sound"],
        json!("https://chat.example.com/sounds/chime.mp3")
    );
    assert!(resources["emojis"].is_array(), "{resources}");
}

#[tokio::test]
async fn config_lists_the_enabled_departments_with_agents_only() {
    let desk = Desk::open_with(seed_departments).await;
    assert_eq!(
        config(&desk.app, "").await["departments"],
        json!([]),
        "no department has an agent yet"
    );
    let (agent, _) = desk.agent("alice").await;
    for department in ["dep-support", "dep-sales", "dep-archive"] {
        let join = json!({ "upsert": [{ "agentId": agent }], "remove": [] });
        let path = format!("department/{department}/agents");
        let (status, body) = desk
            .call(&desk.admin, Method::POST, &path, Some(join))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let departments = config(&desk.app, "").await["departments"].clone();

    let mut listed = departments.as_array().expect("departments").clone();
    listed.sort_by_key(|d| d["_id"].as_str().unwrap_or_default().to_string());
    assert_eq!(
        listed,
        vec![
            json!({ "_id": "dep-sales", "name": "Sales",
                    "showOnRegistration": true, "showOnOfflineForm": true }),
            json!({ "_id": "dep-support", "name": "Support",
                    "showOnRegistration": true, "showOnOfflineForm": false }),
        ],
        "the disabled Archive department is not offered"
    );
}

#[tokio::test]
async fn config_with_a_registered_token_includes_the_guest() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;

    let config = config(&app, &format!("?token={token}")).await;

    let guest = &config["guest"];
    assert_eq!(guest["_id"], visitor["_id"], "{config}");
    assert_eq!(guest["username"], visitor["username"], "{guest}");
    assert_eq!(guest["token"], json!(token), "{guest}");
    assert_eq!(guest["name"], json!(format!("Visitor {token}")), "{guest}");
    assert!(config.get("room").is_none(), "no room yet: {config}");
    assert!(config.get("agent").is_none(), "{config}");
}

#[tokio::test]
async fn config_with_an_open_room_includes_the_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let config = config(&app, &format!("?token={token}")).await;

    let room = &config["room"];
    assert_eq!(room["_id"], json!(rid), "{config}");
    assert_eq!(room["open"], json!(true), "{room}");
    assert!(
        room.get("servedBy").is_none_or(Value::is_null),
        "no agent serves it: {room}"
    );
    assert!(config.get("agent").is_none(), "no serving agent: {config}");
    assert_eq!(config["guest"]["token"], json!(token));
}

#[tokio::test]
async fn config_room_shows_the_department_after_a_transfer() {
    let app = TestApp::spawn_with(seed_departments).await;
    let (token, rid) = app.visitor_with_room().await;
    app.post_ok(
        "room.transfer",
        json!({ "rid": rid, "token": token, "department": "dep-sales" }),
    )
    .await;

    let config = config(&app, &format!("?token={token}")).await;

    assert_eq!(
        config["room"]["departmentId"],
        json!("dep-sales"),
        "{config}"
    );
}

#[tokio::test]
async fn config_with_an_unknown_token_has_no_guest() {
    let app = TestApp::spawn().await;

    let config = config(&app, &format!("?token={}", new_token())).await;

    assert!(config.get("guest").is_none(), "{config}");
    assert!(config.get("room").is_none(), "{config}");
    assert_eq!(config["enabled"], json!(true));
}

#[tokio::test]
async fn config_does_not_leak_another_visitors_room() {
    let app = TestApp::spawn().await;
    app.visitor_with_room().await;
    let token = app.registered_visitor().await;

    let config = config(&app, &format!("?token={token}")).await;

    assert!(config.get("room").is_none(), "{config}");
}

#[tokio::test]
async fn config_after_close_has_the_guest_but_no_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.close_room(&token, &rid).await;

    let config = config(&app, &format!("?token={token}")).await;

    assert_eq!(config["guest"]["token"], json!(token), "{config}");
    assert!(
        config.get("room").is_none(),
        "the closed room is gone: {config}"
    );
}

#[tokio::test]
async fn config_while_livechat_is_disabled_is_only_enabled_false() {
    let app = spawn_with_settings(&[("Livechat_enabled", json!(false))]).await;

    let (status, body) = app.get("config").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "config": { "enabled": false }, "success": true })
    );
}

#[tokio::test]
async fn config_reflects_stored_settings() {
    let app = spawn_with_settings(&[
        ("Livechat_title", json!("Acme Support")),
        ("Livechat_title_color", json!("#00FF00")),
        ("Livechat_widget_position", json!("left")),
        ("Livechat_history_monitor_type", json!("title")),
        ("Livechat_show_agent_info", json!(false)),
        ("Livechat_enable_message_character_limit", json!(true)),
        ("Livechat_message_character_limit", json!(280)),
        ("Livechat_offline_message", json!("We are away")),
        ("Livechat_Routing_Method", json!("Manual_Selection")),
    ])
    .await;

    let config = config(&app, "").await;

    assert_eq!(config["theme"]["title"], json!("Acme Support"));
    assert_eq!(config["theme"]["color"], json!("#00FF00"));
    assert_eq!(config["theme"]["position"], json!("left"));
    assert_eq!(config["settings"]["historyMonitorType"], json!("title"));
    assert_eq!(config["settings"]["agentHiddenInfo"], json!(true));
    assert_eq!(config["settings"]["limitTextLength"], json!(280));
    assert_eq!(config["settings"]["showConnecting"], json!(true));
    assert_eq!(config["messages"]["offlineMessage"], json!("We are away"));
}

#[tokio::test]
async fn config_character_limit_falls_back_to_the_maximum_message_size() {
    let app =
        spawn_with_settings(&[("Livechat_enable_message_character_limit", json!(true))]).await;

    let config = config(&app, "").await;

    assert_eq!(config["settings"]["limitTextLength"], json!(5000));
}

#[tokio::test]
async fn config_lists_the_enabled_triggers_only() {
    let welcome = json!({
        "_id": "trigger-welcome",
        "name": "welcome",
        "description": "greets visitors on the pricing page",
        "enabled": true,
        "runOnce": true,
        "conditions": [{ "name": "page-url", "value": "pricing" }],
        "actions": [{ "name": "send-message",
                      "params": { "sender": "queue", "msg": "Need help choosing a plan?" } }],
    });
    let retired = json!({
        "_id": "trigger-retired",
        "name": "retired",
        "enabled": false,
        "runOnce": false,
        "conditions": [{ "name": "time-on-site", "value": "10" }],
        "actions": [{ "name": "send-message", "params": { "sender": "queue", "msg": "old" } }],
    });
    let app = spawn_with_stored(
        &[],
        &[
            ("trigger-welcome", true, welcome.clone()),
            ("trigger-retired", false, retired),
        ],
    )
    .await;

    let config = config(&app, "").await;

    assert_eq!(
        config["triggers"],
        json!([{
            "_id": "trigger-welcome",
            "actions": welcome["actions"],
            "conditions": welcome["conditions"],
            "runOnce": true,
        }])
    );
}

#[tokio::test]
async fn api_info_reports_a_version() {
    let app = TestApp::spawn().await;

    let (status, body) = app.get("/api/info").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    let version = body["version"].as_str().expect("version string");
    assert!(
        version.split('.').count() >= 2 && version.split('.').all(|p| p.parse::<u32>().is_ok()),
        "{version:?} is not a dotted version"
    );
}
