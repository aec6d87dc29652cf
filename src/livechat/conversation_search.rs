//! `GET livechat/rooms.search` (our own route; Rocket.Chat has none): the agent console's
//! conversation search. A room is found by its visitor's name, username or e-mail (substring,
//! any case) or by the words of its visible messages (full-text, each word a prefix, case and
//! accents ignored), and only among the rooms the caller may read, as
//! [`super::access::can_read_room`] decides for one room. The rule is applied in the query
//! itself, so the page and `total` count only readable rooms.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::room_search::{rooms_as_listed, Page, ROOM_SORTING};
use super::validate::{self, limits};
use super::Livechat;
use crate::accounts::permissions::permission::{VIEW_LIVECHAT_ROOMS, VIEW_L_ROOM};
use crate::error::{ApiError, ApiResult};
use crate::model::{Message, User};
use crate::store::{search_words, ConversationSearch};

impl Livechat {
    /// The rooms `user` may read that match `text`, newest first, each with `matches`: up to
    /// three of its messages that match, newest first (none when only the visitor matched).
    pub async fn search_conversations(
        &self,
        user: &User,
        text: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Value>> {
        let text = validate::optional("text", text, limits::NAME)?
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::invalid("The 'text' param is required"))?;
        if !self.permissions().has(&user.roles, VIEW_L_ROOM) {
            return Err(ApiError::Forbidden);
        }
        let agent_id = if self.permissions().has(&user.roles, VIEW_LIVECHAT_ROOMS) {
            None
        } else {
            Some(user.id.clone())
        };
        let search = ConversationSearch {
            agent_id,
            text: text.to_string(),
            words: search_words(text),
        };
        let order = ROOM_SORTING.order_by(None)?;
        let mut conn = self.store().read().await?;
        let (rooms, total) = conn
            .exec()
            .search_conversations(&search, &order, offset, count)
            .await?;
        let rids: Vec<String> = rooms.iter().map(|r| r.id.clone()).collect();
        let mut matches: HashMap<String, Vec<Value>> = HashMap::new();
        for message in conn.exec().matching_messages(&rids, &search.words).await? {
            if let Some(rid) = &message.rid {
                matches
                    .entry(rid.clone())
                    .or_default()
                    .push(match_summary(&message));
            }
        }
        let mut items = rooms_as_listed(&mut conn.exec(), rooms).await?;
        for item in &mut items {
            let found = item["_id"]
                .as_str()
                .and_then(|rid| matches.remove(rid))
                .unwrap_or_default();
            if let Value::Object(fields) = item {
                fields.insert("matches".into(), Value::Array(found));
            }
        }
        Ok(Page { items, total })
    }
}

/// What the console shows of a matching message: enough to render a result line and to open
/// the conversation at it.
fn match_summary(message: &Message) -> Value {
    json!({
        "_id": message.id,
        "msg": message.msg,
        "ts": message.ts,
        "u": message.u,
    })
}
