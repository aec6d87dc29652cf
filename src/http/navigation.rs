//! `livechat/page.visited`.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{require, JsonBody};
use super::{success, AppState};
use crate::error::ApiResult;
use crate::input::object;
use crate::livechat::PageInfo;

pub fn router() -> Router<AppState> {
    Router::new().route("/page.visited", post(page_visited))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageVisitedBody {
    token: Option<String>,
    rid: Option<String>,
    #[serde(default, deserialize_with = "object")]
    page_info: Option<PageInfo>,
}

async fn page_visited(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<PageVisitedBody>,
) -> ApiResult<Json<Value>> {
    let token = require("token", body.token)?;
    let page_info = require("pageInfo", body.page_info)?;
    let page = state
        .livechat
        .record_page_visit(&token, body.rid.as_deref(), &page_info)
        .await?;
    Ok(success(match page {
        Some(page) => json!({ "page": page }),
        None => json!({}),
    }))
}
