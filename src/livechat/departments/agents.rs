//! A department's agents: adding, replacing and removing the links routing reads. Every change
//! holds the department's row lock, and only users with the agent role can be added.

use std::collections::HashSet;

use super::input::{agent_id, check_agent_list, AgentLinkInput};
use super::{not_found, Livechat};
use crate::accounts::permissions::AGENT;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::{Department, DepartmentAgent};
use crate::store::Exec;
use crate::time::Timestamp;

/// Adds (or updates) the agents of `entries` in `department`; returns how many there were.
/// Unknown users and users without the agent role are refused.
pub(super) async fn upsert(
    exec: &mut Exec<'_>,
    list: &str,
    department: &Department,
    entries: &[AgentLinkInput],
    now: Timestamp,
) -> ApiResult<usize> {
    check_agent_list(list, entries)?;
    for (index, entry) in entries.iter().enumerate() {
        let id = agent_id(list, index, entry)?;
        let user = exec.user_by_id(id).await?.ok_or_else(|| {
            ApiError::meteor("error-user-not-found", format!("No user has the id {id}"))
        })?;
        if !user.has_role(AGENT) {
            return Err(ApiError::meteor(
                "error-user-is-not-agent",
                format!("User {} is not a livechat agent", user.username),
            ));
        }
        let link = DepartmentAgent {
            id: ids::random_id(),
            agent_id: user.id,
            department_id: department.id.clone(),
            department_enabled: department.enabled,
            username: user.username,
            count: entry.count.unwrap_or(0),
            order: entry.order.unwrap_or(0),
            updated_at: now,
        };
        exec.upsert_department_agent(&link).await?;
    }
    Ok(entries.len())
}

/// Makes `entries` the department's agents: the others leave it.
pub(super) async fn replace(
    exec: &mut Exec<'_>,
    department: &Department,
    entries: &[AgentLinkInput],
    now: Timestamp,
) -> ApiResult<usize> {
    check_agent_list("agents", entries)?;
    let mut keep = HashSet::new();
    for (index, entry) in entries.iter().enumerate() {
        keep.insert(agent_id("agents", index, entry)?);
    }
    for current in exec.department_agents(&department.id).await? {
        if !keep.contains(current.agent_id.as_str()) {
            exec.remove_department_agent(&department.id, &current.agent_id)
                .await?;
        }
    }
    upsert(exec, "agents", department, entries, now).await
}

impl Livechat {
    /// `GET livechat/department/:_id/agents`: a page of the department's agents, by username.
    pub async fn department_agent_page(
        &self,
        id: &str,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<DepartmentAgent>, i64)> {
        let mut conn = self.store().read().await?;
        Ok(conn.exec().department_agent_page(id, offset, count).await?)
    }

    /// `POST livechat/department/:_id/agents`: removes the agents of `remove`, then adds or
    /// updates those of `upsert`, in one transaction.
    pub async fn change_department_agents(
        &self,
        id: &str,
        upsert_entries: &[AgentLinkInput],
        remove_entries: &[AgentLinkInput],
    ) -> ApiResult<()> {
        check_agent_list("remove", remove_entries)?;
        let mut tx = self.store().begin().await?;
        let department = tx
            .exec()
            .department_for_update(id)
            .await?
            .ok_or_else(not_found)?;
        for (index, entry) in remove_entries.iter().enumerate() {
            let agent = agent_id("remove", index, entry)?;
            tx.exec().remove_department_agent(id, agent).await?;
        }
        let now = Timestamp::now();
        let added = upsert(&mut tx.exec(), "upsert", &department, upsert_entries, now).await?;
        tx.commit().await?;
        if added > 0 {
            self.drain_queue_after_change().await;
        }
        Ok(())
    }
}
