//! The live permission table: one handle per app, consulted by every REST route, DDP method and
//! stream. Checks read an in-memory snapshot (a read lock and an `Arc` clone, no query); edits
//! are written with an outbox event in one transaction, so every process sharing the database
//! reloads its snapshot when its dispatcher reads the event (this one reloads at once).
//!
//! Connections learn of each reload through [`Permissions::changes`], to re-check what they
//! subscribed to.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, RwLock};

use serde_json::json;
use tokio::sync::watch;

use super::permissions::{DEFAULTS, ROLES};
use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::store::streams::PERMISSIONS_CHANGED;
use crate::store::{PermissionChange, Store, StoredPermission};
use crate::time::Timestamp;

type Table = BTreeMap<String, StoredPermission>;

/// The permission table of this app; cheap to clone.
#[derive(Clone)]
pub struct Permissions {
    inner: Arc<Inner>,
}

struct Inner {
    table: RwLock<Arc<Table>>,
    /// Held from reading the stored table until the snapshot is replaced, so that a reload
    /// that read before an update committed cannot put the older table back over it.
    reloading: tokio::sync::Mutex<()>,
    /// Bumped after each reload that changed something.
    changed: watch::Sender<u64>,
}

/// One entry of `permissions.update`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionEdit {
    #[serde(rename = "_id")]
    pub id: String,
    pub roles: Vec<String>,
}

impl Permissions {
    /// Stores the default roles of every permission not stored yet (never touching one an
    /// administrator edited), then loads the table.
    pub async fn start(store: &Store) -> ApiResult<Permissions> {
        let now = Timestamp::now();
        let mut tx = store.begin().await?;
        for (id, roles) in DEFAULTS {
            tx.exec().seed_permission(id, roles, now).await?;
        }
        tx.commit().await?;
        let permissions = Permissions::from_rows(Vec::new());
        permissions.reload(store).await?;
        Ok(permissions)
    }

    fn from_rows(rows: Vec<StoredPermission>) -> Permissions {
        let (changed, _) = watch::channel(0);
        Permissions {
            inner: Arc::new(Inner {
                table: RwLock::new(Arc::new(to_table(rows))),
                reloading: tokio::sync::Mutex::new(()),
                changed,
            }),
        }
    }

    /// The defaults alone, without a database (unit tests).
    pub fn defaults() -> Permissions {
        let now = Timestamp(0);
        Permissions::from_rows(
            DEFAULTS
                .iter()
                .map(|(id, roles)| StoredPermission {
                    id: id.to_string(),
                    roles: roles.iter().map(|r| r.to_string()).collect(),
                    updated_at: now,
                })
                .collect(),
        )
    }

    fn snapshot(&self) -> Arc<Table> {
        match self.inner.table.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Whether any of `roles` holds `permission`. Unknown permissions are granted to nobody.
    pub fn has(&self, roles: &[String], permission: &str) -> bool {
        let table = self.snapshot();
        table
            .get(permission)
            .is_some_and(|p| p.roles.iter().any(|held| roles.contains(held)))
    }

    /// Every permission, by id.
    pub fn all(&self) -> Vec<StoredPermission> {
        self.snapshot().values().cloned().collect()
    }

    /// Re-reads the stored table; connections are told when it changed.
    pub async fn reload(&self, store: &Store) -> ApiResult<()> {
        let _reloading = self.inner.reloading.lock().await;
        let rows = store.read().await?.exec().permissions().await?;
        let table = to_table(rows);
        let mut guard = match self.inner.table.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if **guard == table {
            return Ok(());
        }
        *guard = Arc::new(table);
        drop(guard);
        self.inner.changed.send_modify(|version| *version += 1);
        Ok(())
    }

    /// Changes after each reload that altered the table.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    /// `permissions.update`: sets the roles of each named permission, all or nothing. Every
    /// id must name a stored permission (once) and every role one of this server's roles,
    /// checked in Rocket.Chat's order. Each change is audited (log and `permission_changes`).
    pub async fn update(
        &self,
        store: &Store,
        actor: &User,
        edits: Vec<PermissionEdit>,
    ) -> ApiResult<Vec<StoredPermission>> {
        let known = self.snapshot();
        let mut seen = HashSet::new();
        if !edits
            .iter()
            .all(|e| known.contains_key(&e.id) && seen.insert(e.id.as_str()))
        {
            return Err(ApiError::Failure {
                text: "Invalid permission".into(),
                code: "error-invalid-permission",
            });
        }
        if !edits
            .iter()
            .flat_map(|e| &e.roles)
            .all(|role| ROLES.contains(&role.as_str()))
        {
            return Err(ApiError::Failure {
                text: "Invalid role".into(),
                code: "error-invalid-role",
            });
        }
        let now = Timestamp::now();
        let mut applied = Vec::new();
        let mut tx = store.begin().await?;
        for edit in &edits {
            let roles = without_repeats(&edit.roles);
            let Some(before) = tx.exec().permission_for_update(&edit.id).await? else {
                // Stored ids never disappear; the snapshot checked above came from the table.
                return Err(ApiError::Failure {
                    text: "Invalid permission".into(),
                    code: "error-invalid-permission",
                });
            };
            tx.exec()
                .set_permission_roles(&edit.id, &roles, now)
                .await?;
            tx.exec()
                .record_permission_change(&PermissionChange {
                    permission: &edit.id,
                    before: &before.roles,
                    after: &roles,
                    user_id: &actor.id,
                    username: &actor.username,
                    at: now,
                })
                .await?;
            tx.exec()
                .record_event(
                    PERMISSIONS_CHANGED,
                    &edit.id,
                    &json!([{ "_id": edit.id, "roles": roles }]),
                )
                .await?;
            applied.push((edit.id.as_str(), before.roles, roles));
        }
        tx.commit().await?;
        for (permission, before, after) in &applied {
            tracing::info!(
                user_id = %actor.id,
                username = %actor.username,
                permission,
                roles_before = ?before,
                roles_after = ?after,
                "permission changed"
            );
        }
        self.reload(store).await?;
        Ok(self.all())
    }
}

fn to_table(rows: Vec<StoredPermission>) -> Table {
    rows.into_iter().map(|p| (p.id.clone(), p)).collect()
}

fn without_repeats(roles: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::with_capacity(roles.len());
    for role in roles {
        if !kept.contains(role) {
            kept.push(role.clone());
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::super::permissions::permission::{TRANSFER_LIVECHAT_GUEST, VIEW_L_ROOM};
    use super::super::permissions::{ADMIN, AGENT, MANAGER, USER};
    use super::*;

    fn roles(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn agents_see_rooms_but_do_not_transfer_by_default() {
        let permissions = Permissions::defaults();
        assert!(permissions.has(&roles(&[AGENT]), VIEW_L_ROOM));
        assert!(!permissions.has(&roles(&[AGENT]), TRANSFER_LIVECHAT_GUEST));
        assert!(permissions.has(&roles(&[MANAGER]), TRANSFER_LIVECHAT_GUEST));
    }

    #[test]
    fn plain_users_and_unknown_permissions_get_nothing() {
        let permissions = Permissions::defaults();
        assert!(!permissions.has(&roles(&[USER]), VIEW_L_ROOM));
        assert!(!permissions.has(&roles(&[ADMIN]), "no-such-permission"));
    }
}
