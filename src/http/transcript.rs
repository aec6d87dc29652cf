//! `livechat/transcript`: the visitor asks for its chat by e-mail now; an agent asks for it
//! to be mailed when the chat closes (`/:rid`), or cancels that.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{JsonBody, PathParams};
use super::{success, AppState};
use crate::accounts::permissions::permission::SEND_OMNICHANNEL_CHAT_TRANSCRIPT;
use crate::error::ApiResult;
use crate::livechat::TRANSCRIPT_SENT;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/transcript", post(visitor_transcript))
        .route(
            "/transcript/{rid}",
            post(request_transcript).delete(cancel_request),
        )
}

#[derive(Deserialize)]
struct VisitorBody {
    token: Option<String>,
    rid: Option<String>,
    email: Option<String>,
}

async fn visitor_transcript(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<VisitorBody>,
) -> ApiResult<Json<Value>> {
    state
        .livechat
        .send_visitor_transcript(
            body.token.as_deref(),
            body.rid.as_deref(),
            body.email.as_deref(),
        )
        .await?;
    Ok(success(json!({ "message": TRANSCRIPT_SENT })))
}

#[derive(Deserialize)]
struct RequestBody {
    email: Option<String>,
    subject: Option<String>,
}

async fn request_transcript(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(rid): PathParams<String>,
    JsonBody(body): JsonBody<RequestBody>,
) -> ApiResult<Json<Value>> {
    auth.require(SEND_OMNICHANNEL_CHAT_TRANSCRIPT)?;
    state
        .livechat
        .request_transcript(
            &auth.user,
            &rid,
            body.email.as_deref(),
            body.subject.as_deref(),
        )
        .await?;
    Ok(success(json!({})))
}

async fn cancel_request(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(rid): PathParams<String>,
) -> ApiResult<Json<Value>> {
    auth.require(SEND_OMNICHANNEL_CHAT_TRANSCRIPT)?;
    state
        .livechat
        .cancel_transcript_request(&auth.user, &rid)
        .await?;
    Ok(success(json!({})))
}
