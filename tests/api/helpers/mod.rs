//! Spawns the real app on 127.0.0.1:0 with a database of its own, and talks to it over HTTP.
//!
//! SQLite by default; when `LIVECHAT_TEST_DATABASE_URL` names a PostgreSQL server, each test
//! gets a fresh database there, dropped when the test ends.

#![allow(dead_code)]

mod asserts;
mod database;
mod ddp;
mod desk;
mod fixtures;
mod outage;
mod process;
mod smtp;

pub use asserts::*;
pub use database::*;
pub use ddp::*;
pub use desk::*;
pub use fixtures::*;
pub use outage::*;
pub use process::*;
pub use smtp::*;

use livechat::{App, Config};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: std::net::SocketAddr,
    pub client: reqwest::Client,
    /// The first-run set-up code the app made at start (its log shows the same), if any.
    pub setup_code: Option<String>,
    pub database: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let database = TestDatabase::create().await;
        let mut config = test_config(&database);
        configure(&mut config);
        let app = App::build(config).await.expect("app builds");
        let address = app.address();
        let setup_code = app.setup_code();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        TestApp {
            address,
            client: reqwest::Client::new(),
            setup_code,
            database,
            shutdown: Some(tx),
        }
    }

    /// A fresh app with a registered visitor, without a room: `(app, token)`.
    pub async fn spawn_with_visitor() -> (TestApp, String) {
        let app = TestApp::spawn().await;
        let token = app.registered_visitor().await;
        (app, token)
    }

    /// A fresh app with a registered visitor who has an open room: `(app, token, rid)`.
    pub async fn spawn_with_room() -> (TestApp, String, String) {
        let app = TestApp::spawn().await;
        let (token, rid) = app.visitor_with_room().await;
        (app, token, rid)
    }

    pub fn is_postgres(&self) -> bool {
        self.database.is_postgres()
    }

    /// `path` is relative to `/api/v1/livechat/` unless it starts with `/`.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("http://{}{}", self.address, path)
        } else {
            format!("http://{}/api/v1/livechat/{}", self.address, path)
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        read(response).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.request(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.request(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.request(Method::DELETE, path, body).await
    }

    /// POSTs `body`, asserts a 200 answer and returns it.
    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.post(path, body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        answer
    }

    /// GETs `path`, asserts a 200 answer with `success: true` and returns it.
    pub async fn get_success(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body["success"], json!(true), "{path}: {body}");
        body
    }

    /// Sends `body` verbatim as a JSON request (for malformed JSON and oversized bodies).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .request(method, self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    // ---- the visitor's happy path, for tests about something else ----

    /// POSTs `livechat/visitor` with `visitor` as the visitor to register.
    pub async fn register(&self, visitor: Value) -> (StatusCode, Value) {
        self.post("visitor", json!({ "visitor": visitor })).await
    }

    /// Registers `visitor`, asserting a 200 answer, and returns the answer.
    pub async fn register_ok(&self, visitor: Value) -> Value {
        self.post_ok("visitor", json!({ "visitor": visitor })).await
    }

    /// Registers a visitor with `token` (and a name) and returns the visitor document.
    pub async fn register_visitor(&self, token: &str) -> Value {
        let name = format!("Visitor {token}");
        self.register_ok(json!({ "token": token, "name": name }))
            .await["visitor"]
            .clone()
    }

    /// A registered visitor without a room: its token.
    pub async fn registered_visitor(&self) -> String {
        let token = new_token();
        self.register_visitor(&token).await;
        token
    }

    /// Opens (or returns) the visitor's room and returns its id.
    pub async fn open_room(&self, token: &str) -> String {
        let (status, body) = self.get(&format!("room?token={token}")).await;
        assert_eq!(status, StatusCode::OK, "room for {token}: {body}");
        body["room"]["_id"].as_str().expect("room id").to_string()
    }

    /// A registered visitor with an open room: `(token, rid)`.
    pub async fn visitor_with_room(&self) -> (String, String) {
        let token = self.registered_visitor().await;
        let rid = self.open_room(&token).await;
        (token, rid)
    }

    /// A registered visitor with an open room: `(token, visitor document, rid)`.
    pub async fn visitor_doc_with_room(&self) -> (String, Value, String) {
        let token = new_token();
        let visitor = self.register_visitor(&token).await;
        let rid = self.open_room(&token).await;
        (token, visitor, rid)
    }

    /// Closes the visitor's room, asserting that it worked.
    pub async fn close_room(&self, token: &str, rid: &str) {
        self.post_ok("room.close", json!({ "rid": rid, "token": token }))
            .await;
    }

    /// Asserts that no visitor has `token`.
    pub async fn assert_no_visitor(&self, token: &str) {
        assert_error(
            &self.get(&format!("visitor/{token}")).await,
            StatusCode::BAD_REQUEST,
            "[invalid-token]",
        );
    }

    pub async fn send_message(&self, token: &str, rid: &str, msg: &str) -> Value {
        let (status, body) = self
            .post("message", json!({ "token": token, "rid": rid, "msg": msg }))
            .await;
        assert_eq!(status, StatusCode::OK, "send message: {body}");
        body["message"].clone()
    }

    pub async fn history(&self, token: &str, rid: &str, query: &str) -> Vec<Value> {
        let (status, body) = self
            .get(&format!("messages.history/{rid}?token={token}&{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "history: {body}");
        body["messages"].as_array().expect("messages").clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("response body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("response is not JSON ({status}): {text}"));
    (status, body)
}

/// A fresh visitor token, shaped like the widget's (URL-safe).
pub fn new_token() -> String {
    format!("tok-{}", livechat::ids::random_id())
}
