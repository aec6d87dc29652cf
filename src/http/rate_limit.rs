//! Per-client-IP rate limits for the unauthenticated API (GCRA, via `governor`), and which
//! address a request comes from.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// A keyed limiter, or none when the configured rate is 0.
#[derive(Clone)]
pub struct IpRateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    trust_proxy_headers: bool,
}

impl IpRateLimit {
    pub fn new(per_minute: u32, burst: u32, trust_proxy_headers: bool) -> Self {
        let limiter = NonZeroU32::new(per_minute).map(|rate| {
            let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
            Arc::new(RateLimiter::keyed(
                Quota::per_minute(rate).allow_burst(burst),
            ))
        });
        IpRateLimit {
            limiter,
            trust_proxy_headers,
        }
    }

    /// Takes one request from `ip`'s allowance; too-many-requests once it is used up. Also
    /// used by DDP subscriptions that name a visitor token, which share this budget.
    pub fn check(&self, ip: IpAddr) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
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
        if let Some(limiter) = &self.limiter {
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
