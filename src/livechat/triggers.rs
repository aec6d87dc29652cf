//! Livechat triggers (reference §3): proactive messages the official widget shows a visitor
//! when a condition holds. Managers keep them (`view-livechat-manager`, as Rocket.Chat checks
//! on `livechat/triggers` and `livechat:saveTrigger`); `livechat/config` hands the enabled ones
//! to the widget, read from the database on every request, so a change applies at once.
//!
//! A trigger is checked against Rocket.Chat's schema (`isPOSTLivechatTriggersParams`), with
//! its AJV messages, plus length limits so one request cannot bloat the database.

use serde_json::{Map, Value};

use super::validate::limits;
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::ids::random_id;
use crate::model::{LivechatTrigger, TriggerAction, TriggerCondition};
use crate::time::Timestamp;

const CONDITIONS: &[&str] = &[
    "time-on-site",
    "page-url",
    "chat-opened-by-visitor",
    "after-guest-registration",
];
const ACTIONS: &[&str] = &["send-message", "use-external-service"];
const SENDERS: &[&str] = &["queue", "custom"];
/// Conditions or actions one trigger may hold (the widget runs only the first of each).
const MAX_ITEMS: usize = 20;
/// The message a trigger sends, and a condition's value (a page-URL pattern).
const MAX_MESSAGE: usize = 10_000;
const MAX_VALUE: usize = limits::URL;

pub fn trigger_not_found() -> ApiError {
    ApiError::NotFoundBecause("Trigger not found")
}

impl Livechat {
    /// `GET livechat/triggers`: every trigger, by name.
    pub async fn list_triggers(
        &self,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<LivechatTrigger>, i64)> {
        Ok(self
            .store()
            .read()
            .await?
            .exec()
            .trigger_page(offset, count)
            .await?)
    }

    /// `GET livechat/triggers/:_id`.
    pub async fn trigger(&self, id: &str) -> ApiResult<Option<LivechatTrigger>> {
        if id.chars().count() > limits::ID {
            return Ok(None);
        }
        Ok(self.store().read().await?.exec().trigger_by_id(id).await?)
    }

    /// `POST livechat/triggers` and `livechat:saveTrigger`: creates a trigger (no `_id`) or
    /// replaces the one with that `_id`; the saved trigger.
    pub async fn save_trigger(&self, body: &Value) -> ApiResult<LivechatTrigger> {
        let (id, mut trigger) = parse_trigger(body)?;
        let mut tx = self.store().begin().await?;
        let mut exec = tx.exec();
        trigger.id = match id {
            Some(id) => {
                // Rocket.Chat's `updateById` silently changes nothing for an unknown `_id`;
                // saying so is kinder to a client racing a deletion.
                exec.trigger_by_id(&id)
                    .await?
                    .ok_or_else(trigger_not_found)?;
                id
            }
            None => random_id(),
        };
        exec.save_trigger(&trigger).await?;
        tx.commit().await?;
        Ok(trigger)
    }

    /// `DELETE livechat/triggers/:_id` and `livechat:removeTrigger`: removing a trigger that
    /// is not there succeeds, as Rocket.Chat's `removeById` does.
    pub async fn remove_trigger(&self, id: &str) -> ApiResult<()> {
        if id.chars().count() > limits::ID {
            return Ok(());
        }
        let mut tx = self.store().begin().await?;
        tx.exec().delete_trigger(id).await?;
        Ok(tx.commit().await?)
    }
}

/// The `_id` (when given) and the trigger a save request describes.
fn parse_trigger(body: &Value) -> ApiResult<(Option<String>, LivechatTrigger)> {
    let object = body
        .as_object()
        .ok_or_else(|| ApiError::invalid("must be object"))?;
    only_keys(
        object,
        "",
        &[
            "_id",
            "name",
            "description",
            "enabled",
            "runOnce",
            "conditions",
            "actions",
        ],
    )?;
    for field in [
        "name",
        "description",
        "enabled",
        "runOnce",
        "conditions",
        "actions",
    ] {
        if !object.contains_key(field) {
            return Err(ApiError::invalid(format!(
                "must have required property '{field}'"
            )));
        }
    }
    let id = match object.get("_id").unwrap_or(&Value::Null) {
        Value::Null => None,
        Value::String(id) if id.is_empty() => None,
        Value::String(id) => Some(super::validate::within("_id", id, limits::ID)?.to_string()),
        _ => return Err(ApiError::invalid("'_id' must be string")),
    };
    let name = text("name", &object["name"], limits::NAME)?;
    if name.trim().is_empty() {
        return Err(ApiError::invalid(
            "'name' must NOT have fewer than 1 characters",
        ));
    }
    let description = text("description", &object["description"], limits::TITLE)?;
    let enabled = boolean("enabled", &object["enabled"])?;
    let run_once = boolean("runOnce", &object["runOnce"])?;
    let conditions = items("conditions", &object["conditions"])?
        .iter()
        .enumerate()
        .map(|(i, c)| condition(&format!("conditions/{i}"), c))
        .collect::<ApiResult<Vec<_>>>()?;
    let actions = items("actions", &object["actions"])?
        .iter()
        .enumerate()
        .map(|(i, a)| action(&format!("actions/{i}"), a))
        .collect::<ApiResult<Vec<_>>>()?;
    let trigger = LivechatTrigger {
        id: String::new(),
        name: name.to_string(),
        description: description.to_string(),
        enabled,
        run_once,
        conditions,
        actions,
        updated_at: Timestamp::now(),
    };
    Ok((id, trigger))
}

