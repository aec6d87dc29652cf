//! `livechat/session.*`: the realtime-visitors tracker (seed 000).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{require, JsonBody, PathParams};
use super::{success, AppState};
use crate::error::ApiResult;
use crate::input::object;
use crate::livechat::{LocationData, VisitorInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/session.updateVisitCount/{token}",
            post(update_visit_count),
        )
        .route("/session.visitorInfo/{token}", get(visitor_info))
        .route("/session.addLocationData", post(add_location_data))
        .route(
            "/session.updateVisitorSessionOnRegister",
            post(update_on_register),
        )
        .route("/session.updateSessionStatus", post(update_status))
}

async fn update_visit_count(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
) -> ApiResult<Json<Value>> {
    let count = state.livechat.count_page_view(&token).await?;
    Ok(success(json!({ "updatedCount": count })))
}

async fn visitor_info(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
) -> ApiResult<Json<Value>> {
    let session = state.livechat.visitor_session(&token).await?;
    Ok(success(serde_json::to_value(session)?))
}

async fn add_location_data(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<LocationData>,
) -> ApiResult<Json<Value>> {
    state.livechat.add_location_data(body).await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
struct RegisterBody {
    #[serde(default, deserialize_with = "object")]
    visitor: Option<VisitorInput>,
}

async fn update_on_register(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<RegisterBody>,
) -> ApiResult<Json<Value>> {
    let visitor = require("visitor", body.visitor)?;
    state.livechat.update_session_on_register(visitor).await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
struct StatusBody {
    token: Option<String>,
    status: Option<String>,
}

async fn update_status(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<StatusBody>,
) -> ApiResult<Json<Value>> {
    let token = require("token", body.token)?;
    let status = require("status", body.status)?;
    state
        .livechat
        .update_session_status(&token, &status)
        .await?;
    Ok(success(json!({ "token": token, "status": status })))
}
