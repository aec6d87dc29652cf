//! The smaller agent-side reads of Rocket.Chat's livechat API: the queue overview
//! (`livechat/queue`), a visitor token's open rooms (`livechat/visitor/:token/room`), the
//! routing method's flags (`livechat/config/routing`) and the CRM integration settings
//! (`livechat/integrations.settings`).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{Livechat, Page};
use crate::error::{ApiError, ApiResult};

/// `livechat/queue`'s narrowing, as the client sent it.
#[derive(Debug, Default)]
pub struct QueueQuery {
    pub agent_id: Option<String>,
    pub department_id: Option<String>,
    /// `includeOfflineAgents=true`: also agents that are offline or not taking chats.
    pub include_offline_agents: bool,
    /// `true`: fewest chats first (`sort={"chats":1}`); Rocket.Chat's default is most first.
    pub fewest_first: bool,
}

/// The settings `livechat/integrations.settings` answers (Rocket.Chat's list).
const INTEGRATION_SETTINGS: [&str; 11] = [
    "Livechat_webhookUrl",
    "Livechat_secret_token",
    "Livechat_http_timeout",
    "Livechat_webhook_on_start",
    "Livechat_webhook_on_close",
    "Livechat_webhook_on_chat_taken",
    "Livechat_webhook_on_chat_queued",
    "Livechat_webhook_on_forward",
    "Livechat_webhook_on_offline_msg",
    "Livechat_webhook_on_visitor_message",
    "Livechat_webhook_on_agent_message",
];

/// What `integrations.settings` shows instead of a set `Livechat_secret_token`.
pub const SECRET_MASK: &str = "********";

impl Livechat {
    /// `GET livechat/queue`: per agent and department, how many open chats the agent serves
    /// now (Rocket.Chat's `getQueueMetrics`): `{_id, user: {_id, userId, username, status},
    /// department: {_id, name} | {}, chats}`, most chats first. Without
    /// `includeOfflineAgents`, only agents online and available.
    pub async fn queue_overview(
        &self,
        query: &QueueQuery,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Value>> {
        let mut conn = self.store().read().await?;
        let counts = conn
            .exec()
            .served_chat_counts(query.department_id.as_deref())
            .await?;
        let mut users = HashMap::new();
        let mut department_ids = Vec::new();
        for (agent, department, _) in &counts {
            if !users.contains_key(agent) {
                let user = conn.exec().user_by_id(agent).await?;
                users.insert(agent.clone(), user);
            }
            if let Some(department) = department {
                if !department_ids.contains(department) {
                    department_ids.push(department.clone());
                }
            }
        }
        let names: HashMap<String, String> = conn
            .exec()
            .departments_by_ids(&department_ids)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let mut rows = Vec::new();
        for (agent, department, chats) in counts {
            let Some(Some(user)) = users.get(&agent) else {
                continue;
            };
            if query.agent_id.as_deref().is_some_and(|id| id != user.id) {
                continue;
            }
            let taking_chats = user.status != "offline" && user.status_livechat == "available";
            if !query.include_offline_agents && !taking_chats {
                continue;
            }
            let department = match &department {
                Some(id) => json!({ "_id": id, "name": names.get(id) }),
                None => json!({}),
            };
            rows.push((
                chats,
                user.username.clone(),
                json!({
                    "_id": user.id,
                    "user": {
                        "_id": user.id,
                        "userId": user.id,
                        "username": user.username,
                        "status": user.status,
                    },
                    "department": department,
                    "chats": chats,
                }),
            ));
        }
        // Most chats first (or fewest); equal counts by username, then department, so pages
        // are stable.
        rows.sort_by(|a, b| {
            let by_chats = if query.fewest_first {
                a.0.cmp(&b.0)
            } else {
                b.0.cmp(&a.0)
            };
            by_chats.then_with(|| a.1.cmp(&b.1)).then_with(|| {
                a.2["department"]["_id"]
                    .as_str()
                    .cmp(&b.2["department"]["_id"].as_str())
            })
        });
        let total = rows.len() as i64;
        let items = rows
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(count).unwrap_or(0))
            .map(|(_, _, row)| row)
            .collect();
        Ok(Page { items, total })
    }

