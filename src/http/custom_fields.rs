//! `GET livechat/custom-fields` and `GET livechat/custom-fields/:_id` (Rocket.Chat's routes,
//! `view-l-room`): the custom field definitions, read-only for now.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{Pagination, PathParams, QueryParams};
use super::{staff_paginated, staff_success, AppState};
use crate::accounts::permissions::permission::VIEW_L_ROOM;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/custom-fields", get(list))
        .route("/custom-fields/{id}", get(one))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    text: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    let (offset, count) = Pagination {
        offset: query.offset,
        count: query.count,
    }
    .resolve()?;
    auth.require(VIEW_L_ROOM)?;
    let fields = state
        .livechat
        .list_custom_fields(query.text.as_deref(), offset, count)
        .await?;
    Ok(staff_paginated(
        "customFields",
        &fields.items,
        offset,
        fields.total,
    ))
}

async fn one(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let field = state.livechat.custom_field(&id).await?;
    Ok(staff_success(json!({ "customField": field })))
}
