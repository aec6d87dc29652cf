//! `livechat/department[/:_id[/agents]]`: managing departments and their agents (reference §3.13).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, JsonBody, Pagination, PathParams, QueryParams};
use super::{paginated, success, AppState};
use crate::accounts::permissions::permission::{
    ADD_LIVECHAT_DEPARTMENT_AGENTS, MANAGE_LIVECHAT_DEPARTMENTS, REMOVE_LIVECHAT_DEPARTMENT,
    VIEW_LIVECHAT_DEPARTMENTS, VIEW_L_ROOM,
};
use crate::error::{ApiError, ApiResult};
use crate::livechat::{AgentLinkInput, DepartmentInput, DepartmentQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/department", get(list).post(create))
        .route("/department/{id}", get(fetch).put(update).delete(remove))
        .route(
            "/department/{id}/agents",
            get(list_agents).post(change_agents),
        )
}

/// 403 unless the user holds at least one of `permissions` (Rocket.Chat's `hasAny`).
fn require_any(auth: &Authenticated, permissions: &[&str]) -> ApiResult<()> {
    if permissions.iter().any(|p| auth.may(p)) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

fn may(auth: &Authenticated, permission: &str) -> bool {
    auth.may(permission)
}

/// Rocket.Chat's boolean query parameters: only the text `true` is true.
fn is_true(value: &Option<String>) -> bool {
    value.as_deref() == Some("true")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    text: Option<String>,
    enabled: Option<String>,
    only_my_departments: Option<String>,
    exclude_department_id: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    require_any(&auth, &[VIEW_LIVECHAT_DEPARTMENTS, VIEW_L_ROOM])?;
    let (offset, count) = Pagination {
        offset: query.offset.clone(),
        count: query.count.clone(),
    }
    .resolve()?;
    let filters = DepartmentQuery {
        text: query.text.as_deref(),
        only_enabled: is_true(&query.enabled),
        only_mine: is_true(&query.only_my_departments),
        exclude_id: query.exclude_department_id.as_deref(),
    };
    let (departments, total) = state
        .livechat
        .list_departments(&auth.user, filters, offset, count)
        .await?;
    Ok(paginated("departments", &departments, offset, total))
}

#[derive(Deserialize)]
struct SaveBody {
    department: Option<DepartmentInput>,
    agents: Option<Vec<AgentLinkInput>>,
}

async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<SaveBody>,
) -> ApiResult<Json<Value>> {
    auth.require(MANAGE_LIVECHAT_DEPARTMENTS)?;
    let department = require("department", body.department)?;
    let (department, agents) = state
        .livechat
        .create_department(&department, body.agents.as_deref())
        .await?;
    Ok(success(
        json!({ "department": department, "agents": agents }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FetchQuery {
    include_agents: Option<String>,
    only_my_departments: Option<String>,
}

async fn fetch(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    QueryParams(query): QueryParams<FetchQuery>,
) -> ApiResult<Json<Value>> {
    require_any(&auth, &[VIEW_LIVECHAT_DEPARTMENTS, VIEW_L_ROOM])?;
    // As in Rocket.Chat, the agents are shown only to those who may view departments.
    let include_agents = is_true(&query.include_agents) && may(&auth, VIEW_LIVECHAT_DEPARTMENTS);
    let only_mine = is_true(&query.only_my_departments).then_some(&auth.user);
    let (department, agents) = state
        .livechat
        .department(&id, include_agents, only_mine)
        .await?;
    let mut body = json!({ "department": department });
    if let Some(agents) = agents {
        body["agents"] = json!(agents);
    }
    Ok(success(body))
}

async fn update(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<SaveBody>,
) -> ApiResult<Json<Value>> {
    require_any(
        &auth,
        &[MANAGE_LIVECHAT_DEPARTMENTS, ADD_LIVECHAT_DEPARTMENT_AGENTS],
    )?;
    let department = require("department", body.department)?;
    // Each part is saved only by those allowed to change it.
    let fields = may(&auth, MANAGE_LIVECHAT_DEPARTMENTS).then_some(&department);
    let agents = body
        .agents
        .as_deref()
        .filter(|_| may(&auth, ADD_LIVECHAT_DEPARTMENT_AGENTS));
    let (department, agents) = state
        .livechat
        .update_department(&id, fields, agents)
        .await?;
    Ok(success(
        json!({ "department": department, "agents": agents }),
    ))
}

async fn remove(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    require_any(
        &auth,
        &[MANAGE_LIVECHAT_DEPARTMENTS, REMOVE_LIVECHAT_DEPARTMENT],
    )?;
    state.livechat.delete_department(&id).await?;
    Ok(success(json!({})))
}

async fn list_agents(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    QueryParams(page): QueryParams<Pagination>,
) -> ApiResult<Json<Value>> {
    require_any(&auth, &[VIEW_LIVECHAT_DEPARTMENTS, VIEW_L_ROOM])?;
    let (offset, count) = page.resolve()?;
    let (agents, total) = state
        .livechat
        .department_agent_page(&id, offset, count)
        .await?;
    Ok(paginated("agents", &agents, offset, total))
}

#[derive(Deserialize)]
struct AgentsBody {
    #[serde(default)]
    upsert: Vec<AgentLinkInput>,
    #[serde(default)]
    remove: Vec<AgentLinkInput>,
}

async fn change_agents(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<AgentsBody>,
) -> ApiResult<Json<Value>> {
    require_any(
        &auth,
        &[MANAGE_LIVECHAT_DEPARTMENTS, ADD_LIVECHAT_DEPARTMENT_AGENTS],
    )?;
    state
        .livechat
        .change_department_agents(&id, &body.upsert, &body.remove)
        .await?;
    Ok(success(json!({})))
}
