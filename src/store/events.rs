//! The realtime outbox (`events`): each change worth pushing to clients is written in the
//! transaction that makes it, so subscribers hear exactly what committed, in commit order per
//! room. On PostgreSQL a `NOTIFY` (delivered only at commit) wakes every server process.

use serde_json::Value;

use super::{dispatch, Exec};
use crate::error::ApiResult;
use crate::time::Timestamp;

/// The stream of a visitor's room state (agent, queue position): `stream-livechat-room`.
pub const LIVECHAT_ROOM: &str = "stream-livechat-room";

/// The channel PostgreSQL notifies when events were committed.
pub const EVENTS_CHANNEL: &str = "livechat_events";

/// One stored event: a `changed` frame of `collection` for subscribers of `event_name`.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub id: i64,
    pub collection: String,
    pub event_name: String,
    pub args: String,
}

impl Exec<'_> {
    /// Records an event in the current transaction.
    pub async fn record_event(
        &mut self,
        collection: &str,
        event_name: &str,
        args: &Value,
    ) -> ApiResult<()> {
        const SQL: &str =
            "INSERT INTO events (collection, event_name, args, created_at) VALUES ($1, $2, $3, $4)";
        let args = serde_json::to_string(args)?;
        let now = Timestamp::now().millis();
        match self {
            Exec::Sqlite(c) => {
                sqlx::query(SQL)
                    .bind(collection)
                    .bind(event_name)
                    .bind(&args)
                    .bind(now)
                    .execute(&mut **c)
                    .await?;
            }
            Exec::Postgres(c) => {
                sqlx::query(SQL)
                    .bind(collection)
                    .bind(event_name)
                    .bind(&args)
                    .bind(now)
                    .execute(&mut **c)
                    .await?;
                // Repeated notifications in one transaction are folded into one at commit.
                sqlx::query("SELECT pg_notify($1, '')")
                    .bind(EVENTS_CHANNEL)
                    .execute(&mut **c)
                    .await?;
            }
        }
        Ok(())
    }

    /// Events with an id above `after`, oldest first.
    pub async fn events_after(&mut self, after: i64, limit: i64) -> ApiResult<Vec<StoredEvent>> {
        const SQL: &str = "SELECT id, collection, event_name, args FROM events WHERE id > $1 ORDER BY id LIMIT $2";
        let rows: Vec<(i64, String, String, String)> = dispatch!(self, c => {
            sqlx::query_as(SQL).bind(after).bind(limit).fetch_all(&mut **c).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, collection, event_name, args)| StoredEvent {
                id,
                collection,
                event_name,
                args,
            })
            .collect())
    }

    /// The newest event id (0 when there is none).
    pub async fn last_event_id(&mut self) -> ApiResult<i64> {
        let id: Option<i64> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT MAX(id) FROM events").fetch_one(&mut **c).await?
        });
        Ok(id.unwrap_or(0))
    }

    /// Deletes events older than `before` (ms); returns how many.
    pub async fn purge_events(&mut self, before: i64) -> ApiResult<u64> {
        Ok(dispatch!(self, c => {
            sqlx::query("DELETE FROM events WHERE created_at < $1").bind(before).execute(&mut **c).await?.rows_affected()
        }))
    }
}
