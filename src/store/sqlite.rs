//! Opening the embedded SQLite database: one writer connection, a pool of readers, WAL journal.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::config::{Config, SqliteSync};

/// The writer pool (one connection), the readers, and the batched writes' own connection.
pub async fn connect(
    url: &str,
    config: &Config,
) -> anyhow::Result<(SqlitePool, SqlitePool, rusqlite::Connection)> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("invalid SQLite URL {url:?}"))?;
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the data directory {}", dir.display()))?;
        }
    }
    let (synchronous, synchronous_pragma) = match config.sqlite_synchronous {
        SqliteSync::Normal => (SqliteSynchronous::Normal, "NORMAL"),
        SqliteSync::Full => (SqliteSynchronous::Full, "FULL"),
    };
    // In WAL mode a committed transaction is in the log file before COMMIT returns, so it
    // survives the process dying; `synchronous` decides whether it also waits for the disk.
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-16000")
        .pragma("wal_autocheckpoint", WAL_BACKSTOP_PAGES);

    // No ping before handing out a connection (sqlx's default): it is a round trip to the
    // connection's thread for a file that cannot have gone away, and the group-commit batch
    // takes the writer once per batch, on the write path every write waits behind.
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone())
        .await
        .with_context(|| format!("opening SQLite database {url}"))?;
    let readers = SqlitePoolOptions::new()
        .max_connections(config.db_max_connections.max(1))
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone().read_only(true))
        .await
        .with_context(|| format!("opening SQLite database {url} for reading"))?;
    let batches = open_batch_connection(options.get_filename(), synchronous_pragma)
        .with_context(|| format!("opening SQLite database {url} for batched writes"))?;
    let checkpoints = rusqlite::Connection::open(options.get_filename())
        .with_context(|| format!("opening SQLite database {url} for checkpoints"))?;
    tokio::spawn(checkpoint_regularly(checkpoints));
    Ok((writer, readers, batches))
}

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);

/// The writers' own automatic checkpoint, only a backstop (~80 MB of WAL) should the
/// background one fall behind: run inside a commit, SQLite's default (every 1,000 pages)
/// stalled one write in a hundred for several milliseconds while it copied the log.
const WAL_BACKSTOP_PAGES: &str = "20000";

/// Copies committed WAL pages into the database file, off the write path: a passive
/// checkpoint never blocks writers or readers, and it runs on its own connection and thread.
async fn checkpoint_regularly(db: rusqlite::Connection) {
    let db = std::sync::Arc::new(std::sync::Mutex::new(db));
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let db = db.clone();
        let done = tokio::task::spawn_blocking(move || {
            let db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            db.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        })
        .await;
        match done {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "WAL checkpoint failed"),
            Err(_) => return, // the runtime is shutting down
        }
    }
}

/// The connection `store::WriteBatcher` writes on, with the writer's settings (the file is in
/// WAL mode already: the writer pool set it).
fn open_batch_connection(
    path: &std::path::Path,
    synchronous: &str,
) -> rusqlite::Result<rusqlite::Connection> {
    let db = rusqlite::Connection::open(path)?;
    db.busy_timeout(Duration::from_secs(10))?;
    db.execute_batch(&format!(
        "PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON; \
         PRAGMA temp_store = memory; PRAGMA cache_size = -16000; \
         PRAGMA wal_autocheckpoint = {WAL_BACKSTOP_PAGES};"
    ))?;
    // Room for every statement of the batched paths, prepared once.
    db.set_prepared_statement_cache_capacity(256);
    Ok(db)
}
