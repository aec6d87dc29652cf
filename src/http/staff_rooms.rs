//! `livechat/rooms` (reference §3.10), `livechat/:rid/messages` and
//! `livechat/transfer.history/:rid` (§3.16): the room list, a room's conversation and the path
//! it took between agents and departments, for agents and managers; and `livechat/rooms.search`,
//! the console's conversation search.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::Authenticated;
use super::extract::{Pagination, PathParams, QueryParams};
use super::listing::SortedPage;
use super::{staff_paginated, AppState};
use crate::accounts::permissions::permission::{VIEW_LIVECHAT_ROOMS, VIEW_L_ROOM};
use crate::error::{ApiError, ApiResult};
use crate::livechat::RoomListQuery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rooms", get(list))
        .route("/rooms.search", get(search))
        .route("/{rid}/messages", get(messages))
        .route("/transfer.history/{rid}", get(transfer_history))
}

/// Who may list which rooms is the service's rule (`view-livechat-rooms`, or an agent asking
/// for its own rooms), so this handler only reads the parameters.
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(pairs): QueryParams<Vec<(String, String)>>,
) -> ApiResult<Json<Value>> {
    let (page, query) = read_room_query(pairs)?;
    let (offset, count) = page.resolve()?;
    let rooms = state
        .livechat
        .list_rooms(&auth.user, query, offset, count)
        .await?;
    Ok(staff_paginated("rooms", &rooms.items, offset, rooms.total))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    text: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

/// `GET livechat/rooms.search?text=&offset=&count=`: our own route (Rocket.Chat has none), the
/// console's search over visitors' names, e-mails and what was said; see
/// `livechat/conversation_search.rs`.
async fn search(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<SearchQuery>,
) -> ApiResult<Json<Value>> {
    let (offset, count) = Pagination {
        offset: query.offset,
        count: query.count,
    }
    .resolve()?;
    let rooms = state
        .livechat
        .search_conversations(&auth.user, query.text.as_deref(), offset, count)
        .await?;
    Ok(staff_paginated("rooms", &rooms.items, offset, rooms.total))
}

/// The query string of `livechat/rooms`: `agents[]` and `departmentId[]` repeat (qs style;
/// the bare names are accepted too), every other key appears at most once, unknown keys are
/// refused.
fn read_room_query(pairs: Vec<(String, String)>) -> ApiResult<(Pagination, RoomListQuery)> {
    let mut page = Pagination::default();
    let mut query = RoomListQuery::default();
    for (key, value) in pairs {
        let slot = match key.as_str() {
            "agents" | "agents[]" => {
                query.agents.push(value);
                continue;
            }
            "departmentId" | "departmentId[]" => {
                query.departments.push(value);
                continue;
            }
            // Rocket.Chat's schema takes `tags` only as an array (`tags=x` is refused).
            "tags[]" => {
                query.tags.push(value);
                continue;
            }
            "queued" => &mut query.queued,
            "customFields" => &mut query.custom_fields,
            // Rocket.Chat's projection: accepted, and every field is answered.
            "fields" => &mut query.fields,
            "onhold" => &mut query.onhold,
            "offset" => &mut page.offset,
            "count" => &mut page.count,
            "sort" => &mut query.sort,
            "open" => &mut query.open,
            "createdAt" => &mut query.created_at,
            "closedAt" => &mut query.closed_at,
            "roomName" => &mut query.room_name,
            other => {
                let other: String = other.chars().take(64).collect();
                return Err(ApiError::invalid(format!(
                    "must NOT have additional properties: '{other}'"
                )));
            }
        };
        if slot.replace(value).is_some() {
            return Err(ApiError::invalid(format!("'{key}' must be given once")));
        }
    }
    Ok((page, query))
}

async fn messages(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(rid): PathParams<String>,
    QueryParams(query): QueryParams<SortedPage>,
) -> ApiResult<Json<Value>> {
    let (offset, count) = query.resolve()?;
    auth.require(VIEW_L_ROOM)?;
    let messages = state
        .livechat
        .room_conversation(&auth.user, &rid, query.sort.as_deref(), offset, count)
        .await?;
    Ok(staff_paginated(
        "messages",
        &messages.items,
        offset,
        messages.total,
    ))
}

/// `GET livechat/transfer.history/:rid`: each transfer's `transferData`, as Rocket.Chat lists
/// them (the messages themselves stay behind `livechat/:rid/messages`).
async fn transfer_history(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(rid): PathParams<String>,
    QueryParams(query): QueryParams<SortedPage>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_ROOMS)?;
    let (offset, count) = query.resolve()?;
    let page = state
        .livechat
        .transfer_history(&auth.user, &rid, query.sort.as_deref(), offset, count)
        .await?;
    let history: Vec<Value> = page
        .items
        .into_iter()
        .filter_map(|message| message.transfer_data)
        .collect();
    Ok(staff_paginated("history", &history, offset, page.total))
}
