//! A livechat server compatible with Rocket.Chat's Livechat API (see `DESIGN.md` in shared/).

/// Accounts of agents and managers: logins, passwords, roles.
pub mod accounts;
/// Building the app from its configuration and serving it.
pub mod app;
/// Typed configuration from defaults, file, environment and flags.
pub mod config;
/// EJSON, the date form of DDP frames.
pub mod ejson;
/// The API error type and its mapping to Rocket.Chat's error bodies.
pub mod error;
/// Where uploaded files' bytes are kept (a directory or an S3 bucket).
pub mod files;
/// The REST routes: one module per resource.
pub mod http;
/// Random document ids in Meteor's format.
pub mod ids;
/// Deserialization helpers for request input.
pub mod input;
/// The livechat domain services used by every transport.
pub mod livechat;
/// Outgoing e-mail: SMTP settings, rendering helpers, the outbox courier.
pub mod mail;
/// The stored documents, with Rocket.Chat's field names.
pub mod model;
/// Everything that leaves the server (mail, webhooks): the durable outbox and its worker.
pub mod outbox;
/// Realtime over WebSocket (DDP): connections, subscriptions, event fan-out.
pub mod realtime;
/// Persistence on SQLite or PostgreSQL.
pub mod store;
/// Millisecond timestamps and their wire formats.
pub mod time;

pub use app::App;
pub use config::Config;
