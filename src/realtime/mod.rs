//! Realtime over WebSocket: Meteor DDP as Rocket.Chat's clients speak it (`GET /websocket`).
//!
//! Changes are recorded as events in the transaction that makes them (`store::events`); the
//! dispatcher reads them once committed and the hub fans them out to this process's
//! subscribers, so every process sharing a PostgreSQL database delivers every event.

mod dispatcher;
mod hub;
mod methods;
mod session;
mod streams;

use std::sync::Arc;

use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

pub use hub::Hub;

use crate::accounts::Accounts;
use crate::config::Config;
use crate::livechat::Livechat;
use crate::store::Store;

/// Everything a DDP connection needs; cheap to clone.
#[derive(Clone)]
pub struct Realtime {
    pub hub: Arc<Hub>,
    pub livechat: Livechat,
    pub accounts: Accounts,
    pub ping_seconds: u64,
    pub queue_frames: usize,
    pub max_frame_bytes: usize,
}

impl Realtime {
    pub fn new(livechat: Livechat, accounts: Accounts, config: &Config) -> Realtime {
        Realtime {
            hub: Hub::new(),
            livechat,
            accounts,
            ping_seconds: config.ddp_ping_seconds,
            queue_frames: config.ddp_queue_frames,
            max_frame_bytes: config.max_body_bytes,
        }
    }

    /// The task that delivers committed events to this process's subscribers.
    pub fn spawn_dispatcher(&self, store: Store) -> tokio::task::JoinHandle<()> {
        tokio::spawn(dispatcher::run(store, self.hub.clone()))
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

async fn upgrade(State(rt): State<Realtime>, ws: WebSocketUpgrade) -> Response {
    let limit = rt.max_frame_bytes;
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| session::serve(socket, rt))
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
