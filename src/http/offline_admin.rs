//! `livechat/offline.messages` and `livechat/offline.messages/:_id/handled`: staff read the
//! messages left through the offline form (this server's own routes: Rocket.Chat only
//! e-mails them), for `view-livechat-manager` (managers and administrators by default).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, PathParams, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::VIEW_LIVECHAT_MANAGER;
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/offline.messages", get(list))
        .route("/offline.messages/{id}/handled", post(mark))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    handled: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

/// `handled=true|false` (empty or absent: all).
fn handled_filter(text: Option<&str>) -> ApiResult<Option<bool>> {
    match text {
        None | Some("") => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::invalid("'handled' must be true or false")),
    }
}

/// `{messages, count, offset, total}`, newest first.
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let handled = handled_filter(query.handled.as_deref())?;
    let (offset, count) = Pagination {
        offset: query.offset,
        count: query.count,
    }
    .resolve()?;
    let (messages, total) = state
        .livechat
        .offline_messages(handled, offset, count)
        .await?;
    Ok(paginated("messages", &messages, offset, total))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkBody {
    handled: Option<Value>,
}

/// `{handled: bool}` → `{message}` (with `handledAt` and `handledBy` when handled).
async fn mark(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<MarkBody>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let handled = match require("handled", body.handled)? {
        Value::Bool(handled) => handled,
        _ => return Err(ApiError::invalid("'handled' must be a boolean")),
    };
    let message = state
        .livechat
        .mark_offline_message(&id, handled, &auth.user)
        .await?;
    tracing::info!(id, handled, by = %auth.user.username, "offline message marked");
    Ok(success(json!({ "message": message })))
}
