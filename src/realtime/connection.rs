//! What a method or a subscription may see of its client: who it is, where it connects from,
//! and its frame queue. The protocol state (handshake, held subscriptions) stays in `session`.

use std::net::IpAddr;

use super::frames::ServerFrame;
use super::hub::{ConnId, Outbox};
use super::state::Realtime;
use crate::model::User;

pub struct Connection {
    pub id: ConnId,
    pub rt: Realtime,
    pub outbox: Outbox,
    /// The client's address, for the login and visitor-token limits.
    pub client_ip: Option<IpAddr>,
    /// The logged-in user (DDP `login`), with the token it logged in with.
    pub user: Option<(User, String)>,
    /// The visitor token given to `livechat:setUpConnection`.
    pub visitor_token: Option<String>,
}

impl Connection {
    pub fn new(rt: Realtime, outbox: Outbox, client_ip: Option<IpAddr>) -> Connection {
        Connection {
            id: rt.hub.next_conn_id(),
            rt,
            outbox,
            client_ip,
            user: None,
            visitor_token: None,
        }
    }

    /// A connection with no socket, for one method called over REST (`method.call`): the
    /// same dispatcher runs it as `user` (or nobody); frames it would push are dropped, and
    /// it never holds presence or subscriptions (the socket-only methods are refused first).
    pub fn detached(rt: Realtime, client_ip: Option<IpAddr>, user: Option<(User, String)>) -> Self {
        let (outbox, _dropped, _) = Outbox::new(1);
        Connection {
            user,
            ..Connection::new(rt, outbox, client_ip)
        }
    }

    /// Queues a frame for this client.
    pub fn send(&self, frame: ServerFrame) {
        self.outbox.offer(frame.encode());
    }
}
