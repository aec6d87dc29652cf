//! Realtime-visitor sessions (seed 000): for each visitor token on the site, its page count,
//! location, device, presence and chat state. The tracker creates a session with
//! `session.addLocationData` or `session.updateVisitCount`; the other calls need one. Only a
//! registered visitor gets a session (`[invalid-token]` otherwise, writing nothing): a session
//! shows in every agent's live-visitors view, so made-up tokens must not be able to add any.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::validate::{self, limits};
use super::{Livechat, VisitorInput};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::{chat_status, CurrentPage, Message, Room, SessionAgent, VisitorSession};
use crate::store::Exec;
use crate::time::Timestamp;

const SESSION_STATUSES: [&str; 3] = ["online", "away", "offline"];
const MAX_DESCRIPTION_KEYS: usize = 32;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationData {
    pub token: Option<String>,
    pub location: Option<Map<String, Value>>,
    pub device_info: Option<Map<String, Value>>,
}

fn session_not_found() -> ApiError {
    ApiError::meteor(
        "error-session-not-found",
        "No visitor session exists for this token",
    )
}

impl Livechat {
    /// `POST livechat/session.updateVisitCount/:token`: one more page viewed; the new count.
    pub async fn count_page_view(&self, token: &str) -> ApiResult<i64> {
        validate::required("token", Some(token), limits::TOKEN)?;
        let token = token.to_string();
        self.store()
            .write(move |exec| {
                Box::pin(async move {
                    let now = Timestamp::now();
                    let (mut session, _) = session_or_new(exec, &token, now).await?;
                    session.count += 1;
                    session.updated_at = now;
                    exec.save_session(&session).await?;
                    Ok(session.count)
                })
            })
            .await
    }

    /// `GET livechat/session.visitorInfo/:token`.
    pub async fn visitor_session(&self, token: &str) -> ApiResult<VisitorSession> {
        validate::required("token", Some(token), limits::TOKEN)?;
        let mut conn = self.store().read().await?;
        conn.exec()
            .session_by_token(token)
            .await?
            .ok_or_else(session_not_found)
    }

    /// `POST livechat/session.addLocationData`: where the visitor is and what it browses with.
    pub async fn add_location_data(&self, input: LocationData) -> ApiResult<()> {
        let token = validate::required("token", input.token.as_deref(), limits::TOKEN)?;
        let device_info = input
            .device_info
            .ok_or_else(|| ApiError::invalid("must have required property 'deviceInfo'"))?;
        check_description("deviceInfo", &device_info, &["os", "browserName"], &[])?;
        let location = input.location.map(complete_location).transpose()?;
        let token = token.to_string();
        self.store()
            .write(move |exec| {
                Box::pin(async move {
                    let now = Timestamp::now();
                    let (mut session, created) = session_or_new(exec, &token, now).await?;
                    if created {
                        // The page that reports the location is the session's first view.
                        session.count = 1;
                    }
                    if location.is_some() {
                        session.location = location;
                    }
                    session.device_info = Some(Value::Object(device_info));
                    session.updated_at = now;
                    exec.save_session(&session).await?;
                    Ok(())
                })
            })
            .await
    }

    /// `POST livechat/session.updateVisitorSessionOnRegister`: who the visitor said it is.
    pub async fn update_session_on_register(&self, visitor: VisitorInput) -> ApiResult<()> {
        let token = validate::required("visitor.token", visitor.token.as_deref(), limits::TOKEN)?;
        validate::optional("visitor.name", visitor.name.as_deref(), limits::NAME)?;
        validate::optional("visitor.email", visitor.email.as_deref(), limits::EMAIL)?;
        validate::optional("visitor.phone", visitor.phone.as_deref(), limits::PHONE)?;
        validate::optional(
            "visitor.department",
            visitor.department.as_deref(),
            limits::DEPARTMENT,
        )?;
        validate::optional(
            "visitor.username",
            visitor.username.as_deref(),
            limits::NAME,
        )?;
        super::custom_fields::validate_inputs(
            visitor.custom_fields.as_deref().unwrap_or_default(),
        )?;
        let token = token.to_string();
        let mut info = json!({
            "name": visitor.name,
            "email": visitor.email,
            "phone": visitor.phone,
            "department": visitor.department,
            "username": visitor.username,
            "customFields": visitor.custom_fields,
        });
        if let Value::Object(fields) = &mut info {
            fields.retain(|_, v| !v.is_null());
        }
        self.store()
            .write(move |exec| {
                Box::pin(async move {
                    let mut session = exec
                        .session_for_update(&token)
                        .await?
                        .ok_or_else(session_not_found)?;
                    session.visitor_info = Some(info);
                    session.updated_at = Timestamp::now();
                    exec.save_session(&session).await?;
                    Ok(())
                })
            })
            .await
    }

