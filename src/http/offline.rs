//! `livechat/offline.message` (rate-limited on its own: it is the spam magnet).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::extract::JsonBody;
use super::{success, AppState};
use crate::error::ApiResult;
use crate::livechat::OfflineMessage;

pub fn router() -> Router<AppState> {
    Router::new().route("/offline.message", post(leave_message))
}

async fn leave_message(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<OfflineMessage>,
) -> ApiResult<Json<Value>> {
    state.livechat.leave_offline_message(&body).await?;
    Ok(success(
        json!({ "message": crate::livechat::OFFLINE_MESSAGE_SENT }),
    ))
}
