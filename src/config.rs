//! Typed configuration: built-in defaults, then an optional TOML file, then `LIVECHAT_*`
//! environment variables, then command-line flags (each later source wins).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Parser;
use serde::Deserialize;

use crate::model::{CustomFieldDefinition, DepartmentSeed};

/// How hard SQLite works to keep a committed write on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// Survives a crash or `kill -9` of the server; the last commits may be lost on power loss.
    Normal,
    /// Also survives power loss (an fsync per commit), at a cost in write throughput.
    Full,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// `sqlite://path` or `postgres://…`; when absent, SQLite at `<data_dir>/livechat.db`.
    pub database_url: Option<String>,
    /// Where the embedded SQLite database lives.
    pub data_dir: PathBuf,
    /// Largest request body accepted; larger bodies get 413.
    pub max_body_bytes: usize,
    /// Sustained requests per minute per client IP on the unauthenticated API (0 disables).
    pub rate_limit_per_minute: u32,
    /// Requests a client IP may make in a burst above the sustained rate.
    pub rate_limit_burst: u32,
    /// Offline messages (the "leave a message" form) per minute per client IP (0 disables).
    pub offline_message_per_minute: u32,
    /// Use `X-Real-IP` / `X-Forwarded-For` as the client address (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// Lets webhooks (and any other outgoing HTTP) reach private, loopback and link-local
    /// addresses; off, such destinations are refused (SSRF protection, `outbox::safe_http`).
    pub allow_private_network_webhooks: bool,
    /// The DNS server asked by `Livechat_validate_offline_email` (UDP); `None`: the first
    /// `nameserver` of `/etc/resolv.conf`.
    pub dns_resolver: Option<SocketAddr>,
    pub sqlite_synchronous: SqliteSync,
    /// Group commit for SQLite's writes (`store::write_batch`, every `Store::write`). A diagnostic
    /// switch: off, SQLite takes the same async transactions as PostgreSQL, which the
    /// write-path equivalence test uses to compare the two paths on one backend.
    pub sqlite_group_commit: bool,
    /// Connections in the database pool (SQLite: readers; writes use one connection).
    pub db_max_connections: u32,
    /// Public base URL of this server, used in links handed to the widget (sound file…).
    /// `None` when the operator did not set one: links then use [`DEFAULT_SITE_URL`], and the
    /// widget page at `/livechat` derives the URL from each request instead.
    pub site_url: Option<String>,
    /// Custom-field definitions created or updated at start (see README).
    pub custom_fields: Vec<CustomFieldDefinition>,
    /// Departments created or updated at start (see README).
    pub departments: Vec<DepartmentSeed>,
    /// The first administrator, created at start when no account has this username.
    pub admin_username: Option<String>,
    pub admin_password: Option<String>,
    /// Days a login token stays valid.
    pub login_token_days: u32,
    /// Failed login attempts (REST and DDP) per minute per client IP (0 disables).
    pub login_per_minute: u32,
    /// Failed logins per account name, from any IP, per `login_failures_window_seconds`
    /// (0 disables).
    pub login_failures_per_account: u32,
    pub login_failures_window_seconds: u64,
    /// Password hashes (argon2, 19 MiB each) computed at once; each has a thread of its own.
    pub password_checks: usize,
    /// Milliseconds a login waits for a free password-check thread before it is refused with
    /// too-many-requests.
    pub password_check_wait_ms: u64,
    /// Seconds of silence after which a WebSocket client is pinged; after as long again
    /// without any frame it is disconnected.
    pub ddp_ping_seconds: u64,
    /// Frames queued for one WebSocket client before it counts as too slow and is disconnected.
    pub ddp_queue_frames: usize,
    /// Seconds an agent stays online after its last WebSocket closes (a page reload or a
    /// network blip should not take it out of routing).
    pub presence_grace_seconds: u64,
    /// Seconds a process's presence lease lasts; it renews it four times as often. A process
    /// that dies stops renewing: its agents are offline within lease + grace (+ a renewal).
    pub presence_lease_seconds: u64,
    /// This process's name among those sharing the database (its presence lease). `None`:
    /// the host name and the port it listens on, the same again after a restart.
    pub node_id: Option<String>,

    // --- widget build (served at /livechat) ---
    /// Directory holding the official widget's build (`@rocket.chat/livechat`'s `build/`).
    pub widget_dir: Option<PathBuf>,

    // --- file uploads ---
    /// Where uploaded files are kept when no S3 bucket is configured; `None`:
    /// `<data_dir>/uploads`.
    pub upload_dir: Option<PathBuf>,
    /// An S3-compatible bucket for uploaded files instead of the directory (servers sharing a
    /// database must share it too).
    pub s3_bucket: Option<String>,
    /// The object store's URL (MinIO, Ceph…); `None`: AWS S3 of `s3_region`.
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    /// `None`: AWS's usual credential sources (`AWS_ACCESS_KEY_ID`…, instance metadata).
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    /// Path-style URLs (`endpoint/bucket/key`), which most self-hosted stores need.
    pub s3_path_style: bool,
    /// Outgoing mail server; each value is used while its Rocket.Chat setting (`SMTP_Host`…)
    /// is left empty, so an administrator's `POST settings/:id` wins (see `crate::mail`).
    pub smtp: SmtpConfig,
}

