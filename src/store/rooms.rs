//! Livechat rooms. The partial unique index `rooms_one_open_per_visitor` makes a second open
//! room for a visitor impossible; `insert_room` reports it as `Duplicate`.

use super::error::StoreResult;
use super::primitives::params;
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec, Inserted};
use crate::model::Room;

const SELECT_BY_ID: &str = "SELECT doc FROM rooms WHERE id = $1";
const UPDATE: &str =
    "UPDATE rooms SET open = $2, served_by = $3, department_id = $4, closed_at = $5, \
                      updated_at = $6, doc = $7, fname_lower = $8 WHERE id = $1";

/// The room's document and `updated_at` only: a message changes no other column, and leaving
/// them out of the `SET` spares the rewrite of every index on them (seven on SQLite).
const UPDATE_ACTIVITY: &str = "UPDATE rooms SET updated_at = $2, doc = $3 WHERE id = $1";

impl Exec<'_> {
    pub async fn room_by_id(&mut self, rid: &str) -> StoreResult<Option<Room>> {
        let doc = self.fetch_doc(SELECT_BY_ID, rid).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The room `rid`, locked for a read-modify-write in this transaction.
    pub async fn room_for_update(&mut self, rid: &str) -> StoreResult<Option<Room>> {
        let doc = self.fetch_doc_for_update(SELECT_BY_ID, rid).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The open rooms of a department, locked for a read-modify-write in this transaction.
    pub async fn open_rooms_of_department_for_update(
        &mut self,
        department_id: &str,
    ) -> StoreResult<Vec<Room>> {
        const SQL: &str = "SELECT doc FROM rooms WHERE department_id = $1 AND open ORDER BY id";
        parse_docs(self.fetch_docs_for_update(SQL, department_id).await?)
    }

    pub async fn open_room_of_token(&mut self, token: &str) -> StoreResult<Option<Room>> {
        let doc = self
            .fetch_doc(
                "SELECT doc FROM rooms WHERE visitor_token = $1 AND open",
                token,
            )
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Whether the visitor token ever had a room, open or closed.
    pub async fn has_room_of_token(&mut self, token: &str) -> StoreResult<bool> {
        self.exists(
            "SELECT 1 FROM rooms WHERE visitor_token = $1 LIMIT 1",
            params![token],
        )
        .await
    }

    /// Every room of a visitor token, open or closed, oldest first.
    pub async fn rooms_of_token(&mut self, token: &str) -> StoreResult<Vec<Room>> {
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT doc FROM rooms WHERE visitor_token = $1 ORDER BY ts")
                .bind(token)
                .fetch_all(&mut **c)
                .await?
        });
        parse_docs(docs)
    }

    /// The open rooms `agent_id` serves, oldest first; with `updated_after` (epoch ms) only
    /// those changed since then (`rooms/get`). The agent's open rooms are bounded by its chat
    /// limit, so the list is not paginated.
    pub async fn open_rooms_served_by(
        &mut self,
        agent_id: &str,
        updated_after: Option<i64>,
    ) -> StoreResult<Vec<Room>> {
        const SQL: &str = "SELECT doc FROM rooms WHERE served_by = $1 AND open AND updated_at > $2 ORDER BY ts, id";
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar(SQL)
                .bind(agent_id)
                .bind(updated_after.unwrap_or(i64::MIN))
                .fetch_all(&mut **c)
                .await?
        });
        parse_docs(docs)
    }

    pub async fn insert_room_row(&mut self, room: &Room) -> StoreResult<Inserted> {
        let doc = to_doc(room)?;
        const SQL: &str = "INSERT INTO rooms (id, visitor_id, visitor_token, open, served_by, department_id, ts, closed_at, updated_at, doc, fname_lower) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        let result = self
            .insert(
                SQL,
                params![
                    &room.id,
                    &room.v.id,
                    &room.v.token,
                    room.is_open(),
                    room.served_by.as_ref().map(|s| &s.id),
                    &room.department_id,
                    room.ts.millis(),
                    room.closed_at.map(|t| t.millis()),
                    room.updated_at.millis(),
                    &doc,
                    &room.fname.to_lowercase()
                ],
            )
            .await?;
        Ok(result)
    }

    pub async fn save_room_row(&mut self, room: &Room) -> StoreResult<()> {
        let doc = to_doc(room)?;
        self.execute(
            UPDATE,
            params![
                &room.id,
                room.is_open(),
                room.served_by.as_ref().map(|s| &s.id),
                &room.department_id,
                room.closed_at.map(|t| t.millis()),
                room.updated_at.millis(),
                &doc,
                &room.fname.to_lowercase()
            ],
        )
        .await?;
        Ok(())
    }

    /// [`Exec::save_room_row`] for a change of the document alone (a new message: last message,
    /// counters, metrics), not of the room's state, agent, department or name.
    pub async fn save_room_activity_row(&mut self, room: &Room) -> StoreResult<()> {
        let doc = to_doc(room)?;
        self.execute(
            UPDATE_ACTIVITY,
            params![&room.id, room.updated_at.millis(), &doc],
        )
        .await?;
        Ok(())
    }

    /// Ids of the open rooms an agent serves.
    pub async fn open_room_ids_served_by(&mut self, agent_id: &str) -> StoreResult<Vec<String>> {
        Ok(dispatch!(self, c => {
            sqlx::query_scalar("SELECT id FROM rooms WHERE served_by = $1 AND open ORDER BY id")
                .bind(agent_id)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    pub async fn delete_room(&mut self, rid: &str) -> StoreResult<()> {
        self.execute("DELETE FROM rooms WHERE id = $1", params![rid])
            .await?;
        Ok(())
    }
}
