//! `queueData` for visitors whose chat waits: after the queue changes (any process's inquiry
//! event, heard through the dispatcher), each process recomputes the spot of the waiting rooms
//! its own connections watch and tells those whose spot moved. Positions are derived state, so
//! they are sent straight to local subscribers instead of through the outbox.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;

use super::hub::{Event, Hub};
use super::topic::Topic;
use crate::livechat::Livechat;
use crate::store::streams::LIVECHAT_ROOM;

/// Changes arriving within this window are folded into one recomputation.
const SETTLE: Duration = Duration::from_millis(250);

pub async fn run(livechat: Livechat, hub: Arc<Hub>, queue_changed: Arc<Notify>) {
    let mut last_sent: HashMap<String, Value> = HashMap::new();
    loop {
        queue_changed.notified().await;
        tokio::time::sleep(SETTLE).await;
        let watched = hub.event_names(LIVECHAT_ROOM);
        last_sent.retain(|rid, _| watched.contains(rid));
        for rid in watched {
            let data = match livechat.queue_data(&rid).await {
                Ok(Some(data)) => data,
                Ok(None) => {
                    last_sent.remove(&rid);
                    continue;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "computing a queue position failed");
                    continue;
                }
            };
            if last_sent.get(&rid) == Some(&data) {
                continue;
            }
            let args = json!([{ "type": "queueData", "data": data }]).to_string();
            hub.publish(&Event {
                topic: &Topic::new(LIVECHAT_ROOM, &rid),
                seq: None,
                args: &args,
                skip: None,
            });
            last_sent.insert(rid, data);
        }
    }
}
