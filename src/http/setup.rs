//! `setup`: the first-run set-up of the first administrator (see `accounts::first_run`), and
//! which requests count as coming from the server's own machine.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::account::login_answer;
use super::extract::JsonBody;
use super::{client_ip, success, AppState};
use crate::accounts::{SetupOrigin, SetupRequest};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new().route("/setup", get(status).post(set_up))
}

/// Headers a reverse proxy adds. A proxy on this machine connects from loopback for every
/// visitor, so a request that carries any of them is never local, whatever
/// `trust_proxy_headers` says: trusting them here would hand the set-up to the first visitor.
const PROXY_HEADERS: [&str; 3] = ["x-forwarded-for", "x-real-ip", "forwarded"];

/// Whether a request comes from this machine directly: a loopback TCP peer (127.0.0.0/8,
/// `::1`, or IPv4 loopback mapped into IPv6) and no proxy header.
fn is_local(headers: &HeaderMap, peer: Option<SocketAddr>) -> bool {
    let loopback = peer.is_some_and(|peer| peer.ip().to_canonical().is_loopback());
    loopback && !PROXY_HEADERS.iter().any(|name| headers.contains_key(*name))
}

/// The request's [`SetupOrigin`].
struct Origin(SetupOrigin);

impl FromRequestParts<AppState> for Origin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        Ok(Origin(if is_local(&parts.headers, peer) {
            SetupOrigin::Local
        } else {
            SetupOrigin::Remote(client_ip(&parts.headers, peer, state.trust_proxy_headers))
        }))
    }
}

/// `GET /api/v1/setup`: whether the first administrator is still to be created, and whether
/// this caller would need the set-up code to do it.
async fn status(State(state): State<AppState>, Origin(origin): Origin) -> ApiResult<Json<Value>> {
    let needed = state.accounts.setup_needed().await?;
    let code_required = !matches!(origin, SetupOrigin::Local);
    Ok(success(
        json!({ "setupNeeded": needed, "codeRequired": code_required }),
    ))
}

/// `POST /api/v1/setup`: creates the first administrator and answers as a login does.
async fn set_up(
    State(state): State<AppState>,
    Origin(origin): Origin,
    JsonBody(body): JsonBody<SetupRequest>,
) -> ApiResult<Json<Value>> {
    let session = state.accounts.set_up_first_admin(body, origin).await?;
    Ok(login_answer(&session, &state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(ip.parse().unwrap(), 40000))
    }

    #[test]
    fn only_a_loopback_peer_without_proxy_headers_is_local() {
        let none = HeaderMap::new();
        assert!(is_local(&none, peer("127.0.0.1")));
        assert!(is_local(&none, peer("127.3.2.1")));
        assert!(is_local(&none, peer("::1")));
        assert!(is_local(&none, peer("::ffff:127.0.0.1")));
        assert!(!is_local(&none, peer("192.168.1.10")));
        assert!(!is_local(&none, peer("::ffff:10.0.0.1")));
        assert!(!is_local(&none, None));
        for name in PROXY_HEADERS {
            let mut headers = HeaderMap::new();
            headers.insert(name, "127.0.0.1".parse().unwrap());
            assert!(!is_local(&headers, peer("127.0.0.1")), "{name}");
        }
    }
}
