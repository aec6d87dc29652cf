//! `livechat/visitors.*` for agents and managers (reference §3.4–3.7, seeds 000–002): one
//! visitor, its navigation history and chat history, the visitor search, and the visitors on
//! the site now.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{PathParams, QueryParams};
use super::listing::SortedPage;
use super::{staff_paginated, staff_success, AppState};
use crate::accounts::permissions::permission::VIEW_L_ROOM;
use crate::error::{ApiError, ApiResult};
use crate::livechat::{ChatSearch, MAX_PAGES_UNPAGINATED};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visitors.info", get(info))
        .route("/visitors.pagesVisited", get(pages_visited_by_query))
        .route("/visitors.pagesVisited/{room_id}", get(pages_visited))
        .route(
            "/visitors.chatHistory/room/{room_id}/visitor/{visitor_id}",
            get(chat_history),
        )
        .route(
            "/visitors.searchChats/room/{room_id}/visitor/{visitor_id}",
            get(search_chats),
        )
        .route("/visitors.search", get(search))
        .route("/visitors.online", get(online))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InfoQuery {
    visitor_id: Option<String>,
}

async fn info(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<InfoQuery>,
) -> ApiResult<Json<Value>> {
    let visitor_id = required("visitorId", query.visitor_id)?;
    auth.require(VIEW_L_ROOM)?;
    let visitor = state.livechat.visitor_info(&auth.user, &visitor_id).await?;
    Ok(staff_success(json!({ "visitor": visitor })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RoomQuery {
    room_id: Option<String>,
}

/// The documented form (seed 001): `?roomId=`, the pages without pagination fields.
async fn pages_visited_by_query(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<RoomQuery>,
) -> ApiResult<Json<Value>> {
    let rid = required("roomId", query.room_id)?;
    auth.require(VIEW_L_ROOM)?;
    let pages = state
        .livechat
        .pages_visited(&auth.user, &rid, None, 0, MAX_PAGES_UNPAGINATED)
        .await?;
    Ok(staff_success(json!({ "pages": pages.items })))
}

async fn pages_visited(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(rid): PathParams<String>,
    QueryParams(query): QueryParams<SortedPage>,
) -> ApiResult<Json<Value>> {
    let (offset, count) = query.resolve()?;
    auth.require(VIEW_L_ROOM)?;
    let pages = state
        .livechat
        .pages_visited(&auth.user, &rid, query.sort.as_deref(), offset, count)
        .await?;
    Ok(staff_paginated("pages", &pages.items, offset, pages.total))
}

async fn chat_history(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams((rid, visitor_id)): PathParams<(String, String)>,
    QueryParams(query): QueryParams<SortedPage>,
) -> ApiResult<Json<Value>> {
    let (offset, count) = query.resolve()?;
    auth.require(VIEW_L_ROOM)?;
    let history = state
        .livechat
        .visitor_chat_history(
            &auth.user,
            &rid,
            &visitor_id,
            query.sort.as_deref(),
            offset,
            count,
        )
        .await?;
    Ok(staff_paginated(
        "history",
        &history.items,
        offset,
        history.total,
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SearchChatsQuery {
    search_text: Option<String>,
    closed_chats_only: Option<String>,
    served_chats_only: Option<String>,
    /// Rocket.Chat narrows by the room's channel; every room here is the widget's.
    source: Option<String>,
    offset: Option<String>,
    count: Option<String>,
    sort: Option<String>,
}

/// A visitor's past chats for the console's visitor panel (Rocket.Chat 6.x).
async fn search_chats(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams((rid, visitor_id)): PathParams<(String, String)>,
    QueryParams(query): QueryParams<SearchChatsQuery>,
) -> ApiResult<Json<Value>> {
    let page = SortedPage {
        offset: query.offset,
        count: query.count,
        sort: query.sort,
    };
    let (offset, count) = page.resolve()?;
    let search = ChatSearch {
        text: query.search_text,
        closed_only: flag("closedChatsOnly", query.closed_chats_only.as_deref())?,
        served_only: flag("servedChatsOnly", query.served_chats_only.as_deref())?,
        sort: page.sort,
    };
    let _ = query.source;
    auth.require(VIEW_L_ROOM)?;
    let history = state
        .livechat
        .search_visitor_chats(&auth.user, &rid, &visitor_id, search, offset, count)
        .await?;
    Ok(staff_paginated(
        "history",
        &history.items,
        offset,
        history.total,
    ))
}

/// A `"true"` / `"false"` query flag; absent or empty is false.
fn flag(field: &str, value: Option<&str>) -> ApiResult<bool> {
    match value {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::invalid(format!(
            "'{field}' must be \"true\" or \"false\""
        ))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    term: Option<String>,
    offset: Option<String>,
    count: Option<String>,
    sort: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<SearchQuery>,
) -> ApiResult<Json<Value>> {
    let page = SortedPage {
        offset: query.offset,
        count: query.count,
        sort: query.sort,
    };
    let (offset, count) = page.resolve()?;
    auth.require(VIEW_L_ROOM)?;
    let visitors = state
        .livechat
        .search_visitors(
            &auth.user,
            query.term.as_deref(),
            page.sort.as_deref(),
            offset,
            count,
        )
        .await?;
    Ok(staff_paginated(
        "visitors",
        &visitors.items,
        offset,
        visitors.total,
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OnlineQuery {
    status: Option<String>,
    /// Narrows the list to this visitor's session (the console's visitor panel).
    visitor_id: Option<String>,
    offset: Option<String>,
    count: Option<String>,
    sort: Option<String>,
}

/// The realtime-visitors view (seed 000): visitors on the site now, with their sessions.
async fn online(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<OnlineQuery>,
) -> ApiResult<Json<Value>> {
    let page = SortedPage {
        offset: query.offset,
        count: query.count,
        sort: query.sort,
    };
    let (offset, count) = page.resolve()?;
    let visitor_id = query
        .visitor_id
        .map(|id| required("visitorId", Some(id)))
        .transpose()?;
    auth.require(VIEW_L_ROOM)?;
    let visitors = state
        .livechat
        .present_visitors(
            &auth.user,
            visitor_id.as_deref(),
            query.status.as_deref(),
            page.sort.as_deref(),
            offset,
            count,
        )
        .await?;
    Ok(staff_paginated(
        "visitors",
        &visitors.items,
        offset,
        visitors.total,
    ))
}

/// A required, non-empty query parameter.
fn required(field: &str, value: Option<String>) -> ApiResult<String> {
    match value {
        None => Err(ApiError::invalid(format!(
            "must have required property '{field}'"
        ))),
        Some(v) if v.is_empty() => Err(ApiError::invalid(format!(
            "'{field}' must NOT have fewer than 1 characters"
        ))),
        Some(v) => Ok(v),
    }
}
