//! Registering, updating, reading and erasing visitors (reference §2.1–2.4, §4.1).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};

use super::custom_fields::{apply_to_visitor, CustomFieldInput};
use super::settings::Settings;
use super::validate::{self, limits};
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::input::objects;
use crate::model::{EmailAddress, PhoneNumber, Visitor};
use crate::store::{Exec, Inserted, PresenceKind};
use crate::time::Timestamp;

/// The `visitor` object of `POST livechat/visitor` (and of `session.updateVisitorSessionOnRegister`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitorInput {
    pub token: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub username: Option<String>,
    #[serde(default, deserialize_with = "objects")]
    pub custom_fields: Option<Vec<CustomFieldInput>>,
    /// The `_id` wanted for a new visitor (undocumented in the seeds, accepted by Rocket.Chat).
    pub id: Option<String>,
}

/// What the HTTP request tells about the visitor's browser, stored only when the
/// `Livechat_Allow_collect_and_store_HTTP_header_informations` setting allows it.
#[derive(Debug, Default, Clone)]
pub struct ClientInfo {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub host: Option<String>,
}

/// A registration request after validation.
struct Registration {
    token: String,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    department: Option<String>,
    username: Option<String>,
    id: Option<String>,
    custom_fields: Vec<CustomFieldInput>,
}

const VISITOR_STATUSES: [&str; 4] = ["online", "away", "busy", "offline"];
const MAX_REGISTRATION_ATTEMPTS: usize = 5;

impl VisitorInput {
    fn validate(self) -> ApiResult<Registration> {
        let token = validate::optional("visitor.token", self.token.as_deref(), limits::TOKEN)?
            .ok_or_else(|| ApiError::invalid("must have required property 'visitor.token'"))?;
        if token.trim().is_empty() {
            return Err(ApiError::meteor(
                "error-invalid-token",
                "Token cannot be empty",
            ));
        }
        validate::optional("visitor.name", self.name.as_deref(), limits::NAME)?;
        validate::optional("visitor.phone", self.phone.as_deref(), limits::PHONE)?;
        validate::optional(
            "visitor.department",
            self.department.as_deref(),
            limits::DEPARTMENT,
        )?;
        validate::optional("visitor.username", self.username.as_deref(), limits::NAME)?;
        let email = match self
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            None => None,
            Some(email) => {
                validate::within("visitor.email", email, limits::EMAIL)?;
                let email = email.to_lowercase();
                if !validate::is_email(&email) {
                    return Err(ApiError::meteor(
                        "error-invalid-email",
                        format!("Invalid email {email}"),
                    ));
                }
                Some(email)
            }
        };
        if let Some(id) = &self.id {
            if !ids::is_acceptable_client_id(id) {
                return Err(ApiError::invalid(
                    "'visitor.id' must be 1-64 letters, digits, '-', '_' or '.'",
                ));
            }
        }
        let custom_fields = self.custom_fields.unwrap_or_default();
        super::custom_fields::validate_inputs(&custom_fields)?;
        Ok(Registration {
            token: token.to_string(),
            name: self.name.filter(|n| !n.trim().is_empty()),
            email,
            phone: self.phone.filter(|p| !p.trim().is_empty()),
            department: self.department.filter(|d| !d.is_empty()),
            username: self.username.filter(|u| !u.trim().is_empty()),
            id: self.id,
            custom_fields,
        })
    }
}

impl Livechat {
    /// `GET livechat/visitor/:token`.
    pub async fn visitor(&self, token: &str) -> ApiResult<Visitor> {
        let mut conn = self.store().read().await?;
        conn.exec()
            .visitor_by_token(token)
            .await?
            .ok_or_else(|| ApiError::meteor_code("invalid-token"))
    }

    /// `POST livechat/visitor`: creates the visitor of a token, or updates it.
    ///
    /// Unlike Rocket.Chat, a visitor is matched by its token only, never by phone or e-mail:
    /// matching by those would hand an existing visitor's token (and so its conversations) to
    /// anyone who knows their phone number or address.
    pub async fn register_visitor(
        &self,
        input: VisitorInput,
        client: ClientInfo,
    ) -> ApiResult<Visitor> {
        let registration = input.validate()?;
        let settings = self.settings();
        let registration = Arc::new(registration);
        for _ in 0..MAX_REGISTRATION_ATTEMPTS {
            let (attempt, settings, client) =
                (registration.clone(), settings.clone(), client.clone());
            let outcome = self
                .store()
                .write(move |exec| {
                    Box::pin(async move { register(exec, &attempt, &settings, &client).await })
                })
                .await?;
            match outcome {
                Registered::Done(visitor) => return Ok(*visitor),
                Registered::Clash => {
                    if registration.username.is_some() || registration.id.is_some() {
                        self.refuse_taken_identity(&registration).await?;
                    }
                    // A concurrent registration of this token, or a guest-N clash: again.
                }
            }
        }
        Err(ApiError::meteor(
            "error-livechat-visitor-registration",
            "Error registering visitor",
        ))
    }

