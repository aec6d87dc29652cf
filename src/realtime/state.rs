//! `Realtime`: what every DDP connection shares (the hub, presence, the domain service, the
//! limits), and the background tasks that feed the hub.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::hub::Hub;
use super::presence::Presence;
use super::{dispatcher, queue_positions};
use crate::accounts::Accounts;
use crate::config::Config;
use crate::http::IpRateLimit;
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
    pub(super) trust_proxy_headers: bool,
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
}
