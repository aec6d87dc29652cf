//! One WebSocket connection speaking DDP: the greeting and handshake, heartbeats both ways,
//! methods and subscriptions handled strictly in the order they arrive, and one writer task
//! draining the connection's bounded queue. A client that stops reading until its queue fills
//! is disconnected; one that goes silent is pinged, then disconnected.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message as WsMessage, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};

use super::hub::{ConnId, Outbox, Topic};
use super::views::{Rendering, View};
use super::{methods, streams, DdpError, Realtime};
use crate::ids;
use crate::model::User;

/// Longest offending text echoed back in an error frame.
const ECHO_LIMIT: usize = 500;

/// Stored events read per query when a subscriber catches up.
const REPLAY_BATCH: i64 = 500;

/// What the connection knows about its client.
pub struct Connection {
    pub id: ConnId,
    pub rt: Realtime,
    pub outbox: Outbox,
    /// The client's address, for the login and visitor-token limits.
    pub client_ip: Option<IpAddr>,
    connected: bool,
    /// The logged-in user (DDP `login`), with the token it logged in with.
    pub user: Option<(User, String)>,
    /// The visitor token given to `livechat:setUpConnection`.
    pub visitor_token: Option<String>,
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
    let mut conn = Connection {
        id: rt.hub.next_conn_id(),
        rt,
        outbox,
        client_ip,
        connected: false,
        user: None,
        visitor_token: None,
        subscriptions: HashMap::new(),
    };
    conn.send(json!({ "server_id": "0" }));
    let silence = Duration::from_secs(conn.rt.ping_seconds.max(1));
    let mut pinged = false;
    let mut permission_changes = conn.rt.livechat.permissions().changes();
    loop {
        tokio::select! {
            Ok(()) = permission_changes.changed() => conn.recheck_subscriptions().await,
            _ = overflowed.notified() => {
                tracing::info!(conn = conn.id, "disconnecting a client too slow to read its frames");
                break;
            }
            next = tokio::time::timeout(silence, stream.next()) => match next {
                Ok(Some(Ok(WsMessage::Text(text)))) => {
                    pinged = false;
                    if !conn.handle(text.as_str()).await {
                        break;
                    }
                }
                Ok(Some(Ok(WsMessage::Close(_)))) | Ok(Some(Err(_))) | Ok(None) => break,
                Ok(Some(Ok(_))) => pinged = false, // binary, ping, pong: alive
                Err(_) if pinged => {
                    tracing::debug!(conn = conn.id, "closing a silent connection");
                    break;
                }
                Err(_) => {
                    conn.send(json!({ "msg": "ping" }));
                    pinged = true;
                }
            }
        }
    }
    conn.unsubscribe_all();
    conn.leave_presence().await;
    // Let queued frames (a last error, a `failed`) go out, but never wait on a stuck client.
    let abort = writer.abort_handle();
    drop(conn);
    if tokio::time::timeout(Duration::from_secs(1), writer)
        .await
        .is_err()
    {
        abort.abort();
    }
}

impl Connection {
    /// A connection with no socket, for one method called over REST (`method.call`): the
    /// same dispatcher runs it as `user` (or nobody); frames it would push are dropped, and
    /// it never holds presence or subscriptions (the socket-only methods are refused first).
    pub fn detached(rt: Realtime, client_ip: Option<IpAddr>, user: Option<(User, String)>) -> Self {
        let (outbox, _dropped, _) = Outbox::new(1);
        Connection {
            id: rt.hub.next_conn_id(),
            rt,
            outbox,
            client_ip,
            connected: true,
            user,
            visitor_token: None,
            subscriptions: HashMap::new(),
        }
    }

    /// Queues a frame for this client.
    pub fn send(&self, frame: Value) {
        self.outbox.offer(Arc::from(frame.to_string()));
    }

    /// Handles one inbound frame; `false` when the connection must end.
    async fn handle(&mut self, text: &str) -> bool {
        let frame: Value = match serde_json::from_str(text) {
            Ok(Value::Object(fields)) => Value::Object(fields),
            _ => {
                self.bad_request(text, "Bad request");
                return true;
            }
        };
        let kind = frame["msg"].as_str().unwrap_or_default();
        if !self.connected {
            return match kind {
                "connect" => self.connect(&frame),
                "ping" => {
                    self.pong(&frame);
                    true
                }
                _ => {
                    self.bad_request(text, "Must connect first");
                    true
                }
            };
        }
        match kind {
            "ping" => self.pong(&frame),
            "pong" => {}
            "method" => self.method(&frame, text).await,
            "sub" => self.subscribe(&frame, text).await,
            "unsub" => self.unsubscribe(&frame),
            "connect" => self.bad_request(text, "Already connected"),
            _ => self.bad_request(text, "Bad request"),
        }
        true
    }

    fn connect(&mut self, frame: &Value) -> bool {
        let speaks = |v: &Value| matches!(v.as_str(), Some("1" | "pre2" | "pre1"));
        let proposed = frame["version"].as_str().unwrap_or_default();
        let supported = frame["support"]
            .as_array()
            .is_some_and(|all| all.iter().any(speaks));
        if speaks(&frame["version"]) || supported {
            self.connected = true;
            let session = ids::random_id();
            tracing::debug!(conn = self.id, %session, version = proposed, "DDP connected");
            self.send(json!({ "msg": "connected", "session": session }));
            true
        } else {
            self.send(json!({ "msg": "failed", "version": "1" }));
            false
        }
    }

