//! What a CRM receives: every CRM webhook (Rocket.Chat's `Livechat_webhookUrl`, reference
//! §4.9) is built here, so the payloads can be read in one place. Each is queued in the
//! delivery outbox inside the transaction of its cause (`kind` [`WEBHOOK`], ordered by room)
//! and sent by `outbox::webhook::WebhookCourier`.
//!
//! Body of a room event: the room's guest info `{_id, label, topic, createdAt, lastMessageAt,
//! tags, customFields, visitor, agent?, crmData?}` + `type` + `messages` + the fields of its
//! type. An event is queued only when its `Livechat_webhook_on_*` switch is on and a URL is
//! set (Rocket.Chat's `sendToCRM` returns at once without a URL); the URL and the secret are
//! read when sending, so a corrected URL also reaches deliveries already waiting, and the
//! secret is never copied into the outbox.

use serde_json::{json, Map, Value};

use super::Settings;
use crate::error::ApiResult;
use crate::model::{Message, Room, ServedBy, User, Visitor};
use crate::store::{Exec, HistoryQuery, NewDelivery};
use crate::time::Timestamp;

/// The outbox kind of CRM webhooks.
pub const WEBHOOK: &str = "webhook";

/// Messages a `LivechatSession` (close) payload carries at most.
const MAX_MESSAGES: i64 = 10_000;

/// A room event and the fields only it carries.
pub enum RoomEvent<'a> {
    /// A new room (`Livechat_webhook_on_start`).
    Started,
    /// A new room waiting for an agent (`Livechat_webhook_on_chat_queued`).
    Queued,
    /// An agent took the chat, by routing or by hand (`Livechat_webhook_on_chat_taken`).
    Taken,
    /// Moved to another agent or department (`Livechat_webhook_on_forward`).
    Forwarded {
        old_department_id: Option<&'a str>,
        old_served_by: Option<&'a ServedBy>,
    },
    /// Closed, with every message (`Livechat_webhook_on_close`).
    Closed,
    /// A closed room's info edited (`room.saveInfo`). Rocket.Chat sends it with no switch of
    /// its own; here it follows `Livechat_webhook_on_close`, as an update of the closed
    /// session, so that all switches off means nothing is sent.
    Edited,
    /// One message, by the visitor or by an agent.
    Message(&'a Message),
    /// E-mail addresses or phone numbers found in a visitor's message were added to the
    /// visitor (`Livechat_webhook_on_capture`; no messages, as Rocket.Chat).
    LeadCapture,
}

impl RoomEvent<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            RoomEvent::Started => "LivechatSessionStart",
            RoomEvent::Queued => "LivechatSessionQueued",
            RoomEvent::Taken => "LivechatSessionTaken",
            RoomEvent::Forwarded { .. } => "LivechatSessionForwarded",
            RoomEvent::Closed => "LivechatSession",
            RoomEvent::Edited => "LivechatEdit",
            RoomEvent::Message(_) => "Message",
            RoomEvent::LeadCapture => "LeadCapture",
        }
    }

    fn switch(&self, room: &Room) -> &'static str {
        match self {
            RoomEvent::Started => "Livechat_webhook_on_start",
            RoomEvent::Queued => "Livechat_webhook_on_chat_queued",
            RoomEvent::Taken => "Livechat_webhook_on_chat_taken",
            RoomEvent::Forwarded { .. } => "Livechat_webhook_on_forward",
            RoomEvent::Closed | RoomEvent::Edited => "Livechat_webhook_on_close",
            RoomEvent::Message(message) if is_visitor_message(message, room) => {
                "Livechat_webhook_on_visitor_message"
            }
            RoomEvent::Message(_) => "Livechat_webhook_on_agent_message",
            RoomEvent::LeadCapture => "Livechat_webhook_on_capture",
        }
    }

    /// Whether the payload lists every message of the room (else only the event's own).
    fn carries_history(&self) -> bool {
        matches!(
            self,
            RoomEvent::Started | RoomEvent::Queued | RoomEvent::Closed | RoomEvent::Edited
        )
    }
}

/// Whether webhooks of the setting `switch` are to be queued now.
pub fn wanted(settings: &Settings, switch: &str) -> bool {
    settings.bool(switch) && !settings.str("Livechat_webhookUrl").trim().is_empty()
}

