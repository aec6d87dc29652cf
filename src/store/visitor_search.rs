//! Visitor listings for agents: `visitors.search` and the live-visitors view.

use super::error::StoreResult;
use super::listing::{contains_pattern, Direction, Listing, OrderBy, SortColumn};
use super::{parse_docs, Exec};
use crate::model::{Visitor, VisitorSession};

/// The visitors a plain agent may see: those of no department, of one of its departments, or
/// whose open chat it serves (a chat transferred to it from another department). The condition
/// on the `visitors` table, with the agent's id bound in `listing`.
fn visible_to_agent(listing: &mut Listing, agent_id: &str) -> String {
    let agent = listing.text(agent_id);
    format!(
        "(department IS NULL \
         OR department IN (SELECT department_id FROM department_agents WHERE agent_id = {agent}) \
         OR id IN (SELECT visitor_id FROM rooms WHERE served_by = {agent} AND open))"
    )
}

/// Autocomplete suggestions come by name, as Rocket.Chat sorts them (`{name: 1}`).
const AUTOCOMPLETE_ORDER: [SortColumn; 1] = [SortColumn {
    column: "name_lower",
    direction: Direction::Asc,
    nullable: false,
}];

/// Session statuses of a visitor who is on the site now.
pub const PRESENT_STATUSES: [&str; 2] = ["online", "away"];

impl Exec<'_> {
    /// Visitors whose e-mail or phone is exactly `term`, or whose name or username contains it
    /// (case-insensitively); every visitor when there is no term. With `agent_id`, only the
    /// visitors that plain agent may see.
    pub async fn search_visitors(
        &mut self,
        agent_id: Option<&str>,
        term: Option<&str>,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<Visitor>, i64)> {
        let mut listing = Listing::of("visitors");
        if let Some(agent_id) = agent_id {
            let visible = visible_to_agent(&mut listing, agent_id);
            listing.when(visible);
        }
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

    /// `visitors.autocomplete`: at most `limit` visitors whose name contains `term` (any case;
    /// visitors without a name never match, as Rocket.Chat's regex on `name`), none of
    /// `exceptions`, by name. With `agent_id`, only the visitors that plain agent may see.
    pub async fn autocomplete_visitors(
        &mut self,
        agent_id: Option<&str>,
        term: &str,
        exceptions: &[String],
        limit: i64,
    ) -> StoreResult<Vec<Visitor>> {
        let mut listing = Listing::of("visitors");
        if let Some(agent_id) = agent_id {
            let visible = visible_to_agent(&mut listing, agent_id);
            listing.when(visible);
        }
        let pattern = listing.text(&contains_pattern(&term.to_lowercase()));
        listing.when(format!("name_lower LIKE {pattern} ESCAPE '\\'"));
        if !exceptions.is_empty() {
            let ids = listing.texts(exceptions);
            listing.when(format!("id NOT IN ({ids})"));
        }
        let order = OrderBy::new(&AUTOCOMPLETE_ORDER, "id");
        let (docs, _) = listing.page(self, &order, 0, limit).await?;
        parse_docs(docs)
    }

    /// Sessions of visitors on the site now (`online` or `away`, or just `status`). With
    /// `agent_id`, only those of visitors that plain agent may see; with `visitor_id`, only
    /// that visitor's.
    pub async fn present_sessions(
        &mut self,
        agent_id: Option<&str>,
        visitor_id: Option<&str>,
        status: Option<&str>,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<VisitorSession>, i64)> {
        let mut listing = Listing::of("visitor_sessions");
        let statuses: Vec<String> = match status {
            Some(status) => vec![status.to_string()],
            None => PRESENT_STATUSES.iter().map(|s| s.to_string()).collect(),
        };
        let placeholders = listing.texts(&statuses);
        listing.when(format!("status IN ({placeholders})"));
        if let Some(agent_id) = agent_id {
            let visible = visible_to_agent(&mut listing, agent_id);
            listing.when(format!(
                "token IN (SELECT token FROM visitors WHERE {visible})"
            ));
        }
        if let Some(visitor_id) = visitor_id {
            let id = listing.text(visitor_id);
            listing.when(format!(
                "token IN (SELECT token FROM visitors WHERE id = {id})"
            ));
        }
        let (docs, total) = listing.page(self, order, offset, count).await?;
        Ok((parse_docs(docs)?, total))
    }
}
