//! Scenario 4, routing: `routing_rooms` visitors open their rooms at the same moment, with
//! `routing_agents` agents whose chat limit adds up to exactly that many rooms. Every room
//! must be assigned, no agent beyond its limit; the figure is the time until the last answer.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::json;

use super::{agents, Ctx};
use crate::api::{new_token, Api};
use crate::server::{Backend, Database, Server, ADMIN, ADMIN_PASSWORD};

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RoutingResult {
    pub rooms: usize,
    pub agents: usize,
    pub limit_per_agent: usize,
    pub assigned: usize,
    pub failed: usize,
    /// The most rooms any one agent got.
    pub busiest_agent: usize,
    pub seconds: f64,
}

pub async fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<RoutingResult> {
    let (rooms, agent_count) = (ctx.params.routing_rooms, ctx.params.routing_agents);
    let limit = rooms.div_ceil(agent_count);
    let database = Database::create(&ctx.launcher, backend).await?;
    let server = Server::start(&ctx.launcher, &database).await?;
    let api = Api::new(server.base());
    let admin = api.login(ADMIN, ADMIN_PASSWORD).await?;
    api.set_setting(&admin, "Livechat_maximum_chats_per_agent", json!(limit))
        .await?;
    let bar = ctx.bar((agent_count + rooms) as u64, "routing: agents and visitors");
    agents(&api, &admin, agent_count).await?;
    bar.inc(agent_count as u64);
    let tokens: Vec<String> = (0..rooms).map(|_| new_token()).collect();
    for chunk in tokens.chunks(64) {
        let registered = join_all(chunk.iter().map(|t| api.register(t))).await;
        registered.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();

    let bar = ctx.bar(rooms as u64, "routing: rooms opened at once");
    let started = Instant::now();
    let opened = join_all(tokens.iter().map(|token| {
        let (api, bar) = (api.clone(), bar.clone());
        async move {
            let room = tokio::time::timeout(Duration::from_secs(60), api.open_room(token)).await;
            bar.inc(1);
            room
        }
    }))
    .await;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut per_agent: HashMap<String, usize> = HashMap::new();
    let mut failed = 0;
    for room in opened {
        match room {
            Ok(Ok((_, Some(agent)))) => *per_agent.entry(agent).or_default() += 1,
            _ => failed += 1,
        }
    }
    server.kill().await;
    database.drop_now().await;
    Ok(RoutingResult {
        rooms,
        agents: agent_count,
        limit_per_agent: limit,
        assigned: per_agent.values().sum(),
        failed,
        busiest_agent: per_agent.values().copied().max().unwrap_or(0),
        seconds,
    })
}
