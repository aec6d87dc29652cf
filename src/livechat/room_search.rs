//! What agents and managers read about rooms (reference §3.5, §3.6, §3.10, §3.16): the room
//! list with its filters, a visitor's chat history, a room's conversation and the pages its
//! visitor viewed. Reading a room's contents needs the right to read that room
//! ([`Livechat::readable_room`]).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::access::sees_all_departments;
use super::sort::{SortKey, Sorting};
use super::validate::{self, limits};
use super::Livechat;
use crate::accounts::permissions::permission::{VIEW_LIVECHAT_ROOMS, VIEW_L_ROOM};
use crate::error::{ApiError, ApiResult};
use crate::model::{Message, Room, User};
use crate::store::{Direction, Exec, MessageKind, OrderBy, RoomFilter, TimeRange};
use crate::time::Timestamp;

/// How many agents or departments one room-list request may name.
pub const MAX_FILTER_VALUES: usize = 100;

/// The un-paginated `visitors.pagesVisited?roomId=` form returns at most this many pages,
/// newest first; the paginated form reaches the rest.
pub const MAX_PAGES_UNPAGINATED: i64 = 1000;

pub(super) const ROOM_SORTING: Sorting = Sorting {
    keys: &[
        SortKey::column("ts", "ts"),
        SortKey::column("_updatedAt", "updated_at"),
        SortKey::optional("closedAt", "closed_at"),
        SortKey::optional("fname", "fname_lower"),
    ],
    default: &[("ts", Direction::Desc)],
    tiebreak: "id",
};

const CONVERSATION_SORTING: Sorting = Sorting {
    keys: &[SortKey::column("ts", "ts")],
    default: &[("ts", Direction::Asc)],
    tiebreak: "seq",
};

const TRANSFERS_SORTING: Sorting = Sorting {
    keys: &[SortKey::column("ts", "ts")],
    default: &[("ts", Direction::Asc)],
    tiebreak: "seq",
};

const PAGES_SORTING: Sorting = Sorting {
    keys: &[SortKey::column("ts", "ts")],
    default: &[("ts", Direction::Desc)],
    tiebreak: "seq",
};

/// `GET livechat/rooms` parameters as the client sent them.
#[derive(Debug, Default)]
pub struct RoomListQuery {
    pub agents: Vec<String>,
    pub departments: Vec<String>,
    pub open: Option<String>,
    pub created_at: Option<String>,
    pub closed_at: Option<String>,
    pub room_name: Option<String>,
    pub sort: Option<String>,
    pub tags: Vec<String>,
    pub queued: Option<String>,
    pub onhold: Option<String>,
    pub custom_fields: Option<String>,
    pub fields: Option<String>,
}

/// `visitors.searchChats`' narrowing: `closedChatsOnly`, `servedChatsOnly`, `searchText`.
#[derive(Debug, Default)]
pub struct ChatSearch {
    pub text: Option<String>,
    pub closed_only: bool,
    pub served_only: bool,
    pub sort: Option<String>,
}

