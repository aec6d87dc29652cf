//! Room listings for agents and managers: `livechat/rooms` and a visitor's chat history.

use super::conversation_search::{has_matching_message, search_words};
use super::error::StoreResult;
use super::listing::{contains_pattern, Listing, OrderBy};
use super::{dispatch, parse_docs, Exec};
use crate::model::{Department, Room};

/// Epoch-millisecond bounds, both inclusive.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeRange {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

/// What `livechat/rooms` filters by; every part is optional and they combine with AND.
#[derive(Debug, Default)]
pub struct RoomFilter {
    /// Served by one of these agents, named by id or username.
    pub agents: Vec<String>,
    pub departments: Vec<String>,
    pub open: Option<bool>,
    pub created: TimeRange,
    pub closed: TimeRange,
    /// A substring of the room's name (`fname`), compared case-insensitively.
    pub name: Option<String>,
    pub visitor_id: Option<String>,
    /// Only rooms an agent has taken (`servedBy` set).
    pub served_only: bool,
    /// Words that one of the room's visible messages must all contain, each as the start of a
    /// word, in any case and with or without accents (the full-text index, see
    /// `conversation_search.rs`).
    pub message_text: Option<String>,
    /// Closed with (or carrying) any of these tags.
    pub tags: Vec<String>,
    /// Only chats waiting in the queue: open, and no agent yet (Rocket.Chat 7's `queued`).
    pub queued_only: bool,
    /// Only chats on hold (`onhold`). Nothing is ever on hold here (Rocket.Chat's on-hold is
    /// an Enterprise feature this server has not), so this filter finds no room.
    pub on_hold_only: bool,
    /// `livechatData.<id>` contains the text, in any case (every pair must match).
    pub custom_fields: Vec<(String, String)>,
}

impl RoomFilter {
    fn listing(&self, exec: &Exec<'_>) -> Listing {
        let mut listing = Listing::of("rooms");
        if !self.agents.is_empty() {
            let ids = listing.texts(&self.agents);
            let names = listing.texts(&self.agents);
            listing.when(format!(
                "(served_by IN ({ids}) OR served_by IN (SELECT id FROM users WHERE username IN ({names})))"
            ));
        }
        if !self.departments.is_empty() {
            let ids = listing.texts(&self.departments);
            listing.when(format!("department_id IN ({ids})"));
        }
        match self.open {
            Some(true) => listing.when("open".into()),
            Some(false) => listing.when("NOT open".into()),
            None => {}
        }
        within(&mut listing, "ts", self.created);
        within(&mut listing, "closed_at", self.closed);
        if let Some(name) = &self.name {
            let pattern = listing.text(&contains_pattern(&name.to_lowercase()));
            listing.when(format!("fname_lower LIKE {pattern} ESCAPE '\\'"));
        }
        if let Some(visitor) = &self.visitor_id {
            let id = listing.text(visitor);
            listing.when(format!("visitor_id = {id}"));
        }
        if self.served_only {
            listing.when("served_by IS NOT NULL".into());
        }
        if !self.tags.is_empty() {
            let tags = listing.texts(&self.tags);
            listing.when(has_any_tag(exec, &tags));
        }
        for (key, text) in &self.custom_fields {
            let pattern = listing.text(&contains_pattern(&text.to_lowercase()));
            let value = match exec {
                Exec::Sqlite(_) | Exec::Batch(_) => {
                    let path = listing.text(&format!("$.livechatData.\"{key}\""));
                    format!("json_extract(rooms.doc, {path})")
                }
                Exec::Postgres(_) => {
                    let key = listing.text(key);
                    format!("(rooms.doc::jsonb -> 'livechatData' ->> {key})")
                }
            };
            listing.when(format!("LOWER({value}) LIKE {pattern} ESCAPE '\\'"));
        }
        if self.queued_only {
            listing.when("(open AND served_by IS NULL)".into());
        }
        if self.on_hold_only {
            listing.when("1 = 0".into());
        }
        if let Some(text) = &self.message_text {
            let matching = has_matching_message(exec, &mut listing, &search_words(text));
            listing.when(matching);
        }
        listing
    }
}

/// The room's `tags` (in its document) hold one of `tags` (bound placeholders).
fn has_any_tag(exec: &Exec<'_>, tags: &str) -> String {
    match exec {
        Exec::Sqlite(_) | Exec::Batch(_) => format!(
            "EXISTS (SELECT 1 FROM json_each(rooms.doc, '$.tags') AS t WHERE t.value IN ({tags}))"
        ),
        Exec::Postgres(_) => format!(
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(\
             COALESCE(rooms.doc::jsonb -> 'tags', '[]'::jsonb)) AS t(tag) WHERE t.tag IN ({tags}))"
        ),
    }
}

fn within(listing: &mut Listing, column: &'static str, range: TimeRange) {
    if let Some(start) = range.start {
        let start = listing.int(start);
        listing.when(format!("{column} >= {start}"));
    }
    if let Some(end) = range.end {
        let end = listing.int(end);
        listing.when(format!("{column} <= {end}"));
    }
}

impl Exec<'_> {
    /// A page of the rooms matching `filter`, and how many match in all.
    pub async fn search_rooms(
        &mut self,
        filter: &RoomFilter,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<Room>, i64)> {
        let (docs, total) = filter
            .listing(self)
            .page(self, order, offset, count)
            .await?;
        Ok((parse_docs(docs)?, total))
    }

    /// The departments with these ids (unknown ids are skipped).
    pub async fn departments_by_ids(&mut self, ids: &[String]) -> StoreResult<Vec<Department>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT doc FROM departments WHERE id IN ({})",
            placeholders.join(", ")
        );
        let docs: Vec<String> = dispatch!(self, c => {
            let mut query = sqlx::query_scalar(&sql);
            for id in ids {
                query = query.bind(id);
            }
            query.fetch_all(&mut **c).await?
        });
        parse_docs(docs)
    }
}

impl Exec<'_> {
    /// `livechat/queue`: how many open chats each agent serves, per department (`None`: no
    /// department), optionally of one department only.
    pub async fn served_chat_counts(
        &mut self,
        department: Option<&str>,
    ) -> StoreResult<Vec<(String, Option<String>, i64)>> {
        let sql = "SELECT served_by, department_id, COUNT(*) FROM rooms \
                   WHERE open AND served_by IS NOT NULL \
                   AND (CAST($1 AS TEXT) IS NULL OR department_id = $1) \
                   GROUP BY served_by, department_id";
        let rows: Vec<(String, Option<String>, i64)> = dispatch!(self, c => {
            sqlx::query_as(sql).bind(department).fetch_all(&mut **c).await?
        });
        Ok(rows)
    }
}
