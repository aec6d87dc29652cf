//! The delivery outbox (`deliveries`, migration 0017): mail and webhooks written in the
//! transaction of their cause, then claimed, sent and settled by the outbox worker
//! (`crate::outbox`). Claiming is a lease, so several processes sharing PostgreSQL never send
//! the same delivery at once, and a process that dies while sending gives it back when its
//! lease runs out.

use serde_json::Value;

use super::error::{StoreError, StoreResult};
use super::primitives::params;
use super::{dispatch, Exec};
use crate::time::Timestamp;

/// The channel PostgreSQL notifies when deliveries were queued or rescheduled (a trigger on
/// `deliveries`, migration 0017; on SQLite the commit signal wakes the worker).
pub const DELIVERIES_CHANNEL: &str = "livechat_deliveries";

/// A delivery to queue in the current transaction.
pub struct NewDelivery<'a> {
    /// The courier that sends it (`crate::outbox::Courier::kind`).
    pub kind: &'a str,
    /// Deliveries with the same key are sent one at a time, oldest first (`None`: no order).
    pub ordering_key: Option<&'a str>,
    /// One line for administrators, without secrets.
    pub summary: &'a str,
    pub payload: &'a Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Sent,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        match text {
            "pending" => Some(DeliveryState::Pending),
            "sent" => Some(DeliveryState::Sent),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// One stored delivery.
#[derive(Clone, Debug)]
pub struct DeliveryRecord {
    pub id: i64,
    pub kind: String,
    pub ordering_key: Option<String>,
    pub summary: String,
    pub payload: String,
    pub state: String,
    /// Attempts made so far (not counting one in flight).
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

// `attempts` is an INTEGER on PostgreSQL: widened here so both backends decode an i64.
const COLUMNS: &str = "id, kind, ordering_key, summary, payload, state, \
                       CAST(attempts AS BIGINT), next_attempt_at, last_error, created_at, \
                       finished_at";

type Row = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

fn record(row: Row) -> DeliveryRecord {
    let (
        id,
        kind,
        ordering_key,
        summary,
        payload,
        state,
        attempts,
        next_attempt_at,
        last_error,
        created_at,
        finished_at,
    ) = row;
    DeliveryRecord {
        id,
        kind,
        ordering_key,
        summary,
        payload,
        state,
        attempts,
        next_attempt_at,
        last_error,
        created_at,
        finished_at,
    }
}

const INSERT: &str = "INSERT INTO deliveries \
     (kind, ordering_key, summary, payload, next_attempt_at, created_at) \
     VALUES ($1, $2, $3, $4, $5, $5)";

/// Due, unclaimed deliveries of the given kinds that are first in their order, oldest first.
/// `$1` now, `$2` the lease's end, `$3` how many, `$4` the kinds as a comma-separated list.
/// PostgreSQL skips rows another process is claiming at this instant; SQLite has one writer.
const CLAIM_SQLITE: &str = "UPDATE deliveries SET claimed_until = $2 WHERE id IN (\
     SELECT d.id FROM deliveries d \
     WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND d.claimed_until <= $1 \
     AND instr(',' || $4 || ',', ',' || d.kind || ',') > 0 \
     AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.state = 'pending' \
                     AND e.ordering_key = d.ordering_key AND e.id < d.id) \
     ORDER BY d.id LIMIT $3) \
     RETURNING ";
const CLAIM_POSTGRES: &str = "UPDATE deliveries SET claimed_until = $2 WHERE id IN (\
     SELECT d.id FROM deliveries d \
     WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND d.claimed_until <= $1 \
     AND d.kind = ANY(string_to_array($4, ',')) \
     AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.state = 'pending' \
                     AND e.ordering_key = d.ordering_key AND e.id < d.id) \
     ORDER BY d.id LIMIT $3 FOR UPDATE SKIP LOCKED) \
     RETURNING ";

/// Only a delivery with no older pending one of its ordering key may go (`d` is the candidate).
const FIRST_IN_ORDER: &str =
    "AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.state = 'pending' \
     AND e.ordering_key = d.ordering_key AND e.id < d.id)";

impl Exec<'_> {
    /// Queues a delivery in the current transaction: it leaves only if the transaction commits.
    pub async fn queue_delivery(&mut self, delivery: &NewDelivery<'_>) -> StoreResult<()> {
        let payload = serde_json::to_string(delivery.payload)?;
        let now = Timestamp::now().millis();
        self.execute(
            INSERT,
            params![
                delivery.kind,
                delivery.ordering_key,
                delivery.summary,
                &payload,
                now
            ],
        )
        .await?;
        Ok(())
    }

    /// Claims up to `limit` due deliveries of `kinds` until `lease_until` (ms); oldest first.
    pub async fn claim_deliveries(
        &mut self,
        kinds: &[&str],
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let kinds = kinds.join(",");
        let mut rows: Vec<Row> = match self {
            Exec::Sqlite(c) => {
                sqlx::query_as(&format!("{CLAIM_SQLITE}{COLUMNS}"))
                    .bind(now)
                    .bind(lease_until)
                    .bind(limit)
                    .bind(&kinds)
                    .fetch_all(&mut **c)
                    .await?
            }
            Exec::Batch(_) => return Err(StoreError::not_batched(file!(), line!())),
            Exec::Postgres(c) => {
                sqlx::query_as(&format!("{CLAIM_POSTGRES}{COLUMNS}"))
                    .bind(now)
                    .bind(lease_until)
                    .bind(limit)
                    .bind(&kinds)
                    .fetch_all(&mut **c)
                    .await?
            }
        };
        // RETURNING does not keep the subquery's order.
        rows.sort_by_key(|row| row.0);
        Ok(rows.into_iter().map(record).collect())
    }

