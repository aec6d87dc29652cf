//! Inquiries: the queue entry of each open room.

use serde_json::json;

use super::error::StoreResult;
use super::primitives::params;
use super::streams::INQUIRY_QUEUE;
use super::{dispatch, parse_doc, to_doc, Exec};
use crate::ejson::to_ejson;
use crate::model::{Inquiry, InquiryStatus};

const BY_ROOM: &str = "SELECT doc FROM inquiries WHERE rid = $1";
const SAVE: &str = "INSERT INTO inquiries (id, rid, status, department, queued_at, doc) VALUES ($1, $2, $3, $4, $5, $6) \
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, department = excluded.department, \
                    queued_at = excluded.queued_at, doc = excluded.doc";

/// The document alone: a new message changes no indexed column of the inquiry.
const UPDATE_DOC: &str = "UPDATE inquiries SET doc = $2 WHERE id = $1";

/// The queue observers' event of an inquiry change: its event name (`public` or
/// `department/<id>`) and args.
fn inquiry_change(kind: &str, inquiry: &Inquiry) -> StoreResult<(String, serde_json::Value)> {
    let mut doc = to_ejson(serde_json::to_value(inquiry)?);
    doc["type"] = json!(kind);
    let event_name = match &inquiry.department {
        Some(department) => format!("department/{department}"),
        None => "public".to_string(),
    };
    Ok((event_name, json!([doc])))
}

impl Exec<'_> {
    pub async fn inquiry_by_room(&mut self, rid: &str) -> StoreResult<Option<Inquiry>> {
        let doc = self.fetch_doc(BY_ROOM, rid).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts or replaces the inquiry of a room.
    pub async fn save_inquiry(&mut self, inquiry: &Inquiry) -> StoreResult<()> {
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
        self.announce_inquiry("changed", inquiry).await
    }

    /// [`Exec::save_inquiry`] for an existing inquiry whose status, department and queue time
    /// did not change (its last message did). Announced to the queue observers only while it
    /// is queued: a taken inquiry is in no queue, clients drop it from their list already, and
    /// announcing every message of every served chat would make each process recompute the
    /// queue positions of all the rooms its visitors watch, over and over.
    pub async fn save_inquiry_doc(&mut self, inquiry: &Inquiry) -> StoreResult<()> {
        let doc = to_doc(inquiry)?;
        self.execute(UPDATE_DOC, params![&inquiry.id, &doc]).await?;
        if inquiry.status == InquiryStatus::Queued {
            self.announce_inquiry("changed", inquiry).await?;
        }
        Ok(())
    }

    pub async fn delete_inquiry_of_room(&mut self, rid: &str) -> StoreResult<()> {
        let docs: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar("DELETE FROM inquiries WHERE rid = $1 RETURNING doc").bind(rid).fetch_all(&mut **c).await?
        });
        for doc in docs {
            let inquiry: Inquiry = parse_doc(&doc)?;
            self.announce_inquiry("removed", &inquiry).await?;
        }
        Ok(())
    }

    /// Tells the agents' queue observers (`public`, or `department/<id>` for a department's
    /// inquiry) that an inquiry changed or left the queue.
    async fn announce_inquiry(&mut self, kind: &str, inquiry: &Inquiry) -> StoreResult<()> {
        let (event_name, args) = inquiry_change(kind, inquiry)?;
        self.record_event(INQUIRY_QUEUE, &event_name, &args).await
    }
}

impl Exec<'_> {
    pub async fn has_queued_inquiries(&mut self) -> StoreResult<bool> {
        let found: Option<i32> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT 1 FROM inquiries WHERE status = 'queued' LIMIT 1").fetch_optional(&mut **c).await?
        });
        Ok(found.is_some())
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