    /// `POST livechat/session.updateSessionStatus`: the visitor is online, away or offline.
    pub async fn update_session_status(&self, token: &str, status: &str) -> ApiResult<()> {
        validate::required("token", Some(token), limits::TOKEN)?;
        if !SESSION_STATUSES.contains(&status) {
            return Err(ApiError::invalid(format!(
                "'status' must be one of {}",
                SESSION_STATUSES.join(", ")
            )));
        }
        let (token, status) = (token.to_string(), status.to_string());
        self.store()
            .write(move |exec| {
                Box::pin(async move {
                    let mut session = exec
                        .session_for_update(&token)
                        .await?
                        .ok_or_else(session_not_found)?;
                    set_presence(&mut session, &status, Timestamp::now());
                    exec.save_session(&session).await?;
                    Ok(())
                })
            })
            .await
    }
}

/// The session of `token`, locked for this write, or a new one (`true`) when it has none yet;
/// `[invalid-token]` when no visitor has that token.
async fn session_or_new(
    exec: &mut Exec<'_>,
    token: &str,
    now: Timestamp,
) -> ApiResult<(VisitorSession, bool)> {
    Ok(match exec.session_for_update(token).await? {
        Some(session) => (session, false),
        None => (new_session(exec, token, now).await?, true),
    })
}

/// A new session for the registered visitor of `token`, reflecting the room it may already
/// have; `[invalid-token]` when no visitor has that token.
async fn new_session(
    exec: &mut Exec<'_>,
    token: &str,
    now: Timestamp,
) -> ApiResult<VisitorSession> {
    let visitor = exec
        .visitor_by_token(token)
        .await?
        .ok_or_else(|| ApiError::meteor_code("invalid-token"))?;
    let mut session = VisitorSession {
        id: ids::random_id(),
        token: token.to_string(),
        location: None,
        device_info: None,
        created_at: now,
        count: 0,
        updated_at: now,
        chat_status: chat_status::NOT_STARTED.into(),
        status: "online".into(),
        visitor_info: None,
        chat_start: false,
        chat_start_time: None,
        sentiment_score: 0,
        offline_time: None,
        visitor_id: Some(visitor.id.clone()),
        current_page: None,
        rid: None,
        served_by: None,
    };
    session.visitor_info = Some(json!({ "name": visitor.name, "email": visitor.email() }));
    let open_room = exec.open_room_of_token(token).await?;
    // The tracker may report the first page before the session exists (a site's script calls
    // `page.visited` and then `session.updateVisitCount`); that page is the current one.
    let last_page = match &open_room {
        Some(room) => exec.newest_navigation_of_room(&room.id).await?,
        None => exec.orphan_navigation(token).await?.pop(),
    };
    session.current_page = last_page.as_ref().and_then(current_page_of);
    if let Some(room) = open_room {
        mark_chat_opened(&mut session, room.ts);
        show_chat(&mut session, &room);
    } else if exec.has_room_of_token(token).await? {
        session.chat_status = chat_status::CLOSED.into();
    }
    Ok(session)
}

/// The page a `livechat_navigation_history` message records.
fn current_page_of(message: &Message) -> Option<CurrentPage> {
    let page = message.navigation.as_ref()?.get("page")?;
    Some(CurrentPage {
        title: page.get("title")?.as_str()?.to_string(),
        url: page.get("location")?.get("href")?.as_str()?.to_string(),
        ts: message.ts,
    })
}

pub(super) fn set_presence(session: &mut VisitorSession, status: &str, now: Timestamp) {
    session.status = status.to_string();
    session.offline_time = (status == "offline").then_some(now);
    session.updated_at = now;
}

