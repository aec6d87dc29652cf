//! The realtime outbox (`events`): each change worth pushing to clients is written in the
//! transaction that makes it, so subscribers hear exactly what committed, in commit order per
//! room. On PostgreSQL a `NOTIFY` (delivered only at commit) wakes every server process.

use serde_json::Value;

use super::error::StoreResult;
use super::primitives::{params, Param};
use super::{dispatch, Exec};
use crate::time::Timestamp;

/// The channel PostgreSQL notifies when events were committed (by a trigger on `events`,
/// migration 0007; SQLite's commit wakes its own process).
pub const EVENTS_CHANNEL: &str = "livechat_events";

/// One stored event: a `changed` frame of `collection` for subscribers of `event_name`.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    /// Increases in commit order within a room: a client's catch-up point.
    pub id: i64,
    pub collection: String,
    pub event_name: String,
    /// Only this user's subscription hears it (`__my_messages__`).
    pub audience: Option<String>,
    /// The process and connection that caused it (`<node>/<conn>`), not echoed back there.
    pub origin: Option<String>,
    pub args: String,
}

/// An event to record; `audience` and `origin` as in `StoredEvent`.
pub struct NewEvent<'a> {
    pub collection: &'a str,
    pub event_name: &'a str,
    pub audience: Option<&'a str>,
    pub origin: Option<&'a str>,
    /// The frame's `args`, as JSON text: serialized by the caller, so that one payload heard
    /// by two audiences (a message's room and its agent) is serialized once.
    pub args: &'a str,
}

/// An event for the agent serving room `$5`, if any, looked up in the same statement: event
/// name `<agent id> || $2`...
const FOR_SERVING_AGENT_BY_NAME: &str =
    "INSERT INTO events (collection, event_name, args, created_at) \
     SELECT $1, served_by || $2, $3, $4 FROM rooms WHERE id = $5 AND served_by IS NOT NULL";
/// ...or event name `$2` with the agent as its audience.
const FOR_SERVING_AGENT_AS_AUDIENCE: &str =
    "INSERT INTO events (collection, event_name, audience, args, created_at) \
     SELECT $1, $2, served_by, $3, $4 FROM rooms WHERE id = $5 AND served_by IS NOT NULL";
/// An event for each open room of the visitor `$4`, named by the room's id.
const FOR_OPEN_ROOMS_OF_TOKEN: &str =
    "INSERT INTO events (collection, event_name, args, created_at) \
     SELECT $1, id, $2, $3 FROM rooms WHERE visitor_token = $4 AND open";

