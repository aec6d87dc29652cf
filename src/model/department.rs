use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// A department (`rocketchat_livechat_department`): a team that chats can be routed to.
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
    #[serde(default)]
    pub num_agents: i64,
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
