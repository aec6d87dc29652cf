//! A visitor's conversations: opening, closing, switching department, rating
//! (reference §2.6–2.9, §4.2, §4.6, §4.7).

use serde::Deserialize;
use serde_json::{json, Value};

use super::forward::{transfer, Destination, Transferrer};
use super::routing::assign_next_agent;
use super::sessions::{mark_chat_closed, mark_chat_opened, show_chat};
use super::validate::{self, limits};
use super::webhook_events::{queue_room_event, RoomEvent};
use super::{author, Livechat, Settings};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::{
    ClosedBy, CustomData, Inquiry, InquiryStatus, Message, Room, RoomMetrics, RoomVisitor,
};
use crate::model::{UserRef, Visitor};
use crate::store::{Exec, Inserted};
use crate::time::Timestamp;

/// The comment of a room the visitor closed (Rocket.Chat's `Closed_by_visitor`, in English).
pub const CLOSED_BY_VISITOR: &str = "Closed by visitor";

const SURVEY_ITEMS: [&str; 4] = [
    "satisfaction",
    "agentKnowledge",
    "agentResposiveness",
    "agentFriendliness",
];
const SURVEY_VALUES: [&str; 5] = ["1", "2", "3", "4", "5"];

#[derive(Debug, Deserialize)]
pub struct SurveyItem {
    pub name: String,
    pub value: String,
}

/// How the room was asked for: from the official widget or through the API.
#[derive(Clone, Copy, Debug)]
pub enum RoomSource {
    Widget,
    Api,
}

impl Livechat {
    /// `GET livechat/room`: the visitor's open room, or a new one (`true` when created).
    pub async fn open_room(
        &self,
        token: &str,
        rid: Option<&str>,
        source: RoomSource,
    ) -> ApiResult<(Room, bool)> {
        validate::required("token", Some(token), limits::TOKEN)?;
        // Each read takes a connection and gives it back before `create_room` needs one to
        // write: holding both could exhaust a small pool under load.
        let mut conn = self.store().read().await?;
        let visitor = conn
            .exec()
            .visitor_by_token(token)
            .await?
            .ok_or(ApiError::Code("invalid-token"))?;
        if let Some(rid) = rid.filter(|r| !r.is_empty()) {
            return match conn.exec().room_by_id(rid).await? {
                Some(room) if room.v.token == token && room.is_open() => Ok((room, false)),
                _ => Err(ApiError::Code("invalid-room")),
            };
        }
        drop(conn);
        // Two tries: a concurrent request may create the room between our read and our insert,
        // and that room may even be closed before we read it back.
        for _ in 0..2 {
            let open_room = self
                .store()
                .read()
                .await?
                .exec()
                .open_room_of_token(token)
                .await?;
            if let Some(room) = open_room {
                return Ok((room, false));
            }
            let settings = self.settings();
            if !settings.bool("Livechat_enabled") {
                return Err(ApiError::meteor_code("error-omnichannel-is-disabled"));
            }
            if !settings.bool("Livechat_accept_chats_with_no_agents")
                && !self
                    .store()
                    .read()
                    .await?
                    .exec()
                    .any_agent_available(visitor.department.as_deref())
                    .await?
            {
                return Err(ApiError::meteor(
                    "no-agent-online",
                    "Sorry, no online agents",
                ));
            }
            if let Some(room) = self.create_room(token, source).await? {
                return Ok((room, true));
            }
        }
        Err(ApiError::Unavailable)
    }

    /// Creates the room, its `livechat-started` message and its queued inquiry in one
    /// transaction; `None` if the visitor has an open room already (the unique index said so).
    async fn create_room(&self, token: &str, source: RoomSource) -> ApiResult<Option<Room>> {
        let (settings, token) = (self.settings(), token.to_string());
        let created = self
            .store()
            .write(move |exec| {
                Box::pin(async move { create_room_unit(exec, &settings, &token, source).await })
            })
            .await?;
        let Some((room, visitor)) = created else {
            return Ok(None);
        };
        tracing::info!(rid = %room.id, visitor = %visitor.username, "room opened");
        // A slot may have freed while this chat was being queued; one pass settles it.
        if room.served_by.is_none() {
            self.drain_queue_after_change().await;
            return Ok(self
                .store()
                .read()
                .await?
                .exec()
                .room_by_id(&room.id)
                .await?
                .or(Some(room)));
        }
        Ok(Some(room))
    }

