//! The agent's side of a conversation: replying (`chat.sendMessage`) and closing
//! (`room.closeByUser`), with the response-time effects on the room (reference §3.9, §3.15, §4.5).

use serde_json::json;

use super::published::News;
use super::rooms::{close_room, Closer};
use super::webhook_events::{queue_room_event, RoomEvent};
use super::Livechat;
use crate::accounts::permission_table::Permissions;
use crate::accounts::permissions::permission::{CLOSE_OTHERS_LIVECHAT_ROOM, VIEW_LIVECHAT_ROOMS};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::{AgentMetrics, Message, Room, User, UserRef};
use crate::store::Inserted;
use crate::time::Timestamp;

/// An agent may act in a room it serves; managers and administrators in any.
pub(super) fn may_act_in(
    permissions: &Permissions,
    user: &User,
    room: &Room,
    others_permission: &str,
) -> bool {
    serves(room, user) || permissions.has(&user.roles, others_permission)
}

/// Whether `user` is the agent serving `room`.
fn serves(room: &Room, user: &User) -> bool {
    room.served_by.as_ref().is_some_and(|s| s.id == user.id)
}

pub(super) fn agent_ref(user: &User) -> UserRef {
    UserRef {
        id: user.id.clone(),
        username: user.username.clone(),
        name: Some(user.name.clone()),
    }
}

impl Livechat {
    /// `POST chat.sendMessage` in a livechat room, by its agent (or a manager).
    pub async fn send_agent_message(
        &self,
        user: &User,
        rid: &str,
        msg: &str,
        client_id: Option<&str>,
    ) -> ApiResult<Message> {
        super::messages::check_text(&self.settings(), msg)?;
        self.store_agent_message(user, rid, msg, client_id, None)
            .await
    }

    /// Stores an agent's message, text or (with `file`) an uploaded file's.
    pub(super) async fn store_agent_message(
        &self,
        user: &User,
        rid: &str,
        msg: &str,
        client_id: Option<&str>,
        file: Option<super::uploads::FileParts>,
    ) -> ApiResult<Message> {
        if let Some(id) = client_id {
            if !ids::is_acceptable_client_id(id) {
                return Err(ApiError::invalid(
                    "'_id' must be 1-64 letters, digits, '-', '_' or '.'",
                ));
            }
        }
        let id = client_id.map_or_else(ids::random_id, str::to_string);
        let acts_for_others = self.permissions().has(&user.roles, VIEW_LIVECHAT_ROOMS);
        let settings = self.settings();
        let (author, rid, msg) = (user.clone(), rid.to_string(), msg.to_string());
        let stored = self
            .store()
            .write(move |exec| {
                Box::pin(async move {
                    let mut room = exec
                        .room_for_update(&rid)
                        .await?
                        .ok_or(ApiError::meteor_code("error-invalid-room"))?;
                    if !(serves(&room, &author) || acts_for_others) {
                        return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
                    }
                    if !room.is_open() {
                        return Err(ApiError::Code("room-closed"));
                    }
                    let mut message =
                        Message::new(id, Some(rid), msg, agent_ref(&author), Timestamp::now());
                    message.mentions = Some(Vec::new());
                    message.channels = Some(Vec::new());
                    if let Some(file) = &file {
                        file.apply(&mut message);
                    }
                    if exec.insert_message_row(&message).await? == Inserted::Duplicate {
                        return Ok(Err(message));
                    }
                    record_agent_reply(&mut room, &message, &author);
                    exec.save_room_row(&room).await?;
                    let mut news = News::default();
                    news.new_message(&room, &message)?;
                    news.room_changed("updated", &room)?;
                    news.record(exec).await?;
                    let event = RoomEvent::Message(&message);
                    queue_room_event(exec, &settings, &room, event).await?;
                    Ok(Ok(message))
                })
            })
            .await?;
        let attempt = match stored {
            Ok(message) => return Ok(message),
            Err(attempt) => attempt,
        };
        // The `_id` was taken: the same agent retrying gets its stored message.
        let stored = self
            .store()
            .read()
            .await?
            .exec()
            .message_by_id(&attempt.id)
            .await?;
        match stored {
            Some(stored) if stored.rid == attempt.rid && stored.u.id == user.id => Ok(stored),
            _ => Err(ApiError::meteor(
                "error-duplicate-message-id",
                "A message with this _id already exists",
            )),
        }
    }

