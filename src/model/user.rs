use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// An account: an administrator, a livechat manager or a livechat agent (`users`, reference §5.7).
/// The password hash and login tokens are stored apart from this document and never leave the
/// server.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub emails: Vec<UserEmail>,
    #[serde(rename = "type")]
    pub kind: String,
    pub roles: Vec<String>,
    /// Presence: `online`, `away`, `busy` or `offline`.
    pub status: String,
    /// Whether the user has a realtime connection: `online` or `offline`.
    pub status_connection: String,
    /// The presence the user chose (`users.setStatus`, `UserPresence:setDefaultStatus`), taken
    /// again when it reconnects after having gone offline with its last connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_default: Option<String>,
    /// Whether the agent takes chats: `available` or `not-available`.
    pub status_livechat: String,
    pub active: bool,
    pub utc_offset: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livechat: Option<AgentSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login: Option<Timestamp>,
    pub created_at: Timestamp,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserEmail {
    pub address: String,
    pub verified: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentSettings {
    /// Open chats this agent may serve at once; absent or 0 means the global limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_number_simultaneous_chat: Option<i64>,
}

impl User {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// Whether this user could be given a chat now: an active agent, available for livechat
    /// and not offline. The same rule as the routing queries' `AVAILABLE` (store/agents.rs).
    pub fn takes_chats(&self) -> bool {
        self.has_role("livechat-agent")
            && self.active
            && self.status_livechat == "available"
            && self.status != "offline"
    }

    pub fn email(&self) -> Option<&str> {
        self.emails.first().map(|e| e.address.as_str())
    }
}