/// A page of a listing and how many items match in all.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl Livechat {
    /// `GET livechat/rooms`: managers see every room; an agent may list only the rooms it
    /// serves, by asking for exactly its own id in `agents`.
    pub async fn list_rooms(
        &self,
        user: &User,
        query: RoomListQuery,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Value>> {
        let filter = room_filter(&query)?;
        let order = ROOM_SORTING.order_by(query.sort.as_deref())?;
        let own_rooms_only = query.agents.len() == 1 && query.agents[0] == user.id;
        let allowed = self.permissions().has(&user.roles, VIEW_LIVECHAT_ROOMS)
            || (self.permissions().has(&user.roles, VIEW_L_ROOM) && own_rooms_only);
        if !allowed {
            return Err(ApiError::Unauthorized);
        }
        let mut conn = self.store().read().await?;
        let (rooms, total) = conn
            .exec()
            .search_rooms(&filter, &order, offset, count)
            .await?;
        let items = rooms_as_listed(&mut conn.exec(), rooms).await?;
        Ok(Page { items, total })
    }

    /// `GET livechat/visitors.chatHistory/room/:roomId/visitor/:visitorId`: every room of the
    /// visitor, for a caller allowed to read `rid` (which only grants access; it does not filter).
    pub async fn visitor_chat_history(
        &self,
        user: &User,
        rid: &str,
        visitor_id: &str,
        sort: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Room>> {
        let everything = ChatSearch {
            sort: sort.map(str::to_string),
            ..ChatSearch::default()
        };
        self.search_visitor_chats(user, rid, visitor_id, everything, offset, count)
            .await
    }

    /// `GET livechat/visitors.searchChats/room/:roomId/visitor/:visitorId`: the visitor's
    /// rooms, newest first, narrowed by [`ChatSearch`]; the same access rule as
    /// [`Livechat::visitor_chat_history`].
    pub async fn search_visitor_chats(
        &self,
        user: &User,
        rid: &str,
        visitor_id: &str,
        search: ChatSearch,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Room>> {
        let order = ROOM_SORTING.order_by(search.sort.as_deref())?;
        let text = validate::optional("searchText", search.text.as_deref(), limits::NAME)?
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        self.may_read_visitor_history(user, rid, visitor_id).await?;
        let filter = RoomFilter {
            visitor_id: Some(visitor_id.to_string()),
            open: search.closed_only.then_some(false),
            served_only: search.served_only,
            message_text: text,
            ..RoomFilter::default()
        };
        let (items, total) = self
            .store()
            .read()
            .await?
            .exec()
            .search_rooms(&filter, &order, offset, count)
            .await?;
        Ok(Page { items, total })
    }

    /// Reading `rid` grants reading its visitor's history; a plain agent must name the room's
    /// own visitor, so that reading one room does not open every other visitor's history.
    async fn may_read_visitor_history(
        &self,
        user: &User,
        rid: &str,
        visitor_id: &str,
    ) -> ApiResult<()> {
        validate::within("visitorId", visitor_id, limits::ID)?;
        let room = self.readable_room(user, rid).await?;
        if room.v.id != visitor_id && !sees_all_departments(self.permissions(), user) {
            return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
        }
        Ok(())
    }

    /// DDP `rooms/get`: the rooms `user` has a subscription to, which for livechat are the
    /// open rooms it serves (managers too: their right to read every room does not make every
    /// room theirs). With `updated_after`, only those changed since then.
    pub async fn served_open_rooms(
        &self,
        user: &User,
        updated_after: Option<Timestamp>,
    ) -> ApiResult<Vec<Room>> {
        Ok(self
            .store()
            .read()
            .await?
            .exec()
            .open_rooms_served_by(&user.id, updated_after.map(Timestamp::millis))
            .await?)
    }

    /// `GET livechat/:rid/messages`: what was said in a room, oldest first by default.
    pub async fn room_conversation(
        &self,
        user: &User,
        rid: &str,
        sort: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Message>> {
        let order = CONVERSATION_SORTING.order_by(sort)?;
        self.room_messages(user, rid, MessageKind::Conversation, &order, offset, count)
            .await
    }

    /// `GET livechat/visitors.pagesVisited[/:roomId]`: the pages the room's visitor viewed,
    /// newest first by default.
    pub async fn pages_visited(
        &self,
        user: &User,
        rid: &str,
        sort: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Message>> {
        let order = PAGES_SORTING.order_by(sort)?;
        self.room_messages(user, rid, MessageKind::PagesVisited, &order, offset, count)
            .await
    }

    /// `GET livechat/transfer.history/:rid`: the room's `livechat_transfer_history` messages,
    /// oldest first by default (Rocket.Chat's order), so a console reads the chat's path.
    pub async fn transfer_history(
        &self,
        user: &User,
        rid: &str,
        sort: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Message>> {
        let order = TRANSFERS_SORTING.order_by(sort)?;
        self.room_messages(
            user,
            rid,
            MessageKind::TransferHistory,
            &order,
            offset,
            count,
        )
        .await
    }

    /// A page of one kind of message of a room `user` may read.
    async fn room_messages(
        &self,
        user: &User,
        rid: &str,
        kind: MessageKind,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Message>> {
        self.readable_room(user, rid).await?;
        let (items, total) = self
            .store()
            .read()
            .await?
            .exec()
            .room_messages_page(rid, kind, order, offset, count)
            .await?;
        Ok(Page { items, total })
    }
}

/// Rooms as `livechat/rooms` gives them: each with `department: {_id, name}` when it has one.
pub(super) async fn rooms_as_listed(
    exec: &mut Exec<'_>,
    rooms: Vec<Room>,
) -> ApiResult<Vec<Value>> {
    let department_ids: BTreeSet<String> = rooms
        .iter()
        .filter_map(|r| r.department_id.clone())
        .collect();
    let department_ids: Vec<String> = department_ids.into_iter().collect();
    let departments = exec.departments_by_ids(&department_ids).await?;
    rooms
        .into_iter()
        .map(|room| {
            let department = room
                .department_id
                .as_ref()
                .and_then(|id| departments.iter().find(|d| &d.id == id))
                .map(|d| json!({ "_id": d.id, "name": d.name }));
            let mut value = serde_json::to_value(&room)?;
            if let (Some(department), Value::Object(fields)) = (department, &mut value) {
                fields.insert("department".into(), department);
            }
            Ok(value)
        })
        .collect()
}

fn room_filter(query: &RoomListQuery) -> ApiResult<RoomFilter> {
    let agents = bounded_list("agents", &query.agents, limits::NAME)?;
    let departments = bounded_list("departmentId", &query.departments, limits::ID)?;
    let open = match query.open.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(ApiError::invalid("'open' must be \"true\" or \"false\"")),
    };
    let name = validate::optional("roomName", query.room_name.as_deref(), limits::NAME)?
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Ok(RoomFilter {
        agents,
        departments,
        open,
        created: date_range(DateParam::CreatedAt, query.created_at.as_deref())?,
        closed: date_range(DateParam::ClosedAt, query.closed_at.as_deref())?,
        name,
        tags: bounded_list("tags", &query.tags, limits::NAME)?,
        queued_only: truthy(query.queued.as_deref()),
        on_hold_only: truthy(query.onhold.as_deref()),
        custom_fields: custom_fields(query.custom_fields.as_deref())?,
        ..RoomFilter::default()
    })
}

/// `customFields`: a JSON object of custom field id → text the room's `livechatData` value
/// must contain (any case; Rocket.Chat's case-insensitive regex per key). Ids are custom
/// field ids (letters, digits, `_`, `-`); values strings.
fn custom_fields(raw: Option<&str>) -> ApiResult<Vec<(String, String)>> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(Vec::new());
    };
    let not_json = || ApiError::Code("The \"customFields\" query parameter must be a valid JSON.");
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(raw) else {
        return Err(not_json());
    };
    if fields.len() > MAX_FILTER_VALUES {
        return Err(ApiError::invalid(format!(
            "'customFields' must NOT have more than {MAX_FILTER_VALUES} keys"
        )));
    }
    fields
        .into_iter()
        .map(|(key, value)| {
            let key_ok = !key.is_empty()
                && key.len() <= limits::ID
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            match value {
                Value::String(text) if key_ok => {
                    validate::within("customFields", &text, limits::NAME)?;
                    Ok((key, text))
                }
                _ => Err(not_json()),
            }
        })
        .collect()
}

/// Rocket.Chat's reading of `onhold` (and `queued`): `t`, `true` or `1` turn the filter on;
/// anything else leaves it off.
fn truthy(value: Option<&str>) -> bool {
    matches!(value, Some("t" | "true" | "1"))
}

fn bounded_list(field: &str, values: &[String], max_len: usize) -> ApiResult<Vec<String>> {
    if values.len() > MAX_FILTER_VALUES {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have more than {MAX_FILTER_VALUES} items"
        )));
    }
    for value in values {
        validate::within(field, value, max_len)?;
    }
    Ok(values.to_vec())
}

