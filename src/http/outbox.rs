//! `livechat/outbox`: what the server sent or still has to send by e-mail and webhook, for the
//! people running the desk (ours; Rocket.Chat keeps no such list). Failed deliveries stay
//! until retried, so nothing given up on goes unnoticed. Needs `view-livechat-manager`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{Pagination, PathParams, QueryParams};
use super::{success, AppState};
use crate::accounts::permissions::permission::VIEW_LIVECHAT_MANAGER;
use crate::error::{ApiError, ApiResult};
use crate::store::{DeliveryRecord, DeliveryState};
use crate::time::Timestamp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbox", get(list))
        .route("/outbox/{id}/retry", post(retry))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    state: Option<String>,
    kind: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

/// `{deliveries, count, offset, total, pending, sent, failed}`, newest first.
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let wanted = match query.state.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            DeliveryState::parse(text)
                .ok_or_else(|| ApiError::invalid("state must be one of pending, sent, failed"))?,
        ),
    };
    let (offset, count) = Pagination {
        offset: query.offset,
        count: query.count,
    }
    .resolve()?;
    let kind = query.kind.as_deref().filter(|kind| !kind.is_empty());
    let mut conn = state.livechat.store().read().await?;
    let (deliveries, total) = conn
        .exec()
        .delivery_page(wanted, kind, offset, count)
        .await?;
    let (pending, sent, failed) = conn.exec().delivery_counts().await?;
    let deliveries: Vec<Value> = deliveries.iter().map(describe).collect();
    Ok(success(json!({
        "deliveries": deliveries,
        "count": deliveries.len(),
        "offset": offset,
        "total": total,
        "pending": pending,
        "sent": sent,
        "failed": failed,
    })))
}

/// Makes a failed delivery pending again, with a fresh set of attempts.
async fn retry(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(VIEW_LIVECHAT_MANAGER)?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::invalid("the delivery id must be a number"))?;
    let mut tx = state.livechat.store().begin().await?;
    let retried = tx
        .exec()
        .retry_delivery(id, Timestamp::now().millis())
        .await?;
    tx.commit().await?;
    if !retried {
        return Err(ApiError::meteor(
            "error-delivery-not-failed",
            "No failed delivery with this id",
        ));
    }
    tracing::info!(id, by = auth.user.username, "delivery queued again");
    state.outbox.wake();
    Ok(success(json!({})))
}

fn describe(delivery: &DeliveryRecord) -> Value {
    let at = |ms: i64| Timestamp(ms).to_iso();
    json!({
        "_id": delivery.id.to_string(),
        "kind": delivery.kind,
        "summary": delivery.summary,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "nextAttemptAt": (delivery.state == "pending").then(|| at(delivery.next_attempt_at)),
        "lastError": delivery.last_error,
        "createdAt": at(delivery.created_at),
        "finishedAt": delivery.finished_at.map(at),
    })
}