    /// `POST livechat/room.close` by the visitor; returns the closing comment.
    pub async fn close_room_by_visitor(&self, rid: &str, token: &str) -> ApiResult<&'static str> {
        validate::required("rid", Some(rid), limits::ID)?;
        validate::required("token", Some(token), limits::TOKEN)?;
        let mut tx = self.store().begin().await?;
        let visitor = tx
            .exec()
            .visitor_by_token(token)
            .await?
            .ok_or(ApiError::Code("invalid-token"))?;
        let mut room = visitor_room_for_update(&mut tx.exec(), rid, token).await?;
        if !room.is_open() {
            return Err(ApiError::Code("room-closed"));
        }
        let closer = Closer {
            kind: "visitor",
            author: author(&visitor),
            tags: Vec::new(),
            client_action: false,
        };
        let settings = self.settings();
        close_room(
            &mut tx.exec(),
            &settings,
            &mut room,
            &closer,
            CLOSED_BY_VISITOR,
        )
        .await?;
        queue_room_event(&mut tx.exec(), &settings, &room, RoomEvent::Closed).await?;
        tx.commit().await?;
        self.drain_queue_after_change().await;
        tracing::info!(rid, "room closed by visitor");
        Ok(CLOSED_BY_VISITOR)
    }

    /// `POST livechat/room.transfer`: the visitor moves its open chat to another department,
    /// where it waits in the queue again. Returns the room's summary.
    pub async fn transfer_room_by_visitor(
        &self,
        rid: &str,
        token: &str,
        department: &str,
    ) -> ApiResult<Value> {
        validate::required("rid", Some(rid), limits::ID)?;
        validate::required("token", Some(token), limits::TOKEN)?;
        validate::required("department", Some(department), limits::DEPARTMENT)?;
        let mut tx = self.store().begin().await?;
        let visitor = tx
            .exec()
            .visitor_by_token(token)
            .await?
            .ok_or(ApiError::Code("invalid-token"))?;
        let mut room = visitor_room_for_update(&mut tx.exec(), rid, token).await?;
        if !room.is_open() {
            return Err(ApiError::Failed);
        }
        let target = tx
            .exec()
            .department_by_id_or_name(department)
            .await?
            .filter(|d| d.enabled)
            .ok_or_else(|| {
                ApiError::meteor(
                    "error-invalid-department",
                    "The provided department is invalid",
                )
            })?;
        let mut inquiry = tx.exec().inquiry_by_room(rid).await?;
        let by = Transferrer {
            id: visitor.id.clone(),
            username: visitor.username.clone(),
            name: visitor.name.clone(),
            kind: "visitor",
        };
        let department_id = target.id.clone();
        let destination = Destination::Department {
            department: Box::new(target),
            agent: None,
        };
        let settings = self.settings();
        transfer(
            &mut tx.exec(),
            &settings,
            &mut room,
            inquiry.as_mut(),
            &by,
            destination,
            None,
        )
        .await?;
        tx.commit().await?;
        self.drain_queue_after_change().await;
        tracing::info!(rid, department = %department_id, "room transferred by visitor");
        Ok(room.summary())
    }

    /// `POST livechat/room.survey`: the visitor rates the conversation (usually once closed).
    /// Returns the accepted answers.
    pub async fn save_survey(
        &self,
        rid: &str,
        token: &str,
        items: &[SurveyItem],
    ) -> ApiResult<CustomData> {
        validate::required("rid", Some(rid), limits::ID)?;
        validate::required("token", Some(token), limits::TOKEN)?;
        if items.is_empty() {
            return Err(ApiError::invalid("'data' must NOT have fewer than 1 items"));
        }
        let mut feedback = CustomData::new();
        for item in items {
            validate::within("data.value", &item.value, limits::SURVEY_FEEDBACK)?;
            let is_rating = SURVEY_ITEMS.contains(&item.name.as_str())
                && SURVEY_VALUES.contains(&item.value.as_str());
            if is_rating || item.name == "additionalFeedback" {
                feedback.insert(item.name.clone(), Value::String(item.value.clone()));
            }
        }
        let mut tx = self.store().begin().await?;
        tx.exec()
            .visitor_by_token(token)
            .await?
            .ok_or(ApiError::Code("invalid-token"))?;
        let mut room = visitor_room_for_update(&mut tx.exec(), rid, token).await?;
        if feedback.is_empty() {
            return Err(ApiError::Code("invalid-data"));
        }
        room.survey_feedback = Some(feedback.clone());
        room.updated_at = Timestamp::now();
        tx.exec().save_room(&room).await?;
        tx.commit().await?;
        Ok(feedback)
    }
}