/// Whom [`Exec::record_for_serving_agent`] addresses: the event name's end after the agent's
/// id (`<agent id>/notification`), or a whole name heard by the agent alone.
pub enum ServingAgentEvent<'a> {
    NameAfterAgent(&'a str),
    ToAgentOnly(&'a str),
}

const COLUMNS: &str = "id, collection, event_name, audience, origin, args";
type Row = (i64, String, String, Option<String>, Option<String>, String);

fn stored(rows: Vec<Row>) -> Vec<StoredEvent> {
    rows.into_iter()
        .map(
            |(id, collection, event_name, audience, origin, args)| StoredEvent {
                id,
                collection,
                event_name,
                audience,
                origin,
                args,
            },
        )
        .collect()
}

impl Exec<'_> {
    /// Records an event for every subscriber of `event_name`, in the current transaction.
    pub async fn record_event(
        &mut self,
        collection: &str,
        event_name: &str,
        args: &Value,
    ) -> StoreResult<()> {
        self.record(&NewEvent {
            collection,
            event_name,
            audience: None,
            origin: None,
            args: &serde_json::to_string(args)?,
        })
        .await
    }

    /// Records an event in the current transaction.
    pub async fn record(&mut self, event: &NewEvent<'_>) -> StoreResult<()> {
        self.record_all(std::slice::from_ref(event)).await
    }

    /// Records several events in one statement (one round trip on PostgreSQL), in order.
    pub async fn record_all(&mut self, events: &[NewEvent<'_>]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let now = Timestamp::now().millis();
        let mut sql = String::from(
            "INSERT INTO events (collection, event_name, audience, origin, args, created_at) VALUES ",
        );
        let mut params = Vec::with_capacity(events.len() * 6);
        for (i, event) in events.iter().enumerate() {
            let first = i * 6 + 1;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                first,
                first + 1,
                first + 2,
                first + 3,
                first + 4,
                first + 5
            ));
            params.extend([
                Param::from(event.collection),
                Param::from(event.event_name),
                Param::from(event.audience),
                Param::from(event.origin),
                Param::from(event.args),
                Param::from(now),
            ]);
        }
        self.execute(&sql, &params).await?;
        Ok(())
    }

    /// Records an event for the agent serving room `rid` now (none when nobody serves it),
    /// found in the same statement; `args` as JSON text, like [`NewEvent::args`].
    pub async fn record_for_serving_agent(
        &mut self,
        rid: &str,
        collection: &str,
        name: ServingAgentEvent<'_>,
        args: &str,
    ) -> StoreResult<()> {
        let now = Timestamp::now().millis();
        let (sql, name) = match name {
            ServingAgentEvent::NameAfterAgent(end) => (FOR_SERVING_AGENT_BY_NAME, end),
            ServingAgentEvent::ToAgentOnly(name) => (FOR_SERVING_AGENT_AS_AUDIENCE, name),
        };
        self.execute(sql, params![collection, name, args, now, rid])
            .await?;
        Ok(())
    }

    /// Records an event for each open room of the visitor `token`, named by the room's id.
    pub async fn record_for_open_rooms_of(
        &mut self,
        token: &str,
        collection: &str,
        args: &Value,
    ) -> StoreResult<()> {
        let args = serde_json::to_string(args)?;
        let now = Timestamp::now().millis();
        self.execute(
            FOR_OPEN_ROOMS_OF_TOKEN,
            params![collection, &args, now, token],
        )
        .await?;
        Ok(())
    }

    /// Events with an id above `after`, oldest first.
    pub async fn events_after(&mut self, after: i64, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        let sql = format!("SELECT {COLUMNS} FROM events WHERE id > $1 ORDER BY id LIMIT $2");
        let rows: Vec<Row> = dispatch!(self, c => {
            sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(&mut **c).await?
        });
        Ok(stored(rows))
    }

    /// Events with `after < id <= up_to`, oldest first: where late commits may still appear.
    pub async fn events_between(
        &mut self,
        after: i64,
        up_to: i64,
        limit: i64,
    ) -> StoreResult<Vec<StoredEvent>> {
        let sql =
            format!("SELECT {COLUMNS} FROM events WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3");
        let rows: Vec<Row> = dispatch!(self, c => {
            sqlx::query_as(&sql).bind(after).bind(up_to).bind(limit).fetch_all(&mut **c).await?
        });
        Ok(stored(rows))
    }

    /// The events of one stream event name (and audience) above `after`, oldest first: what a
    /// reconnecting subscriber missed.
    pub async fn topic_events_after(
        &mut self,
        collection: &str,
        event_name: &str,
        audience: Option<&str>,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<StoredEvent>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events WHERE event_name = $1 AND id > $2 AND collection = $3 \
             AND (audience = $4 OR (audience IS NULL AND $4 IS NULL)) ORDER BY id LIMIT $5"
        );
        let rows: Vec<Row> = dispatch!(self, c => {
            sqlx::query_as(&sql)
                .bind(event_name)
                .bind(after)
                .bind(collection)
                .bind(audience)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        });
        Ok(stored(rows))
    }

    /// The newest event id (0 when there is none).
    pub async fn last_event_id(&mut self) -> StoreResult<i64> {
        let id: Option<i64> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT MAX(id) FROM events").fetch_one(&mut **c).await?
        });
        Ok(id.unwrap_or(0))
    }

    /// Deletes events older than `before` (ms); returns how many.
    pub async fn purge_events(&mut self, before: i64) -> StoreResult<u64> {
        self.execute("DELETE FROM events WHERE created_at < $1", params![before])
            .await
    }
}