/// Queues the webhook of `event` about `room` (as it is now, inside the caller's transaction).
pub async fn queue_room_event(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &Room,
    event: RoomEvent<'_>,
) -> ApiResult<()> {
    if !wanted(settings, event.switch(room)) {
        return Ok(());
    }
    let visitor = exec.visitor_by_token(&room.v.token).await?;
    queue_room_event_of(exec, settings, room, visitor.as_ref(), event).await
}

/// [`queue_room_event`] when the caller has the room's visitor at hand (a visitor's message).
pub async fn queue_room_event_of(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &Room,
    visitor: Option<&Visitor>,
    event: RoomEvent<'_>,
) -> ApiResult<()> {
    if !wanted(settings, event.switch(room)) {
        return Ok(());
    }
    let agent = match &room.served_by {
        Some(served_by) => exec.user_by_id(&served_by.id).await?,
        None => None,
    };
    let history = if event.carries_history() {
        let mut messages = exec
            .room_history(&HistoryQuery {
                rid: &room.id,
                before: None,
                offset: 0,
                limit: MAX_MESSAGES,
            })
            .await?;
        messages.reverse();
        messages
    } else {
        Vec::new()
    };
    let payload = room_payload(settings, room, visitor, agent.as_ref(), &event, &history);
    let summary = summary(&event, room);
    exec.queue_delivery(&NewDelivery {
        kind: WEBHOOK,
        ordering_key: Some(&room.id),
        summary: &summary,
        payload: &payload,
    })
    .await?;
    Ok(())
}

/// Queues `LivechatOfflineMessage` (`Livechat_webhook_on_offline_msg`): no room, so its own
/// small body, and no order to keep with anything else.
pub async fn queue_offline_message(
    exec: &mut Exec<'_>,
    settings: &Settings,
    name: &str,
    email: &str,
    message: &str,
    sent_at: Timestamp,
) -> ApiResult<()> {
    if !wanted(settings, "Livechat_webhook_on_offline_msg") {
        return Ok(());
    }
    let payload = json!({
        "type": "LivechatOfflineMessage",
        "sentAt": sent_at,
        "visitor": { "name": name, "email": email },
        "message": message,
    });
    Ok(exec
        .queue_delivery(&NewDelivery {
            kind: WEBHOOK,
            ordering_key: None,
            summary: "LivechatOfflineMessage",
            payload: &payload,
        })
        .await?)
}

/// `livechat/webhook.test`'s body: Rocket.Chat's sample `LivechatSession`.
pub fn sample_payload() -> Value {
    let now = Timestamp::now();
    json!({
        "type": "LivechatSession",
        "_id": "fasd6f5a4sd6f8a4sdf",
        "label": "title",
        "topic": "asiodojf",
        "createdAt": now,
        "lastMessageAt": now,
        "tags": ["tag1", "tag2", "tag3"],
        "customFields": { "productId": "123456" },
        "visitor": {
            "_id": "",
            "name": "visitor name",
            "username": "visitor-username",
            "department": "department",
            "email": "email@address.com",
            "phone": "192873192873",
            "ip": "123.456.7.89",
            "browser": "Chrome",
            "os": "Linux",
            "customFields": { "customerId": "123456" },
        },
        "agent": {
            "_id": "asdf89as6df8",
            "username": "agent.username",
            "name": "Agent Name",
            "email": "agent@email.com",
        },
        "messages": [
            { "username": "visitor-username", "msg": "message content", "ts": now },
            {
                "username": "agent.username",
                "agentId": "asdf89as6df8",
                "msg": "message content from agent",
                "ts": now,
            },
        ],
    })
}

/// One line for the outbox listing (no personal data beyond the room id).
fn summary(event: &RoomEvent<'_>, room: &Room) -> String {
    format!("{} for room {}", event.type_name(), room.id)
}

