//! The ceilings driven like the scenarios: the bare HTTP endpoint through the same latency
//! curve as the message POST, and the bare WebSocket echo with as many connections as the
//! fan-out and frames at the same rate.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{self, SplitSink, StreamExt};
use futures::SinkExt;
use reqwest::Method;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

use super::Ctx;
use crate::api::Api;
use crate::ceilings::CeilingServer;
use crate::ddp;
use crate::load::{self, Curve, Latency, Recorder};

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SocketCeiling {
    pub connections: usize,
    pub rate: f64,
    pub rss_idle_kib: u64,
    pub rss_connected_kib: u64,
    pub echo_latency: Latency,
}

/// The HTTP ceiling: constant JSON, the same body, client and curve as the message POST.
pub async fn http(ctx: &Ctx) -> anyhow::Result<Curve> {
    let server = CeilingServer::start().await?;
    let api = Api::new(format!("http://{}", server.address));
    let bar = ctx.counter("HTTP ceiling");
    let pid = server.pid();
    let curve = load::curve(&ctx.params.curve, "HTTP ceiling", &bar, pid, move |i, _| {
        let api = api.clone();
        async move {
            let body = super::write::message_body(
                "token",
                &format!("room-{}", i % 200),
                "hello from the load generator",
            );
            api.ok(Method::POST, "message", Some(&body)).await
        }
    })
    .await;
    bar.finish_and_clear();
    server.stop().await;
    Ok(curve)
}

type Sink = SplitSink<ddp::Socket, Message>;

/// The socket ceiling: `fanout_connections` echo sockets, frames at `fanout_rate`.
pub async fn socket(ctx: &Ctx) -> anyhow::Result<SocketCeiling> {
    let p = &ctx.params;
    let server = CeilingServer::start().await?;
    tokio::time::sleep(ctx.params.settle).await;
    let rss_idle_kib = server.rss_kib().unwrap_or(0);
    let address = server.address;
    let bar = ctx.bar(
        p.fanout_connections as u64,
        "socket ceiling: echo connections",
    );
    let opened: Vec<anyhow::Result<ddp::Socket>> = stream::iter(0..p.fanout_connections)
        .map(|n| async move { ddp::open_socket(address, ddp::source_for(n)).await })
        .buffer_unordered(128)
        .inspect(|_| bar.inc(1))
        .collect()
        .await;
    bar.finish_and_clear();
    let base = Instant::now();
    let echoed = Recorder::default();
    let mut sinks: Vec<Arc<Mutex<Sink>>> = Vec::new();
    for socket in opened {
        let (sink, mut stream) = socket?.split();
        sinks.push(Arc::new(Mutex::new(sink)));
        let recorder = echoed.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message {
                    if let Ok(micros) = text.as_str().trim_start_matches("bench:").parse::<u64>() {
                        recorder
                            .record(base.elapsed().saturating_sub(Duration::from_micros(micros)));
                    }
                }
            }
        });
    }
    tokio::time::sleep(ctx.params.settle).await;
    let rss_connected_kib = server.rss_kib().unwrap_or(0);
    let sinks = Arc::new(sinks);
    let bar = ctx.counter("socket ceiling: echo");
    load::open_loop(p.fanout_rate, p.fanout_time, 2048, &bar, move |i, due| {
        let sinks = sinks.clone();
        async move {
            let text = format!("bench:{}", due.saturating_duration_since(base).as_micros());
            let sink = &sinks[i as usize % sinks.len()];
            sink.lock()
                .await
                .send(Message::Text(text.into()))
                .await
                .is_ok()
        }
    })
    .await;
    bar.finish_and_clear();
    tokio::time::sleep(ctx.params.settle).await;
    server.stop().await;
    Ok(SocketCeiling {
        connections: p.fanout_connections,
        rate: p.fanout_rate,
        rss_idle_kib,
        rss_connected_kib,
        echo_latency: echoed.summary(),
    })
}
