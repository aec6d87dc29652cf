//! Saving, listing, reading and deleting triggers; what the widget gets; who may do it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{time_on_site, Team, TRIGGERS};
use crate::helpers::assert_error;

#[tokio::test]
async fn a_saved_trigger_is_listed_read_updated_and_deleted() {
    let team = Team::open().await;
    team.save(time_on_site("welcome", true, "5", "Need help?"))
        .await;
    team.save(time_on_site("after-lunch", false, "30", "Still here?"))
        .await;

    let body = team.list("").await;
    assert_eq!(body["total"], json!(2), "{body}");
    assert_eq!(body["count"], json!(2));
    assert_eq!(body["offset"], json!(0));
    let names: Vec<&str> = body["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["after-lunch", "welcome"], "listed by name");
    let page = team.list("offset=1&count=1").await;
    assert_eq!(page["triggers"][0]["name"], json!("welcome"), "{page}");
    assert_eq!(page["total"], json!(2));

    let id = team.id_of("welcome").await;
    let (status, body) = team
        .call(
            &team.manager,
            Method::GET,
            &format!("{TRIGGERS}/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let trigger = &body["trigger"];
    assert_eq!(trigger["_id"], json!(id));
    assert_eq!(trigger["description"], json!("About welcome"));
    assert_eq!(trigger["enabled"], json!(true));
    assert_eq!(trigger["runOnce"], json!(false));
    assert_eq!(
        trigger["conditions"],
        json!([{ "name": "time-on-site", "value": "5" }])
    );
    assert_eq!(
        trigger["actions"],
        json!([{ "name": "send-message", "params": { "sender": "queue", "msg": "Need help?" } }])
    );

    // Saving with the `_id` replaces that trigger.
    let mut changed = time_on_site("welcome", true, "8", "Hello there");
    changed["_id"] = json!(id);
    changed["runOnce"] = json!(true);
    team.save(changed).await;
    let (_, body) = team
        .call(
            &team.manager,
            Method::GET,
            &format!("{TRIGGERS}/{id}"),
            None,
        )
        .await;
    assert_eq!(body["trigger"]["runOnce"], json!(true), "{body}");
    assert_eq!(body["trigger"]["conditions"][0]["value"], json!("8"));
    assert_eq!(team.list("").await["total"], json!(2), "not a new one");

    let (status, body) = team
        .call(
            &team.manager,
            Method::DELETE,
            &format!("{TRIGGERS}/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = team
        .call(
            &team.manager,
            Method::GET,
            &format!("{TRIGGERS}/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["trigger"], Value::Null, "{body}");
    assert_eq!(team.list("").await["total"], json!(1));
    // Deleting again is not an error, as in Rocket.Chat.
    let (status, _) = team
        .call(
            &team.manager,
            Method::DELETE,
            &format!("{TRIGGERS}/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn saving_an_unknown_id_is_refused() {
    let team = Team::open().await;
    let mut trigger = time_on_site("ghost", true, "5", "Boo");
    trigger["_id"] = json!("no-such-trigger");
    let response = team
        .call(&team.manager, Method::POST, TRIGGERS, Some(trigger))
        .await;
    assert_error(&response, StatusCode::NOT_FOUND, "Trigger not found");
    assert_eq!(team.list("").await["total"], json!(0));
}

#[tokio::test]
async fn the_widget_config_lists_only_enabled_triggers_at_once() {
    let team = Team::open().await;
    assert_eq!(team.widget_triggers().await, json!([]));
    team.save(time_on_site("on", true, "2", "Hi!")).await;
    team.save(time_on_site("off", false, "2", "Hidden")).await;
    let on = team.id_of("on").await;

    // What the widget reads: `_id`, `runOnce`, `conditions`, `actions`; no admin fields.
    assert_eq!(
        team.widget_triggers().await,
        json!([{
            "_id": on,
            "runOnce": false,
            "conditions": [{ "name": "time-on-site", "value": "2" }],
            "actions": [{ "name": "send-message", "params": { "sender": "queue", "msg": "Hi!" } }],
        }])
    );

    // Disabling one takes effect on the next request, without a restart.
    let mut disabled = time_on_site("on", false, "2", "Hi!");
    disabled["_id"] = json!(on);
    team.save(disabled).await;
    assert_eq!(team.widget_triggers().await, json!([]));
}

#[tokio::test]
async fn only_those_with_view_livechat_manager_may_use_the_routes() {
    let team = Team::open().await;
    team.save(time_on_site("welcome", true, "5", "Need help?"))
        .await;
    let id = team.id_of("welcome").await;
    let forbidden =
        "User does not have the permissions required for this action [error-unauthorized]";
    for (method, path, body) in [
        (Method::GET, TRIGGERS.to_string(), None),
        (Method::GET, format!("{TRIGGERS}/{id}"), None),
        (
            Method::POST,
            TRIGGERS.to_string(),
            Some(time_on_site("agent's", true, "1", "x")),
        ),
        (Method::DELETE, format!("{TRIGGERS}/{id}"), None),
    ] {
        let response = team.call(&team.agent, method.clone(), &path, body).await;
        assert_error(&response, StatusCode::FORBIDDEN, forbidden);
    }
    let anonymous = team
        .desk
        .app
        .client
        .get(team.desk.app.url(TRIGGERS))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(team.list("").await["total"], json!(1), "nothing changed");

    // The permission is read from the stored table: granting it to agents lets them in.
    let (status, body) = team
        .call(
            &team.desk.admin,
            Method::POST,
            "/api/v1/permissions.update",
            Some(json!({ "permissions": [{
                "_id": "view-livechat-manager",
                "roles": ["admin", "livechat-manager", "livechat-agent"],
            }] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = team.call(&team.agent, Method::GET, TRIGGERS, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], json!(1));
}

#[tokio::test]
async fn the_ddp_methods_save_and_remove_triggers_for_managers() {
    let team = Team::open().await;
    let frame = team
        .method(
            &team.manager,
            "livechat:saveTrigger",
            json!([time_on_site("ddp", true, "3", "From DDP")]),
        )
        .await;
    assert_eq!(frame["result"], json!(true), "{frame}");
    let id = team.id_of("ddp").await;

    let frame = team
        .method(&team.agent, "livechat:removeTrigger", json!([id.clone()]))
        .await;
    assert_eq!(
        frame["error"]["error"],
        json!("error-not-allowed"),
        "{frame}"
    );
    let frame = team
        .method(
            &team.agent,
            "livechat:saveTrigger",
            json!([time_on_site("agent's", true, "3", "x")]),
        )
        .await;
    assert_eq!(
        frame["error"]["error"],
        json!("error-not-allowed"),
        "{frame}"
    );
    assert_eq!(team.list("").await["total"], json!(1));

    // An invalid trigger is refused with the schema's message.
    let mut bad = time_on_site("bad", true, "3", "x");
    bad["conditions"] = json!([]);
    let frame = team
        .method(&team.manager, "livechat:saveTrigger", json!([bad]))
        .await;
    assert_eq!(
        frame["error"]["reason"],
        json!("'conditions' must NOT have fewer than 1 items"),
        "{frame}"
    );
    let frame = team
        .method(
            &team.manager,
            "livechat:saveTrigger",
            json!(["not an object"]),
        )
        .await;
    assert_eq!(frame["error"]["reason"], json!("Match failed"), "{frame}");

    let frame = team
        .method(&team.manager, "livechat:removeTrigger", json!([id]))
        .await;
    assert_eq!(frame["result"], json!(true), "{frame}");
    assert_eq!(team.list("").await["total"], json!(0));
}