/// The SMTP settings as the config file or environment give them (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmtpConfig {
    /// `smtp` (STARTTLS when offered, unless `ignore_tls`) or `smtps` (TLS from the start).
    pub protocol: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub ignore_tls: Option<bool>,
    /// The sender address (`From_Email`).
    pub from_email: Option<String>,
}

/// The site URL used in links when none is configured.
pub const DEFAULT_SITE_URL: &str = "http://localhost:3000";

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: None,
            data_dir: PathBuf::from("./data"),
            max_body_bytes: 256 * 1024,
            rate_limit_per_minute: 1200,
            rate_limit_burst: 200,
            offline_message_per_minute: 6,
            trust_proxy_headers: false,
            allow_private_network_webhooks: false,
            dns_resolver: None,
            sqlite_synchronous: SqliteSync::Normal,
            sqlite_group_commit: true,
            db_max_connections: 8,
            site_url: None,
            custom_fields: Vec::new(),
            departments: Vec::new(),
            admin_username: None,
            admin_password: None,
            login_token_days: 90,
            login_per_minute: 10,
            login_failures_per_account: 10,
            login_failures_window_seconds: 300,
            password_checks: std::thread::available_parallelism().map_or(1, |n| n.get()),
            password_check_wait_ms: 2000,
            ddp_ping_seconds: 30,
            ddp_queue_frames: 1024,
            presence_grace_seconds: 20,
            presence_lease_seconds: 8,
            node_id: None,
            widget_dir: None,
            upload_dir: None,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_path_style: false,
            smtp: SmtpConfig::default(),
        }
    }
}

