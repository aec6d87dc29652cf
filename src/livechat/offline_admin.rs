//! Offline messages for staff: Rocket.Chat only e-mails what visitors leave through the
//! offline form; here they are also kept, listed newest first, and marked handled (who and
//! when) so a team sees which still wait for an answer.

use serde_json::{json, Value};

use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::store::OfflineMessageRow;
use crate::time::Timestamp;

/// The stored document with its handling: `handled`, and `handledAt` / `handledBy`
/// (`{_id, username}`) once handled.
fn with_handling(row: OfflineMessageRow) -> Value {
    let mut doc = row.doc;
    doc["handled"] = json!(row.handled_at.is_some());
    if let Some(at) = row.handled_at {
        doc["handledAt"] = json!(at);
        doc["handledBy"] = json!({ "_id": row.handled_by_id, "username": row.handled_by_username });
    }
    doc
}

impl Livechat {
    /// A page of offline messages, newest first; `handled` keeps only those handled or not.
    pub async fn offline_messages(
        &self,
        handled: Option<bool>,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<Value>, i64)> {
        let (rows, total) = self
            .store()
            .read()
            .await?
            .exec()
            .offline_message_page(handled, offset, count)
            .await?;
        Ok((rows.into_iter().map(with_handling).collect(), total))
    }

    /// Marks offline message `id` handled by `by` now, or no longer handled; the message as
    /// it is then stored.
    pub async fn mark_offline_message(
        &self,
        id: &str,
        handled: bool,
        by: &User,
    ) -> ApiResult<Value> {
        let mut tx = self.store().begin().await?;
        let mut exec = tx.exec();
        let by = handled.then_some((by.id.as_str(), by.username.as_str()));
        if !exec
            .set_offline_message_handled(id, by, Timestamp::now())
            .await?
        {
            return Err(ApiError::NotFoundBecause("Offline message not found"));
        }
        let row = exec
            .offline_message(id)
            .await?
            .ok_or(ApiError::NotFoundBecause("Offline message not found"))?;
        tx.commit().await?;
        Ok(with_handling(row))
    }
}
