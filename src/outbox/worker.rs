//! The outbox worker: claims due deliveries, sends each through its courier (several at once,
//! each in its own task, so one slow CRM does not hold up the mail), and records the outcome.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::task::JoinSet;

use super::{Courier, Outbox, Undelivered};
use crate::error::ApiResult;
use crate::store::{DeliveryRecord, Store, DELIVERIES_CHANNEL};
use crate::time::Timestamp;

/// Deliveries in flight at once, over all kinds.
const MAX_IN_FLIGHT: usize = 16;
/// A claim outlives the courier's attempt limit by this much, so that only a dead process's
/// claims ever run out.
const LEASE_MARGIN: Duration = Duration::from_secs(15);
/// The longest the worker sleeps without looking: bounds the wait when a wake-up was lost
/// (PostgreSQL's `LISTEN` connection down, or a delivery queued by another process on SQLite).
const LONGEST_NAP: Duration = Duration::from_secs(10);
/// After the database failed, before trying again.
const AFTER_DATABASE_ERROR: Duration = Duration::from_secs(2);

/// Runs until the process ends.
pub async fn run(outbox: Outbox) {
    let kinds = outbox.kinds();
    if kinds.is_empty() {
        return;
    }
    let lease = kinds
        .iter()
        .filter_map(|kind| outbox.courier(kind))
        .map(|courier| courier.attempt_limit())
        .max()
        .unwrap_or_default()
        + LEASE_MARGIN;
    let store = outbox.store().clone();
    let mut commits = store.commits();
    let mut listener = listen(&store).await;
    let mut in_flight = JoinSet::new();
    loop {
        let room = MAX_IN_FLIGHT.saturating_sub(in_flight.len());
        let mut nap = LONGEST_NAP;
        if room > 0 {
            // A read first: the worker wakes at every commit, and a claim is a write (on
            // SQLite, itself a commit that would wake it again), so it claims only what is due.
            match until_next_due(&store, &kinds).await {
                Ok(Duration::ZERO) => match claim(&store, &kinds, lease, room).await {
                    Ok(claimed) if !claimed.is_empty() => {
                        for delivery in claimed {
                            match outbox.courier(&delivery.kind) {
                                Some(courier) => {
                                    in_flight.spawn(attempt(
                                        store.clone(),
                                        courier.clone(),
                                        delivery,
                                    ));
                                }
                                None => tracing::error!(kind = delivery.kind, "no courier"),
                            }
                        }
                        continue;
                    }
                    // Another process took them first.
                    Ok(_) => {}
                    Err(err) => {
                        tracing::warn!(error = %err, "claiming deliveries failed");
                        nap = AFTER_DATABASE_ERROR;
                    }
                },
                Ok(wait) => nap = wait,
                Err(err) => {
                    tracing::warn!(error = %err, "reading the delivery outbox failed");
                    nap = AFTER_DATABASE_ERROR;
                }
            }
        }
        let woken = async {
            match listener.as_mut() {
                Some(listener) => {
                    if listener.recv().await.is_err() {
                        // It reconnects by itself; meanwhile the nap bounds the wait.
                        std::future::pending::<()>().await;
                    }
                }
                None => commits.next().await,
            }
        };
        tokio::select! {
            _ = woken => {}
            _ = outbox.inner.wake.notified() => {}
            Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
            _ = tokio::time::sleep(nap) => {}
        }
    }
}

async fn claim(
    store: &Store,
    kinds: &[&'static str],
    lease: Duration,
    limit: usize,
) -> ApiResult<Vec<DeliveryRecord>> {
    let now = Timestamp::now().millis();
    let lease_until = now + lease.as_millis() as i64;
    let mut tx = store.begin().await?;
    let claimed = tx
        .exec()
        .claim_deliveries(kinds, now, lease_until, limit as i64)
        .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// How long until the next pending delivery falls due (zero: now), at most [`LONGEST_NAP`].
async fn until_next_due(store: &Store, kinds: &[&'static str]) -> ApiResult<Duration> {
    let due = store.read().await?.exec().next_delivery_due(kinds).await?;
    Ok(match due {
        Some(at) => {
            let wait = at - Timestamp::now().millis();
            Duration::from_millis(wait.clamp(0, LONGEST_NAP.as_millis() as i64) as u64)
        }
        None => LONGEST_NAP,
    })
}

/// One attempt at one delivery, and its outcome written down.
async fn attempt(store: Store, courier: Arc<dyn Courier>, delivery: DeliveryRecord) {
    let outcome = match serde_json::from_str(&delivery.payload) {
        Ok(payload) => {
            match tokio::time::timeout(courier.attempt_limit(), courier.deliver(&payload)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Undelivered::retry(format!(
                    "no answer within {} ms",
                    courier.attempt_limit().as_millis()
                ))),
            }
        }
        Err(err) => Err(Undelivered::permanent(format!("unreadable payload: {err}"))),
    };
    let now = Timestamp::now().millis();
    let attempts = delivery.attempts as u32 + 1;
    let settled = match &outcome {
        Ok(()) => {
            tracing::info!(
                id = delivery.id,
                kind = delivery.kind,
                summary = delivery.summary,
                "delivered"
            );
            record_sent(&store, delivery.id, now).await
        }
        Err(failure) => {
            let retry_at = match failure.permanent {
                true => None,
                false => courier
                    .retry_delay(attempts)
                    .map(|delay| now + delay.as_millis() as i64),
            };
            match retry_at {
                Some(at) => tracing::warn!(
                    id = delivery.id,
                    kind = delivery.kind,
                    attempts,
                    retry_in_ms = at - now,
                    reason = failure.reason,
                    summary = delivery.summary,
                    "delivery failed; will retry"
                ),
                None => tracing::error!(
                    id = delivery.id,
                    kind = delivery.kind,
                    attempts,
                    reason = failure.reason,
                    summary = delivery.summary,
                    "delivery failed; giving up (listed in GET livechat/outbox?state=failed)"
                ),
            }
            record_failure(&store, delivery.id, &failure.reason, retry_at, now).await
        }
    };
    if let Err(err) = settled {
        // The claim runs out and the delivery is tried again: sent twice at worst, never lost.
        tracing::warn!(id = delivery.id, error = %err, "recording a delivery's outcome failed");
    }
}

async fn record_sent(store: &Store, id: i64, now: i64) -> ApiResult<()> {
    let mut tx = store.begin().await?;
    tx.exec().delivery_sent(id, now).await?;
    Ok(tx.commit().await?)
}

async fn record_failure(
    store: &Store,
    id: i64,
    reason: &str,
    retry_at: Option<i64>,
    now: i64,
) -> ApiResult<()> {
    let mut tx = store.begin().await?;
    tx.exec()
        .delivery_attempt_failed(id, reason, retry_at, now)
        .await?;
    Ok(tx.commit().await?)
}

async fn listen(store: &Store) -> Option<PgListener> {
    let pool = store.postgres_pool()?;
    let listener = async {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(DELIVERIES_CHANNEL).await?;
        Ok::<_, sqlx::Error>(listener)
    };
    match listener.await {
        Ok(listener) => Some(listener),
        Err(err) => {
            tracing::warn!(error = %err, "LISTEN failed; the delivery outbox is polled");
            None
        }
    }
}
