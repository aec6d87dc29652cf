use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CustomData, Message};
use crate::time::Timestamp;

/// A livechat room (`rocketchat_room` with `t: "l"`): one conversation of one visitor.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    #[serde(rename = "_id")]
    pub id: String,
    pub t: String,
    pub fname: String,
    pub msgs: i64,
    pub users_count: i64,
    pub lm: Timestamp,
    pub ts: Timestamp,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
    pub cl: bool,
    /// `true` while open; absent once closed (Rocket.Chat unsets it, and clients test presence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_response: Option<bool>,
    pub v: RoomVisitor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<ServedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_by: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    pub source: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Box<Message>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livechat_data: Option<CustomData>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Set by staff in `room.saveInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_feedback: Option<CustomData>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<ClosedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_message: Option<Box<Message>>,
    /// An agent's request to mail the transcript when the chat closes (`POST
    /// livechat/transcript/:rid`): `{email, subject, requestedAt, requestedBy}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_request: Option<Value>,
    /// What the CRM answered to the room's last webhook (Rocket.Chat keeps the response text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_data: Option<String>,
    #[serde(default)]
    pub metrics: RoomMetrics,
    pub priority_weight: i64,
    pub estimated_waiting_time_queue: i64,
}

impl Room {
    pub fn is_open(&self) -> bool {
        self.open == Some(true)
    }

    /// The partial view `GET livechat/config` and `room.transfer` give of a room.
    pub fn summary(&self) -> Value {
        serde_json::json!({
            "_id": self.id,
            "t": self.t,
            "departmentId": self.department_id,
            "servedBy": self.served_by,
            "open": self.is_open(),
            "v": self.v,
            "ts": self.ts,
        })
    }
}

/// The visitor as denormalised into its rooms and inquiries.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomVisitor {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    pub token: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message_ts: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServedBy {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    pub ts: Timestamp,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClosedBy {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
}

/// Response-time analytics (reference §4.5 and §4.6); times in seconds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomMetrics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v: Option<VisitorMetrics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<AgentMetrics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_duration: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time_duration: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VisitorMetrics {
    /// When the visitor asked the question the agent has not answered yet.
    pub lq: Timestamp,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentMetrics {
    /// When the agent last replied.
    pub lr: Timestamp,
}
