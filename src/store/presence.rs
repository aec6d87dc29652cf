//! Presence leases and the connections recorded under them (`migrations/*/0008_presence.sql`):
//! what lets every process see who is connected anywhere, and lets a dead process's
//! connections be told apart from live ones.

use super::error::StoreResult;
use super::{dispatch, Exec};
use crate::time::Timestamp;

/// Who a recorded connection belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PresenceKind {
    /// A logged-in user; the holder is its id.
    User,
    /// A widget visitor (`livechat:setUpConnection`); the holder is its token.
    Visitor,
}

impl PresenceKind {
    fn as_str(self) -> &'static str {
        match self {
            PresenceKind::User => "user",
            PresenceKind::Visitor => "visitor",
        }
    }

    fn parse(kind: &str) -> Option<PresenceKind> {
        match kind {
            "user" => Some(PresenceKind::User),
            "visitor" => Some(PresenceKind::Visitor),
            _ => None,
        }
    }
}

/// Someone whose connections were recorded: a user id or a visitor token, with its kind.
pub type PresenceHolder = (PresenceKind, String);

fn holders(rows: Vec<(String, String)>) -> Vec<PresenceHolder> {
    rows.into_iter()
        .filter_map(|(kind, holder)| Some((PresenceKind::parse(&kind)?, holder)))
        .collect()
}

impl Exec<'_> {
    /// Creates the lease of `node_id`, or takes it over again (a node whose lease was swept
    /// while it could not reach the database), valid until `expires`.
    pub async fn claim_presence_lease(
        &mut self,
        node_id: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> StoreResult<()> {
        const SQL: &str =
            "INSERT INTO presence_leases (node_id, started_at, expires_at) VALUES ($1, $2, $3) \
                           ON CONFLICT (node_id) DO UPDATE SET expires_at = excluded.expires_at";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(node_id)
                .bind(now.millis())
                .bind(expires.millis())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Extends the lease of `node_id` to `expires`; `false` when it no longer exists.
    pub async fn renew_presence_lease(
        &mut self,
        node_id: &str,
        expires: Timestamp,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE presence_leases SET expires_at = $2 WHERE node_id = $1";
        let renewed = dispatch!(self, c => {
            sqlx::query(SQL).bind(node_id).bind(expires.millis()).execute(&mut **c).await?.rows_affected()
        });
        Ok(renewed > 0)
    }

    /// Everyone with a connection row (even at zero) under the lease of `node_id`.
    pub async fn presence_holders_of_node(
        &mut self,
        node_id: &str,
    ) -> StoreResult<Vec<PresenceHolder>> {
        const SQL: &str = "SELECT kind, holder FROM presence_connections WHERE node_id = $1";
        let rows: Vec<(String, String)> = dispatch!(self, c => {
            sqlx::query_as(SQL).bind(node_id).fetch_all(&mut **c).await?
        });
        Ok(holders(rows))
    }

    /// Deletes the lease of `node_id` and, with it, every connection recorded under it; only
    /// if it ran out before `expired_before` when that is given (a sweeping node must not
    /// delete a lease its node claimed again since the sweep read it). Whether it was deleted.
    pub async fn delete_presence_lease(
        &mut self,
        node_id: &str,
        expired_before: Option<Timestamp>,
    ) -> StoreResult<bool> {
        const SQL: &str =
            "DELETE FROM presence_leases WHERE node_id = $1 AND ($2 IS NULL OR expires_at < $2)";
        let deleted = dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(node_id)
                .bind(expired_before.map(Timestamp::millis))
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(deleted > 0)
    }

    /// Nodes whose lease ran out before `cutoff`.
    pub async fn presence_leases_expired_before(
        &mut self,
        cutoff: Timestamp,
    ) -> StoreResult<Vec<String>> {
        const SQL: &str = "SELECT node_id FROM presence_leases WHERE expires_at < $1";
        Ok(dispatch!(self, c => {
            sqlx::query_scalar(SQL).bind(cutoff.millis()).fetch_all(&mut **c).await?
        }))
    }

    /// One more connection of `holder` on `node_id`. Fails (foreign key) when the node's
    /// lease is gone: its heartbeat then claims it again with every connection it holds.
    pub async fn add_presence_connection(
        &mut self,
        node_id: &str,
        kind: PresenceKind,
        holder: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO presence_connections (node_id, kind, holder, connections, released_at) \
                           VALUES ($1, $2, $3, 1, $4) \
                           ON CONFLICT (node_id, kind, holder) DO UPDATE SET connections = presence_connections.connections + 1";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(node_id)
                .bind(kind.as_str())
                .bind(holder)
                .bind(now.millis())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// One connection of `holder` on `node_id` fewer. The row stays at zero with the time it
    /// got there, so the grace period is kept by the database (see [`Self::release_settled_presence`]).
    pub async fn remove_presence_connection(
        &mut self,
        node_id: &str,
        kind: PresenceKind,
        holder: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE presence_connections SET connections = connections - 1, released_at = $4 \
                           WHERE node_id = $1 AND kind = $2 AND holder = $3 AND connections > 0";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(node_id)
                .bind(kind.as_str())
                .bind(holder)
                .bind(now.millis())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Records that `holder` has exactly `connections` connections on `node_id` (a node
    /// claiming its lease again writes what it holds).
    pub async fn set_presence_connections(
        &mut self,
        node_id: &str,
        kind: PresenceKind,
        holder: &str,
        connections: i64,
        now: Timestamp,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO presence_connections (node_id, kind, holder, connections, released_at) \
                           VALUES ($1, $2, $3, $4, $5) \
                           ON CONFLICT (node_id, kind, holder) DO UPDATE SET connections = excluded.connections";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(node_id)
                .bind(kind.as_str())
                .bind(holder)
                .bind(connections)
                .bind(now.millis())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Deletes the rows that have been at zero connections since before `cutoff` (their
    /// grace period is over), on any node; who they belonged to, to be settled.
    pub async fn release_settled_presence(
        &mut self,
        cutoff: Timestamp,
    ) -> StoreResult<Vec<PresenceHolder>> {
        const SQL: &str =
            "DELETE FROM presence_connections WHERE connections = 0 AND released_at < $1 \
                           RETURNING kind, holder";
        let rows: Vec<(String, String)> = dispatch!(self, c => {
            sqlx::query_as(SQL).bind(cutoff.millis()).fetch_all(&mut **c).await?
        });
        Ok(holders(rows))
    }

    /// Whether `holder` has an open connection under any lease still present.
    pub async fn is_presence_connected(
        &mut self,
        kind: PresenceKind,
        holder: &str,
    ) -> StoreResult<bool> {
        const SQL: &str = "SELECT 1 FROM presence_connections \
                           WHERE kind = $1 AND holder = $2 AND connections > 0 LIMIT 1";
        let found: Option<i32> = dispatch!(self, c => {
            sqlx::query_scalar(SQL).bind(kind.as_str()).bind(holder).fetch_optional(&mut **c).await?
        });
        Ok(found.is_some())
    }
}
