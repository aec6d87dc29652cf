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
        .pragma("cache_size", "-16000");

    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone())
        .await
        .with_context(|| format!("opening SQLite database {url}"))?;
    let readers = SqlitePoolOptions::new()
        .max_connections(config.db_max_connections.max(1))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone().read_only(true))
        .await
        .with_context(|| format!("opening SQLite database {url} for reading"))?;
    let batches = open_batch_connection(options.get_filename(), synchronous_pragma)
        .with_context(|| format!("opening SQLite database {url} for batched writes"))?;
    Ok((writer, readers, batches))
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
         PRAGMA temp_store = memory; PRAGMA cache_size = -16000;"
    ))?;
    // Room for every statement of the batched paths, prepared once.
    db.set_prepared_statement_cache_capacity(64);
    Ok(db)
}
