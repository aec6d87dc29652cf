//! `livechat/users/:type[/:_id]` (agents and managers), `livechat/agent.status` and
//! `livechat/agents.saveInfo`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, PathParams, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::{
    EDIT_OMNICHANNEL_CONTACT, MANAGE_LIVECHAT_AGENTS, TRANSFER_LIVECHAT_GUEST,
    VIEW_LIVECHAT_MANAGER, VIEW_L_ROOM,
};
use crate::error::{ApiError, ApiResult};
use crate::livechat::StaffRole;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users/{kind}", get(list).post(add))
        .route("/users/{kind}/{id}", get(fetch).delete(remove))
        .route("/agent.status", post(set_status))
        .route("/agents.saveInfo", post(save_info))
        .route("/agents/{agent_id}/departments", get(departments_of))
}

/// `GET livechat/agents/:agentId/departments`: the departments an agent belongs to. Agents
/// read their own (the console subscribes to their queues); managers anyone's.
async fn departments_of(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(agent_id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    if agent_id != auth.user.id {
        auth.require(VIEW_LIVECHAT_MANAGER)?;
    }
    let departments = state.livechat.agent_department_ids(&agent_id).await?;
    let departments: Vec<Value> = departments
        .into_iter()
        .map(|department| json!({ "agentId": agent_id, "departmentId": department }))
        .collect();
    Ok(success(json!({ "departments": departments })))
}

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(kind): PathParams<String>,
    QueryParams(page): QueryParams<Pagination>,
) -> ApiResult<Json<Value>> {
    // Rocket.Chat checks the route's permission before it looks at the type.
    auth.require(MANAGE_LIVECHAT_AGENTS)?;
    let role = StaffRole::parse(&kind)?;
    let allowed = match role {
        StaffRole::Agent => auth
            .require(TRANSFER_LIVECHAT_GUEST)
            .or_else(|_| auth.require(EDIT_OMNICHANNEL_CONTACT)),
        StaffRole::Manager => auth.require(VIEW_LIVECHAT_MANAGER),
    };
    allowed?;
    let (offset, count) = page.resolve()?;
    let (users, total) = state.livechat.list_staff(role, offset, count).await?;
    Ok(paginated("users", &users, offset, total))
}

#[derive(Deserialize)]
struct AddBody {
    username: Option<String>,
}

async fn add(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(kind): PathParams<String>,
    JsonBody(body): JsonBody<AddBody>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let role = StaffRole::parse(&kind)?;
    let username = require("username", body.username)?;
    let user = state.livechat.add_staff(role, &username).await?;
    Ok(success(
        json!({ "user": { "_id": user.id, "username": user.username } }),
    ))
}

async fn fetch(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams((kind, id)): PathParams<(String, String)>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let role = StaffRole::parse(&kind)?;
    let user = state.livechat.staff_member(role, &id).await?;
    Ok(success(json!({ "user": user })))
}

async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams((kind, id)): PathParams<(String, String)>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let role = StaffRole::parse(&kind)?;
    state.livechat.remove_staff(role, &id).await?;
    Ok(success(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody {
    status: Option<String>,
    agent_id: Option<String>,
}

async fn set_status(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<StatusBody>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_L_ROOM)?;
    let agent_id = body.agent_id.unwrap_or_else(|| auth.user.id.clone());
    if agent_id != auth.user.id && auth.require(MANAGE_LIVECHAT_AGENTS).is_err() {
        return Err(ApiError::Code("unauthorized"));
    }
    let status = state
        .livechat
        .set_agent_availability(&agent_id, body.status.as_deref())
        .await?;
    Ok(success(json!({ "status": status })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SaveInfoBody {
    agent_id: Option<String>,
    #[serde(default, deserialize_with = "crate::input::object")]
    agent_data: Option<AgentData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgentData {
    max_number_simultaneous_chat: Option<Value>,
}

async fn save_info(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<SaveInfoBody>,
) -> ApiResult<Json<Value>> {
    auth.require(MANAGE_LIVECHAT_AGENTS)?;
    let agent_id = require("agentId", body.agent_id)?;
    let agent_data = require("agentData", body.agent_data)?;
    // Rocket.Chat's form sends the limit as a number or as the text of one ("" for none).
    let max_chats = match agent_data.max_number_simultaneous_chat {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.trim().is_empty() => None,
        Some(Value::String(text)) => Some(text.trim().parse::<i64>().map_err(|_| {
            ApiError::invalid("'agentData.maxNumberSimultaneousChat' must be a whole number")
        })?),
        Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(|| {
            ApiError::invalid("'agentData.maxNumberSimultaneousChat' must be a whole number")
        })?),
        Some(_) => {
            return Err(ApiError::invalid(
                "'agentData.maxNumberSimultaneousChat' must be a whole number",
            ))
        }
    };
    state.livechat.save_agent_info(&agent_id, max_chats).await?;
    Ok(success(json!({})))
}