fn condition(path: &str, value: &Value) -> ApiResult<TriggerCondition> {
    let object = value
        .as_object()
        .ok_or_else(|| ApiError::invalid(format!("'{path}' must be object")))?;
    only_keys(object, path, &["name", "value"])?;
    required(object, path, &["name", "value"])?;
    let name = one_of(&format!("{path}/name"), &object["name"], CONDITIONS)?;
    let value = match &object["value"] {
        Value::Null => Value::Null,
        other => Value::from(text(&format!("{path}/value"), other, MAX_VALUE)?),
    };
    Ok(TriggerCondition {
        name: name.to_string(),
        value,
    })
}

fn action(path: &str, value: &Value) -> ApiResult<TriggerAction> {
    let object = value
        .as_object()
        .ok_or_else(|| ApiError::invalid(format!("'{path}' must be object")))?;
    only_keys(object, path, &["name", "params"])?;
    required(object, path, &["name"])?;
    let name = one_of(&format!("{path}/name"), &object["name"], ACTIONS)?;
    let params_path = format!("{path}/params");
    let params = match object.get("params") {
        None | Some(Value::Null) => None,
        Some(Value::Object(params)) => Some(params),
        Some(_) => {
            return Err(ApiError::invalid(format!("'{params_path}' must be object")));
        }
    };
    if let Some(params) = params {
        if name == "send-message" {
            only_keys(params, &params_path, &["sender", "msg", "name"])?;
            required(params, &params_path, &["sender", "msg"])?;
            text(&format!("{params_path}/msg"), &params["msg"], MAX_MESSAGE)?;
        } else {
            only_keys(
                params,
                &params_path,
                &[
                    "sender",
                    "name",
                    "serviceUrl",
                    "serviceTimeout",
                    "serviceFallbackMessage",
                ],
            )?;
            required(
                params,
                &params_path,
                &["serviceUrl", "serviceTimeout", "serviceFallbackMessage"],
            )?;
            text(
                &format!("{params_path}/serviceUrl"),
                &params["serviceUrl"],
                limits::URL,
            )?;
            if !params["serviceTimeout"].is_number() {
                return Err(ApiError::invalid(format!(
                    "'{params_path}/serviceTimeout' must be number"
                )));
            }
            text(
                &format!("{params_path}/serviceFallbackMessage"),
                &params["serviceFallbackMessage"],
                MAX_MESSAGE,
            )?;
        }
        if params.contains_key("sender") {
            one_of(&format!("{params_path}/sender"), &params["sender"], SENDERS)?;
        }
        if !matches!(params.get("name"), None | Some(Value::Null)) {
            text(
                &format!("{params_path}/name"),
                &params["name"],
                limits::NAME,
            )?;
        }
    }
    Ok(TriggerAction {
        name: name.to_string(),
        params: params.cloned(),
    })
}

/// A non-empty array of at most [`MAX_ITEMS`] entries.
fn items<'a>(field: &str, value: &'a Value) -> ApiResult<&'a Vec<Value>> {
    let list = value
        .as_array()
        .ok_or_else(|| ApiError::invalid(format!("'{field}' must be array")))?;
    if list.is_empty() {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have fewer than 1 items"
        )));
    }
    if list.len() > MAX_ITEMS {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have more than {MAX_ITEMS} items"
        )));
    }
    Ok(list)
}

fn only_keys(object: &Map<String, Value>, path: &str, allowed: &[&str]) -> ApiResult<()> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(other) => {
            let other: String = other.chars().take(64).collect();
            let at = if path.is_empty() {
                String::new()
            } else {
                format!("'{path}' ")
            };
            Err(ApiError::invalid(format!(
                "{at}must NOT have additional properties: '{other}'"
            )))
        }
    }
}

fn required(object: &Map<String, Value>, path: &str, fields: &[&str]) -> ApiResult<()> {
    match fields.iter().find(|f| !object.contains_key(**f)) {
        None => Ok(()),
        Some(field) => Err(ApiError::invalid(format!(
            "'{path}' must have required property '{field}'"
        ))),
    }
}

fn text<'a>(field: &str, value: &'a Value, max: usize) -> ApiResult<&'a str> {
    let text = value
        .as_str()
        .ok_or_else(|| ApiError::invalid(format!("'{field}' must be string")))?;
    super::validate::within(field, text, max)
}

fn boolean(field: &str, value: &Value) -> ApiResult<bool> {
    value
        .as_bool()
        .ok_or_else(|| ApiError::invalid(format!("'{field}' must be boolean")))
}

fn one_of<'a>(field: &str, value: &'a Value, allowed: &[&str]) -> ApiResult<&'a str> {
    let text = value
        .as_str()
        .ok_or_else(|| ApiError::invalid(format!("'{field}' must be string")))?;
    if allowed.contains(&text) {
        Ok(text)
    } else {
        Err(ApiError::invalid(format!(
            "'{field}' must be equal to one of the allowed values: {}",
            allowed.join(", ")
        )))
    }
}
