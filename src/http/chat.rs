//! `chat.sendMessage` (how agents reply) and `livechat/room.closeByUser` (how they close).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody};
use super::{success, AppState};
use crate::accounts::permissions::permission::CLOSE_LIVECHAT_ROOM;
use crate::error::ApiResult;
use crate::input::object;

/// Routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/chat.sendMessage", post(send_message))
}

/// Routes under `/api/v1/livechat`.
pub fn livechat_router() -> Router<AppState> {
    Router::new().route("/room.closeByUser", post(close_by_user))
}

#[derive(Deserialize)]
struct SendBody {
    #[serde(default, deserialize_with = "object")]
    message: Option<OutgoingMessage>,
}

#[derive(Deserialize)]
struct OutgoingMessage {
    rid: Option<String>,
    msg: Option<String>,
    #[serde(rename = "_id")]
    id: Option<String>,
}

async fn send_message(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<SendBody>,
) -> ApiResult<Json<Value>> {
    let message = require("message", body.message)?;
    let rid = require("message.rid", message.rid)?;
    let msg = require("message.msg", message.msg)?;
    let sent = state
        .livechat
        .send_agent_message(&auth.user, &rid, &msg, message.id.as_deref())
        .await?;
    Ok(success(json!({ "message": sent })))
}

#[derive(Deserialize)]
struct CloseBody {
    rid: Option<String>,
    comment: Option<String>,
}

async fn close_by_user(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<CloseBody>,
) -> ApiResult<Json<Value>> {
    auth.require(CLOSE_LIVECHAT_ROOM)?;
    let rid = require("rid", body.rid)?;
    state
        .livechat
        .close_room_by_agent(&auth.user, &rid, body.comment.as_deref())
        .await?;
    Ok(success(json!({})))
}