#[derive(Clone, Copy)]
enum DateParam {
    CreatedAt,
    ClosedAt,
}

impl DateParam {
    /// Rocket.Chat's exact messages, as `&'static str` error codes.
    fn messages(self) -> [&'static str; 3] {
        match self {
            DateParam::CreatedAt => [
                "The \"createdAt.start\" query parameter must be a valid date.",
                "The \"createdAt.end\" query parameter must be a valid date.",
                "The \"createdAt\" query parameter must be a JSON object such as {\"start\": \"2024-01-01\", \"end\": \"2024-01-31\"}.",
            ],
            DateParam::ClosedAt => [
                "The \"closedAt.start\" query parameter must be a valid date.",
                "The \"closedAt.end\" query parameter must be a valid date.",
                "The \"closedAt\" query parameter must be a JSON object such as {\"start\": \"2024-01-01\", \"end\": \"2024-01-31\"}.",
            ],
        }
    }
}

/// A `{"start", "end"}` JSON range; a missing, null or empty bound leaves that side open.
fn date_range(param: DateParam, raw: Option<&str>) -> ApiResult<TimeRange> {
    let [bad_start, bad_end, not_an_object] = param.messages();
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(TimeRange::default());
    };
    let Ok(Value::Object(range)) = serde_json::from_str::<Value>(raw) else {
        return Err(ApiError::Code(not_an_object));
    };
    let bound = |key: &str, error: &'static str| match range.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) => parse_date(text).map(Some).ok_or(ApiError::Code(error)),
        Some(_) => Err(ApiError::Code(error)),
    };
    Ok(TimeRange {
        start: bound("start", bad_start)?,
        end: bound("end", bad_end)?,
    })
}

/// A date as clients send them to JavaScript's `Date.parse`: RFC 3339, or a date and time
/// without an offset (read as UTC), or a bare date (midnight UTC).
fn parse_date(text: &str) -> Option<i64> {
    use chrono::{NaiveDate, NaiveDateTime};
    let text = text.trim();
    if let Some(t) = Timestamp::parse_iso(text) {
        return Some(t.millis());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_clients_send() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_date("1970-01-01T00:00:01.5Z"), Some(1_500));
        assert_eq!(parse_date("1970-01-01T00:00:02"), Some(2_000));
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn ranges_report_the_bad_bound() {
        let err = date_range(DateParam::CreatedAt, Some(r#"{"start":"x"}"#)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The \"createdAt.start\" query parameter must be a valid date."
        );
        let err = date_range(DateParam::ClosedAt, Some(r#"{"end":5}"#)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The \"closedAt.end\" query parameter must be a valid date."
        );
        assert!(date_range(DateParam::ClosedAt, Some("[1]")).is_err());
        let range = date_range(DateParam::ClosedAt, Some(r#"{"start":"1970-01-02"}"#)).unwrap();
        assert_eq!((range.start, range.end), (Some(86_400_000), None));
    }
}
