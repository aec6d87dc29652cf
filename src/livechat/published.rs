//! What each write tells realtime subscribers, in one place.
//!
//! The store writes rows and nothing else; the writes that clients hear of are these methods,
//! each the row write plus the events it publishes, recorded in the same transaction (the
//! realtime outbox, `store::events`), so subscribers hear exactly what committed. They keep the
//! store's names (`insert_message`, `save_room`, …) so that a unit of work reads the same
//! whether or not a write is announced; the row-only forms are the store's `*_row` methods.
//!
//! Who hears what:
//!
//! | write | stream (collection) | event name | args |
//! |---|---|---|---|
//! | new or changed visible message | `stream-room-messages` | `<rid>` | `[message]` |
//! | | `stream-room-messages`, the serving agent only | `__my_messages__` | `[message]` |
//! | new visitor message | `stream-notify-user` | `<serving agent>/notification` | `[{title, text, payload}]` |
//! | deleted message | `stream-notify-room` | `<rid>/deleteMessage` | `[{_id}]` |
//! | room inserted or saved | `stream-notify-user` | `<serving agent>/rooms-changed` | `[action, room]` |
//! | inquiry saved or removed | `stream-livechat-inquiry-queue-observer` | `public` or `department/<id>` | `[inquiry + type]` |
//! | visitor saved | `stream-livechat-room` | `<rid>` of each open room | `[{type: "visitorData", visitor}]` |
//! | session saved or removed | the live-visitors stream | `sessions` | `[{type, session}]` |
//! | an agent starts or stops serving a room | `stream-notify-user` | `<agent>/subscriptions-changed` | `[action, subscription]` |
//! | the room's agent changes | `stream-livechat-room` | `<rid>` | `[{type: "agentData", data}]` |
//! | the agent's presence changes | `stream-livechat-room` | `<rid>` of each room it serves | `[{type: "agentStatus", status}]` |
//!
//! Administration has its own events next to its writes: canned responses
//! (`livechat/canned_responses.rs`), settings (`livechat/setting_changes.rs`) and permissions
//! (`accounts/permission_table.rs`).

use serde_json::{json, Value};

use crate::ejson::to_ejson;
use crate::model::{Inquiry, InquiryStatus, Message, Room, ServedBy, Visitor, VisitorSession};
use crate::store::streams::{
    INQUIRY_QUEUE, LIVECHAT_ROOM, MY_MESSAGES, NOTIFY_ROOM, NOTIFY_USER, ROOM_MESSAGES,
    SESSIONS_EVENT, VISITOR_SESSIONS,
};
use crate::store::{Exec, Inserted, NewEvent, ServingAgentEvent, StoreResult};