    /// Settles a claimed delivery as sent.
    pub async fn delivery_sent(&mut self, id: i64, now: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, \
                 finished_at = $2, claimed_until = 0, last_error = NULL WHERE id = $1",
            params![id, now],
        )
        .await?;
        Ok(())
    }

    /// Records a failed attempt: tried again at `retry_at` (ms), or given up when `None`.
    pub async fn delivery_attempt_failed(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        match retry_at {
            Some(at) => {
                self.execute(
                    "UPDATE deliveries SET attempts = attempts + 1, last_error = $2, \
                     next_attempt_at = $3, claimed_until = 0 WHERE id = $1",
                    params![id, error, at],
                )
                .await?
            }
            None => {
                self.execute(
                    "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, \
                     last_error = $2, finished_at = $3, claimed_until = 0 WHERE id = $1",
                    params![id, error, now],
                )
                .await?
            }
        };
        Ok(())
    }

    /// When the next pending delivery of `kinds` falls due or its lease ends (ms), if any.
    pub async fn next_delivery_due(&mut self, kinds: &[&str]) -> StoreResult<Option<i64>> {
        let kinds = kinds.join(",");
        let sql_sqlite = &format!("SELECT MIN(MAX(next_attempt_at, claimed_until)) FROM deliveries d \
             WHERE state = 'pending' AND instr(',' || $1 || ',', ',' || kind || ',') > 0 {FIRST_IN_ORDER}");
        let sql_postgres = &format!(
            "SELECT MIN(GREATEST(next_attempt_at, claimed_until)) FROM deliveries d \
             WHERE state = 'pending' AND kind = ANY(string_to_array($1, ',')) {FIRST_IN_ORDER}"
        );
        let due: Option<i64> = match self {
            Exec::Sqlite(c) => {
                sqlx::query_scalar(sql_sqlite)
                    .bind(&kinds)
                    .fetch_one(&mut **c)
                    .await?
            }
            Exec::Batch(_) => return Err(StoreError::not_batched(file!(), line!())),
            Exec::Postgres(c) => {
                sqlx::query_scalar(sql_postgres)
                    .bind(&kinds)
                    .fetch_one(&mut **c)
                    .await?
            }
        };
        Ok(due)
    }

    /// A failed delivery made pending again, due now, with a fresh set of attempts. Answers
    /// whether there was such a failed delivery.
    pub async fn retry_delivery(&mut self, id: i64, now: i64) -> StoreResult<bool> {
        let changed = self
            .execute(
                "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2, \
                 claimed_until = 0, finished_at = NULL WHERE id = $1 AND state = 'failed'",
                params![id, now],
            )
            .await?;
        Ok(changed > 0)
    }

    /// Deliveries newest first, optionally of one state and kind.
    pub async fn delivery_page(
        &mut self,
        state: Option<DeliveryState>,
        kind: Option<&str>,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<DeliveryRecord>, i64)> {
        let state = state.map(DeliveryState::as_str);
        let filter = "($1 IS NULL OR state = $1) AND ($2 IS NULL OR kind = $2)";
        let page_sql = format!(
            "SELECT {COLUMNS} FROM deliveries WHERE {filter} ORDER BY id DESC LIMIT $3 OFFSET $4"
        );
        let total_sql = format!("SELECT COUNT(*) FROM deliveries WHERE {filter}");
        let rows: Vec<Row> = dispatch!(self, c => {
            sqlx::query_as(&page_sql)
                .bind(state)
                .bind(kind)
                .bind(count)
                .bind(offset)
                .fetch_all(&mut **c)
                .await?
        });
        let total: i64 = dispatch!(self, c => {
            sqlx::query_scalar(&total_sql).bind(state).bind(kind).fetch_one(&mut **c).await?
        });
        Ok((rows.into_iter().map(record).collect(), total))
    }

    /// How many deliveries are in each state: `(pending, sent, failed)`.
    pub async fn delivery_counts(&mut self) -> StoreResult<(i64, i64, i64)> {
        let rows: Vec<(String, i64)> = dispatch!(self, c => {
            sqlx::query_as("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
                .fetch_all(&mut **c)
                .await?
        });
        let count = |state: &str| {
            rows.iter()
                .find(|(name, _)| name == state)
                .map_or(0, |(_, n)| *n)
        };
        Ok((count("pending"), count("sent"), count("failed")))
    }

    /// Deletes deliveries sent before `before` (ms): failed ones stay until an administrator
    /// has seen them (retried or not).
    pub async fn purge_sent_deliveries(&mut self, before: i64) -> StoreResult<u64> {
        self.execute(
            "DELETE FROM deliveries WHERE state = 'sent' AND finished_at < $1",
            params![before],
        )
        .await
    }
}
