//! A CRM for the tests: an HTTP server on 127.0.0.1 that records every webhook it receives
//! (body and token header) and answers with scripted statuses (200 once the script is done).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use tokio::sync::oneshot;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub body: Value,
    pub token: Option<String>,
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    /// Statuses to answer, in order; 200 when empty.
    script: VecDeque<u16>,
}

pub struct Receiver {
    pub address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Option<oneshot::Sender<()>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    /// Listens on `address` (a fixed port lets a test take the receiver down and up again).
    pub async fn start_on(address: SocketAddr) -> Receiver {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new()
            .route("/hook", post(record))
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Receiver {
            address,
            shared,
            stop: Some(stop),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.address)
    }

    /// The next answers, in order (then 200 again).
    pub fn answer(&self, statuses: &[u16]) {
        self.shared.lock().unwrap().script.extend(statuses);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    /// The bodies received so far.
    pub fn bodies(&self) -> Vec<Value> {
        self.received().into_iter().map(|r| r.body).collect()
    }

    /// Waits (up to 20 s) until `count` requests arrived; all received.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..400 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {count} webhooks, got {:#?}",
            self.bodies()
                .iter()
                .map(|b| b["type"].clone())
                .collect::<Vec<_>>()
        );
    }

    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn record(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let mut shared = shared.lock().unwrap();
    let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let token = headers
        .get("x-rocketchat-livechat-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    shared.received.push(Received { body, token });
    let status = shared.script.pop_front().unwrap_or(200);
    (
        StatusCode::from_u16(status).unwrap(),
        format!("crm answer {}", shared.received.len()),
    )
}
