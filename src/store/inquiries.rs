//! Inquiries: the queue entry of each open room.

use super::error::StoreResult;
use super::primitives::params;
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec};
use crate::model::Inquiry;

const BY_ROOM: &str = "SELECT doc FROM inquiries WHERE rid = $1";
const SAVE: &str = "INSERT INTO inquiries (id, rid, status, department, queued_at, doc) VALUES ($1, $2, $3, $4, $5, $6) \
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, department = excluded.department, \
                    queued_at = excluded.queued_at, doc = excluded.doc";

/// The document alone: a new message changes no indexed column of the inquiry.
const UPDATE_DOC: &str = "UPDATE inquiries SET doc = $2 WHERE id = $1";

impl Exec<'_> {
    pub async fn inquiry_by_room(&mut self, rid: &str) -> StoreResult<Option<Inquiry>> {
        let doc = self.fetch_doc(BY_ROOM, rid).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts or replaces the inquiry of a room.
    pub async fn save_inquiry_row(&mut self, inquiry: &Inquiry) -> StoreResult<()> {
        let doc = to_doc(inquiry)?;
        self.execute(
            SAVE,
            params![
                &inquiry.id,
                &inquiry.rid,
                inquiry.status.as_str(),
                &inquiry.department,
                inquiry.queued_at.millis(),
                &doc
            ],
        )
        .await?;
        Ok(())
    }

    /// [`Exec::save_inquiry_row`] for an existing inquiry whose status, department and queue
    /// time did not change (its last message did).
    pub async fn save_inquiry_doc_row(&mut self, inquiry: &Inquiry) -> StoreResult<()> {
        let doc = to_doc(inquiry)?;
        self.execute(UPDATE_DOC, params![&inquiry.id, &doc]).await?;
        Ok(())
    }

    /// Deletes the inquiry of a room; the deleted ones (none or one).
    pub async fn delete_inquiry_rows_of_room(&mut self, rid: &str) -> StoreResult<Vec<Inquiry>> {
        let docs = self
            .fetch_texts(
                "DELETE FROM inquiries WHERE rid = $1 RETURNING doc",
                params![rid],
            )
            .await?;
        parse_docs(docs)
    }
}

impl Exec<'_> {
    pub async fn has_queued_inquiries(&mut self) -> StoreResult<bool> {
        self.exists(
            "SELECT 1 FROM inquiries WHERE status = 'queued' LIMIT 1",
            &[],
        )
        .await
    }
}

impl Exec<'_> {
    pub async fn inquiry_by_id(&mut self, id: &str) -> StoreResult<Option<Inquiry>> {
        let doc = self
            .fetch_doc("SELECT doc FROM inquiries WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// An inquiry by id, locked for a read-modify-write in this transaction.
    pub async fn inquiry_for_update(&mut self, id: &str) -> StoreResult<Option<Inquiry>> {
        let doc = self
            .fetch_doc_for_update("SELECT doc FROM inquiries WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The inquiries of a department, locked for a read-modify-write in this transaction.
    pub async fn inquiries_of_department_for_update(
        &mut self,
        department_id: &str,
    ) -> StoreResult<Vec<Inquiry>> {
        const SQL: &str = "SELECT doc FROM inquiries WHERE department = $1 ORDER BY id";
        super::parse_docs(self.fetch_docs_for_update(SQL, department_id).await?)
    }

    /// Queued inquiries, oldest first, that pass `filter`; with the total.
    pub async fn queued_page(
        &mut self,
        filter: QueueFilter<'_>,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<Inquiry>, i64)> {
        let (condition, key) = match filter {
            QueueFilter::All => ("TRUE", ""),
            QueueFilter::Department(id) => ("department = $3", id),
            QueueFilter::VisibleTo(agent_id) => (
                "(department IS NULL OR department IN (SELECT department_id FROM department_agents WHERE agent_id = $3))",
                agent_id,
            ),
        };
        let page = format!("SELECT doc FROM inquiries WHERE status = 'queued' AND {condition} ORDER BY queued_at, id LIMIT $1 OFFSET $2");
        let total =
            format!("SELECT COUNT(*) FROM inquiries WHERE status = 'queued' AND {condition}");
        let (docs, total): (Vec<String>, i64) = dispatch!(self, c => {
            let docs = sqlx::query_scalar(&page).bind(count).bind(offset).bind(key).fetch_all(&mut **c).await?;
            let total = sqlx::query_scalar(&total).bind(count).bind(offset).bind(key).fetch_one(&mut **c).await?;
            (docs, total)
        });
        Ok((super::parse_docs(docs)?, total))
    }
}

/// Which queued inquiries a listing shows.
#[derive(Clone, Copy, Debug)]
pub enum QueueFilter<'a> {
    All,
    Department(&'a str),
    /// Those an agent may take: of its departments, or of none.
    VisibleTo(&'a str),
}

impl Exec<'_> {
    /// 1-based place of a queued inquiry in the queue it waits in: among all queued chats, or
    /// those of its department when it has one (the order routing serves them in).
    pub async fn queue_position(&mut self, inquiry: &Inquiry) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM inquiries WHERE status = 'queued' \
                           AND ($3 IS NULL OR department = $3) \
                           AND (queued_at < $1 OR (queued_at = $1 AND id <= $2))";
        Ok(dispatch!(self, c => {
            sqlx::query_scalar(SQL)
                .bind(inquiry.queued_at.millis())
                .bind(&inquiry.id)
                .bind(&inquiry.department)
                .fetch_one(&mut **c)
                .await?
        }))
    }
}
