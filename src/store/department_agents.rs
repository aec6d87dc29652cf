//! Agents' memberships of departments (`department_agents`), which routing reads to pick an
//! agent of a chat's department (see `store::agents`).

use super::error::StoreResult;
use super::{dispatch, Exec};
use crate::model::DepartmentAgent;
use crate::time::Timestamp;

const SELECT: &str = "SELECT a.id, a.agent_id, a.department_id, d.enabled, a.username, a.chat_count, a.sort_order, a.updated_at \
     FROM department_agents a JOIN departments d ON d.id = a.department_id";

type Row = (String, String, String, bool, String, i64, i64, i64);

fn link(
    (id, agent_id, department_id, department_enabled, username, count, order, updated_at): Row,
) -> DepartmentAgent {
    DepartmentAgent {
        id,
        agent_id,
        department_id,
        department_enabled,
        username,
        count,
        order,
        updated_at: Timestamp(updated_at),
    }
}

impl Exec<'_> {
    /// Every agent link of a department, by username.
    pub async fn department_agents(
        &mut self,
        department_id: &str,
    ) -> StoreResult<Vec<DepartmentAgent>> {
        let sql = format!("{SELECT} WHERE a.department_id = $1 ORDER BY a.username, a.agent_id");
        let rows: Vec<Row> = dispatch!(self, c => {
            sqlx::query_as(&sql).bind(department_id).fetch_all(&mut **c).await?
        });
        Ok(rows.into_iter().map(link).collect())
    }

    /// A page of a department's agent links, by username; with the total.
    pub async fn department_agent_page(
        &mut self,
        department_id: &str,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<DepartmentAgent>, i64)> {
        let page = format!(
            "{SELECT} WHERE a.department_id = $1 ORDER BY a.username, a.agent_id LIMIT $2 OFFSET $3"
        );
        let (rows, total): (Vec<Row>, i64) = dispatch!(self, c => {
            let rows = sqlx::query_as(&page).bind(department_id).bind(count).bind(offset).fetch_all(&mut **c).await?;
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM department_agents WHERE department_id = $1")
                .bind(department_id)
                .fetch_one(&mut **c)
                .await?;
            (rows, total)
        });
        Ok((rows.into_iter().map(link).collect(), total))
    }

    /// Adds an agent to a department, or updates its `count`, `order` and username there.
    pub async fn upsert_department_agent(&mut self, link: &DepartmentAgent) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO department_agents (id, department_id, agent_id, username, chat_count, sort_order, updated_at) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7) \
                           ON CONFLICT (department_id, agent_id) DO UPDATE SET username = excluded.username, \
                           chat_count = excluded.chat_count, sort_order = excluded.sort_order, updated_at = excluded.updated_at";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&link.id)
                .bind(&link.department_id)
                .bind(&link.agent_id)
                .bind(&link.username)
                .bind(link.count)
                .bind(link.order)
                .bind(link.updated_at.millis())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn remove_department_agent(
        &mut self,
        department_id: &str,
        agent_id: &str,
    ) -> StoreResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM department_agents WHERE department_id = $1 AND agent_id = $2")
                .bind(department_id)
                .bind(agent_id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn remove_department_agents(&mut self, department_id: &str) -> StoreResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM department_agents WHERE department_id = $1")
                .bind(department_id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}
