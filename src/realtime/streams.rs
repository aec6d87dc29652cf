//! Subscriptions and their read rules (reference §A.5). Visitors never log in over DDP: they
//! name their token in the subscription's `args`; agents and managers log in first.
//!
//! Whether a visitor token opens a room is an oracle (`ready` or `nosub`), so subscriptions
//! checked against one spend the client IP's budget of the REST visitor API, where the same
//! token would be checked: guesses are limited alike on both transports.
//!
//! A subscriber may also name the last `seq` it saw (`args[0].since`, or `since` beside
//! `args`): it then first receives every stored event of the stream it missed since.
//!
//! Each grant also says who it was granted to (its `View`): a visitor hears events as they
//! were recorded, staff never hear a visitor's token and, on the live-visitors stream, only
//! visitors of their departments.

use serde_json::Value;

use super::connection::Connection;
use super::ddp_error::DdpError;
use super::topic::Topic;
use super::views::View;
use crate::accounts::permissions::permission::{VIEW_CANNED_RESPONSES, VIEW_L_ROOM};
use crate::store::streams::{
    CANNED_RESPONSES, CANNED_RESPONSES_EVENT, INQUIRY_QUEUE, LIVECHAT_ROOM, MY_MESSAGES,
    NOTIFY_ROOM, NOTIFY_USER, ROOM_MESSAGES, SESSIONS_EVENT, VISITOR_SESSIONS,
};

/// An authorized subscription: what it listens to, and where it catches up from.
pub struct Subscription {
    pub topic: Topic,
    pub since: Option<i64>,
    pub view: View,
}

/// The subscription a `sub` asks for, or why not.
pub async fn authorize(
    conn: &Connection,
    name: &str,
    params: &[Value],
) -> Result<Subscription, DdpError> {
    let event_name = event_name(params)?;
    let token = visitor_token(params);
    let checks_a_token = match name {
        ROOM_MESSAGES => event_name != MY_MESSAGES,
        LIVECHAT_ROOM | NOTIFY_ROOM => true,
        _ => false,
    };
    if checks_a_token && token.or(conn.visitor_token.as_deref()).is_some() {
        spend_visitor_budget(conn)?;
    }
    grant(conn, name, params).await
}

fn event_name(params: &[Value]) -> Result<&str, DdpError> {
    params
        .first()
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty() && e.len() <= 200)
        .ok_or_else(|| DdpError::new("invalid-params", "The event name must be a string"))
}

/// The read rules alone, without spending the visitor budget: also how a held subscription
/// is re-checked after the permission table changed.
pub async fn grant(
    conn: &Connection,
    name: &str,
    params: &[Value],
) -> Result<Subscription, DdpError> {
    let event_name = event_name(params)?;
    let token = visitor_token(params);
    let mut topic = Topic::new(name, event_name);
    let staff_if = |allowed: bool| allowed.then(View::staff);
    let view = match name {
        // The visitor's own view of its room: readable with the room's token only.
        LIVECHAT_ROOM => match token.or(conn.visitor_token.as_deref()) {
            Some(token) => matches!(
                conn.rt.livechat.visitor_room(event_name, token).await,
                Ok(Some(_))
            )
            .then_some(View::Visitor),
            None => None,
        },
        ROOM_MESSAGES if event_name == MY_MESSAGES => match &conn.user {
            Some((user, _)) => {
                topic.audience = Some(user.id.clone());
                Some(View::staff())
            }
            None => None,
        },
        ROOM_MESSAGES => room_reader(conn, event_name, token).await,
        NOTIFY_ROOM => match event_name.split_once('/') {
            Some((rid, _)) => room_reader(conn, rid, token).await,
            None => None,
        },
        // A user's own notifications only.
        NOTIFY_USER => staff_if(match (&conn.user, event_name.split_once('/')) {
            (Some((user, _)), Some((uid, _))) => uid == user.id,
            _ => false,
        }),
        INQUIRY_QUEUE => staff_if(may_observe_queue(conn, event_name).await),
        VISITOR_SESSIONS if event_name == SESSIONS_EVENT => session_watcher(conn).await,
        VISITOR_SESSIONS => None,
        CANNED_RESPONSES if event_name == CANNED_RESPONSES_EVENT => canned_reader(conn).await,
        CANNED_RESPONSES => None,
        _ => {
            return Err(DdpError::new(
                404,
                format!("Subscription '{name}' not found"),
            ))
        }
    };
    let Some(view) = view else {
        return Err(DdpError::not_allowed());
    };
    Ok(Subscription {
        topic,
        since: since(params)?,
        view,
    })
}

