//! Accounts of the people who answer chats: administrators, livechat managers and agents.
//! Logging in (password or resume token), authenticating requests, and administering users.

mod first_run;
mod login;
pub mod login_limits;
pub mod password_checks;
pub mod permission_table;
pub mod permissions;
pub mod secrets;

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

pub use first_run::{SetupOrigin, SetupRequest};

use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::livechat::published::record_agent_status;
use crate::model::{User, UserEmail};
use crate::store::{Inserted, PresenceKind, Store, Tx};
use crate::time::Timestamp;
use login_limits::LoginLimits;
use password_checks::PasswordChecks;
use permissions::{ADMIN, ROLES, USER};
use secrets::{dummy_hash, hash_login_token, Password};

const MAX_USERNAME: usize = 64;
const MAX_NAME: usize = 256;
const MAX_PASSWORD: usize = 1024;
const PRESENCE: [&str; 4] = ["online", "away", "busy", "offline"];

/// A successful login: who, the token to send as `X-Auth-Token`, and when it stops working.
pub struct LoginSession {
    pub user: User,
    pub token: String,
    pub expires: Timestamp,
}

/// `users.create` input (Rocket.Chat's names).
#[derive(Debug, Default, Deserialize)]
pub struct NewUser {
    pub username: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    pub roles: Option<Vec<String>>,
    pub active: Option<bool>,
    pub verified: Option<bool>,
}

/// `users.update` changes: every field optional.
#[derive(Debug, Default, Deserialize)]
pub struct UserChanges {
    pub username: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    pub roles: Option<Vec<String>>,
    pub active: Option<bool>,
}

#[derive(Clone)]
pub struct Accounts {
    store: Store,
    token_lifetime_ms: i64,
    /// Where every argon2 hash is computed, a bounded number at once.
    checks: PasswordChecks,
    /// Failed logins per client IP and per account name, for REST and DDP alike.
    limits: LoginLimits,
    /// What logins of unknown or inactive users are checked against (see `dummy_hash`).
    dummy_hash: Arc<str>,
    /// The one-time set-up code while no administrator exists (see `first_run`).
    setup_code: first_run::SetupCodeSlot,
}

impl Accounts {
    pub fn new(store: Store, config: &Config) -> Self {
        let days = i64::from(config.login_token_days.max(1));
        Accounts {
            store,
            token_lifetime_ms: days * 24 * 60 * 60 * 1000,
            checks: PasswordChecks::start(
                config.password_checks,
                Duration::from_millis(config.password_check_wait_ms),
            ),
            limits: LoginLimits::new(config),
            dummy_hash: dummy_hash().into(),
            setup_code: first_run::SetupCodeSlot::default(),
        }
    }

    /// Forgets login budgets that have refilled (housekeeping), bounding their memory.
    pub fn forget_idle_login_attempts(&self) {
        self.limits.forget_idle();
    }

    /// Creates the first administrator if no account has that username yet.
    pub async fn ensure_admin(&self, username: &str, password: &str) -> ApiResult<()> {
        let exists = self
            .store
            .read()
            .await?
            .exec()
            .user_by_login_name(username)
            .await?
            .is_some();
        if exists {
            return Ok(());
        }
        let admin = NewUser {
            username: Some(username.to_string()),
            name: Some("Administrator".into()),
            password: Some(password.to_string()),
            roles: Some(vec![ADMIN.into(), USER.into()]),
            ..NewUser::default()
        };
        self.create_user(admin).await?;
        tracing::info!(username, "created the first administrator");
        Ok(())
    }

    /// The user a request's `X-User-Id` / `X-Auth-Token` pair belongs to, if valid.
    pub async fn authenticate(&self, user_id: &str, token: &str) -> ApiResult<Option<User>> {
        let mut conn = self.store.read().await?;
        Ok(conn
            .exec()
            .user_by_login_token(&hash_login_token(token), Some(user_id), Timestamp::now())
            .await?)
    }

    /// `POST /api/v1/logout`: revokes the token used.
    pub async fn logout(&self, token: &str) -> ApiResult<()> {
        let mut tx = self.store.begin().await?;
        tx.exec()
            .delete_login_token(&hash_login_token(token))
            .await?;
        Ok(tx.commit().await?)
    }

    pub async fn user(&self, id: &str) -> ApiResult<User> {
        self.store
            .read()
            .await?
            .exec()
            .user_by_id(id)
            .await?
            .ok_or_else(invalid_user)
    }

