//! The REST API: one file per resource, each owning its routes. Handlers only translate between
//! HTTP and the `livechat` services.

mod account;
mod agent_side;
mod agents;
mod appearance;
mod auth;
mod business_hours;
mod canned_responses;
mod chat;
mod console;
mod custom_fields;
mod departments;
mod extract;
mod file_serving;
mod inquiries;
mod listing;
mod message;
mod method_call;
mod navigation;
mod offline;
mod offline_admin;
mod outbox;
mod permissions;
mod rate_limit;
mod room;
mod rooms_info;
mod session;
mod settings;
mod setup;
mod staff_rooms;
mod staff_visitors;
mod tags;
mod transcript;
mod triggers;
mod upload_receive;
mod uploads;
mod users;
mod visitor;
mod webhooks;
mod widget;
// --- widget build (the official widget at /livechat) ---
pub mod widget_build;

use std::time::Duration;

use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::{middleware, Json, Router};
use serde_json::Value;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;

pub use rate_limit::{client_ip, IpRateLimit, LimiterSettings};

use crate::accounts::Accounts;
use crate::config::Config;
use crate::error::ApiError;
use crate::livechat::Livechat;
use crate::outbox::Outbox;
use crate::realtime::Realtime;

/// What handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub livechat: Livechat,
    pub accounts: Accounts,
    /// For `method.call`, which runs DDP methods over REST.
    pub realtime: Realtime,
    pub max_body_bytes: usize,
    /// Whether the client IP may be taken from proxy headers (see `client_ip`).
    pub trust_proxy_headers: bool,
    /// The visitor API's limiter, re-shaped when its settings change (`settings/:id`).
    pub visitor_api_limit: IpRateLimit,
    /// Woken when an administrator queues a failed delivery again.
    pub outbox: Outbox,
    /// Outgoing HTTP for `livechat/webhook.test` (the courier holds its own twin).
    pub webhook_http: crate::outbox::safe_http::SafeHttp,
}

/// The rate limiters, kept so the app can trim their memory periodically. Logins have their
/// own, shared with DDP, in `accounts::login_limits`.
#[derive(Clone)]
pub struct RateLimits {
    pub visitor_api: IpRateLimit,
    pub offline_messages: IpRateLimit,
}

impl RateLimits {
    pub fn new(config: &Config) -> Self {
        RateLimits {
            visitor_api: IpRateLimit::new(
                config.rate_limit_per_minute,
                config.rate_limit_burst,
                config.trust_proxy_headers,
            ),
            // "N per minute": N at once, then one every 60/N seconds.
            offline_messages: IpRateLimit::new(
                config.offline_message_per_minute,
                config.offline_message_per_minute,
                config.trust_proxy_headers,
            ),
        }
    }

    pub fn forget_idle_clients(&self) {
        self.visitor_api.forget_idle_clients();
        self.offline_messages.forget_idle_clients();
    }
}

pub fn router(
    state: AppState,
    limits: &RateLimits,
    widget: Option<widget_build::WidgetBuild>,
) -> Router {
    let offline = offline::router().route_layer(middleware::from_fn_with_state(
        limits.offline_messages.clone(),
        rate_limit::enforce,
    ));
    let livechat = Router::new()
        .merge(visitor::router())
        .merge(room::router())
        .merge(message::router())
        .merge(navigation::router())
        .merge(widget::router())
        .merge(session::router())
        .merge(agents::router())
        .merge(agent_side::router())
        .merge(appearance::router())
        .merge(inquiries::router())
        .merge(staff_rooms::router())
        .merge(staff_visitors::router())
        .merge(custom_fields::router())
        .merge(departments::router())
        .merge(tags::router())
        .merge(triggers::router())
        .merge(business_hours::router())
        .merge(outbox::router())
        .merge(webhooks::router())
        .merge(chat::livechat_router())
        .merge(uploads::livechat_router())
        .merge(transcript::router())
        .merge(offline)
        .merge(offline_admin::router())
        .route_layer(middleware::from_fn_with_state(
            limits.visitor_api.clone(),
            rate_limit::enforce,
        ));

    // Anonymous method calls spend the visitor API's budget, as the visitor routes do.
    let methods = method_call::router().route_layer(middleware::from_fn_with_state(
        limits.visitor_api.clone(),
        rate_limit::enforce,
    ));
    // The set-up status reads the database without a login: the visitor API's budget
    // bounds it (code guesses are also charged to the login budget, in `accounts`).
    let setup = setup::router().route_layer(middleware::from_fn_with_state(
        limits.visitor_api.clone(),
        rate_limit::enforce,
    ));
    let api = Router::new()
        .merge(methods)
        .merge(setup)
        .merge(account::router())
        .merge(users::router())
        .merge(settings::router())
        .merge(permissions::router())
        .merge(rooms_info::router())
        .merge(canned_responses::router())
        .merge(chat::router())
        .merge(uploads::router());

    Router::new()
        .nest("/api/v1/livechat", livechat)
        .nest("/api/v1", api)
        .route("/api/info", axum::routing::get(info))
        .merge(widget_build::router(widget))
        .merge(file_serving::router())
        .merge(console::router().layer(CompressionLayer::new()))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(state)
        .layer(cors())
        .layer(TraceLayer::new_for_http())
}

/// The visitor API is public and carries no cookies, so any origin may call it (the widget
/// may be served from another host than this server).
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::HEAD,
            Method::PATCH,
        ])
        .allow_headers([
            header::ORIGIN,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::AUTHORIZATION,
            header::HeaderName::from_static("x-requested-with"),
            header::HeaderName::from_static("x-user-id"),
            header::HeaderName::from_static("x-auth-token"),
            header::HeaderName::from_static("x-visitor-token"),
        ])
        .max_age(Duration::from_secs(3600))
}

/// `GET /api/info`: the version clients check before talking to a Rocket.Chat server.
async fn info() -> Json<Value> {
    success(
        serde_json::json!({ "version": "6.5.0", "info": { "version": env!("CARGO_PKG_VERSION") } }),
    )
}

async fn not_found() -> Response {
    ApiError::NotFound.into_response()
}

/// A paginated answer (reference §1.6): the page under `key`, with its `count`, the `offset`
/// it starts at, and the `total` matching.
/// [`success`] for staff: the body without any visitor token (`model::staff_view`). Every
/// handler that answers agents, managers or administrators with visitor documents (rooms,
/// messages, inquiries, visitors, sessions) answers through this or [`staff_paginated`].
pub fn staff_success(mut body: Value) -> Json<Value> {
    crate::model::strip_visitor_tokens(&mut body);
    success(body)
}

/// [`paginated`] for staff, as [`staff_success`].
pub fn staff_paginated<T: serde::Serialize>(
    key: &str,
    items: &[T],
    offset: i64,
    total: i64,
) -> Json<Value> {
    let Json(mut body) = paginated(key, items, offset, total);
    crate::model::strip_visitor_tokens(&mut body);
    Json(body)
}

pub fn paginated<T: serde::Serialize>(
    key: &str,
    items: &[T],
    offset: i64,
    total: i64,
) -> Json<Value> {
    let mut body = serde_json::Map::new();
    body.insert(key.into(), serde_json::json!(items));
    body.insert("count".into(), items.len().into());
    body.insert("offset".into(), offset.into());
    body.insert("total".into(), total.into());
    success(Value::Object(body))
}

/// Rocket.Chat's success envelope: the object plus `"success": true`.
pub fn success(mut body: Value) -> Json<Value> {
    if let Value::Object(fields) = &mut body {
        fields.insert("success".into(), Value::Bool(true));
    }
    Json(body)
}