    /// A registration asked for a username or `_id` that belongs to another visitor.
    async fn refuse_taken_identity(&self, registration: &Registration) -> ApiResult<()> {
        let mut conn = self.store().read().await?;
        if conn
            .exec()
            .visitor_by_token(&registration.token)
            .await?
            .is_some()
        {
            return Ok(()); // the token was registered concurrently: retry as an update
        }
        Err(ApiError::meteor(
            "error-field-unavailable",
            "The username or id is already in use by another visitor",
        ))
    }

    /// `POST livechat/visitor.status`: the visitor's presence, mirrored on its rooms and session.
    pub async fn set_visitor_status(&self, token: &str, status: &str) -> ApiResult<()> {
        validate::required("token", Some(token), limits::TOKEN)?;
        if !VISITOR_STATUSES.contains(&status) {
            return Err(ApiError::invalid(format!(
                "'status' must be one of {}",
                VISITOR_STATUSES.join(", ")
            )));
        }
        let mut tx = self.store().begin().await?;
        let visitor = tx
            .exec()
            .visitor_for_update(token)
            .await?
            .ok_or_else(|| ApiError::meteor_code("invalid-token"))?;
        save_visitor_status(&mut tx.exec(), visitor, status).await?;
        Ok(tx.commit().await?)
    }

    /// The visitor's presence following its widget connections on every node: `online` while
    /// any live presence lease holds one (a status it set itself, such as `away`, is kept),
    /// `offline` once none does. Read under the visitor's row lock, so two nodes settling at
    /// once agree. A token that was never registered has nothing to settle.
    pub async fn settle_visitor_presence(&self, token: &str) -> ApiResult<()> {
        let mut tx = self.store().begin().await?;
        let Some(visitor) = tx.exec().visitor_for_update(token).await? else {
            return Ok(());
        };
        let connected = tx
            .exec()
            .is_presence_connected(PresenceKind::Visitor, token)
            .await?;
        let status = match (connected, visitor.status == "offline") {
            (true, true) => "online",
            (false, false) => "offline",
            _ => return Ok(()),
        };
        save_visitor_status(&mut tx.exec(), visitor, status).await?;
        Ok(tx.commit().await?)
    }

    /// `DELETE livechat/visitor/:token`: erases the visitor, its rooms, their messages,
    /// files and inquiries, its navigation history and its site session.
    pub async fn remove_visitor(&self, token: &str) -> ApiResult<Value> {
        let settings = self.settings();
        let mut tx = self.store().begin().await?;
        let visitor = tx
            .exec()
            .visitor_for_update(token)
            .await?
            .ok_or_else(|| ApiError::meteor_code("invalid-token"))?;
        let rooms = tx.exec().rooms_of_token(token).await?;
        let has_open_room = rooms.iter().any(|room| room.is_open());
        if has_open_room
            && !settings.bool("Livechat_Allow_collect_and_store_HTTP_header_informations")
        {
            return Err(ApiError::meteor(
                "visitor-has-open-rooms",
                "Cannot remove visitors with opened rooms",
            ));
        }
        // The files' records go with the rest; their bytes once that is committed.
        let mut stored_files = tx.exec().delete_visitor_uploads(token).await?;
        for room in &rooms {
            stored_files.extend(tx.exec().delete_room_uploads(&room.id).await?);
            tx.exec().delete_room_messages(&room.id).await?;
            tx.exec().delete_inquiry_of_room(&room.id).await?;
            tx.exec().delete_room(&room.id).await?;
        }
        tx.exec().delete_orphan_navigation(token).await?;
        tx.exec().delete_session(token).await?;
        if !tx.exec().delete_visitor(&visitor.id).await? {
            return Err(ApiError::meteor(
                "error-removing-visitor",
                "An error ocurred while deleting visitor",
            ));
        }
        tx.commit().await?;
        self.delete_stored_files(stored_files).await;
        Ok(json!({ "_id": visitor.id, "ts": Timestamp::now() }))
    }
}

/// Copies the fields a registration provides onto the visitor; absent fields are left alone.
fn apply_registration(
    visitor: &mut Visitor,
    registration: &Registration,
    department: Option<String>,
) {
    if let Some(name) = &registration.name {
        visitor.name = Some(name.clone());
    }
    if let Some(email) = &registration.email {
        visitor.visitor_emails = Some(vec![EmailAddress {
            address: email.clone(),
        }]);
    }
    if let Some(phone) = &registration.phone {
        visitor.phone = Some(vec![PhoneNumber {
            phone_number: phone.clone(),
        }]);
    }
    if department.is_some() {
        visitor.department = department;
    }
}

