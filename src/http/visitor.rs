//! `livechat/visitor*` and `livechat/custom.field(s)`.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{require, JsonBody, PathParams};
use super::{success, AppState};
use crate::error::ApiResult;
use crate::input::{object, objects};
use crate::livechat::{ClientInfo, CustomFieldInput, VisitorInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visitor", post(register))
        .route("/visitor/{token}", get(fetch).delete(remove))
        .route("/visitor.status", post(set_status))
        .route("/custom.field", post(set_custom_field))
        .route("/custom.fields", post(set_custom_fields))
}

#[derive(Deserialize)]
struct RegisterBody {
    #[serde(default, deserialize_with = "object")]
    visitor: Option<VisitorInput>,
}

async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<RegisterBody>,
) -> ApiResult<Json<Value>> {
    let input = require("visitor", body.visitor)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let client = ClientInfo {
        user_agent: header("user-agent"),
        ip: header("x-real-ip").or_else(|| header("x-forwarded-for")),
        host: header("host"),
    };
    let visitor = state.livechat.register_visitor(input, client).await?;
    Ok(success(json!({ "visitor": visitor })))
}

async fn fetch(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
) -> ApiResult<Json<Value>> {
    let visitor = state.livechat.visitor(&token).await?;
    Ok(success(json!({ "visitor": visitor })))
}

async fn remove(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
) -> ApiResult<Json<Value>> {
    let removed = state.livechat.remove_visitor(&token).await?;
    Ok(success(json!({ "visitor": removed })))
}

#[derive(Deserialize)]
struct StatusBody {
    token: Option<String>,
    status: Option<String>,
}

async fn set_status(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<StatusBody>,
) -> ApiResult<Json<Value>> {
    let token = require("token", body.token)?;
    let status = require("status", body.status)?;
    state.livechat.set_visitor_status(&token, &status).await?;
    Ok(success(json!({ "token": token, "status": status })))
}

#[derive(Deserialize)]
struct CustomFieldBody {
    token: Option<String>,
    key: Option<String>,
    value: Option<String>,
    overwrite: Option<bool>,
}

async fn set_custom_field(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<CustomFieldBody>,
) -> ApiResult<Json<Value>> {
    let token = require("token", body.token)?;
    let field = CustomFieldInput {
        key: require("key", body.key)?,
        value: require("value", body.value)?,
        overwrite: require("overwrite", body.overwrite)?,
    };
    state
        .livechat
        .set_custom_fields(&token, std::slice::from_ref(&field))
        .await?;
    Ok(success(json!({ "field": field })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomFieldsBody {
    token: Option<String>,
    #[serde(default, deserialize_with = "objects")]
    custom_fields: Option<Vec<CustomFieldInput>>,
}

async fn set_custom_fields(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<CustomFieldsBody>,
) -> ApiResult<Json<Value>> {
    let token = require("token", body.token)?;
    let fields = require("customFields", body.custom_fields)?;
    state.livechat.set_custom_fields(&token, &fields).await?;
    // `Key` with a capital K: Rocket.Chat's spelling, which clients expect.
    let echoed: Vec<Value> = fields
        .iter()
        .map(|f| json!({ "Key": f.key, "value": f.value, "overwrite": f.overwrite }))
        .collect();
    Ok(success(json!({ "fields": echoed })))
}