    fn pong(&self, frame: &Value) {
        match frame.get("id") {
            Some(id) => self.send(json!({ "msg": "pong", "id": id })),
            None => self.send(json!({ "msg": "pong" })),
        }
    }

    async fn method(&mut self, frame: &Value, text: &str) {
        let (Some(id), Some(name)) = (frame["id"].as_str(), frame["method"].as_str()) else {
            self.bad_request(text, "Malformed method invocation");
            return;
        };
        let params = match &frame["params"] {
            Value::Array(params) => params.clone(),
            Value::Null => Vec::new(),
            _ => {
                self.bad_request(text, "Malformed method invocation");
                return;
            }
        };
        let outcome = methods::call(self, name, &params).await;
        self.send(methods::result_frame(id, outcome));
        self.send(json!({ "msg": "updated", "methods": [id] }));
    }

    async fn subscribe(&mut self, frame: &Value, text: &str) {
        let (Some(id), Some(name)) = (frame["id"].as_str(), frame["name"].as_str()) else {
            self.bad_request(text, "Malformed subscription");
            return;
        };
        let params = frame["params"].as_array().cloned().unwrap_or_default();
        match streams::authorize(self, name, &params).await {
            Ok(subscription) => {
                let (topic, view) = (subscription.topic, subscription.view);
                let held = Held {
                    topic: topic.clone(),
                    name: name.to_string(),
                    params,
                };
                if let Some(previous) = self.subscriptions.insert(id.to_string(), held) {
                    self.rt.hub.unsubscribe(&previous.topic, self.id);
                }
                match subscription.since {
                    None => self
                        .rt
                        .hub
                        .subscribe(topic, self.id, self.outbox.clone(), view),
                    Some(since) => {
                        let hub = self.rt.hub.clone();
                        let outbox = self.outbox.clone();
                        hub.subscribe_catching_up(topic.clone(), self.id, outbox, view.clone());
                        let replayed_to = self.replay(&topic, &view, since).await;
                        hub.finish_catch_up(&topic, self.id, replayed_to);
                    }
                }
                self.send(json!({ "msg": "ready", "subs": [id] }));
            }
            Err(error) => self.send(json!({ "msg": "nosub", "id": id, "error": error.to_value() })),
        }
    }

    /// Sends the stored events of `topic` after `since`, oldest first, as `view` sees them
    /// (the same rules as live delivery); returns the last id read (`since` when there were
    /// none). Events older than the outbox keeps are gone: a client that was away longer
    /// reloads the history over REST.
    async fn replay(&self, topic: &Topic, view: &View, since: i64) -> i64 {
        let mut after = since;
        loop {
            let page = match self.rt.livechat.store().read().await {
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
                    if !self.outbox.offer(frame) {
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

    fn unsubscribe(&mut self, frame: &Value) {
        let Some(id) = frame["id"].as_str() else {
            return;
        };
        self.drop_subscription(id);
        self.send(json!({ "msg": "nosub", "id": id }));
    }

    /// Forgets subscription `id`; the hub forgets the topic once no other subscription of
    /// this connection listens to it.
    fn drop_subscription(&mut self, id: &str) {
        if let Some(held) = self.subscriptions.remove(id) {
            if !self.subscriptions.values().any(|h| h.topic == held.topic) {
                self.rt.hub.unsubscribe(&held.topic, self.id);
            }
        }
    }

    /// After the permission table changed: ends (`nosub` with `error-not-allowed`) each
    /// subscription its user may no longer hold, as a new `sub` would now be refused.
    /// Visitors hold no roles, so a connection without a login has nothing to re-check.
    async fn recheck_subscriptions(&mut self) {
        if self.user.is_none() {
            return;
        }
        let ids: Vec<String> = self.subscriptions.keys().cloned().collect();
        for id in ids {
            let Some(held) = self.subscriptions.get(&id) else {
                continue;
            };
            let (name, params) = (held.name.clone(), held.params.clone());
            if streams::grant(self, &name, &params).await.is_ok() {
                continue;
            }
            self.drop_subscription(&id);
            let error = DdpError::new("error-not-allowed", "Not allowed").to_value();
            self.send(json!({ "msg": "nosub", "id": id, "error": error }));
        }
    }

    fn bad_request(&self, text: &str, reason: &str) {
        let echoed: String = text.chars().take(ECHO_LIMIT).collect();
        self.send(json!({ "msg": "error", "reason": reason, "offendingMessage": echoed }));
    }

    /// The connection ends: its visitor goes offline, and its user's grace period starts.
    async fn leave_presence(&mut self) {
        if let Some(token) = self.visitor_token.take() {
            self.rt.presence.visitor_disconnected(&token).await;
        }
        if let Some((user, _)) = self.user.take() {
            self.rt.presence.user_disconnected(&user.id).await;
        }
    }

    fn unsubscribe_all(&mut self) {
        for held in self.subscriptions.values() {
            self.rt.hub.unsubscribe(&held.topic, self.id);
        }
        self.subscriptions.clear();
    }
}
