//! Scenario 6, memory under logins: the server's resident memory idle, after the agents are
//! created and logged in (REST, then DDP, as the fan-out scenario does it), and during and
//! after a burst of concurrent wrong-password DDP logins, the attack that once took the
//! server to GiBs (every argon2 check kept its 19 MiB in a thread's allocator arena).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::json;

use super::{agents, Ctx};
use crate::api::{Api, AGENT_PASSWORD};
use crate::ddp;
use crate::server::{Backend, Database, Server, ADMIN, ADMIN_PASSWORD};

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct LoginsResult {
    pub agents: usize,
    pub idle_rss_kib: u64,
    /// Once the agents were created and logged in over REST and DDP, settled.
    pub after_agents_rss_kib: u64,
    /// Concurrent wrong-password DDP logins, each on its own socket.
    pub burst: usize,
    /// The highest RSS sampled while the burst was answered.
    pub burst_peak_rss_kib: u64,
    /// Once the burst was answered, settled.
    pub after_burst_rss_kib: u64,
    pub burst_seconds: f64,
    /// Answers: wrong password, and refused as too many at once.
    pub wrong_password: usize,
    pub too_many: usize,
}

pub async fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<Option<LoginsResult>> {
    if ctx.launcher.binary.is_none() {
        return Ok(None); // in-process: the memory would be ours too
    }
    let p = &ctx.params;
    let database = Database::create(&ctx.launcher, backend).await?;
    let server = Server::start(&ctx.launcher, &database).await?;
    tokio::time::sleep(p.settle).await;
    let idle_rss_kib = server.rss_kib().unwrap_or(0);

    let api = Api::new(server.base());
    let admin = api.login(ADMIN, ADMIN_PASSWORD).await?;
    let staff = agents(&api, &admin, p.fanout_agents).await?;
    for (n, (_, username)) in staff.iter().enumerate() {
        let source = ddp::source_for(n);
        let socket = ddp::agent(server.address, source, username, AGENT_PASSWORD, &[]).await?;
        drop(socket);
    }
    tokio::time::sleep(p.settle).await;
    let after_agents_rss_kib = server.rss_kib().unwrap_or(0);

    // Every socket connected first, so the logins arrive together.
    let mut sockets = Vec::with_capacity(p.login_burst);
    for n in 0..p.login_burst {
        sockets.push(ddp::connect(server.address, ddp::source_for(n)).await?);
    }
    let peak = Arc::new(AtomicU64::new(after_agents_rss_kib));
    let sampling = {
        let (peak, pid) = (peak.clone(), server.pid());
        tokio::spawn(async move {
            while let Some(rss) = pid.and_then(crate::server::rss_kib) {
                peak.fetch_max(rss, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let started = Instant::now();
    let answers = join_all(sockets.into_iter().map(wrong_password_login)).await;
    let burst_seconds = started.elapsed().as_secs_f64();
    sampling.abort();
    let mut result = LoginsResult {
        agents: staff.len(),
        idle_rss_kib,
        after_agents_rss_kib,
        burst: p.login_burst,
        burst_peak_rss_kib: peak.load(Ordering::Relaxed),
        burst_seconds,
        ..LoginsResult::default()
    };
    for answer in answers {
        match answer?.as_str() {
            "error-too-many-requests" => result.too_many += 1,
            _ => result.wrong_password += 1,
        }
    }
    tokio::time::sleep(p.settle).await;
    result.after_burst_rss_kib = server.rss_kib().unwrap_or(0);
    server.kill().await;
    database.drop_now().await;
    Ok(Some(result))
}

/// A DDP login as the administrator with a wrong password digest: the error code answered.
async fn wrong_password_login(mut ws: ddp::Socket) -> anyhow::Result<String> {
    let wrong = "0".repeat(64);
    let params = json!([{ "user": { "username": ADMIN }, "password": { "digest": wrong, "algorithm": "sha-256" } }]);
    ddp::send(
        &mut ws,
        json!({ "msg": "method", "id": "login", "method": "login", "params": params }),
    )
    .await?;
    let result = ddp::wait_for(&mut ws, |f| f["msg"] == "result" && f["id"] == "login").await?;
    anyhow::ensure!(result.get("error").is_some(), "a wrong password logged in");
    Ok(result["error"]["error"]
        .to_string()
        .trim_matches('"')
        .to_string())
}
