//! DDP methods (reference §A.6): logging in and out, the visitor's connection setup, and the
//! typing notifications written to `stream-notify-room` (with Rocket.Chat's bridge between the
//! old `typing` and the new `user-activity` events).

use serde_json::{json, Value};

use super::agent_methods;
use super::connection::Connection;
use super::ddp_error::DdpError;
use super::frames::ServerFrame;
use super::streams::may_read_room;
use crate::accounts::secrets::Password;
use crate::ejson;
use crate::error::ApiError;
use crate::store::streams::NOTIFY_ROOM;
use crate::store::NewEvent;

/// Methods that only make sense on a live socket (they tie a login or a visitor's presence
/// to the connection): REST's `method.call` refuses them.
pub const SOCKET_ONLY: [&str; 3] = ["login", "logout", "livechat:setUpConnection"];

/// The `result` frame answering method call `id`.
pub fn result_frame(id: &str, outcome: Result<Value, DdpError>) -> ServerFrame {
    let (result, error) = match outcome {
        Ok(Value::Null) => (None, None),
        Ok(value) => (Some(value), None),
        Err(error) => (None, Some(error.to_value())),
    };
    ServerFrame::Result {
        id: id.to_string(),
        result,
        error,
    }
}

pub async fn call(conn: &mut Connection, name: &str, params: &[Value]) -> Result<Value, DdpError> {
    match name {
        "login" => login(conn, params.first()).await,
        "logout" => logout(conn).await,
        "livechat:setUpConnection" => set_up_connection(conn, params.first()).await,
        NOTIFY_ROOM => notify_room(conn, params).await,
        "sendMessage" => agent_methods::send_message(conn, params).await,
        "rooms/get" => agent_methods::get_rooms(conn, params).await,
        "livechat:saveBusinessHour" => {
            super::business_hour_methods::save_business_hour(conn, params).await
        }
        "livechat:saveCustomField" => {
            super::custom_field_methods::save_custom_field(conn, params).await
        }
        "livechat:removeCustomField" => {
            super::custom_field_methods::remove_custom_field(conn, params).await
        }
        "sendSMTPTestEmail" => super::mail_methods::send_smtp_test_email(conn).await,
        "livechat:saveTag" => super::tag_methods::save_tag(conn, params).await,
        "livechat:removeTag" => super::tag_methods::remove_tag(conn, params).await,
        "livechat:saveTrigger" => super::trigger_methods::save_trigger(conn, params).await,
        "livechat:removeTrigger" => super::trigger_methods::remove_trigger(conn, params).await,
        "livechat:returnAsInquiry" => agent_methods::return_as_inquiry(conn, params).await,
        "UserPresence:setDefaultStatus" => agent_methods::set_default_status(conn, params).await,
        "UserPresence:online" => agent_methods::set_presence(conn, "online").await,
        "UserPresence:away" => agent_methods::set_presence(conn, "away").await,
        _ => Err(DdpError::new(404, format!("Method '{name}' not found"))),
    }
}

/// `login` with `{user: {username|email}, password: {digest, algorithm}}` or `{resume}`.
async fn login(conn: &mut Connection, request: Option<&Value>) -> Result<Value, DdpError> {
    let request = request.ok_or_else(|| DdpError::new(400, "Match failed"))?;
    // Too many attempts keep their own error; any other failure reads as Meteor's.
    let refused = |reason: &'static str| {
        move |err: ApiError| match err {
            ApiError::TooManyRequests { .. } => DdpError::from(err),
            _ => DdpError::new(403, reason),
        }
    };
    let client = conn.client_ip;
    let (session, kind) = if let Some(token) = request["resume"].as_str() {
        let session = conn
            .rt
            .accounts
            .resume(token, client)
            .await
            .map_err(refused(
                "You've been logged out by the server. Please log in again.",
            ))?;
        (session, "resume")
    } else {
        let user = &request["user"];
        let login = user["username"]
            .as_str()
            .or_else(|| user["email"].as_str())
            .or_else(|| request["user"].as_str())
            .filter(|l| !l.trim().is_empty())
            .ok_or_else(|| DdpError::new(400, "Match failed"))?;
        let password = match &request["password"] {
            Value::String(plain) => Password::Plain(plain.clone()),
            Value::Object(digest) if digest.get("algorithm") == Some(&json!("sha-256")) => {
                match digest.get("digest").and_then(Value::as_str) {
                    Some(digest) => Password::Sha256Digest(digest.to_string()),
                    None => return Err(DdpError::new(400, "Match failed")),
                }
            }
            _ => return Err(DdpError::new(400, "Match failed")),
        };
        let session = conn
            .rt
            .accounts
            .login_with_password(login, password, client)
            .await
            .map_err(refused("Incorrect password"))?;
        (session, "password")
    };
    // ddp-client reads the logged-in user from this `added` frame.
    conn.send(ServerFrame::Added {
        collection: "users".to_string(),
        id: session.user.id.clone(),
        fields: json!({ "username": session.user.username }),
    });
    let result = json!({
        "id": session.user.id,
        "token": session.token,
        "tokenExpires": ejson::date(session.expires),
        "type": kind,
    });
    tracing::info!(user = %session.user.username, "logged in over DDP");
    let presence = conn.rt.presence.clone();
    if let Some((previous, _)) = conn.user.take() {
        presence.user_disconnected(&previous.id).await;
    }
    presence.user_connected(&session.user.id).await;
    conn.user = Some((session.user, session.token));
    Ok(result)
}

