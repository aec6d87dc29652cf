//! The node's presence lease: claimed at start (clearing what this node held before a crash),
//! renewed on a heartbeat, given up at shutdown; and the sweep each heartbeat runs, which
//! removes the leases of nodes that died and the connections whose grace period is over, and
//! settles the people they held.
//!
//! Bounds, with lease L, grace G and heartbeat L/4: a node that dies stops renewing; its
//! lease runs out within L, is swept G later, at the next heartbeat of any live node (so its
//! agents are offline within L + G + L/4: 30 s with the defaults 8 s and 20 s).

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::presence::{lock, Presence};
use crate::error::ApiResult;
use crate::store::PresenceHolder;
use crate::time::Timestamp;

impl Presence {
    /// How often the lease is renewed and the sweep runs: four times per lease, so a few
    /// slow renewals in a row do not lose it.
    pub fn heartbeat_interval(&self) -> Duration {
        (self.lease / 4).max(Duration::from_millis(100))
    }

    fn expiry(&self, now: Timestamp) -> Timestamp {
        now.plus_millis(millis(self.lease))
    }

    /// Claims this node's lease at start. Connections recorded under it by a previous run of
    /// this node (one that crashed, or stopped) are gone: they are cleared and their holders
    /// settled at once, so a ghost agent is offline as soon as its node is back.
    pub async fn start(&self) -> ApiResult<()> {
        let now = Timestamp::now();
        let mut tx = self.livechat.store().begin().await?;
        let stale = tx.exec().presence_holders_of_node(&self.node_id).await?;
        tx.exec().delete_presence_lease(&self.node_id, None).await?;
        tx.exec()
            .claim_presence_lease(&self.node_id, now, self.expiry(now))
            .await?;
        tx.commit().await?;
        if !stale.is_empty() {
            tracing::info!(
                node = %self.node_id,
                holders = stale.len(),
                "cleared the connections this node held before it stopped"
            );
        }
        self.settle_all(stale).await;
        Ok(())
    }

    /// Renews the lease and sweeps, every [`Self::heartbeat_interval`], until aborted.
    pub async fn run_heartbeat(self: Arc<Self>) {
        let mut ticks = tokio::time::interval(self.heartbeat_interval());
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = self.renew().await {
                tracing::warn!(error = %err, "renewing the presence lease failed");
            }
            if let Err(err) = self.sweep().await {
                tracing::warn!(error = %err, "sweeping presence failed");
            }
        }
    }

    /// Gives the lease up at a graceful shutdown: it expires now, so the connections it held
    /// count for one more grace period (clients reconnecting to another node keep their
    /// presence), then any live node's sweep removes them.
    pub async fn stop(&self) {
        let given_up = async {
            let mut tx = self.livechat.store().begin().await?;
            tx.exec()
                .renew_presence_lease(&self.node_id, Timestamp::now())
                .await?;
            tx.commit().await
        };
        if let Err(err) = given_up.await {
            tracing::warn!(error = %err, "giving up the presence lease failed");
        }
    }

    async fn renew(&self) -> ApiResult<()> {
        let mut tx = self.livechat.store().begin().await?;
        let renewed = tx
            .exec()
            .renew_presence_lease(&self.node_id, self.expiry(Timestamp::now()))
            .await?;
        tx.commit().await?;
        let out_of_step = self.out_of_step.swap(false, Ordering::Relaxed);
        if !renewed || out_of_step {
            self.reclaim().await?;
        }
        Ok(())
    }

    /// Claims the lease again with exactly the connections this node holds: after it was
    /// swept (the node could not reach the database for longer than lease and grace) or a
    /// connection failed to be recorded. Everyone concerned is settled at once (a grace period
    /// under way on this node ends early: a rare recovery path).
    async fn reclaim(&self) -> ApiResult<()> {
        let _exclusive = self.recording.write().await;
        let held: Vec<(PresenceHolder, usize)> = lock(&self.local)
            .iter()
            .map(|(holder, count)| (holder.clone(), *count))
            .collect();
        let now = Timestamp::now();
        let mut tx = self.livechat.store().begin().await?;
        let mut concerned: HashSet<PresenceHolder> = tx
            .exec()
            .presence_holders_of_node(&self.node_id)
            .await?
            .into_iter()
            .collect();
        tx.exec().delete_presence_lease(&self.node_id, None).await?;
        tx.exec()
            .claim_presence_lease(&self.node_id, now, self.expiry(now))
            .await?;
        for ((kind, holder), count) in &held {
            let count = i64::try_from(*count).unwrap_or(i64::MAX);
            tx.exec()
                .set_presence_connections(&self.node_id, *kind, holder, count, now)
                .await?;
        }
        tx.commit().await?;
        drop(_exclusive);
        tracing::warn!(node = %self.node_id, "presence lease claimed again");
        concerned.extend(held.into_iter().map(|(holder, _)| holder));
        self.settle_all(concerned).await;
        Ok(())
    }

    /// Removes the leases that ran out more than a grace period ago (their nodes died) with
    /// their connections, and the connections at zero for longer than the grace period; then
    /// settles everyone they held. Any number of nodes may sweep at once.
    async fn sweep(&self) -> ApiResult<()> {
        let cutoff = Timestamp::now().plus_millis(-millis(self.grace));
        let mut concerned: HashSet<PresenceHolder> = HashSet::new();
        let dead = self
            .livechat
            .store()
            .read()
            .await?
            .exec()
            .presence_leases_expired_before(cutoff)
            .await?;
        for node in dead.iter().filter(|node| **node != self.node_id) {
            let mut tx = self.livechat.store().begin().await?;
            let held = tx.exec().presence_holders_of_node(node).await?;
            if !tx.exec().delete_presence_lease(node, Some(cutoff)).await? {
                continue; // swept by another node meanwhile, or its node is back
            }
            tx.commit().await?;
            tracing::warn!(node = %node, holders = held.len(), "a node stopped renewing its presence lease: its connections are gone");
            concerned.extend(held);
        }
        let mut tx = self.livechat.store().begin().await?;
        let released = tx.exec().release_settled_presence(cutoff).await?;
        tx.commit().await?;
        concerned.extend(released);
        self.settle_all(concerned).await;
        Ok(())
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
