//! Request extractors whose failures are API errors: malformed JSON, wrong types and oversized
//! bodies get Rocket.Chat-shaped 4xx answers instead of axum's plain-text rejections.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::error::ApiError;

/// A JSON body (an empty body reads as `{}`), limited to the configured size.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit = state.max_body_bytes;
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge { limit })?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        parse_json(text).map(JsonBody)
    }
}

/// A JSON array body (for the few endpoints that take a list, like `livechat/appearance`).
pub struct JsonList<T>(pub Vec<T>);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonList<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit = state.max_body_bytes;
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge { limit })?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'[') {
            return Err(ApiError::invalid("The request body must be a JSON array"));
        }
        parse_document(&bytes).map(JsonList)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::invalid("The request body must be a JSON object"));
    }
    parse_document(bytes)
}

/// Parses a JSON text into `T`, naming the offending field when the shape is wrong.
fn parse_document<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if has_escaped_nul(bytes) {
        return Err(ApiError::invalid(NUL_MESSAGE));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid(format!("The request body is not valid JSON: {inner}"))
        } else if path == "." {
            ApiError::invalid(format!(
                "The request body is not the expected object: {inner}"
            ))
        } else {
            ApiError::invalid(format!("Invalid value for '{path}': {inner}"))
        }
    })
}

const NUL_MESSAGE: &str = "Text must not contain NUL characters";

/// Whether a JSON text has a `\u0000` escape (a NUL inside a string). Raw NUL bytes are not
/// valid JSON at all; the escape is, but no text field has a use for it and databases reject it.
fn has_escaped_nul(bytes: &[u8]) -> bool {
    let mut backslashes = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if *byte == b'\\' {
            backslashes += 1;
            continue;
        }
        if *byte == b'u' && backslashes % 2 == 1 && bytes[i + 1..].starts_with(b"0000") {
            return true;
        }
        backslashes = 0;
    }
    false
}

/// Whether a URI component carries a percent-encoded NUL.
fn has_encoded_nul(text: &str) -> bool {
    text.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// The client's IP address (see `rate_limit::client_ip`), when known.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        Ok(ClientIp(super::client_ip(
            &parts.headers,
            peer,
            state.trust_proxy_headers,
        )))
    }
}

/// Query-string parameters.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        if has_encoded_nul(query) {
            return Err(ApiError::invalid(NUL_MESSAGE));
        }
        serde_urlencoded::from_str(query)
            .map(QueryParams)
            .map_err(|err| ApiError::invalid(format!("Invalid query string: {err}")))
    }
}

/// Path parameters.
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if has_encoded_nul(parts.uri.path()) {
            return Err(ApiError::invalid(NUL_MESSAGE));
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| PathParams(value))
            .map_err(|err| ApiError::invalid(format!("Invalid path: {}", err.body_text())))
    }
}

/// A query parameter that must be a non-negative integer, if present.
pub fn parse_count(name: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("'{name}' must be a non-negative integer"))),
    }
}

/// A field the endpoint requires.
pub fn require<T>(field: &str, value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::invalid(format!("must have required property '{field}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_escaped_nul_but_not_an_escaped_backslash() {
        assert!(has_escaped_nul(br#"{"a":"x\u0000y"}"#));
        assert!(!has_escaped_nul(br#"{"a":"x\\u0000y"}"#));
        assert!(has_escaped_nul(br#"{"a":"x\\\u0000y"}"#));
        assert!(!has_escaped_nul(br#"{"a":"\u0041"}"#));
    }
}

/// Rocket.Chat's `offset` / `count` query parameters (reference §1.6).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Pagination {
    pub offset: Option<String>,
    pub count: Option<String>,
}

impl Pagination {
    pub const DEFAULT_COUNT: i64 = 50;
    pub const MAX_COUNT: i64 = 100;

    /// `(offset, count)`: count defaults to 50 and is clamped to 100 (0 means the maximum).
    pub fn resolve(&self) -> Result<(i64, i64), ApiError> {
        let offset = parse_count("offset", self.offset.as_deref())?.unwrap_or(0);
        let count = match parse_count("count", self.count.as_deref())? {
            None => Self::DEFAULT_COUNT,
            Some(0) => Self::MAX_COUNT,
            Some(n) => n.min(Self::MAX_COUNT),
        };
        Ok((offset, count))
    }
}
