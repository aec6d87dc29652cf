//! `livechat/message*` and `livechat/messages.history`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{parse_count, parse_json, require, JsonBody, PathParams, QueryParams};
use super::{success, AppState};
use crate::error::{ApiError, ApiResult};
use crate::livechat::HistoryParams;
use crate::time::Timestamp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/message", post(send))
        .route("/message/{id}", get(fetch).put(edit).delete(remove))
        .route("/messages.history/{rid}", get(history))
}

#[derive(Deserialize)]
struct MessageBody {
    token: Option<String>,
    rid: Option<String>,
    msg: Option<String>,
    #[serde(rename = "_id")]
    id: Option<String>,
    /// The agent to route a new room to; rooms exist before messages here, so it is unused.
    #[allow(dead_code)]
    agent: Option<Value>,
}

async fn send(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<MessageBody>,
) -> ApiResult<Json<Value>> {
    let token = require("token", body.token)?;
    let rid = require("rid", body.rid)?;
    let msg = require("msg", body.msg)?;
    let message = state
        .livechat
        .send_visitor_message(&token, &rid, &msg, body.id.as_deref())
        .await?;
    Ok(success(json!({ "message": message })))
}

#[derive(Deserialize)]
struct MessageRef {
    token: Option<String>,
    rid: Option<String>,
    msg: Option<String>,
}

async fn fetch(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    QueryParams(query): QueryParams<MessageRef>,
) -> ApiResult<Json<Value>> {
    let token = require("token", query.token)?;
    let rid = require("rid", query.rid)?;
    let message = state.livechat.visitor_message(&id, &token, &rid).await?;
    Ok(success(json!({ "message": message })))
}

async fn edit(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<MessageRef>,
) -> ApiResult<Json<Value>> {
    let token = require("token", body.token)?;
    let rid = require("rid", body.rid)?;
    let msg = require("msg", body.msg)?;
    let message = state
        .livechat
        .edit_visitor_message(&id, &token, &rid, &msg)
        .await?;
    Ok(success(json!({ "message": message })))
}

/// `token` and `rid` come in a JSON body (Rocket.Chat's clients) or in the query string
/// (clients that cannot send a body with DELETE).
async fn remove(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    QueryParams(query): QueryParams<MessageRef>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    if body.len() > state.max_body_bytes {
        return Err(ApiError::PayloadTooLarge {
            limit: state.max_body_bytes,
        });
    }
    let from_body: MessageRef = if body.iter().all(u8::is_ascii_whitespace) {
        MessageRef {
            token: None,
            rid: None,
            msg: None,
        }
    } else {
        parse_json(&body)?
    };
    let token = require("token", from_body.token.or(query.token))?;
    let rid = require("rid", from_body.rid.or(query.rid))?;
    let deleted = state
        .livechat
        .delete_visitor_message(&id, &token, &rid)
        .await?;
    Ok(success(json!({ "message": deleted })))
}

#[derive(Deserialize)]
struct HistoryQuery {
    token: Option<String>,
    ls: Option<String>,
    /// The seeds' name for `ls`.
    ts: Option<String>,
    end: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    count: Option<String>,
}

fn parse_date(name: &str, value: Option<&str>) -> ApiResult<Option<Timestamp>> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Timestamp::parse_iso(v)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("'{name}' must be an ISO-8601 date"))),
    }
}

async fn history(
    State(state): State<AppState>,
    PathParams(rid): PathParams<String>,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> ApiResult<Json<Value>> {
    let token = require("token", query.token)?;
    let params = HistoryParams {
        last_seen: parse_date("ls", query.ls.as_deref().or(query.ts.as_deref()))?,
        end: parse_date("end", query.end.as_deref())?,
        // `limit` is the widget's page size; `count` is the paginated clients' name for it.
        limit: parse_count("limit", query.limit.as_deref())?
            .or(parse_count("count", query.count.as_deref())?),
        offset: parse_count("offset", query.offset.as_deref())?,
    };
    let history = state.livechat.history(&rid, &token, params).await?;
    let mut body = json!({
        "messages": history.messages,
        "unreadNotLoaded": history.unread_not_loaded,
        "count": history.messages.len(),
        "offset": history.offset,
        "total": history.total,
    });
    if let Some(first_unread) = history.first_unread {
        body["firstUnread"] = json!(first_unread);
    }
    Ok(success(body))
}
