//! The official widget (`@rocket.chat/livechat`'s `build/` folder) served at `/livechat`, as
//! Rocket.Chat serves it: the page itself is the build's `index.html` with the server's URL
//! injected (the widget has no other way to find its API), everything under `/livechat/` is a
//! static file of the build. The page must live at `/livechat` without a trailing slash: the
//! build loads its scripts as `livechat/<file>`, relative to the page.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::config::Config;
use crate::error::ApiError;

/// A checked widget build directory and how to tell the widget where its server is.
#[derive(Debug)]
pub struct WidgetBuild {
    dir: PathBuf,
    /// The operator's `site_url`, without a trailing slash; `None`: derived from each request.
    site_url: Option<String>,
    trust_proxy_headers: bool,
}

impl WidgetBuild {
    /// The configured build, checked once at start-up so a wrong `widget_dir` stops the server
    /// with a clear message instead of serving a broken page. `index.html` itself is read on
    /// every request (388 bytes), so a build upgraded in place is picked up without a restart.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<WidgetBuild>> {
        let Some(dir) = &config.widget_dir else {
            return Ok(None);
        };
        let index_path = dir.join("index.html");
        let index = std::fs::read_to_string(&index_path).with_context(|| {
            format!(
                "widget_dir {}: reading {} (point it at node_modules/@rocket.chat/livechat/build)",
                dir.display(),
                index_path.display()
            )
        })?;
        if inject_server_url(&index, "").is_none() {
            bail!("widget_dir: {} has no <body> tag", index_path.display());
        }
        let site_url = match &config.site_url {
            Some(url) => {
                let url = url.trim_end_matches('/');
                if !(url.starts_with("http://") || url.starts_with("https://"))
                    || !safe_in_script(url)
                {
                    bail!("site_url {url:?} must be an http(s) URL without quotes, spaces, \\ or <>, since it is written into the widget page");
                }
                Some(url.to_string())
            }
            None => None,
        };
        Ok(Some(WidgetBuild {
            dir: dir.clone(),
            site_url,
            trust_proxy_headers: config.trust_proxy_headers,
        }))
    }

    /// The URL the widget should call: the configured site URL, else this request's origin.
    fn base_url(&self, headers: &HeaderMap, uri: &Uri) -> Result<String, ApiError> {
        if let Some(url) = &self.site_url {
            return Ok(url.clone());
        }
        // Proxies may append values; the first one is what the browser used.
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let forwarded = |name: &str| header(name).filter(|_| self.trust_proxy_headers);
        let scheme = match forwarded("x-forwarded-proto") {
            None => "http",
            Some(proto) if proto.eq_ignore_ascii_case("http") => "http",
            Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
            Some(_) => return Err(ApiError::invalid("invalid X-Forwarded-Proto header")),
        };
        // HTTP/2 carries the host in the URI instead of a Host header.
        let host = forwarded("x-forwarded-host")
            .or_else(|| header(header::HOST.as_str()))
            .or_else(|| uri.authority().map(|a| a.as_str()));
        match host {
            Some(host) if valid_host(host) => Ok(format!("{scheme}://{host}")),
            _ => Err(ApiError::invalid("missing or invalid Host header")),
        }
    }
}

/// `/livechat`, `/livechat/` and `/livechat/<file>`; without a build, each answers a JSON 404
/// that says why.
pub fn router<S: Clone + Send + Sync + 'static>(build: Option<WidgetBuild>) -> Router<S> {
    match build {
        Some(build) => Router::new()
            .route("/livechat", get(page))
            .route("/livechat/", get(to_page))
            .route("/livechat/{*file}", get(asset))
            .with_state(Arc::new(build)),
        None => Router::new()
            .route("/livechat", get(not_configured))
            .route("/livechat/", get(not_configured))
            .route("/livechat/{*file}", get(not_configured)),
    }
}

/// The widget page (also `?mode=popout`, which the page reads itself).
async fn page(State(build): State<Arc<WidgetBuild>>, request: Request) -> Response {
    let base = match build.base_url(request.headers(), request.uri()) {
        Ok(base) => base,
        Err(err) => return err.into_response(),
    };
    let index_path = build.dir.join("index.html");
    let html = match tokio::fs::read_to_string(&index_path).await {
        Ok(index) => inject_server_url(&index, &base),
        Err(err) => {
            tracing::warn!(path = %index_path.display(), error = %err, "widget page unreadable");
            None
        }
    };
    match html {
        Some(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // It names the build's hashed script files, which change with each release.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            html,
        )
            .into_response(),
        None => not_found("The widget build's index.html is missing or has no <body> tag"),
    }
}

/// `/livechat/` would resolve the build's relative script paths under `/livechat/livechat/`;
/// send the browser to the page proper (relatively, so a path prefix in front survives).
async fn to_page(uri: Uri) -> Redirect {
    match uri.query() {
        Some(query) => Redirect::permanent(&format!("../livechat?{query}")),
        None => Redirect::permanent("../livechat"),
    }
}

/// A file of the build. `ServeDir` rejects `..` and other escapes and sets the content type.
async fn asset(State(build): State<Arc<WidgetBuild>>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    // Keep the still percent-encoded path: ServeDir decodes it and checks each component.
    let file = parts.uri.path().strip_prefix("/livechat").unwrap_or("/");
    let Ok(uri) = file.parse::<Uri>() else {
        return not_found("No such file in the widget build");
    };
    parts.uri = uri;
    let files = ServeDir::new(&build.dir).append_index_html_on_directories(false);
    let response = match files.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return not_found("No such file in the widget build");
    }
    response
}

async fn not_configured() -> Response {
    not_found("The livechat widget is not served by this server (start it with --widget-dir)")
}

fn not_found(message: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "success": false, "error": message, "errorType": "error-not-found" })),
    )
        .into_response()
}

/// Rocket.Chat's injection: right after `<body>`, a script that sets `SERVER_URL`. `None` when
/// the page has no body tag to put it after.
fn inject_server_url(index: &str, base: &str) -> Option<String> {
    let open = index.to_ascii_lowercase().find("<body")?;
    let at = open + index[open..].find('>')? + 1;
    Some(format!(
        "{}<script> SERVER_URL = '{base}'; </script>{}",
        &index[..at],
        &index[at..]
    ))
}

/// A host (with optional port) as it may appear in a URL; anything else could break out of the
/// script string it is written into.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        })
}

/// Nothing that could end the `'…'` string or the `<script>` element.
fn safe_in_script(url: &str) -> bool {
    url.chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '\'' | '"' | '\\' | '<' | '>' | '`'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_right_after_the_body_tag() {
        let page = "<html><head></head><BODY class=x><div id=app></div></body></html>";
        assert_eq!(
            inject_server_url(page, "http://h:1").unwrap(),
            "<html><head></head><BODY class=x><script> SERVER_URL = 'http://h:1'; </script><div id=app></div></body></html>"
        );
        assert!(inject_server_url("<html></html>", "x").is_none());
    }

    #[test]
    fn hosts_that_could_escape_the_script_are_refused() {
        assert!(valid_host("chat.example.com:8443"));
        assert!(valid_host("[::1]:3000"));
        for bad in ["", "a'b", "a\"b", "a<b", "a b", "a/b", "a\\b"] {
            assert!(!valid_host(bad), "{bad:?}");
        }
    }
}
