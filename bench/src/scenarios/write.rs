//! Scenario 2, the message write path: `POST livechat/message` at saturation and the latency
//! curve below it; then a crash check: the server is killed (SIGKILL) in the middle of a load
//! and every message it acknowledged must be in the database when it comes back.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use sqlx::Connection;

use super::{visitors_with_rooms, Ctx};
use crate::api::Api;
use crate::load::{self, Curve};
use crate::server::{Backend, Database, Server};

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct WriteResult {
    pub curve: Curve,
    pub crash: Option<CrashCheck>,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct CrashCheck {
    pub acknowledged: usize,
    pub found_after_restart: usize,
}

/// The body of one message POST (also the body the HTTP ceiling is sent).
pub fn message_body(token: &str, rid: &str, text: &str) -> Value {
    json!({ "token": token, "rid": rid, "msg": text })
}

pub async fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<WriteResult> {
    let database = Database::create(&ctx.launcher, backend).await?;
    let server = Server::start(&ctx.launcher, &database).await?;
    let api = Api::new(server.base());
    let bar = ctx.bar(ctx.params.write_rooms as u64, "write path: rooms");
    let rooms = Arc::new(visitors_with_rooms(&api, ctx.params.write_rooms, &bar).await?);
    bar.finish_and_clear();

    let bar = ctx.counter("write path");
    let (op_api, op_rooms) = (api.clone(), rooms.clone());
    let curve = load::curve(
        &ctx.params.curve,
        "POST livechat/message",
        &bar,
        server.pid(),
        move |i, _| {
            let (api, rooms) = (op_api.clone(), op_rooms.clone());
            async move {
                let (token, rid, _) = &rooms[i as usize % rooms.len()];
                let body = message_body(token, rid, "hello from the load generator");
                api.ok(Method::POST, "message", Some(&body)).await
            }
        },
    )
    .await;
    bar.finish_and_clear();

    let crash = if ctx.params.crash_check && server.pid().is_some() {
        let rate = (curve.saturation.achieved * 0.5).max(10.0);
        Some(crash_check(ctx, &database, server, &api, rooms, rate).await?)
    } else {
        server.kill().await;
        None
    };
    database.drop_now().await;
    Ok(WriteResult { curve, crash })
}

/// Sends at `rate` for two seconds, kills the server with SIGKILL after one, restarts it on
/// the same database and looks up every acknowledged message id.
async fn crash_check(
    ctx: &Ctx,
    database: &Database,
    server: Server,
    api: &Api,
    rooms: Arc<Vec<(String, String, Option<String>)>>,
    rate: f64,
) -> anyhow::Result<CrashCheck> {
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let bar = ctx.counter("crash check: kill -9 under load");
    let (op_api, op_acked) = (api.clone(), acked.clone());
    let load = tokio::spawn(async move {
        load::open_loop(rate, Duration::from_secs(2), 2048, &bar, move |i, _| {
            let (api, rooms, acked) = (op_api.clone(), rooms.clone(), op_acked.clone());
            async move {
                let (token, rid, _) = &rooms[i as usize % rooms.len()];
                let body = message_body(token, rid, "before the crash");
                match api.call(None, Method::POST, "message", Some(&body)).await {
                    Ok(answer) => match answer["message"]["_id"].as_str() {
                        Some(id) => {
                            acked.lock().unwrap().push(id.to_string());
                            true
                        }
                        None => false,
                    },
                    Err(_) => false,
                }
            }
        })
        .await;
        bar.finish_and_clear();
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let killed_at = Instant::now();
    server.kill().await;
    let _ = load.await;
    let ids = acked.lock().unwrap().clone();
    tracing_free_log(&format!(
        "killed after {} acknowledged messages ({:?} ago)",
        ids.len(),
        killed_at.elapsed()
    ));
    let restarted = Server::start(&ctx.launcher, database).await?;
    let found = count_present(&database.url, &ids).await?;
    restarted.kill().await;
    Ok(CrashCheck {
        acknowledged: ids.len(),
        found_after_restart: found,
    })
}

/// How many of `ids` the `messages` table holds.
async fn count_present(url: &str, ids: &[String]) -> anyhow::Result<usize> {
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT COUNT(*) FROM messages WHERE id IN ({})",
            marks.join(",")
        );
        let count: i64 = if url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(url).await?;
            let mut query = sqlx::query_scalar(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_one(&mut conn).await?
        } else {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            let mut query = sqlx::query_scalar(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_one(&mut conn).await?
        };
        found += count as usize;
    }
    Ok(found)
}

/// A line on stderr, above the progress bars.
fn tracing_free_log(line: &str) {
    eprintln!("  {line}");
}
