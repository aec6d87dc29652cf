//! One error type for the whole API, and the table that turns it into Rocket.Chat's wire shapes.
//!
//! Rocket.Chat answers client mistakes with HTTP 400 and `{"success": false, "error": …}`; the
//! text of `error` depends on how the original code threw (see the reference, §1.4), and clients
//! display it, so each variant reproduces one of those forms. `errorType` is always present so a
//! client can branch on a stable code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Rocket.Chat's `throw new Error("code")`: the body's `error` is the bare code.
    #[error("{0}")]
    Code(&'static str),

    /// Rocket.Chat's `Meteor.Error(code[, reason])`: `error` is `"reason [code]"` or `"[code]"`.
    #[error("{}", meteor_text(code, reason.as_deref()))]
    Meteor {
        code: &'static str,
        reason: Option<String>,
    },

    /// `API.v1.failure("a sentence")`: `error` is the sentence; `errorType` a stable code.
    #[error("{text}")]
    Failure { text: String, code: &'static str },

    /// A request that does not match the endpoint's schema (missing field, wrong type, too long).
    #[error("{0} [invalid-params]")]
    InvalidParams(String),

    /// `API.v1.failure()`: a bare `{"success": false}` for operations that "returned false".
    #[error("the operation did not complete")]
    Failed,

    #[error("Request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },

    #[error("Error, too many requests. Please slow down. You must wait {retry_after_secs} seconds before trying this endpoint again. [error-too-many-requests]")]
    TooManyRequests { retry_after_secs: u64 },

    #[error("Resource not found")]
    NotFound,

    /// `API.v1.notFound("a sentence")`: 404 whose `error` is the sentence.
    #[error("{0}")]
    NotFoundBecause(&'static str),

    /// `livechat/agent.status` for a user who is not an agent (Rocket.Chat answers 404).
    #[error("Agent not found")]
    AgentNotFound,

    /// No valid `X-User-Id` / `X-Auth-Token` on a route that needs them.
    #[error("You must be logged in to do this.")]
    NotLoggedIn,

    /// Wrong credentials at login (the same answer whether or not the user exists).
    #[error("Unauthorized")]
    LoginFailed,

    /// Logged in, but the roles lack a permission the route requires.
    #[error("User does not have the permissions required for this action [error-unauthorized]")]
    Forbidden,

    /// `API.v1.unauthorized()`: a permission rule checked inside a handler refused the request
    /// (Rocket.Chat answers 403 with the bare word, unlike [`ApiError::Forbidden`]).
    #[error("unauthorized")]
    Unauthorized,

    /// A Meteor-shaped refusal (`"reason [code]"`) answered with 403: the request is
    /// well-formed but this caller may not do it (e.g. the first-run set-up).
    #[error("{reason} [{code}]")]
    Refused { code: &'static str, reason: String },

    /// The database cannot be reached (restarting, failing over, every connection busy):
    /// 503 with `Retry-After`, so load balancers and clients retry instead of giving up.
    #[error("The service is temporarily unavailable, try again shortly")]
    Unavailable,

    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

fn meteor_text(code: &str, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!("{reason} [{code}]"),
        None => format!("[{code}]"),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn meteor(code: &'static str, reason: impl Into<String>) -> Self {
        ApiError::Meteor {
            code,
            reason: Some(reason.into()),
        }
    }

    pub fn meteor_code(code: &'static str) -> Self {
        ApiError::Meteor { code, reason: None }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::InvalidParams(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound | ApiError::NotFoundBecause(_) | ApiError::AgentNotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::NotLoggedIn | ApiError::LoginFailed => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::Unauthorized | ApiError::Refused { .. } => {
                StatusCode::FORBIDDEN
            }
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn error_type(&self) -> Option<&'static str> {
        match self {
            ApiError::Code(code)
            | ApiError::Meteor { code, .. }
            | ApiError::Failure { code, .. }
            | ApiError::Refused { code, .. } => Some(code),
            ApiError::InvalidParams(_) => Some("invalid-params"),
            ApiError::PayloadTooLarge { .. } => Some("error-payload-too-large"),
            ApiError::TooManyRequests { .. } => Some("error-too-many-requests"),
            ApiError::NotFound | ApiError::NotFoundBecause(_) | ApiError::AgentNotFound => {
                Some("error-not-found")
            }
            ApiError::NotLoggedIn | ApiError::LoginFailed => Some("Unauthorized"),
            ApiError::Forbidden => Some("error-unauthorized"),
            ApiError::Unauthorized => Some("unauthorized"),
            ApiError::Unavailable => Some("error-unavailable"),
            ApiError::Internal(_) => Some("error-internal"),
            ApiError::Failed => None,
        }
    }

    fn body(&self) -> Value {
        match self {
            ApiError::Failed => json!({ "success": false }),
            // Rocket.Chat's authentication failures use the `status`/`message` envelope.
            ApiError::NotLoggedIn => json!({ "status": "error", "message": self.to_string() }),
            ApiError::LoginFailed => {
                json!({ "status": "error", "error": "Unauthorized", "message": "Unauthorized" })
            }
            ApiError::Internal(_) => {
                json!({ "success": false, "error": "Internal error occured", "errorType": "error-internal" })
            }
            other => json!({
                "success": false,
                "error": other.to_string(),
                "errorType": other.error_type(),
            }),
        }
    }
}

/// Seconds a client is asked to wait before retrying after a 503.
const RETRY_AFTER_UNAVAILABLE_SECS: u64 = 2;

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(err) => {
                tracing::warn!(error = %err, "database unavailable");
                ApiError::Unavailable
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        ApiError::Internal(err.into())
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        ApiError::Internal(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(err) = &self {
            tracing::error!(error = %format!("{err:#}"), "request failed");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        let retry_after = match self {
            ApiError::TooManyRequests { retry_after_secs } => Some(retry_after_secs),
            ApiError::Unavailable => Some(RETRY_AFTER_UNAVAILABLE_SECS),
            _ => None,
        };
        if let Some(value) = retry_after.and_then(|secs| secs.to_string().parse().ok()) {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meteor_errors_render_like_rocket_chat() {
        assert_eq!(
            ApiError::meteor_code("invalid-token").to_string(),
            "[invalid-token]"
        );
        assert_eq!(
            ApiError::meteor("no-agent-online", "Sorry, no online agents").to_string(),
            "Sorry, no online agents [no-agent-online]"
        );
        assert_eq!(ApiError::Code("invalid-room").to_string(), "invalid-room");
    }
}
