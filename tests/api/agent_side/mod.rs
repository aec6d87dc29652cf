//! The rest of Rocket.Chat's agent-side livechat API: the queue overview, `livechat/rooms`'
//! tag, queue and on-hold filters, visitor autocomplete, a token's open rooms, the routing
//! flags and integration settings, the limiter and offline e-mail settings, and Rocket.Chat's
//! error strings.

mod closing;
mod config;
mod queue;
mod room_filters;
mod settings;
mod visitors;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{new_token, seed_departments, Credentials, Desk};

/// A desk with the seeded departments, a manager (`mona`), an available agent `ann` in Sales,
/// and `pat`, a logged-in user with no livechat role.
pub struct Team {
    pub desk: Desk,
    pub manager: Credentials,
    pub ann: Credentials,
    pub ann_id: String,
    pub pat: Credentials,
}

impl Team {
    pub async fn open() -> Team {
        let desk = Desk::open_with(seed_departments).await;
        let manager = desk.account("mona", &["user", "livechat-manager"]).await;
        let pat = desk.account("pat", &["user"]).await;
        let (ann_id, ann) = desk.agent("ann").await;
        desk.add_to_department("dep-sales", &ann_id).await;
        Team {
            desk,
            manager,
            ann,
            ann_id,
            pat,
        }
    }

    pub async fn get(&self, who: &Credentials, path: &str) -> (StatusCode, Value) {
        self.desk.call(who, Method::GET, path, None).await
    }

    pub async fn post(&self, who: &Credentials, path: &str, body: Value) -> (StatusCode, Value) {
        self.desk.call(who, Method::POST, path, Some(body)).await
    }

    /// A new visitor (named `name`, of `department`) with an open room: `(token, rid)`.
    pub async fn chat(&self, name: &str, department: Option<&str>) -> (String, String) {
        let token = new_token();
        let mut visitor = json!({ "token": token, "name": name });
        if let Some(department) = department {
            visitor["department"] = json!(department);
        }
        self.desk.app.register_ok(visitor).await;
        let rid = self.desk.app.open_room(&token).await;
        (token, rid)
    }

    /// Makes ann available or not.
    pub async fn ann_available(&self, available: bool) {
        let status = if available {
            "available"
        } else {
            "not-available"
        };
        let (code, body) = self
            .post(&self.ann, "agent.status", json!({ "status": status }))
            .await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
}

/// URL-encodes a query value.
pub fn encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
