//! Business hours (the documents) and the agents their closing paused.

use serde_json::Value;

use super::error::StoreResult;
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec};

impl Exec<'_> {
    pub async fn business_hour_by_id(&mut self, id: &str) -> StoreResult<Option<Value>> {
        let doc = self
            .fetch_doc("SELECT doc FROM business_hours WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The first business hour of `kind` ("default" or "custom").
    pub async fn business_hour_of_type(&mut self, kind: &str) -> StoreResult<Option<Value>> {
        let doc = self
            .fetch_doc(
                "SELECT doc FROM business_hours WHERE type = $1 ORDER BY id LIMIT 1",
                kind,
            )
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Every business hour, by name.
    pub async fn business_hours(&mut self) -> StoreResult<Vec<Value>> {
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT doc FROM business_hours ORDER BY name, id")
                .fetch_all(&mut **c).await?
        });
        parse_docs(docs)
    }

    /// Inserts a business hour, or replaces the one with its `_id`.
    pub async fn save_business_hour(&mut self, hour: &Value) -> StoreResult<()> {
        const SQL: &str =
            "INSERT INTO business_hours (id, type, name, doc) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name, \
             doc = excluded.doc";
        let doc = to_doc(hour)?;
        let text = |key: &str| hour[key].as_str().unwrap_or_default().to_string();
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(text("_id"))
                .bind(text("type"))
                .bind(text("name"))
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Agents taking chats now (the closing pauses them).
    pub async fn available_agent_ids(&mut self) -> StoreResult<Vec<String>> {
        const SQL: &str = "SELECT id FROM users WHERE is_agent AND status_livechat = 'available'";
        Ok(dispatch!(self, c => {
            sqlx::query_scalar(SQL).fetch_all(&mut **c).await?
        }))
    }

    pub async fn remember_paused_agent(&mut self, user_id: &str) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO business_hour_paused_agents (user_id) VALUES ($1) \
             ON CONFLICT (user_id) DO NOTHING";
        dispatch!(self, c => {
            sqlx::query(SQL).bind(user_id).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }

    /// The agents the closing paused; forgotten as they are read (the opening resumes them).
    pub async fn take_paused_agent_ids(&mut self) -> StoreResult<Vec<String>> {
        Ok(dispatch!(self, c => {
            let ids = sqlx::query_scalar("SELECT user_id FROM business_hour_paused_agents")
                .fetch_all(&mut **c).await?;
            sqlx::query("DELETE FROM business_hour_paused_agents").execute(&mut **c).await?;
            ids
        }))
    }
}
