//! `livechat/triggers` and `livechat/triggers/:_id`: Rocket.Chat's routes for the proactive
//! messages the widget runs (the rules are in `livechat/triggers.rs`). All of them need
//! `view-livechat-manager`, as in Rocket.Chat.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{JsonBody, Pagination, PathParams, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::VIEW_LIVECHAT_MANAGER;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/triggers", get(list).post(save))
        .route("/triggers/{id}", get(fetch).delete(remove))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // sort, fields and query are accepted for Rocket.Chat's clients
struct ListQuery {
    offset: Option<String>,
    count: Option<String>,
    sort: Option<String>,
    fields: Option<String>,
    query: Option<String>,
}

/// `{triggers, count, offset, total}`, by name.
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let (offset, count) = Pagination {
        offset: query.offset,
        count: query.count,
    }
    .resolve()?;
    let (triggers, total) = state.livechat.list_triggers(offset, count).await?;
    Ok(paginated("triggers", &triggers, offset, total))
}

/// `{trigger}`, null when there is none with that id (Rocket.Chat answers so, not 404).
async fn fetch(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let trigger = state.livechat.trigger(&id).await?;
    Ok(success(json!({ "trigger": trigger })))
}

/// `{_id?, name, description, enabled, runOnce, conditions, actions}` → `{success: true}`.
async fn save(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    state.livechat.save_trigger(&body).await?;
    Ok(success(json!({})))
}

async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    state.livechat.remove_trigger(&id).await?;
    Ok(success(json!({})))
}
