//! An agent editing and deleting its own replies (`chat.update`, `chat.delete`). Rocket.Chat's
//! rules: only the author may change a message (administrators any), while `Message_AllowEditing`
//! / `Message_AllowDeleting` allow it, and only in a room the agent may act in.

use serde_json::{json, Value};

use super::agent_chat::{agent_ref, may_act_in};
use super::{is_last_message, Livechat};
use crate::accounts::permission_table::Permissions;
use crate::accounts::permissions::permission::{DELETE_MESSAGE, EDIT_MESSAGE, VIEW_LIVECHAT_ROOMS};
use crate::error::{ApiError, ApiResult};
use crate::model::{Message, Room, User};
use crate::store::Tx;
use crate::time::Timestamp;

impl Livechat {
    /// `POST chat.update`: replaces the text of the agent's message `msg_id` in room `rid`.
    pub async fn update_agent_message(
        &self,
        user: &User,
        rid: &str,
        msg_id: &str,
        text: &str,
    ) -> ApiResult<Message> {
        let settings = self.settings();
        super::messages::check_text(&settings, text)?;
        let mut tx = self.store().begin().await?;
        let (mut room, mut message) =
            message_in_room(&mut tx, self.permissions(), user, rid, msg_id).await?;
        let own = message.t.is_none() && message.u.id == user.id;
        let allowed = self.permissions().has(&user.roles, EDIT_MESSAGE)
            || (own && settings.bool("Message_AllowEditing"));
        if !allowed {
            return Err(ApiError::meteor(
                "error-action-not-allowed",
                "Message editing not allowed",
            ));
        }
        let now = Timestamp::now();
        message.msg = text.to_string();
        message.edited_at = Some(now);
        let mut editor = agent_ref(user);
        editor.name = None;
        message.edited_by = Some(editor);
        message.updated_at = now;
        tx.exec().save_message(&message).await?;
        if is_last_message(&room.last_message, msg_id) {
            room.last_message = Some(Box::new(message.clone()));
            room.updated_at = now;
            tx.exec().save_room(&room).await?;
        }
        tx.commit().await?;
        Ok(message)
    }

    /// `POST chat.delete`: removes the agent's message; answers Rocket.Chat's
    /// `{_id, ts, message: {_id, rid, u}}`.
    pub async fn delete_agent_message(
        &self,
        user: &User,
        rid: &str,
        msg_id: &str,
    ) -> ApiResult<Value> {
        let settings = self.settings();
        let mut tx = self.store().begin().await?;
        let (mut room, message) =
            message_in_room(&mut tx, self.permissions(), user, rid, msg_id).await?;
        let own = message.t.is_none() && message.u.id == user.id;
        let allowed = self.permissions().has(&user.roles, DELETE_MESSAGE)
            || (own && settings.bool("Message_AllowDeleting"));
        if !allowed {
            return Err(ApiError::meteor("error-action-not-allowed", "Not allowed"));
        }
        tx.exec().delete_message(&message).await?;
        let now = Timestamp::now();
        if is_last_message(&room.last_message, msg_id) {
            room.last_message = None;
            room.updated_at = now;
            tx.exec().save_room(&room).await?;
        }
        tx.commit().await?;
        Ok(json!({
            "_id": msg_id,
            "ts": now,
            "message": { "_id": message.id, "rid": message.rid, "u": message.u },
        }))
    }
}

/// The open room `rid` (locked) and its message `msg_id`, if `user` may act in the room.
async fn message_in_room(
    tx: &mut Tx,
    permissions: &Permissions,
    user: &User,
    rid: &str,
    msg_id: &str,
) -> ApiResult<(Room, Message)> {
    let message = tx
        .exec()
        .message_by_id(msg_id)
        .await?
        .ok_or_else(|| ApiError::Failure {
            text: format!("No message found with the id of \"{msg_id}\"."),
            code: "error-message-not-found",
        })?;
    if message.rid.as_deref() != Some(rid) {
        return Err(ApiError::Failure {
            text: "The room id provided does not match where the message is from.".into(),
            code: "error-room-mismatch",
        });
    }
    let room = tx
        .exec()
        .room_for_update(rid)
        .await?
        .ok_or(ApiError::meteor_code("error-invalid-room"))?;
    if room.t == "l" && !may_act_in(permissions, user, &room, VIEW_LIVECHAT_ROOMS) {
        return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
    }
    if !room.is_open() {
        return Err(ApiError::Code("room-closed"));
    }
    Ok((room, message))
}
