//! `livechat/tags`, `livechat/tags/:tagId`, `livechat/tags.remove` (Rocket.Chat Enterprise's
//! routes; saving is the DDP method `livechat:saveTag`, also through `method.call`).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, PathParams, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::{MANAGE_LIVECHAT_TAGS, VIEW_L_ROOM};
use crate::error::{ApiError, ApiResult};
use crate::livechat::TagQuery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tags", get(list))
        .route("/tags/{id}", get(fetch))
        .route("/tags.remove", post(remove))
}

/// Rocket.Chat's `hasAny` of `view-l-room` and `manage-livechat-tags`.
fn may_read(auth: &Authenticated) -> ApiResult<()> {
    if auth.may(VIEW_L_ROOM) || auth.may(MANAGE_LIVECHAT_TAGS) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListQuery {
    text: Option<String>,
    view_all: Option<String>,
    department: Option<String>,
    offset: Option<String>,
    count: Option<String>,
    #[allow(dead_code)] // accepted for Rocket.Chat's clients; tags are listed by name
    sort: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    may_read(&auth)?;
    let (offset, count) = Pagination {
        offset: query.offset,
        count: query.count,
    }
    .resolve()?;
    let filters = TagQuery {
        text: query.text,
        view_all: query.view_all.as_deref() == Some("true"),
        department: query.department,
    };
    let (tags, total) = state
        .livechat
        .list_tags(&auth.user, &filters, offset, count)
        .await?;
    Ok(paginated("tags", &tags, offset, total))
}

/// The tag's fields at the top level, as Rocket.Chat answers.
async fn fetch(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    may_read(&auth)?;
    let tag = state
        .livechat
        .tag(&id)
        .await?
        .ok_or(ApiError::NotFoundBecause("Tag not found"))?;
    Ok(success(serde_json::to_value(tag).map_err(ApiError::from)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoveBody {
    id: Option<String>,
}

/// Failures answer the reason alone (`API.v1.failure(error.reason)`).
async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<RemoveBody>,
) -> ApiResult<Json<Value>> {
    auth.require(MANAGE_LIVECHAT_TAGS)?;
    let id = require("id", body.id)?;
    match state.livechat.remove_tag(&id).await {
        Ok(()) => Ok(success(json!({}))),
        Err(ApiError::Meteor {
            code,
            reason: Some(reason),
        }) => Err(ApiError::Failure { text: reason, code }),
        Err(other) => Err(other),
    }
}
