//! Messages, in the order they were stored (`seq`), which is the order clients show them.

use super::error::StoreResult;
use super::primitives::params;
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec, Inserted};
use crate::model::Message;

/// A page of a room's visible history, newest first.
pub struct HistoryQuery<'a> {
    pub rid: &'a str,
    /// Only messages strictly older than this (ms).
    pub before: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

const INSERT: &str = "INSERT INTO messages (id, rid, token, t, hidden, ts, expire_at, doc) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// The `token` column: the visitor's, or for navigation history the token it was recorded for.
fn token_column(message: &Message) -> Option<&str> {
    message
        .token
        .as_deref()
        .or_else(|| navigation_token(message))
}

impl Exec<'_> {
    /// Inserts a message; `Duplicate` when its id exists (a client resending its own `_id`).
    pub async fn insert_message_row(&mut self, message: &Message) -> StoreResult<Inserted> {
        let doc = to_doc(message)?;
        let result = self
            .insert(
                INSERT,
                params![
                    &message.id,
                    &message.rid,
                    token_column(message),
                    &message.t,
                    message.is_hidden(),
                    message.ts.millis(),
                    message.expire_at.map(|t| t.millis()),
                    &doc
                ],
            )
            .await?;
        Ok(result)
    }

    pub async fn message_by_id(&mut self, id: &str) -> StoreResult<Option<Message>> {
        let doc = self
            .fetch_doc("SELECT doc FROM messages WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    pub async fn save_message_row(&mut self, message: &Message) -> StoreResult<()> {
        let doc = to_doc(message)?;
        const SQL: &str =
            "UPDATE messages SET rid = $2, hidden = $3, expire_at = $4, doc = $5 WHERE id = $1";
        self.execute(
            SQL,
            params![
                &message.id,
                &message.rid,
                message.is_hidden(),
                message.expire_at.map(|t| t.millis()),
                &doc
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn delete_message_row(&mut self, id: &str) -> StoreResult<()> {
        self.execute("DELETE FROM messages WHERE id = $1", params![id])
            .await?;
        Ok(())
    }

    /// Visible (not `_hidden`) messages of a room, newest first.
    pub async fn room_history(&mut self, query: &HistoryQuery<'_>) -> StoreResult<Vec<Message>> {
        const SQL: &str =
            "SELECT doc FROM messages WHERE rid = $1 AND NOT hidden AND ($2 IS NULL OR ts < $2) \
                           ORDER BY seq DESC LIMIT $3 OFFSET $4";
        let params = params![query.rid, query.before, query.limit, query.offset];
        parse_docs(self.fetch_texts(SQL, params).await?)
    }

    pub async fn count_room_history(&mut self, rid: &str, before: Option<i64>) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM messages WHERE rid = $1 AND NOT hidden AND ($2 IS NULL OR ts < $2)";
        Ok(dispatch!(self, c => {
            sqlx::query_scalar(SQL).bind(rid).bind(before).fetch_one(&mut **c).await?
        }))
    }

    /// Visible messages with `after < ts < before`, oldest first, and how many there are:
    /// what a returning reader has not seen yet and has not loaded.
    pub async fn unread_between(
        &mut self,
        rid: &str,
        after: i64,
        before: i64,
    ) -> StoreResult<(Option<Message>, i64)> {
        const FIRST: &str = "SELECT doc FROM messages WHERE rid = $1 AND NOT hidden AND ts > $2 AND ts < $3 ORDER BY seq LIMIT 1";
        const COUNT: &str =
            "SELECT COUNT(*) FROM messages WHERE rid = $1 AND NOT hidden AND ts > $2 AND ts < $3";
        let (first, count): (Option<String>, i64) = dispatch!(self, c => {
            let first = sqlx::query_scalar(FIRST).bind(rid).bind(after).bind(before).fetch_optional(&mut **c).await?;
            let count = sqlx::query_scalar(COUNT).bind(rid).bind(after).bind(before).fetch_one(&mut **c).await?;
            (first, count)
        });
        Ok((first.map(|d| parse_doc(&d)).transpose()?, count))
    }

    /// The room's latest `livechat_navigation_history` message (the visitor's current page).
    pub async fn newest_navigation_of_room(&mut self, rid: &str) -> StoreResult<Option<Message>> {
        const SQL: &str = "SELECT doc FROM messages WHERE rid = $1 \
                           AND t = 'livechat_navigation_history' ORDER BY seq DESC LIMIT 1";
        let doc = self.fetch_text(SQL, params![rid]).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Navigation history recorded for a token before it had a room.
    pub async fn orphan_navigation(&mut self, token: &str) -> StoreResult<Vec<Message>> {
        const SQL: &str = "SELECT doc FROM messages WHERE token = $1 AND rid IS NULL ORDER BY seq";
        parse_docs(self.fetch_texts(SQL, params![token]).await?)
    }

    pub async fn delete_room_messages(&mut self, rid: &str) -> StoreResult<()> {
        self.execute("DELETE FROM messages WHERE rid = $1", params![rid])
            .await?;
        Ok(())
    }

    pub async fn delete_orphan_navigation(&mut self, token: &str) -> StoreResult<()> {
        self.execute(
            "DELETE FROM messages WHERE token = $1 AND rid IS NULL",
            params![token],
        )
        .await?;
        Ok(())
    }

    /// Deletes messages whose `expireAt` has passed; returns how many.
    pub async fn purge_expired_messages(&mut self, now: i64) -> StoreResult<u64> {
        self.execute(
            "DELETE FROM messages WHERE expire_at IS NOT NULL AND expire_at < $1",
            params![now],
        )
        .await
    }
}

fn navigation_token(message: &Message) -> Option<&str> {
    message.navigation.as_ref()?.get("token")?.as_str()
}
