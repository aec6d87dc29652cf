//! Canned responses and livechat tags, as Rocket.Chat stores them
//! (`rocketchat_canned_response`, `rocketchat_livechat_tag`).

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// Who may use a canned response: everyone (`global`), the agents of one department
/// (`department`), or its author alone (`user`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CannedScope {
    Global,
    Department,
    User,
}

impl CannedScope {
    pub fn parse(text: &str) -> Option<CannedScope> {
        match text {
            "global" => Some(CannedScope::Global),
            "department" => Some(CannedScope::Department),
            "user" => Some(CannedScope::User),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CannedScope::Global => "global",
            CannedScope::Department => "department",
            CannedScope::User => "user",
        }
    }
}

/// The author of a canned response.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreatedBy {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
}

/// A text an agent inserts by typing `!shortcut`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CannedResponse {
    #[serde(rename = "_id")]
    pub id: String,
    pub shortcut: String,
    pub text: String,
    pub scope: CannedScope,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The owner of a `user`-scope response (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The department of a `department`-scope response (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    pub created_by: CreatedBy,
    #[serde(rename = "_createdAt")]
    pub created_at: Timestamp,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
}

/// A label for conversations; `departments` empty means every department.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivechatTag {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub num_departments: usize,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
}