impl Exec<'_> {
    /// Inserts a message; `Duplicate` when its id exists (a client resending its own `_id`).
    pub async fn insert_message(&mut self, message: &Message) -> StoreResult<Inserted> {
        let inserted = self.insert_message_row(message).await?;
        if inserted == Inserted::Yes {
            self.announce_message(message).await?;
            if let Some((rid, args)) = notification(message) {
                let name = ServingAgentEvent::NameAfterAgent("/notification");
                let args = serde_json::to_string(&args)?;
                self.record_for_serving_agent(rid, NOTIFY_USER, name, &args)
                    .await?;
            }
        }
        Ok(inserted)
    }

    pub async fn save_message(&mut self, message: &Message) -> StoreResult<()> {
        self.save_message_row(message).await?;
        self.announce_message(message).await
    }

    pub async fn delete_message(&mut self, message: &Message) -> StoreResult<()> {
        self.delete_message_row(&message.id).await?;
        if let Some(rid) = message.rid.as_deref() {
            let args = json!([{ "_id": message.id }]);
            self.record_event(NOTIFY_ROOM, &format!("{rid}/deleteMessage"), &args)
                .await?;
        }
        Ok(())
    }

    /// The room's subscribers hear of a new or changed message, and so does the agent serving
    /// the room, on its `__my_messages__`. Hidden ones (navigation history) and ones without a
    /// room stay quiet.
    async fn announce_message(&mut self, message: &Message) -> StoreResult<()> {
        let Some(rid) = message.rid.as_deref().filter(|_| !message.is_hidden()) else {
            return Ok(());
        };
        let args = message_args(message)?;
        self.record(&NewEvent {
            collection: ROOM_MESSAGES,
            event_name: rid,
            audience: None,
            origin: None,
            args: &args,
        })
        .await?;
        let name = ServingAgentEvent::ToAgentOnly(MY_MESSAGES);
        self.record_for_serving_agent(rid, ROOM_MESSAGES, name, &args)
            .await
    }

    /// Inserts a room; `Duplicate` when its visitor has an open room already.
    pub async fn insert_room(&mut self, room: &Room) -> StoreResult<Inserted> {
        let inserted = self.insert_room_row(room).await?;
        if inserted == Inserted::Yes {
            self.announce_room("inserted", room).await?;
        }
        Ok(inserted)
    }

    pub async fn save_room(&mut self, room: &Room) -> StoreResult<()> {
        self.save_room_row(room).await?;
        self.announce_room("updated", room).await
    }

    /// [`Exec::save_room`] for a change of the document alone (a new message: last message,
    /// counters, metrics), not of the room's state, agent, department or name.
    pub async fn save_room_activity(&mut self, room: &Room) -> StoreResult<()> {
        self.save_room_activity_row(room).await?;
        self.announce_room("updated", room).await
    }

    /// `<agent>/rooms-changed [action, room]` for the agent serving the room.
    async fn announce_room(&mut self, action: &str, room: &Room) -> StoreResult<()> {
        let mut news = News::default();
        news.room_changed(action, room)?;
        news.record(self).await
    }

    /// Inserts or replaces the inquiry of a room.
    pub async fn save_inquiry(&mut self, inquiry: &Inquiry) -> StoreResult<()> {
        self.save_inquiry_row(inquiry).await?;
        self.announce_inquiry("changed", inquiry).await
    }

    /// [`Exec::save_inquiry`] for an existing inquiry whose status, department and queue time
    /// did not change (its last message did). Announced to the queue observers only while it
    /// is queued: a taken inquiry is in no queue, clients drop it from their list already, and
    /// announcing every message of every served chat would make each process recompute the
    /// queue positions of all the rooms its visitors watch, over and over.
    pub async fn save_inquiry_doc(&mut self, inquiry: &Inquiry) -> StoreResult<()> {
        self.save_inquiry_doc_row(inquiry).await?;
        if inquiry.status == InquiryStatus::Queued {
            self.announce_inquiry("changed", inquiry).await?;
        }
        Ok(())
    }

    pub async fn delete_inquiry_of_room(&mut self, rid: &str) -> StoreResult<()> {
        for inquiry in self.delete_inquiry_rows_of_room(rid).await? {
            self.announce_inquiry("removed", &inquiry).await?;
        }
        Ok(())
    }

    /// The agents' queue observers (`public`, or `department/<id>` for a department's
    /// inquiry) hear that an inquiry changed or left the queue.
    async fn announce_inquiry(&mut self, kind: &str, inquiry: &Inquiry) -> StoreResult<()> {
        let mut news = News::default();
        news.inquiry_changed(kind, inquiry)?;
        news.record(self).await
    }

    /// Saves a visitor; each of its open rooms hears `visitorData` on `stream-livechat-room`.
    pub async fn save_visitor(&mut self, visitor: &Visitor) -> StoreResult<()> {
        self.save_visitor_row(visitor).await?;
        let visitor_doc = to_ejson(serde_json::to_value(visitor)?);
        let args = json!([{ "type": "visitorData", "visitor": visitor_doc }]);
        self.record_for_open_rooms_of(&visitor.token, LIVECHAT_ROOM, &args)
            .await
    }

    /// Inserts or replaces the session of a token; the live-visitors view hears it.
    pub async fn save_session(&mut self, session: &VisitorSession) -> StoreResult<()> {
        let owner = self.save_session_row(session).await?;
        let mut event = to_ejson(serde_json::to_value(session)?);
        if let Some((visitor_id, department)) = owner {
            // Sessions saved before `visitorId` existed gained it in the row.
            if session.visitor_id.is_none() {
                event["visitorId"] = json!(visitor_id);
            }
            // The live-visitors stream shows a plain agent only the visitors of its
            // departments (and of none): the event names the visitor's department for that
            // filter.
            if let Some(department) = department {
                event["department"] = json!(department);
            }
        }
        self.announce_session(json!([{ "type": "changed", "session": event }]))
            .await
    }

    pub async fn delete_session(&mut self, token: &str) -> StoreResult<()> {
        for id in self.delete_session_rows(token).await? {
            self.announce_session(json!([{ "type": "removed", "session": { "_id": id } }]))
                .await?;
        }
        Ok(())
    }

    async fn announce_session(&mut self, args: Value) -> StoreResult<()> {
        self.record_event(VISITOR_SESSIONS, SESSIONS_EVENT, &args)
            .await
    }
}

/// Events gathered during a unit of work and recorded together, in one statement (one round
/// trip on PostgreSQL), for writes whose room is at hand: a message's serving agent is then
/// known, with no lookup.
#[derive(Default)]
pub(crate) struct News {
    /// Collection, event name, audience, and the args as JSON text.
    events: Vec<(&'static str, String, Option<String>, String)>,
}

impl News {
    /// A new message in `room` (as stored): the room's subscribers; the serving agent's
    /// `__my_messages__`; for a visitor's message, the agent's notification.
    pub fn new_message(&mut self, room: &Room, message: &Message) -> StoreResult<()> {
        if message.is_hidden() {
            return Ok(());
        }
        let args = message_args(message)?;
        let agent = room.served_by.as_ref().map(|agent| agent.id.clone());
        self.events
            .push((ROOM_MESSAGES, room.id.clone(), None, args.clone()));
        if let Some(agent) = &agent {
            self.events
                .push((ROOM_MESSAGES, MY_MESSAGES.into(), Some(agent.clone()), args));
        }
        if let (Some(agent), Some((_, notice))) = (agent, notification(message)) {
            let notice = serde_json::to_string(&notice)?;
            self.events
                .push((NOTIFY_USER, format!("{agent}/notification"), None, notice));
        }
        Ok(())
    }

