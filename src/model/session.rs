use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::Timestamp;

/// What the realtime-visitors view knows of one visitor on the site (`rocketchat_livechat_sessions`,
/// seed 000): page count, location, device, presence and the state of its chat.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitorSession {
    #[serde(rename = "_id")]
    pub id: String,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_info: Option<Value>,
    pub created_at: Timestamp,
    /// Pages viewed.
    pub count: i64,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
    /// `Not Started`, `Open` or `Closed`: the state of the visitor's latest chat.
    pub chat_status: String,
    /// `online`, `away` or `offline`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_info: Option<Value>,
    /// Whether the visitor has a chat open now.
    pub chat_start: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_start_time: Option<Timestamp>,
    pub sentiment_score: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_time: Option<Timestamp>,
    /// The visitor's `_id` (not a credential), so staff tell two visitors of one name apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
    /// The last page the visitor viewed (`page.visited`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_page: Option<CurrentPage>,
    /// The visitor's open chat; absent when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<String>,
    /// The agent serving that chat; absent while it is queued or when there is no chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<SessionAgent>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CurrentPage {
    pub title: String,
    pub url: String,
    pub ts: Timestamp,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionAgent {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
}

pub mod chat_status {
    pub const NOT_STARTED: &str = "Not Started";
    pub const OPEN: &str = "Open";
    pub const CLOSED: &str = "Closed";
}
