//! The livechat domain: what visitors (and later agents) can do, independent of transport.
//! HTTP handlers (and, later, DDP methods) call these services; the services own validation,
//! transactions and the rules of Rocket.Chat's Livechat.

mod access;
mod agent_chat;
mod agent_messages;
mod agent_side;
mod agents;
mod business_hour_schedule;
pub mod business_hours;
mod canned_responses;
mod conversation_search;
mod custom_field_admin;
mod custom_field_catalog;
mod custom_fields;
mod departments;
mod email_domain;
mod forward;
mod inquiries;
mod lead_capture;
mod messages;
mod navigation;
mod offline;
mod offline_admin;
mod offline_mail;
pub(crate) mod published;
mod return_to_queue;
mod room_info;
mod room_search;
mod rooms;
mod routing;
mod sessions;
mod setting_changes;
pub mod settings;
mod sort;
mod tags;
mod transcript;
mod triggers;
pub mod uploads;
mod validate;
mod visitor_search;
mod visitors;
pub mod webhook_events;
mod widget;

use std::sync::{Arc, RwLock};

use crate::accounts::permission_table::Permissions;
use crate::config::Config;
use crate::error::ApiResult;
use crate::model::{Message, UserRef, Visitor};
use crate::store::Store;
use crate::time::Timestamp;

pub use access::{sees_all_departments, DepartmentScope};
pub use agent_side::{queue_sort, QueueQuery};
pub use agents::StaffRole;
pub use canned_responses::{CannedQuery, CannedResponseInput};
pub use custom_field_admin::CustomFieldData;
pub use custom_fields::CustomFieldInput;
pub use departments::{AgentLinkInput, DepartmentInput, DepartmentQuery};
pub use forward::ForwardRequest;
pub use messages::{History, HistoryParams};
pub use navigation::PageInfo;
pub use offline::{OfflineMessage, OFFLINE_MESSAGE_SENT};
pub use room_info::{GuestData, RoomData};
pub use room_search::{ChatSearch, Page, RoomListQuery, MAX_PAGES_UNPAGINATED};
pub use rooms::{RoomSource, SurveyItem};
pub use sessions::LocationData;
pub use settings::Settings;
pub use tags::{tag_not_found, TagQuery};
pub use transcript::{TranscriptEmail, TRANSCRIPT_SENT};
pub use validate::{is_email, limits};
pub use visitors::{ClientInfo, VisitorInput};

/// How long realtime events stay in the outbox after they were written.
pub const EVENT_RETENTION_MS: i64 = 60 * 60 * 1000;

/// How long sent mail and webhooks stay listed in `livechat/outbox` (failed ones stay until
/// retried).
pub const SENT_DELIVERY_RETENTION_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The livechat services; cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Livechat {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    settings: RwLock<Arc<Settings>>,
    /// Held from reading the stored settings until the snapshot is replaced, so that a reload
    /// that read before a change committed cannot put its older snapshot over the newer one.
    settings_reload: tokio::sync::Mutex<()>,
    /// Which roles hold which permission: every check of the services (and of the REST and
    /// DDP layers, through [`Livechat::permissions`]) reads it.
    permissions: Permissions,
    site_url: String,
    /// Asked by `Livechat_validate_offline_email` (see `email_domain.rs`).
    dns_resolver: Option<std::net::SocketAddr>,
    /// Where uploaded files' bytes are kept.
    files: Arc<dyn crate::files::FileStorage>,
    /// The mail server of the config file / environment, under the `SMTP_*` settings.
    smtp: crate::config::SmtpConfig,
}

impl Livechat {
    /// Applies the configuration's departments and custom fields, then loads the settings.
    pub async fn start(store: Store, config: &Config) -> ApiResult<Livechat> {
        let mut tx = store.begin().await?;
        let now = Timestamp::now();
        for seed in &config.departments {
            let stored = tx.exec().department_for_update(&seed.id).await?;
            let department = departments::seeded(seed, stored, now);
            tx.exec().save_department(&department).await?;
        }
        // The file's fields are added when missing; an edit made in the console wins.
        for field in &config.custom_fields {
            tx.exec().insert_custom_field_if_missing(field).await?;
        }
        tx.commit().await?;

        let stored = store.read().await?.exec().settings().await?;
        let permissions = Permissions::start(&store).await?;
        let livechat = Livechat {
            inner: Arc::new(Inner {
                store,
                settings: RwLock::new(Arc::new(Settings::from_stored(stored))),
                settings_reload: tokio::sync::Mutex::new(()),
                permissions,
                site_url: config
                    .effective_site_url()
                    .trim_end_matches('/')
                    .to_string(),
                dns_resolver: config.dns_resolver.or_else(email_domain::system_resolver),
                files: crate::files::from_config(config)
                    .map_err(crate::error::ApiError::Internal)?,
                smtp: config.smtp.clone(),
            }),
        };
        livechat.ensure_default_business_hour().await?;
        Ok(livechat)
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The permission table.
    pub fn permissions(&self) -> &Permissions {
        &self.inner.permissions
    }

    /// The current settings snapshot.
    pub fn settings(&self) -> Arc<Settings> {
        match self.inner.settings.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Serialises the read-then-replace of the snapshot (see `Inner::settings_reload`).
    async fn settings_reload_guard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.settings_reload.lock().await
    }

    fn replace_settings(&self, settings: Settings) {
        let mut guard = match self.inner.settings.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(settings);
    }

    pub fn dns_resolver(&self) -> Option<std::net::SocketAddr> {
        self.inner.dns_resolver
    }

    /// The configured mail server, used where an `SMTP_*` setting is empty.
    pub fn smtp_config(&self) -> &crate::config::SmtpConfig {
        &self.inner.smtp
    }

    pub fn site_url(&self) -> &str {
        &self.inner.site_url
    }

    /// Deletes navigation history that no room claimed within its retention time, and
    /// realtime events older than [`EVENT_RETENTION_MS`] (delivered long ago).
    pub async fn purge_expired(&self) -> ApiResult<u64> {
        let now = Timestamp::now().millis();
        let mut tx = self.store().begin().await?;
        let purged = tx.exec().purge_expired_messages(now).await?;
        tx.exec().purge_events(now - EVENT_RETENTION_MS).await?;
        tx.exec()
            .purge_sent_deliveries(now - SENT_DELIVERY_RETENTION_MS)
            .await?;
        tx.commit().await?;
        Ok(purged)
    }
}

/// The visitor as the author of a message.
fn author(visitor: &Visitor) -> UserRef {
    UserRef {
        id: visitor.id.clone(),
        username: visitor.username.clone(),
        name: visitor.name.clone(),
    }
}

/// The visitor as a closer or editor (`{_id, username}`).
fn actor(visitor: &Visitor) -> UserRef {
    UserRef {
        id: visitor.id.clone(),
        username: visitor.username.clone(),
        name: None,
    }
}

/// Whether `message` is the one a room shows as its last message.
fn is_last_message(last: &Option<Box<Message>>, id: &str) -> bool {
    last.as_ref().is_some_and(|m| m.id == id)
}
