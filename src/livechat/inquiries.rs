//! The queue as agents see it (reference §3.11): listing waiting chats and taking one.
//! Taking is decided by the database: the inquiry row is locked and re-read, so of two agents
//! taking the same chat at once exactly one gets it.

use super::access::{can_read_room, sees_all_departments};
use super::routing::{global_limit, serve};
use super::Livechat;
use crate::accounts::permissions::permission::{MANAGE_LIVECHAT_AGENTS, VIEW_L_ROOM};
use crate::error::{ApiError, ApiResult};
use crate::model::{Inquiry, InquiryStatus, Room, User};
use crate::store::QueueFilter;
use crate::time::Timestamp;

impl Livechat {
    /// `GET livechat/inquiries.list` (`department` by id or name; unknown means all) and
    /// `inquiries.queued` (what `agent` may take; a plain agent naming a department it is not
    /// in is refused with `error-not-authorized`, as Rocket.Chat does).
    pub async fn queued_inquiries(
        &self,
        department: Option<&str>,
        agent: Option<&User>,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<Inquiry>, i64)> {
        let mut conn = self.store().read().await?;
        let department = match department.filter(|d| !d.is_empty()) {
            Some(key) => conn
                .exec()
                .department_by_id_or_name(key)
                .await?
                .map(|d| d.id),
            None => None,
        };
        if let (Some(id), Some(agent)) = (&department, agent) {
            let own = sees_all_departments(self.permissions(), agent)
                || conn.exec().agent_departments(&agent.id).await?.contains(id);
            if !own {
                return Err(ApiError::Code("error-not-authorized"));
            }
        }
        let filter = match (&department, agent) {
            (Some(id), _) => QueueFilter::Department(id),
            (None, Some(agent)) => QueueFilter::VisibleTo(&agent.id),
            (None, None) => QueueFilter::All,
        };
        Ok(conn.exec().queued_page(filter, offset, count).await?)
    }

    /// `GET livechat/inquiries.getOne?roomId=`: the inquiry of a room `user` may read (the
    /// room-read rule: served by it, queued where it could take it, or a manager); `null` when
    /// there is no such room, `error-not-allowed` when the room is someone else's.
    pub async fn inquiry_of_room(&self, user: &User, rid: &str) -> ApiResult<Option<Inquiry>> {
        let mut conn = self.store().read().await?;
        let Some(room) = conn.exec().room_by_id(rid).await?.filter(|r| r.t == "l") else {
            return Ok(None);
        };
        if !can_read_room(&mut conn.exec(), self.permissions(), user, &room).await? {
            return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
        }
        Ok(conn.exec().inquiry_by_room(rid).await?)
    }

    /// `POST livechat/inquiries.take`: `taker` takes the chat (for itself, or for `for_user`).
    pub async fn take_inquiry(
        &self,
        taker: &User,
        inquiry_id: &str,
        for_user: Option<&str>,
    ) -> ApiResult<Inquiry> {
        let mut tx = self.store().begin().await?;
        let agent = match for_user.filter(|id| *id != taker.id) {
            Some(id) => {
                // Handing a chat to someone else is a manager's call.
                if !self.permissions().has(&taker.roles, MANAGE_LIVECHAT_AGENTS) {
                    return Err(ApiError::Forbidden);
                }
                tx.exec()
                    .user_by_id(id)
                    .await?
                    .ok_or(ApiError::Code("The user is invalid"))?
            }
            None => taker.clone(),
        };
        if !self.permissions().has(&agent.roles, VIEW_L_ROOM) {
            return Err(ApiError::meteor("error-not-allowed", "Invalid User"));
        }
        let not_found = || ApiError::meteor("error-not-found", "Inquiry not found");
        let rid = tx
            .exec()
            .inquiry_by_id(inquiry_id)
            .await?
            .ok_or_else(not_found)?
            .rid;
        // Room, then inquiry (the lock order everywhere); the inquiry is read again under its
        // lock, so of two agents taking it at once the second sees it taken.
        let mut room = tx
            .exec()
            .room_for_update(&rid)
            .await?
            .filter(Room::is_open)
            .ok_or_else(not_found)?;
        let mut inquiry = tx
            .exec()
            .inquiry_for_update(inquiry_id)
            .await?
            .ok_or_else(not_found)?;
        if inquiry.status == InquiryStatus::Taken {
            return Err(ApiError::meteor(
                "error-inquiry-taken",
                "Inquiry already taken",
            ));
        }
        // A plain agent takes only what its queue shows: chats of its departments or of none.
        // (A manager handing the chat to someone, `for_user`, decides for them.)
        if agent.id == taker.id && !sees_all_departments(self.permissions(), taker) {
            if let Some(department) = &inquiry.department {
                if !tx
                    .exec()
                    .agent_departments(&taker.id)
                    .await?
                    .contains(department)
                {
                    return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
                }
            }
        }
        let now = Timestamp::now();
        let agent = tx
            .exec()
            .take_slot_of(&agent.id, global_limit(&self.settings()), now)
            .await?
            .ok_or_else(|| {
                ApiError::meteor(
                    "error-agent-status-service-offline",
                    "Agent status is offline or Omnichannel service is not active",
                )
            })?;
        let settings = self.settings();
        serve(
            &mut tx.exec(),
            &settings,
            &mut room,
            &mut inquiry,
            &agent,
            now,
        )
        .await?;
        tx.exec().save_room(&room).await?;
        tx.exec().save_inquiry(&inquiry).await?;
        super::sessions::refresh_session_chat(&mut tx.exec(), &room, now).await?;
        let taken = super::webhook_events::RoomEvent::Taken;
        super::webhook_events::queue_room_event(&mut tx.exec(), &settings, &room, taken).await?;
        tx.commit().await?;
        Ok(inquiry)
    }
}
