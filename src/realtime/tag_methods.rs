//! `livechat:saveTag` and `livechat:removeTag`: Rocket.Chat keeps tags through these DDP
//! methods (its admin screens call them through `method.call`), for `manage-livechat-tags`.

use serde_json::Value;

use super::agent_methods::{logged_in, match_failed, optional_text, required_text};
use super::connection::Connection;
use super::ddp_error::DdpError;
use crate::accounts::permissions::permission::MANAGE_LIVECHAT_TAGS;
use crate::ejson;
use crate::model::User;

async fn tag_manager(conn: &Connection) -> Result<User, DdpError> {
    logged_in(conn)
        .await?
        .filter(|u| {
            conn.rt
                .livechat
                .permissions()
                .has(&u.roles, MANAGE_LIVECHAT_TAGS)
        })
        .ok_or_else(|| DdpError::new("error-not-allowed", "Not allowed"))
}

/// `livechat:saveTag [_id | null, {name, description?}, [departmentId…]]` → the saved tag.
pub async fn save_tag(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    tag_manager(conn).await?;
    let id = optional_text(params.first().unwrap_or(&Value::Null))?;
    let data = params.get(1).ok_or_else(match_failed)?;
    if !data.is_object() {
        return Err(match_failed());
    }
    let name = required_text(&data["name"])?;
    let description = optional_text(&data["description"])?;
    let departments = match params.get(2) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|d| required_text(d).map(str::to_string))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(match_failed()),
    };
    let tag = conn
        .rt
        .livechat
        .save_tag(id, name, description, &departments)
        .await?;
    let tag = serde_json::to_value(tag).map_err(crate::error::ApiError::from)?;
    Ok(ejson::to_ejson(tag))
}

/// `livechat:removeTag [id]` → `true`.
pub async fn remove_tag(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    tag_manager(conn).await?;
    let id = required_text(params.first().unwrap_or(&Value::Null))?;
    conn.rt.livechat.remove_tag(id).await?;
    Ok(Value::Bool(true))
}
