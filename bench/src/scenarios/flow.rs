//! Scenario 1, the visitor chat flow: register, open a room, send N messages, read the
//! history, close. First as many flows as `flow_concurrency` visitors complete back to back
//! (the throughput), then visitors arriving at half that rate, each step due at a fixed pace
//! and its latency measured from when it was due (no coordinated omission).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use super::Ctx;
use crate::api::{new_token, Api};
use crate::load::{Latency, Recorder};
use crate::server::{Backend, Database, Server};

pub const ENDPOINTS: [&str; 5] = [
    "POST livechat/visitor",
    "GET livechat/room",
    "POST livechat/message",
    "GET livechat/messages.history",
    "POST livechat/room.close",
];

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct FlowResult {
    /// Completed flows per second with `concurrency` visitors back to back.
    pub flows_per_second: f64,
    pub requests_per_second: f64,
    pub concurrency: usize,
    pub messages_per_flow: usize,
    pub pace_ms: u64,
    /// Service times per endpoint at saturation.
    pub saturated: Vec<(String, Latency)>,
    /// The open-loop run: offered requests per second and latency per endpoint.
    pub offered_rps: f64,
    pub achieved_rps: f64,
    pub errors: u64,
    pub paced: Vec<(String, Latency)>,
}

/// The steps of one flow, in order: which endpoint each is.
fn steps(messages: usize) -> Vec<usize> {
    let mut steps = vec![0, 1];
    steps.extend(std::iter::repeat_n(2, messages));
    steps.extend([3, 4]);
    steps
}

/// Runs one visitor's flow; `due(k)` is when step `k` should start.
async fn one_flow(
    api: &Api,
    messages: usize,
    recorders: &[Recorder],
    due: impl Fn(usize) -> Instant,
) -> bool {
    let token = new_token();
    let mut rid = String::new();
    for (k, endpoint) in steps(messages).into_iter().enumerate() {
        let at = due(k);
        tokio::time::sleep_until(at.into()).await;
        let ok = match endpoint {
            0 => api.register(&token).await.is_ok(),
            1 => match api.open_room(&token).await {
                Ok((id, _)) => {
                    rid = id;
                    true
                }
                Err(_) => false,
            },
            2 => {
                let body = json!({ "token": token, "rid": rid, "msg": format!("message {k}") });
                api.ok(Method::POST, "message", Some(&body)).await
            }
            3 => {
                let path = format!("messages.history/{rid}?token={token}");
                api.ok(Method::GET, &path, None).await
            }
            _ => {
                let body = json!({ "rid": rid, "token": token });
                api.ok(Method::POST, "room.close", Some(&body)).await
            }
        };
        if !ok {
            return false;
        }
        recorders[endpoint].record(at.elapsed());
    }
    true
}

pub async fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<FlowResult> {
    let p = &ctx.params;
    let database = Database::create(&ctx.launcher, backend).await?;
    let server = Server::start(&ctx.launcher, &database).await?;
    let api = Api::new(server.base());
    let per_flow = p.flow_messages + 4;

    // Saturation: visitors back to back, each step measured from its own start.
    let bar = ctx.counter("visitor flow: saturation");
    let recorders: Arc<Vec<Recorder>> = Arc::new((0..5).map(|_| Recorder::default()).collect());
    let flows = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + p.flow_time;
    let workers: Vec<_> = (0..p.flow_concurrency)
        .map(|_| {
            let (api, recorders, flows, bar) =
                (api.clone(), recorders.clone(), flows.clone(), bar.clone());
            let messages = p.flow_messages;
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    if one_flow(&api, messages, &recorders, |_| Instant::now()).await {
                        flows.fetch_add(1, Ordering::Relaxed);
                    }
                    bar.inc(per_flow as u64);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let flows_per_second = flows.load(Ordering::Relaxed) as f64 / elapsed;
    let saturated = summaries(&recorders);

    // Open loop at half the saturated rate: flows arrive evenly, steps `flow_pace` apart.
    let flow_rate = (flows_per_second * 0.5).max(1.0);
    let bar = ctx.counter("visitor flow: paced at half");
    let paced: Arc<Vec<Recorder>> = Arc::new((0..5).map(|_| Recorder::default()).collect());
    let failed = Arc::new(AtomicU64::new(0));
    let total = (flow_rate * p.flow_time.as_secs_f64()).round().max(1.0) as u64;
    let start = Instant::now();
    let mut running = Vec::new();
    for i in 0..total {
        let arrival = start + Duration::from_secs_f64(i as f64 / flow_rate);
        tokio::time::sleep_until(arrival.into()).await;
        let (api, paced, failed, bar, pace) = (
            api.clone(),
            paced.clone(),
            failed.clone(),
            bar.clone(),
            p.flow_pace,
        );
        let messages = p.flow_messages;
        running.push(tokio::spawn(async move {
            let due = |k: usize| arrival + pace * k as u32;
            if !one_flow(&api, messages, &paced, due).await {
                failed.fetch_add(1, Ordering::Relaxed);
            }
            bar.inc(per_flow as u64);
        }));
    }
    for flow in running {
        let _ = flow.await;
    }
    let paced_elapsed = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let done: u64 = paced.iter().map(|r| r.snapshot().len()).sum();
    server.kill().await;
    database.drop_now().await;
    Ok(FlowResult {
        flows_per_second,
        requests_per_second: flows_per_second * per_flow as f64,
        concurrency: p.flow_concurrency,
        messages_per_flow: p.flow_messages,
        pace_ms: p.flow_pace.as_millis() as u64,
        saturated,
        offered_rps: flow_rate * per_flow as f64,
        achieved_rps: done as f64 / paced_elapsed,
        errors: failed.load(Ordering::Relaxed),
        paced: summaries(&paced),
    })
}

fn summaries(recorders: &[Recorder]) -> Vec<(String, Latency)> {
    ENDPOINTS
        .iter()
        .zip(recorders)
        .map(|(name, r)| (name.to_string(), r.summary()))
        .collect()
}
