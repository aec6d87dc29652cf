//! `users.*`: administrators manage accounts; everyone may set their own presence.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::account::user_info;
use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::MANAGE_USERS;
use crate::accounts::{NewUser, UserChanges};
use crate::error::{ApiError, ApiResult};
use crate::input::object;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users.create", post(create))
        .route("/users.list", get(list))
        .route("/users.info", get(info))
        .route("/users.update", post(update))
        .route("/users.delete", post(delete))
        .route("/users.setStatus", post(set_status))
}

async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<NewUser>,
) -> ApiResult<Json<Value>> {
    auth.require(MANAGE_USERS)?;
    let user = state.accounts.create_user(body).await?;
    Ok(success(json!({ "user": user })))
}

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(page): QueryParams<Pagination>,
) -> ApiResult<Json<Value>> {
    auth.require(MANAGE_USERS)?;
    let (offset, count) = page.resolve()?;
    let (users, total) = state.accounts.users_page(offset, count).await?;
    Ok(paginated("users", &users, offset, total))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InfoQuery {
    user_id: Option<String>,
    username: Option<String>,
}

async fn info(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<InfoQuery>,
) -> ApiResult<Json<Value>> {
    let user = match (query.user_id, query.username) {
        (Some(id), _) => state.accounts.user(&id).await?,
        (None, Some(username)) => state.accounts.user_by_username(&username).await?,
        (None, None) => {
            return Err(ApiError::invalid(
                "must have required property 'userId' or 'username'",
            ))
        }
    };
    if user.id != auth.user.id {
        auth.require(MANAGE_USERS)?;
    }
    Ok(success(json!({ "user": user_info(&user, &state) })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    user_id: Option<String>,
    #[serde(default, deserialize_with = "object")]
    data: Option<UserChanges>,
}

async fn update(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<UpdateBody>,
) -> ApiResult<Json<Value>> {
    auth.require(MANAGE_USERS)?;
    let id = require("userId", body.user_id)?;
    let changes = require("data", body.data)?;
    let user = state.accounts.update_user(&id, changes).await?;
    Ok(success(json!({ "user": user })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserRefBody {
    user_id: Option<String>,
}

async fn delete(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<UserRefBody>,
) -> ApiResult<Json<Value>> {
    auth.require(MANAGE_USERS)?;
    let id = require("userId", body.user_id)?;
    if id == auth.user.id {
        return Err(ApiError::meteor(
            "error-action-not-allowed",
            "You cannot delete your own account",
        ));
    }
    state.accounts.delete_user(&id).await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody {
    status: Option<String>,
    user_id: Option<String>,
    #[allow(dead_code)]
    message: Option<String>,
}

async fn set_status(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<StatusBody>,
) -> ApiResult<Json<Value>> {
    let status = require("status", body.status)?;
    let target = body.user_id.unwrap_or_else(|| auth.user.id.clone());
    if target != auth.user.id {
        auth.require(MANAGE_USERS)?;
    }
    let user = state.accounts.set_status(&target, &status).await?;
    // An available agent coming online can take the chats waiting in the queue.
    if user.takes_chats() {
        state.livechat.drain_queue_after_change().await;
    }
    Ok(success(json!({})))
}
