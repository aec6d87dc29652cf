//! Custom field administration: `livechat:saveCustomField` / `livechat:removeCustomField`
//! (through `method.call`), `POST livechat/custom-fields.save` / `.delete`, the definitions
//! seeded from the configuration file, and every reader seeing an edit at once.

mod readers;
mod routes;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Credentials, Desk};

/// A desk with a manager and an agent.
struct Admin {
    desk: Desk,
    manager: Credentials,
    agent: Credentials,
}

impl Admin {
    async fn open() -> Admin {
        Admin::with(Desk::open().await).await
    }

    async fn with(desk: Desk) -> Admin {
        let manager = desk.account("mona", &["user", "livechat-manager"]).await;
        let (_, agent) = desk.agent("ann").await;
        Admin {
            desk,
            manager,
            agent,
        }
    }

    /// Runs DDP method `name` through `method.call` as `who`; the result frame.
    async fn method(&self, who: &Credentials, name: &str, params: Value) -> Value {
        let frame = json!({ "msg": "method", "id": "1", "method": name, "params": params });
        let (status, body) = self
            .desk
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

    /// `livechat:saveCustomField` as the manager; the result frame.
    async fn save(&self, id: Value, data: Value) -> Value {
        self.method(&self.manager, "livechat:saveCustomField", json!([id, data]))
            .await
    }

    async fn post(&self, who: &Credentials, path: &str, body: Value) -> (StatusCode, Value) {
        self.desk
            .call(who, Method::POST, &format!("/api/v1/{path}"), Some(body))
            .await
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self
            .desk
            .call(&self.agent, Method::GET, &format!("/api/v1/{path}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// The form's data for field `field`: a visible, public, visitor-scope text input.
fn field_data(field: &str, label: &str) -> Value {
    json!({
        "field": field, "label": label, "scope": "visitor", "visibility": "visible",
        "regexp": "", "searchable": false, "required": false, "type": "input",
        "defaultValue": "", "options": "", "public": true,
    })
}

/// The error code of a result frame.
fn error_of(frame: &Value) -> &Value {
    &frame["error"]["error"]
}
