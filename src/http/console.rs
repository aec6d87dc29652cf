//! The agent console: plain HTML, CSS and ES modules from `console/`, embedded in the binary
//! (read from disk in debug builds, so a browser reload shows an edit).
//!
//! `GET /` is the page. Its modules and styles live under `/console/<version>/`, where
//! `<version>` is a digest of every embedded file: the page is revalidated on each load
//! (`no-cache` + ETag), everything under a version is cached for a year, and a new binary with
//! changed files changes the path, so a browser never mixes old and new modules. Relative
//! `import`s resolve under the same versioned path.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "console/"]
struct ConsoleFiles;

/// No inline script or style, nothing from elsewhere, no framing. `connect-src 'self'` covers
/// the same-origin WebSocket (CSP level 3).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; \
     font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
     form-action 'self'";

/// What `index.html` writes where the versioned asset path goes.
const VERSION_PLACEHOLDER: &str = "__ASSETS__";

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(page))
        .route("/console/{version}/{*file}", get(asset))
}

/// The digest naming this build's assets. In debug builds the files are read from disk and
/// may change under a running server, so there it is the fixed `dev` and nothing is cached.
fn assets_version() -> &'static str {
    if cfg!(debug_assertions) {
        return "dev";
    }
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut names: Vec<_> = ConsoleFiles::iter().collect();
        names.sort();
        let mut digest = Sha256::new();
        for name in names {
            if let Some(file) = ConsoleFiles::get(&name) {
                digest.update(name.as_bytes());
                digest.update(file.metadata.sha256_hash());
            }
        }
        hex(&digest.finalize()[..8])
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn page(headers: HeaderMap) -> Response {
    let Some(file) = ConsoleFiles::get("index.html") else {
        return missing();
    };
    let version = assets_version();
    let etag = format!("\"{}-{version}\"", hex(&file.metadata.sha256_hash()[..8]));
    if not_modified(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, secure_headers()).into_response();
    }
    let html = String::from_utf8_lossy(&file.data)
        .replace(VERSION_PLACEHOLDER, &format!("/console/{version}"));
    (
        secure_headers(),
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::CACHE_CONTROL, "no-cache".to_string()),
            (header::ETAG, etag),
        ],
        html,
    )
        .into_response()
}

async fn asset(Path((version, file)): Path<(String, String)>, headers: HeaderMap) -> Response {
    if file == "index.html" {
        return missing();
    }
    let Some(content) = ConsoleFiles::get(&file) else {
        return missing();
    };
    let etag = format!("\"{}\"", hex(&content.metadata.sha256_hash()[..16]));
    // An old page asking for another build's path gets today's file, revalidated.
    let cache = if version == assets_version() && version != "dev" {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    if not_modified(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        secure_headers(),
        [
            (header::CONTENT_TYPE, content_type(&file).to_string()),
            (header::CACHE_CONTROL, cache.to_string()),
            (header::ETAG, etag),
        ],
        content.data.into_owned(),
    )
        .into_response()
}

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag))
}

fn secure_headers() -> [(header::HeaderName, HeaderValue); 4] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ]
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap_or("") {
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

fn missing() -> Response {
    crate::error::ApiError::NotFound.into_response()
}
