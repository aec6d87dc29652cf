//! File uploads: a visitor's (`livechat/upload/:rid`), an agent's (`rooms.media` then
//! `rooms.mediaConfirm`, or `rooms.upload` in one step), and serving the files
//! (`/file-upload/:id/:name`) to those who may read their room.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{JsonBody, PathParams};
use super::upload_receive::{receive_upload, ReceivedUpload, UploadError};
use super::{staff_success, success, AppState};
use crate::error::{ApiError, ApiResult};
use crate::livechat::uploads::{file_url, UploadPolicy, Uploader};
use crate::model::Upload;

/// Routes under `/api/v1/livechat`. Uploads are bounded by `FileUpload_MaxFileSize` as they
/// stream (see `upload_receive`), not by the JSON body limit.
pub fn livechat_router() -> Router<AppState> {
    Router::new().route(
        "/upload/{rid}",
        post(visitor_upload).layer(DefaultBodyLimit::disable()),
    )
}

/// Routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/rooms.media/{rid}",
            post(staff_media).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/rooms.upload/{rid}",
            post(staff_upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/rooms.mediaConfirm/{rid}/{file_id}", post(media_confirm))
}

fn form(form: Result<Multipart, MultipartRejection>) -> Result<Multipart, UploadError> {
    form.map_err(|err| {
        UploadError::Api(ApiError::invalid(format!(
            "The request must be a multipart form with a 'file' field: {err}"
        )))
    })
}

/// `POST livechat/upload/:rid` with `x-visitor-token`: the file becomes the visitor's
/// message in its open room; answers the message (its fields at the top level).
async fn visitor_upload(
    State(state): State<AppState>,
    PathParams(rid): PathParams<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, UploadError> {
    let token = headers
        .get("x-visitor-token")
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .ok_or(UploadError::Unauthorized)?
        .to_string();
    let livechat = &state.livechat;
    let policy = livechat.upload_policy();
    if !policy.visitors_enabled {
        return Err(file_upload_disabled());
    }
    if livechat.visitor_upload_room(&token, &rid).await?.is_none() {
        return Err(UploadError::Unauthorized);
    }
    let received = receive(form(multipart)?, &state, &policy).await?;
    let upload = livechat
        .store_upload(&rid, Uploader::Visitor(&token), received.file)
        .await?;
    let message = livechat
        .send_visitor_file(
            &token,
            &upload,
            received.msg.as_deref(),
            received.description.as_deref(),
        )
        .await?;
    Ok(success(
        serde_json::to_value(message).map_err(ApiError::from)?,
    ))
}

/// Rocket.Chat's answer when an upload setting is off.
fn file_upload_disabled() -> UploadError {
    UploadError::Api(ApiError::meteor(
        "error-file-upload-disabled",
        "File upload is disabled",
    ))
}

async fn receive(
    form: Multipart,
    state: &AppState,
    policy: &UploadPolicy,
) -> Result<ReceivedUpload, UploadError> {
    let staging = state.livechat.file_storage().staging_dir().to_path_buf();
    receive_upload(form, policy, &staging).await
}

/// Checks that an agent may upload into `rid` now, before reading the file.
async fn staff_may_upload(
    state: &AppState,
    auth: &Authenticated,
    rid: &str,
) -> Result<UploadPolicy, UploadError> {
    let policy = state.livechat.upload_policy();
    if !policy.enabled {
        return Err(file_upload_disabled());
    }
    state
        .livechat
        .check_staff_may_upload(&auth.user, rid)
        .await?;
    Ok(policy)
}

/// An agent's file as stored by `store_staff_upload`, with the form's text fields, which
/// only `rooms.upload` uses (`rooms.media` gets them later, from `rooms.mediaConfirm`).
struct StaffUpload {
    upload: Upload,
    msg: Option<String>,
    description: Option<String>,
}

/// The part `rooms.media` and `rooms.upload` share: the checks come first so that a refused
/// agent's file is never read, then the form is streamed to staging and the file recorded
/// as this agent's, in `rid`.
async fn store_staff_upload(
    state: &AppState,
    auth: &Authenticated,
    rid: &str,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<StaffUpload, UploadError> {
    let policy = staff_may_upload(state, auth, rid).await?;
    let received = receive(form(multipart)?, state, &policy).await?;
    let upload = state
        .livechat
        .store_upload(rid, Uploader::Staff(&auth.user), received.file)
        .await?;
    Ok(StaffUpload {
        upload,
        msg: received.msg,
        description: received.description,
    })
}

/// `POST rooms.media/:rid`: stores the file, not yet shown; `rooms.mediaConfirm` sends it.
async fn staff_media(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(rid): PathParams<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, UploadError> {
    let StaffUpload { upload, .. } = store_staff_upload(&state, &auth, &rid, multipart).await?;
    Ok(success(
        json!({ "file": { "_id": upload.id, "url": file_url(&upload) } }),
    ))
}

/// `POST rooms.upload/:rid`: the file and its message in one request.
async fn staff_upload(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(rid): PathParams<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, UploadError> {
    let StaffUpload {
        upload,
        msg,
        description,
    } = store_staff_upload(&state, &auth, &rid, multipart).await?;
    let message = state
        .livechat
        .send_agent_file(&auth.user, &upload, msg.as_deref(), description.as_deref())
        .await?;
    Ok(staff_success(json!({ "message": message })))
}

#[derive(Deserialize)]
struct ConfirmBody {
    msg: Option<String>,
    description: Option<String>,
}

/// `POST rooms.mediaConfirm/:rid/:fileId` with `{msg?, description?}`: sends the message of
/// a file this agent stored with `rooms.media`.
async fn media_confirm(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams((rid, file_id)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<ConfirmBody>,
) -> ApiResult<Json<Value>> {
    let upload = state
        .livechat
        .staff_upload(&auth.user, &rid, &file_id)
        .await?;
    let message = state
        .livechat
        .send_agent_file(
            &auth.user,
            &upload,
            body.msg.as_deref(),
            body.description.as_deref(),
        )
        .await?;
    Ok(staff_success(json!({ "message": message })))
}
