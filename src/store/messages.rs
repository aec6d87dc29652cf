//! Messages, in the order they were stored (`seq`), which is the order clients show them.

use serde_json::json;

use super::streams::{MY_MESSAGES, NOTIFY_ROOM, NOTIFY_USER, ROOM_MESSAGES};
use super::{dispatch, inserted, parse_doc, parse_docs, to_doc, Exec, Inserted};
use crate::ejson::to_ejson;
use crate::error::ApiResult;
use crate::model::Message;

/// A page of a room's visible history, newest first.
pub struct HistoryQuery<'a> {
    pub rid: &'a str,
    /// Only messages strictly older than this (ms).
    pub before: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

impl Exec<'_> {
    /// Inserts a message; `Duplicate` when its id exists (a client resending its own `_id`).
    pub async fn insert_message(&mut self, message: &Message) -> ApiResult<Inserted> {
        let doc = to_doc(message)?;
        const SQL: &str = "INSERT INTO messages (id, rid, token, t, hidden, ts, expire_at, doc) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        let token = message
            .token
            .as_deref()
            .or_else(|| navigation_token(message));
        let result = inserted(dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&message.id)
                .bind(&message.rid)
                .bind(token)
                .bind(&message.t)
                .bind(message.is_hidden())
                .bind(message.ts.millis())
                .bind(message.expire_at.map(|t| t.millis()))
                .bind(&doc)
                .execute(&mut **c)
                .await
                .map(|done| done.rows_affected())
        }))?;
        if result == Inserted::Yes {
            self.announce_message(message).await?;
            self.notify_serving_agent(message).await?;
        }
        Ok(result)
    }

    /// Tells the room's subscribers about a new or changed message (after commit; see
    /// `store::events`), and the agent serving the room on its `__my_messages__`. Hidden ones
    /// (navigation history) and ones without a room stay quiet.
    async fn announce_message(&mut self, message: &Message) -> ApiResult<()> {
        let Some(rid) = message.rid.as_deref().filter(|_| !message.is_hidden()) else {
            return Ok(());
        };
        let args = json!([to_ejson(serde_json::to_value(message)?)]);
        self.record_event(ROOM_MESSAGES, rid, &args).await?;
        self.record_for_serving_agent(rid, ROOM_MESSAGES, "", MY_MESSAGES, true, &args)
            .await
    }

    /// A visitor's new message is a `notification` for the agent serving its room.
    async fn notify_serving_agent(&mut self, message: &Message) -> ApiResult<()> {
        let Some(rid) = message.rid.as_deref() else {
            return Ok(());
        };
        if message.token.is_none() || message.t.is_some() || message.is_hidden() {
            return Ok(());
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
        self.record_for_serving_agent(rid, NOTIFY_USER, "", "/notification", false, &args)
            .await
    }

    /// Records an event for the agent serving room `rid`, if any, looked up in the same
    /// statement: event name `<prefix><agent id><suffix>`, or the fixed `suffix` with the agent
    /// as audience when `audience` is set.
    async fn record_for_serving_agent(
        &mut self,
        rid: &str,
        collection: &str,
        prefix: &str,
        suffix: &str,
        audience: bool,
        args: &serde_json::Value,
    ) -> ApiResult<()> {
        const BY_NAME: &str = "INSERT INTO events (collection, event_name, args, created_at) \
             SELECT $1, $2 || served_by || $3, $4, $5 FROM rooms WHERE id = $6 AND served_by IS NOT NULL";
        const BY_AUDIENCE: &str = "INSERT INTO events (collection, event_name, audience, args, created_at) \
             SELECT $1, $2 || $3, served_by, $4, $5 FROM rooms WHERE id = $6 AND served_by IS NOT NULL";
        let sql = if audience { BY_AUDIENCE } else { BY_NAME };
        let args = serde_json::to_string(args)?;
        let now = crate::time::Timestamp::now().millis();
        dispatch!(self, c => {
            sqlx::query(sql)
                .bind(collection)
                .bind(prefix)
                .bind(suffix)
                .bind(&args)
                .bind(now)
                .bind(rid)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn message_by_id(&mut self, id: &str) -> ApiResult<Option<Message>> {
        let doc = self
            .fetch_doc("SELECT doc FROM messages WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    pub async fn save_message(&mut self, message: &Message) -> ApiResult<()> {
        let doc = to_doc(message)?;
        const SQL: &str =
            "UPDATE messages SET rid = $2, hidden = $3, expire_at = $4, doc = $5 WHERE id = $1";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&message.id)
                .bind(&message.rid)
                .bind(message.is_hidden())
                .bind(message.expire_at.map(|t| t.millis()))
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        self.announce_message(message).await
    }

    /// Deletes a message and tells the room (`<rid>/deleteMessage` on `stream-notify-room`).
    pub async fn delete_message(&mut self, message: &Message) -> ApiResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM messages WHERE id = $1").bind(&message.id).execute(&mut **c).await?.rows_affected()
        });
        if let Some(rid) = message.rid.as_deref() {
            let args = json!([{ "_id": message.id }]);
            self.record_event(NOTIFY_ROOM, &format!("{rid}/deleteMessage"), &args)
                .await?;
        }
        Ok(())
    }

    /// Visible (not `_hidden`) messages of a room, newest first.
    pub async fn room_history(&mut self, query: &HistoryQuery<'_>) -> ApiResult<Vec<Message>> {
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

    pub async fn count_room_history(&mut self, rid: &str, before: Option<i64>) -> ApiResult<i64> {
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
    ) -> ApiResult<(Option<Message>, i64)> {
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
    pub async fn orphan_navigation(&mut self, token: &str) -> ApiResult<Vec<Message>> {
        const SQL: &str = "SELECT doc FROM messages WHERE token = $1 AND rid IS NULL ORDER BY seq";
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar(SQL).bind(token).fetch_all(&mut **c).await?
        });
        parse_docs(docs)
    }

    pub async fn delete_room_messages(&mut self, rid: &str) -> ApiResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM messages WHERE rid = $1").bind(rid).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }

    pub async fn delete_orphan_navigation(&mut self, token: &str) -> ApiResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM messages WHERE token = $1 AND rid IS NULL")
                .bind(token)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Deletes messages whose `expireAt` has passed; returns how many.
    pub async fn purge_expired_messages(&mut self, now: i64) -> ApiResult<u64> {
        Ok(dispatch!(self, c => {
            sqlx::query("DELETE FROM messages WHERE expire_at IS NOT NULL AND expire_at < $1")
                .bind(now)
                .execute(&mut **c)
                .await?
                .rows_affected()
        }))
    }
}

fn navigation_token(message: &Message) -> Option<&str> {
    message.navigation.as_ref()?.get("token")?.as_str()
}
