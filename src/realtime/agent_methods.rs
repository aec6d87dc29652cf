//! DDP methods of logged-in agents and managers (reference §A.6): replying (`sendMessage`, as
//! rocketchat-async does), listing their rooms (`rooms/get`), returning a chat to the queue
//! (`livechat:returnAsInquiry`), and presence (`UserPresence:*`,
//! as Rocket.Chat's own apps do). Each goes through the same domain service as its REST twin,
//! so the rules, the stored result and the realtime events are the same whichever way in.

use serde_json::{json, Value};

use super::connection::Connection;
use super::ddp_error::DdpError;
use crate::accounts::permissions::permission::VIEW_L_ROOM;
use crate::ejson;
use crate::model::{staff_view, User};
use crate::time::Timestamp;

/// `sendMessage [{_id?, rid, msg, tmid?}]`: the saved message, as `chat.sendMessage` saves it.
pub async fn send_message(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    let user = logged_in(conn).await?.ok_or_else(invalid_user)?;
    let message = params.first().ok_or_else(match_failed)?;
    let rid = required_text(&message["rid"])?;
    let msg = required_text(&message["msg"])?;
    let client_id = optional_text(&message["_id"])?;
    // Threads are not modelled: a thread reply (`tmid`) is checked for shape and then posted to
    // the room itself, where the visitor sees it, rather than refused.
    optional_text(&message["tmid"])?;
    let sent = conn
        .rt
        .livechat
        .send_agent_message(&user, rid, msg, client_id)
        .await?;
    Ok(ejson::to_ejson(staff_view(&sent).map_err(internal)?))
}

/// `rooms/get []`: the open rooms the user serves. `rooms/get [{"$date": ms}]`: those changed
/// since then, as `{update, remove}`. `remove` stays empty: Rocket.Chat lists deleted rooms
/// there, and livechat rooms are closed, never deleted, while their agents still hold them.
pub async fn get_rooms(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    let user = logged_in(conn).await?.ok_or_else(invalid_user)?;
    let since = match params.first() {
        None | Some(Value::Null) => None,
        Some(date) => {
            let date = serde_json::from_value::<EjsonDate>(date.clone());
            Some(Timestamp(date.map_err(|_| match_failed())?.millis))
        }
    };
    let rooms = conn.rt.livechat.served_open_rooms(&user, since).await?;
    let rooms = rooms
        .into_iter()
        .map(|room| {
            let mut room = staff_view(&room).map_err(internal)?;
            // Livechat rooms are known by the visitor's name; Rocket.Chat sets both fields.
            if room.get("name").is_none() {
                room["name"] = room["fname"].clone();
            }
            Ok(ejson::to_ejson(room))
        })
        .collect::<Result<Vec<Value>, DdpError>>()?;
    Ok(match since {
        None => Value::Array(rooms),
        Some(_) => json!({ "update": rooms, "remove": [] }),
    })
}

/// `livechat:returnAsInquiry [rid, departmentId?]`: as `livechat/inquiries.returnAsInquiry`;
/// answers `true`, or `false` when the chat was not served. Without `view-l-room` (or a login)
/// it is `error-not-allowed`, as in Rocket.Chat.
pub async fn return_as_inquiry(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    let user = logged_in(conn)
        .await?
        .filter(|u| conn.rt.livechat.permissions().has(&u.roles, VIEW_L_ROOM))
        .ok_or_else(|| DdpError::new("error-not-allowed", "Not allowed"))?;
    let rid = required_text(params.first().unwrap_or(&Value::Null))?;
    let department = optional_text(params.get(1).unwrap_or(&Value::Null))?;
    let returned = conn
        .rt
        .livechat
        .return_as_inquiry(&user, rid, department)
        .await?;
    Ok(Value::Bool(returned))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EjsonDate {
    #[serde(rename = "$date")]
    millis: i64,
}

/// `UserPresence:setDefaultStatus [status]`.
pub async fn set_default_status(conn: &Connection, params: &[Value]) -> Result<Value, DdpError> {
    let status = params
        .first()
        .and_then(Value::as_str)
        .ok_or_else(match_failed)?;
    set_presence(conn, status).await
}

/// `UserPresence:online` / `UserPresence:away` and the default status: the user's presence,
/// as `users.setStatus` sets it. Without a login the call is ignored, as Rocket.Chat does.
pub async fn set_presence(conn: &Connection, status: &str) -> Result<Value, DdpError> {
    let Some(user) = logged_in(conn).await? else {
        return Ok(Value::Null);
    };
    let user = conn.rt.accounts.set_status(&user.id, status).await?;
    // As with REST users.setStatus: an agent coming online can take the waiting chats.
    if user.takes_chats() {
        conn.rt.livechat.drain_queue_after_change().await;
    }
    Ok(Value::Null)
}

/// The user this connection logged in as, read again so that a revoked token, a deleted or
/// deactivated account, or changed roles take effect at once (as they do on REST).
pub(super) async fn logged_in(conn: &Connection) -> Result<Option<User>, DdpError> {
    let Some((user, token)) = &conn.user else {
        return Ok(None);
    };
    Ok(conn.rt.accounts.authenticate(&user.id, token).await?)
}

pub(super) fn required_text(value: &Value) -> Result<&str, DdpError> {
    value.as_str().ok_or_else(match_failed)
}

pub(super) fn optional_text(value: &Value) -> Result<Option<&str>, DdpError> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        _ => Err(match_failed()),
    }
}

fn invalid_user() -> DdpError {
    DdpError::new("error-invalid-user", "Invalid user")
}

pub(super) fn match_failed() -> DdpError {
    DdpError::new(400, "Match failed")
}

fn internal(err: serde_json::Error) -> DdpError {
    crate::error::ApiError::from(err).into()
}
