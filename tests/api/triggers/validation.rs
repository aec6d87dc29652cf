//! `POST livechat/triggers` checks its body against Rocket.Chat's schema: every refusal is a
//! 400 `invalid-params` naming the field, and nothing is stored.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{time_on_site, Team, TRIGGERS};

fn with(change: impl FnOnce(&mut Value)) -> Value {
    let mut trigger = time_on_site("t", true, "5", "Hi");
    change(&mut trigger);
    trigger
}

#[tokio::test]
async fn invalid_triggers_are_refused_with_the_schema_message() {
    let team = Team::open().await;
    let cases: Vec<(Value, &str)> = vec![
        (
            with(|t| {
                t.as_object_mut().unwrap().remove("description");
            }),
            "must have required property 'description'",
        ),
        (
            with(|t| t["enabled"] = json!("yes")),
            "'enabled' must be boolean",
        ),
        (
            with(|t| t["name"] = json!("  ")),
            "'name' must NOT have fewer than 1 characters",
        ),
        (
            with(|t| t["extra"] = json!(1)),
            "must NOT have additional properties: 'extra'",
        ),
        (
            with(|t| t["conditions"] = json!([])),
            "'conditions' must NOT have fewer than 1 items",
        ),
        (
            with(|t| t["conditions"] = json!([{ "name": "mouse-over", "value": "x" }])),
            "'conditions/0/name' must be equal to one of the allowed values: time-on-site, page-url, chat-opened-by-visitor, after-guest-registration",
        ),
        (
            with(|t| t["conditions"] = json!([{ "name": "page-url" }])),
            "'conditions/0' must have required property 'value'",
        ),
        (
            with(|t| t["actions"] = json!([{ "name": "send-email" }])),
            "'actions/0/name' must be equal to one of the allowed values: send-message, use-external-service",
        ),
        (
            with(|t| t["actions"][0]["params"]["sender"] = json!("bot")),
            "'actions/0/params/sender' must be equal to one of the allowed values: queue, custom",
        ),
        (
            with(|t| {
                t["actions"][0]["params"].as_object_mut().unwrap().remove("msg");
            }),
            "'actions/0/params' must have required property 'msg'",
        ),
        (
            with(|t| t["actions"][0]["params"]["msg"] = json!("x".repeat(10_001))),
            "'actions/0/params/msg' must NOT have more than 10000 characters",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = team
            .call(&team.manager, Method::POST, TRIGGERS, Some(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{message}: {answer}");
        assert_eq!(answer["success"], json!(false));
        assert_eq!(answer["errorType"], json!("invalid-params"), "{answer}");
        assert_eq!(
            answer["error"],
            json!(format!("{message} [invalid-params]")),
            "{answer}"
        );
    }
    assert_eq!(team.list("").await["total"], json!(0), "nothing stored");
}

#[tokio::test]
async fn the_other_conditions_and_a_custom_sender_are_accepted() {
    let team = Team::open().await;
    team.save(json!({
        "name": "pricing",
        "description": "",
        "enabled": true,
        "runOnce": true,
        "conditions": [{ "name": "page-url", "value": "/pricing" }],
        "actions": [{ "name": "send-message", "params": { "sender": "custom", "name": "Eve", "msg": "Questions about prices?" } }],
    }))
    .await;
    team.save(json!({
        "name": "opened",
        "description": "",
        "enabled": true,
        "runOnce": false,
        "conditions": [{ "name": "chat-opened-by-visitor", "value": null }],
        "actions": [{ "name": "send-message", "params": { "sender": "queue", "msg": "Welcome" } }],
    }))
    .await;
    let listed = team.list("").await;
    assert_eq!(listed["total"], json!(2), "{listed}");
    assert_eq!(
        listed["triggers"][1]["actions"][0]["params"]["name"],
        json!("Eve")
    );
    assert_eq!(listed["triggers"][0]["conditions"][0]["value"], Value::Null);
}
