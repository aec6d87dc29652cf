//! One WebSocket connection speaking DDP: the greeting and handshake, heartbeats both ways,
//! methods and subscriptions handled strictly in the order they arrive, and one writer task
//! draining the connection's bounded queue. A client that stops reading until its queue fills
//! is disconnected; one that goes silent is pinged, then disconnected.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use axum::extract::ws::{Message as WsMessage, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::Value;

use super::connection::Connection;
use super::ddp_error::DdpError;
use super::frames::{greeting, ClientFrame, MethodCall, ServerFrame};
use super::hub::Outbox;
use super::state::Realtime;
use super::topic::Topic;
use super::views::{Rendering, View};
use super::{methods, streams};
use crate::ids;

/// Stored events read per query when a subscriber catches up.
const REPLAY_BATCH: i64 = 500;

/// One client's protocol state: its connection (what methods and subscriptions see), whether
/// it completed the handshake, and what it subscribed to.
struct Session {
    conn: Connection,
    connected: bool,
    subscriptions: HashMap<String, Held>,
}

/// A granted subscription, with what it asked for, to re-check it when permissions change.
struct Held {
    topic: Topic,
    name: String,
    params: Vec<Value>,
}

pub async fn serve(socket: WebSocket, rt: Realtime, client_ip: Option<IpAddr>) {
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut frames, overflowed) = Outbox::new(rt.queue_frames.max(1));
    let writer = tokio::spawn(async move {
        while let Some(frame) = frames.recv().await {
            if sink
                .send(WsMessage::Text(frame.as_ref().into()))
                .await
                .is_err()
            {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let mut session = Session {
        conn: Connection::new(rt, outbox, client_ip),
        connected: false,
        subscriptions: HashMap::new(),
    };
    session.conn.outbox.offer(greeting());
    let silence = Duration::from_secs(session.conn.rt.ping_seconds.max(1));
    let mut pinged = false;
    let mut permission_changes = session.conn.rt.livechat.permissions().changes();
    loop {
        tokio::select! {
            Ok(()) = permission_changes.changed() => Box::pin(session.recheck_subscriptions()).await,
            _ = overflowed.notified() => {
                tracing::info!(conn = session.conn.id, "disconnecting a client too slow to read its frames");
                break;
            }
            next = tokio::time::timeout(silence, stream.next()) => match next {
                Ok(Some(Ok(WsMessage::Text(text)))) => {
                    pinged = false;
                    // Boxed: a task is allocated at the size of its largest state, and an
                    // idle connection should not pay for the deepest method call's (see
                    // `docs/BENCHMARKS.md`, memory per connection).
                    if !Box::pin(session.handle(text.as_str())).await {
                        break;
                    }
                }
                Ok(Some(Ok(WsMessage::Close(_)))) | Ok(Some(Err(_))) | Ok(None) => break,
                Ok(Some(Ok(_))) => pinged = false, // binary, ping, pong: alive
                Err(_) if pinged => {
                    tracing::debug!(conn = session.conn.id, "closing a silent connection");
                    break;
                }
                Err(_) => {
                    session.send(ServerFrame::Ping);
                    pinged = true;
                }
            }
        }
    }
    session.unsubscribe_all();
    Box::pin(session.leave_presence()).await;
    // Let queued frames (a last error, a `failed`) go out, but never wait on a stuck client.
    let abort = writer.abort_handle();
    drop(session);
    if tokio::time::timeout(Duration::from_secs(1), writer)
        .await
        .is_err()
    {
        abort.abort();
    }
}

impl Session {
    fn send(&self, frame: ServerFrame) {
        self.conn.send(frame);
    }

    /// Handles one inbound frame; `false` when the connection must end.
    async fn handle(&mut self, text: &str) -> bool {
        let frame = match ClientFrame::decode(text) {
            Ok(frame) => frame,
            Err(bad) => {
                if let Some(reason) = bad.reason(self.connected) {
                    self.send(ServerFrame::bad_request(reason, text));
                }
                return true;
            }
        };
        if !self.connected {
            return match frame {
                ClientFrame::Connect {
                    version, support, ..
                } => self.connect(version.as_deref(), &support),
                ClientFrame::Ping { id } => {
                    self.send(ServerFrame::Pong { id });
                    true
                }
                _ => {
                    self.send(ServerFrame::bad_request("Must connect first", text));
                    true
                }
            };
        }
        match frame {
            ClientFrame::Ping { id } => self.send(ServerFrame::Pong { id }),
            ClientFrame::Pong { .. } => {}
            ClientFrame::Method(call) => self.method(call).await,
            ClientFrame::Sub { id, name, params } => self.subscribe(id, name, params).await,
            ClientFrame::Unsub { id } => self.unsubscribe(id),
            ClientFrame::Connect { .. } => {
                self.send(ServerFrame::bad_request("Already connected", text))
            }
        }
        true
    }

    fn connect(&mut self, version: Option<&str>, support: &[String]) -> bool {
        if ClientFrame::speaks_our_version(version, support) {
            self.connected = true;
            let session = ids::random_id();
            let proposed = version.unwrap_or_default();
            tracing::debug!(conn = self.conn.id, %session, version = proposed, "DDP connected");
            self.send(ServerFrame::Connected { session });
            true
        } else {
            self.send(ServerFrame::Failed { version: "1" });
            false
        }
    }

    async fn method(&mut self, call: MethodCall) {
        let outcome = methods::call(&mut self.conn, &call.method, &call.params).await;
        self.send(methods::result_frame(&call.id, outcome));
        self.send(ServerFrame::Updated {
            methods: vec![call.id],
        });
    }

    async fn subscribe(&mut self, id: String, name: String, params: Vec<Value>) {
        match streams::authorize(&self.conn, &name, &params).await {
            Ok(subscription) => {
                let (topic, view) = (subscription.topic, subscription.view);
                let held = Held {
                    topic: topic.clone(),
                    name,
                    params,
                };
                let (hub, conn_id) = (self.conn.rt.hub.clone(), self.conn.id);
                if let Some(previous) = self.subscriptions.insert(id.clone(), held) {
                    hub.unsubscribe(&previous.topic, conn_id);
                }
                let outbox = self.conn.outbox.clone();
                match subscription.since {
                    None => hub.subscribe(topic, conn_id, outbox, view),
                    Some(since) => {
                        hub.subscribe_catching_up(topic.clone(), conn_id, outbox, view.clone());
                        let replayed_to = self.replay(&topic, &view, since).await;
                        hub.finish_catch_up(&topic, conn_id, replayed_to);
                    }
                }
                self.send(ServerFrame::Ready { subs: vec![id] });
            }
            Err(error) => self.send(ServerFrame::Nosub {
                id,
                error: Some(error.to_value()),
            }),
        }
    }

    /// Sends the stored events of `topic` after `since`, oldest first, as `view` sees them
    /// (the same rules as live delivery); returns the last id read (`since` when there were
    /// none). Events older than the outbox keeps are gone: a client that was away longer
    /// reloads the history over REST.
    async fn replay(&self, topic: &Topic, view: &View, since: i64) -> i64 {
        let mut after = since;
        loop {
            let page = match self.conn.rt.livechat.store().read().await {
                Ok(mut db) => {
                    db.exec()
                        .topic_events_after(
                            &topic.collection,
                            &topic.event_name,
                            topic.audience.as_deref(),
                            after,
                            REPLAY_BATCH,
                        )
                        .await
                }
                Err(err) => Err(err),
            };
            let events = match page {
                Ok(events) => events,
                Err(err) => {
                    tracing::warn!(error = %err, "reading missed events failed");
                    return after;
                }
            };
            let full = events.len() as i64 == REPLAY_BATCH;
            for event in events {
                let frame = Rendering::new(topic, Some(event.id), &event.args).frame_for(view);
                if let Some(frame) = frame {
                    if !self.conn.outbox.offer(frame) {
                        return after;
                    }
                }
                after = event.id;
            }
            if !full {
                return after;
            }
        }
    }

    fn unsubscribe(&mut self, id: String) {
        self.drop_subscription(&id);
        self.send(ServerFrame::Nosub { id, error: None });
    }

    /// Forgets subscription `id`; the hub forgets the topic once no other subscription of
    /// this connection listens to it.
    fn drop_subscription(&mut self, id: &str) {
        if let Some(held) = self.subscriptions.remove(id) {
            if !self.subscriptions.values().any(|h| h.topic == held.topic) {
                self.conn.rt.hub.unsubscribe(&held.topic, self.conn.id);
            }
        }
    }

    /// After the permission table changed: ends (`nosub` with `error-not-allowed`) each
    /// subscription its user may no longer hold, as a new `sub` would now be refused.
    /// Visitors hold no roles, so a connection without a login has nothing to re-check.
    async fn recheck_subscriptions(&mut self) {
        if self.conn.user.is_none() {
            return;
        }
        let ids: Vec<String> = self.subscriptions.keys().cloned().collect();
        for id in ids {
            let Some(held) = self.subscriptions.get(&id) else {
                continue;
            };
            let (name, params) = (held.name.clone(), held.params.clone());
            if streams::grant(&self.conn, &name, &params).await.is_ok() {
                continue;
            }
            self.drop_subscription(&id);
            let error = DdpError::new("error-not-allowed", "Not allowed").to_value();
            self.send(ServerFrame::Nosub {
                id,
                error: Some(error),
            });
        }
    }

    /// The connection ends: its visitor goes offline, and its user's grace period starts.
    async fn leave_presence(&mut self) {
        if let Some(token) = self.conn.visitor_token.take() {
            self.conn.rt.presence.visitor_disconnected(&token).await;
        }
        if let Some((user, _)) = self.conn.user.take() {
            self.conn.rt.presence.user_disconnected(&user.id).await;
        }
    }

    fn unsubscribe_all(&mut self) {
        for held in self.subscriptions.values() {
            self.conn.rt.hub.unsubscribe(&held.topic, self.conn.id);
        }
        self.subscriptions.clear();
    }
}
