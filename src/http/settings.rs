//! `settings/:id`: administrators read and change the `Livechat_*` settings.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, PathParams};
use super::{success, AppState, LimiterSettings};
use crate::accounts::permissions::permission::{EDIT_PRIVILEGED_SETTING, VIEW_PRIVILEGED_SETTING};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/{id}", get(fetch).post(change))
}

async fn fetch(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_PRIVILEGED_SETTING)?;
    let settings = state.livechat.settings();
    let value = settings.get(&id);
    if value.is_null() {
        return Err(ApiError::meteor(
            "error-setting-not-found",
            format!("Setting {id} does not exist"),
        ));
    }
    // Secrets are never shown: an empty value, and whether one is set.
    if crate::mail::smtp::SECRET_SETTINGS.contains(&id.as_str()) {
        let set = value.as_str().is_some_and(|v| !v.is_empty());
        return Ok(success(json!({ "_id": id, "value": "", "valueSet": set })));
    }
    Ok(success(json!({ "_id": id, "value": value })))
}

#[derive(Deserialize)]
struct ChangeBody {
    value: Option<Value>,
}

async fn change(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<ChangeBody>,
) -> ApiResult<Json<Value>> {
    auth.require(EDIT_PRIVILEGED_SETTING)?;
    let value = require("value", body.value)?;
    state.livechat.save_setting(&id, value).await?;
    // The limiter's settings take effect at once (the others are read where they apply).
    state
        .visitor_api_limit
        .apply_settings(LimiterSettings::of(&state.livechat.settings()));
    tracing::info!(setting = %id, by = %auth.user.username, "setting changed");
    Ok(success(json!({})))
}
