//! A DDP client for tests: a real WebSocket to `/websocket`, speaking the frames Rocket.Chat's
//! clients send. Every wait has a deadline, so a missing frame fails the test instead of
//! hanging it.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::TestApp;

const WAIT: Duration = Duration::from_secs(5);

pub struct Ddp {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// Frames read while looking for another one, handed out first by `recv`.
    backlog: Vec<Value>,
}

impl Ddp {
    /// An open socket that has read the greeting but not sent `connect`.
    pub async fn open(app: &TestApp) -> Ddp {
        Ddp::open_at(&app.address.to_string()).await
    }

    /// Like `open`, for a server at `address` (`host:port`).
    pub async fn open_at(address: &str) -> Ddp {
        let url = format!("ws://{address}/websocket");
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket");
        Ddp::greeted(socket).await
    }

    /// A client on an upgraded socket, once the server's greeting is read.
    async fn greeted(socket: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Ddp {
        let mut ddp = Ddp {
            socket,
            next_id: 0,
            backlog: Vec::new(),
        };
        assert_eq!(ddp.recv().await, json!({ "server_id": "0" }));
        ddp
    }

    /// Sends `connect` and expects `connected`.
    async fn handshake(&mut self) {
        self.send(json!({ "msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"] }))
            .await;
        let connected = self.recv().await;
        assert_eq!(connected["msg"], json!("connected"), "{connected}");
    }

    /// A connected session whose TCP receive buffer is tiny, so the server's writes back up
    /// quickly when the test stops reading (a slow consumer).
    pub async fn connect_with_small_window(app: &TestApp) -> Ddp {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket.connect(app.address).await.expect("tcp");
        let url = format!("ws://{}/websocket", app.address);
        let (socket, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
            .await
            .expect("websocket");
        let mut ddp = Ddp::greeted(socket).await;
        ddp.handshake().await;
        ddp
    }

    /// Reads until the server closes the connection; the frames read on the way, or `None` if
    /// it stayed open for `wait`.
    pub async fn read_until_closed(&mut self, wait: Duration) -> Option<Vec<Value>> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut frames = std::mem::take(&mut self.backlog);
        loop {
            let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
            match self.read_within(left).await {
                Some(Value::Null) => return Some(frames),
                Some(frame) => frames.push(frame),
                None => return None,
            }
        }
    }

    /// A connected DDP session.
    pub async fn connect(app: &TestApp) -> Ddp {
        Ddp::connect_at(&app.address.to_string()).await
    }

    /// A connected DDP session whose upgrade request names `ip` in `X-Forwarded-For`, as a
    /// proxy would: the client address of an app that trusts proxy headers.
    pub async fn connect_from(app: &TestApp, ip: &str) -> Ddp {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{}/websocket", app.address)
            .into_client_request()
            .expect("a websocket request");
        let forwarded = ip.parse().expect("an address header value");
        request.headers_mut().insert("x-forwarded-for", forwarded);
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket");
        let mut ddp = Ddp::greeted(socket).await;
        ddp.handshake().await;
        ddp
    }

    pub async fn connect_at(address: &str) -> Ddp {
        let mut ddp = Ddp::open_at(address).await;
        ddp.handshake().await;
        ddp
    }

    /// A session logged in as `username` with a SHA-256 password digest.
    pub async fn login(app: &TestApp, username: &str, password: &str) -> Ddp {
        let mut ddp = Ddp::connect(app).await;
        let result = ddp
            .call("login", json!([login_params(username, password)]))
            .await;
        assert!(result.get("result").is_some(), "login: {result}");
        ddp
    }

    pub async fn send(&mut self, frame: Value) {
        self.send_text(frame.to_string()).await;
    }

    pub async fn send_text(&mut self, text: String) {
        self.socket
            .send(Message::Text(text.into()))
            .await
            .expect("send frame");
    }

    /// The next frame (server pings are answered and skipped).
    pub async fn recv(&mut self) -> Value {
        if !self.backlog.is_empty() {
            return self.backlog.remove(0);
        }
        loop {
            let frame = self.read_within(WAIT).await.expect("a frame within 5 s");
            if frame["msg"] == json!("ping") {
                self.send(json!({ "msg": "pong" })).await;
                continue;
            }
            return frame;
        }
    }

