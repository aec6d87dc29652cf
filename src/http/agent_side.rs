//! Agent-side reads of Rocket.Chat's livechat API: `livechat/queue`,
//! `livechat/visitors.autocomplete`, `livechat/visitor/:token/room`,
//! `livechat/config/routing` and `livechat/integrations.settings`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, Pagination, PathParams, QueryParams};
use super::{paginated, staff_success, success, AppState};
use crate::accounts::permissions::permission::{VIEW_LIVECHAT_MANAGER, VIEW_L_ROOM};
use crate::error::ApiResult;
use crate::livechat::{queue_sort, QueueQuery};

/// Routes under `/api/v1/livechat`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/queue", get(queue))
        .route("/visitors.autocomplete", get(autocomplete))
        .route("/visitor/{token}/room", get(rooms_of_token))
        .route("/config/routing", get(routing_config))
        .route("/integrations.settings", get(integration_settings))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QueueParams {
    agent_id: Option<String>,
    department_id: Option<String>,
    include_offline_agents: Option<String>,
    sort: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

/// `GET livechat/queue?agentId=&departmentId=&includeOfflineAgents=&sort=&offset=&count=`
/// (`view-l-room`).
async fn queue(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(params): QueryParams<QueueParams>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let (offset, count) = Pagination {
        offset: params.offset,
        count: params.count,
    }
    .resolve()?;
    let query = QueueQuery {
        fewest_first: queue_sort(params.sort.as_deref())?,
        agent_id: params.agent_id.filter(|id| !id.is_empty()),
        department_id: params.department_id.filter(|id| !id.is_empty()),
        include_offline_agents: params.include_offline_agents.as_deref() == Some("true"),
    };
    let page = state.livechat.queue_overview(&query, offset, count).await?;
    Ok(paginated("queue", &page.items, offset, page.total))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AutocompleteParams {
    selector: Option<String>,
}

/// `GET livechat/visitors.autocomplete?selector=<JSON>` (`view-l-room`) → `{items}`.
async fn autocomplete(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(params): QueryParams<AutocompleteParams>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let selector = require("selector", params.selector)?;
    let items = state
        .livechat
        .autocomplete_visitors(&auth.user, &selector)
        .await?;
    Ok(staff_success(json!({ "items": items })))
}

/// `GET livechat/visitor/:token/room` (`view-livechat-manager`) → `{rooms}`.
async fn rooms_of_token(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(token): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let rooms = state.livechat.open_rooms_of_token(&token).await?;
    Ok(staff_success(json!({ "rooms": rooms })))
}

/// `GET livechat/config/routing` (any logged-in user) → `{config}`.
async fn routing_config(
    State(state): State<AppState>,
    _auth: Authenticated,
) -> ApiResult<Json<Value>> {
    Ok(success(
        json!({ "config": state.livechat.routing_config() }),
    ))
}

/// `GET livechat/integrations.settings` (`view-livechat-manager`) → `{settings}`.
async fn integration_settings(
    State(state): State<AppState>,
    auth: Authenticated,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    Ok(success(
        json!({ "settings": state.livechat.integration_settings() }),
    ))
}
