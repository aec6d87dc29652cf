//! Events for the agents' own screens (`stream-notify-user`): a chat joining or leaving an
//! agent's list of subscriptions, and the visitor seeing its agent's presence change.
//! Recorded in the transaction of the change, like every realtime event.

use serde_json::json;

use crate::ejson::to_ejson;
use crate::error::ApiResult;
use crate::model::{Room, ServedBy};
use crate::store::streams::{LIVECHAT_ROOM, NOTIFY_USER};
use crate::store::Exec;

/// `<agent>/subscriptions-changed [action, subscription]`: `inserted` when the agent starts
/// serving the room, `removed` when it stops (closed or transferred away).
pub(super) async fn record_subscription(
    exec: &mut Exec<'_>,
    action: &str,
    room: &Room,
    agent: &ServedBy,
) -> ApiResult<()> {
    let subscription = to_ejson(json!({
        "_id": format!("{}-{}", room.id, agent.id),
        "rid": room.id,
        "u": { "_id": agent.id, "username": agent.username },
        "t": "l",
        "name": room.fname,
        "fname": room.fname,
        "open": action != "removed",
        "alert": action == "inserted",
        "unread": 0,
        "ts": agent.ts,
        "_updatedAt": room.updated_at,
    }));
    let event_name = format!("{}/subscriptions-changed", agent.id);
    Ok(exec
        .record_event(NOTIFY_USER, &event_name, &json!([action, subscription]))
        .await?)
}

/// `agentStatus` on `stream-livechat-room` of every open room the agent serves.
pub(crate) async fn record_agent_status(
    exec: &mut Exec<'_>,
    agent_id: &str,
    status: &str,
) -> ApiResult<()> {
    let args = json!([{ "type": "agentStatus", "status": status }]);
    for rid in exec.open_room_ids_served_by(agent_id).await? {
        exec.record_event(LIVECHAT_ROOM, &rid, &args).await?;
    }
    Ok(())
}
