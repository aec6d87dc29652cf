//! Scenario 5, cold facts of the release binary: its size, its start-up time on an existing
//! database (spawn to first answered request, median of several starts), and its resident
//! memory once started and idle.

use std::time::Duration;

use super::Ctx;
use crate::server::{Backend, Database, Server};

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ColdResult {
    pub starts: usize,
    pub startup_median_ms: f64,
    pub startup_max_ms: f64,
    pub idle_rss_kib: u64,
}

pub async fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<Option<ColdResult>> {
    if ctx.launcher.binary.is_none() {
        return Ok(None); // in-process: start-up and memory would not be the binary's
    }
    let database = Database::create(&ctx.launcher, backend).await?;
    // The first start creates the schema; the measured ones open an existing database.
    let first = Server::start(&ctx.launcher, &database).await?;
    stop_gracefully(first).await;
    let mut times = Vec::new();
    let mut idle_rss_kib = 0;
    for n in 0..ctx.params.cold_starts.max(1) {
        let server = Server::start(&ctx.launcher, &database).await?;
        times.push(server.startup.as_secs_f64() * 1000.0);
        if n == 0 {
            tokio::time::sleep(ctx.params.settle).await;
            idle_rss_kib = server.rss_kib().unwrap_or(0);
        }
        stop_gracefully(server).await;
    }
    database.drop_now().await;
    times.sort_by(f64::total_cmp);
    Ok(Some(ColdResult {
        starts: times.len(),
        startup_median_ms: times[times.len() / 2],
        startup_max_ms: times[times.len() - 1],
        idle_rss_kib,
    }))
}

/// SIGTERM, so the next start finds a cleanly closed database.
async fn stop_gracefully(server: Server) {
    if let Some(pid) = server.pid() {
        let _ = tokio::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await;
        for _ in 0..200 {
            if crate::server::rss_kib(pid).is_none() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    server.kill().await;
}
