//! File uploads: visitors' (`livechat/upload/:rid`), agents' (`rooms.media`,
//! `rooms.mediaConfirm`, `rooms.upload`), serving (`/file-upload/:id/:name`) to those who
//! may read the room, removal with the visitor, and S3 storage.

mod agents;
mod removal;
mod s3;
mod serving;
mod visitors;

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Credentials, Desk, TestApp};

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A desk whose files go to a directory of the test's own (kept alive with it).
pub async fn desk_with_upload_dir() -> (Desk, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let desk = Desk::open_with(|c| c.upload_dir = Some(path)).await;
    (desk, dir)
}

/// A multipart form with `file` (name, type, bytes) and extra text fields.
pub fn file_form(name: &str, mime: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Form {
    let part = Part::bytes(bytes.to_vec())
        .file_name(name.to_string())
        .mime_str(mime)
        .unwrap();
    let mut form = Form::new().part("file", part);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    form
}

/// `POST livechat/upload/:rid`, with `x-visitor-token` when `token` is given.
pub async fn visitor_upload(
    app: &TestApp,
    token: Option<&str>,
    rid: &str,
    form: Form,
) -> (StatusCode, Value) {
    let mut request = app.client.post(app.url(&format!("upload/{rid}")));
    if let Some(token) = token {
        request = request.header("x-visitor-token", token);
    }
    let response = request.multipart(form).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// A staff multipart call (`rooms.media/:rid`, `rooms.upload/:rid`).
pub async fn staff_upload(
    app: &TestApp,
    who: Option<&Credentials>,
    path: &str,
    form: Form,
) -> (StatusCode, Value) {
    let mut request = app.client.post(app.url(path));
    if let Some((uid, token)) = who {
        request = request
            .header("X-User-Id", uid)
            .header("X-Auth-Token", token);
    }
    let response = request.multipart(form).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// `GET <url>` with `query` appended and extra headers: status, headers, body bytes.
pub async fn fetch_file(
    app: &TestApp,
    url: &str,
    query: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let separator = if query.is_empty() { "" } else { "?" };
    let mut request = app.client.get(app.url(&format!("{url}{separator}{query}")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// The files a directory storage holds (its staging directory aside, which must be empty).
pub fn stored_files(dir: &std::path::Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        if name == ".staging" {
            let staged: Vec<_> = std::fs::read_dir(entry.path()).unwrap().collect();
            assert!(staged.is_empty(), "nothing stays staged: {staged:?}");
        } else {
            names.push(name);
        }
    }
    names
}

/// `rid` of a room as `GET livechat/room` answered.
pub fn rid_of(room: &Value) -> String {
    room["_id"].as_str().unwrap().to_string()
}