    pub async fn user_by_username(&self, username: &str) -> ApiResult<User> {
        self.store
            .read()
            .await?
            .exec()
            .user_by_login_name(username)
            .await?
            .ok_or_else(invalid_user)
    }

    pub async fn users_page(&self, offset: i64, count: i64) -> ApiResult<(Vec<User>, i64)> {
        Ok(self
            .store
            .read()
            .await?
            .exec()
            .users_page(offset, count)
            .await?)
    }

    /// `users.create`.
    pub async fn create_user(&self, input: NewUser) -> ApiResult<User> {
        let (user, hash) = self.new_account(input).await?;
        let mut tx = self.store.begin().await?;
        insert_account(&mut tx, &user, &hash).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// `users.create`'s checks and defaults, and the password's hash: the account, not yet
    /// stored. Hashed here, before any transaction, which must not wait on a password-check
    /// thread.
    async fn new_account(&self, input: NewUser) -> ApiResult<(User, String)> {
        let username = check_username(input.username.as_deref())?;
        let password = required_text("password", input.password.as_deref(), MAX_PASSWORD)?;
        let name = input
            .name
            .as_deref()
            .map(|n| bounded("name", n, MAX_NAME))
            .transpose()?
            .unwrap_or(username);
        let email = input.email.as_deref().map(check_email).transpose()?;
        let mut roles = check_roles(input.roles)?.unwrap_or_else(|| vec![USER.into()]);
        if !roles.iter().any(|r| r == USER) {
            roles.push(USER.into());
        }
        let hash = self
            .checks
            .hash(Password::Plain(password.to_string()))
            .await?;
        let now = Timestamp::now();
        let user = User {
            id: ids::random_id(),
            username: username.to_string(),
            name: name.to_string(),
            emails: email
                .map(|address| {
                    vec![UserEmail {
                        address,
                        verified: input.verified.unwrap_or(false),
                    }]
                })
                .unwrap_or_default(),
            kind: "user".into(),
            roles,
            status: "offline".into(),
            status_connection: "offline".into(),
            status_default: None,
            status_livechat: "not-available".into(),
            active: input.active.unwrap_or(true),
            utc_offset: 0.0,
            livechat: None,
            last_login: None,
            created_at: now,
            updated_at: now,
        };
        Ok((user, hash))
    }

    /// `users.update`.
    pub async fn update_user(&self, id: &str, changes: UserChanges) -> ApiResult<User> {
        // Hashed before the transaction, which must not wait on a password-check thread.
        let new_hash = match changes.password.as_deref() {
            Some(password) => {
                let password = required_text("password", Some(password), MAX_PASSWORD)?;
                Some(
                    self.checks
                        .hash(Password::Plain(password.to_string()))
                        .await?,
                )
            }
            None => None,
        };
        let mut tx = self.store.begin().await?;
        let mut user = tx
            .exec()
            .user_for_update(id)
            .await?
            .ok_or_else(invalid_user)?;
        if let Some(username) = changes.username.as_deref() {
            user.username = check_username(Some(username))?.to_string();
        }
        if let Some(name) = changes.name.as_deref() {
            user.name = bounded("name", name, MAX_NAME)?.to_string();
        }
        if let Some(email) = changes.email.as_deref() {
            user.emails = vec![UserEmail {
                address: check_email(email)?,
                verified: false,
            }];
        }
        if let Some(roles) = check_roles(changes.roles)? {
            user.roles = roles;
        }
        if let Some(active) = changes.active {
            user.active = active;
            if !active {
                tx.exec().delete_user_login_tokens(id).await?;
            }
        }
        if let Some(hash) = &new_hash {
            tx.exec().set_password_hash(id, hash).await?;
        }
        user.updated_at = Timestamp::now();
        if tx.exec().save_user(&user).await? == Inserted::Duplicate {
            return Err(field_unavailable(&user));
        }
        tx.commit().await?;
        Ok(user)
    }

    /// `users.delete`.
    pub async fn delete_user(&self, id: &str) -> ApiResult<()> {
        let mut tx = self.store.begin().await?;
        if !tx.exec().delete_user(id).await? {
            return Err(invalid_user());
        }
        Ok(tx.commit().await?)
    }

    /// `users.setStatus`: the user's presence.
    pub async fn set_status(&self, id: &str, status: &str) -> ApiResult<User> {
        if !PRESENCE.contains(&status) {
            return Err(ApiError::invalid(format!(
                "'status' must be one of {}",
                PRESENCE.join(", ")
            )));
        }
        self.update_presence(id, |user| {
            user.status = status.to_string();
            user.status_connection = status.to_string();
            user.status_default = Some(status.to_string());
        })
        .await
    }

    /// Presence following the user's realtime connections on every node: online (in the
    /// status it chose) while any live presence lease holds a connection of it, offline once
    /// none does. The connections are read under the user's row lock, so when two nodes settle
    /// the same user at once the later one sees what the earlier one saw and more. Returns the
    /// user as it now is.
    pub async fn settle_connection_status(&self, id: &str) -> ApiResult<User> {
        let mut tx = self.store.begin().await?;
        let user = tx
            .exec()
            .user_for_update(id)
            .await?
            .ok_or_else(invalid_user)?;
        let connected = tx
            .exec()
            .is_presence_connected(PresenceKind::User, id)
            .await?;
        save_presence(tx, user, |user| {
            if connected {
                user.status = user.status_default.as_deref().unwrap_or("online").into();
                user.status_connection = "online".into();
            } else {
                user.status = "offline".into();
                user.status_connection = "offline".into();
            }
        })
        .await
    }

    /// Applies `change` to the user's presence fields under its row lock (see [`save_presence`]).
    async fn update_presence(&self, id: &str, change: impl FnOnce(&mut User)) -> ApiResult<User> {
        let mut tx = self.store.begin().await?;
        let user = tx
            .exec()
            .user_for_update(id)
            .await?
            .ok_or_else(invalid_user)?;
        save_presence(tx, user, change).await
    }
}

/// Applies `change` to a user locked in `tx`, saves when anything changed, and tells the
/// visitors it serves when its status did (`agentStatus`).
async fn save_presence(
    mut tx: Tx,
    mut user: User,
    change: impl FnOnce(&mut User),
) -> ApiResult<User> {
    let before = presence_of(&user);
    change(&mut user);
    if presence_of(&user) == before {
        return Ok(user);
    }
    user.updated_at = Timestamp::now();
    tx.exec().save_user(&user).await?;
    if user.status != before.0 {
        record_agent_status(&mut tx.exec(), &user.id, &user.status).await?;
    }
    tx.commit().await?;
    Ok(user)
}

fn presence_of(user: &User) -> (String, String, Option<String>) {
    (
        user.status.clone(),
        user.status_connection.clone(),
        user.status_default.clone(),
    )
}

/// Stores a [`Accounts::new_account`] in `tx`; `error-field-unavailable` when its username
/// or e-mail address is taken.
async fn insert_account(tx: &mut Tx, user: &User, hash: &str) -> ApiResult<()> {
    if tx.exec().insert_user(user, Some(hash)).await? == Inserted::Duplicate {
        return Err(field_unavailable(user));
    }
    Ok(())
}

fn invalid_user() -> ApiError {
    ApiError::meteor("error-invalid-user", "Invalid user")
}

fn field_unavailable(user: &User) -> ApiError {
    ApiError::meteor(
        "error-field-unavailable",
        format!(
            "{} or its e-mail address is already in use :(",
            user.username
        ),
    )
}

fn bounded<'a>(field: &str, value: &'a str, max: usize) -> ApiResult<&'a str> {
    if value.chars().count() > max {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have more than {max} characters"
        )));
    }
    Ok(value)
}