    /// `<agent>/rooms-changed [action, room]` for the agent serving the room, if any.
    pub fn room_changed(&mut self, action: &str, room: &Room) -> StoreResult<()> {
        if let Some(agent) = &room.served_by {
            let args =
                serde_json::to_string(&json!([action, to_ejson(serde_json::to_value(room)?)]))?;
            let event_name = format!("{}/rooms-changed", agent.id);
            self.events.push((NOTIFY_USER, event_name, None, args));
        }
        Ok(())
    }

    /// The agents' queue observers (`public`, or `department/<id>` for a department's
    /// inquiry): an inquiry changed (`changed`) or left the queue (`removed`).
    pub fn inquiry_changed(&mut self, kind: &str, inquiry: &Inquiry) -> StoreResult<()> {
        let mut doc = to_ejson(serde_json::to_value(inquiry)?);
        doc["type"] = json!(kind);
        let event_name = match &inquiry.department {
            Some(department) => format!("department/{department}"),
            None => "public".to_string(),
        };
        let args = serde_json::to_string(&[doc])?;
        self.events.push((INQUIRY_QUEUE, event_name, None, args));
        Ok(())
    }

    pub async fn record(self, exec: &mut Exec<'_>) -> StoreResult<()> {
        let events: Vec<NewEvent<'_>> = self
            .events
            .iter()
            .map(|(collection, event_name, audience, args)| NewEvent {
                collection,
                event_name,
                audience: audience.as_deref(),
                origin: None,
                args,
            })
            .collect();
        exec.record_all(&events).await
    }
}

/// The `args` of a message's `stream-room-messages` frame as JSON text: serialized once for
/// both of its audiences, the room's subscribers and the serving agent's `__my_messages__`.
fn message_args(message: &Message) -> StoreResult<String> {
    Ok(serde_json::to_string(&[to_ejson(serde_json::to_value(
        message,
    )?)])?)
}

/// A visitor's new message is a `notification` for the agent serving its room: the room and
/// the notification's args.
fn notification(message: &Message) -> Option<(&str, Value)> {
    let rid = message.rid.as_deref()?;
    if message.token.is_none() || message.t.is_some() || message.is_hidden() {
        return None;
    }
    let sender = &message.u;
    let args = json!([{
        "title": message.alias.as_deref().unwrap_or(&sender.username),
        "text": message.msg,
        "payload": {
            "_id": message.id,
            "rid": rid,
            "sender": sender,
            "type": "l",
            "message": { "msg": message.msg },
        },
    }]);
    Some((rid, args))
}

/// `<agent>/subscriptions-changed [action, subscription]`: `inserted` when the agent starts
/// serving the room, `removed` when it stops (closed or transferred away).
pub(crate) async fn record_subscription(
    exec: &mut Exec<'_>,
    action: &str,
    room: &Room,
    agent: &ServedBy,
) -> StoreResult<()> {
    let subscription = to_ejson(json!({
        "_id": format!("{}-{}", room.id, agent.id),
        "rid": room.id,
        "u": { "_id": agent.id, "username": agent.username },
        "t": "l",
        "name": room.fname,
        "fname": room.fname,
        "open": action != "removed",
        "alert": action == "inserted",
        "unread": 0,
        "ts": agent.ts,
        "_updatedAt": room.updated_at,
    }));
    let event_name = format!("{}/subscriptions-changed", agent.id);
    exec.record_event(NOTIFY_USER, &event_name, &json!([action, subscription]))
        .await
}

/// `agentStatus` on `stream-livechat-room` of every open room the agent serves.
pub(crate) async fn record_agent_status(
    exec: &mut Exec<'_>,
    agent_id: &str,
    status: &str,
) -> StoreResult<()> {
    let args = json!([{ "type": "agentStatus", "status": status }]);
    for rid in exec.open_room_ids_served_by(agent_id).await? {
        exec.record_event(LIVECHAT_ROOM, &rid, &args).await?;
    }
    Ok(())
}

/// `agentData` on `stream-livechat-room`: the widget shows the room's agent now (`None`: no
/// agent any more, as Rocket.Chat tells it on unassignment).
pub(crate) async fn record_agent_data(
    exec: &mut Exec<'_>,
    rid: &str,
    data: Option<Value>,
) -> StoreResult<()> {
    let args = json!([{ "type": "agentData", "data": data }]);
    exec.record_event(LIVECHAT_ROOM, rid, &args).await
}
