//! Realtime over WebSocket: Meteor DDP as Rocket.Chat's clients speak it (`GET /websocket`).
//!
//! Changes are recorded as events in the transaction that makes them (`store::events`); the
//! dispatcher reads them once committed and the hub fans them out to this process's
//! subscribers, so every process sharing a PostgreSQL database delivers every event.
//!
//! Modules depend one way only, each on those below it (none on one above, none on this root
//! beyond being declared here):
//!
//! 1. `frames` (the DDP codec: typed client and server frames), `ddp_error` (Meteor errors),
//!    `topic`: shared types that depend on nothing in `realtime/`.
//! 2. `views` (what each subscriber receives of an event), then `hub` (the local fan-out);
//!    `presence`, then `presence_lease`.
//! 3. `dispatcher` and `queue_positions`, which feed the hub.
//! 4. `state`: `Realtime`, what every connection shares, and the tasks above.
//! 5. `connection`: what a method or subscription may see of its client.
//! 6. `streams` (subscriptions), the `*_methods` files, then `methods` (the method
//!    dispatcher): behaviour, over a `Connection`.
//! 7. `session` (one socket: frames in, behaviour, frames out) and `rest_calls` (a method
//!    over REST).
//! 8. This root: the WebSocket route, wiring `session` to `state`.

mod agent_methods;
mod business_hour_methods;
mod connection;
mod custom_field_methods;
mod ddp_error;
mod dispatcher;
mod frames;
mod hub;
mod mail_methods;
mod methods;
mod presence;
mod presence_lease;
mod queue_positions;
mod rest_calls;
mod session;
mod state;
mod streams;
mod tag_methods;
mod topic;
mod trigger_methods;
mod views;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Extension;
use axum::Router;

pub use frames::MethodCall;
pub use hub::Hub;
pub use state::Realtime;

use crate::http::client_ip;

impl Realtime {
    pub fn router(self) -> Router {
        Router::new()
            .route("/websocket", get(upgrade))
            .with_state(self)
    }
}

/// Bytes a connection reads from its socket at a time. tungstenite allocates this buffer up
/// front for every connection (128 KiB by default, which made each idle DDP connection cost
/// about 150 KiB of server memory); clients send small frames (a DDP method call with a chat
/// message is a few hundred bytes), and a larger one is still read, only in more steps. 2 KiB
/// rather than 4: the buffer is most of what an idle connection costs (issue 15's target is
/// under 12 KiB per idle connection).
const READ_BUFFER_BYTES: usize = 2 * 1024;

/// The upgrade, remembering the client's address (by the same rule as REST's rate limits) for
/// the connection's login and visitor-token limits.
async fn upgrade(
    State(rt): State<Realtime>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let limit = rt.max_frame_bytes;
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let client = client_ip(&headers, peer, rt.trust_proxy_headers);
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| session::serve(socket, rt, client))
}
