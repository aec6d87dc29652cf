//! Subscriptions and their read rules (reference §A.5). Visitors never log in over DDP: they
//! name their token in the subscription's `args`; agents and managers log in first.

use serde_json::Value;

use super::hub::Topic;
use super::session::Connection;
use super::DdpError;

pub const ROOM_MESSAGES: &str = "stream-room-messages";
pub const NOTIFY_ROOM: &str = "stream-notify-room";
pub const LIVECHAT_ROOM: &str = "stream-livechat-room";

/// The topic a `sub` may listen to, or why not.
pub async fn authorize(conn: &Connection, name: &str, params: &[Value]) -> Result<Topic, DdpError> {
    let event_name = params
        .first()
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty() && e.len() <= 200)
        .ok_or_else(|| DdpError::new("invalid-params", "The event name must be a string"))?;
    let token = visitor_token(params);
    let rid = match name {
        // The visitor's own view of its room: readable with the room's token only.
        LIVECHAT_ROOM => {
            let token = token.or(conn.visitor_token.as_deref());
            return match token {
                Some(token)
                    if matches!(
                        conn.rt.livechat.visitor_room(event_name, token).await,
                        Ok(Some(_))
                    ) =>
                {
                    Ok(Topic {
                        collection: name.to_string(),
                        event_name: event_name.to_string(),
                    })
                }
                _ => Err(DdpError::not_allowed()),
            };
        }
        ROOM_MESSAGES => event_name,
        NOTIFY_ROOM => event_name
            .split_once('/')
            .map(|(rid, _)| rid)
            .ok_or_else(DdpError::not_allowed)?,
        _ => {
            return Err(DdpError::new(
                404,
                format!("Subscription '{name}' not found"),
            ))
        }
    };
    if !may_read_room(conn, rid, token).await {
        return Err(DdpError::not_allowed());
    }
    Ok(Topic {
        collection: name.to_string(),
        event_name: event_name.to_string(),
    })
}

/// The visitor token a subscription carries: `params[1].args[0].token` or `.visitorToken`.
fn visitor_token(params: &[Value]) -> Option<&str> {
    let extra = params.get(1)?.get("args")?.get(0)?;
    extra
        .get("visitorToken")
        .or_else(|| extra.get("token"))
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

/// A visitor with the room's token, or a logged-in user allowed to read the room.
pub async fn may_read_room(conn: &Connection, rid: &str, token: Option<&str>) -> bool {
    let livechat = &conn.rt.livechat;
    if let Some(token) = token.or(conn.visitor_token.as_deref()) {
        if matches!(livechat.visitor_room(rid, token).await, Ok(Some(_))) {
            return true;
        }
    }
    match &conn.user {
        Some((user, _)) => livechat.readable_room(user, rid).await.is_ok(),
        None => false,
    }
}
