//! Logging in, over REST or DDP: with a password (checked on the password-check threads, within
//! the login limits) or with a resume token.

use std::net::IpAddr;

use super::secrets::{hash_login_token, new_login_token, Password};
use super::{Accounts, LoginSession};
use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::time::Timestamp;

impl Accounts {
    /// Login (REST or DDP) with a username or e-mail and a password, from `client` (its IP,
    /// when known). Within the client's and the account's login budgets (`login_limits`);
    /// unknown users and wrong passwords get the same answer after the same work, so logins
    /// don't reveal which accounts exist.
    pub async fn login_with_password(
        &self,
        login: &str,
        password: Password,
        client: Option<IpAddr>,
    ) -> ApiResult<LoginSession> {
        let attempt = self.limits.attempt(client, Some(login))?;
        match self.check_password(login, password).await {
            Ok(user) => {
                self.limits.give_back(attempt);
                self.start_session(user).await
            }
            Err(ApiError::LoginFailed) => Err(ApiError::LoginFailed),
            Err(not_judged) => {
                self.limits.give_back(attempt);
                Err(not_judged)
            }
        }
    }

    /// The active user `login` names, if `password` is theirs. Unknown and inactive users are
    /// checked against the dummy hash, so they cost the same time as a wrong password.
    async fn check_password(&self, login: &str, password: Password) -> ApiResult<User> {
        let mut conn = self.store.read().await?;
        let user = conn
            .exec()
            .user_by_login_name(login)
            .await?
            .filter(|u| u.active);
        let hash = match &user {
            Some(user) => conn.exec().password_hash(&user.id).await?,
            None => None,
        };
        drop(conn);
        let (user, hash) = match (user, hash) {
            (Some(user), Some(hash)) => (Some(user), hash),
            _ => (None, self.dummy_hash.to_string()),
        };
        let verified = self.checks.verify(password, hash).await?;
        match user {
            Some(user) if verified => Ok(user),
            _ => Err(ApiError::LoginFailed),
        }
    }

    /// Login with `{resume: token}` from `client`: checks a token and returns it again. A
    /// failed resume counts against the client IP's login budget, a successful one does not.
    pub async fn resume(&self, token: &str, client: Option<IpAddr>) -> ApiResult<LoginSession> {
        let attempt = self.limits.attempt(client, None)?;
        let session = self.check_resume_token(token).await;
        if session.is_ok() {
            self.limits.give_back(attempt);
        }
        session
    }

    async fn check_resume_token(&self, token: &str) -> ApiResult<LoginSession> {
        let hash = hash_login_token(token);
        let mut conn = self.store.read().await?;
        let user = conn
            .exec()
            .user_by_login_token(&hash, None, Timestamp::now())
            .await?
            .ok_or(ApiError::LoginFailed)?;
        let expires = conn
            .exec()
            .login_token_expiry(&hash)
            .await?
            .ok_or(ApiError::LoginFailed)?;
        Ok(LoginSession {
            user,
            token: token.to_string(),
            expires,
        })
    }

    pub(super) async fn start_session(&self, mut user: User) -> ApiResult<LoginSession> {
        let token = new_login_token();
        let now = Timestamp::now();
        let expires = now.plus_millis(self.token_lifetime_ms);
        let mut tx = self.store.begin().await?;
        tx.exec()
            .insert_login_token(&hash_login_token(&token), &user.id, now, expires)
            .await?;
        user.last_login = Some(now);
        user.updated_at = now;
        tx.exec().save_user(&user).await?;
        tx.commit().await?;
        Ok(LoginSession {
            user,
            token,
            expires,
        })
    }
}
