//! Navigation history (`POST livechat/page.visited`, reference §2.5): the pages a visitor views,
//! kept as hidden `livechat_navigation_history` messages in its room, or, before it has one,
//! under its token until its first room claims them (or they expire).

use serde::Deserialize;
use serde_json::{json, Value};

use super::validate::{self, limits};
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::input::object;
use crate::model::{CurrentPage, Message, UserRef, ROCKET_CAT};
use crate::time::Timestamp;

/// How long navigation recorded before a room exists is kept (Rocket.Chat: 30 days).
const ORPHAN_NAVIGATION_RETENTION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

#[derive(Debug, Deserialize)]
pub struct PageInfo {
    pub change: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "object")]
    pub location: Option<PageLocation>,
}

#[derive(Debug, Deserialize)]
pub struct PageLocation {
    pub href: Option<String>,
}

impl Livechat {
    /// Records a page view; `None` when the change kind is not the one being monitored.
    pub async fn record_page_visit(
        &self,
        token: &str,
        rid: Option<&str>,
        page: &PageInfo,
    ) -> ApiResult<Option<Value>> {
        validate::required("token", Some(token), limits::TOKEN)?;
        let change = validate::required("pageInfo.change", page.change.as_deref(), limits::STATUS)?;
        let title = validate::optional("pageInfo.title", page.title.as_deref(), limits::TITLE)?
            .unwrap_or("");
        let href = page.location.as_ref().and_then(|l| l.href.as_deref());
        let href = validate::required("pageInfo.location.href", href, limits::URL)?;
        let rid = validate::optional("rid", rid, limits::ID)?.filter(|r| !r.is_empty());

        let settings = self.settings();
        if change != settings.str("Livechat_history_monitor_type") {
            return Ok(None);
        }
        let now = Timestamp::now();
        let navigation = json!({
            "page": { "change": change, "title": title, "location": { "href": href } },
            "token": token,
        });
        let text = format!("{title} - {href}");
        let bot = UserRef {
            id: ROCKET_CAT.into(),
            username: ROCKET_CAT.into(),
            name: None,
        };
        let mut message = Message::new(
            ids::random_id(),
            rid.map(str::to_string),
            text.clone(),
            bot,
            now,
        );
        message.t = Some("livechat_navigation_history".into());
        message.groupable = Some(false);
        message.navigation = Some(navigation.clone());
        if !settings.bool("Livechat_Visitor_navigation_as_a_message") {
            message.hidden = Some(true);
        }
        if rid.is_none() {
            message.expire_at = Some(now.plus_millis(ORPHAN_NAVIGATION_RETENTION_MS));
        }
        let (token, rid) = (token.to_string(), rid.map(str::to_string));
        let current_page = CurrentPage {
            title: title.to_string(),
            url: href.to_string(),
            ts: now,
        };
        self.store()
            .write(move |exec| {
                Box::pin(async move {
                    if let Some(rid) = &rid {
                        match exec.room_by_id(rid).await? {
                            Some(room) if room.v.token == token => {}
                            _ => return Err(ApiError::Code("invalid-room")),
                        }
                    }
                    exec.insert_message(&message).await?;
                    // The live-visitors view shows where the visitor is now, chat or no chat. A
                    // visitor without a session (not registered yet) gets none here: sessions
                    // come from the tracker.
                    if let Some(mut session) = exec.session_for_update(&token).await? {
                        session.current_page = Some(current_page);
                        session.updated_at = now;
                        exec.save_session(&session).await?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(Some(json!({ "msg": text, "navigation": navigation })))
    }
}
