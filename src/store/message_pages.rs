//! Paginated message listings for agents: a room's navigation history, its conversation and
//! its transfers.

use super::error::StoreResult;
use super::listing::{Listing, OrderBy};
use super::{parse_docs, Exec};
use crate::model::Message;

/// Which of a room's messages a listing shows.
#[derive(Clone, Copy, Debug)]
pub enum MessageKind {
    /// `livechat_navigation_history` messages, hidden or not.
    PagesVisited,
    /// What was said: messages without a type, and the closing message (`livechat-close`).
    Conversation,
    /// `livechat_transfer_history` messages: forwards, transfers, returns to the queue.
    TransferHistory,
}

impl Exec<'_> {
    pub async fn room_messages_page(
        &mut self,
        rid: &str,
        kind: MessageKind,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<Message>, i64)> {
        let mut listing = Listing::of("messages");
        let rid = listing.text(rid);
        listing.when(format!("rid = {rid}"));
        listing.when(
            match kind {
                MessageKind::PagesVisited => "t = 'livechat_navigation_history'",
                MessageKind::Conversation => "(t IS NULL OR t = 'livechat-close')",
                MessageKind::TransferHistory => "t = 'livechat_transfer_history'",
            }
            .into(),
        );
        let (docs, total) = listing.page(self, order, offset, count).await?;
        Ok((parse_docs(docs)?, total))
    }
}