/// The queue of `public` (chats of no department) for every agent; `department/<id>` for
/// agents of that department, and for managers.
async fn may_observe_queue(conn: &Connection, event_name: &str) -> bool {
    let Some((user, _)) = conn.user.as_ref() else {
        return false;
    };
    if !conn.rt.livechat.permissions().has(&user.roles, VIEW_L_ROOM) {
        return false;
    }
    if event_name == "public" {
        return true;
    }
    match event_name.strip_prefix("department/") {
        Some(department) => match conn.rt.livechat.department_scope(user).await {
            Ok(scope) => scope.admits(Some(department)),
            Err(_) => false,
        },
        None => false,
    }
}

/// The live-visitors view: any `view-l-room` holder, hearing the visitors of the departments
/// it may see (all for managers).
async fn session_watcher(conn: &Connection) -> Option<View> {
    let (user, _) = conn.user.as_ref()?;
    if !conn.rt.livechat.permissions().has(&user.roles, VIEW_L_ROOM) {
        return None;
    }
    conn.rt
        .livechat
        .department_scope(user)
        .await
        .ok()
        .map(View::Staff)
}

/// The canned responses' stream: `view-canned-responses` holders (Rocket.Chat's read rule,
/// without its Enterprise switch), hearing the responses of the departments they may see and
/// their own private ones.
async fn canned_reader(conn: &Connection) -> Option<View> {
    let (user, _) = conn.user.as_ref()?;
    if !conn
        .rt
        .livechat
        .permissions()
        .has(&user.roles, VIEW_CANNED_RESPONSES)
    {
        return None;
    }
    let scope = conn.rt.livechat.department_scope(user).await.ok()?;
    Some(View::Owner {
        scope,
        user_id: user.id.clone(),
    })
}

/// One request of the client IP's visitor API budget; too-many-requests once it is spent.
fn spend_visitor_budget(conn: &Connection) -> Result<(), DdpError> {
    match conn.client_ip {
        Some(ip) => conn.rt.visitor_api_limit.check(ip).map_err(DdpError::from),
        None => Ok(()),
    }
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

/// The catch-up point: `params[1].args[0].since` or `params[1].since`, a non-negative integer.
fn since(params: &[Value]) -> Result<Option<i64>, DdpError> {
    let options = params.get(1);
    let value = options
        .and_then(|o| o.get("args"))
        .and_then(|a| a.get(0))
        .and_then(|extra| extra.get("since"))
        .or_else(|| options.and_then(|o| o.get("since")));
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .filter(|s| *s >= 0)
            .map(Some)
            .ok_or_else(|| DdpError::new("invalid-params", "'since' must be a sequence number")),
    }
}

/// A visitor with the room's token, or a logged-in user allowed to read the room.
pub async fn may_read_room(conn: &Connection, rid: &str, token: Option<&str>) -> bool {
    room_reader(conn, rid, token).await.is_some()
}

/// Who reads room `rid` here: its visitor (with the room's token), staff allowed to read it, or
/// nobody.
async fn room_reader(conn: &Connection, rid: &str, token: Option<&str>) -> Option<View> {
    let livechat = &conn.rt.livechat;
    if let Some(token) = token.or(conn.visitor_token.as_deref()) {
        if matches!(livechat.visitor_room(rid, token).await, Ok(Some(_))) {
            return Some(View::Visitor);
        }
    }
    let (user, _) = conn.user.as_ref()?;
    livechat
        .readable_room(user, rid)
        .await
        .is_ok()
        .then(View::staff)
}
