//! Visitor listings for agents: `visitors.search` and the live-visitors view.

use super::listing::{contains_pattern, Listing, OrderBy};
use super::{parse_docs, Exec};
use crate::error::ApiResult;
use crate::model::{Visitor, VisitorSession};

/// Session statuses of a visitor who is on the site now.
pub const PRESENT_STATUSES: [&str; 2] = ["online", "away"];

impl Exec<'_> {
    /// Visitors whose e-mail or phone is exactly `term`, or whose name or username contains it
    /// (case-insensitively); every visitor when there is no term.
    pub async fn search_visitors(
        &mut self,
        term: Option<&str>,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<Visitor>, i64)> {
        let mut listing = Listing::of("visitors");
        if let Some(term) = term {
            let exact = listing.text(term);
            let pattern = listing.text(&contains_pattern(&term.to_lowercase()));
            listing.when(format!(
                "(email = {exact} OR phone = {exact} OR name_lower LIKE {pattern} ESCAPE '\\' \
                 OR username_lower LIKE {pattern} ESCAPE '\\')"
            ));
        }
        let (docs, total) = listing.page(self, order, offset, count).await?;
        Ok((parse_docs(docs)?, total))
    }

    /// Sessions of visitors on the site now (`online` or `away`, or just `status`).
    pub async fn present_sessions(
        &mut self,
        status: Option<&str>,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<VisitorSession>, i64)> {
        let mut listing = Listing::of("visitor_sessions");
        let statuses: Vec<String> = match status {
            Some(status) => vec![status.to_string()],
            None => PRESENT_STATUSES.iter().map(|s| s.to_string()).collect(),
        };
        let placeholders = listing.texts(&statuses);
        listing.when(format!("status IN ({placeholders})"));
        let (docs, total) = listing.page(self, order, offset, count).await?;
        Ok((parse_docs(docs)?, total))
    }
}
