//! `POST method.call/:method` and `method.callAnon/:method`: Rocket.Chat's REST wrapper around
//! DDP methods, for clients that cannot keep a WebSocket. The body is
//! `{"message": "<EJSON method frame>"}`; the answer `{"message": "<EJSON result frame>",
//! "success": true}` whether the method succeeded or not (its error travels in the frame, as
//! over DDP). The method itself runs in the realtime dispatcher.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{require, ClientIp, JsonBody, PathParams};
use super::{success, AppState};
use crate::error::{ApiError, ApiResult};
use crate::model::strip_visitor_tokens;
use crate::realtime::MethodCall;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/method.call/{method}", post(call))
        .route("/method.callAnon/{method}", post(call_anon))
}

#[derive(Deserialize)]
struct CallBody {
    message: Option<String>,
}

/// Runs the method as the logged-in user. The result goes to staff, so it carries no visitor
/// token (as the DDP agent methods' results do not).
async fn call(
    State(state): State<AppState>,
    auth: Authenticated,
    ClientIp(ip): ClientIp,
    PathParams(method): PathParams<String>,
    JsonBody(body): JsonBody<CallBody>,
) -> ApiResult<Json<Value>> {
    let call = method_call(&method, body)?;
    let mut frame = state
        .realtime
        .call_over_rest(call, Some((auth.user, auth.token)), ip)
        .await;
    strip_visitor_tokens(&mut frame);
    Ok(answer(&frame))
}

/// Runs the method without a user, as a DDP connection that has not logged in.
async fn call_anon(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    PathParams(method): PathParams<String>,
    JsonBody(body): JsonBody<CallBody>,
) -> ApiResult<Json<Value>> {
    let call = method_call(&method, body)?;
    let frame = state.realtime.call_over_rest(call, None, ip).await;
    Ok(answer(&frame))
}

/// The frame in the body, whose method must be the one the path names.
fn method_call(path_method: &str, body: CallBody) -> ApiResult<MethodCall> {
    let message = require("message", body.message)?;
    let call = MethodCall::parse(&message).ok_or_else(|| {
        ApiError::invalid(
            "'message' must be an EJSON DDP method frame {msg: \"method\", id, method, params}",
        )
    })?;
    if call.method != path_method {
        return Err(ApiError::invalid(format!(
            "the method in the path ('{path_method}') is not the message's ('{}')",
            call.method
        )));
    }
    Ok(call)
}

fn answer(frame: &Value) -> Json<Value> {
    success(json!({ "message": frame.to_string() }))
}
