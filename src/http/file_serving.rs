//! `GET /file-upload/:id/:name`: a stored file, to those who may read its room. Visitors
//! prove it with their token and room (`rc_token` + `rc_rid`, query or cookies, as the
//! widget sends them); staff with a login (`rc_uid` + `rc_token`, query or cookies, or the
//! `X-User-Id` / `X-Auth-Token` headers), under the room-read rule of every staff read.
//!
//! Without any credentials the answer is 403; with credentials that do not reach the file
//! it is 404, whether or not the file exists, so ids cannot be probed.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::extract::{PathParams, QueryParams};
use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::model::Upload;

pub fn router() -> Router<AppState> {
    Router::new().route("/file-upload/{id}/{name}", get(serve))
}

#[derive(Deserialize, Default)]
struct Credentials {
    rc_uid: Option<String>,
    rc_token: Option<String>,
    rc_rid: Option<String>,
    /// `l` for a visitor's credentials; other room types are not served here.
    rc_room_type: Option<String>,
}

/// Images browsers render without running anything: shown inline. SVG is never among them
/// (it can carry script).
const INLINE_IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

async fn serve(
    State(state): State<AppState>,
    PathParams((id, _name)): PathParams<(String, String)>,
    QueryParams(query): QueryParams<Credentials>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let cookies = cookie_credentials(&headers);
    let upload = match readable_upload(&state, &id, &query, &cookies, &headers).await? {
        Access::Granted(upload) => upload,
        Access::NoCredentials => return Err(ApiError::Forbidden),
        Access::NotReadable => return Err(ApiError::NotFound),
    };
    let Some(bytes) = state
        .livechat
        .file_storage()
        .open(&upload.storage_key)
        .await
        .map_err(ApiError::Internal)?
    else {
        tracing::warn!(file = %upload.id, "an upload's record has no stored bytes");
        return Err(ApiError::NotFound);
    };
    Ok(file_response(&upload, Body::from_stream(bytes)))
}

enum Access {
    Granted(Upload),
    NoCredentials,
    NotReadable,
}

/// Tries each pair of credentials the request carries; the file is served if any reaches it.
async fn readable_upload(
    state: &AppState,
    id: &str,
    query: &Credentials,
    cookies: &[Credentials],
    headers: &HeaderMap,
) -> ApiResult<Access> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let mut staff = Vec::new();
    if let (Some(uid), Some(token)) = (header("x-user-id"), header("x-auth-token")) {
        staff.push((uid, token));
    }
    let mut visitors = Vec::new();
    for source in std::iter::once(query).chain(cookies) {
        let is_visitor = source.rc_room_type.as_deref().is_none_or(|t| t == "l");
        match (&source.rc_uid, &source.rc_rid, &source.rc_token) {
            (Some(uid), _, Some(token)) => staff.push((uid.clone(), token.clone())),
            (None, Some(rid), Some(token)) if is_visitor => {
                visitors.push((rid.clone(), token.clone()))
            }
            _ => {}
        }
    }
    if staff.is_empty() && visitors.is_empty() {
        return Ok(Access::NoCredentials);
    }
    let too_long = |a: &str, b: &str| a.len() > 64 || b.len() > 256;
    for (rid, token) in &visitors {
        if too_long(rid, token) {
            continue;
        }
        if let Some(upload) = state.livechat.upload_for_visitor(id, rid, token).await? {
            return Ok(Access::Granted(upload));
        }
    }
    for (uid, token) in &staff {
        if too_long(uid, token) {
            continue;
        }
        let Some(user) = state.accounts.authenticate(uid, token).await? else {
            continue;
        };
        if let Some(upload) = state.livechat.upload_for_staff(id, &user).await? {
            return Ok(Access::Granted(upload));
        }
    }
    Ok(Access::NotReadable)
}

/// At most this many values of one cookie name are tried.
const MAX_COOKIE_VALUES: usize = 3;

/// The credentials in the `Cookie` header(s). One browser may hold two `rc_token` cookies: the
/// console's (path `/file-upload`, sent first as the more specific) and the widget's (path
/// `/`, with `rc_rid`) when both ran on this origin; each pairing is offered: the login with
/// each token, and the visitor's room with each token.
fn cookie_credentials(headers: &HeaderMap) -> Vec<Credentials> {
    let (mut uids, mut tokens, mut rids, mut types) = (vec![], vec![], vec![], vec![]);
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for pair in text.split(';') {
            let Some((name, value)) = pair.trim().split_once('=') else {
                continue;
            };
            let value = value.trim().to_string();
            let list = match name.trim() {
                "rc_uid" => &mut uids,
                "rc_token" => &mut tokens,
                "rc_rid" => &mut rids,
                "rc_room_type" => &mut types,
                _ => continue,
            };
            if !value.is_empty() && list.len() < MAX_COOKIE_VALUES {
                list.push(value);
            }
        }
    }
    let room_type = types.first().cloned();
    let mut found = Vec::new();
    for token in &tokens {
        for uid in &uids {
            found.push(Credentials {
                rc_uid: Some(uid.clone()),
                rc_token: Some(token.clone()),
                ..Credentials::default()
            });
        }
        for rid in &rids {
            found.push(Credentials {
                rc_rid: Some(rid.clone()),
                rc_token: Some(token.clone()),
                rc_room_type: room_type.clone(),
                ..Credentials::default()
            });
        }
    }
    found
}

/// The file with headers that keep a browser from running it: safe images inline, all
/// else (SVG, HTML, anything) as a download, never sniffed, sandboxed if opened.
fn file_response(upload: &Upload, body: Body) -> Response {
    let declared = upload
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let inline = INLINE_IMAGE_TYPES.contains(&declared.as_str());
    let content_type = HeaderValue::from_str(&declared)
        .ok()
        .filter(|_| is_mime_token(&declared))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        rfc5987(&upload.name)
    );
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(upload.size));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    response
}

/// `type/subtype` of token characters only.
fn is_mime_token(value: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    value
        .split_once('/')
        .is_some_and(|(major, minor)| token(major) && token(minor))
}

/// RFC 5987 `value-chars`: a UTF-8 file name for `filename*`.
fn rfc5987(name: &str) -> String {
    let mut out = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
