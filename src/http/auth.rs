//! Authenticated requests: the `X-User-Id` + `X-Auth-Token` pair, and permission checks.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::AppState;
use crate::accounts::permission_table::Permissions;
use crate::error::{ApiError, ApiResult};
use crate::model::User;

/// The logged-in user of a request; extracting it answers 401 when the headers are missing
/// or do not name a valid, unexpired login.
pub struct Authenticated {
    pub user: User,
    pub token: String,
    /// The app's permission table, for checks made while handling the request.
    pub permissions: Permissions,
}

impl Authenticated {
    /// 403 unless the user's roles grant `permission`.
    pub fn require(&self, permission: &str) -> ApiResult<()> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Whether the user's roles grant `permission` (as the table stands now).
    pub fn may(&self, permission: &str) -> bool {
        self.permissions.has(&self.user.roles, permission)
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
        };
        let (Some(user_id), Some(token)) = (header("x-user-id"), header("x-auth-token")) else {
            return Err(ApiError::NotLoggedIn);
        };
        if user_id.len() > 64 || token.len() > 256 {
            return Err(ApiError::NotLoggedIn);
        }
        let user = state
            .accounts
            .authenticate(user_id, token)
            .await?
            .ok_or(ApiError::NotLoggedIn)?;
        Ok(Authenticated {
            user,
            token: token.to_string(),
            permissions: state.livechat.permissions().clone(),
        })
    }
}