impl Config {
    /// The database URL actually used: the configured one, or the embedded SQLite file.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("livechat.db").display()),
        }
    }

    /// Where uploaded files are kept (when not in S3): the configured directory, or
    /// `<data_dir>/uploads`.
    pub fn effective_upload_dir(&self) -> PathBuf {
        self.upload_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("uploads"))
    }

    /// The site URL for links: the configured one, or [`DEFAULT_SITE_URL`].
    pub fn effective_site_url(&self) -> &str {
        self.site_url.as_deref().unwrap_or(DEFAULT_SITE_URL)
    }

    /// The node id actually used: the configured one, or `<host name>:<port>` for a process
    /// listening on `port`, which a restart on the same machine and port gets again.
    pub fn effective_node_id(&self, port: u16) -> String {
        match self.node_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => format!("{}:{port}", host_name()),
        }
    }

    /// Loads the configuration for the server binary.
    pub fn load(cli: &Cli) -> anyhow::Result<Config> {
        let mut config = Config::default();
        if let Some(path) = &cli.config {
            config.apply_file(&FileConfig::read(path)?);
        }
        config.apply_cli(cli);
        Ok(config)
    }

    fn apply_file(&mut self, file: &FileConfig) {
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = file.$field.clone() { self.$field = v; } )* };
        }
        take!(
            bind,
            data_dir,
            max_body_bytes,
            rate_limit_per_minute,
            rate_limit_burst,
            offline_message_per_minute,
            trust_proxy_headers,
            allow_private_network_webhooks,
            sqlite_synchronous,
            sqlite_group_commit,
            db_max_connections,
            custom_fields,
            departments,
            login_token_days,
            login_per_minute,
            login_failures_per_account,
            login_failures_window_seconds,
            password_checks,
            password_check_wait_ms,
            ddp_ping_seconds,
            ddp_queue_frames,
            presence_grace_seconds,
            presence_lease_seconds,
            s3_path_style
        );
        macro_rules! take_optional {
            ($($field:ident),*) => { $( if file.$field.is_some() { self.$field = file.$field.clone(); } )* };
        }
        take_optional!(
            upload_dir,
            s3_bucket,
            s3_endpoint,
            s3_region,
            s3_access_key_id,
            s3_secret_access_key
        );
        if file.node_id.is_some() {
            self.node_id = file.node_id.clone();
        }
        if file.admin_username.is_some() {
            self.admin_username = file.admin_username.clone();
        }
        if file.admin_password.is_some() {
            self.admin_password = file.admin_password.clone();
        }
        if file.database_url.is_some() {
            self.database_url = file.database_url.clone();
        }
        if file.site_url.is_some() {
            self.site_url = file.site_url.clone();
        }
        if file.widget_dir.is_some() {
            self.widget_dir = file.widget_dir.clone();
        }
        if file.dns_resolver.is_some() {
            self.dns_resolver = file.dns_resolver;
        }
        self.smtp.overlay(SmtpConfig {
            protocol: file.smtp_protocol.clone(),
            host: file.smtp_host.clone(),
            port: file.smtp_port,
            username: file.smtp_username.clone(),
            password: file.smtp_password.clone(),
            ignore_tls: file.smtp_ignore_tls,
            from_email: file.from_email.clone(),
        });
    }

    fn apply_cli(&mut self, cli: &Cli) {
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = cli.$field.clone() { self.$field = v; } )* };
        }
        take!(
            bind,
            data_dir,
            max_body_bytes,
            rate_limit_per_minute,
            rate_limit_burst,
            offline_message_per_minute,
            trust_proxy_headers,
            allow_private_network_webhooks,
            sqlite_synchronous,
            sqlite_group_commit,
            db_max_connections,
            login_token_days,
            login_per_minute,
            login_failures_per_account,
            login_failures_window_seconds,
            password_checks,
            password_check_wait_ms,
            ddp_ping_seconds,
            ddp_queue_frames,
            presence_grace_seconds,
            presence_lease_seconds,
            s3_path_style
        );
        macro_rules! take_optional {
            ($($field:ident),*) => { $( if cli.$field.is_some() { self.$field = cli.$field.clone(); } )* };
        }
        take_optional!(
            upload_dir,
            s3_bucket,
            s3_endpoint,
            s3_region,
            s3_access_key_id,
            s3_secret_access_key
        );
        if cli.dns_resolver.is_some() {
            self.dns_resolver = cli.dns_resolver;
        }
        if cli.node_id.is_some() {
            self.node_id = cli.node_id.clone();
        }
        if cli.admin_username.is_some() {
            self.admin_username = cli.admin_username.clone();
        }
        if cli.admin_password.is_some() {
            self.admin_password = cli.admin_password.clone();
        }
        if cli.database_url.is_some() {
            self.database_url = cli.database_url.clone();
        }
        if cli.site_url.is_some() {
            self.site_url = cli.site_url.clone();
        }
        if cli.widget_dir.is_some() {
            self.widget_dir = cli.widget_dir.clone();
        }
        self.smtp.overlay(SmtpConfig {
            protocol: cli.smtp_protocol.clone(),
            host: cli.smtp_host.clone(),
            port: cli.smtp_port,
            username: cli.smtp_username.clone(),
            password: cli.smtp_password.clone(),
            ignore_tls: cli.smtp_ignore_tls,
            from_email: cli.from_email.clone(),
        });
    }
}

