//! Rocket.Chat's REST wrapper around DDP methods (`POST method.call/:method` and
//! `method.callAnon/:method`): a client without a WebSocket sends the method frame as a string
//! and gets the `result` frame back as a string. The call runs through the one dispatcher
//! (`methods::call`), on a connection built for it alone, so a method behaves the same over
//! both transports.

use std::net::IpAddr;

use serde_json::Value;

use super::connection::Connection;
use super::ddp_error::DdpError;
use super::frames::{ClientFrame, MethodCall, ServerFrame};
use super::methods::{self, result_frame, SOCKET_ONLY};
use super::state::Realtime;
use crate::model::User;

impl Realtime {
    /// Runs `call` as `user` (`None`: anonymously) and answers its `result` frame. Methods
    /// that bind a login or a visitor's presence to a socket answer an error instead: over
    /// REST there is no connection for them to bind to.
    pub async fn call_over_rest(
        &self,
        call: MethodCall,
        user: Option<(User, String)>,
        client_ip: Option<IpAddr>,
    ) -> Value {
        if SOCKET_ONLY.contains(&call.method.as_str()) {
            let refused = DdpError::new(
                400,
                format!(
                    "Method '{}' needs a DDP connection (/websocket)",
                    call.method
                ),
            );
            return to_value(result_frame(&call.id, Err(refused)));
        }
        let mut conn = Connection::detached(self.clone(), client_ip, user);
        let outcome = methods::call(&mut conn, &call.method, &call.params).await;
        to_value(result_frame(&call.id, outcome))
    }
}

impl MethodCall {
    /// The method frame in `message` (the same codec as the socket's); `None` when it is not
    /// one, or a malformed one.
    pub fn parse(message: &str) -> Option<MethodCall> {
        match ClientFrame::decode(message) {
            Ok(ClientFrame::Method(call)) => Some(call),
            _ => None,
        }
    }
}

/// REST answers the frame as a string inside its JSON body, so callers want it as a value.
fn to_value(frame: ServerFrame) -> Value {
    serde_json::to_value(&frame).unwrap_or_default()
}
