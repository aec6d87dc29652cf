//! The courier of CRM webhooks (`kind` "webhook", queued by `livechat::webhook_events`):
//! POSTs the stored body to `Livechat_webhookUrl` through [`SafeHttp`], as Rocket.Chat does:
//! header `X-RocketChat-Livechat-Token` only when `Livechat_secret_token` is set, timeout
//! `Livechat_http_timeout`, only HTTP 200 counts, otherwise again every 4 × timeout, 10
//! attempts in all; the CRM's answer is kept as the room's `crmData`. The URL, the secret and
//! the timeout are read at each attempt, so a change applies to waiting deliveries at once.

use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;

use super::safe_http::{HttpOutcome, SafeHttp};
use super::{Courier, Undelivered};
use crate::livechat::webhook_events::WEBHOOK;
use crate::livechat::{Livechat, Settings};

/// Attempts in all (Rocket.Chat's `sendRequest` tries 10 times).
pub const ATTEMPTS: u32 = 10;
/// `Livechat_http_timeout` when unset or unreadable (ms).
const DEFAULT_TIMEOUT_MS: u64 = 5_000;
/// The longest timeout honoured: bounds the outbox's claim on a delivery.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(60);
pub const TOKEN_HEADER: &str = "X-RocketChat-Livechat-Token";

pub struct WebhookCourier {
    livechat: Livechat,
    http: SafeHttp,
}

impl WebhookCourier {
    pub fn new(livechat: Livechat, http: SafeHttp) -> WebhookCourier {
        WebhookCourier { livechat, http }
    }
}

/// `Livechat_http_timeout`, a number or numeric text of milliseconds, at most a minute.
pub fn http_timeout(settings: &Settings) -> Duration {
    let value = settings.get("Livechat_http_timeout");
    let ms = value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|ms| *ms > 0)
        .unwrap_or(DEFAULT_TIMEOUT_MS);
    Duration::from_millis(ms).min(LONGEST_TIMEOUT)
}

/// One POST of `body` to the configured URL with the configured secret and timeout.
pub async fn post(
    http: &SafeHttp,
    settings: &Settings,
    body: &Value,
) -> Result<String, Undelivered> {
    let url = settings.str("Livechat_webhookUrl").trim();
    if url.is_empty() {
        return Err(Undelivered::permanent(
            "no webhook URL is set (Livechat_webhookUrl)",
        ));
    }
    let secret = settings.str("Livechat_secret_token");
    let headers: Vec<(&str, &str)> = if secret.is_empty() {
        Vec::new()
    } else {
        vec![(TOKEN_HEADER, secret)]
    };
    match http
        .post_json(url, &headers, body, http_timeout(settings))
        .await
    {
        HttpOutcome::Answered { status: 200, body } => Ok(body),
        HttpOutcome::Answered { status, .. } => Err(Undelivered::retry(format!(
            "the CRM answered HTTP {status} (only 200 counts)"
        ))),
        HttpOutcome::Refused(reason) => Err(Undelivered::permanent(reason)),
        HttpOutcome::Failed(reason) => Err(Undelivered::retry(reason)),
    }
}

impl Courier for WebhookCourier {
    fn kind(&self) -> &'static str {
        WEBHOOK
    }

    fn deliver<'a>(&'a self, payload: &'a Value) -> BoxFuture<'a, Result<(), Undelivered>> {
        Box::pin(async move {
            let settings = self.livechat.settings();
            let answer = post(&self.http, &settings, payload).await?;
            // Rocket.Chat keeps the CRM's answer on the room (`crmData`); the delivery is done
            // either way, so a failure to store it is only logged.
            if let Some(rid) = payload.get("_id").and_then(Value::as_str) {
                if let Err(err) = self.livechat.save_crm_data(rid, answer).await {
                    tracing::warn!(rid, error = %err, "storing the CRM's answer failed");
                }
            }
            Ok(())
        })
    }

    fn attempt_limit(&self) -> Duration {
        LONGEST_TIMEOUT
    }

    fn retry_delay(&self, attempts: u32) -> Option<Duration> {
        (attempts < ATTEMPTS).then(|| 4 * http_timeout(&self.livechat.settings()))
    }
}
