//! Visitor messages: send, read, edit, delete, and the room history (reference §2.10–2.12, §4.5).

use serde_json::json;

use super::lead_capture;
use super::published::News;
use super::rooms::{visitor_room_for_update, visitors_room};
use super::settings::Settings;
use super::uploads::FileParts;
use super::validate::{self, limits};
use super::webhook_events::{queue_room_event_of, RoomEvent};
use super::{actor, author, is_last_message, Livechat};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::{Inquiry, InquiryStatus, Message, Room, Visitor, VisitorMetrics};
use crate::store::{HistoryQuery, Inserted};
use crate::time::Timestamp;

const DEFAULT_HISTORY_LIMIT: i64 = 20;
/// The widget asks for `shown + 10` messages as the visitor scrolls back; beyond this a
/// client should page with `end`.
const MAX_HISTORY_LIMIT: i64 = 1000;

/// `GET livechat/messages.history/:rid` parameters after parsing.
#[derive(Debug, Default)]
pub struct HistoryParams {
    /// "Last seen": messages newer than this and older than the page are counted as unread.
    pub last_seen: Option<Timestamp>,
    /// Only messages strictly older than this.
    pub end: Option<Timestamp>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

pub struct History {
    pub messages: Vec<Message>,
    pub first_unread: Option<Message>,
    pub unread_not_loaded: i64,
    pub offset: i64,
    pub total: i64,
}

/// Checks a message text against the size settings.
pub(super) fn check_text(settings: &Settings, msg: &str) -> ApiResult<()> {
    if msg.trim().is_empty() {
        return Err(ApiError::invalid("'msg' must not be empty"));
    }
    let length = msg.chars().count() as i64;
    let max_size = settings.int("Message_MaxAllowedSize");
    if max_size > 0 && length > max_size {
        return Err(ApiError::meteor(
            "error-message-size-exceeded",
            format!("Message size exceeds the allowed {max_size} characters"),
        ));
    }
    let character_limit = settings.int("Livechat_message_character_limit");
    if settings.bool("Livechat_enable_message_character_limit")
        && character_limit > 0
        && length > character_limit
    {
        return Err(ApiError::Code("message-length-exceeds-character-limit"));
    }
    Ok(())
}

impl Livechat {
    /// `POST livechat/message`. A client `_id` makes the call idempotent: sending the same
    /// `_id` again returns the stored message instead of storing a second one.
    pub async fn send_visitor_message(
        &self,
        token: &str,
        rid: &str,
        msg: &str,
        client_id: Option<&str>,
    ) -> ApiResult<Message> {
        validate::required("token", Some(token), limits::TOKEN)?;
        validate::required("rid", Some(rid), limits::ID)?;
        check_text(&self.settings(), msg)?;
        self.store_visitor_message(token, rid, msg, client_id, None)
            .await
    }

    /// Stores a visitor's message, text or (with `file`) an uploaded file's, through the
    /// one path every visitor message takes (counters, last message, inquiry, realtime).
    pub(super) async fn store_visitor_message(
        &self,
        token: &str,
        rid: &str,
        msg: &str,
        client_id: Option<&str>,
        file: Option<FileParts>,
    ) -> ApiResult<Message> {
        validate::required("token", Some(token), limits::TOKEN)?;
        validate::required("rid", Some(rid), limits::ID)?;
        if let Some(id) = client_id {
            if !ids::is_acceptable_client_id(id) {
                return Err(ApiError::invalid(
                    "'_id' must be 1-64 letters, digits, '-', '_' or '.'",
                ));
            }
        }
        let id = client_id.map_or_else(ids::random_id, str::to_string);
        let settings = self.settings();
        let (token, rid, msg) = (token.to_string(), rid.to_string(), msg.to_string());
        let stored = self
            .store()
            .write(move |exec| {
                Box::pin(async move {
                    // The visitor is locked first (the lock order of every visitor write): lead
                    // capture may add to it.
                    let visitor = exec.visitor_for_update(&token).await?;
                    let room = exec.room_for_update(&rid).await?;
                    let (mut message, mut room, mut visitor) =
                        accept(visitor, room, id, &token, &msg)?;
                    if let Some(file) = &file {
                        file.apply(&mut message);
                    }
                    if exec.insert_message_row(&message).await? == Inserted::Duplicate {
                        return Ok(Stored::Duplicate(message));
                    }
                    record_visitor_message(&mut room, &message);
                    exec.save_room_activity_row(&room).await?;
                    let mut news = News::default();
                    news.new_message(&room, &message)?;
                    news.room_changed("updated", &room)?;
                    // The inquiry's last message is the queue's preview of a waiting chat; a
                    // served chat is in no queue (returning it to the queue copies the room's).
                    if room.served_by.is_none() {
                        if let Some(mut inquiry) = exec.inquiry_by_room(&rid).await? {
                            touch_inquiry(&mut inquiry, &message);
                            exec.save_inquiry_doc_row(&inquiry).await?;
                            if inquiry.status == InquiryStatus::Queued {
                                news.inquiry_changed("changed", &inquiry)?;
                            }
                        }
                    }
                    news.record(exec).await?;
                    let event = RoomEvent::Message(&message);
                    queue_room_event_of(exec, &settings, &room, Some(&visitor), event).await?;
                    if let Some(lead) = lead_capture::found(&settings, &message.msg) {
                        if lead_capture::add_to_visitor(&mut visitor, &lead, message.ts) {
                            exec.save_visitor(&visitor).await?;
                        }
                        let event = RoomEvent::LeadCapture;
                        queue_room_event_of(exec, &settings, &room, Some(&visitor), event).await?;
                    }
                    Ok::<_, ApiError>(Stored::New(message))
                })
            })
            .await?;
        match stored {
            Stored::New(message) => Ok(message),
            Stored::Duplicate(attempt) => self.resend(&attempt).await,
        }
    }

