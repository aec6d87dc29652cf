//! `livechat:saveTrigger` and `livechat:removeTrigger`: Rocket.Chat's DDP methods for
//! triggers (deprecated there since 6.x in favour of the REST routes, still called by older
//! admin screens through `method.call`), for `view-livechat-manager`.

use serde_json::Value;

use super::agent_methods::{logged_in, match_failed, required_text};
use super::connection::Connection;
use super::ddp_error::DdpError;
use crate::accounts::permissions::permission::VIEW_LIVECHAT_MANAGER;
use crate::model::User;

async fn trigger_manager(conn: &Connection) -> Result<User, DdpError> {
    logged_in(conn)
        .await?
        .filter(|u| {
            conn.rt
                .livechat
                .permissions()
                .has(&u.roles, VIEW_LIVECHAT_MANAGER)
        })
        .ok_or_else(|| DdpError::new("error-not-allowed", "Not allowed"))
}

/// `livechat:saveTrigger [{_id?, name, description, enabled, runOnce, conditions, actions}]`
/// → `true`.
pub async fn save_trigger(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    trigger_manager(conn).await?;
    let trigger = params
        .first()
        .filter(|t| t.is_object())
        .ok_or_else(match_failed)?;
    conn.rt.livechat.save_trigger(trigger).await?;
    Ok(Value::Bool(true))
}

/// `livechat:removeTrigger [triggerId]` → `true`.
pub async fn remove_trigger(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    trigger_manager(conn).await?;
    let id = required_text(params.first().unwrap_or(&Value::Null))?;
    conn.rt.livechat.remove_trigger(id).await?;
    Ok(Value::Bool(true))
}
