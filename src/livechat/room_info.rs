//! `POST livechat/room.saveInfo` (reference §3.16): the console's "edit visitor and room info".
//! The agent serving a room edits it and its visitor; editing anyone else's needs
//! `save-others-livechat-room-info` (managers). Custom fields are checked against their
//! definitions as `custom.fields` checks them; fields with no definition of that scope are
//! ignored, as Rocket.Chat ignores them.

use serde_json::Value;

use super::custom_fields::check_value;
use super::validate::{self, limits};
use super::visitors::store_visitor_change;
use super::Livechat;
use crate::accounts::permission_table::Permissions;
use crate::accounts::permissions::permission::SAVE_OTHERS_LIVECHAT_ROOM_INFO;
use crate::error::{ApiError, ApiResult};
use crate::model::{
    CustomData, CustomFieldDefinition, CustomFieldScope, EmailAddress, PhoneNumber, Room, User,
};
use crate::time::Timestamp;

/// How many tags one room may carry.
pub const MAX_TAGS: usize = 100;

/// `guestData`: absent fields are left alone; an empty e-mail or phone removes it.
#[derive(Debug, Default)]
pub struct GuestData {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub livechat_data: Option<CustomData>,
}

/// `roomData`: absent fields are left alone; an empty topic removes it; `tags` replaces the
/// list.
#[derive(Debug, Default)]
pub struct RoomData {
    pub id: String,
    pub topic: Option<String>,
    pub tags: Option<Vec<String>>,
    pub livechat_data: Option<CustomData>,
}

impl GuestData {
    fn changes_anything(&self) -> bool {
        self.name.is_some()
            || self.email.is_some()
            || self.phone.is_some()
            || self.livechat_data.is_some()
    }

    /// Bounds and formats, before anything is read; the e-mail comes back normalised.
    fn validate(&mut self) -> ApiResult<()> {
        validate::required("guestData._id", Some(&self.id), limits::ID)?;
        validate::optional("guestData.name", self.name.as_deref(), limits::NAME)?;
        validate::optional("guestData.phone", self.phone.as_deref(), limits::PHONE)?;
        if let Some(email) = &mut self.email {
            validate::within("guestData.email", email, limits::EMAIL)?;
            *email = email.trim().to_lowercase();
            if !email.is_empty() && !validate::is_email(email) {
                return Err(ApiError::meteor(
                    "error-invalid-email",
                    format!("Invalid email {email}"),
                ));
            }
        }
        validate_custom_data("guestData.livechatData", self.livechat_data.as_ref())
    }
}

impl RoomData {
    fn validate(&self) -> ApiResult<()> {
        validate::required("roomData._id", Some(&self.id), limits::ID)?;
        validate::optional("roomData.topic", self.topic.as_deref(), limits::TITLE)?;
        if let Some(tags) = &self.tags {
            if tags.len() > MAX_TAGS {
                return Err(ApiError::invalid(format!(
                    "'roomData.tags' must NOT have more than {MAX_TAGS} items"
                )));
            }
            for tag in tags {
                validate::within("roomData.tags", tag, limits::NAME)?;
            }
        }
        validate_custom_data("roomData.livechatData", self.livechat_data.as_ref())
    }
}

fn validate_custom_data(field: &str, data: Option<&CustomData>) -> ApiResult<()> {
    let Some(data) = data else { return Ok(()) };
    if data.len() > limits::CUSTOM_FIELDS_PER_REQUEST {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have more than {} properties",
            limits::CUSTOM_FIELDS_PER_REQUEST
        )));
    }
    for (key, value) in data {
        validate::within(field, key, limits::CUSTOM_FIELD_KEY)?;
        let Value::String(value) = value else {
            return Err(ApiError::invalid(format!("'{field}.{key}' must be string")));
        };
        validate::within(field, value, limits::CUSTOM_FIELD_VALUE)?;
    }
    Ok(())
}

