//! Realtime over WebSocket: Meteor DDP as Rocket.Chat's clients speak it (`GET /websocket`).
//!
//! Changes are recorded as events in the transaction that makes them (`store::events`); the
//! dispatcher reads them once committed and the hub fans them out to this process's
//! subscribers, so every process sharing a PostgreSQL database delivers every event.

mod agent_methods;
mod business_hour_methods;
mod custom_field_methods;
mod dispatcher;
mod hub;
mod mail_methods;
mod methods;
mod presence;
mod presence_lease;
mod queue_positions;
mod rest_calls;
mod session;
mod streams;
mod tag_methods;
mod trigger_methods;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Extension;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::Notify;

pub use hub::Hub;
use presence::Presence;
pub use rest_calls::MethodCall;

use crate::accounts::Accounts;
use crate::config::Config;
use crate::error::ApiError;
use crate::http::{client_ip, IpRateLimit};
use crate::livechat::Livechat;
use crate::store::Store;

/// Everything a DDP connection needs; cheap to clone.
#[derive(Clone)]
pub struct Realtime {
    pub hub: Arc<Hub>,
    pub livechat: Livechat,
    pub accounts: Accounts,
    pub presence: Arc<Presence>,
    /// Raised by the dispatcher when the inquiry queue changed.
    queue_changed: Arc<Notify>,
    pub ping_seconds: u64,
    pub queue_frames: usize,
    pub max_frame_bytes: usize,
    /// The REST visitor API's per-IP limit: subscriptions that name a visitor token spend it
    /// too, so tokens cannot be guessed faster over DDP than over REST.
    pub visitor_api_limit: IpRateLimit,
    trust_proxy_headers: bool,
}

impl Realtime {
    /// `port` is the one this process listens on: the default node id includes it.
    pub fn new(
        livechat: Livechat,
        accounts: Accounts,
        visitor_api_limit: IpRateLimit,
        config: &Config,
        port: u16,
    ) -> Realtime {
        let presence = Presence::new(
            livechat.clone(),
            accounts.clone(),
            config.effective_node_id(port),
            Duration::from_secs(config.presence_grace_seconds),
            Duration::from_secs(config.presence_lease_seconds.max(1)),
        );
        Realtime {
            hub: Hub::new(),
            presence,
            queue_changed: Arc::new(Notify::new()),
            livechat,
            accounts,
            ping_seconds: config.ddp_ping_seconds,
            queue_frames: config.ddp_queue_frames,
            max_frame_bytes: config.max_body_bytes,
            visitor_api_limit,
            trust_proxy_headers: config.trust_proxy_headers,
        }
    }

    /// The tasks that deliver committed events to this process's subscribers, and queue
    /// positions to its waiting visitors.
    pub fn spawn_dispatcher(&self, store: Store) -> tokio::task::JoinHandle<()> {
        let positions = queue_positions::run(
            self.livechat.clone(),
            self.hub.clone(),
            self.queue_changed.clone(),
        );
        let followers = dispatcher::Followers {
            queue_changed: self.queue_changed.clone(),
            permissions: self.livechat.permissions().clone(),
            livechat: self.livechat.clone(),
            visitor_api_limit: self.visitor_api_limit.clone(),
        };
        let dispatch = dispatcher::run(store, self.hub.clone(), followers);
        // One task, so aborting it at shutdown stops both.
        tokio::spawn(async move {
            tokio::join!(positions, dispatch);
        })
    }

    /// Claims this node's presence lease, clearing the connections a previous run of this
    /// node left (see `presence_lease.rs`); before anything is served.
    pub async fn start_presence(&self) -> anyhow::Result<()> {
        self.presence
            .start()
            .await
            .map_err(|err| anyhow::anyhow!("claiming the presence lease: {err}"))
    }

    /// The task that renews the presence lease and sweeps what dead nodes left.
    pub fn spawn_presence_heartbeat(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.presence.clone().run_heartbeat())
    }

    /// Gives the presence lease up at a graceful shutdown.
    pub async fn stop_presence(&self) {
        self.presence.stop().await;
    }

    pub fn router(self) -> Router {
        Router::new()
            .route("/websocket", get(upgrade))
            .with_state(self)
    }
}

/// Bytes a connection reads from its socket at a time. tungstenite allocates this buffer up
/// front for every connection (128 KiB by default, which made each idle DDP connection cost
/// about 150 KiB of server memory); clients send small frames, and a larger one is still read,
/// only in more steps.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The upgrade, remembering the client's address (by the same rule as REST's rate limits) for
/// the connection's login and visitor-token limits.
async fn upgrade(
    State(rt): State<Realtime>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let limit = rt.max_frame_bytes;
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let client = client_ip(&headers, peer, rt.trust_proxy_headers);
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| session::serve(socket, rt, client))
}

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
