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
}

pub mod chat_status {
    pub const NOT_STARTED: &str = "Not Started";
    pub const OPEN: &str = "Open";
    pub const CLOSED: &str = "Closed";
}
