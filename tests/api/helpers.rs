//! Spawns the real app on 127.0.0.1:0 with a database of its own, and talks to it over HTTP.
//!
//! SQLite by default; when `LIVECHAT_TEST_DATABASE_URL` names a PostgreSQL server, each test
//! gets a fresh database there, dropped when the test ends.

#![allow(dead_code)]

use livechat::{App, Config};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: std::net::SocketAddr,
    pub client: reqwest::Client,
    database: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    _dir: TempDir,
    postgres: Option<(String, String)>, // (admin URL, database name)
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var("LIVECHAT_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!(
                    "livechat_test_{}",
                    livechat::ids::random_id().to_lowercase()
                );
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
                    .await
                    .expect("connect to LIVECHAT_TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let url = replace_database(&admin_url, &name);
                TestDatabase {
                    url,
                    _dir: dir,
                    postgres: Some((admin_url, name)),
                }
            }
            _ => {
                let url = format!("sqlite://{}", dir.path().join("livechat.db").display());
                TestDatabase {
                    url,
                    _dir: dir,
                    postgres: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs outside any runtime we could borrow, so use a short-lived one.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(mut conn) =
                        <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await
                    {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut conn)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The configuration tests start from: loopback, port 0, and the test's database.
pub fn test_config(database: &TestDatabase) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database_url: Some(database.url.clone()),
        db_max_connections: 4,
        ..Config::default()
    }
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
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        TestApp {
            address,
            client: reqwest::Client::new(),
            database,
            shutdown: Some(tx),
        }
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

    /// Registers a visitor with `token` (and a name) and returns the visitor document.
    pub async fn register_visitor(&self, token: &str) -> Value {
        let (status, body) = self
            .post(
                "visitor",
                json!({ "visitor": { "token": token, "name": format!("Visitor {token}") } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "register {token}: {body}");
        body["visitor"].clone()
    }

    /// Opens (or returns) the visitor's room and returns its id.
    pub async fn open_room(&self, token: &str) -> String {
        let (status, body) = self.get(&format!("room?token={token}")).await;
        assert_eq!(status, StatusCode::OK, "room for {token}: {body}");
        body["room"]["_id"].as_str().expect("room id").to_string()
    }

    /// A registered visitor with an open room: `(token, rid)`.
    pub async fn visitor_with_room(&self) -> (String, String) {
        let token = new_token();
        self.register_visitor(&token).await;
        let rid = self.open_room(&token).await;
        (token, rid)
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

/// Asserts a Rocket.Chat error answer: the status, `success: false` and the `error` text.
#[track_caller]
pub fn assert_error(response: &(StatusCode, Value), status: StatusCode, error: &str) {
    let (actual, body) = response;
    assert_eq!(*actual, status, "status of {body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["error"], json!(error), "{body}");
}

/// Asserts a 400 `invalid-params` answer whose message mentions `needle`.
#[track_caller]
pub fn assert_invalid_params(response: &(StatusCode, Value), needle: &str) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["errorType"], json!("invalid-params"), "{body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(needle),
        "error {error:?} should mention {needle:?}"
    );
}
