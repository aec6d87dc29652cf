//! `livechat/appearance`: the widget's look and texts, read and written as one batch by managers.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::JsonList;
use super::{success, AppState};
use crate::accounts::permissions::permission::VIEW_LIVECHAT_MANAGER;
use crate::error::{ApiError, ApiResult};

/// Most settings one request may change (the appearance list has fewer).
const MAX_CHANGES: usize = 64;

pub fn router() -> Router<AppState> {
    Router::new().route("/appearance", get(fetch).post(change))
}

async fn fetch(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    Ok(success(
        json!({ "appearance": state.livechat.appearance() }),
    ))
}

#[derive(Deserialize)]
struct Change {
    #[serde(rename = "_id")]
    id: String,
    value: Value,
}

async fn change(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonList(changes): JsonList<Change>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    if changes.is_empty() || changes.len() > MAX_CHANGES {
        return Err(ApiError::invalid(format!(
            "the body must be an array of 1 to {MAX_CHANGES} {{_id, value}} objects"
        )));
    }
    let changes = changes.into_iter().map(|c| (c.id, c.value)).collect();
    state.livechat.save_appearance(changes).await?;
    tracing::info!(by = %auth.user.username, "appearance changed");
    Ok(success(json!({})))
}
