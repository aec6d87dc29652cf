use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::Timestamp;

/// A message (`rocketchat_message`): visitor and agent text, and the system messages livechat
/// writes (`livechat-started`, `livechat-close`, navigation history, transfers…).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    #[serde(rename = "_id")]
    pub id: String,
    /// `null` for navigation history recorded before the visitor's first room exists.
    pub rid: Option<String>,
    pub msg: String,
    pub ts: Timestamp,
    pub u: UserRef,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
    /// The message type; absent for ordinary text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groupable: Option<bool>,
    #[serde(rename = "_hidden", default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Present on visitor messages only: it is how clients tell visitor from agent messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_by: Option<UserRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Value>>,
    /// Navigation history: `{page, token}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_data: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_requested: Option<bool>,
    /// `livechat_transcript_history`: who asked for the transcript (`{type, visitor, user}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_data: Option<Value>,
    /// When an orphan navigation message is purged if no room ever claims it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<Timestamp>,
    /// An uploaded file's message: `{_id, name, type}` of the file (Rocket.Chat 6.x)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Value>,
    /// ...the same in a list (Rocket.Chat 7.x)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<Value>>,
    /// ...and how clients show it: title, link, and `image_`/`audio_`/`video_` fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Value>>,
}

impl Message {
    /// A message with only the fields every message has; callers set the rest.
    pub fn new(id: String, rid: Option<String>, msg: String, u: UserRef, ts: Timestamp) -> Self {
        Message {
            id,
            rid,
            msg,
            ts,
            u,
            updated_at: ts,
            t: None,
            groupable: None,
            hidden: None,
            token: None,
            alias: None,
            edited_at: None,
            edited_by: None,
            mentions: None,
            channels: None,
            navigation: None,
            transfer_data: None,
            transcript_requested: None,
            request_data: None,
            expire_at: None,
            file: None,
            files: None,
            attachments: None,
        }
    }

    /// A system message of type `t` that is not grouped with its neighbours.
    pub fn system(t: &str, rid: &str, msg: String, u: UserRef, ts: Timestamp) -> Self {
        let mut message = Message::new(crate::ids::random_id(), Some(rid.to_string()), msg, u, ts);
        message.t = Some(t.to_string());
        message.groupable = Some(false);
        message
    }

    pub fn is_hidden(&self) -> bool {
        self.hidden == Some(true)
    }
}

/// The author of a message (`u`), or the editor (`editedBy`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserRef {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