    /// `GET livechat/visitor/:token/room`: the open rooms of a visitor token, in Rocket.Chat's
    /// projection (`_id`, `t`, `cl`, `servedBy`; its `name`, `u` and `usernames` do not
    /// exist here, `fname` is added). An unknown token has none.
    pub async fn open_rooms_of_token(&self, token: &str) -> ApiResult<Vec<Value>> {
        super::validate::within("token", token, super::validate::limits::TOKEN)?;
        let rooms = self
            .store()
            .read()
            .await?
            .exec()
            .rooms_of_token(token)
            .await?;
        Ok(rooms
            .into_iter()
            .filter(|room| room.is_open())
            .map(|room| {
                let mut view =
                    json!({ "_id": room.id, "t": room.t, "cl": room.cl, "fname": room.fname });
                if let Some(served_by) = room.served_by {
                    view["servedBy"] = json!(served_by);
                }
                view
            })
            .collect())
    }

    /// `GET livechat/config/routing`: the flags of the routing method in use (reference §4.3).
    pub fn routing_config(&self) -> Value {
        let method = self.settings().str("Livechat_Routing_Method").to_string();
        let flags: [bool; 7] = match method.as_str() {
            "Manual_Selection" => [true, true, true, false, true, false, false],
            "External" => [false, false, false, false, false, true, true],
            _ => [false, false, false, true, false, true, true],
        };
        let [preview_room, show_connecting, show_queue, show_queue_link, return_queue, enable_trigger_action, auto_assign_agent] =
            flags;
        json!({
            "previewRoom": preview_room,
            "showConnecting": show_connecting,
            "showQueue": show_queue,
            "showQueueLink": show_queue_link,
            "returnQueue": return_queue,
            "enableTriggerAction": enable_trigger_action,
            "autoAssignAgent": auto_assign_agent,
        })
    }

    /// `GET livechat/integrations.settings`: the CRM webhook settings as setting documents
    /// (`_id`, `value`, `type`, `packageValue`: the default).
    pub fn integration_settings(&self) -> Vec<Value> {
        let settings = self.settings();
        let defaults: HashMap<&str, Value> = super::settings::defaults().into_iter().collect();
        INTEGRATION_SETTINGS
            .iter()
            .map(|id| {
                let mut value = settings.get(id).clone();
                // The secret is never listed: a set one shows as a mask, to be replaced, not read.
                if *id == "Livechat_secret_token" && value.as_str().is_some_and(|s| !s.is_empty()) {
                    value = json!(SECRET_MASK);
                }
                let kind = match &value {
                    Value::Bool(_) => "boolean",
                    Value::Number(_) => "int",
                    _ if *id == "Livechat_secret_token" => "password",
                    _ => "string",
                };
                json!({
                    "_id": id,
                    "value": value,
                    "type": kind,
                    "packageValue": defaults.get(id),
                    "public": false,
                })
            })
            .collect()
    }
}

/// `livechat/queue`'s `sort`: only `{"chats": 1}` or `{"chats": -1}` (the one field a row
/// sorts by in Rocket.Chat's aggregation that a client can name).
pub fn queue_sort(sort: Option<&str>) -> ApiResult<bool> {
    let Some(sort) = sort.filter(|s| !s.is_empty()) else {
        return Ok(false);
    };
    let parsed: Value = serde_json::from_str(sort)
        .map_err(|_| ApiError::invalid("'sort' must be a JSON object"))?;
    match parsed.as_object().map(|o| (o.len(), o.get("chats"))) {
        Some((1, Some(direction))) if direction == &json!(1) => Ok(true),
        Some((1, Some(direction))) if direction == &json!(-1) => Ok(false),
        _ => Err(ApiError::invalid(
            "'sort' may only order by chats: {\"chats\": 1} or {\"chats\": -1}",
        )),
    }
}
