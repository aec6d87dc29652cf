//! `livechat:saveBusinessHour`: Rocket.Chat's DDP method (deprecated there in favour of
//! `POST livechat/business-hours.save`, still called by older admin screens through
//! `method.call`), for `view-livechat-business-hours`.

use serde_json::Value;

use super::agent_methods::{logged_in, match_failed};
use super::connection::Connection;
use super::ddp_error::DdpError;
use crate::accounts::permissions::permission::VIEW_LIVECHAT_BUSINESS_HOURS;
use crate::error::ApiError;

/// `livechat:saveBusinessHour [{_id, name, active, type, workHours, timezoneName}]` → no
/// result. A refused save is a Meteor error whose `error` is Rocket.Chat's message
/// (`error-business-hour-finish-time-before-start-time`, …).
pub async fn save_business_hour(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    logged_in(conn)
        .await?
        .filter(|u| {
            conn.rt
                .livechat
                .permissions()
                .has(&u.roles, VIEW_LIVECHAT_BUSINESS_HOURS)
        })
        .ok_or_else(|| DdpError::new("error-not-allowed", "Not allowed"))?;
    let hour = params
        .first()
        .filter(|h| h.is_object())
        .ok_or_else(match_failed)?;
    match conn.rt.livechat.save_business_hour(hour).await {
        Ok(_) => Ok(Value::Null),
        Err(ApiError::Failure { text, .. }) => Err(DdpError::new(text.clone(), text)),
        Err(err) => Err(err.into()),
    }
}
