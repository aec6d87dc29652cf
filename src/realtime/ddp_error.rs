//! A Meteor error as DDP methods and subscriptions answer it; depends on nothing else in
//! `realtime/`.

use serde_json::{json, Value};

use crate::error::ApiError;

/// A Meteor error as DDP carries it in `result.error` and `nosub.error`.
#[derive(Debug)]
pub struct DdpError {
    pub error: Value,
    pub reason: String,
}

impl DdpError {
    pub fn new(error: impl Into<Value>, reason: impl Into<String>) -> DdpError {
        DdpError {
            error: error.into(),
            reason: reason.into(),
        }
    }

    pub fn not_allowed() -> DdpError {
        DdpError::new("not-allowed", "Not allowed")
    }

    pub fn to_value(&self) -> Value {
        let code = match &self.error {
            Value::String(code) => code.clone(),
            other => other.to_string(),
        };
        json!({
            "isClientSafe": true,
            "error": self.error,
            "reason": self.reason,
            "message": format!("{} [{code}]", self.reason),
            "errorType": "Meteor.Error",
        })
    }
}

/// A domain error as a DDP method error: the same Meteor code and reason the REST answer
/// carries, so a client sees one vocabulary whichever way it called.
impl From<ApiError> for DdpError {
    fn from(err: ApiError) -> DdpError {
        match err {
            ApiError::Meteor { code, reason } => {
                let reason = reason.unwrap_or_else(|| code.to_string());
                DdpError::new(code, reason)
            }
            ApiError::Code(code) => DdpError::new(code, code),
            ApiError::Failure { text, code } => DdpError::new(code, text),
            ApiError::InvalidParams(text) => DdpError::new(400, text),
            ApiError::NotLoggedIn | ApiError::LoginFailed => {
                DdpError::new("error-invalid-user", "Invalid user")
            }
            ApiError::Forbidden | ApiError::Unauthorized => DdpError::not_allowed(),
            ApiError::TooManyRequests { retry_after_secs } => DdpError::new(
                "error-too-many-requests",
                format!(
                    "Error, too many requests. Please slow down. You must wait \
                     {retry_after_secs} seconds before trying this endpoint again."
                ),
            ),
            // Meteor hides internal failures from clients the same way.
            ApiError::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "DDP method failed");
                DdpError::new(500, "Internal server error")
            }
            other => DdpError::new(other.status().as_u16(), other.to_string()),
        }
    }
}