/// Merges the defined fields of `scope` from `input` into `stored`, each value checked first;
/// an empty value removes the field (Rocket.Chat unsets it).
fn merge_custom_data(
    stored: &mut Option<CustomData>,
    input: Option<&CustomData>,
    definitions: &[CustomFieldDefinition],
    scope: CustomFieldScope,
) -> ApiResult<()> {
    let Some(input) = input else { return Ok(()) };
    for (key, value) in input {
        let Some(definition) = definitions
            .iter()
            .find(|d| &d.id == key && d.scope == scope)
        else {
            continue;
        };
        let value = value.as_str().unwrap_or_default().trim();
        if value.is_empty() {
            if let Some(data) = stored.as_mut() {
                data.remove(key);
            }
            continue;
        }
        check_value(definition, value)?;
        stored
            .get_or_insert_with(CustomData::new)
            .insert(key.clone(), Value::String(value.to_string()));
    }
    Ok(())
}

/// The agent serving `room`, or anyone with `save-others-livechat-room-info`.
fn may_edit(permissions: &Permissions, user: &User, room: &Room) -> ApiResult<()> {
    let serves = room.served_by.as_ref().is_some_and(|s| s.id == user.id);
    if serves || permissions.has(&user.roles, SAVE_OTHERS_LIVECHAT_ROOM_INFO) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}

impl Livechat {
    /// Saves both halves in one transaction: a bad custom field value changes nothing. The
    /// visitor must be the room's own: the right to edit a room is not a right to edit every
    /// visitor.
    pub async fn save_room_info(
        &self,
        user: &User,
        mut guest: GuestData,
        room_data: RoomData,
    ) -> ApiResult<()> {
        guest.validate()?;
        room_data.validate()?;
        let room = self
            .store()
            .read()
            .await?
            .exec()
            .room_by_id(&room_data.id)
            .await?
            .filter(|r| r.t == "l")
            .ok_or(ApiError::Code("error-invalid-room"))?;
        may_edit(self.permissions(), user, &room)?;
        if room.v.id != guest.id {
            return Err(ApiError::Code("error-invalid-visitor"));
        }

        let mut tx = self.store().begin().await?;
        let definitions = tx.exec().custom_fields().await?;
        // The visitor first, then the room, as every other writer locks them.
        let mut visitor = tx
            .exec()
            .visitor_for_update(&room.v.token)
            .await?
            .ok_or(ApiError::Code("error-invalid-visitor"))?;
        let now = Timestamp::now();
        if guest.changes_anything() {
            if let Some(name) = guest.name.as_deref().map(str::trim) {
                visitor.name = Some(name.to_string()).filter(|n| !n.is_empty());
            }
            if let Some(email) = &guest.email {
                visitor.visitor_emails = (!email.is_empty()).then(|| {
                    vec![EmailAddress {
                        address: email.clone(),
                    }]
                });
            }
            if let Some(phone) = guest.phone.as_deref().map(str::trim) {
                visitor.phone = (!phone.is_empty()).then(|| {
                    vec![PhoneNumber {
                        phone_number: phone.to_string(),
                    }]
                });
            }
            merge_custom_data(
                &mut visitor.livechat_data,
                guest.livechat_data.as_ref(),
                &definitions,
                CustomFieldScope::Visitor,
            )?;
            visitor.updated_at = now;
            store_visitor_change(&mut tx.exec(), &visitor).await?;
        }

        let mut room = tx
            .exec()
            .room_for_update(&room_data.id)
            .await?
            .ok_or(ApiError::Code("error-invalid-room"))?;
        // Checked again under the lock: the chat may have been forwarded meanwhile.
        may_edit(self.permissions(), user, &room)?;
        room.fname = visitor.display_name().to_string();
        if let Some(topic) = room_data.topic.as_deref().map(str::trim) {
            room.topic = Some(topic.to_string()).filter(|t| !t.is_empty());
        }
        if let Some(tags) = room_data.tags {
            let mut tags: Vec<String> = tags
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            tags.dedup();
            room.tags = Some(tags);
        }
        merge_custom_data(
            &mut room.livechat_data,
            room_data.livechat_data.as_ref(),
            &definitions,
            CustomFieldScope::Room,
        )?;
        room.updated_at = now;
        tx.exec().save_room(&room).await?;
        if !room.is_open() {
            let edited = super::webhook_events::RoomEvent::Edited;
            super::webhook_events::queue_room_event(
                &mut tx.exec(),
                &self.settings(),
                &room,
                edited,
            )
            .await?;
        }
        Ok(tx.commit().await?)
    }
}
