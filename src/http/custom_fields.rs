//! `GET livechat/custom-fields` and `GET livechat/custom-fields/:_id` (Rocket.Chat's routes,
//! `view-l-room`): the custom field definitions; `POST livechat/custom-fields.save` and
//! `.delete` (Rocket.Chat 7.11, `view-livechat-manager`) edit them, as the DDP methods
//! `livechat:saveCustomField` / `livechat:removeCustomField` do.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, PathParams, QueryParams};
use super::{staff_paginated, staff_success, AppState};
use crate::accounts::permissions::permission::{VIEW_LIVECHAT_MANAGER, VIEW_L_ROOM};
use crate::error::{ApiError, ApiResult};
use crate::livechat::CustomFieldData;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/custom-fields", get(list))
        .route("/custom-fields/{id}", get(one))
        .route("/custom-fields.save", post(save))
        .route("/custom-fields.delete", post(remove))
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SaveBody {
    #[serde(default)]
    custom_field_id: Option<String>,
    custom_field_data: Option<CustomFieldData>,
}

/// Rocket.Chat's REST route answers `API.v1.failure(sentence)`, the sentence alone.
fn as_failure(err: ApiError, already_exists: &str) -> ApiError {
    match err {
        ApiError::Meteor {
            code: code @ "error-custom-field-name-already-exists",
            ..
        } => ApiError::Failure {
            text: already_exists.to_string(),
            code,
        },
        ApiError::Meteor {
            code,
            reason: Some(reason),
        } => ApiError::Failure { text: reason, code },
        other => other,
    }
}

/// `{customFieldId: string | null, customFieldData}` → `{customField}`.
async fn save(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<SaveBody>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let data = require("customFieldData", body.custom_field_data)?;
    let id = body.custom_field_id.filter(|id| !id.is_empty());
    let field = state
        .livechat
        .save_custom_field(id.as_deref(), data)
        .await
        .map_err(|e| as_failure(e, "Custom Field already exists"))?;
    Ok(staff_success(json!({ "customField": field })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeleteBody {
    custom_field_id: Option<String>,
}

/// `{customFieldId}` → `{}`.
async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<DeleteBody>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let id = require("customFieldId", body.custom_field_id)?;
    state
        .livechat
        .remove_custom_field(&id)
        .await
        .map_err(|e| as_failure(e, "Custom Field already exists"))?;
    Ok(staff_success(json!({})))
}
