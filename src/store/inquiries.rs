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
