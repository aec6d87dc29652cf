//! `POST livechat/webhook.test` (`view-livechat-webhooks`): sends Rocket.Chat's sample
//! `LivechatSession` to the configured URL now, through the same SSRF-safe client, secret
//! header and timeout as the outbox's webhooks, and says whether the CRM answered 200.
//! Errors: no URL → `"Webhook URL is not set"`; anything else (refused address, network
//! error, a status other than 200) → `errorType: "error-invalid-webhook-response"` (Rocket.Chat's
//! code) with the reason as `error`, so the administrator sees why.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::{success, AppState};
use crate::accounts::permissions::permission::VIEW_LIVECHAT_WEBHOOKS;
use crate::error::{ApiError, ApiResult};
use crate::livechat::webhook_events::sample_payload;
use crate::outbox::webhook;

pub fn router() -> Router<AppState> {
    Router::new().route("/webhook.test", post(test))
}

async fn test(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_WEBHOOKS)?;
    let settings = state.livechat.settings();
    if settings.str("Livechat_webhookUrl").trim().is_empty() {
        return Err(ApiError::Failure {
            text: "Webhook URL is not set".into(),
            code: "error-webhook-url-not-set",
        });
    }
    match webhook::post(&state.webhook_http, &settings, &sample_payload()).await {
        Ok(_) => Ok(success(json!({}))),
        Err(undelivered) => {
            tracing::info!(reason = %undelivered.reason, "webhook test failed");
            Err(ApiError::Failure {
                text: undelivered.reason,
                code: "error-invalid-webhook-response",
            })
        }
    }
}
