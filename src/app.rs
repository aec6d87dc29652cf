//! Building and running the server. `App::build` binds the listener first, so the caller knows
//! the address (tests bind port 0) before anything is served; `main` and the tests share it.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::accounts::Accounts;
use crate::config::Config;
use crate::http::{self, AppState, RateLimits};
use crate::livechat::Livechat;
use crate::outbox::{Courier, Outbox};
use crate::realtime::Realtime;
use crate::store::Store;

/// How often housekeeping runs (expired navigation history, idle rate-limit entries).
const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(600);
/// Business hours open and close on the minute; checking every 20 s keeps each process
/// within a third of a minute of Rocket.Chat's cron jobs.
const BUSINESS_HOURS_INTERVAL: Duration = Duration::from_secs(20);

pub struct App {
    listener: TcpListener,
    address: SocketAddr,
    livechat: Livechat,
    accounts: Accounts,
    limits: RateLimits,
    router: axum::Router,
    realtime: Realtime,
    outbox: Outbox,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let address = listener.local_addr()?;
        let store = Store::connect(&config).await?;
        let livechat = Livechat::start(store, &config)
            .await
            .map_err(|err| anyhow::anyhow!("starting the livechat service: {err}"))?;
        let accounts = Accounts::new(livechat.store().clone(), &config);
        if let (Some(username), Some(password)) = (&config.admin_username, &config.admin_password) {
            accounts
                .ensure_admin(username, password)
                .await
                .map_err(|err| anyhow::anyhow!("creating the first administrator: {err}"))?;
        }
        let setup_code = accounts
            .prepare_first_run()
            .await
            .map_err(|err| anyhow::anyhow!("checking for an administrator: {err}"))?;
        if let Some(code) = setup_code {
            tracing::warn!(
                "no administrator yet: open http://{}/ on this machine to create one, \
                 or use the set-up code {code} from another address",
                local_address(address)
            );
        }
        let widget = http::widget_build::WidgetBuild::from_config(&config)?;
        let limits = RateLimits::new(&config);
        limits
            .visitor_api
            .apply_settings(http::LimiterSettings::of(&livechat.settings()));
        let realtime = Realtime::new(
            livechat.clone(),
            accounts.clone(),
            limits.visitor_api.clone(),
            &config,
            address.port(),
        );
        realtime.start_presence().await?;
        let outbox = Outbox::new(livechat.store().clone(), couriers(&livechat, &config));
        let state = AppState {
            livechat: livechat.clone(),
            accounts: accounts.clone(),
            realtime: realtime.clone(),
            max_body_bytes: config.max_body_bytes,
            trust_proxy_headers: config.trust_proxy_headers,
            visitor_api_limit: limits.visitor_api.clone(),
            outbox: outbox.clone(),
            webhook_http: crate::outbox::safe_http::SafeHttp::new(
                config.allow_private_network_webhooks,
            ),
        };
        let router = http::router(state, &limits, widget).merge(realtime.clone().router());
        Ok(App {
            listener,
            address,
            livechat,
            accounts,
            limits,
            router,
            realtime,
            outbox,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The first-run set-up code while no administrator exists (the start-up log shows it
    /// too); `None` once one does. For a program embedding the app, such as the tests.
    pub fn setup_code(&self) -> Option<String> {
        self.accounts.setup_code()
    }

    pub fn backend_name(&self) -> &'static str {
        self.livechat.store().backend_name()
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests and closes the store.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(
            self.livechat.clone(),
            self.accounts.clone(),
            self.limits.clone(),
        ));
        let business_hours = tokio::spawn(business_hours_clock(self.livechat.clone()));
        let dispatcher = self
            .realtime
            .spawn_dispatcher(self.livechat.store().clone());
        let heartbeat = self.realtime.spawn_presence_heartbeat();
        let deliveries = self.outbox.spawn_worker();
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        housekeeping.abort();
        business_hours.abort();
        dispatcher.abort();
        heartbeat.abort();
        deliveries.abort();
        self.realtime.stop_presence().await;
        self.livechat.store().close().await;
        served.context("serving HTTP")
    }
}

/// Who sends each kind of delivery queued in the outbox (`crate::outbox`).
fn couriers(livechat: &Livechat, config: &Config) -> Vec<std::sync::Arc<dyn Courier>> {
    let mail = crate::mail::courier::MailCourier::new(livechat.clone());
    let webhooks = crate::outbox::webhook::WebhookCourier::new(
        livechat.clone(),
        crate::outbox::safe_http::SafeHttp::new(config.allow_private_network_webhooks),
    );
    vec![std::sync::Arc::new(mail), std::sync::Arc::new(webhooks)]
}

/// The address to open on this machine: the bound one, with a wildcard (`0.0.0.0`, `::`)
/// replaced by loopback.
fn local_address(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bound.port())
}

/// Pauses and resumes agents as the business hours close and open (idempotent, so every
/// process of a cluster may run it).
async fn business_hours_clock(livechat: Livechat) {
    let mut ticks = tokio::time::interval(BUSINESS_HOURS_INTERVAL);
    loop {
        ticks.tick().await;
        match livechat.apply_business_hours(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(changed) => tracing::info!(changed, "business hours changed agents' status"),
            Err(err) => tracing::warn!(error = %err, "applying business hours failed"),
        }
    }
}

async fn housekeeping(livechat: Livechat, accounts: Accounts, limits: RateLimits) {
    let mut ticks = tokio::time::interval(HOUSEKEEPING_INTERVAL);
    loop {
        ticks.tick().await;
        limits.forget_idle_clients();
        accounts.forget_idle_login_attempts();
        match livechat.purge_expired().await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "purged expired navigation history"),
            Err(err) => tracing::warn!(error = %err, "housekeeping failed"),
        }
    }
}
