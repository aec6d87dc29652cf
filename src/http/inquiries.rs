//! `livechat/inquiries.*`: the queue of waiting chats.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, QueryParams};
use super::{paginated, staff_paginated, staff_success, AppState};
use crate::accounts::permissions::permission::{VIEW_LIVECHAT_MANAGER, VIEW_L_ROOM};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inquiries.list", get(list))
        .route("/inquiries.queued", get(queued))
        .route("/inquiries.queuedForUser", get(queued))
        .route("/inquiries.getOne", get(get_one))
        .route("/inquiries.take", post(take))
        .route("/inquiries.returnAsInquiry", post(return_as_inquiry))
}

#[derive(Deserialize)]
struct ListQuery {
    department: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

impl ListQuery {
    fn page(&self) -> Result<(i64, i64), ApiError> {
        Pagination {
            offset: self.offset.clone(),
            count: self.count.clone(),
        }
        .resolve()
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let (offset, count) = query.page()?;
    let (inquiries, total) = state
        .livechat
        .queued_inquiries(query.department.as_deref(), None, offset, count)
        .await?;
    let listed: Vec<Value> = inquiries
        .iter()
        .map(|i| json!({ "_id": i.id, "rid": i.rid, "name": i.name, "ts": i.ts, "status": i.status, "department": i.department }))
        .collect();
    Ok(paginated("inquiries", &listed, offset, total))
}

async fn queued(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let (offset, count) = query.page()?;
    let (inquiries, total) = state
        .livechat
        .queued_inquiries(query.department.as_deref(), Some(&auth.user), offset, count)
        .await?;
    Ok(staff_paginated("inquiries", &inquiries, offset, total))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetOneQuery {
    room_id: Option<String>,
}

async fn get_one(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<GetOneQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let rid = query
        .room_id
        .filter(|r| !r.is_empty())
        .ok_or(ApiError::Code("The 'roomId' param is required"))?;
    let inquiry = state.livechat.inquiry_of_room(&auth.user, &rid).await?;
    Ok(staff_success(json!({ "inquiry": inquiry })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TakeBody {
    inquiry_id: Option<String>,
    user_id: Option<String>,
}

async fn take(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<TakeBody>,
) -> ApiResult<Json<Value>> {
    let inquiry_id = require("inquiryId", body.inquiry_id)?;
    let inquiry = state
        .livechat
        .take_inquiry(&auth.user, &inquiry_id, body.user_id.as_deref())
        .await?;
    Ok(staff_success(json!({ "inquiry": inquiry })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReturnBody {
    room_id: Option<String>,
    department_id: Option<String>,
}

/// `POST livechat/inquiries.returnAsInquiry`: `{result: true}` when the chat went back to the
/// queue, `{result: false}` when it was not served (nothing to return). Rocket.Chat's route
/// answers a failure with the bare code (`"room-closed"`), and an unknown room with
/// `error-room-not-found`; the DDP method keeps the Meteor error.
async fn return_as_inquiry(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<ReturnBody>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let room_id = require("roomId", body.room_id)?;
    let result = state
        .livechat
        .return_as_inquiry(&auth.user, &room_id, body.department_id.as_deref())
        .await
        .map_err(|err| match err {
            ApiError::Meteor {
                code: "error-invalid-room",
                ..
            } => ApiError::Code("error-room-not-found"),
            ApiError::Meteor { code, .. } => ApiError::Code(code),
            other => other,
        })?;
    Ok(staff_success(json!({ "result": result })))
}
