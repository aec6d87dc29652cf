//! Messages, in the order they were stored (`seq`), which is the order clients show them.

use serde_json::json;

use super::error::StoreResult;
use super::primitives::params;
use super::streams::{MY_MESSAGES, NOTIFY_ROOM, NOTIFY_USER, ROOM_MESSAGES};
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec, Inserted};
use crate::ejson::to_ejson;
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

/// An event for the agent serving room `$5`, if any, looked up in the same statement: event
/// name `<agent id> || $2`...
const FOR_SERVING_AGENT_BY_NAME: &str =
    "INSERT INTO events (collection, event_name, args, created_at) \
     SELECT $1, served_by || $2, $3, $4 FROM rooms WHERE id = $5 AND served_by IS NOT NULL";
/// ...or event name `$2` with the agent as its audience.
const FOR_SERVING_AGENT_AS_AUDIENCE: &str =
    "INSERT INTO events (collection, event_name, audience, args, created_at) \
     SELECT $1, $2, served_by, $3, $4 FROM rooms WHERE id = $5 AND served_by IS NOT NULL";

/// The `token` column: the visitor's, or for navigation history the token it was recorded for.
fn token_column(message: &Message) -> Option<&str> {
    message
        .token
        .as_deref()
        .or_else(|| navigation_token(message))
}

/// The room and `stream-room-messages` args a new or changed message is announced with.
/// Hidden ones (navigation history) and ones without a room stay quiet.
fn announcement(message: &Message) -> StoreResult<Option<(&str, serde_json::Value)>> {
    let Some(rid) = message.rid.as_deref().filter(|_| !message.is_hidden()) else {
        return Ok(None);
    };
    Ok(Some((
        rid,
        json!([to_ejson(serde_json::to_value(message)?)]),
    )))
}

/// A visitor's new message is a `notification` for the agent serving its room: the room and
/// the notification's args.
fn notification(message: &Message) -> Option<(&str, serde_json::Value)> {
    let rid = message.rid.as_deref()?;
    if message.token.is_none() || message.t.is_some() || message.is_hidden() {
        return None;
    }
    let sender = &message.u;
    let args = json!([{
        "title": message.alias.as_deref().unwrap_or(&sender.username),
        "text": message.msg,
        "payload": {
            "_id": message.id,
            "rid": rid,
            "sender": sender,
            "type": "l",
            "message": { "msg": message.msg },
        },
    }]);
    Some((rid, args))
}

impl Exec<'_> {
    /// Inserts a message; `Duplicate` when its id exists (a client resending its own `_id`).
    pub async fn insert_message(&mut self, message: &Message) -> StoreResult<Inserted> {
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
        if result == Inserted::Yes {
            self.announce_message(message).await?;
            if let Some((rid, args)) = notification(message) {
                self.record_for_serving_agent(
                    FOR_SERVING_AGENT_BY_NAME,
                    rid,
                    NOTIFY_USER,
                    "/notification",
                    &args,
                )
                .await?;
            }
        }
        Ok(result)
    }

    /// Tells the room's subscribers about a new or changed message (after commit; see
    /// `store::events`), and the agent serving the room on its `__my_messages__`.
    async fn announce_message(&mut self, message: &Message) -> StoreResult<()> {
        let Some((rid, args)) = announcement(message)? else {
            return Ok(());
        };
        self.record_event(ROOM_MESSAGES, rid, &args).await?;
        self.record_for_serving_agent(
            FOR_SERVING_AGENT_AS_AUDIENCE,
            rid,
            ROOM_MESSAGES,
            MY_MESSAGES,
            &args,
        )
        .await
    }

    /// Records an event for the agent serving room `rid` with one of the `FOR_SERVING_AGENT`
    /// statements (`event_name` is the name's end, or the whole name with the agent as audience).
    async fn record_for_serving_agent(
        &mut self,
        sql: &str,
        rid: &str,
        collection: &str,
        event_name: &str,
        args: &serde_json::Value,
    ) -> StoreResult<()> {
        let args = serde_json::to_string(args)?;
        let now = crate::time::Timestamp::now().millis();
        self.execute(sql, params![collection, event_name, &args, now, rid])
            .await?;
        Ok(())
    }

    pub async fn message_by_id(&mut self, id: &str) -> StoreResult<Option<Message>> {
        let doc = self
            .fetch_doc("SELECT doc FROM messages WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    pub async fn save_message(&mut self, message: &Message) -> StoreResult<()> {
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
        self.announce_message(message).await
    }

    /// Deletes a message and tells the room (`<rid>/deleteMessage` on `stream-notify-room`).
    pub async fn delete_message(&mut self, message: &Message) -> StoreResult<()> {
        self.execute("DELETE FROM messages WHERE id = $1", params![&message.id])
            .await?;
        if let Some(rid) = message.rid.as_deref() {
            let args = json!([{ "_id": message.id }]);
            self.record_event(NOTIFY_ROOM, &format!("{rid}/deleteMessage"), &args)
                .await?;
        }
        Ok(())
    }

    /// Visible (not `_hidden`) messages of a room, newest first.
    pub async fn room_history(&mut self, query: &HistoryQuery<'_>) -> StoreResult<Vec<Message>> {
        const SQL: &str =
            "SELECT doc FROM messages WHERE rid = $1 AND NOT hidden AND ($2 IS NULL OR ts < $2) \
                           ORDER BY seq DESC LIMIT $3 OFFSET $4";
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar(SQL)
                .bind(query.rid)
                .bind(query.before)
                .bind(query.limit)
                .bind(query.offset)
                .fetch_all(&mut **c)
                .await?
        });
        parse_docs(docs)
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

    /// Navigation history recorded for a token before it had a room.
    pub async fn orphan_navigation(&mut self, token: &str) -> StoreResult<Vec<Message>> {
        const SQL: &str = "SELECT doc FROM messages WHERE token = $1 AND rid IS NULL ORDER BY seq";
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar(SQL).bind(token).fetch_all(&mut **c).await?
        });
        parse_docs(docs)
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
