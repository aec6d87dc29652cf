//! `livechat:saveCustomField` and `livechat:removeCustomField`: Rocket.Chat's admin screens keep
//! the custom field definitions through these DDP methods (also through `method.call`), for
//! `view-livechat-manager`.

use serde_json::Value;

use super::agent_methods::{logged_in, match_failed, optional_text, required_text};
use super::connection::Connection;
use super::ddp_error::DdpError;
use crate::accounts::permissions::permission::VIEW_LIVECHAT_MANAGER;
use crate::ejson;
use crate::error::ApiError;
use crate::livechat::CustomFieldData;

async fn require_manager(conn: &Connection) -> Result<(), DdpError> {
    logged_in(conn)
        .await?
        .filter(|u| {
            conn.rt
                .livechat
                .permissions()
                .has(&u.roles, VIEW_LIVECHAT_MANAGER)
        })
        .map(|_| ())
        .ok_or_else(|| DdpError::new("error-not-allowed", "Not allowed"))
}

/// `livechat:saveCustomField [_id | null, customFieldData]` → the saved definition.
pub async fn save_custom_field(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    require_manager(conn).await?;
    let id = optional_text(params.first().unwrap_or(&Value::Null))?.filter(|id| !id.is_empty());
    let data = params.get(1).ok_or_else(match_failed)?;
    // Rocket.Chat's `check(…, Match.ObjectIncluding({field, label, scope, visibility, regexp,
    // searchable}))`: a missing or mistyped one is a Match failure, not a saved half-field.
    let data: CustomFieldData = serde_json::from_value(data.clone()).map_err(|_| match_failed())?;
    let saved = conn.rt.livechat.save_custom_field(id, data).await?;
    let saved = serde_json::to_value(saved).map_err(ApiError::from)?;
    Ok(ejson::to_ejson(saved))
}

/// `livechat:removeCustomField [_id]` → `true`.
pub async fn remove_custom_field(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    require_manager(conn).await?;
    let id = required_text(params.first().unwrap_or(&Value::Null))?;
    conn.rt.livechat.remove_custom_field(id).await?;
    Ok(Value::Bool(true))
}
