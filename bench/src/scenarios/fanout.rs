//! Scenario 3, realtime fan-out: visitors subscribed to their rooms and agents to theirs over
//! DDP; messages POSTed at a fixed rate carry their due time, and each socket records how long
//! after it the frame arrived. Then the connection count is pushed to the hold target (a
//! helper process opens the extra sockets, since one process may only hold so many files),
//! and the server's memory per connection is its RSS growth divided by its connections.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::stream::{self, StreamExt};
use reqwest::Method;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use super::{agents, visitors_with_rooms, Ctx};
use crate::api::{Api, AGENT_PASSWORD};
use crate::ddp;
use crate::load::{self, Latency, Recorder};
use crate::server::{Backend, Database, Server, ADMIN, ADMIN_PASSWORD};

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct FanoutResult {
    pub connections: usize,
    pub agents: usize,
    pub rate: f64,
    pub sent: u64,
    pub post_errors: u64,
    pub post_latency: Latency,
    pub visitor_latency: Latency,
    pub agent_latency: Latency,
    pub rss_idle_kib: u64,
    pub rss_connected_kib: u64,
    pub hold: Option<Hold>,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Hold {
    pub attempted: usize,
    pub held: usize,
    pub rss_kib: u64,
    /// The file limit of this machine's processes, which bounds what one process can hold.
    pub file_limit: u64,
}

/// The due time a message carries: `bench:<µs since base>`.
fn marker(base: Instant, due: Instant) -> String {
    format!("bench:{}", due.saturating_duration_since(base).as_micros())
}

/// Records the latency of a frame that carries a marker.
fn record_marker(base: Instant, text: &str, recorder: &Recorder) {
    let Some(at) = text.find("bench:") else {
        return;
    };
    let digits: String = text[at + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if let Ok(micros) = digits.parse::<u64>() {
        let due = Duration::from_micros(micros);
        recorder.record(base.elapsed().saturating_sub(due));
    }
}

pub async fn run(ctx: &Ctx, backend: Backend, file_limit: u64) -> anyhow::Result<FanoutResult> {
    let p = &ctx.params;
    let database = Database::create(&ctx.launcher, backend).await?;
    let server = Server::start(&ctx.launcher, &database).await?;
    let api = Api::new(server.base());
    let admin = api.login(ADMIN, ADMIN_PASSWORD).await?;
    let staff = agents(&api, &admin, p.fanout_agents).await?;
    let usernames: HashMap<String, String> = staff.into_iter().collect();
    let visitors = p.fanout_connections.saturating_sub(p.fanout_agents).max(1);
    let bar = ctx.bar(visitors as u64, "fan-out: visitors and rooms");
    let rooms = Arc::new(visitors_with_rooms(&api, visitors, &bar).await?);
    bar.finish_and_clear();
    tokio::time::sleep(ctx.params.settle).await;
    let rss_idle_kib = server.rss_kib().unwrap_or(0);

    let base = Instant::now();
    let at_visitor = Recorder::default();
    let at_agent = Recorder::default();
    let address = server.address;
    let bar = ctx.bar(p.fanout_connections as u64, "fan-out: DDP connections");
    let opened: Vec<anyhow::Result<ddp::Socket>> = stream::iter(rooms.iter().enumerate())
        .map(|(n, (token, rid, _))| async move {
            ddp::visitor(address, ddp::source_for(n), token, rid).await
        })
        .buffer_unordered(128)
        .inspect(|_| bar.inc(1))
        .collect()
        .await;
    for socket in opened {
        let recorder = at_visitor.clone();
        tokio::spawn(ddp::listen(
            socket.context("a visitor's socket")?,
            move |text| record_marker(base, text, &recorder),
        ));
    }
    let mut served: HashMap<String, Vec<String>> = HashMap::new();
    for (_, rid, agent) in rooms.iter() {
        if let Some(agent) = agent {
            served.entry(agent.clone()).or_default().push(rid.clone());
        }
    }
    for (n, (agent, rids)) in served.iter().enumerate() {
        let username = usernames
            .get(agent)
            .context("the serving agent is one of ours")?;
        let source = ddp::source_for(visitors + n);
        let socket = ddp::agent(address, source, username, AGENT_PASSWORD, rids).await?;
        let recorder = at_agent.clone();
        tokio::spawn(ddp::listen(socket, move |text| {
            record_marker(base, text, &recorder)
        }));
        bar.inc(1);
    }
    bar.finish_and_clear();
    tokio::time::sleep(ctx.params.settle).await;
    let rss_connected_kib = server.rss_kib().unwrap_or(0);

    let bar = ctx.counter(&format!("fan-out: {} msg/s", p.fanout_rate));
    let (op_api, op_rooms) = (api.clone(), rooms.clone());
    let step = load::open_loop(p.fanout_rate, p.fanout_time, 2048, &bar, move |i, due| {
        let (api, rooms) = (op_api.clone(), op_rooms.clone());
        async move {
            let (token, rid, _) = &rooms[i as usize % rooms.len()];
            let body = super::write::message_body(token, rid, &marker(base, due));
            api.ok(Method::POST, "message", Some(&body)).await
        }
    })
    .await;
    bar.finish_and_clear();
    tokio::time::sleep(ctx.params.settle).await;

    let target = p
        .hold_connections
        .min(file_limit.saturating_sub(100) as usize);
    let hold = if server.pid().is_some() && target > p.fanout_connections {
        Some(hold(ctx, &server, &rooms, target, file_limit).await?)
    } else {
        None
    };
    server.kill().await;
    database.drop_now().await;
    Ok(FanoutResult {
        connections: p.fanout_connections,
        agents: served.len(),
        rate: p.fanout_rate,
        sent: step.ok,
        post_errors: step.errors,
        post_latency: step.latency,
        visitor_latency: at_visitor.summary(),
        agent_latency: at_agent.summary(),
        rss_idle_kib,
        rss_connected_kib,
        hold,
    })
}

/// Opens `target - connections` more visitor sockets (a second tab of existing visitors)
/// from a helper process, then reads the server's RSS.
async fn hold(
    ctx: &Ctx,
    server: &Server,
    rooms: &[(String, String, Option<String>)],
    target: usize,
    file_limit: u64,
) -> anyhow::Result<Hold> {
    let extra = target - ctx.params.fanout_connections;
    let exe = std::env::current_exe()?;
    let mut helper = Command::new(exe)
        .args(["hold", "--server", &server.address.to_string()])
        .args(["--count", &extra.to_string()])
        .args(["--first", &ctx.params.fanout_connections.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdin = helper.stdin.take().context("helper stdin")?;
    let mut lines = String::new();
    for (token, rid, _) in rooms.iter().cycle().take(extra) {
        lines.push_str(&format!("{token} {rid}\n"));
    }
    stdin.write_all(lines.as_bytes()).await?;
    stdin.flush().await?;
    let mut out = BufReader::new(helper.stdout.take().context("helper stdout")?).lines();
    let bar = ctx.bar(extra as u64, "hold: extra DDP connections");
    let mut held_extra = 0;
    while let Some(line) = out.next_line().await? {
        if let Some(n) = line.strip_prefix("opened ") {
            bar.set_position(n.parse().unwrap_or(0));
        }
        if let Some(n) = line.strip_prefix("held ") {
            held_extra = n
                .split_whitespace()
                .next()
                .unwrap_or("0")
                .parse()
                .unwrap_or(0);
            break;
        }
    }
    bar.finish_and_clear();
    tokio::time::sleep(ctx.params.settle).await;
    let rss_kib = server.rss_kib().unwrap_or(0);
    drop(stdin);
    let _ = helper.kill().await;
    Ok(Hold {
        attempted: target,
        held: ctx.params.fanout_connections + held_extra,
        rss_kib,
        file_limit,
    })
}

/// The helper process (`livechat-bench hold`): reads `token rid` lines, opens a subscribed
/// visitor socket for each, prints `held N failed M`, and keeps them until its stdin closes.
pub async fn hold_helper(server: SocketAddr, count: usize, first: usize) -> anyhow::Result<()> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut visitors = Vec::new();
    while visitors.len() < count {
        let Some(line) = lines.next_line().await? else {
            break;
        };
        let mut parts = line.split_whitespace();
        if let (Some(token), Some(rid)) = (parts.next(), parts.next()) {
            visitors.push((token.to_string(), rid.to_string()));
        }
    }
    let opened = Arc::new(AtomicU64::new(0));
    let results: Vec<anyhow::Result<ddp::Socket>> = stream::iter(visitors.iter().enumerate())
        .map(|(n, (token, rid))| {
            let opened = opened.clone();
            async move {
                let socket = ddp::visitor(server, ddp::source_for(first + n), token, rid).await;
                let done = opened.fetch_add(1, Ordering::Relaxed) + 1;
                if done % 500 == 0 {
                    println!("opened {done}");
                }
                socket
            }
        })
        .buffer_unordered(128)
        .collect()
        .await;
    let mut held = 0;
    let mut failed = 0;
    for socket in results {
        match socket {
            Ok(socket) => {
                held += 1;
                tokio::spawn(ddp::listen(socket, |_| {}));
            }
            Err(_) => failed += 1,
        }
    }
    println!("held {held} failed {failed}");
    // Hold them until the parent closes stdin.
    while lines.next_line().await?.is_some() {}
    Ok(())
}