    /// `GET livechat/room.join?roomId=`. Rocket.Chat adds the caller to the room so that it
    /// may write there. Here who may write is a rule, not a membership (see [`may_act_in`]):
    /// the serving agent and those with `view-livechat-rooms` (managers, administrators) may
    /// write in any open chat, so for them joining changes nothing and succeeds. A plain agent
    /// looking at a waiting chat of its queue could read it but not write in it: rather than
    /// answer a success that `chat.sendMessage` would then refuse, it is `error-not-allowed`
    /// (taking the chat, `inquiries.take`, is how an agent starts writing in it).
    pub async fn join_room(&self, user: &User, rid: &str) -> ApiResult<()> {
        let room = self
            .store()
            .read()
            .await?
            .exec()
            .room_by_id(rid)
            .await?
            .filter(|r| r.t == "l")
            .ok_or(ApiError::Code("error-invalid-room"))?;
        if !room.is_open() {
            return Err(ApiError::Code("room-closed"));
        }
        if !may_act_in(self.permissions(), user, &room, VIEW_LIVECHAT_ROOMS) {
            return Err(ApiError::Code("error-not-allowed"));
        }
        Ok(())
    }

    /// `POST livechat/room.closeByUser`.
    pub async fn close_room_by_agent(
        &self,
        user: &User,
        rid: &str,
        comment: Option<&str>,
        tags: &[String],
        transcript: Option<&super::transcript::TranscriptEmail>,
    ) -> ApiResult<()> {
        if tags.len() > super::room_info::MAX_TAGS {
            return Err(ApiError::invalid(format!(
                "'tags' must NOT have more than {} items",
                super::room_info::MAX_TAGS
            )));
        }
        for tag in tags {
            super::validate::required("tags", Some(tag), super::limits::NAME)?;
        }
        let mut tx = self.store().begin().await?;
        let mut room = tx
            .exec()
            .room_for_update(rid)
            .await?
            .ok_or(ApiError::Code("error-invalid-room"))?;
        if !room.is_open() {
            return Err(ApiError::Code("error-room-already-closed"));
        }
        if !may_act_in(self.permissions(), user, &room, CLOSE_OTHERS_LIVECHAT_ROOM) {
            return Err(ApiError::Code("error-not-authorized"));
        }
        let comment =
            super::validate::optional("comment", comment, super::limits::OFFLINE_MESSAGE)?
                .unwrap_or("");
        // Rocket.Chat's `closeRoom` refuses a blank comment while the setting asks for one.
        if comment.trim().is_empty()
            && self
                .settings()
                .bool("Livechat_request_comment_when_closing_conversation")
        {
            return Err(ApiError::Code("error-comment-is-required"));
        }
        let closer = Closer {
            kind: "user",
            author: agent_ref(user),
            tags: tags.to_vec(),
            client_action: true,
        };
        if let Some(option) = transcript {
            let visitor = tx.exec().visitor_by_token(&room.v.token).await?;
            super::transcript::apply_close_option(&mut room, visitor.as_ref(), user, option)?;
        }
        let settings = self.settings();
        close_room(&mut tx.exec(), &settings, &mut room, &closer, comment).await?;
        queue_room_event(&mut tx.exec(), &settings, &room, RoomEvent::Closed).await?;
        tx.commit().await?;
        tracing::info!(rid, by = %user.username, "room closed by agent");
        self.drain_queue_after_change().await;
        Ok(())
    }
}

/// An agent reply's effect on its room: counters, who answered and when, and the response
/// times (`metrics.response`, `metrics.reaction`) measured from the visitor's question.
fn record_agent_reply(room: &mut Room, message: &Message, agent: &User) {
    let ts = message.ts;
    room.msgs += 1;
    room.lm = ts;
    room.last_message = Some(Box::new(message.clone()));
    room.updated_at = ts;
    let last_query = room.metrics.v.as_ref().map_or(room.ts, |v| v.lq);
    let last_reply = room.metrics.served_by.as_ref().map_or(room.ts, |s| s.lr);
    let answers_a_question = last_reply < last_query || room.metrics.response.is_none();
    if room.waiting_response.take().is_some() {
        let first = room
            .response_by
            .as_ref()
            .and_then(|r| r.get("firstResponseTs").cloned())
            .unwrap_or(json!(ts));
        room.response_by = Some(
            json!({ "_id": agent.id, "username": agent.username, "firstResponseTs": first, "lastMessageTs": ts }),
        );
    } else if let Some(response_by) = room.response_by.as_mut() {
        response_by["lastMessageTs"] = json!(ts);
    }
    if answers_a_question {
        let response_secs = ts.seconds_since(last_query);
        let response = room
            .metrics
            .response
            .get_or_insert_with(|| json!({ "fd": ts, "ft": response_secs, "total": 0, "tt": 0.0 }));
        let total = response["total"].as_i64().unwrap_or(0) + 1;
        let tt = response["tt"].as_f64().unwrap_or(0.0) + response_secs;
        response["total"] = json!(total);
        response["tt"] = json!(tt);
        response["avg"] = json!(tt / total as f64);
        if room.metrics.reaction.is_none() {
            let since_assignment = room
                .served_by
                .as_ref()
                .map_or(0.0, |s| ts.seconds_since(s.ts));
            room.metrics.reaction =
                Some(json!({ "fd": ts, "ft": since_assignment, "tt": since_assignment }));
        }
    }
    room.metrics.served_by = Some(AgentMetrics { lr: ts });
}