impl SmtpConfig {
    /// Takes every value `later` sets.
    fn overlay(&mut self, later: SmtpConfig) {
        macro_rules! take {
            ($($field:ident),*) => { $( if later.$field.is_some() { self.$field = later.$field; } )* };
        }
        take!(protocol, host, port, username, password, ignore_tls, from_email);
    }
}

/// The machine's host name (Linux: the kernel's; else `HOSTNAME`), or `localhost`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// The optional TOML file; every key is optional and named like the flag (with `_`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    max_body_bytes: Option<usize>,
    rate_limit_per_minute: Option<u32>,
    rate_limit_burst: Option<u32>,
    offline_message_per_minute: Option<u32>,
    trust_proxy_headers: Option<bool>,
    allow_private_network_webhooks: Option<bool>,
    dns_resolver: Option<SocketAddr>,
    sqlite_synchronous: Option<SqliteSync>,
    sqlite_group_commit: Option<bool>,
    db_max_connections: Option<u32>,
    site_url: Option<String>,
    custom_fields: Option<Vec<CustomFieldDefinition>>,
    departments: Option<Vec<DepartmentSeed>>,
    admin_username: Option<String>,
    admin_password: Option<String>,
    login_token_days: Option<u32>,
    login_per_minute: Option<u32>,
    login_failures_per_account: Option<u32>,
    login_failures_window_seconds: Option<u64>,
    password_checks: Option<usize>,
    password_check_wait_ms: Option<u64>,
    ddp_ping_seconds: Option<u64>,
    ddp_queue_frames: Option<usize>,
    presence_grace_seconds: Option<u64>,
    presence_lease_seconds: Option<u64>,
    node_id: Option<String>,
    widget_dir: Option<PathBuf>,
    upload_dir: Option<PathBuf>,
    s3_bucket: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
    s3_path_style: Option<bool>,
    smtp_protocol: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    smtp_ignore_tls: Option<bool>,
    from_email: Option<String>,
}

impl FileConfig {
    fn read(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
    }
}

