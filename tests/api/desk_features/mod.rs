//! Desk features: canned responses, tags, and closing a chat with tags.

mod canned;
mod canned_stream;
mod closing;
mod tags;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{seed_departments, Credentials, Desk};

/// A desk with the seeded departments, a manager, and two agents: `ann` in Sales, `bob` in
/// Support.
pub struct Team {
    pub desk: Desk,
    pub manager: Credentials,
    pub ann: Credentials,
    pub ann_id: String,
    pub bob: Credentials,
}

impl Team {
    pub async fn open() -> Team {
        let desk = Desk::open_with(seed_departments).await;
        let manager = desk.account("mona", &["user", "livechat-manager"]).await;
        let (ann_id, ann) = desk.agent("ann").await;
        let (bob_id, bob) = desk.agent("bob").await;
        desk.add_to_department("dep-sales", &ann_id).await;
        desk.add_to_department("dep-support", &bob_id).await;
        Team {
            desk,
            manager,
            ann,
            ann_id,
            bob,
        }
    }

    pub async fn call(
        &self,
        who: &Credentials,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.desk.call(who, method, path, body).await
    }

    /// Runs DDP method `name` through `method.call` as `who`; the result frame.
    pub async fn method(&self, who: &Credentials, name: &str, params: Value) -> Value {
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