/// Saves a changed visitor (its `visitorData` event goes to its open rooms) and the copies
/// of it in its open room, inquiry and site session.
pub(super) async fn store_visitor_change(exec: &mut Exec<'_>, visitor: &Visitor) -> ApiResult<()> {
    exec.save_visitor(visitor).await?;
    refresh_open_rooms(exec, visitor).await?;
    refresh_session_visitor_info(exec, visitor).await
}

/// Keeps the copies of the visitor in its open rooms and their inquiries in step.
pub(super) async fn refresh_open_rooms(exec: &mut Exec<'_>, visitor: &Visitor) -> ApiResult<()> {
    let Some(mut room) = exec.open_room_of_token(&visitor.token).await? else {
        return Ok(());
    };
    room.fname = visitor.display_name().to_string();
    room.v.status = visitor.status.clone();
    room.v.phone = visitor.phone_number().map(str::to_string);
    room.updated_at = visitor.updated_at;
    exec.save_room(&room).await?;
    if let Some(mut inquiry) = exec.inquiry_by_room(&room.id).await? {
        inquiry.name = room.fname.clone();
        inquiry.v = room.v.clone();
        inquiry.updated_at = visitor.updated_at;
        exec.save_inquiry(&inquiry).await?;
    }
    Ok(())
}

/// The realtime-visitors view shows who a registered visitor is.
async fn refresh_session_visitor_info(exec: &mut Exec<'_>, visitor: &Visitor) -> ApiResult<()> {
    if let Some(mut session) = exec.session_for_update(&visitor.token).await? {
        session.visitor_info = Some(json!({
            "name": visitor.name,
            "email": visitor.email(),
            "phone": visitor.phone_number(),
            "username": visitor.username,
            "department": visitor.department,
        }));
        session.updated_at = visitor.updated_at;
        exec.save_session(&session).await?;
    }
    Ok(())
}

/// Sets a visitor's presence, mirrored on its open rooms and its site session.
async fn save_visitor_status(
    db: &mut Exec<'_>,
    mut visitor: Visitor,
    status: &str,
) -> ApiResult<()> {
    visitor.status = status.to_string();
    visitor.updated_at = Timestamp::now();
    db.save_visitor(&visitor).await?;
    refresh_open_rooms(db, &visitor).await?;
    if let Some(mut session) = db.session_for_update(&visitor.token).await? {
        super::sessions::set_presence(&mut session, status, visitor.updated_at);
        db.save_session(&session).await?;
    }
    Ok(())
}

/// What one attempt at a registration came to.
enum Registered {
    Done(Box<Visitor>),
    /// The new visitor's token, username or id was taken meanwhile: nothing was written.
    Clash,
}

/// One attempt at `POST livechat/visitor`, in one write: creates the visitor of the token or
/// updates it.
async fn register(
    exec: &mut Exec<'_>,
    registration: &Registration,
    settings: &Settings,
    client: &ClientInfo,
) -> ApiResult<Registered> {
    let department = match &registration.department {
        Some(key) => Some(
            exec.department_by_id_or_name(key)
                .await?
                .ok_or_else(|| {
                    ApiError::meteor(
                        "error-invalid-department",
                        "The provided department is invalid",
                    )
                })?
                .id,
        ),
        None => None,
    };
    let now = Timestamp::now();
    let mut visitor = match exec.visitor_for_update(&registration.token).await? {
        Some(existing) => existing,
        None => {
            // A requested name is kept only when no staff account has it (any case):
            // otherwise the visitor is `guest-N` like one that asked for nothing.
            let requested = match &registration.username {
                Some(name) if !exec.is_staff_username(name).await? => Some(name),
                _ => None,
            };
            let username = match requested {
                Some(username) => username.clone(),
                None => format!("guest-{}", exec.next_counter("guest").await?),
            };
            let mut visitor = Visitor {
                id: registration.id.clone().unwrap_or_else(ids::random_id),
                username,
                token: registration.token.clone(),
                status: "online".into(),
                ts: now,
                updated_at: now,
                name: None,
                visitor_emails: None,
                phone: None,
                department: None,
                livechat_data: None,
                last_chat: None,
                user_agent: None,
                ip: None,
                host: None,
            };
            if settings.bool("Livechat_Allow_collect_and_store_HTTP_header_informations") {
                visitor.user_agent = client.user_agent.clone();
                visitor.ip = client.ip.clone();
                visitor.host = client.host.clone();
            }
            apply_registration(&mut visitor, registration, department.clone());
            if exec.insert_visitor(&visitor).await? == Inserted::Duplicate {
                return Ok(Registered::Clash);
            }
            visitor
        }
    };
    apply_registration(&mut visitor, registration, department);
    visitor.status = "online".into();
    visitor.updated_at = now;
    let definitions = exec.custom_fields().await?;
    apply_to_visitor(&mut visitor, &registration.custom_fields, &definitions);
    store_visitor_change(exec, &visitor).await?;
    Ok(Registered::Done(Box::new(visitor)))
}
