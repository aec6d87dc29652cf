//! The named scenarios. Each starts its own server on a fresh database, so none measures what
//! another left behind.

pub mod cold;
pub mod fanout;
pub mod flow;
pub mod limits;
pub mod logins;
pub mod routing;
pub mod write;

use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::api::Api;
use crate::load::CurvePlan;
use crate::server::Launcher;

/// Sizes of one run (`--profile`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    pub curve: CurvePlan,
    /// Rooms the message write path spreads its messages over.
    pub write_rooms: usize,
    pub flow_concurrency: usize,
    pub flow_messages: usize,
    /// Pause between one visitor's steps in the open-loop flow.
    pub flow_pace: Duration,
    pub flow_time: Duration,
    pub fanout_connections: usize,
    pub fanout_agents: usize,
    pub fanout_rate: f64,
    pub fanout_time: Duration,
    /// Connections the hold test tries to reach (bounded by the process's file limit).
    pub hold_connections: usize,
    pub routing_rooms: usize,
    pub routing_agents: usize,
    pub cold_starts: usize,
    /// Concurrent wrong-password DDP logins in the logins scenario.
    pub login_burst: usize,
    /// Whether to kill the server under load and count acknowledged messages afterwards.
    pub crash_check: bool,
    /// Pause before reading memory or after a load, so late frames and freed memory settle.
    pub settle: Duration,
}

impl Params {
    pub fn standard() -> Params {
        Params {
            curve: CurvePlan {
                concurrency: 64,
                saturation_time: Duration::from_secs(5),
                fractions: vec![0.1, 0.25, 0.5, 0.75, 0.9, 1.0],
                step_time: Duration::from_secs(4),
                max_in_flight: 2048,
            },
            write_rooms: 200,
            flow_concurrency: 64,
            flow_messages: 10,
            flow_pace: Duration::from_millis(100),
            flow_time: Duration::from_secs(5),
            fanout_connections: 10_000,
            fanout_agents: 100,
            fanout_rate: 1000.0,
            fanout_time: Duration::from_secs(10),
            hold_connections: 20_000,
            routing_rooms: 1000,
            routing_agents: 100,
            cold_starts: 5,
            login_burst: 128,
            crash_check: true,
            settle: Duration::from_secs(2),
        }
    }

    /// A tiny run that only shows the tool works (the smoke test).
    pub fn smoke() -> Params {
        Params {
            curve: CurvePlan {
                concurrency: 4,
                saturation_time: Duration::from_millis(300),
                fractions: vec![0.5, 1.0],
                step_time: Duration::from_millis(300),
                max_in_flight: 64,
            },
            write_rooms: 4,
            flow_concurrency: 2,
            flow_messages: 2,
            flow_pace: Duration::from_millis(10),
            flow_time: Duration::from_millis(300),
            fanout_connections: 12,
            fanout_agents: 2,
            fanout_rate: 50.0,
            fanout_time: Duration::from_millis(400),
            hold_connections: 20,
            routing_rooms: 8,
            routing_agents: 2,
            cold_starts: 1,
            login_burst: 8,
            crash_check: true,
            settle: Duration::from_millis(100),
        }
    }
}

/// What every scenario needs.
pub struct Ctx {
    pub launcher: Launcher,
    pub params: Params,
    pub bars: MultiProgress,
}

impl Ctx {
    /// A progress bar counting `len` operations.
    pub fn bar(&self, len: u64, label: &str) -> ProgressBar {
        let bar = self.bars.add(ProgressBar::new(len));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .expect("progress template"),
        );
        bar.set_message(label.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// A progress bar that counts without a known end (load steps).
    pub fn counter(&self, label: &str) -> ProgressBar {
        let bar = self.bars.add(ProgressBar::no_length());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {pos} requests ({per_sec}) {msg}",
            )
            .expect("progress template"),
        );
        bar.set_message(label.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }
}

/// `n` visitors, registered and each with an open room: `(token, rid, serving agent)`.
pub async fn visitors_with_rooms(
    api: &Api,
    n: usize,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<(String, String, Option<String>)>> {
    let api = Arc::new(api.clone());
    let rooms: Vec<anyhow::Result<_>> = stream::iter(0..n)
        .map(|_| {
            let (api, bar) = (api.clone(), bar.clone());
            async move {
                let token = crate::api::new_token();
                api.register(&token).await?;
                let (rid, agent) = api.open_room(&token).await?;
                bar.inc(1);
                anyhow::Ok((token, rid, agent))
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    rooms.into_iter().collect()
}

/// `n` available agents named `agent-<i>`: `(user id, username)`.
pub async fn agents(
    api: &Api,
    admin: &crate::api::Credentials,
    n: usize,
) -> anyhow::Result<Vec<(String, String)>> {
    let made: Vec<anyhow::Result<_>> = stream::iter(0..n)
        .map(|i| async move {
            let username = format!("agent-{i}");
            let (id, _) = api.agent(admin, &username).await?;
            anyhow::Ok((id, username))
        })
        .buffer_unordered(4)
        .collect()
        .await;
    made.into_iter().collect()
}
