//! The offline messages as staff read them: a page, newest first, optionally only the handled
//! or unhandled ones, and marking one handled (who, when) or not.

use serde_json::Value;

use super::error::StoreResult;
use super::{dispatch, parse_doc, Exec};
use crate::time::Timestamp;

/// One stored offline message with its handling.
pub struct OfflineMessageRow {
    pub doc: Value,
    pub handled_at: Option<Timestamp>,
    pub handled_by_id: Option<String>,
    pub handled_by_username: Option<String>,
}

type RawRow = (String, Option<i64>, Option<String>, Option<String>);

impl Exec<'_> {
    /// A page of offline messages, newest first (`handled`: only those handled or not); with
    /// the total of the filter.
    pub async fn offline_message_page(
        &mut self,
        handled: Option<bool>,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<OfflineMessageRow>, i64)> {
        // A fixed clause per filter: nothing from the request reaches the SQL text.
        let filter = match handled {
            None => "",
            Some(true) => " WHERE handled_at IS NOT NULL",
            Some(false) => " WHERE handled_at IS NULL",
        };
        let total_sql = format!("SELECT COUNT(*) FROM offline_messages{filter}");
        let page_sql = format!(
            "SELECT doc, handled_at, handled_by_id, handled_by_username FROM offline_messages{filter} \
             ORDER BY ts DESC, id DESC LIMIT $1 OFFSET $2"
        );
        let total: i64 = dispatch!(self, c => {
            sqlx::query_scalar(&total_sql).fetch_one(&mut **c).await?
        });
        let rows: Vec<RawRow> = dispatch!(self, c => {
            sqlx::query_as(&page_sql).bind(count).bind(offset).fetch_all(&mut **c).await?
        });
        let rows = rows
            .into_iter()
            .map(|(doc, at, by_id, by_username)| {
                Ok(OfflineMessageRow {
                    doc: parse_doc(&doc)?,
                    handled_at: at.map(Timestamp),
                    handled_by_id: by_id,
                    handled_by_username: by_username,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((rows, total))
    }

    /// Marks offline message `id` handled by `by` (`(user id, username)`) at `at`, or not
    /// handled (`None`); whether there was such a message.
    pub async fn set_offline_message_handled(
        &mut self,
        id: &str,
        by: Option<(&str, &str)>,
        at: Timestamp,
    ) -> StoreResult<bool> {
        const SQL: &str = "UPDATE offline_messages SET handled_at = $2, handled_by_id = $3, \
                           handled_by_username = $4 WHERE id = $1";
        let (at, by_id, by_username) = match by {
            Some((by_id, by_username)) => (Some(at.millis()), Some(by_id), Some(by_username)),
            None => (None, None, None),
        };
        let changed = dispatch!(self, c => {
            sqlx::query(SQL).bind(id).bind(at).bind(by_id).bind(by_username)
                .execute(&mut **c).await?.rows_affected()
        });
        Ok(changed > 0)
    }

    pub async fn offline_message(&mut self, id: &str) -> StoreResult<Option<OfflineMessageRow>> {
        const SQL: &str = "SELECT doc, handled_at, handled_by_id, handled_by_username \
                           FROM offline_messages WHERE id = $1";
        let row: Option<RawRow> = dispatch!(self, c => {
            sqlx::query_as(SQL).bind(id).fetch_optional(&mut **c).await?
        });
        row.map(|(doc, at, by_id, by_username)| {
            Ok(OfflineMessageRow {
                doc: parse_doc(&doc)?,
                handled_at: at.map(Timestamp),
                handled_by_id: by_id,
                handled_by_username: by_username,
            })
        })
        .transpose()
    }
}