    /// A message `_id` was sent twice: the same visitor retrying gets its stored message.
    async fn resend(&self, attempt: &Message) -> ApiResult<Message> {
        let stored = self
            .store()
            .read()
            .await?
            .exec()
            .message_by_id(&attempt.id)
            .await?;
        match stored {
            Some(stored) if stored.rid == attempt.rid && stored.token == attempt.token => {
                Ok(stored)
            }
            _ => Err(ApiError::meteor(
                "error-duplicate-message-id",
                "A message with this _id already exists",
            )),
        }
    }

    /// `GET livechat/message/:_id`.
    pub async fn visitor_message(&self, id: &str, token: &str, rid: &str) -> ApiResult<Message> {
        validate::required("token", Some(token), limits::TOKEN)?;
        validate::required("rid", Some(rid), limits::ID)?;
        let mut tx = self.store().begin().await?;
        let (_, _, message) = own_message(&mut tx, id, token, rid).await?;
        Ok(message)
    }

    /// `PUT livechat/message/:_id`: the visitor edits one of its messages.
    pub async fn edit_visitor_message(
        &self,
        id: &str,
        token: &str,
        rid: &str,
        msg: &str,
    ) -> ApiResult<Message> {
        validate::required("token", Some(token), limits::TOKEN)?;
        validate::required("rid", Some(rid), limits::ID)?;
        let settings = self.settings();
        check_text(&settings, msg)?;
        let mut tx = self.store().begin().await?;
        let (visitor, mut room, mut message) = own_message(&mut tx, id, token, rid).await?;
        if !settings.bool("Message_AllowEditing") || !is_own_text(&message, &visitor) {
            return Err(ApiError::meteor(
                "error-action-not-allowed",
                "Message editing not allowed",
            ));
        }
        let now = Timestamp::now();
        message.msg = msg.to_string();
        message.edited_at = Some(now);
        message.edited_by = Some(actor(&visitor));
        message.updated_at = now;
        tx.exec().save_message(&message).await?;
        if is_last_message(&room.last_message, id) {
            room.last_message = Some(Box::new(message.clone()));
            room.updated_at = now;
            tx.exec().save_room(&room).await?;
        }
        tx.commit().await?;
        Ok(message)
    }

    /// `DELETE livechat/message/:_id`: the visitor deletes one of its messages.
    pub async fn delete_visitor_message(
        &self,
        id: &str,
        token: &str,
        rid: &str,
    ) -> ApiResult<serde_json::Value> {
        validate::required("token", Some(token), limits::TOKEN)?;
        validate::required("rid", Some(rid), limits::ID)?;
        let settings = self.settings();
        let mut tx = self.store().begin().await?;
        let (visitor, mut room, message) = own_message(&mut tx, id, token, rid).await?;
        if !settings.bool("Message_AllowDeleting") || !is_own_text(&message, &visitor) {
            return Err(ApiError::meteor(
                "error-action-not-allowed",
                "Message deleting not allowed",
            ));
        }
        tx.exec().delete_message(&message).await?;
        let now = Timestamp::now();
        if is_last_message(&room.last_message, id) {
            room.last_message = None;
            room.updated_at = now;
            tx.exec().save_room(&room).await?;
        }
        tx.commit().await?;
        Ok(json!({ "_id": id, "ts": now }))
    }

