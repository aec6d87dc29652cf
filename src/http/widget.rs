//! `livechat/config`, `livechat/agent.info` and `livechat/agent.next`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{PathParams, QueryParams};
use super::{success, AppState};
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/config", get(config))
        .route("/agent.info/{rid}/{token}", get(agent_info))
        .route("/agent.next/{token}", get(agent_next))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigQuery {
    token: Option<String>,
    department: Option<String>,
}

async fn config(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ConfigQuery>,
) -> ApiResult<Json<Value>> {
    let config = state
        .livechat
        .widget_config(
            query.token.as_deref().filter(|t| !t.is_empty()),
            query.department.as_deref(),
        )
        .await?;
    Ok(success(json!({ "config": config })))
}

async fn agent_info(
    State(state): State<AppState>,
    PathParams((rid, token)): PathParams<(String, String)>,
) -> ApiResult<Json<Value>> {
    let agent = state.livechat.serving_agent(&rid, &token).await?;
    Ok(success(json!({ "agent": agent })))
}

#[derive(Deserialize)]
struct NextQuery {
    department: Option<String>,
}

async fn agent_next(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
    QueryParams(query): QueryParams<NextQuery>,
) -> ApiResult<Json<Value>> {
    let agent = state
        .livechat
        .next_agent(&token, query.department.as_deref())
        .await?;
    Ok(success(match agent {
        Some(agent) => json!({ "agent": agent }),
        None => json!({}),
    }))
}
