//! Visitors and the named counters that number guests.

use super::error::{StoreError, StoreResult};
use super::primitives::params;
use super::{parse_doc, to_doc, Exec, Inserted};
use crate::model::Visitor;

const BY_TOKEN: &str = "SELECT doc FROM visitors WHERE token = $1";

impl Exec<'_> {
    pub async fn visitor_by_token(&mut self, token: &str) -> StoreResult<Option<Visitor>> {
        let doc = self.fetch_doc(BY_TOKEN, token).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The visitor of `token`, locked for a read-modify-write in this transaction.
    pub async fn visitor_for_update(&mut self, token: &str) -> StoreResult<Option<Visitor>> {
        let doc = self.fetch_doc_for_update(BY_TOKEN, token).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    pub async fn visitor_by_id(&mut self, id: &str) -> StoreResult<Option<Visitor>> {
        let doc = self
            .fetch_doc("SELECT doc FROM visitors WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts a new visitor; `Duplicate` when its token, username or id is taken.
    pub async fn insert_visitor(&mut self, visitor: &Visitor) -> StoreResult<Inserted> {
        let doc = to_doc(visitor)?;
        let search = SearchColumns::of(visitor);
        const SQL: &str = "INSERT INTO visitors (id, token, username, name, email, phone, department, ts, updated_at, doc, \
                           name_lower, username_lower, last_chat_ts) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
        self.insert(
            SQL,
            params![
                &visitor.id,
                &visitor.token,
                &visitor.username,
                &visitor.name,
                visitor.email(),
                visitor.phone_number(),
                &visitor.department,
                visitor.ts.millis(),
                visitor.updated_at.millis(),
                &doc,
                search.name_lower.as_deref(),
                &search.username_lower,
                search.last_chat_ts
            ],
        )
        .await
    }

    pub async fn save_visitor_row(&mut self, visitor: &Visitor) -> StoreResult<()> {
        let doc = to_doc(visitor)?;
        let search = SearchColumns::of(visitor);
        self.execute(
            SAVE,
            params![
                &visitor.id,
                &visitor.token,
                &visitor.username,
                &visitor.name,
                visitor.email(),
                visitor.phone_number(),
                &visitor.department,
                visitor.updated_at.millis(),
                &doc,
                search.name_lower.as_deref(),
                &search.username_lower,
                search.last_chat_ts
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn delete_visitor(&mut self, id: &str) -> StoreResult<bool> {
        let result = self
            .execute("DELETE FROM visitors WHERE id = $1", params![id])
            .await?;
        Ok(result > 0)
    }

    /// Atomically increments a named counter and returns its new value.
    pub async fn next_counter(&mut self, name: &str) -> StoreResult<i64> {
        const SQL: &str = "UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value";
        self.fetch_int(SQL, params![name])
            .await?
            .ok_or_else(|| StoreError::internal(format!("no counter {name:?}")))
    }
}

const SAVE: &str =
    "UPDATE visitors SET token = $2, username = $3, name = $4, email = $5, phone = $6, \
     department = $7, updated_at = $8, doc = $9, name_lower = $10, username_lower = $11, \
     last_chat_ts = $12 WHERE id = $1";

/// The columns `visitors.search` matches and sorts on, derived from the document.
struct SearchColumns {
    name_lower: Option<String>,
    username_lower: String,
    last_chat_ts: Option<i64>,
}

impl SearchColumns {
    fn of(visitor: &Visitor) -> Self {
        SearchColumns {
            name_lower: visitor.name.as_deref().map(str::to_lowercase),
            username_lower: visitor.username.to_lowercase(),
            last_chat_ts: visitor.last_chat.as_ref().map(|c| c.ts.millis()),
        }
    }
}

impl Exec<'_> {
    /// Whether a staff account (or the system bot) has `username`, in any case: a visitor
    /// may not take it, or its messages would look like a colleague's.
    pub async fn is_staff_username(&mut self, username: &str) -> StoreResult<bool> {
        let lower = username.trim().to_lowercase();
        if lower == crate::model::ROCKET_CAT {
            return Ok(true);
        }
        const SQL: &str = "SELECT 1 FROM users WHERE username_lower = $1";
        self.exists(SQL, params![&lower]).await
    }
}