    /// `GET livechat/messages.history/:rid`: visible messages, newest first.
    pub async fn history(
        &self,
        rid: &str,
        token: &str,
        params: HistoryParams,
    ) -> ApiResult<History> {
        validate::required("token", Some(token), limits::TOKEN)?;
        let limit = params
            .limit
            .unwrap_or(DEFAULT_HISTORY_LIMIT)
            .clamp(1, MAX_HISTORY_LIMIT);
        let offset = params.offset.unwrap_or(0).max(0);
        let mut conn = self.store().read().await?;
        let mut exec = conn.exec();
        exec.visitor_by_token(token)
            .await?
            .ok_or(ApiError::Code("invalid-token"))?;
        match exec.room_by_id(rid).await? {
            Some(room) if room.v.token == token => {}
            _ => return Err(ApiError::Code("invalid-room")),
        }
        let before = params.end.map(Timestamp::millis);
        let messages = exec
            .room_history(&HistoryQuery {
                rid,
                before,
                offset,
                limit,
            })
            .await?;
        let total = exec.count_room_history(rid, before).await?;
        let (first_unread, unread_not_loaded) = match (params.last_seen, messages.last()) {
            (Some(seen), Some(oldest)) if oldest.ts > seen => {
                exec.unread_between(rid, seen.millis(), oldest.ts.millis())
                    .await?
            }
            _ => (None, 0),
        };
        Ok(History {
            messages,
            first_unread,
            unread_not_loaded,
            offset,
            total,
        })
    }
}

/// Whether the visitor wrote this message itself: system messages (`livechat-started`,
/// `livechat-close`…) name the visitor as author too, but are the server's record, not its text.
fn is_own_text(message: &Message, visitor: &Visitor) -> bool {
    message.t.is_none()
        && message.u.id == visitor.id
        && message.token.as_deref() == Some(visitor.token.as_str())
}

fn visitor_message(visitor: &Visitor, id: String, rid: &str, msg: &str, now: Timestamp) -> Message {
    let mut message = Message::new(
        id,
        Some(rid.to_string()),
        msg.to_string(),
        author(visitor),
        now,
    );
    message.token = Some(visitor.token.clone());
    message.alias = Some(visitor.display_name().to_string());
    message.mentions = Some(Vec::new());
    message.channels = Some(Vec::new());
    message
}

/// The outcome of storing a visitor message.
enum Stored {
    New(Message),
    /// Its `_id` exists: nothing was written.
    Duplicate(Message),
}

/// Checks that the token and the room allow the visitor to write, and builds its message.
fn accept(
    visitor: Option<Visitor>,
    room: Option<Room>,
    id: String,
    token: &str,
    msg: &str,
) -> ApiResult<(Message, Room, Visitor)> {
    let visitor = visitor.ok_or(ApiError::Code("invalid-token"))?;
    let room = visitors_room(room, token)?;
    if !room.is_open() {
        return Err(ApiError::Code("room-closed"));
    }
    let message = visitor_message(&visitor, id, &room.id, msg, Timestamp::now());
    Ok((message, room, visitor))
}

/// A waiting room's inquiry shows its last message in the queue.
fn touch_inquiry(inquiry: &mut Inquiry, message: &Message) {
    inquiry.last_message = Some(Box::new(message.clone()));
    inquiry.updated_at = message.ts;
}

/// A visitor message's effect on its room (reference §4.5): counters, last message, and the
/// marks that the visitor is waiting for an answer.
fn record_visitor_message(room: &mut Room, message: &Message) {
    room.msgs += 1;
    room.lm = message.ts;
    room.last_message = Some(Box::new(message.clone()));
    room.v.last_message_ts = Some(message.ts);
    room.waiting_response.get_or_insert(true);
    room.updated_at = message.ts;
    // `metrics.v.lq` is the visitor question the agent has yet to answer: the first visitor
    // message after the agent's last reply (`metrics.servedBy.lr`).
    let last_query = room.metrics.v.as_ref().map_or(room.ts, |v| v.lq);
    let last_reply = room.metrics.served_by.as_ref().map_or(room.ts, |s| s.lr);
    if last_reply >= last_query {
        room.metrics.v = Some(VisitorMetrics { lq: message.ts });
    }
}

/// The message `id` of room `rid`, where the room belongs to visitor `token`.
async fn own_message(
    tx: &mut crate::store::Tx,
    id: &str,
    token: &str,
    rid: &str,
) -> ApiResult<(Visitor, Room, Message)> {
    let visitor = tx
        .exec()
        .visitor_by_token(token)
        .await?
        .ok_or(ApiError::Code("invalid-token"))?;
    let room = visitor_room_for_update(&mut tx.exec(), rid, token).await?;
    match tx.exec().message_by_id(id).await? {
        Some(message) if message.rid.as_deref() == Some(rid) => Ok((visitor, room, message)),
        _ => Err(ApiError::Code("invalid-message")),
    }
}
