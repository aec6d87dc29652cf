//! `livechat/room*`: a visitor opens, closes, transfers and rates its conversation.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{require, JsonBody, QueryParams};
use super::{success, AppState};
use crate::error::ApiResult;
use crate::input::objects;
use crate::livechat::{RoomSource, SurveyItem};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/room", get(open))
        .route("/room.close", post(close))
        .route("/room.transfer", post(transfer))
        .route("/room.survey", post(survey))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenQuery {
    token: Option<String>,
    rid: Option<String>,
    /// A preferred agent; honoured once agents exist (routing).
    #[allow(dead_code)]
    agent_id: Option<String>,
}

async fn open(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParams(query): QueryParams<OpenQuery>,
) -> ApiResult<Json<Value>> {
    let token = require("token", query.token)?;
    let (room, new_room) = state
        .livechat
        .open_room(&token, query.rid.as_deref(), room_source(&headers))
        .await?;
    Ok(success(json!({ "room": room, "newRoom": new_room })))
}

/// The widget marks its requests with the cookies `rc_room_type=l` and `rc_is_widget=t`.
fn room_source(headers: &HeaderMap) -> RoomSource {
    let cookies: Vec<&str> = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .collect();
    if cookies.contains(&"rc_room_type=l") && cookies.contains(&"rc_is_widget=t") {
        RoomSource::Widget
    } else {
        RoomSource::Api
    }
}

#[derive(Deserialize)]
struct RoomBody {
    rid: Option<String>,
    token: Option<String>,
    department: Option<String>,
    #[serde(default, deserialize_with = "objects")]
    data: Option<Vec<SurveyItem>>,
}

async fn close(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<RoomBody>,
) -> ApiResult<Json<Value>> {
    let rid = require("rid", body.rid)?;
    let token = require("token", body.token)?;
    let comment = state.livechat.close_room_by_visitor(&rid, &token).await?;
    Ok(success(json!({ "rid": rid, "comment": comment })))
}

async fn transfer(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<RoomBody>,
) -> ApiResult<Json<Value>> {
    let rid = require("rid", body.rid)?;
    let token = require("token", body.token)?;
    let department = require("department", body.department)?;
    let room = state
        .livechat
        .transfer_room_by_visitor(&rid, &token, &department)
        .await?;
    Ok(success(json!({ "room": room })))
}

async fn survey(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<RoomBody>,
) -> ApiResult<Json<Value>> {
    let rid = require("rid", body.rid)?;
    let token = require("token", body.token)?;
    let data = require("data", body.data)?;
    let accepted = state.livechat.save_survey(&rid, &token, &data).await?;
    Ok(success(json!({ "rid": rid, "data": accepted })))
}
