//! Small administrative collections: custom fields, triggers, settings and the
//! offline messages left when nobody was there to chat.

use serde_json::Value;

use super::error::StoreResult;
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec};
use crate::model::CustomFieldDefinition;
use crate::time::Timestamp;

impl Exec<'_> {
    pub async fn custom_field(&mut self, id: &str) -> StoreResult<Option<CustomFieldDefinition>> {
        let doc = self
            .fetch_doc("SELECT doc FROM custom_fields WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    pub async fn custom_fields(&mut self) -> StoreResult<Vec<CustomFieldDefinition>> {
        let docs = self
            .fetch_texts("SELECT doc FROM custom_fields ORDER BY id", &[])
            .await?;
        parse_docs(docs)
    }

    pub async fn save_custom_field(&mut self, field: &CustomFieldDefinition) -> StoreResult<()> {
        let doc = to_doc(field)?;
        let scope = serde_json::to_value(field.scope)?;
        const SQL: &str = "INSERT INTO custom_fields (id, scope, doc) VALUES ($1, $2, $3) \
                           ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, doc = excluded.doc";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&field.id)
                .bind(scope.as_str())
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Seeds a definition from the configuration file: a field already stored (perhaps edited
    /// in the console since) is left as it is.
    pub async fn insert_custom_field_if_missing(
        &mut self,
        field: &CustomFieldDefinition,
    ) -> StoreResult<()> {
        let doc = to_doc(field)?;
        let scope = serde_json::to_value(field.scope)?;
        const SQL: &str = "INSERT INTO custom_fields (id, scope, doc) VALUES ($1, $2, $3) \
                           ON CONFLICT (id) DO NOTHING";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&field.id)
                .bind(scope.as_str())
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Whether a definition was removed.
    pub async fn remove_custom_field(&mut self, id: &str) -> StoreResult<bool> {
        let removed = dispatch!(self, c => {
            sqlx::query("DELETE FROM custom_fields WHERE id = $1")
                .bind(id)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(removed > 0)
    }

    /// Enabled triggers, as the widget receives them.
    pub async fn enabled_triggers(&mut self) -> StoreResult<Vec<Value>> {
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT doc FROM triggers WHERE enabled ORDER BY id").fetch_all(&mut **c).await?
        });
        parse_docs(docs)
    }

    /// Every stored setting value (JSON), by id.
    pub async fn settings(&mut self) -> StoreResult<Vec<(String, Value)>> {
        let rows: Vec<(String, String)> = dispatch!(self, c => {
            sqlx::query_as("SELECT id, value FROM settings").fetch_all(&mut **c).await?
        });
        rows.into_iter()
            .map(|(id, value)| Ok((id, parse_doc(&value)?)))
            .collect()
    }

    pub async fn insert_offline_message(
        &mut self,
        id: &str,
        department: Option<&str>,
        ts: Timestamp,
        doc: &Value,
    ) -> StoreResult<()> {
        let doc = to_doc(doc)?;
        const SQL: &str =
            "INSERT INTO offline_messages (id, department, ts, doc) VALUES ($1, $2, $3, $4)";
        dispatch!(self, c => {
            sqlx::query(SQL).bind(id).bind(department).bind(ts.millis()).bind(&doc).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }
}

impl Exec<'_> {
    pub async fn save_setting(
        &mut self,
        id: &str,
        value: &Value,
        now: Timestamp,
    ) -> StoreResult<()> {
        let value = to_doc(value)?;
        const SQL: &str = "INSERT INTO settings (id, value, updated_at) VALUES ($1, $2, $3) \
                           ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
        dispatch!(self, c => {
            sqlx::query(SQL).bind(id).bind(&value).bind(now.millis()).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }
}
