//! Returning a served chat to the queue (Rocket.Chat's `returnRoomAsInquiry`, reference §4.7
//! scope `"queue"`): `livechat/inquiries.returnAsInquiry` and the DDP method
//! `livechat:returnAsInquiry`. It is a transfer to nobody, so it goes through the pieces of
//! `forward.rs`: the history message, the agent leaving (its slot freed), and the requeue. The
//! routing pass after commit may give the chat to an agent again (`Auto_Selection`), or it
//! waits for `inquiries.take` (`Manual_Selection`).

use serde_json::json;

use super::agent_chat::may_act_in;
use super::forward::{agent_leaves, record_history, requeue, transfer_data, Transferrer};
use super::Livechat;
use crate::accounts::permissions::permission::VIEW_LIVECHAT_ROOMS;
use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::time::Timestamp;

impl Livechat {
    /// Puts room `rid` back in the queue (of `department_id`, when given). `Ok(false)`, as in
    /// Rocket.Chat, when there was nothing to return: the chat is not served (already queued)
    /// or has no inquiry. Only the serving agent, or someone who may act in any room
    /// (`view-livechat-rooms`: managers, administrators), may do it.
    pub async fn return_as_inquiry(
        &self,
        caller: &User,
        rid: &str,
        department_id: Option<&str>,
    ) -> ApiResult<bool> {
        let mut tx = self.store().begin().await?;
        let mut room = tx
            .exec()
            .room_for_update(rid)
            .await?
            .filter(|r| r.t == "l")
            .ok_or(ApiError::meteor("error-invalid-room", "Invalid room"))?;
        if !may_act_in(self.permissions(), caller, &room, VIEW_LIVECHAT_ROOMS) {
            return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
        }
        if !room.is_open() {
            return Err(ApiError::meteor("room-closed", "Room closed"));
        }
        let Some(previous) = room.served_by.clone() else {
            return Ok(false);
        };
        let Some(mut inquiry) = tx.exec().inquiry_by_room(&room.id).await? else {
            return Ok(false);
        };
        let department = match department_id.filter(|d| !d.is_empty()) {
            Some(id) => Some(
                tx.exec()
                    .department_by_id_or_name(id)
                    .await?
                    .filter(|d| d.enabled)
                    .ok_or(ApiError::Code("error-invalid-department"))?,
            ),
            None => None,
        };

        let now = Timestamp::now();
        let by = Transferrer {
            id: caller.id.clone(),
            username: caller.username.clone(),
            name: Some(caller.name.clone()),
            kind: if previous.id == caller.id {
                "agent"
            } else {
                "user"
            },
        };
        let mut data = transfer_data(&by, now);
        data["scope"] = json!("queue");
        if let Some(department) = &department {
            data["departmentId"] = json!(department.id);
            data["previousDepartment"] = json!(room.department_id);
            room.department_id = Some(department.id.clone());
            inquiry.department = Some(department.id.clone());
        }
        record_history(&mut tx.exec(), &room, &by, data, now).await?;
        agent_leaves(&mut tx.exec(), &room, &previous, now).await?;
        requeue(&mut room, &mut inquiry, now);
        // The queue shows the conversation as it is now: the inquiry's last message stopped
        // following the room while the chat was served.
        inquiry.last_message = room.last_message.clone();
        room.updated_at = now;
        tx.exec().save_room(&room).await?;
        tx.exec().save_inquiry(&inquiry).await?;
        super::sessions::refresh_session_chat(&mut tx.exec(), &room, now).await?;
        // The widget learns it has no agent any more, as Rocket.Chat tells it on unassignment.
        super::published::record_agent_data(&mut tx.exec(), &room.id, None).await?;
        tx.commit().await?;
        tracing::info!(rid = %room.id, by = %caller.username, "chat returned to the queue");
        self.drain_queue_after_change().await;
        Ok(true)
    }
}
