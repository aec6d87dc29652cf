use crate::time::Timestamp;

/// An uploaded file (Rocket.Chat's `rocketchat_uploads`): its room, its uploader, what it is,
/// and where the file storage keeps its bytes.
#[derive(Clone, Debug)]
pub struct Upload {
    /// Unguessable (see `livechat::uploads::new_file_id`): it is part of the file's URL.
    pub id: String,
    pub rid: String,
    /// The uploading visitor's token, or `None` when staff uploaded it.
    pub visitor_token: Option<String>,
    /// The uploading staff user's id, or `None` when a visitor uploaded it.
    pub user_id: Option<String>,
    pub name: String,
    /// The MIME type the uploader declared (checked against the type settings).
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub created_at: Timestamp,
}