    /// The next frame within `wait`, or `None`; `Some(Value::Null)` when the socket closed.
    pub async fn read_within(&mut self, wait: Duration) -> Option<Value> {
        match tokio::time::timeout(wait, self.socket.next()).await {
            Err(_) => None,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => Some(Value::Null),
            Ok(Some(Ok(Message::Text(text)))) => {
                Some(serde_json::from_str(text.as_str()).expect("frames are JSON"))
            }
            Ok(Some(Ok(_))) => Box::pin(self.read_within(wait)).await,
        }
    }

    /// The first frame matching `wanted`; frames skipped on the way are kept for `recv`.
    pub async fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(at);
        }
        let mut skipped = Vec::new();
        loop {
            let frame = self.read_within(WAIT).await;
            match frame {
                Some(Value::Null) | None => {
                    panic!("no matching frame; skipped {skipped:?}, ended with {frame:?}")
                }
                Some(frame) if frame["msg"] == json!("ping") => {
                    self.send(json!({ "msg": "pong" })).await;
                }
                Some(frame) if wanted(&frame) => {
                    self.backlog.extend(skipped);
                    return frame;
                }
                Some(frame) => skipped.push(frame),
            }
        }
    }

    fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        format!("t-{}", self.next_id)
    }

    /// Calls a method and returns its `result` frame.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.fresh_id();
        self.send(json!({ "msg": "method", "method": method, "params": params, "id": id }))
            .await;
        self.wait_for(|f| f["msg"] == json!("result") && f["id"] == json!(id))
            .await
    }

    /// Subscribes and returns the `ready` or `nosub` frame.
    pub async fn sub(&mut self, name: &str, params: Value) -> Value {
        let id = self.fresh_id();
        self.send(json!({ "msg": "sub", "id": id, "name": name, "params": params }))
            .await;
        self.wait_for(|f| {
            (f["msg"] == json!("ready") && f["subs"] == json!([id]))
                || (f["msg"] == json!("nosub") && f["id"] == json!(id))
        })
        .await
    }

    /// The next `changed` frame of `collection` for `event_name`.
    pub async fn event(&mut self, collection: &str, event_name: &str) -> Value {
        self.wait_for(|f| {
            f["msg"] == json!("changed")
                && f["collection"] == json!(collection)
                && f["fields"]["eventName"] == json!(event_name)
        })
        .await
    }

    /// The next `stream-livechat-room` event of `kind` (`agentData`, `queueData`, …) for room
    /// `rid`: its `args[0]`. Events of other kinds are kept for later reads.
    pub async fn room_state(&mut self, rid: &str, kind: &str) -> Value {
        let frame = self
            .wait_for(|f| {
                f["msg"] == json!("changed")
                    && f["collection"] == json!("stream-livechat-room")
                    && f["fields"]["eventName"] == json!(rid)
                    && f["fields"]["args"][0]["type"] == json!(kind)
            })
            .await;
        frame["fields"]["args"][0].clone()
    }

    /// Asserts that no `changed` frame arrives for a while.
    pub async fn assert_no_event(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Some(left) = deadline.checked_duration_since(tokio::time::Instant::now()) {
            match self.read_within(left).await {
                Some(frame) if frame["msg"] == json!("changed") => {
                    panic!("unexpected event {frame}")
                }
                Some(Value::Null) | None => return,
                Some(_) => {}
            }
        }
    }
}

/// `login` params with the SHA-256 digest of `password`, as Rocket.Chat's clients send them.
pub fn login_params(username: &str, password: &str) -> Value {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(password.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    json!({ "user": { "username": username }, "password": { "digest": hex, "algorithm": "sha-256" } })
}

/// Subscription params carrying a visitor token, as the widget sends them.
pub fn visitor_args(event_name: &str, token: &str) -> Value {
    json!([event_name, { "useCollection": false, "args": [{ "token": token, "visitorToken": token }] }])
}

/// Subscription params without extra args (a logged-in user).
pub fn user_args(event_name: &str) -> Value {
    json!([event_name, { "useCollection": false, "args": [null] }])
}
