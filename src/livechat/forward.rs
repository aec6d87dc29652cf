//! Moving a chat to another agent or department (reference §3.8, §4.7): `room.forward` by agents
//! and managers, and the visitor's `room.transfer`, through one path. The previous agent's slot
//! is given back, the chat is routed again (to the named agent, or to the best agent of the new
//! department, or back into the queue), and the room keeps a `livechat_transfer_history` message.

use serde_json::json;

use super::routing::{auto_routing, global_limit, serve};
use super::webhook_events::{queue_room_event, RoomEvent};
use super::{Livechat, Settings};
use crate::error::{ApiError, ApiResult};
use crate::model::{Department, Inquiry, InquiryStatus, Message, Room, ServedBy, User, UserRef};
use crate::store::Exec;
use crate::time::Timestamp;

/// Who asks for the transfer (`transferData.transferredBy`).
pub(super) struct Transferrer {
    pub id: String,
    pub username: String,
    pub name: Option<String>,
    /// `"agent"` (the room's own agent), `"user"` (anyone else on staff) or `"visitor"`.
    pub kind: &'static str,
}

/// Where the chat goes.
pub(super) enum Destination {
    Agent(User),
    Department {
        department: Box<Department>,
        agent: Option<User>,
    },
}

/// What `room.forward` names.
pub struct ForwardRequest<'a> {
    pub room_id: &'a str,
    pub user_id: Option<&'a str>,
    pub department_id: Option<&'a str>,
    pub comment: Option<&'a str>,
}

