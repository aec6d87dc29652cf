use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::time::Timestamp;

/// A department (`rocketchat_livechat_department`, reference §5.6): a team that chats can be
/// routed to.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Department {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub enabled: bool,
    #[serde(default)]
    pub description: String,
    pub show_on_registration: bool,
    pub show_on_offline_form: bool,
    #[serde(default)]
    pub email: String,
    /// How many agents the department has. Counted from the agent links whenever a department
    /// is read, so it stays right however links come and go (agents removed, users deleted).
    #[serde(default)]
    pub num_agents: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_tag_before_closing_chat: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_closing_tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_forward_department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departments_allowed_to_forward: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_receive_forward_offline: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_message_channel_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandoned_rooms_close_custom_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_queue_message: Option<String>,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
    /// Other scalar fields a client saved; Rocket.Chat stores unknown keys as they come.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Department {
    /// A disabled department with empty fields, for a caller to fill in.
    pub fn blank(id: String, now: Timestamp) -> Department {
        Department {
            id,
            name: String::new(),
            enabled: false,
            description: String::new(),
            show_on_registration: false,
            show_on_offline_form: false,
            email: String::new(),
            num_agents: 0,
            request_tag_before_closing_chat: None,
            chat_closing_tags: None,
            fallback_forward_department: None,
            departments_allowed_to_forward: None,
            allow_receive_forward_offline: None,
            offline_message_channel_name: None,
            abandoned_rooms_close_custom_message: None,
            waiting_queue_message: None,
            updated_at: now,
            extra: Map::new(),
        }
    }
}

/// An agent's membership of a department (`rocketchat_livechat_department_agents`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentAgent {
    #[serde(rename = "_id")]
    pub id: String,
    pub agent_id: String,
    pub department_id: String,
    /// A copy of the department's `enabled`, as Rocket.Chat keeps it.
    pub department_enabled: bool,
    pub username: String,
    /// Rocket.Chat's routing counter; stored as given (routing here uses open chats).
    pub count: i64,
    /// Rocket.Chat's routing priority; stored as given.
    pub order: i64,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
}

/// A department declared in the configuration file, created or updated at start.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentSeed {
    pub id: String,
    pub name: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub show_on_registration: bool,
    #[serde(default = "yes")]
    pub show_on_offline_form: bool,
    #[serde(default)]
    pub email: String,
}

fn yes() -> bool {
    true
}