pub(super) fn mark_chat_opened(session: &mut VisitorSession, when: Timestamp) {
    session.chat_start = true;
    session.chat_start_time = Some(when);
    session.chat_status = chat_status::OPEN.into();
    session.updated_at = when;
}

/// `room` is closing: the session shows no chat any more (unless it already shows another).
pub(super) fn mark_chat_closed(session: &mut VisitorSession, room: &Room, when: Timestamp) {
    session.chat_start = false;
    session.chat_status = chat_status::CLOSED.into();
    session.updated_at = when;
    if session.rid.is_none() || session.rid.as_deref() == Some(room.id.as_str()) {
        session.rid = None;
        session.served_by = None;
    }
}

/// The session shows the open `room` and who serves it, so staff need not guess them.
pub(super) fn show_chat(session: &mut VisitorSession, room: &Room) {
    session.rid = Some(room.id.clone());
    session.served_by = room.served_by.as_ref().map(|agent| SessionAgent {
        id: agent.id.clone(),
        username: agent.username.clone(),
    });
}

/// After the open `room` changed hands (taken, assigned, forwarded, returned to the queue):
/// its visitor's session, if any, shows the new agent (or none), and the live-visitors stream
/// hears it. Called inside the transaction that changed the room, after its lock (room, then
/// session: the lock order of every path that touches both).
pub(super) async fn refresh_session_chat(
    exec: &mut Exec<'_>,
    room: &Room,
    now: Timestamp,
) -> ApiResult<()> {
    if let Some(mut session) = exec.session_for_update(&room.v.token).await? {
        show_chat(&mut session, room);
        session.updated_at = now;
        exec.save_session(&session).await?;
    }
    Ok(())
}

/// Checks a flat description object: a bounded number of scalar values, short strings, and the
/// named keys present as strings.
fn check_description(
    field: &str,
    object: &Map<String, Value>,
    required: &[&str],
    numeric: &[&str],
) -> ApiResult<()> {
    if object.len() > MAX_DESCRIPTION_KEYS {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have more than {MAX_DESCRIPTION_KEYS} properties"
        )));
    }
    for key in required {
        match object.get(*key) {
            Some(Value::String(_)) => {}
            Some(_) => return Err(ApiError::invalid(format!("'{field}.{key}' must be string"))),
            None => {
                return Err(ApiError::invalid(format!(
                    "must have required property '{field}.{key}'"
                )))
            }
        }
    }
    for (key, value) in object {
        validate::within(&format!("{field} key"), key, limits::LOCATION_TEXT)?;
        match value {
            Value::String(text) => {
                validate::within(&format!("{field}.{key}"), text, limits::LOCATION_TEXT)?;
                if numeric.contains(&key.as_str()) {
                    return Err(ApiError::invalid(format!("'{field}.{key}' must be number")));
                }
            }
            Value::Number(_) | Value::Bool(_) | Value::Null => {}
            _ => {
                return Err(ApiError::invalid(format!(
                    "'{field}.{key}' must be a string or a number"
                )))
            }
        }
    }
    Ok(())
}

/// Validates a location and adds `completLocation` (sic, as the seed spells it) when missing:
/// "Country, Region, City" from the parts that are present.
fn complete_location(mut location: Map<String, Value>) -> ApiResult<Value> {
    check_description("location", &location, &[], &["latitude", "longitude"])?;
    for (key, range) in [("latitude", 90.0), ("longitude", 180.0)] {
        if let Some(value) = location.get(key) {
            match value.as_f64() {
                Some(v) if (-range..=range).contains(&v) => {}
                _ => {
                    return Err(ApiError::invalid(format!(
                        "'location.{key}' must be a number between -{range} and {range}"
                    )))
                }
            }
        }
    }
    if !location.contains_key("completLocation") {
        let parts: Vec<&str> = ["countryName", "region", "city"]
            .iter()
            .filter_map(|key| location.get(*key).and_then(Value::as_str))
            .filter(|part| !part.is_empty())
            .collect();
        if !parts.is_empty() {
            location.insert("completLocation".into(), Value::String(parts.join(", ")));
        }
    }
    Ok(Value::Object(location))
}
