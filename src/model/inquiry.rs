use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Message, RoomVisitor};
use crate::time::Timestamp;

/// A room waiting for (or taken by) an agent (`rocketchat_livechat_inquiry`); one per open room.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inquiry {
    #[serde(rename = "_id")]
    pub id: String,
    pub rid: String,
    pub name: String,
    pub ts: Timestamp,
    pub message: String,
    pub status: InquiryStatus,
    pub v: RoomVisitor,
    pub t: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub source: Value,
    pub queued_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_agent: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Box<Message>>,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
    pub priority_weight: i64,
    pub estimated_waiting_time_queue: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InquiryStatus {
    /// Waiting for automatic routing.
    Ready,
    /// Waiting in the queue for an agent.
    Queued,
    /// Assigned to an agent.
    Taken,
}

impl InquiryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InquiryStatus::Ready => "ready",
            InquiryStatus::Queued => "queued",
            InquiryStatus::Taken => "taken",
        }
    }
}
