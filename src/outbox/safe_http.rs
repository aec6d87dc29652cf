//! Outgoing HTTP that an administrator's URL cannot turn against the server's own network
//! (SSRF, Rocket.Chat's CVE-2024-39713): only `http`/`https`; an IP-literal host is checked
//! before the request; a DNS name goes through [`VettedResolver`], which hands the connector
//! only addresses that passed the check, so the address actually connected to is a vetted one
//! (no second lookup an attacker's DNS could answer differently); no redirects (a 3xx is just
//! a non-200 answer); no proxy from the environment. `allow_private_network_webhooks` turns
//! the address check off for deployments whose CRM lives on the private network.

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{redirect, Client, Url};

/// An HTTP client whose requests can only reach public addresses (unless allowed).
#[derive(Clone)]
pub struct SafeHttp {
    client: Client,
    allow_private: bool,
}

/// What became of one request.
#[derive(Debug)]
pub enum HttpOutcome {
    /// The far side answered (any status).
    Answered { status: u16, body: String },
    /// The destination is not allowed; retrying cannot help.
    Refused(String),
    /// Network error or timeout; worth another try.
    Failed(String),
}

impl SafeHttp {
    pub fn new(allow_private: bool) -> SafeHttp {
        // Without the system's CA roots (none installed) only the roots are dropped, never the
        // protections: https then fails to verify, http still works.
        let client = build_client(allow_private, true)
            .or_else(|err| {
                tracing::warn!(error = %err, "no system CA roots: https webhooks cannot be verified");
                build_client(allow_private, false)
            })
            .expect("an HTTP client without CA roots builds");
        SafeHttp {
            client,
            allow_private,
        }
    }

    /// POSTs `body` as JSON to `url` with `headers`, giving up after `timeout`.
    pub async fn post_json(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
        timeout: Duration,
    ) -> HttpOutcome {
        let url = match self.vet_url(url) {
            Ok(url) => url,
            Err(reason) => return HttpOutcome::Refused(reason),
        };
        let mut header_map = HeaderMap::new();
        header_map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in headers {
            let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) else {
                return HttpOutcome::Refused(format!("refused: header {name} is not valid"));
            };
            header_map.insert(name, value);
        }
        let body = body.to_string();
        let request = self
            .client
            .post(url)
            .headers(header_map)
            .body(body)
            .timeout(timeout);
        let response = match request.send().await {
            Ok(response) => response,
            Err(err) => return failure(&err),
        };
        let status = response.status().as_u16();
        match response.text().await {
            Ok(body) => HttpOutcome::Answered { status, body },
            Err(err) => failure(&err),
        }
    }

    /// The URL if its scheme is allowed and, for an IP-literal host, the address too (the
    /// resolver is not asked about IP literals, so they are checked here).
    pub fn vet_url(&self, raw: &str) -> Result<Url, String> {
        let url = Url::parse(raw.trim()).map_err(|_| format!("refused: {raw:?} is not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "refused: the {}: scheme is not allowed (only http and https)",
                url.scheme()
            ));
        }
        let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
            return Err(format!("refused: {raw:?} has no host"));
        };
        // The URL parser already turned every IPv4 spelling (`0x7f.1`, `2130706433`) into
        // dotted form, and IPv6 literals come in brackets.
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok();
        if let (Some(ip), false) = (literal, self.allow_private) {
            if let Some(kind) = forbidden_kind(ip) {
                return Err(format!("refused: {ip} is {kind}"));
            }
        }
        Ok(url)
    }
}

fn build_client(allow_private: bool, native_roots: bool) -> reqwest::Result<Client> {
    Client::builder()
        .no_proxy()
        .redirect(redirect::Policy::none())
        .dns_resolver(Arc::new(VettedResolver { allow_private }))
        .tls_built_in_native_certs(native_roots)
        .user_agent(concat!("livechat/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A network failure, or the resolver's refusal found in the error's causes.
fn failure(err: &reqwest::Error) -> HttpOutcome {
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<Refusal>() {
            return HttpOutcome::Refused(refusal.0.clone());
        }
        source = cause.source();
    }
    if err.is_timeout() {
        return HttpOutcome::Failed("timed out".into());
    }
    let mut reason = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    HttpOutcome::Failed(reason)
}

/// The resolver refused every address of a name.
#[derive(Debug)]
struct Refusal(String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Refusal {}

/// Resolves with the system resolver and keeps only the addresses allowed.
struct VettedResolver {
    allow_private: bool,
}

impl Resolve for VettedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if allow_private {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let mut refused = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| match forbidden_kind(addr.ip()) {
                    Some(kind) => {
                        refused.get_or_insert_with(|| {
                            format!("refused: {host} resolves to {}, {kind}", addr.ip())
                        });
                        false
                    }
                    None => true,
                })
                .collect();
            if allowed.is_empty() {
                let reason = refused.unwrap_or_else(|| format!("{host} has no address"));
                return Err(Box::new(Refusal(reason)) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Why `ip` may not be connected to ("a loopback address"), or `None` for a public address.
pub fn forbidden_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => forbidden_v4(ip),
        IpAddr::V6(ip) => forbidden_v6(ip),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(if ip.is_loopback() {
        "a loopback address"
    } else if ip.is_unspecified() || a == 0 {
        "an unspecified address"
    } else if ip == Ipv4Addr::new(169, 254, 169, 254) {
        "a cloud metadata address"
    } else if ip.is_link_local() {
        "a link-local address"
    } else if ip.is_private() {
        "a private address"
    } else if a == 100 && (64..128).contains(&b) {
        "a shared (CGNAT) address"
    } else if ip.is_broadcast() {
        "a broadcast address"
    } else if ip.is_multicast() || a >= 240 {
        "a multicast or reserved address"
    } else if ip.is_documentation() || (a == 198 && (b == 18 || b == 19)) {
        "a documentation or benchmarking address"
    } else if a == 192 && b == 0 && c == 0 {
        "an IETF protocol address"
    } else {
        return None;
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let segments = ip.segments();
    Some(if ip.is_loopback() {
        "a loopback address"
    } else if ip.is_unspecified() {
        "an unspecified address"
    } else if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        "a cloud metadata address"
    } else if segments[0] & 0xfe00 == 0xfc00 {
        "a unique local address"
    } else if segments[0] & 0xffc0 == 0xfe80 {
        "a link-local address"
    } else if ip.is_multicast() {
        "a multicast address"
    } else if segments[0] == 0x2001 && segments[1] == 0x0db8 {
        "a documentation address"
    } else if segments[0] == 0x64 && segments[1] == 0xff9b {
        // NAT64 could reach any IPv4 address, private ones included.
        "a NAT64 address"
    } else if segments[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-compatible (deprecated) `::a.b.c.d`.
        "an IPv4-compatible address"
    } else {
        return None;
    })
}