/// Who closes a room: the visitor (`"visitor"`) or an agent or manager (`"user"`).
pub(super) struct Closer {
    pub kind: &'static str,
    pub author: UserRef,
    /// Tags the closer gives (`room.closeByUser`'s `tags`).
    pub tags: Vec<String>,
    /// Closed from an agent's client (`room.closeByUser`): a department that requires tags
    /// then refuses a close that brings none.
    pub client_action: bool,
}

/// The tags a room is closed with (reference §4.6, Rocket.Chat's `resolveChatTags`): the
/// room's and the closer's, plus the department's closing tags. A department with
/// `requestTagBeforeClosingChat` refuses the close when a client closes without any tag, or
/// when it defines no closing tags itself.
async fn closing_tags(exec: &mut Exec<'_>, room: &Room, closer: &Closer) -> ApiResult<Vec<String>> {
    let mut tags: Vec<String> = Vec::new();
    for tag in room.tags.iter().flatten().chain(&closer.tags) {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    let Some(department_id) = &room.department_id else {
        return Ok(tags);
    };
    let Some(department) = exec.department_by_id(department_id).await? else {
        return Ok(tags);
    };
    let closing = department.chat_closing_tags.unwrap_or_default();
    let brought_tags = !tags.is_empty();
    for tag in &closing {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    if department.request_tag_before_closing_chat == Some(true)
        && ((closer.client_action && !brought_tags) || closing.is_empty())
    {
        return Err(ApiError::Code(
            "error-tags-must-be-assigned-before-closing-chat",
        ));
    }
    Ok(tags)
}

/// Closes an open room (reference §4.6): the `livechat-close` and `promptTranscript`
/// messages, the close data and metrics, the inquiry removed, the agent's slot freed and
/// the visitor's session marked closed. The caller commits and then drains the queue.
pub(super) async fn close_room(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &mut Room,
    closer: &Closer,
    comment: &str,
) -> ApiResult<()> {
    let tags = closing_tags(exec, room, closer).await?;
    let now = Timestamp::now();
    let mut closing = Message::system(
        "livechat-close",
        &room.id,
        comment.to_string(),
        closer.author.clone(),
        now,
    );
    closing.transcript_requested = Some(false);
    exec.insert_message(&closing).await?;
    let by = UserRef {
        name: None,
        ..closer.author.clone()
    };
    exec.insert_message(&Message::system(
        "command",
        &room.id,
        "promptTranscript".into(),
        by.clone(),
        now,
    ))
    .await?;

    room.open = None;
    room.closed_at = Some(now);
    room.closer = Some(closer.kind.into());
    room.closed_by = Some(ClosedBy {
        id: by.id,
        username: by.username,
    });
    room.metrics.chat_duration = Some(now.seconds_since(room.ts));
    room.metrics.service_time_duration = room.served_by.as_ref().map(|s| now.seconds_since(s.ts));
    room.v.status = "offline".into();
    room.closing_message = Some(Box::new(closing));
    if !tags.is_empty() {
        room.tags = Some(tags);
    }
    room.updated_at = now;
    exec.save_room(room).await?;
    super::transcript::mail_requested_transcript(exec, settings, room).await?;
    exec.delete_inquiry_of_room(&room.id).await?;
    if let Some(agent) = &room.served_by {
        exec.release_agent_slot(&agent.id).await?;
        super::published::record_subscription(exec, "removed", room, agent).await?;
    }
    if let Some(mut session) = exec.session_for_update(&room.v.token).await? {
        mark_chat_closed(&mut session, room, now);
        exec.save_session(&session).await?;
    }
    Ok(())
}

/// The room `rid` if it belongs to the visitor `token` (open or closed), locked for update.
/// Another visitor's room is reported exactly like a missing one.
pub(super) async fn visitor_room_for_update(
    exec: &mut Exec<'_>,
    rid: &str,
    token: &str,
) -> ApiResult<Room> {
    visitors_room(exec.room_for_update(rid).await?, token)
}

/// The room, if it exists and belongs to the visitor of `token`.
pub(super) fn visitors_room(room: Option<Room>, token: &str) -> ApiResult<Room> {
    match room {
        Some(room) if room.v.token == token => Ok(room),
        _ => Err(ApiError::Code("invalid-room")),
    }
}

/// Moves the navigation history recorded before the room existed into the room.
async fn claim_navigation_history(exec: &mut Exec<'_>, token: &str, rid: &str) -> ApiResult<()> {
    for mut message in exec.orphan_navigation(token).await? {
        message.rid = Some(rid.to_string());
        message.expire_at = None;
        exec.save_message(&message).await?;
    }
    Ok(())
}

/// Creates the room of the visitor `token`, its `livechat-started` message and its queued
/// inquiry (or its agent, when routing gives it one at once), in one write; `None` if the
/// visitor has an open room already (the unique index said so).
async fn create_room_unit(
    exec: &mut Exec<'_>,
    settings: &Settings,
    token: &str,
    source: RoomSource,
) -> ApiResult<Option<(Room, Visitor)>> {
    // Locking the visitor first keeps the lock order of every visitor write: visitor, room, session.
    let mut visitor = exec
        .visitor_for_update(token)
        .await?
        .ok_or(ApiError::Code("invalid-token"))?;
    let department = match &visitor.department {
        Some(id) => exec
            .department_by_id_or_name(id)
            .await?
            .filter(|d| d.enabled)
            .map(|d| d.id),
        None => None,
    };
    let now = Timestamp::now();
    let source = match source {
        RoomSource::Widget => json!({ "type": "widget" }),
        RoomSource::Api => json!({ "type": "api" }),
    };
    let room = Room {
        id: ids::random_id(),
        t: "l".into(),
        fname: visitor.display_name().to_string(),
        msgs: 0,
        users_count: 1,
        lm: now,
        ts: now,
        updated_at: now,
        cl: false,
        open: Some(true),
        waiting_response: Some(true),
        v: RoomVisitor {
            id: visitor.id.clone(),
            username: visitor.username.clone(),
            token: visitor.token.clone(),
            status: visitor.status.clone(),
            last_message_ts: None,
            phone: visitor.phone_number().map(str::to_string),
        },
        served_by: None,
        response_by: None,
        department_id: department.clone(),
        source: source.clone(),
        queued_at: Some(now),
        last_message: None,
        livechat_data: None,
        tags: None,
        topic: None,
        survey_feedback: None,
        closed_at: None,
        closer: None,
        closed_by: None,
        closing_message: None,
        transcript_request: None,
        crm_data: None,
        metrics: RoomMetrics::default(),
        priority_weight: 0,
        estimated_waiting_time_queue: 0,
    };
    if exec.insert_room(&room).await? == Inserted::Duplicate {
        return Ok(None);
    }
    let started = Message::system(
        "livechat-started",
        &room.id,
        String::new(),
        author(&visitor),
        now,
    );
    exec.insert_message(&started).await?;
    queue_room_event(exec, settings, &room, RoomEvent::Started).await?;
    let mut inquiry = Inquiry {
        id: ids::random_id(),
        rid: room.id.clone(),
        name: room.fname.clone(),
        ts: now,
        message: String::new(),
        status: InquiryStatus::Queued,
        v: room.v.clone(),
        t: "l".into(),
        department,
        source,
        queued_at: now,
        taken_at: None,
        default_agent: None,
        last_message: None,
        updated_at: now,
        priority_weight: 0,
        estimated_waiting_time_queue: 0,
    };
    // A chat goes straight to an agent only when nobody is waiting before it; otherwise it
    // joins the queue, which drains in arrival order once this transaction commits.
    let mut room = room;
    let waiting_before = exec.has_queued_inquiries().await?;
    if !waiting_before
        && assign_next_agent(exec, settings, &mut room, &mut inquiry, now)
            .await?
            .is_some()
    {
        exec.save_room(&room).await?;
    } else {
        queue_room_event(exec, settings, &room, RoomEvent::Queued).await?;
    }
    exec.save_inquiry(&inquiry).await?;
    claim_navigation_history(exec, &visitor.token, &room.id).await?;

    visitor.last_chat = Some(crate::model::LastChat {
        id: room.id.clone(),
        ts: now,
    });
    exec.save_visitor(&visitor).await?;
    if let Some(mut session) = exec.session_for_update(&visitor.token).await? {
        mark_chat_opened(&mut session, now);
        show_chat(&mut session, &room);
        exec.save_session(&session).await?;
    }
    Ok(Some((room, visitor)))
}