async fn logout(conn: &mut Connection) -> Result<Value, DdpError> {
    if let Some((user, token)) = conn.user.take() {
        conn.rt.presence.user_disconnected(&user.id).await;
        conn.rt
            .accounts
            .logout(&token)
            .await
            .map_err(|_| DdpError::new(500, "Logout failed"))?;
    }
    Ok(Value::Null)
}

/// Remembers which visitor this connection is (the widget calls it once connected): the
/// visitor is online while the connection lasts.
async fn set_up_connection(
    conn: &mut Connection,
    request: Option<&Value>,
) -> Result<Value, DdpError> {
    let token = request
        .and_then(|r| r["token"].as_str())
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .ok_or_else(|| DdpError::new(400, "Match failed"))?;
    if conn.visitor_token.as_deref() == Some(token) {
        return Ok(Value::Null);
    }
    let presence = conn.rt.presence.clone();
    if let Some(previous) = conn.visitor_token.take() {
        presence.visitor_disconnected(&previous).await;
    }
    presence.visitor_connected(token).await;
    conn.visitor_token = Some(token.to_string());
    Ok(Value::Null)
}

/// `stream-notify-room` writes: `["<rid>/typing", username, bool, extra]` or
/// `["<rid>/user-activity", username, activities, extra]`. Refused writes answer an empty
/// result, as Rocket.Chat's do.
async fn notify_room(conn: &mut Connection, params: &[Value]) -> Result<Value, DdpError> {
    let Some((rid, event)) = params
        .first()
        .and_then(Value::as_str)
        .and_then(|name| name.split_once('/'))
    else {
        return Ok(Value::Null);
    };
    let Some(username) = params.get(1).and_then(Value::as_str) else {
        return Ok(Value::Null);
    };
    let extra = params.get(3).cloned().unwrap_or(Value::Null);
    let typing = match event {
        "typing" => params.get(2).and_then(Value::as_bool).unwrap_or(false),
        "user-activity" => match params.get(2) {
            Some(Value::Array(activities)) => activities.contains(&json!("user-typing")),
            _ => return Ok(Value::Null),
        },
        _ => return Ok(Value::Null),
    };
    if !may_write_typing(conn, rid, username, &extra).await {
        return Ok(Value::Null);
    }
    let activities = if typing {
        json!(["user-typing"])
    } else {
        json!([])
    };
    // Through the outbox, so subscribers on every process hear it; not back to the sender.
    let origin = conn.rt.hub.origin(conn.id);
    let typing_name = format!("{rid}/typing");
    let activity_name = format!("{rid}/user-activity");
    let typing_args = json!([username, typing]);
    let activity_args = json!([username, activities, extra]);
    let events = [
        (typing_name.as_str(), &typing_args),
        (activity_name.as_str(), &activity_args),
    ];
    let recorded = async {
        let mut tx = conn.rt.livechat.store().begin().await?;
        for (event_name, args) in events {
            tx.exec()
                .record(&NewEvent {
                    collection: NOTIFY_ROOM,
                    event_name,
                    audience: None,
                    origin: Some(&origin),
                    args: &serde_json::to_string(args)?,
                })
                .await?;
        }
        tx.commit().await
    };
    if let Err(err) = recorded.await {
        tracing::warn!(error = %err, "recording a typing notification failed");
    }
    Ok(Value::Null)
}

/// A visitor of the room (token in `extra`), or a logged-in user typing under its own name.
async fn may_write_typing(conn: &Connection, rid: &str, username: &str, extra: &Value) -> bool {
    let token = extra["token"]
        .as_str()
        .or_else(|| extra["visitorToken"].as_str());
    if let Some(token) = token.or(conn.visitor_token.as_deref()) {
        if let Ok(Some(room)) = conn.rt.livechat.visitor_room(rid, token).await {
            return room.v.username == username;
        }
    }
    match &conn.user {
        Some((user, _)) if user.username == username => may_read_room(conn, rid, None).await,
        _ => false,
    }
}
