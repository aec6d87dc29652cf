//! The default business hour as a service: seeded at first start, read and saved by the
//! admin routes, and applied to the agents while `Livechat_enable_business_hours` is on.
//!
//! Rocket.Chat runs cron jobs at each opening and closing minute. Here the state is applied
//! idempotently instead: every minute (see `app.rs`), after each save and after each change
//! of the setting. Closed: available agents become not-available and are remembered; open
//! (or the setting off): the remembered ones become available again. Agents who chose to be
//! away are not remembered, so the opening leaves them away, as in Rocket.Chat.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::agents::{AVAILABLE, NOT_AVAILABLE};
use super::business_hours::{
    default_business_hour, is_open, stored_time_zone, BusinessHourInput, DEFAULT_TYPE, SAVE_ERROR,
};
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::time::Timestamp;

pub const ENABLE_SETTING: &str = "Livechat_enable_business_hours";

impl Livechat {
    /// Stores Rocket.Chat's default business hour unless there is one.
    pub(super) async fn ensure_default_business_hour(&self) -> ApiResult<()> {
        let mut tx = self.store().begin().await?;
        if tx
            .exec()
            .business_hour_of_type(DEFAULT_TYPE)
            .await?
            .is_none()
        {
            tx.exec()
                .save_business_hour(&default_business_hour(Utc::now()))
                .await?;
        }
        Ok(tx.commit().await?)
    }

    /// `GET livechat/business-hour?_id&type`: by id, else the default one (Community
    /// edition's only kind). `None` when there is no such business hour.
    pub async fn business_hour(&self, id: Option<&str>) -> ApiResult<Option<Value>> {
        let mut conn = self.store().read().await?;
        match id.filter(|id| !id.is_empty()) {
            Some(id) => Ok(conn.exec().business_hour_by_id(id).await?),
            None => Ok(conn.exec().business_hour_of_type(DEFAULT_TYPE).await?),
        }
    }

    /// `GET livechat/business-hours`: every business hour whose name contains `name`
    /// (case-insensitively), by name.
    pub async fn business_hours(&self, name: Option<&str>) -> ApiResult<Vec<Value>> {
        let all = self.store().read().await?.exec().business_hours().await?;
        let needle = name.unwrap_or_default().to_lowercase();
        Ok(all
            .into_iter()
            .filter(|h| {
                h["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(&needle)
            })
            .collect())
    }

    /// `POST livechat/business-hours.save` / `livechat:saveBusinessHour`. Only the default
    /// business hour exists here (Community edition); a save without `_id` or of another type
    /// is refused rather than silently creating a second one nothing would consult.
    pub async fn save_business_hour(&self, body: &Value) -> ApiResult<Value> {
        let kind = body["type"].as_str().unwrap_or(DEFAULT_TYPE);
        if kind != DEFAULT_TYPE {
            return Err(ApiError::Failure {
                text: format!("Business hours of type '{kind}' need Rocket.Chat's Enterprise edition; only the default one exists"),
                code: SAVE_ERROR,
            });
        }
        let mut tx = self.store().begin().await?;
        let existing = match body["_id"].as_str().filter(|id| !id.is_empty()) {
            Some(id) => tx.exec().business_hour_by_id(id).await?,
            None => tx.exec().business_hour_of_type(DEFAULT_TYPE).await?,
        }
        .filter(|h| h["type"] == DEFAULT_TYPE)
        .ok_or(ApiError::Failure {
            text: "Business hour not found".into(),
            code: SAVE_ERROR,
        })?;
        let input = BusinessHourInput::parse(body, stored_time_zone(&existing))?;
        let saved = input.into_doc(&existing, Utc::now());
        tx.exec().save_business_hour(&saved).await?;
        tx.commit().await?;
        self.apply_business_hours(Utc::now()).await?;
        Ok(saved)
    }

    /// Whether business hours are on and closed at `at`: agents may not become available,
    /// and the widget shows its offline form.
    pub async fn business_hours_closed(&self, at: DateTime<Utc>) -> ApiResult<bool> {
        if !self.settings().bool(ENABLE_SETTING) {
            return Ok(false);
        }
        let hour = self
            .store()
            .read()
            .await?
            .exec()
            .business_hour_of_type(DEFAULT_TYPE)
            .await?;
        Ok(hour.is_some_and(|h| !is_open(&h, at)))
    }

    /// Brings the agents' statuses in line with the business hours at `at` (see the module
    /// comment). Returns how many agents changed.
    pub async fn apply_business_hours(&self, at: DateTime<Utc>) -> ApiResult<usize> {
        let closed = self.business_hours_closed(at).await?;
        let mut tx = self.store().begin().await?;
        let (ids, next) = if closed {
            (tx.exec().available_agent_ids().await?, NOT_AVAILABLE)
        } else {
            (tx.exec().take_paused_agent_ids().await?, AVAILABLE)
        };
        let mut changed = 0;
        for id in &ids {
            let Some(mut agent) = tx.exec().user_for_update(id).await? else {
                continue;
            };
            // Resuming only undoes the closing: someone who went away since stays away.
            let from = if closed { AVAILABLE } else { NOT_AVAILABLE };
            if agent.status_livechat != from {
                continue;
            }
            agent.status_livechat = next.to_string();
            agent.updated_at = Timestamp::now();
            tx.exec().save_user(&agent).await?;
            if closed {
                tx.exec().remember_paused_agent(id).await?;
            }
            changed += 1;
        }
        tx.commit().await?;
        if changed > 0 && !closed {
            self.drain_queue_after_change().await;
        }
        Ok(changed)
    }
}
