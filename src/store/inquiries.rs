//! Inquiries: the queue entry of each open room.

use super::{dispatch, parse_doc, to_doc, Exec};
use crate::error::ApiResult;
use crate::model::Inquiry;

impl Exec<'_> {
    pub async fn inquiry_by_room(&mut self, rid: &str) -> ApiResult<Option<Inquiry>> {
        let doc = self
            .fetch_doc("SELECT doc FROM inquiries WHERE rid = $1", rid)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts or replaces the inquiry of a room.
    pub async fn save_inquiry(&mut self, inquiry: &Inquiry) -> ApiResult<()> {
        let doc = to_doc(inquiry)?;
        const SQL: &str = "INSERT INTO inquiries (id, rid, status, department, queued_at, doc) VALUES ($1, $2, $3, $4, $5, $6) \
                           ON CONFLICT (id) DO UPDATE SET status = excluded.status, department = excluded.department, \
                           queued_at = excluded.queued_at, doc = excluded.doc";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&inquiry.id)
                .bind(&inquiry.rid)
                .bind(inquiry.status.as_str())
                .bind(&inquiry.department)
                .bind(inquiry.queued_at.millis())
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn delete_inquiry_of_room(&mut self, rid: &str) -> ApiResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM inquiries WHERE rid = $1").bind(rid).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }
}

impl Exec<'_> {
    /// The oldest queued inquiries, locked on PostgreSQL (skipping ones another routing pass
    /// holds, so concurrent passes never wait for or double-serve each other).
    pub async fn queued_inquiries(&mut self, limit: i64) -> ApiResult<Vec<Inquiry>> {
        const SQL: &str =
            "SELECT doc FROM inquiries WHERE status = 'queued' ORDER BY queued_at, id LIMIT $1";
        let docs: Vec<String> = match self {
            Exec::Sqlite(c) => {
                sqlx::query_scalar(SQL)
                    .bind(limit)
                    .fetch_all(&mut **c)
                    .await?
            }
            Exec::Postgres(c) => {
                sqlx::query_scalar(&format!("{SQL} FOR UPDATE SKIP LOCKED"))
                    .bind(limit)
                    .fetch_all(&mut **c)
                    .await?
            }
        };
        super::parse_docs(docs)
    }

    pub async fn has_queued_inquiries(&mut self) -> ApiResult<bool> {
        let count: i64 = dispatch!(self, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM inquiries WHERE status = 'queued'").fetch_one(&mut **c).await?
        });
        Ok(count > 0)
    }
}
