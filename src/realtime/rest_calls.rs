//! Rocket.Chat's REST wrapper around DDP methods (`POST method.call/:method` and
//! `method.callAnon/:method`): a client without a WebSocket sends the method frame as a string
//! and gets the `result` frame back as a string. The call runs through the one dispatcher
//! (`methods::call`), on a connection built for it alone, so a method behaves the same over
//! both transports.

use std::net::IpAddr;

use serde_json::Value;

use super::methods::{self, result_frame, SOCKET_ONLY};
use super::session::Connection;
use super::{DdpError, Realtime};
use crate::model::User;

/// A DDP `method` frame: `{msg: "method", id, method, params?}`.
#[derive(Debug)]
pub struct MethodCall {
    pub id: String,
    pub method: String,
    pub params: Vec<Value>,
}

impl MethodCall {
    /// The frame in `message` (EJSON is JSON here: its dates stay `{"$date"}` objects that the
    /// methods read themselves); `None` when it is not a method frame.
    pub fn parse(message: &str) -> Option<MethodCall> {
        let frame: Value = serde_json::from_str(message).ok()?;
        if frame["msg"] != "method" {
            return None;
        }
        let params = match &frame["params"] {
            Value::Array(params) => params.clone(),
            Value::Null => Vec::new(),
            _ => return None,
        };
        Some(MethodCall {
            id: frame["id"].as_str()?.to_string(),
            method: frame["method"].as_str()?.to_string(),
            params,
        })
    }
}

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
            return result_frame(&call.id, Err(refused));
        }
        let mut conn = Connection::detached(self.clone(), client_ip, user);
        let outcome = methods::call(&mut conn, &call.method, &call.params).await;
        result_frame(&call.id, outcome)
    }
}
