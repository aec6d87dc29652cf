//! Full-text search over conversations (`livechat/rooms.search`, and `visitors.searchChats`'
//! `searchText`): rooms whose visitor's name or e-mail contains a text, or with a visible
//! message holding every word of it.
//!
//! The message index is the database's own (migrations `0009_message_search.sql`): an FTS5
//! table kept by triggers on SQLite, a GIN expression index on PostgreSQL. The two are queried
//! in different SQL, so this is the one place where the text differs per backend; each query is
//! still written once per backend and run through [`dispatch!`].
//!
//! The user's text never reaches either full-text query language as syntax: it is cut into
//! words of letters and digits ([`search_words`]), and each word is quoted, so `"`, `*`, `:`,
//! `&`, `|`, `!`, `(` or `NEAR` can only ever be searched for, never interpreted.

use super::error::StoreResult;
use super::listing::{contains_pattern, Listing, OrderBy};
use super::{dispatch, parse_docs, Exec};
use crate::model::{Message, Room};

/// How many matching messages are shown per room.
pub const MATCHES_PER_ROOM: i64 = 3;

/// The words of a search text as both indexes see them: runs of letters and digits, everything
/// else a separator. Each must prefix a word of a message for that message to match.
pub fn search_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() && !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
    }
    words
}

/// The full-text SQL of one backend.
#[derive(Clone, Copy)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    fn of(exec: &Exec<'_>) -> Self {
        match exec {
            Exec::Sqlite(_) | Exec::Batch(_) => Dialect::Sqlite,
            Exec::Postgres(_) => Dialect::Postgres,
        }
    }

    /// `words` as this backend's full-text query: every word, each a prefix, each quoted.
    /// Words hold only letters and digits, so the escaping below is belt and braces.
    fn query(self, words: &[String]) -> String {
        match self {
            // FTS5: `"word"*`, implicitly ANDed; a `"` inside a string is doubled.
            Dialect::Sqlite => words
                .iter()
                .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" "),
            // tsquery: `'word':*` joined by `&`; a `'` is doubled, a `\` escaped.
            Dialect::Postgres => words
                .iter()
                .map(|w| format!("'{}':*", w.replace('\\', "\\\\").replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(" & "),
        }
    }

    /// `FROM … WHERE …` selecting messages `m` that are indexed and match the query bound at
    /// `query`. On PostgreSQL the expression and the partial-index condition are the index's
    /// own, word for word, or the planner would not use it.
    fn matching_messages(self, query: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "message_search JOIN messages m ON m.seq = message_search.rowid \
                 WHERE message_search MATCH {query}"
            ),
            Dialect::Postgres => format!(
                "messages m WHERE m.t IS NULL AND NOT m.hidden \
                 AND to_tsvector('livechat_search', m.doc::json ->> 'msg') \
                 @@ to_tsquery('livechat_search', {query})"
            ),
        }
    }
}

/// The condition on `rooms` "one of its visible messages matches every word"; nothing matches
/// when there are no words (a text of punctuation only).
pub(super) fn has_matching_message(
    exec: &Exec<'_>,
    listing: &mut Listing,
    words: &[String],
) -> String {
    if words.is_empty() {
        return "1 = 0".into();
    }
    let dialect = Dialect::of(exec);
    let query = listing.text(&dialect.query(words));
    format!(
        "id IN (SELECT m.rid FROM {})",
        dialect.matching_messages(&query)
    )
}

/// What `livechat/rooms.search` looks for, and in which rooms.
#[derive(Debug)]
pub struct ConversationSearch {
    /// `None`: every room (managers). `Some(agent)`: the rooms that plain agent may read.
    pub agent_id: Option<String>,
    /// Compared as a case-insensitive substring of the visitor's name, username and e-mail.
    pub text: String,
    /// Matched against message text ([`search_words`] of `text`).
    pub words: Vec<String>,
}

impl ConversationSearch {
    fn listing(&self, exec: &Exec<'_>) -> Listing {
        let mut listing = Listing::of("rooms");
        if let Some(agent) = &self.agent_id {
            // `can_read_room` as SQL: rooms it serves or served, and open chats queued for its
            // departments or for none.
            let agent = listing.text(agent);
            listing.when(format!(
                "(served_by = {agent} OR (open AND id IN (SELECT rid FROM inquiries \
                 WHERE status = 'queued' AND (department IS NULL OR department IN \
                 (SELECT department_id FROM department_agents WHERE agent_id = {agent})))))"
            ));
        }
        let pattern = listing.text(&contains_pattern(&self.text.to_lowercase()));
        let like = |column: &str| format!("{column} LIKE {pattern} ESCAPE '\\'");
        let by_visitor = format!(
            "{} OR visitor_id IN (SELECT id FROM visitors WHERE {} OR {} OR {})",
            like("fname_lower"),
            like("name_lower"),
            like("username_lower"),
            like("LOWER(email)"),
        );
        let by_message = has_matching_message(exec, &mut listing, &self.words);
        listing.when(format!("({by_visitor} OR {by_message})"));
        listing
    }
}

impl Exec<'_> {
    /// A page of the rooms `search` finds, and how many it finds in all.
    pub async fn search_conversations(
        &mut self,
        search: &ConversationSearch,
        order: &OrderBy,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<Room>, i64)> {
        let (docs, total) = search
            .listing(self)
            .page(self, order, offset, count)
            .await?;
        Ok((parse_docs(docs)?, total))
    }

    /// Up to [`MATCHES_PER_ROOM`] messages of each room of `rids` that match every word,
    /// newest first within a room.
    pub async fn matching_messages(
        &mut self,
        rids: &[String],
        words: &[String],
    ) -> StoreResult<Vec<Message>> {
        if rids.is_empty() || words.is_empty() {
            return Ok(Vec::new());
        }
        let dialect = Dialect::of(self);
        let rid_placeholders: Vec<String> = (2..rids.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT doc FROM (SELECT m.doc, m.rid, m.ts, m.seq, ROW_NUMBER() OVER \
             (PARTITION BY m.rid ORDER BY m.ts DESC, m.seq DESC) AS n \
             FROM {} AND m.rid IN ({})) ranked WHERE n <= {MATCHES_PER_ROOM} \
             ORDER BY rid, ts DESC, seq DESC",
            dialect.matching_messages("$1"),
            rid_placeholders.join(", ")
        );
        let query_text = dialect.query(words);
        let docs: Vec<String> = dispatch!(self, c => {
            let mut query = sqlx::query_scalar(&sql).bind(&query_text);
            for rid in rids {
                query = query.bind(rid);
            }
            query.fetch_all(&mut **c).await?
        });
        parse_docs(docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_letters_and_digits_only() {
        assert_eq!(
            search_words(r#"  "café"* NEAR(a:b) x|y & !z 'q' café "#),
            ["café", "NEAR", "a", "b", "x", "y", "z", "q"]
        );
        assert!(search_words("%*\"()'").is_empty());
    }

    #[test]
    fn each_word_is_a_quoted_prefix() {
        let words = vec!["ab".to_string(), "c".to_string()];
        assert_eq!(Dialect::Sqlite.query(&words), r#""ab"* "c"*"#);
        assert_eq!(Dialect::Postgres.query(&words), "'ab':* & 'c':*");
    }
}