/// A livechat server compatible with Rocket.Chat's Livechat API.
///
/// Every flag can also be set with the environment variable shown, or as a key of the same
/// name (with `_` instead of `-`) in the TOML file given by --config.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, env = "LIVECHAT_CONFIG")]
    pub config: Option<PathBuf>,

    /// Address to listen on [default: 127.0.0.1:3000].
    #[arg(long, env = "LIVECHAT_BIND")]
    pub bind: Option<SocketAddr>,

    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [default: SQLite in the data dir].
    #[arg(long, env = "LIVECHAT_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Directory for the embedded SQLite database [default: ./data].
    #[arg(long, env = "LIVECHAT_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Largest accepted request body in bytes; larger ones get 413 [default: 262144].
    #[arg(long, env = "LIVECHAT_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,

    /// Sustained requests per minute per client IP on the visitor API; 0 disables [default: 1200].
    #[arg(long, env = "LIVECHAT_RATE_LIMIT_PER_MINUTE")]
    pub rate_limit_per_minute: Option<u32>,

    /// Extra requests a client IP may burst above the sustained rate [default: 200].
    #[arg(long, env = "LIVECHAT_RATE_LIMIT_BURST")]
    pub rate_limit_burst: Option<u32>,

    /// Offline messages per minute per client IP; 0 disables [default: 6].
    #[arg(long, env = "LIVECHAT_OFFLINE_MESSAGE_PER_MINUTE")]
    pub offline_message_per_minute: Option<u32>,

    /// Take the client IP from X-Real-IP / X-Forwarded-For (only behind a trusted proxy) [default: false].
    #[arg(long, env = "LIVECHAT_TRUST_PROXY_HEADERS")]
    pub trust_proxy_headers: Option<bool>,

    /// Let webhooks reach private, loopback and link-local addresses [default: false].
    #[arg(long, env = "LIVECHAT_ALLOW_PRIVATE_NETWORK_WEBHOOKS")]
    pub allow_private_network_webhooks: Option<bool>,

    /// DNS server (ip:port, UDP) for the offline form's e-mail check [default: resolv.conf's].
    #[arg(long, env = "LIVECHAT_DNS_RESOLVER")]
    pub dns_resolver: Option<SocketAddr>,

    /// SQLite durability: normal survives kill -9, full also survives power loss [default: normal].
    #[arg(long, env = "LIVECHAT_SQLITE_SYNCHRONOUS", value_enum)]
    pub sqlite_synchronous: Option<SqliteSync>,

    /// Group commit for SQLite's writes; false is a diagnostic switch [default: true].
    #[arg(long, env = "LIVECHAT_SQLITE_GROUP_COMMIT")]
    pub sqlite_group_commit: Option<bool>,

    /// Database pool size (SQLite: read connections) [default: 8].
    #[arg(long, env = "LIVECHAT_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,

    /// Public base URL of this server, used in links given to the widget [default: http://localhost:3000; /livechat then uses the request's host].
    #[arg(long, env = "LIVECHAT_SITE_URL")]
    pub site_url: Option<String>,

    /// Username of the first administrator, created at start if no account has it.
    #[arg(long, env = "LIVECHAT_ADMIN_USERNAME")]
    pub admin_username: Option<String>,

    /// Password of that first administrator (prefer the environment variable to the flag).
    #[arg(long, env = "LIVECHAT_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Days a login token stays valid [default: 90].
    #[arg(long, env = "LIVECHAT_LOGIN_TOKEN_DAYS")]
    pub login_token_days: Option<u32>,

    /// Failed login attempts (REST and DDP) per minute per client IP; 0 disables [default: 10].
    #[arg(long, env = "LIVECHAT_LOGIN_PER_MINUTE")]
    pub login_per_minute: Option<u32>,

    /// Failed logins per account name, from any IP, per --login-failures-window-seconds; 0 disables [default: 10].
    #[arg(long, env = "LIVECHAT_LOGIN_FAILURES_PER_ACCOUNT")]
    pub login_failures_per_account: Option<u32>,

    /// The window of --login-failures-per-account, in seconds [default: 300].
    #[arg(long, env = "LIVECHAT_LOGIN_FAILURES_WINDOW_SECONDS")]
    pub login_failures_window_seconds: Option<u64>,

    /// Password hashes (argon2, 19 MiB each) computed at once, one thread each [default: the number of CPUs].
    #[arg(long, env = "LIVECHAT_PASSWORD_CHECKS")]
    pub password_checks: Option<usize>,

    /// Milliseconds a login waits for a free password check before it gets 429 [default: 2000].
    #[arg(long, env = "LIVECHAT_PASSWORD_CHECK_WAIT_MS")]
    pub password_check_wait_ms: Option<u64>,

    /// Seconds of WebSocket silence before the server pings; as long again and it disconnects [default: 30].
    #[arg(long, env = "LIVECHAT_DDP_PING_SECONDS")]
    pub ddp_ping_seconds: Option<u64>,

    /// Frames queued per WebSocket client before it is disconnected as too slow [default: 1024].
    #[arg(long, env = "LIVECHAT_DDP_QUEUE_FRAMES")]
    pub ddp_queue_frames: Option<usize>,

    /// Seconds an agent stays online after its last WebSocket closes [default: 20].
    #[arg(long, env = "LIVECHAT_PRESENCE_GRACE_SECONDS")]
    pub presence_grace_seconds: Option<u64>,

    /// Seconds a process's presence lease lasts (renewed four times as often); a process that dies leaves its agents online at most this plus the grace period [default: 8].
    #[arg(long, env = "LIVECHAT_PRESENCE_LEASE_SECONDS")]
    pub presence_lease_seconds: Option<u64>,

    /// This process's name among those sharing the database; unique per process, the same after a restart [default: host name:port].
    #[arg(long, env = "LIVECHAT_NODE_ID")]
    pub node_id: Option<String>,

    /// Directory of the official widget's build, served at /livechat [default: none, /livechat is 404].
    #[arg(long, env = "LIVECHAT_WIDGET_DIR")]
    pub widget_dir: Option<PathBuf>,

    /// Directory of uploaded files, unless an S3 bucket is configured [default: <data dir>/uploads].
    #[arg(long, env = "LIVECHAT_UPLOAD_DIR")]
    pub upload_dir: Option<PathBuf>,

    /// S3-compatible bucket for uploaded files (instead of the upload directory) [default: none].
    #[arg(long, env = "LIVECHAT_S3_BUCKET")]
    pub s3_bucket: Option<String>,

    /// The object store's URL, e.g. http://minio:9000 [default: AWS S3].
    #[arg(long, env = "LIVECHAT_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// The bucket's region [default: AWS_REGION, else us-east-1].
    #[arg(long, env = "LIVECHAT_S3_REGION")]
    pub s3_region: Option<String>,

    /// Access key id [default: AWS_ACCESS_KEY_ID, instance metadata…].
    #[arg(long, env = "LIVECHAT_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,

    /// Secret access key [default: AWS_SECRET_ACCESS_KEY, instance metadata…].
    #[arg(long, env = "LIVECHAT_S3_SECRET_ACCESS_KEY")]
    pub s3_secret_access_key: Option<String>,

    /// Path-style requests (endpoint/bucket/key), as MinIO and most self-hosted stores need [default: false].
    #[arg(long, env = "LIVECHAT_S3_PATH_STYLE")]
    pub s3_path_style: Option<bool>,
    /// Outgoing mail: smtp (STARTTLS when offered) or smtps (TLS from the start); the setting SMTP_Protocol wins when set [default: smtp].
    #[arg(long, env = "LIVECHAT_SMTP_PROTOCOL")]
    pub smtp_protocol: Option<String>,

    /// Outgoing mail server's host name; the setting SMTP_Host wins when set [default: none, mail waits].
    #[arg(long, env = "LIVECHAT_SMTP_HOST")]
    pub smtp_host: Option<String>,

    /// Outgoing mail server's port; the setting SMTP_Port wins when set [default: 25, smtps 465].
    #[arg(long, env = "LIVECHAT_SMTP_PORT")]
    pub smtp_port: Option<u16>,

    /// User name for the mail server (none: no authentication); the setting SMTP_Username wins when set.
    #[arg(long, env = "LIVECHAT_SMTP_USERNAME")]
    pub smtp_username: Option<String>,

    /// Password for the mail server (prefer the environment variable); the setting SMTP_Password wins when set.
    #[arg(long, env = "LIVECHAT_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,

    /// Never use STARTTLS on smtp; the setting SMTP_IgnoreTLS also turns it on [default: false].
    #[arg(long, env = "LIVECHAT_SMTP_IGNORE_TLS")]
    pub smtp_ignore_tls: Option<bool>,

    /// Sender address of outgoing mail; the setting From_Email wins when set.
    #[arg(long, env = "LIVECHAT_FROM_EMAIL")]
    pub from_email: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_file_which_overrides_defaults() {
        let file: FileConfig = toml::from_str(
            "bind = \"0.0.0.0:4000\"\nrate_limit_per_minute = 5\nsite_url = \"https://chat.example\"",
        )
        .unwrap();
        let cli = Cli::parse_from(["livechat", "--rate-limit-per-minute", "7"]);
        let mut config = Config::default();
        config.apply_file(&file);
        config.apply_cli(&cli);
        assert_eq!(config.bind.port(), 4000);
        assert_eq!(config.rate_limit_per_minute, 7);
        assert_eq!(config.site_url.as_deref(), Some("https://chat.example"));
        assert_eq!(config.max_body_bytes, 256 * 1024);
    }

    #[test]
    fn the_node_id_defaults_to_host_and_port_and_a_blank_one_is_ignored() {
        let mut config = Config::default();
        assert!(config.effective_node_id(3001).ends_with(":3001"));
        assert_ne!(
            config.effective_node_id(3001),
            config.effective_node_id(3002)
        );
        config.node_id = Some("  ".into());
        assert!(config.effective_node_id(3001).ends_with(":3001"));
        let file: FileConfig =
            toml::from_str("node_id = \"edge-1\"\npresence_lease_seconds = 4").unwrap();
        config.apply_file(&file);
        assert_eq!(config.effective_node_id(3001), "edge-1");
        assert_eq!(config.presence_lease_seconds, 4);
    }

    #[test]
    fn unknown_file_keys_are_rejected() {
        assert!(toml::from_str::<FileConfig>("bnd = \"x\"").is_err());
    }
}
