//! Presence from realtime connections, shared by every process through the database. A
//! visitor is online while a widget connection of it is open on any node; an agent whose last
//! connection anywhere closes goes offline after a grace period (and so stops receiving new
//! chats), unless a connection came back.
//!
//! Each node records its connections per user and per visitor under its presence lease
//! (`store/presence.rs`); `presence_lease.rs` renews that lease on a heartbeat and sweeps
//! what dead nodes and ended grace periods leave. Whether someone is connected is always
//! read from the database, under that person's row lock, never from one node's memory: so a
//! node that dies cannot keep an agent online, and a connection on another node keeps it.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::RwLock;

use crate::accounts::Accounts;
use crate::error::{ApiError, ApiResult};
use crate::livechat::Livechat;
use crate::store::{PresenceHolder, PresenceKind};
use crate::time::Timestamp;

pub struct Presence {
    pub(super) livechat: Livechat,
    pub(super) accounts: Accounts,
    /// This process's name in `presence_leases`: stable across a restart, so the restarted
    /// process clears what it held before.
    pub(super) node_id: String,
    pub(super) grace: Duration,
    pub(super) lease: Duration,
    /// This node's open connections per holder, as recorded in the database; kept so that a
    /// lease lost (swept while the node could not reach the database) is claimed again with
    /// every connection the node still has.
    pub(super) local: Mutex<HashMap<PresenceHolder, usize>>,
    /// Set when recording a connection failed: the next heartbeat rewrites them all.
    pub(super) out_of_step: AtomicBool,
    /// Held shared while a connection is recorded, exclusively while the lease is claimed
    /// again, so that claim writes a snapshot no recording interleaves with.
    pub(super) recording: RwLock<()>,
}

impl Presence {
    pub fn new(
        livechat: Livechat,
        accounts: Accounts,
        node_id: String,
        grace: Duration,
        lease: Duration,
    ) -> Arc<Presence> {
        Arc::new(Presence {
            livechat,
            accounts,
            node_id,
            grace,
            lease,
            local: Mutex::default(),
            out_of_step: AtomicBool::new(false),
            recording: RwLock::new(()),
        })
    }

    pub async fn visitor_connected(&self, token: &str) {
        if self.connected(PresenceKind::Visitor, token).await {
            self.settle_visitor(token).await;
        }
    }

    /// Visitors have no grace period: the last connection closing anywhere makes them offline.
    pub async fn visitor_disconnected(&self, token: &str) {
        if self.disconnected(PresenceKind::Visitor, token).await {
            self.settle_visitor(token).await;
        }
    }

    pub async fn user_connected(&self, id: &str) {
        if self.connected(PresenceKind::User, id).await && self.settle_user(id).await {
            self.livechat.drain_queue_after_change().await;
        }
    }

    /// The user's connection on this node is gone. Its grace period runs in the database
    /// (the row keeps the time it reached zero); a heartbeat's sweep settles it once over.
    pub async fn user_disconnected(&self, id: &str) {
        self.disconnected(PresenceKind::User, id).await;
    }

    /// Records one more connection of `holder` on this node; `true` when it is the node's
    /// first (someone else's connection elsewhere changes nothing for the others).
    async fn connected(&self, kind: PresenceKind, holder: &str) -> bool {
        let _recording = self.recording.read().await;
        let first = {
            let mut local = lock(&self.local);
            let count = local.entry((kind, holder.to_string())).or_default();
            *count += 1;
            *count == 1
        };
        let recorded = async {
            let mut tx = self.livechat.store().begin().await?;
            tx.exec()
                .add_presence_connection(&self.node_id, kind, holder, Timestamp::now())
                .await?;
            tx.commit().await
        };
        self.note_failure(recorded.await.map_err(ApiError::from));
        first
    }

    /// Records one connection of `holder` on this node fewer; `true` when it was the node's last.
    async fn disconnected(&self, kind: PresenceKind, holder: &str) -> bool {
        let _recording = self.recording.read().await;
        let key = (kind, holder.to_string());
        let last = {
            let mut local = lock(&self.local);
            match local.get_mut(&key) {
                Some(count) if *count > 1 => {
                    *count -= 1;
                    false
                }
                Some(_) => {
                    local.remove(&key);
                    true
                }
                None => return false,
            }
        };
        let recorded = async {
            let mut tx = self.livechat.store().begin().await?;
            tx.exec()
                .remove_presence_connection(&self.node_id, kind, holder, Timestamp::now())
                .await?;
            tx.commit().await
        };
        self.note_failure(recorded.await.map_err(ApiError::from));
        last
    }

    fn note_failure(&self, recorded: ApiResult<()>) {
        if let Err(err) = recorded {
            tracing::warn!(error = %err, "recording a realtime connection failed; the heartbeat rewrites them");
            self.out_of_step
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Brings everyone in `holders` in line with the connections the database holds of them,
    /// then lets the queue drain if an agent came online.
    pub(super) async fn settle_all(&self, holders: impl IntoIterator<Item = PresenceHolder>) {
        let mut came_online = false;
        for (kind, holder) in holders {
            match kind {
                PresenceKind::User => came_online |= self.settle_user(&holder).await,
                PresenceKind::Visitor => self.settle_visitor(&holder).await,
            }
        }
        if came_online {
            self.livechat.drain_queue_after_change().await;
        }
    }

    /// Settles a user's presence; `true` when it can now take chats.
    async fn settle_user(&self, id: &str) -> bool {
        match self.accounts.settle_connection_status(id).await {
            Ok(user) => {
                if user.status_connection == "offline" {
                    tracing::info!(user = %id, "no connection left anywhere: offline");
                }
                user.takes_chats()
            }
            Err(err) => {
                tracing::warn!(error = %err, user = %id, "settling a user's presence failed");
                false
            }
        }
    }

    async fn settle_visitor(&self, token: &str) {
        if let Err(err) = self.livechat.settle_visitor_presence(token).await {
            tracing::warn!(error = %err, "settling a visitor's presence failed");
        }
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}
