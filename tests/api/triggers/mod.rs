//! Livechat triggers: `livechat/triggers` (list, get, save, delete), the DDP methods
//! `livechat:saveTrigger` / `livechat:removeTrigger` (through `method.call`), and the enabled
//! ones in `GET livechat/config`.

mod routes;
mod validation;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Credentials, Desk};

const TRIGGERS: &str = "/api/v1/livechat/triggers";

/// A desk with a manager and an agent.
struct Team {
    desk: Desk,
    manager: Credentials,
    agent: Credentials,
}

impl Team {
    async fn open() -> Team {
        let desk = Desk::open().await;
        let manager = desk.account("mona", &["user", "livechat-manager"]).await;
        let (_, agent) = desk.agent("ann").await;
        Team {
            desk,
            manager,
            agent,
        }
    }

    async fn call(
        &self,
        who: &Credentials,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.desk.call(who, method, path, body).await
    }

    /// Saves `trigger` as the manager; asserts it was accepted.
    async fn save(&self, trigger: Value) {
        let (status, body) = self
            .call(&self.manager, Method::POST, TRIGGERS, Some(trigger))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({ "success": true }));
    }

    /// The manager's listing.
    async fn list(&self, query: &str) -> Value {
        let (status, body) = self
            .call(
                &self.manager,
                Method::GET,
                &format!("{TRIGGERS}?{query}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// The `_id` of the trigger named `name`.
    async fn id_of(&self, name: &str) -> String {
        let body = self.list("count=100").await;
        body["triggers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == json!(name))
            .unwrap_or_else(|| panic!("no trigger {name}: {body}"))["_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// `config.triggers` as the widget receives it.
    async fn widget_triggers(&self) -> Value {
        let response = self
            .desk
            .app
            .client
            .get(self.desk.app.url("/api/v1/livechat/config"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["config"]["triggers"].clone()
    }

    /// Runs DDP method `name` through `method.call` as `who`; the result frame.
    async fn method(&self, who: &Credentials, name: &str, params: Value) -> Value {
        let frame = json!({ "msg": "method", "id": "1", "method": name, "params": params });
        let (status, body) = self
            .call(
                who,
                Method::POST,
                &format!("/api/v1/method.call/{}", name.replace(':', "%3A")),
                Some(json!({ "message": frame.to_string() })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(body["message"].as_str().unwrap()).unwrap()
    }
}

/// A valid trigger: after `seconds` on the site, the queue's agent says `msg`.
fn time_on_site(name: &str, enabled: bool, seconds: &str, msg: &str) -> Value {
    json!({
        "name": name,
        "description": format!("About {name}"),
        "enabled": enabled,
        "runOnce": false,
        "conditions": [{ "name": "time-on-site", "value": seconds }],
        "actions": [{ "name": "send-message", "params": { "sender": "queue", "msg": msg } }],
    })
}
