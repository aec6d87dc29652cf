//! The routing side of accounts: picking and holding an agent for a chat. The limit on open
//! chats per agent is enforced by the UPDATE that takes the slot (`open_chats < limit` in its
//! WHERE), so no interleaving of requests can push an agent past it.

use std::sync::LazyLock;

use super::error::StoreResult;
use super::primitives::params;
use super::{dispatch, parse_doc, parse_docs, Exec};
use crate::model::{Inquiry, User};
use crate::time::Timestamp;

/// An agent's effective limit: its own if set, else the global one (`$2`), else unlimited.
const LIMIT: &str =
    "(CASE WHEN max_chats > 0 THEN max_chats WHEN $2 > 0 THEN $2 ELSE 9223372036854775807 END)";

/// Who can take a chat now: an active agent, available for livechat, not offline (in Rust:
/// `User::takes_chats`).
const AVAILABLE: &str =
    "is_agent AND active AND status_livechat = 'available' AND status <> 'offline'";

/// Routing order: fewest open chats, then longest since the last assignment.
const BEST_FIRST: &str = "ORDER BY open_chats, last_assigned_at, username_lower";

/// Available agents of the department in parameter `param` (all of them when it is NULL).
fn available_in(param: &str) -> String {
    format!(
        "{AVAILABLE} AND ({param} IS NULL OR id IN \
         (SELECT agent_id FROM department_agents WHERE department_id = {param}))"
    )
}

/// `$1` now, `$2` global limit, `$3` department.
static TAKE_BEST_SLOT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE users SET open_chats = open_chats + 1, last_assigned_at = $1 \
         WHERE id = (SELECT id FROM users WHERE {} AND open_chats < {LIMIT} {BEST_FIRST} LIMIT 1) \
         AND open_chats < {LIMIT} RETURNING doc",
        available_in("$3")
    )
});

/// `$1` now, `$2` global limit, `$3` agent id.
static TAKE_SLOT_OF: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE users SET open_chats = open_chats + 1, last_assigned_at = $1 \
         WHERE id = $3 AND {AVAILABLE} AND open_chats < {LIMIT} RETURNING doc"
    )
});

/// `$1` department, `$2` global limit.
static NEXT_AGENT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT doc FROM users WHERE {} AND open_chats < {LIMIT} {BEST_FIRST} LIMIT 1",
        available_in("$1")
    )
});

/// `$1` batch size, `$2` global limit. A queued chat is servable when an available agent with
/// a free slot could take it: any such agent for a chat without department, else one of its
/// department's.
static SERVABLE_QUEUE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT doc FROM inquiries WHERE status = 'queued' AND ( \
           (department IS NULL AND EXISTS (SELECT 1 FROM users WHERE {AVAILABLE} AND open_chats < {LIMIT})) \
           OR department IN (SELECT department_agents.department_id FROM department_agents \
                             JOIN users ON users.id = department_agents.agent_id \
                             WHERE {AVAILABLE} AND open_chats < {LIMIT})) \
         ORDER BY queued_at, id LIMIT $1"
    )
});

/// `$1` department.
static ANY_AVAILABLE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT 1 FROM users WHERE {} LIMIT 1", available_in("$1")));

impl Exec<'_> {
    /// Takes a chat slot on the best available agent (of `department`, if given): fewest open
    /// chats first, then whoever was assigned longest ago. `None` when nobody has a free slot.
    pub async fn take_agent_slot(
        &mut self,
        department: Option<&str>,
        global_limit: i64,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        // Two transactions may pick the same agent; the second then finds the slot gone (the
        // WHERE is re-checked on the updated row) and tries again with a fresh pick.
        for _ in 0..8 {
            let doc = self
                .fetch_text(
                    TAKE_BEST_SLOT.as_str(),
                    params![now.millis(), global_limit, department],
                )
                .await?;
            match doc {
                Some(doc) => return Ok(Some(parse_doc(&doc)?)),
                None if self
                    .next_available_agent(department, global_limit)
                    .await?
                    .is_none() =>
                {
                    return Ok(None)
                }
                None => continue,
            }
        }
        Ok(None)
    }

    /// Takes a slot on one given agent, if it is available and under its limit.
    pub async fn take_slot_of(
        &mut self,
        agent_id: &str,
        global_limit: i64,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        let doc = self
            .fetch_text(
                TAKE_SLOT_OF.as_str(),
                params![now.millis(), global_limit, agent_id],
            )
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The agent who would get the next chat (of `department`, if given), without taking a slot.
    pub async fn next_available_agent(
        &mut self,
        department: Option<&str>,
        global_limit: i64,
    ) -> StoreResult<Option<User>> {
        let doc = self
            .fetch_text(NEXT_AGENT.as_str(), params![department, global_limit])
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Whether anyone could take a chat now (of `department`, if given), ignoring limits.
    pub async fn any_agent_available(&mut self, department: Option<&str>) -> StoreResult<bool> {
        let found: Option<i32> = dispatch!(self, c => {
            sqlx::query_scalar(ANY_AVAILABLE.as_str()).bind(department).fetch_optional(&mut **c).await?
        });
        Ok(found.is_some())
    }

    /// The oldest queued chats that some agent could take now. Chats nobody can take yet are
    /// passed over, so they never hold up the rest. Not locked: the caller locks each room,
    /// then its inquiry (the lock order everywhere), and re-checks that it is still queued.
    pub async fn servable_queued_inquiries(
        &mut self,
        limit: i64,
        global_limit: i64,
    ) -> StoreResult<Vec<Inquiry>> {
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar(SERVABLE_QUEUE.as_str())
                .bind(limit)
                .bind(global_limit)
                .fetch_all(&mut **c)
                .await?
        });
        parse_docs(docs)
    }

    /// Gives back the slot of a chat the agent no longer serves.
    pub async fn release_agent_slot(&mut self, agent_id: &str) -> StoreResult<()> {
        dispatch!(self, c => {
            sqlx::query("UPDATE users SET open_chats = open_chats - 1 WHERE id = $1 AND open_chats > 0")
                .bind(agent_id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Accounts holding `role`, by username, with the total.
    pub async fn users_with_role(
        &mut self,
        role: &str,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<User>, i64)> {
        let pattern = format!("%,{role},%");
        const PAGE: &str =
            "SELECT doc FROM users WHERE roles LIKE $1 ORDER BY username_lower LIMIT $2 OFFSET $3";
        const TOTAL: &str = "SELECT COUNT(*) FROM users WHERE roles LIKE $1";
        let (docs, total): (Vec<String>, i64) = dispatch!(self, c => {
            let docs = sqlx::query_scalar(PAGE).bind(&pattern).bind(count).bind(offset).fetch_all(&mut **c).await?;
            let total = sqlx::query_scalar(TOTAL).bind(&pattern).fetch_one(&mut **c).await?;
            (docs, total)
        });
        Ok((parse_docs(docs)?, total))
    }

    /// Department ids an agent belongs to.
    pub async fn agent_departments(&mut self, agent_id: &str) -> StoreResult<Vec<String>> {
        Ok(dispatch!(self, c => {
            sqlx::query_scalar("SELECT department_id FROM department_agents WHERE agent_id = $1 ORDER BY department_id")
                .bind(agent_id)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    pub async fn remove_agent_from_departments(&mut self, agent_id: &str) -> StoreResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM department_agents WHERE agent_id = $1")
                .bind(agent_id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}
