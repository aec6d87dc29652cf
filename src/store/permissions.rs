//! The stored permission table (`permissions`) and its audit trail (`permission_changes`),
//! migration 0012. Roles are kept as a JSON array of role ids.

use super::error::{StoreError, StoreResult};
use super::{dispatch, parse_doc, to_doc, Exec};
use crate::time::Timestamp;

/// One permission as stored: who holds it, and when that last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPermission {
    pub id: String,
    pub roles: Vec<String>,
    pub updated_at: Timestamp,
}

/// One audited change: `user` set `permission` from `before` to `after`.
pub struct PermissionChange<'a> {
    pub permission: &'a str,
    pub before: &'a [String],
    pub after: &'a [String],
    pub user_id: &'a str,
    pub username: &'a str,
    pub at: Timestamp,
}

type Row = (String, String, i64);

fn stored(row: Row) -> StoreResult<StoredPermission> {
    let (id, roles, updated_at) = row;
    Ok(StoredPermission {
        id,
        roles: parse_doc(&roles)?,
        updated_at: Timestamp(updated_at),
    })
}

impl Exec<'_> {
    /// Inserts a permission with its default roles unless it is stored already: an
    /// administrator's edit is never overwritten by a restart.
    pub async fn seed_permission(
        &mut self,
        id: &str,
        roles: &[&str],
        now: Timestamp,
    ) -> StoreResult<()> {
        let roles = to_doc(&roles)?;
        const SQL: &str = "INSERT INTO permissions (id, roles, updated_at) VALUES ($1, $2, $3) \
                           ON CONFLICT (id) DO NOTHING";
        dispatch!(self, c => {
            sqlx::query(SQL).bind(id).bind(&roles).bind(now.millis()).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }

    /// Every stored permission, by id.
    pub async fn permissions(&mut self) -> StoreResult<Vec<StoredPermission>> {
        const SQL: &str = "SELECT id, roles, updated_at FROM permissions ORDER BY id";
        let rows: Vec<Row> = dispatch!(self, c => {
            sqlx::query_as(SQL).fetch_all(&mut **c).await?
        });
        rows.into_iter().map(stored).collect()
    }

    /// One permission, locked until the transaction ends (PostgreSQL), so two concurrent edits
    /// audit the roles each really replaced.
    pub async fn permission_for_update(
        &mut self,
        id: &str,
    ) -> StoreResult<Option<StoredPermission>> {
        const SQL: &str = "SELECT id, roles, updated_at FROM permissions WHERE id = $1";
        let row: Option<Row> = match self {
            Exec::Sqlite(c) => {
                sqlx::query_as(SQL)
                    .bind(id)
                    .fetch_optional(&mut **c)
                    .await?
            }
            Exec::Batch(_) => return Err(StoreError::not_batched(file!(), line!())),
            Exec::Postgres(c) => {
                sqlx::query_as(&format!("{SQL} FOR UPDATE"))
                    .bind(id)
                    .fetch_optional(&mut **c)
                    .await?
            }
        };
        row.map(stored).transpose()
    }

    pub async fn set_permission_roles(
        &mut self,
        id: &str,
        roles: &[String],
        now: Timestamp,
    ) -> StoreResult<()> {
        let roles = to_doc(&roles)?;
        const SQL: &str = "UPDATE permissions SET roles = $2, updated_at = $3 WHERE id = $1";
        dispatch!(self, c => {
            sqlx::query(SQL).bind(id).bind(&roles).bind(now.millis()).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }

    pub async fn record_permission_change(
        &mut self,
        change: &PermissionChange<'_>,
    ) -> StoreResult<()> {
        let before = to_doc(&change.before)?;
        let after = to_doc(&change.after)?;
        const SQL: &str = "INSERT INTO permission_changes \
                           (permission_id, roles_before, roles_after, user_id, username, changed_at) \
                           VALUES ($1, $2, $3, $4, $5, $6)";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(change.permission)
                .bind(&before)
                .bind(&after)
                .bind(change.user_id)
                .bind(change.username)
                .bind(change.at.millis())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}