fn room_payload(
    settings: &Settings,
    room: &Room,
    visitor: Option<&Visitor>,
    agent: Option<&User>,
    event: &RoomEvent<'_>,
    history: &[Message],
) -> Value {
    let mut body = guest_info(room, visitor, agent);
    body.insert("type".into(), json!(event.type_name()));
    let messages: Vec<Value> = match event {
        RoomEvent::Message(message) => vec![payload_message(message, room)],
        _ => history
            .iter()
            .filter(|m| belongs_in_payload(settings, m))
            .map(|m| payload_message(m, room))
            .collect(),
    };
    body.insert("messages".into(), Value::Array(messages));
    let served_by = || json!(room.served_by);
    match event {
        RoomEvent::Started | RoomEvent::Queued => {
            body.insert("departmentId".into(), json!(room.department_id));
        }
        RoomEvent::Taken => {
            body.insert("departmentId".into(), json!(room.department_id));
            body.insert("servedBy".into(), served_by());
        }
        RoomEvent::Forwarded {
            old_department_id,
            old_served_by,
        } => {
            body.insert("departmentId".into(), json!(room.department_id));
            body.insert("servedBy".into(), served_by());
            body.insert("oldDepartmentId".into(), json!(old_department_id));
            body.insert("oldServedBy".into(), json!(old_served_by));
        }
        RoomEvent::Closed => {
            body.insert("departmentId".into(), json!(room.department_id));
            body.insert("servedBy".into(), served_by());
            body.insert("closedAt".into(), json!(room.closed_at));
            body.insert("closedBy".into(), json!(room.closed_by));
            body.insert("closer".into(), json!(room.closer));
        }
        RoomEvent::Edited | RoomEvent::Message(_) | RoomEvent::LeadCapture => {}
    }
    Value::Object(body)
}

/// Rocket.Chat's `getLivechatRoomGuestInfo`.
fn guest_info(room: &Room, visitor: Option<&Visitor>, agent: Option<&User>) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("_id".into(), json!(room.id));
    body.insert("label".into(), json!(room.fname));
    body.insert("topic".into(), json!(room.topic));
    body.insert("createdAt".into(), json!(room.ts));
    body.insert("lastMessageAt".into(), json!(room.lm));
    body.insert("tags".into(), json!(room.tags));
    body.insert("customFields".into(), json!(room.livechat_data));
    body.insert(
        "visitor".into(),
        match visitor {
            Some(visitor) => json!({
                "_id": visitor.id,
                "token": visitor.token,
                "name": visitor.name,
                "username": visitor.username,
                "email": visitor.visitor_emails,
                "phone": visitor.phone,
                "department": visitor.department,
                "ip": visitor.ip,
                "customFields": visitor.livechat_data,
            }),
            // The visitor was deleted meanwhile: what the room still knows.
            None => json!({
                "_id": room.v.id,
                "token": room.v.token,
                "username": room.v.username,
                "email": null,
                "phone": null,
            }),
        },
    );
    if let Some(agent) = agent {
        body.insert(
            "agent".into(),
            json!({
                "_id": agent.id,
                "username": agent.username,
                "name": agent.name,
                "email": agent.email(),
            }),
        );
    }
    if let Some(crm_data) = &room.crm_data {
        body.insert("crmData".into(), json!(crm_data));
    }
    body
}

/// System messages stay out, except the closing one and, when both navigation settings are
/// on, the visitor's page views.
fn belongs_in_payload(settings: &Settings, message: &Message) -> bool {
    match message.t.as_deref() {
        None => true,
        Some("livechat-close") => true,
        Some("livechat_navigation_history") => {
            settings.bool("Livechat_Visitor_navigation_as_a_message")
                && settings.bool("Send_visitor_navigation_history_livechat_webhook_request")
        }
        Some(_) => false,
    }
}

fn payload_message(message: &Message, room: &Room) -> Value {
    let mut out = json!({
        "_id": message.id,
        "username": message.u.username,
        "msg": message.msg,
        "ts": message.ts,
        "rid": message.rid,
    });
    if let Some(edited_at) = message.edited_at {
        out["editedAt"] = json!(edited_at);
    }
    if !is_visitor_message(message, room) {
        out["agentId"] = json!(message.u.id);
    }
    if let Some(navigation) = &message.navigation {
        out["navigation"] = navigation.clone();
    }
    if message.t.as_deref() == Some("livechat-close") {
        out["closingMessage"] = json!(true);
    }
    out
}

fn is_visitor_message(message: &Message, room: &Room) -> bool {
    message.u.username == room.v.username
}

impl super::Livechat {
    /// Keeps the CRM's answer to a room's webhook as the room's `crmData` (a deleted room is
    /// no error: there is nothing left to annotate).
    pub async fn save_crm_data(&self, rid: &str, answer: String) -> ApiResult<()> {
        let mut tx = self.store().begin().await?;
        if let Some(mut room) = tx.exec().room_for_update(rid).await? {
            room.crm_data = Some(answer);
            tx.exec().save_room_activity(&room).await?;
        }
        Ok(tx.commit().await?)
    }
}
