//! `GET rooms.info?roomId=`: one livechat room, for those who may read it (Rocket.Chat's
//! route; the console reads a chat it was just given or is opening from a link).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, QueryParams};
use super::{staff_success, AppState};
use crate::accounts::permissions::permission::VIEW_L_ROOM;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new().route("/rooms.info", get(info))
}

#[derive(Deserialize)]
struct InfoQuery {
    #[serde(rename = "roomId")]
    room_id: Option<String>,
}

async fn info(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<InfoQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let rid = require("roomId", query.room_id)?;
    let room = state.livechat.readable_room(&auth.user, &rid).await?;
    Ok(staff_success(json!({ "room": room })))
}
