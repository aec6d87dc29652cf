//! Per-client-IP rate limits for the unauthenticated API (GCRA, via `governor`), and which
//! address a request comes from.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;
use crate::livechat::settings::Settings;

type KeyedLimiter = DefaultKeyedRateLimiter<IpAddr>;

/// A keyed limiter, or none when the rate is 0 or the limiter is switched off. The visitor
/// API's may be re-shaped at run time by Rocket.Chat's `API_Enable_Rate_Limiter*` settings
/// ([`IpRateLimit::apply_settings`]); every clone sees the change at once.
#[derive(Clone)]
pub struct IpRateLimit {
    state: Arc<RwLock<LimiterState>>,
    trust_proxy_headers: bool,
}

struct LimiterState {
    limiter: Option<Arc<KeyedLimiter>>,
    /// The configured shape (`rate_limit_per_minute`, `rate_limit_burst`), used while the
    /// settings leave the number of calls at 0.
    configured: (u32, u32),
    /// The settings the limiter was last shaped by, so an unrelated settings change keeps
    /// every client's allowance as it stands.
    shaped_by: Option<LimiterSettings>,
}

/// Rocket.Chat's three settings of its REST limiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimiterSettings {
    pub enabled: bool,
    /// Calls per period; 0: the configured shape.
    pub calls: u32,
    pub period_ms: u64,
}

fn per_minute_limiter(per_minute: u32, burst: u32) -> Option<Arc<KeyedLimiter>> {
    NonZeroU32::new(per_minute).map(|rate| {
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Arc::new(RateLimiter::keyed(
            Quota::per_minute(rate).allow_burst(burst),
        ))
    })
}

impl LimiterSettings {
    /// The limiter's settings as they stand now.
    pub fn of(settings: &Settings) -> Self {
        LimiterSettings {
            enabled: settings.bool("API_Enable_Rate_Limiter"),
            calls: u32::try_from(settings.int("API_Enable_Rate_Limiter_Limit_Calls_Default"))
                .unwrap_or(0),
            period_ms: u64::try_from(settings.int("API_Enable_Rate_Limiter_Limit_Time_Default"))
                .unwrap_or(60_000),
        }
    }
}

impl IpRateLimit {
    pub fn new(per_minute: u32, burst: u32, trust_proxy_headers: bool) -> Self {
        IpRateLimit {
            state: Arc::new(RwLock::new(LimiterState {
                limiter: per_minute_limiter(per_minute, burst),
                configured: (per_minute, burst),
                shaped_by: None,
            })),
            trust_proxy_headers,
        }
    }

    fn limiter(&self) -> Option<Arc<KeyedLimiter>> {
        match self.state.read() {
            Ok(state) => state.limiter.clone(),
            Err(poisoned) => poisoned.into_inner().limiter.clone(),
        }
    }

    /// Re-shapes the limiter after Rocket.Chat's settings: off, the configured shape (0
    /// calls), or `calls` per `period_ms` with all of them allowed at once (Rocket.Chat's
    /// fixed window, as a bucket that refills evenly). Unchanged settings change nothing.
    pub fn apply_settings(&self, settings: LimiterSettings) {
        let mut state = match self.state.write() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        if state.shaped_by == Some(settings) {
            return;
        }
        let (per_minute, burst) = state.configured;
        state.limiter = match (settings.enabled, NonZeroU32::new(settings.calls)) {
            (false, _) => None,
            (true, None) => per_minute_limiter(per_minute, burst),
            (true, Some(calls)) => {
                let period = Duration::from_millis(settings.period_ms.max(1));
                let each = (period / calls.get()).max(Duration::from_nanos(1));
                Quota::with_period(each)
                    .map(|quota| Arc::new(RateLimiter::keyed(quota.allow_burst(calls))))
            }
        };
        state.shaped_by = Some(settings);
    }

    /// Takes one request from `ip`'s allowance; too-many-requests once it is used up. Also
    /// used by DDP subscriptions that name a visitor token, which share this budget.
    pub fn check(&self, ip: IpAddr) -> Result<(), ApiError> {
        let Some(limiter) = self.limiter() else {
            return Ok(());
        };
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }

    /// Forgets clients idle long enough to be back at full allowance, bounding memory.
    pub fn forget_idle_clients(&self) {
        if let Some(limiter) = self.limiter() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    fn client_ip(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        client_ip(headers, peer, self.trust_proxy_headers)
    }
}

/// The client's address: the TCP peer's, or with `trust_proxy_headers` the one the proxy in
/// front of us names in `X-Real-IP` or last in `X-Forwarded-For` (the address it saw).
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_proxy_headers: bool,
) -> Option<IpAddr> {
    if trust_proxy_headers {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let forwarded = header("x-real-ip")
            .or_else(|| header("x-forwarded-for").and_then(|v| v.rsplit(',').next()));
        if let Some(ip) = forwarded.and_then(|v| v.trim().parse().ok()) {
            return Some(ip);
        }
    }
    peer.map(|addr| addr.ip())
}

/// Middleware: answers 429 once the client IP has used up its allowance.
pub async fn enforce(State(limit): State<IpRateLimit>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if let Some(ip) = limit.client_ip(request.headers(), peer) {
        if let Err(err) = limit.check(ip) {
            tracing::debug!(%ip, "rate limited");
            return err.into_response();
        }
    }
    next.run(request).await
}
