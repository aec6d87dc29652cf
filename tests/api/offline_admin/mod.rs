//! Staff reading the offline form's messages: `GET livechat/offline.messages` (newest first,
//! filtered handled / unhandled) and `POST livechat/offline.messages/:_id/handled` (who and
//! when), for `view-livechat-manager`.

mod handling;
mod listing;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Credentials, Desk};

const LIST: &str = "offline.messages";

/// A desk without the offline form's rate limit, with a manager and an agent.
struct Office {
    desk: Desk,
    manager: Credentials,
    agent: Credentials,
}

impl Office {
    async fn open() -> Office {
        let desk = Desk::open_with(|c| c.offline_message_per_minute = 0).await;
        let manager = desk.account("mona", &["user", "livechat-manager"]).await;
        let (_, agent) = desk.agent("ann").await;
        Office {
            desk,
            manager,
            agent,
        }
    }

    /// Visitors leave `texts` through the offline form, in that order (a few ms apart, so
    /// the newest is the last).
    async fn leave(&self, texts: &[&str]) {
        for text in texts {
            let (status, body) = self
                .desk
                .app
                .post(
                    "offline.message",
                    json!({ "name": "Vera", "email": "vera@example.com", "message": text }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn list(&self, who: &Credentials, query: &str) -> (StatusCode, Value) {
        self.desk
            .call(who, Method::GET, &format!("{LIST}{query}"), None)
            .await
    }

    /// The listing's message texts, as the manager reads them with `query`.
    async fn texts(&self, query: &str) -> Vec<String> {
        let (status, body) = self.list(&self.manager, query).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["message"].as_str().unwrap().to_string())
            .collect()
    }

    /// The id of the message whose text is `text`.
    async fn id_of(&self, text: &str) -> String {
        let (_, body) = self.list(&self.manager, "").await;
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["message"] == json!(text))
            .unwrap_or_else(|| panic!("no message {text}: {body}"))["_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn mark(&self, who: &Credentials, id: &str, body: Value) -> (StatusCode, Value) {
        self.desk
            .call(
                who,
                Method::POST,
                &format!("{LIST}/{id}/handled"),
                Some(body),
            )
            .await
    }
}