fn required_text<'a>(field: &str, value: Option<&'a str>, max: usize) -> ApiResult<&'a str> {
    match value {
        Some(v) if !v.trim().is_empty() => bounded(field, v, max),
        _ => Err(ApiError::invalid(format!(
            "must have required property '{field}'"
        ))),
    }
}

/// Usernames: 1-64 letters, digits, `.`, `_` or `-` (Rocket.Chat's default `UTF8_User_Names_Validation`).
fn check_username(value: Option<&str>) -> ApiResult<&str> {
    let username = required_text("username", value, MAX_USERNAME)?;
    let valid = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(ApiError::meteor(
            "error-invalid-username",
            format!("{username} is not a valid username"),
        ));
    }
    Ok(username)
}

fn check_email(value: &str) -> ApiResult<String> {
    let email = value.trim().to_lowercase();
    if !crate::livechat::is_email(&email) {
        return Err(ApiError::meteor(
            "error-invalid-email",
            format!("Invalid email {email}"),
        ));
    }
    Ok(email)
}

fn check_roles(roles: Option<Vec<String>>) -> ApiResult<Option<Vec<String>>> {
    let Some(roles) = roles else { return Ok(None) };
    if let Some(unknown) = roles.iter().find(|r| !ROLES.contains(&r.as_str())) {
        return Err(ApiError::meteor(
            "error-invalid-role",
            format!("{unknown} is not a role"),
        ));
    }
    Ok(Some(roles))
}
