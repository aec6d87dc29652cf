//! A livechat trigger (Rocket.Chat's `rocketchat_livechat_trigger`, reference §5.9): a
//! proactive message the widget shows a visitor when a condition holds (time on site, a page
//! URL, the visitor opening the chat). The widget runs them; the server only keeps them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::time::Timestamp;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivechatTrigger {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub enabled: bool,
    pub run_once: bool,
    pub conditions: Vec<TriggerCondition>,
    pub actions: Vec<TriggerAction>,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
}

/// `{name, value}`: the widget reads only the first condition of a trigger.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TriggerCondition {
    pub name: String,
    /// A string, or null (`chat-opened-by-visitor` has no value).
    pub value: Value,
}

/// `{name, params?}`; `params` is kept as sent (its keys depend on the action).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TriggerAction {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Map<String, Value>>,
}
