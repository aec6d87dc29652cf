//! What agents do in a room: reply (`chat.sendMessage`), edit and delete their messages
//! (`chat.update`, `chat.delete`), close (`livechat/room.closeByUser`) and hand the chat on
//! (`livechat/room.forward`); a manager joining a chat (`livechat/room.join`); and edit the
//! visitor's and the room's details (`livechat/room.saveInfo`).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, QueryParams};
use super::{staff_success, success, AppState};
use crate::accounts::permissions::permission::{
    CLOSE_LIVECHAT_ROOM, TRANSFER_LIVECHAT_GUEST, VIEW_L_ROOM,
};
use crate::error::ApiResult;
use crate::input::object;
use crate::livechat::{ForwardRequest, GuestData, RoomData};
use crate::model::CustomData;

/// Routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/chat.sendMessage", post(send_message))
        .route("/chat.update", post(update_message))
        .route("/chat.delete", post(delete_message))
}

/// Routes under `/api/v1/livechat`.
pub fn livechat_router() -> Router<AppState> {
    Router::new()
        .route("/room.closeByUser", post(close_by_user))
        .route("/room.forward", post(forward))
        .route("/room.join", get(join))
        .route("/room.saveInfo", post(save_info))
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
    Ok(staff_success(json!({ "message": sent })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    room_id: Option<String>,
    msg_id: Option<String>,
    text: Option<String>,
}

async fn update_message(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<UpdateBody>,
) -> ApiResult<Json<Value>> {
    let room_id = require("roomId", body.room_id)?;
    let msg_id = require("msgId", body.msg_id)?;
    let text = require("text", body.text)?;
    let message = state
        .livechat
        .update_agent_message(&auth.user, &room_id, &msg_id, &text)
        .await?;
    Ok(staff_success(json!({ "message": message })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteBody {
    room_id: Option<String>,
    msg_id: Option<String>,
}

async fn delete_message(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<DeleteBody>,
) -> ApiResult<Json<Value>> {
    let room_id = require("roomId", body.room_id)?;
    let msg_id = require("msgId", body.msg_id)?;
    let deleted = state
        .livechat
        .delete_agent_message(&auth.user, &room_id, &msg_id)
        .await?;
    Ok(staff_success(deleted))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CloseBody {
    rid: Option<String>,
    comment: Option<String>,
    tags: Option<Vec<String>>,
    transcript_email: Option<crate::livechat::TranscriptEmail>,
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
        .close_room_by_agent(
            &auth.user,
            &rid,
            body.comment.as_deref(),
            body.tags.as_deref().unwrap_or_default(),
            body.transcript_email.as_ref(),
        )
        .await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ForwardBody {
    room_id: Option<String>,
    user_id: Option<String>,
    department_id: Option<String>,
    comment: Option<String>,
    #[allow(dead_code)] // accepted as Rocket.Chat's clients send it; it changes nothing here
    client_action: Option<bool>,
}

async fn forward(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<ForwardBody>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    auth.require(TRANSFER_LIVECHAT_GUEST)?;
    let room_id = require("roomId", body.room_id)?;
    state
        .livechat
        .forward_room(
            &auth.user,
            ForwardRequest {
                room_id: &room_id,
                user_id: body.user_id.as_deref(),
                department_id: body.department_id.as_deref(),
                comment: body.comment.as_deref(),
            },
        )
        .await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JoinQuery {
    room_id: Option<String>,
}

/// `GET livechat/room.join?roomId=`: `{success: true}` once the caller may write in the chat.
async fn join(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<JoinQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let room_id = require("roomId", query.room_id)?;
    state.livechat.join_room(&auth.user, &room_id).await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SaveInfoBody {
    #[serde(default, deserialize_with = "object")]
    guest_data: Option<GuestDataBody>,
    #[serde(default, deserialize_with = "object")]
    room_data: Option<RoomDataBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GuestDataBody {
    #[serde(rename = "_id")]
    id: Option<String>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    #[serde(default, deserialize_with = "object")]
    livechat_data: Option<CustomData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomDataBody {
    #[serde(rename = "_id")]
    id: Option<String>,
    topic: Option<String>,
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "object")]
    livechat_data: Option<CustomData>,
}

/// Who may edit which room is the service's rule (the serving agent, or
/// `save-others-livechat-room-info`).
async fn save_info(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<SaveInfoBody>,
) -> ApiResult<Json<Value>> {
    let guest = require("guestData", body.guest_data)?;
    let room = require("roomData", body.room_data)?;
    let guest = GuestData {
        id: require("guestData._id", guest.id)?,
        name: guest.name,
        email: guest.email,
        phone: guest.phone,
        livechat_data: guest.livechat_data,
    };
    let room = RoomData {
        id: require("roomData._id", room.id)?,
        topic: room.topic,
        tags: room.tags,
        livechat_data: room.livechat_data,
    };
    auth.require(VIEW_L_ROOM)?;
    state
        .livechat
        .save_room_info(&auth.user, guest, room)
        .await?;
    Ok(success(json!({})))
}
