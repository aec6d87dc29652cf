//! Departments. `numAgents` is not trusted from the stored document: every read counts the
//! department's agent links, so it cannot drift when links go away elsewhere (an agent losing
//! the role, a user deleted and its links cascaded).

use super::error::StoreResult;
use super::primitives::params;
use super::{dispatch, parse_doc, to_doc, Exec};
use crate::model::Department;

/// Selects `doc` and the live agent count of departments `d`.
const SELECT: &str = "SELECT d.doc, (SELECT COUNT(*) FROM department_agents a WHERE a.department_id = d.id) FROM departments d";

/// Which departments a listing shows (reference §3.13.1); every condition is optional.
#[derive(Clone, Copy, Debug, Default)]
pub struct DepartmentFilter<'a> {
    /// A case-insensitive part of the name.
    pub text: Option<&'a str>,
    pub only_enabled: bool,
    pub exclude_id: Option<&'a str>,
    /// Only the departments this agent belongs to.
    pub agent_id: Option<&'a str>,
}

/// `$1` name pattern (or ''), `$2` only enabled, `$3` excluded id (or ''), `$4` agent id (or '').
const FILTER: &str = "($1 = '' OR d.name_lower LIKE $1 ESCAPE '\\') AND (NOT $2 OR d.enabled) \
     AND ($3 = '' OR d.id <> $3) \
     AND ($4 = '' OR d.id IN (SELECT department_id FROM department_agents WHERE agent_id = $4))";

fn with_count((doc, agents): (String, i64)) -> StoreResult<Department> {
    let mut department: Department = parse_doc(&doc)?;
    department.num_agents = agents;
    Ok(department)
}

/// A `LIKE` pattern matching names that contain `text` (case-folded), wildcards escaped.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Exec<'_> {
    async fn department_where(
        &mut self,
        condition: &str,
        key: &str,
    ) -> StoreResult<Option<Department>> {
        let sql = format!("{SELECT} WHERE {condition} LIMIT 1");
        let row = self.fetch_text_with_int(&sql, params![key]).await?;
        row.map(with_count).transpose()
    }

    pub async fn department_by_id(&mut self, id: &str) -> StoreResult<Option<Department>> {
        self.department_where("d.id = $1", id).await
    }

    /// A department by `_id` or, failing that, by name (Rocket.Chat accepts both).
    pub async fn department_by_id_or_name(&mut self, key: &str) -> StoreResult<Option<Department>> {
        let by_id = self.department_by_id(key).await?;
        match by_id {
            Some(department) => Ok(Some(department)),
            None => {
                self.department_where("d.name = $1 ORDER BY d.id", key)
                    .await
            }
        }
    }

    /// The department `id`, locked until the transaction ends: changes to a department and to
    /// its agents take this lock first, so they apply one after another.
    pub async fn department_for_update(&mut self, id: &str) -> StoreResult<Option<Department>> {
        let doc = self
            .fetch_doc_for_update("SELECT doc FROM departments WHERE id = $1", id)
            .await?;
        let Some(doc) = doc else {
            return Ok(None);
        };
        let agents = self.department_agent_count(id).await?;
        with_count((doc, agents)).map(Some)
    }

    pub async fn department_agent_count(&mut self, id: &str) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM department_agents WHERE department_id = $1";
        Ok(dispatch!(self, c => {
            sqlx::query_scalar(SQL).bind(id).fetch_one(&mut **c).await?
        }))
    }

    /// What the widget may offer: enabled departments that have at least one agent.
    pub async fn widget_departments(&mut self) -> StoreResult<Vec<Department>> {
        let sql = format!(
            "{SELECT} WHERE d.enabled AND EXISTS \
             (SELECT 1 FROM department_agents a WHERE a.department_id = d.id) ORDER BY d.name_lower, d.id"
        );
        let rows: Vec<(String, i64)> = dispatch!(self, c => {
            sqlx::query_as(&sql).fetch_all(&mut **c).await?
        });
        rows.into_iter().map(with_count).collect()
    }

    /// A page of the departments passing `filter`, by name; with the total.
    pub async fn department_page(
        &mut self,
        filter: DepartmentFilter<'_>,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<Department>, i64)> {
        let text = filter.text.filter(|t| !t.is_empty()).map(contains_pattern);
        let text = text.as_deref().unwrap_or("");
        let exclude = filter.exclude_id.unwrap_or("");
        let agent = filter.agent_id.unwrap_or("");
        let page =
            format!("{SELECT} WHERE {FILTER} ORDER BY d.name_lower, d.id LIMIT $5 OFFSET $6");
        let total = format!("SELECT COUNT(*) FROM departments d WHERE {FILTER}");
        let (rows, total): (Vec<(String, i64)>, i64) = dispatch!(self, c => {
            let rows = sqlx::query_as(&page)
                .bind(text).bind(filter.only_enabled).bind(exclude).bind(agent).bind(count).bind(offset)
                .fetch_all(&mut **c).await?;
            let total = sqlx::query_scalar(&total)
                .bind(text).bind(filter.only_enabled).bind(exclude).bind(agent)
                .fetch_one(&mut **c).await?;
            (rows, total)
        });
        Ok((
            rows.into_iter()
                .map(with_count)
                .collect::<StoreResult<_>>()?,
            total,
        ))
    }

    /// Inserts or replaces a department.
    pub async fn save_department(&mut self, department: &Department) -> StoreResult<()> {
        let doc = to_doc(department)?;
        const SQL: &str = "INSERT INTO departments (id, name, name_lower, enabled, fallback_department, doc) \
                           VALUES ($1, $2, $3, $4, $5, $6) \
                           ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_lower = excluded.name_lower, \
                           enabled = excluded.enabled, fallback_department = excluded.fallback_department, doc = excluded.doc";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&department.id)
                .bind(&department.name)
                .bind(department.name.to_lowercase())
                .bind(department.enabled)
                .bind(&department.fallback_forward_department)
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn delete_department(&mut self, id: &str) -> StoreResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM departments WHERE id = $1").bind(id).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }

    /// The departments that fall back to `id`, locked for a read-modify-write.
    pub async fn departments_falling_back_to(&mut self, id: &str) -> StoreResult<Vec<Department>> {
        let ids: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT id FROM departments WHERE fallback_department = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut **c)
                .await?
        });
        let mut departments = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(department) = self.department_for_update(&id).await? {
                departments.push(department);
            }
        }
        Ok(departments)
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn name_patterns_escape_like_wildcards() {
        assert_eq!(contains_pattern("Sales"), "%sales%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