impl Livechat {
    /// `POST livechat/room.forward`.
    pub async fn forward_room(&self, caller: &User, request: ForwardRequest<'_>) -> ApiResult<()> {
        let comment =
            super::validate::optional("comment", request.comment, super::limits::OFFLINE_MESSAGE)?;
        let mut tx = self.store().begin().await?;
        let mut room = tx
            .exec()
            .room_for_update(request.room_id)
            .await?
            .filter(|r| r.t == "l")
            .ok_or(ApiError::Code("error-invalid-room"))?;
        if !room.is_open() {
            return Err(ApiError::Code("This_conversation_is_already_closed"));
        }
        let target_agent = match request.user_id.filter(|id| !id.is_empty()) {
            Some(id) => Some(online_agent(&mut tx.exec(), id).await?),
            None => None,
        };
        let destination = match request.department_id.filter(|id| !id.is_empty()) {
            Some(id) => {
                let department = tx
                    .exec()
                    .department_by_id_or_name(id)
                    .await?
                    .filter(|d| d.enabled)
                    .ok_or(ApiError::Code("error-invalid-department"))?;
                Destination::Department {
                    department: Box::new(department),
                    agent: target_agent,
                }
            }
            None => match target_agent {
                Some(agent) => Destination::Agent(agent),
                None => {
                    return Err(ApiError::invalid(
                        "Either 'userId' or 'departmentId' must be provided",
                    ))
                }
            },
        };
        let serving = room.served_by.as_ref().is_some_and(|s| s.id == caller.id);
        let by = Transferrer {
            id: caller.id.clone(),
            username: caller.username.clone(),
            name: Some(caller.name.clone()),
            kind: if serving { "agent" } else { "user" },
        };
        let mut inquiry = tx.exec().inquiry_by_room(&room.id).await?;
        let settings = self.settings();
        transfer(
            &mut tx.exec(),
            &settings,
            &mut room,
            inquiry.as_mut(),
            &by,
            destination,
            comment,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(rid = %room.id, by = %caller.username, "room forwarded");
        self.drain_queue_after_change().await;
        Ok(())
    }
}

/// The user `id` if it is an agent who could take a chat now.
async fn online_agent(exec: &mut Exec<'_>, id: &str) -> ApiResult<User> {
    exec.user_by_id(id)
        .await?
        .filter(User::takes_chats)
        .ok_or(ApiError::Code("error-user-is-offline"))
}

/// Re-routes an open room (locked by the caller) to `destination` and records the transfer.
/// On error nothing is written: the caller's transaction is dropped.
pub(super) async fn transfer(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &mut Room,
    inquiry: Option<&mut Inquiry>,
    by: &Transferrer,
    destination: Destination,
    comment: Option<&str>,
) -> ApiResult<()> {
    let Some(inquiry) = inquiry else {
        return Err(ApiError::Code(match destination {
            Destination::Agent(_) => "error-invalid-inquiry",
            Destination::Department { .. } => "error-transferring-inquiry",
        }));
    };
    let now = Timestamp::now();
    let previous = room.served_by.clone();
    let old_department_id = room.department_id.clone();
    let mut transfer_data = transfer_data(by, now);
    if let Some(comment) = comment.filter(|c| !c.is_empty()) {
        transfer_data["comment"] = json!(comment);
    }
    let next_agent = match &destination {
        Destination::Agent(agent) => {
            if previous.as_ref().is_some_and(|p| p.id == agent.id) {
                return Err(ApiError::Code("error-selected-agent-room-agent-are-same"));
            }
            transfer_data["scope"] = json!("agent");
            transfer_data["transferredTo"] =
                json!({ "_id": agent.id, "username": agent.username, "name": agent.name });
            Some(agent.clone())
        }
        Destination::Department { department, agent } => {
            if room.department_id.as_deref() == Some(department.id.as_str()) {
                return Err(ApiError::Code("error-forwarding-chat-same-department"));
            }
            if let Some(agent) = agent {
                let departments = exec.agent_departments(&agent.id).await?;
                if !departments.contains(&department.id) {
                    return Err(ApiError::Code("error-user-not-belong-to-department"));
                }
            }
            transfer_data["scope"] = json!("department");
            transfer_data["previousDepartment"] = json!(room.department_id);
            transfer_data["nextDepartment"] =
                json!({ "_id": department.id, "name": department.name });
            agent.clone()
        }
    };

    record_history(exec, room, by, transfer_data, now).await?;
    // The previous agent leaves: its slot is free again (inside this transaction, so a failed
    // transfer gives nothing back).
    if let Some(previous) = &previous {
        agent_leaves(exec, room, previous, now).await?;
    }
    if let Destination::Department { department, .. } = &destination {
        room.department_id = Some(department.id.clone());
        inquiry.department = Some(department.id.clone());
    }

    let limit = global_limit(settings);
    let assigned = match next_agent {
        Some(agent) => Some(
            exec.take_slot_of(&agent.id, limit, now)
                .await?
                .ok_or(ApiError::Code("error-agent-chat-limit-reached"))?,
        ),
        None if auto_routing(settings) => {
            let best = exec
                .take_agent_slot(room.department_id.as_deref(), limit, now)
                .await?;
            if best.is_some() && best.as_ref().map(|a| &a.id) == previous.as_ref().map(|p| &p.id) {
                return Err(ApiError::Code("error-no-agents-online-in-department"));
            }
            best
        }
        None => None,
    };
    match assigned {
        Some(agent) => serve(exec, settings, room, inquiry, &agent, now).await?,
        None => requeue(room, inquiry, now),
    }
    room.updated_at = now;
    exec.save_room(room).await?;
    exec.save_inquiry(inquiry).await?;
    super::sessions::refresh_session_chat(exec, room, now).await?;
    let forwarded = RoomEvent::Forwarded {
        old_department_id: old_department_id.as_deref(),
        old_served_by: previous.as_ref(),
    };
    queue_room_event(exec, settings, room, forwarded).await?;
    Ok(())
}

/// `transferData` with who moved the chat and when; the caller adds the scope and the rest.
pub(super) fn transfer_data(by: &Transferrer, now: Timestamp) -> serde_json::Value {
    json!({
        "transferredBy": {
            "_id": by.id,
            "username": by.username,
            "name": by.name,
            "type": by.kind,
        },
        "ts": now,
    })
}

/// The room's `livechat_transfer_history` message, what `transfer.history` lists.
pub(super) async fn record_history(
    exec: &mut Exec<'_>,
    room: &Room,
    by: &Transferrer,
    transfer_data: serde_json::Value,
    now: Timestamp,
) -> ApiResult<()> {
    let mut history = Message::system(
        "livechat_transfer_history",
        &room.id,
        String::new(),
        UserRef {
            id: by.id.clone(),
            username: by.username.clone(),
            name: None,
        },
        now,
    );
    history.transfer_data = Some(transfer_data);
    exec.insert_message(&history).await?;
    Ok(())
}

/// The serving agent leaves the room: its slot is given back, its console drops the chat
/// (`subscriptions-changed removed`) and the room shows a `ul` message.
pub(super) async fn agent_leaves(
    exec: &mut Exec<'_>,
    room: &Room,
    previous: &ServedBy,
    now: Timestamp,
) -> ApiResult<()> {
    exec.release_agent_slot(&previous.id).await?;
    super::published::record_subscription(exec, "removed", room, previous).await?;
    exec.insert_message(&Message::system(
        "ul",
        &room.id,
        previous.username.clone(),
        UserRef {
            id: previous.id.clone(),
            username: previous.username.clone(),
            name: None,
        },
        now,
    ))
    .await?;
    Ok(())
}

/// Puts the chat back in the queue, as a new arrival.
pub(super) fn requeue(room: &mut Room, inquiry: &mut Inquiry, now: Timestamp) {
    room.served_by = None;
    room.users_count = 1;
    room.queued_at = Some(now);
    inquiry.status = InquiryStatus::Queued;
    inquiry.queued_at = now;
    inquiry.taken_at = None;
    inquiry.updated_at = now;
}
