//! `canned-responses`, `canned-responses/:_id`, `canned-responses.get`: the texts agents insert
//! with `!shortcut` (Rocket.Chat Enterprise's routes; the rules are in
//! `livechat/canned_responses.rs`).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, PathParams, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::{
    REMOVE_CANNED_RESPONSES, SAVE_CANNED_RESPONSES, VIEW_CANNED_RESPONSES,
};
use crate::error::{ApiError, ApiResult};
use crate::livechat::{CannedQuery, CannedResponseInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/canned-responses.get", get(usable))
        .route("/canned-responses", get(list).post(save).delete(remove))
        .route("/canned-responses/{id}", get(fetch))
}

async fn usable(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Json<Value>> {
    auth.require(VIEW_CANNED_RESPONSES)?;
    let responses = state.livechat.usable_canned_responses(&auth.user).await?;
    Ok(success(json!({ "responses": responses })))
}

/// The query string: `tags[]` (or `tags`) repeats, every other key at most once; unknown
/// keys are refused, as Rocket.Chat's schema does.
fn read_query(pairs: Vec<(String, String)>) -> ApiResult<(Pagination, CannedQuery)> {
    let mut page = Pagination::default();
    let mut query = CannedQuery::default();
    let mut sort = None;
    for (key, value) in pairs {
        let slot = match key.as_str() {
            "tags" | "tags[]" => {
                if query.tags.len() >= 50 {
                    return Err(ApiError::invalid("'tags' must NOT have more than 50 items"));
                }
                query.tags.push(value);
                continue;
            }
            "offset" => &mut page.offset,
            "count" => &mut page.count,
            // Accepted for Rocket.Chat's clients; the order is always by shortcut.
            "sort" | "fields" => &mut sort,
            "shortcut" => &mut query.shortcut,
            "text" => &mut query.text,
            "scope" => &mut query.scope,
            "departmentId" => &mut query.department_id,
            "createdBy" => &mut query.created_by,
            other => {
                let other: String = other.chars().take(64).collect();
                return Err(ApiError::invalid(format!(
                    "must NOT have additional properties: '{other}'"
                )));
            }
        };
        if value.chars().count() > 256 {
            return Err(ApiError::invalid(format!(
                "'{key}' must NOT have more than 256 characters"
            )));
        }
        if slot.replace(value).is_some() {
            return Err(ApiError::invalid(format!("'{key}' must be given once")));
        }
    }
    Ok((page, query))
}

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(pairs): QueryParams<Vec<(String, String)>>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_CANNED_RESPONSES)?;
    let (page, query) = read_query(pairs)?;
    let (offset, count) = page.resolve()?;
    let (responses, total) = state
        .livechat
        .list_canned_responses(&auth.user, &query, offset, count)
        .await?;
    Ok(paginated("cannedResponses", &responses, offset, total))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SaveBody {
    #[serde(rename = "_id")]
    id: Option<String>,
    shortcut: Option<String>,
    text: Option<String>,
    scope: Option<String>,
    department_id: Option<String>,
    tags: Option<Vec<String>>,
}

async fn save(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<SaveBody>,
) -> ApiResult<Json<Value>> {
    auth.require(SAVE_CANNED_RESPONSES)?;
    let input = CannedResponseInput {
        id: body.id,
        shortcut: body.shortcut,
        text: body.text,
        scope: body.scope,
        department_id: body.department_id,
        tags: body.tags,
    };
    state
        .livechat
        .save_canned_response(&auth.user, &input)
        .await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoveBody {
    #[serde(rename = "_id")]
    id: Option<String>,
}

async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<RemoveBody>,
) -> ApiResult<Json<Value>> {
    auth.require(REMOVE_CANNED_RESPONSES)?;
    let id = require("_id", body.id)?;
    state
        .livechat
        .remove_canned_response(&auth.user, &id)
        .await?;
    Ok(success(json!({})))
}

async fn fetch(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_CANNED_RESPONSES)?;
    match state.livechat.canned_response(&auth.user, &id).await? {
        Some(response) => Ok(success(json!({ "cannedResponse": response }))),
        None => Err(ApiError::NotFound),
    }
}
