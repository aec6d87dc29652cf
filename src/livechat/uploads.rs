//! File uploads (Rocket.Chat's `FileUpload` for livechat rooms): which files are accepted
//! (the `FileUpload_*` settings), their records, the file messages that show them, and who
//! may read them. The bytes are kept by the configured [`FileStorage`].
//!
//! [`FileStorage`]: crate::files::FileStorage

use std::path::PathBuf;

use rand::Rng;
use serde_json::{json, Value};

use super::agent_chat::may_act_in;
use super::settings::Settings;
use super::Livechat;
use crate::accounts::permissions::permission::VIEW_LIVECHAT_ROOMS;
use crate::error::{ApiError, ApiResult};
use crate::model::{Message, Room, Upload, User};
use crate::time::Timestamp;

/// Characters of a file id: 26 from a 55-letter alphabet is over 150 bits, so ids, which
/// are the files' URLs, cannot be guessed or enumerated.
const FILE_ID_LENGTH: usize = 26;
const FILE_ID_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";

/// Longest file name kept (longer ones are cut, keeping the extension's end).
const MAX_NAME_CHARS: usize = 255;

/// A new file id, from the operating system's secure generator (`thread_rng` is a CSPRNG).
pub fn new_file_id() -> String {
    let mut rng = rand::thread_rng();
    (0..FILE_ID_LENGTH)
        .map(|_| FILE_ID_ALPHABET[rng.gen_range(0..FILE_ID_ALPHABET.len())] as char)
        .collect()
}

/// What the settings allow now, read once per upload.
#[derive(Clone, Debug)]
pub struct UploadPolicy {
    /// `FileUpload_Enabled`: uploads at all.
    pub enabled: bool,
    /// `Livechat_fileupload_enabled` as well: visitors' uploads.
    pub visitors_enabled: bool,
    /// `FileUpload_MaxFileSize` in bytes; `None`: no limit (`-1`).
    pub max_bytes: Option<u64>,
    white_list: Vec<String>,
    black_list: Vec<String>,
}

impl UploadPolicy {
    pub fn of(settings: &Settings) -> Self {
        let enabled = settings.bool("FileUpload_Enabled");
        // Stored as a number or numeric text; anything negative means no limit.
        let max = match settings.get("FileUpload_MaxFileSize") {
            Value::String(text) => text.trim().parse::<i64>().unwrap_or(104_857_600),
            other => other.as_i64().unwrap_or(104_857_600),
        };
        UploadPolicy {
            enabled,
            visitors_enabled: enabled && settings.bool("Livechat_fileupload_enabled"),
            max_bytes: u64::try_from(max).ok(),
            white_list: type_list(settings.str("FileUpload_MediaTypeWhiteList")),
            black_list: type_list(settings.str("FileUpload_MediaTypeBlackList")),
        }
    }

    /// Rocket.Chat's `fileUploadIsValidContentType`: the black list wins; an empty white
    /// list allows every other type; `image/*` entries match a whole family.
    pub fn allows_type(&self, content_type: &str) -> bool {
        let content_type = essence(content_type);
        if content_type.is_empty() {
            return false;
        }
        if self
            .black_list
            .iter()
            .any(|t| type_matches(t, &content_type))
        {
            return false;
        }
        self.white_list.is_empty()
            || self
                .white_list
                .iter()
                .any(|t| type_matches(t, &content_type))
    }

    /// The limit as Rocket.Chat shows it (`sizeAllowed`), e.g. "100 MB".
    pub fn human_max(&self) -> String {
        self.max_bytes
            .map_or_else(|| "unlimited".into(), human_size)
    }
}

/// A MIME type without parameters, lower-case: `Image/PNG; x=y` is `image/png`.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn type_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(essence)
        .filter(|t| !t.is_empty())
        .collect()
}

fn type_matches(pattern: &str, content_type: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(family) => content_type
            .split_once('/')
            .is_some_and(|(major, _)| major == family),
        None => pattern == content_type,
    }
}

/// Bytes as the `filesize` package writes them (binary units): 104857600 is "100 MB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let rounded = (value * 100.0).round() / 100.0;
    format!("{rounded} {}", UNITS[unit])
}

/// A file name as kept: no path (browsers may send `C:\fakepath\x.png`), no control
/// characters, at most [`MAX_NAME_CHARS`]; "file" when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return "file".into();
    }
    let count = cleaned.chars().count();
    if count <= MAX_NAME_CHARS {
        return cleaned.to_string();
    }
    cleaned.chars().skip(count - MAX_NAME_CHARS).collect()
}

