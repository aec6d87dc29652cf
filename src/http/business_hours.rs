//! `livechat/business-hour`, `livechat/business-hours` and `livechat/business-hours.save`:
//! Rocket.Chat's routes for the default business hour (rules in
//! `livechat/business_hours.rs`), for `view-livechat-business-hours`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{JsonBody, Pagination, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::VIEW_LIVECHAT_BUSINESS_HOURS;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/business-hour", get(fetch))
        .route("/business-hours", get(list))
        .route("/business-hours.save", post(save))
}

#[derive(Deserialize)]
#[allow(dead_code)] // `type` is accepted as Rocket.Chat's clients send it; there is one kind
struct FetchQuery {
    #[serde(rename = "_id")]
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `{businessHour}`: by `_id`, else the default one; `null` when there is none (as
/// Rocket.Chat answers).
async fn fetch(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<FetchQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_BUSINESS_HOURS)?;
    let hour = state.livechat.business_hour(query.id.as_deref()).await?;
    Ok(success(json!({ "businessHour": hour })))
}

#[derive(Deserialize)]
#[allow(dead_code)] // sort is accepted for Rocket.Chat's clients; the order is by name
struct ListQuery {
    name: Option<String>,
    offset: Option<String>,
    count: Option<String>,
    sort: Option<String>,
}

/// `{businessHours, count, offset, total}`, by name.
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_BUSINESS_HOURS)?;
    let (offset, count) = Pagination {
        offset: query.offset,
        count: query.count,
    }
    .resolve()?;
    let all = state.livechat.business_hours(query.name.as_deref()).await?;
    let total = all.len() as i64;
    let page: Vec<Value> = all
        .into_iter()
        .skip(offset as usize)
        .take(count as usize)
        .collect();
    Ok(paginated("businessHours", &page, offset, total))
}

/// `{_id?, name, active, type, workHours: [{day, start, finish, open}], timezoneName}` →
/// `{success: true}`.
async fn save(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_BUSINESS_HOURS)?;
    state.livechat.save_business_hour(&body).await?;
    Ok(success(json!({})))
}
