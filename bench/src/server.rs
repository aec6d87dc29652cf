//! The server under test: the real release binary as a child process (so its memory and
//! start-up are its own), or the library in this process (for the smoke test), on a fresh
//! SQLite file or a fresh PostgreSQL database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use sqlx::Connection;
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

pub const ADMIN: &str = "bench-admin";
pub const ADMIN_PASSWORD: &str = "bench-admin-password";

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// How servers are started, and where their files go.
#[derive(Clone, Debug)]
pub struct Launcher {
    /// The server binary; `None` runs the server inside this process.
    pub binary: Option<PathBuf>,
    /// Scratch space: SQLite files and server logs.
    pub work_dir: PathBuf,
    /// A PostgreSQL URL allowed to create and drop databases.
    pub postgres_admin: String,
}

/// A database of its own for one server, removed when dropped (PostgreSQL: by `drop`).
pub struct Database {
    pub url: String,
    pg_name: Option<String>,
    admin_url: String,
}

static NEXT_DB: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl Database {
    pub async fn create(launcher: &Launcher, backend: Backend) -> anyhow::Result<Database> {
        let n = NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{}_{n}", std::process::id());
        match backend {
            Backend::Sqlite => {
                let dir = launcher.work_dir.join(format!("db_{tag}"));
                std::fs::create_dir_all(&dir)?;
                Ok(Database {
                    url: format!("sqlite://{}", dir.join("livechat.db").display()),
                    pg_name: None,
                    admin_url: String::new(),
                })
            }
            Backend::Postgres => {
                let name = format!("livechat_bench_{tag}");
                let mut admin = sqlx::PgConnection::connect(&launcher.postgres_admin)
                    .await
                    .with_context(|| format!("connecting to {}", launcher.postgres_admin))?;
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .await?;
                let base = launcher
                    .postgres_admin
                    .rsplit_once('/')
                    .map(|(base, _)| base.to_string())
                    .unwrap_or_else(|| launcher.postgres_admin.clone());
                Ok(Database {
                    url: format!("{base}/{name}"),
                    pg_name: Some(name),
                    admin_url: launcher.postgres_admin.clone(),
                })
            }
        }
    }

    /// Drops the PostgreSQL database (SQLite files go with the work directory).
    pub async fn drop_now(self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
            }
        }
    }
}

/// A running server.
pub struct Server {
    pub address: SocketAddr,
    /// From spawning the process to its first answered request.
    pub startup: Duration,
    kind: Kind,
}

enum Kind {
    Child(Child),
    InProcess(Option<oneshot::Sender<()>>),
}

impl Server {
    pub async fn start(launcher: &Launcher, database: &Database) -> anyhow::Result<Server> {
        match &launcher.binary {
            Some(binary) => Self::start_child(binary, &launcher.work_dir, &database.url).await,
            None => Self::start_in_process(&database.url).await,
        }
    }

    async fn start_child(binary: &Path, work_dir: &Path, url: &str) -> anyhow::Result<Server> {
        let address = free_port()?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(work_dir.join("server.log"))?;
        let started = Instant::now();
        let child = Command::new(binary)
            .args(["--bind", &address.to_string(), "--database-url", url])
            .args(["--rate-limit-per-minute", "0", "--login-per-minute", "0"])
            .args(["--login-failures-per-account", "0"])
            .env("LIVECHAT_ADMIN_USERNAME", ADMIN)
            .env("LIVECHAT_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NO_COLOR", "1")
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server {
            address,
            startup: Duration::ZERO,
            kind: Kind::Child(child),
        };
        server.wait_ready(started).await?;
        Ok(server)
    }

    async fn start_in_process(url: &str) -> anyhow::Result<Server> {
        let started = Instant::now();
        let config = livechat::Config {
            bind: "127.0.0.1:0".parse()?,
            database_url: Some(url.to_string()),
            rate_limit_per_minute: 0,
            login_per_minute: 0,
            login_failures_per_account: 0,
            admin_username: Some(ADMIN.into()),
            admin_password: Some(ADMIN_PASSWORD.into()),
            ..livechat::Config::default()
        };
        let app = livechat::App::build(config).await?;
        let address = app.address();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        let mut server = Server {
            address,
            startup: Duration::ZERO,
            kind: Kind::InProcess(Some(stop)),
        };
        server.wait_ready(started).await?;
        Ok(server)
    }

    /// Polls until a request is answered; the time from `started` is the start-up time.
    async fn wait_ready(&mut self, started: Instant) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let url = format!("http://{}/api/v1/livechat/config", self.address);
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(answer) = client.get(&url).send().await {
                if answer.status().is_success() {
                    self.startup = started.elapsed();
                    return Ok(());
                }
            }
            if let Kind::Child(child) = &mut self.kind {
                if let Some(status) = child.try_wait()? {
                    bail!("the server exited during start-up ({status}); see server.log");
                }
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        bail!("the server did not answer within 60 s")
    }

    pub fn pid(&self) -> Option<u32> {
        match &self.kind {
            Kind::Child(child) => child.id(),
            Kind::InProcess(_) => None,
        }
    }

    /// Resident memory of the server process in KiB (`None` in-process: it would include us).
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid()?)
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops the server: SIGKILL for a child (a crash; see the durability check), shutdown
    /// for the in-process one.
    pub async fn kill(mut self) {
        match &mut self.kind {
            Kind::Child(child) => {
                let _ = child.kill().await;
            }
            Kind::InProcess(stop) => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// `VmRSS` of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// A port nobody listens on right now.
pub fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}
