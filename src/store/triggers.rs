//! Livechat triggers: the document, with `enabled` (what `livechat/config` sends) and `name`
//! (what the admin listing sorts by) beside it.

use super::error::StoreResult;
use super::listing::{Direction, Listing, OrderBy, SortColumn};
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec};
use crate::model::LivechatTrigger;

impl Exec<'_> {
    pub async fn trigger_by_id(&mut self, id: &str) -> StoreResult<Option<LivechatTrigger>> {
        let doc = self
            .fetch_doc("SELECT doc FROM triggers WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts a trigger, or replaces the one with its `_id`.
    pub async fn save_trigger(&mut self, trigger: &LivechatTrigger) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO triggers (id, name, enabled, doc) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, \
             doc = excluded.doc";
        let doc = to_doc(trigger)?;
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&trigger.id)
                .bind(&trigger.name)
                .bind(trigger.enabled)
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Whether there was such a trigger.
    pub async fn delete_trigger(&mut self, id: &str) -> StoreResult<bool> {
        let deleted = dispatch!(self, c => {
            sqlx::query("DELETE FROM triggers WHERE id = $1")
                .bind(id).execute(&mut **c).await?.rows_affected()
        });
        Ok(deleted > 0)
    }

    /// A page of every trigger, by name; with the total.
    pub async fn trigger_page(
        &mut self,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<LivechatTrigger>, i64)> {
        let order = OrderBy::new(
            &[SortColumn {
                column: "name",
                direction: Direction::Asc,
                nullable: false,
            }],
            "id",
        );
        let (docs, total) = Listing::of("triggers")
            .page(self, &order, offset, count)
            .await?;
        Ok((parse_docs(docs)?, total))
    }
}
