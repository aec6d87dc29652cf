//! Routing: who serves a chat. With `Auto_Selection` a new chat goes to the available agent
//! (of its department, if it has one) with the fewest open chats, ties to whoever waited
//! longest since their last assignment; with nobody free it waits in the queue, which drains
//! in arrival order whenever a slot frees up. With `Manual_Selection` chats wait until an
//! agent takes them. The per-agent limit is held by the database (see `store::agents`).

use super::webhook_events::{queue_room_event, RoomEvent};
use super::widget::agent_info;
use super::{Livechat, Settings};
use crate::error::ApiResult;
use crate::model::{Inquiry, InquiryStatus, Message, Room, ServedBy, User, UserRef};
use crate::store::Exec;
use crate::time::Timestamp;

/// Inquiries looked at per routing pass.
const QUEUE_BATCH: i64 = 50;

pub(super) fn auto_routing(settings: &Settings) -> bool {
    settings.str("Livechat_Routing_Method") == "Auto_Selection"
}

pub(super) fn global_limit(settings: &Settings) -> i64 {
    settings.int("Livechat_maximum_chats_per_agent")
}

/// Tries to give the room an agent now; returns the agent if one took it.
pub(super) async fn assign_next_agent(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &mut Room,
    inquiry: &mut Inquiry,
    now: Timestamp,
) -> ApiResult<Option<User>> {
    if !auto_routing(settings) {
        return Ok(None);
    }
    let Some(agent) = exec
        .take_agent_slot(room.department_id.as_deref(), global_limit(settings), now)
        .await?
    else {
        return Ok(None);
    };
    serve(exec, settings, room, inquiry, &agent, now).await?;
    queue_room_event(exec, settings, room, RoomEvent::Taken).await?;
    Ok(Some(agent))
}

/// Records that `agent` (whose slot is already taken) serves the room, and tells the
/// visitor's widget who it is (`agentData` on `stream-livechat-room`, after commit).
pub(super) async fn serve(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &mut Room,
    inquiry: &mut Inquiry,
    agent: &User,
    now: Timestamp,
) -> ApiResult<()> {
    room.served_by = Some(ServedBy {
        id: agent.id.clone(),
        username: agent.username.clone(),
        ts: now,
    });
    room.users_count = 2;
    room.updated_at = now;
    inquiry.status = InquiryStatus::Taken;
    inquiry.taken_at = Some(now);
    inquiry.updated_at = now;
    let by = UserRef {
        id: agent.id.clone(),
        username: agent.username.clone(),
        name: Some(agent.name.clone()),
    };
    exec.insert_message(&Message::system(
        "command",
        &room.id,
        "connected".into(),
        by.clone(),
        now,
    ))
    .await?;
    exec.insert_message(&Message::system(
        "uj",
        &room.id,
        agent.username.clone(),
        by,
        now,
    ))
    .await?;
    let data = Some(agent_info(agent, settings));
    super::published::record_agent_data(exec, &room.id, data).await?;
    if let Some(served_by) = &room.served_by {
        super::published::record_subscription(exec, "inserted", room, served_by).await?;
    }
    tracing::info!(rid = %room.id, agent = %agent.username, "chat assigned");
    Ok(())
}

impl Livechat {
    /// Assigns queued chats, oldest first, while agents have free slots. Runs after anything
    /// that frees a slot or makes an agent available. Returns how many chats were assigned.
    pub async fn drain_queue(&self) -> ApiResult<usize> {
        let settings = self.settings();
        if !auto_routing(&settings) {
            return Ok(0);
        }
        let mut assigned = 0;
        loop {
            let queued = self
                .store()
                .read()
                .await?
                .exec()
                .servable_queued_inquiries(QUEUE_BATCH, global_limit(&settings))
                .await?;
            let mut progressed = false;
            for candidate in queued {
                if self.assign_queued(&settings, &candidate).await? {
                    progressed = true;
                    assigned += 1;
                }
            }
            if !progressed {
                return Ok(assigned);
            }
        }
    }

    /// Gives one queued chat an agent, in a transaction of its own so that no transaction
    /// ever holds two rooms' locks. `false` when it was served meanwhile or nobody can take it.
    async fn assign_queued(&self, settings: &Settings, candidate: &Inquiry) -> ApiResult<bool> {
        let mut tx = self.store().begin().await?;
        // Room, then inquiry: the lock order of every path that touches both. Another pass
        // may have served the chat since it was listed, so the inquiry is read again.
        let Some(mut room) = tx
            .exec()
            .room_for_update(&candidate.rid)
            .await?
            .filter(Room::is_open)
        else {
            return Ok(false);
        };
        let Some(mut inquiry) = tx
            .exec()
            .inquiry_for_update(&candidate.id)
            .await?
            .filter(|i| i.status == InquiryStatus::Queued)
        else {
            return Ok(false);
        };
        let now = Timestamp::now();
        if assign_next_agent(&mut tx.exec(), settings, &mut room, &mut inquiry, now)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        tx.exec().save_room(&room).await?;
        tx.exec().save_inquiry(&inquiry).await?;
        super::sessions::refresh_session_chat(&mut tx.exec(), &room, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Runs [`Livechat::drain_queue`], logging instead of failing the caller's request: the
    /// caller's own change is committed already, and the next pass will pick the queue up.
    pub async fn drain_queue_after_change(&self) {
        if let Err(err) = self.drain_queue().await {
            tracing::warn!(error = %err, "routing the queue failed");
        }
    }
}
