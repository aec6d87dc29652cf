//! Changing settings: one at a time (`settings/:id`) or the widget's appearance as a batch
//! (`livechat/appearance`). Every change is typed against the setting's default, written in one
//! transaction, and applied at once (the next `config` shows it).

use serde_json::{json, Value};

use super::{Livechat, Settings};
use crate::error::{ApiError, ApiResult};
use crate::store::streams::SETTINGS_CHANGED;
use crate::time::Timestamp;

/// The settings `livechat/appearance` reads and writes (Rocket.Chat's list).
pub const APPEARANCE: [&str; 22] = [
    "Livechat_title",
    "Livechat_title_color",
    "Livechat_enable_message_character_limit",
    "Livechat_message_character_limit",
    "Livechat_show_agent_info",
    "Livechat_show_agent_email",
    "Livechat_display_offline_form",
    "Livechat_offline_form_unavailable",
    "Livechat_offline_message",
    "Livechat_offline_success_message",
    "Livechat_offline_title",
    "Livechat_offline_title_color",
    "Livechat_offline_email",
    "Livechat_conversation_finished_message",
    "Livechat_conversation_finished_text",
    "Livechat_registration_form",
    "Livechat_name_field_registration_form",
    "Livechat_email_field_registration_form",
    "Livechat_registration_form_message",
    "Livechat_hide_watermark",
    "Livechat_background",
    "Livechat_widget_position",
];

/// Longest string a setting may hold.
const MAX_SETTING_CHARS: usize = 10_000;

impl Livechat {
    /// `POST settings/:id`. Numbers and booleans may come as text (`"250"`), as Rocket.Chat
    /// accepts them.
    pub async fn save_setting(&self, id: &str, value: Value) -> ApiResult<()> {
        let current = self.settings();
        let value = typed(&current, id, value, true)?;
        self.store_settings(vec![(id.to_string(), value)]).await
    }

    /// `GET livechat/appearance`: `[{_id, value}]`.
    pub fn appearance(&self) -> Vec<Value> {
        let settings = self.settings();
        APPEARANCE
            .iter()
            .map(|id| json!({ "_id": id, "value": settings.get(id) }))
            .collect()
    }

    /// `POST livechat/appearance` with `[{_id, value}]`: all or nothing. Values may also come
    /// as strings (`"true"`, `"10"`), as Rocket.Chat's admin form sends them.
    pub async fn save_appearance(&self, changes: Vec<(String, Value)>) -> ApiResult<()> {
        if changes
            .iter()
            .any(|(id, _)| !APPEARANCE.contains(&id.as_str()))
        {
            return Err(ApiError::Code("invalid-setting"));
        }
        let current = self.settings();
        let typed_changes = changes
            .into_iter()
            .map(|(id, value)| Ok((id.clone(), typed(&current, &id, value, true)?)))
            .collect::<ApiResult<Vec<_>>>()?;
        self.store_settings(typed_changes).await
    }

    async fn store_settings(&self, changes: Vec<(String, Value)>) -> ApiResult<()> {
        let reloading = self.settings_reload_guard().await;
        let mut tx = self.store().begin().await?;
        let now = Timestamp::now();
        for (id, value) in &changes {
            tx.exec().save_setting(id, value, now).await?;
        }
        // Every process sharing the database reloads its settings when it reads this.
        let ids: Vec<&str> = changes.iter().map(|(id, _)| id.as_str()).collect();
        tx.exec()
            .record_event(SETTINGS_CHANGED, &ids.join(","), &json!([ids]))
            .await?;
        let stored = tx.exec().settings().await?;
        tx.commit().await?;
        self.replace_settings(Settings::from_stored(stored));
        drop(reloading);
        // Turning business hours on (or off) pauses (or resumes) agents at once.
        if let Err(err) = self.apply_business_hours(chrono::Utc::now()).await {
            tracing::warn!(error = %err, "applying business hours after a settings change");
        }
        // Routing settings (method, limits, accepting chats) may have freed room for the queue.
        self.drain_queue_after_change().await;
        Ok(())
    }
}

impl Livechat {
    /// Reads the stored settings again: another process sharing the database changed some.
    pub async fn reload_settings(&self) -> ApiResult<()> {
        // Without the guard, a reload that read just before a change committed could put
        // the older snapshot back over the change's own.
        let _reloading = self.settings_reload_guard().await;
        let stored = self.store().read().await?.exec().settings().await?;
        self.replace_settings(Settings::from_stored(stored));
        Ok(())
    }
}

/// `value` as the JSON type of setting `id`'s default; with `coerce`, strings are read as
/// booleans or numbers where the setting needs one.
fn typed(current: &Settings, id: &str, value: Value, coerce: bool) -> ApiResult<Value> {
    let default = current.get(id);
    let wrong_type =
        || ApiError::invalid(format!("'value' of {id} must be of the type of {default}"));
    let value = match (default, value) {
        (Value::Null, _) => {
            return Err(ApiError::meteor(
                "error-setting-not-found",
                format!("Setting {id} does not exist"),
            ))
        }
        (Value::Bool(_), Value::Bool(b)) => Value::Bool(b),
        (Value::Bool(_), Value::String(s)) if coerce && (s == "true" || s == "false") => {
            Value::Bool(s == "true")
        }
        (Value::Number(_), Value::Number(n)) => Value::Number(n),
        (Value::Number(_), Value::String(s)) if coerce => s
            .trim()
            .parse::<i64>()
            .map(|n| json!(n))
            .map_err(|_| wrong_type())?,
        (Value::String(_), Value::String(s)) => {
            if s.chars().count() > MAX_SETTING_CHARS {
                return Err(ApiError::invalid(format!(
                    "'value' of {id} must be at most {MAX_SETTING_CHARS} characters"
                )));
            }
            Value::String(s)
        }
        _ => return Err(wrong_type()),
    };
    // Numbers that shape the limiter or a timeout cannot be negative; a period needs a length.
    let least = match id {
        "API_Enable_Rate_Limiter_Limit_Time_Default" => Some(1),
        "API_Enable_Rate_Limiter_Limit_Calls_Default" | "Livechat_http_timeout" | "SMTP_Port" => {
            Some(0)
        }
        _ => None,
    };
    // A port is a port (0: the configured one, see `crate::mail::smtp`).
    if id == "SMTP_Port" && value.as_i64().is_some_and(|n| n > i64::from(u16::MAX)) {
        return Err(ApiError::invalid(format!(
            "'value' of {id} must be at most {}",
            u16::MAX
        )));
    }
    if let (Some(least), Some(n)) = (least, value.as_i64()) {
        if n < least {
            return Err(ApiError::invalid(format!(
                "'value' of {id} must be at least {least}"
            )));
        }
    }
    Ok(value)
}
