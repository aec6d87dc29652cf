//! Reading a multipart upload: the `file` field is streamed to the storage's staging
//! directory, counting bytes, and refused as soon as it passes `FileUpload_MaxFileSize`;
//! nothing of it is held in memory beyond one chunk. Text fields (`msg`, `description`)
//! are small and read whole.

use std::path::{Path, PathBuf};

use axum::extract::multipart::{Field, Multipart};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::error::ApiError;
use crate::livechat::uploads::{clean_file_name, new_file_id, IncomingFile, UploadPolicy};

/// Largest text field accepted beside the file.
const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// Why an upload is refused, in the shapes Rocket.Chat's clients read.
#[derive(Debug)]
pub enum UploadError {
    Api(ApiError),
    /// Rocket.Chat's `API.v1.unauthorized()` for the visitor route (no such visitor or room).
    Unauthorized,
    /// The declared type is not allowed by the type settings.
    TypeNotAllowed,
    /// The file passed the size limit (shown as `sizeAllowed`).
    TooLarge {
        size_allowed: String,
    },
}

impl From<ApiError> for UploadError {
    fn from(err: ApiError) -> Self {
        UploadError::Api(err)
    }
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        match self {
            UploadError::Api(err) => err.into_response(),
            UploadError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                Json(json!({ "success": false, "error": "unauthorized" })),
            )
                .into_response(),
            UploadError::TypeNotAllowed => (
                StatusCode::BAD_REQUEST,
                Json(json!({
                    "success": false,
                    "reason": "error-type-not-allowed",
                    "error": "File type is not accepted. [error-type-not-allowed]",
                    "errorType": "error-type-not-allowed",
                })),
            )
                .into_response(),
            UploadError::TooLarge { size_allowed } => (
                StatusCode::BAD_REQUEST,
                Json(json!({
                    "success": false,
                    "reason": "error-size-not-allowed",
                    "sizeAllowed": size_allowed,
                    "error": format!("File size exceeds allowed size of {size_allowed}. [error-size-not-allowed]"),
                    "errorType": "error-size-not-allowed",
                })),
            )
                .into_response(),
        }
    }
}

/// What a multipart upload carried.
pub struct ReceivedUpload {
    pub file: IncomingFile,
    pub msg: Option<String>,
    pub description: Option<String>,
}

/// Removes a staged file unless it was handed on (a failed or refused upload leaves nothing).
struct StagedFile {
    path: Option<PathBuf>,
}

impl StagedFile {
    fn keep(mut self) -> PathBuf {
        self.path.take().expect("kept once")
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn bad_form(err: impl std::fmt::Display) -> UploadError {
    UploadError::Api(ApiError::invalid(format!(
        "The request must be a multipart form with a 'file' field: {err}"
    )))
}

/// Reads the form: exactly one `file`, and the optional text fields in any order.
pub async fn receive_upload(
    mut form: Multipart,
    policy: &UploadPolicy,
    staging_dir: &Path,
) -> Result<ReceivedUpload, UploadError> {
    let mut file = None;
    let mut msg = None;
    let mut description = None;
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("file") if file.is_none() => {
                file = Some(stage_file(field, policy, staging_dir).await?);
            }
            Some("msg") => msg = Some(read_text(field).await?),
            Some("description") => description = Some(read_text(field).await?),
            // Other fields (`alias`, `groupable`, a second file…) are read past and ignored.
            _ => {}
        }
    }
    let Some((staged, incoming)) = file else {
        return Err(UploadError::Api(ApiError::invalid(
            "[No file uploaded] 'file' is required",
        )));
    };
    Ok(ReceivedUpload {
        file: IncomingFile {
            staged: staged.keep(),
            ..incoming
        },
        msg,
        description,
    })
}

async fn read_text(mut field: Field<'_>) -> Result<String, UploadError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
            return Err(UploadError::Api(ApiError::invalid(format!(
                "form fields beside 'file' must be at most {MAX_TEXT_FIELD_BYTES} bytes"
            ))));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes)
        .map_err(|_| UploadError::Api(ApiError::invalid("form fields must be UTF-8")))
}

/// Streams the file field to a new staging file; refuses a forbidden type before reading
/// any of it and an oversized file as soon as it passes the limit.
async fn stage_file(
    mut field: Field<'_>,
    policy: &UploadPolicy,
    staging_dir: &Path,
) -> Result<(StagedFile, IncomingFile), UploadError> {
    let name = clean_file_name(field.file_name().unwrap_or("file"));
    let content_type = field
        .content_type()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("application/octet-stream")
        .to_string();
    if content_type.len() > 255 || !policy.allows_type(&content_type) {
        return Err(UploadError::TypeNotAllowed);
    }
    let internal = |err: std::io::Error| UploadError::Api(ApiError::Internal(err.into()));
    tokio::fs::create_dir_all(staging_dir)
        .await
        .map_err(internal)?;
    let path = staging_dir.join(format!("{}.part", new_file_id()));
    let mut out = tokio::fs::File::create(&path).await.map_err(internal)?;
    let staged = StagedFile {
        path: Some(path.clone()),
    };
    let mut size: u64 = 0;
    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
        size += chunk.len() as u64;
        if policy.max_bytes.is_some_and(|max| size > max) {
            return Err(UploadError::TooLarge {
                size_allowed: policy.human_max(),
            });
        }
        out.write_all(&chunk).await.map_err(internal)?;
    }
    // Acknowledged files survive a crash: on disk before the answer.
    out.sync_all().await.map_err(internal)?;
    drop(out);
    Ok((
        staged,
        IncomingFile {
            name,
            content_type,
            size,
            staged: path,
        },
    ))
}
