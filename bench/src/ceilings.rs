//! The limits of this machine, measured the way the server is measured, so that each figure
//! comes with a ratio that survives a noisy machine:
//!
//! - the HTTP ceiling: axum answering constant JSON, no work, driven by the same load loop;
//! - the socket ceiling: a bare WebSocket echo with axum's defaults;
//! - the storage ceiling: the same message row inserted in a loop, a commit each, with the
//!   server's own durability settings.
//!
//! The HTTP and WebSocket ceilings run in a child process (this binary, `serve-ceiling`), like
//! the server, so neither shares a runtime with the load generator.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use futures::{SinkExt, StreamExt};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use tokio::process::{Child, Command};

use crate::server::{free_port, rss_kib, Backend, Database, Launcher};

/// Serves a ceiling until killed (`livechat-bench serve-ceiling`).
pub async fn serve(bind: SocketAddr) -> anyhow::Result<()> {
    let app = Router::new()
        .route("/api/v1/livechat/message", post(constant_json))
        .route("/api/v1/livechat/config", get(constant_json))
        .route("/websocket", get(echo));
    let listener = tokio::net::TcpListener::bind(bind).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn constant_json() -> impl IntoResponse {
    (
        [("content-type", "application/json")],
        r#"{"message":{"_id":"constant","msg":"constant"},"success":true}"#,
    )
}

async fn echo(ws: WebSocketUpgrade) -> impl IntoResponse {
    ws.on_upgrade(|socket: WebSocket| async move {
        let (mut sink, mut stream) = socket.split();
        while let Some(Ok(message)) = stream.next().await {
            if let Message::Text(_) = message {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        }
    })
}

/// The ceiling server as a child process.
pub struct CeilingServer {
    pub address: SocketAddr,
    child: Child,
}

impl CeilingServer {
    pub async fn start() -> anyhow::Result<CeilingServer> {
        let address = free_port()?;
        let exe = std::env::current_exe().context("locating this binary")?;
        let child = Command::new(exe)
            .args(["serve-ceiling", "--bind", &address.to_string()])
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let client = reqwest::Client::new();
        let url = format!("http://{address}/api/v1/livechat/config");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if client.get(&url).send().await.is_ok() {
                return Ok(CeilingServer { address, child });
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        bail!("the ceiling server did not start")
    }

    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid()?)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Inserts per second of the message row, one commit each, for `duration`.
pub async fn storage(
    launcher: &Launcher,
    backend: Backend,
    duration: Duration,
    writers: usize,
) -> anyhow::Result<f64> {
    let database = Database::create(launcher, backend).await?;
    // The server's own schema, migrated by the server's own code.
    let store = livechat::store::Store::connect(&livechat::Config {
        database_url: Some(database.url.clone()),
        ..livechat::Config::default()
    })
    .await?;
    store.close().await;
    let rate = match backend {
        Backend::Sqlite => sqlite_inserts(&database.url, duration).await?,
        Backend::Postgres => postgres_inserts(&database.url, duration, writers).await?,
    };
    database.drop_now().await;
    Ok(rate)
}

const INSERT: &str =
    "INSERT INTO messages (id, rid, token, t, hidden, ts, doc) VALUES ($1, $2, $3, NULL, FALSE, $4, $5)";

/// A message document of the size the server stores for a short visitor message.
fn message_doc(id: &str, ts: i64) -> String {
    serde_json::json!({
        "_id": id, "rid": "BenchRoomId000001", "msg": "hello from the load generator",
        "token": "0123456789abcdef0123456789abcdef", "alias": "Bench visitor",
        "u": { "_id": "BenchVisitorId001", "username": "guest-1", "name": "Bench visitor" },
        "ts": ts, "_updatedAt": ts, "newRoom": false, "showConnecting": false,
    })
    .to_string()
}

/// One connection, as the server's single SQLite writer: WAL, the default `synchronous`
/// (`normal`), `BEGIN IMMEDIATE` and a commit per row.
async fn sqlite_inserts(url: &str, duration: Duration) -> anyhow::Result<f64> {
    let mut conn = SqliteConnectOptions::from_str(url)?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .connect()
        .await?;
    let started = Instant::now();
    let mut n: u64 = 0;
    while started.elapsed() < duration {
        let id = livechat::ids::random_id();
        let ts = livechat::time::Timestamp::now().millis();
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(INSERT)
            .bind(&id)
            .bind("BenchRoomId000001")
            .bind("0123456789abcdef0123456789abcdef")
            .bind(ts)
            .bind(message_doc(&id, ts))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// `writers` connections (the server's pool size), each committing one row at a time with
/// the server's defaults (`synchronous_commit = on`).
async fn postgres_inserts(url: &str, duration: Duration, writers: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..writers {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let mut conn = sqlx::PgConnection::connect(&url).await?;
            let mut n: u64 = 0;
            while started.elapsed() < duration {
                let id = livechat::ids::random_id();
                let ts = livechat::time::Timestamp::now().millis();
                let mut tx = conn.begin().await?;
                sqlx::query(INSERT)
                    .bind(&id)
                    .bind("BenchRoomId000001")
                    .bind("0123456789abcdef0123456789abcdef")
                    .bind(ts)
                    .bind(message_doc(&id, ts))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                n += 1;
            }
            anyhow::Ok(n)
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Whether `path` looks like a server binary we can run.
pub fn check_binary(path: &Path) -> anyhow::Result<()> {
    if !path.is_file() {
        bail!("no server binary at {}", path.display());
    }
    Ok(())
}