/// JavaScript's `encodeURI`: what Rocket.Chat puts in a file's link.
pub fn encode_uri(text: &str) -> String {
    const KEEP: &[u8] = b";,/?:@&=+$-_.!~*'()#";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || KEEP.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The path a file is served at.
pub fn file_url(upload: &Upload) -> String {
    format!("/file-upload/{}/{}", upload.id, encode_uri(&upload.name))
}

/// A file as it arrived, complete, in the storage's staging directory.
pub struct IncomingFile {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub staged: PathBuf,
}

/// Who uploaded a file.
pub enum Uploader<'a> {
    Visitor(&'a str),
    Staff(&'a User),
}

/// The fields that make a message a file's (`file`, `files`, `attachments`).
#[derive(Clone, Debug)]
pub struct FileParts {
    file: Value,
    attachment: Value,
}

impl FileParts {
    /// Rocket.Chat's file message fields for `upload`: an attachment titled with the name,
    /// linking to the file, with `image_`/`audio_`/`video_` fields for media clients preview.
    pub fn of(upload: &Upload, description: Option<&str>) -> Self {
        let url = file_url(upload);
        let mut attachment = json!({
            "title": upload.name,
            "type": "file",
            "title_link": url,
            "title_link_download": true,
        });
        if let Some(description) = description.filter(|d| !d.trim().is_empty()) {
            attachment["description"] = json!(description);
        }
        let media = essence(&upload.content_type);
        for kind in ["image", "audio", "video"] {
            if media.starts_with(&format!("{kind}/")) {
                attachment[format!("{kind}_url")] = json!(url);
                attachment[format!("{kind}_type")] = json!(upload.content_type);
                attachment[format!("{kind}_size")] = json!(upload.size);
            }
        }
        FileParts {
            file: json!({ "_id": upload.id, "name": upload.name, "type": upload.content_type }),
            attachment,
        }
    }

    pub(super) fn apply(&self, message: &mut Message) {
        message.file = Some(self.file.clone());
        message.files = Some(vec![self.file.clone()]);
        message.attachments = Some(vec![self.attachment.clone()]);
        message.groupable = Some(false);
    }
}

impl Livechat {
    pub fn upload_policy(&self) -> UploadPolicy {
        UploadPolicy::of(&self.settings())
    }

    pub fn file_storage(&self) -> &dyn crate::files::FileStorage {
        self.inner.files.as_ref()
    }

    /// The visitor's open room `rid`, which it may upload into; `None` when the token names
    /// no visitor or the room is not its open one.
    pub async fn visitor_upload_room(&self, token: &str, rid: &str) -> ApiResult<Option<Room>> {
        let mut conn = self.store().read().await?;
        if conn.exec().visitor_by_token(token).await?.is_none() {
            return Ok(None);
        }
        let room = conn.exec().room_by_id(rid).await?;
        Ok(room.filter(|r| r.t == "l" && r.v.token == token && r.is_open()))
    }

    /// Refuses a staff member who may not write in room `rid` (the rule of agents'
    /// messages), before its file is read.
    pub async fn check_staff_may_upload(&self, user: &User, rid: &str) -> ApiResult<()> {
        let room = self
            .store()
            .read()
            .await?
            .exec()
            .room_by_id(rid)
            .await?
            .ok_or(ApiError::meteor_code("error-invalid-room"))?;
        if !may_act_in(self.permissions(), user, &room, VIEW_LIVECHAT_ROOMS) {
            return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
        }
        if !room.is_open() {
            return Err(ApiError::Code("room-closed"));
        }
        Ok(())
    }

    /// Moves the arrived file into the storage and records it; nothing is left behind when
    /// either step fails.
    pub async fn store_upload(
        &self,
        rid: &str,
        uploader: Uploader<'_>,
        incoming: IncomingFile,
    ) -> ApiResult<Upload> {
        let id = new_file_id();
        let (visitor_token, user_id) = match uploader {
            Uploader::Visitor(token) => (Some(token.to_string()), None),
            Uploader::Staff(user) => (None, Some(user.id.clone())),
        };
        let upload = Upload {
            storage_key: id.clone(),
            id,
            rid: rid.to_string(),
            visitor_token,
            user_id,
            name: incoming.name,
            content_type: incoming.content_type,
            size: i64::try_from(incoming.size).unwrap_or(i64::MAX),
            created_at: Timestamp::now(),
        };
        if let Err(err) = self
            .file_storage()
            .put_staged(&upload.storage_key, &incoming.staged)
            .await
        {
            let _ = tokio::fs::remove_file(&incoming.staged).await;
            return Err(ApiError::Internal(err.context("storing an uploaded file")));
        }
        let recorded = async {
            let mut tx = self.store().begin().await?;
            tx.exec().insert_upload(&upload).await?;
            tx.commit().await
        }
        .await;
        if let Err(err) = recorded {
            self.delete_stored_files(vec![upload.storage_key.clone()])
                .await;
            return Err(err.into());
        }
        Ok(upload)
    }

    /// `livechat/upload/:rid`'s message, sent as the visitor's; the file goes if it fails.
    pub async fn send_visitor_file(
        &self,
        token: &str,
        upload: &Upload,
        msg: Option<&str>,
        description: Option<&str>,
    ) -> ApiResult<Message> {
        let parts = FileParts::of(upload, description);
        let msg = self.file_message_text(msg)?;
        let sent = self
            .store_visitor_message(token, &upload.rid, &msg, None, Some(parts))
            .await;
        if sent.is_err() {
            self.discard_upload(upload).await;
        }
        sent
    }

    /// `rooms.upload` and `rooms.mediaConfirm`'s message, sent as the agent's.
    pub async fn send_agent_file(
        &self,
        user: &User,
        upload: &Upload,
        msg: Option<&str>,
        description: Option<&str>,
    ) -> ApiResult<Message> {
        let parts = FileParts::of(upload, description);
        let msg = self.file_message_text(msg)?;
        self.store_agent_message(user, &upload.rid, &msg, None, Some(parts))
            .await
    }

    /// `rooms.mediaConfirm/:rid/:fileId`: the caller's own file of room `rid`, not yet in a
    /// message.
    pub async fn staff_upload(&self, user: &User, rid: &str, file_id: &str) -> ApiResult<Upload> {
        let upload = self
            .store()
            .read()
            .await?
            .exec()
            .upload_by_id(file_id)
            .await?
            .filter(|u| u.rid == rid && u.user_id.as_deref() == Some(user.id.as_str()))
            .ok_or(ApiError::meteor("error-file-not-found", "File not found"))?;
        Ok(upload)
    }

    /// A file text is optional; when given it obeys the text limits.
    fn file_message_text(&self, msg: Option<&str>) -> ApiResult<String> {
        match msg.filter(|m| !m.trim().is_empty()) {
            Some(msg) => {
                super::messages::check_text(&self.settings(), msg)?;
                Ok(msg.to_string())
            }
            None => Ok(String::new()),
        }
    }

    /// The file `id` if the visitor `token` may read it: a file of its room `rid`.
    pub async fn upload_for_visitor(
        &self,
        id: &str,
        rid: &str,
        token: &str,
    ) -> ApiResult<Option<Upload>> {
        let mut conn = self.store().read().await?;
        let Some(upload) = conn.exec().upload_by_id(id).await? else {
            return Ok(None);
        };
        if upload.rid != rid {
            return Ok(None);
        }
        let room = conn.exec().room_by_id(rid).await?;
        Ok(room
            .filter(|r| r.t == "l" && r.v.token == token)
            .map(|_| upload))
    }

    /// The file `id` if `user` may read its room (the rule of every staff room read).
    pub async fn upload_for_staff(&self, id: &str, user: &User) -> ApiResult<Option<Upload>> {
        let upload = self.store().read().await?.exec().upload_by_id(id).await?;
        let Some(upload) = upload else {
            return Ok(None);
        };
        match self.readable_room(user, &upload.rid).await {
            Ok(_) => Ok(Some(upload)),
            Err(ApiError::Internal(err)) => Err(ApiError::Internal(err)),
            Err(ApiError::Unavailable) => Err(ApiError::Unavailable),
            Err(_) => Ok(None),
        }
    }

    /// Removes a file whose message could not be sent: its record, then its bytes.
    async fn discard_upload(&self, upload: &Upload) {
        let removed = async {
            let mut tx = self.store().begin().await?;
            tx.exec().delete_upload(&upload.id).await?;
            tx.commit().await
        }
        .await;
        match removed {
            Ok(()) => {
                self.delete_stored_files(vec![upload.storage_key.clone()])
                    .await
            }
            Err(err) => tracing::warn!(error = %err, file = %upload.id, "discarding an upload"),
        }
    }

    /// Removes stored bytes whose records a committed transaction deleted. A failure is
    /// logged: the records are gone, so the bytes are unreachable, only not yet reclaimed.
    pub(super) async fn delete_stored_files(&self, keys: Vec<String>) {
        for key in keys {
            if let Err(err) = self.file_storage().delete(&key).await {
                tracing::warn!(error = %format!("{err:#}"), key, "removing a stored file");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_rocket_chat() {
        assert_eq!(human_size(104_857_600), "100 MB");
        assert_eq!(human_size(1000), "1000 B");
        assert_eq!(human_size(1536), "1.5 KB");
    }

    #[test]
    fn names_keep_no_path_and_links_are_encoded() {
        assert_eq!(clean_file_name("C:\\fakepath\\a b.png"), "a b.png");
        assert_eq!(clean_file_name("../.."), "file");
        assert_eq!(encode_uri("a b#é.png"), "a%20b#%C3%A9.png");
    }

    #[test]
    fn types_follow_the_lists() {
        let mut settings = Settings::default();
        let policy = UploadPolicy::of(&settings);
        assert!(policy.allows_type("image/png"));
        assert!(!policy.allows_type("image/svg+xml"));
        settings = Settings::from_stored(vec![(
            "FileUpload_MediaTypeWhiteList".into(),
            json!("image/*, application/pdf"),
        )]);
        let policy = UploadPolicy::of(&settings);
        assert!(policy.allows_type("image/jpeg"));
        assert!(policy.allows_type("application/pdf; charset=x"));
        assert!(!policy.allows_type("text/html"));
    }
}
