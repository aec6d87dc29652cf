//! Persistence on SQLite or PostgreSQL, chosen by the database URL's scheme.
//!
//! Both backends use the same schema shape (`migrations/<backend>`) and the same SQL text: each
//! query is written once, in an `impl Exec` block of the collection's file, and the [`dispatch!`]
//! macro compiles it for both connection types. What genuinely differs (connecting, pragmas, row
//! locking) lives in `sqlite.rs` and `postgres.rs`.
//!
//! Services open a [`Tx`] for anything that writes, and read through [`Store::read`] otherwise.
//! On SQLite all writes go through a single connection, so transactions never contend; reads use
//! a separate pool of connections that see committed data (WAL mode). The hottest write, a
//! visitor's message, is a synchronous job for [`WriteBatcher`] instead (group commit on a
//! connection of its own, run only while holding that single writer connection); its queries
//! are the [`BatchConn`] twins of the async ones, from the same SQL text.

mod agents;
mod business_hours;
mod canned_responses;
mod catalog;
mod commits;
mod conversation_search;
mod deliveries;
mod department_agents;
mod departments;
mod events;
mod inquiries;
mod listing;
mod message_pages;
mod messages;
mod offline_messages;
mod permissions;
mod postgres;
mod presence;
mod room_search;
mod rooms;
mod sessions;
mod sqlite;
pub mod streams;
mod triggers;
mod uploads;
mod users;
mod visitor_search;
mod visitors;
mod write_batch;

pub use canned_responses::{CannedFilter, TagFilter};
pub use commits::{CommitSignal, CommitWaiter};
pub use conversation_search::{search_words, ConversationSearch, MATCHES_PER_ROOM};
pub use deliveries::{DeliveryRecord, DeliveryState, NewDelivery, DELIVERIES_CHANNEL};
pub use departments::DepartmentFilter;
pub use events::{NewEvent, StoredEvent, EVENTS_CHANNEL};
pub use inquiries::QueueFilter;
pub use listing::{Direction, OrderBy, SortColumn};
pub use message_pages::MessageKind;
pub use messages::HistoryQuery;
pub use offline_messages::OfflineMessageRow;
pub use permissions::{PermissionChange, StoredPermission};
pub use presence::{PresenceHolder, PresenceKind};
pub use room_search::{RoomFilter, TimeRange};
pub use visitor_search::PRESENT_STATUSES;
pub use write_batch::WriteBatcher;

use std::sync::Arc;

use anyhow::Context;
use serde::de::DeserializeOwned;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::config::Config;
use crate::error::{ApiError, ApiResult};

/// Runs `$body` with `$conn` bound to the backend's connection: one text, compiled twice.
macro_rules! dispatch {
    ($exec:expr, $conn:ident => $body:expr) => {
        match $exec {
            $crate::store::Exec::Sqlite($conn) => $body,
            $crate::store::Exec::Postgres($conn) => $body,
        }
    };
}
pub(crate) use dispatch;

#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Woken after every SQLite commit, so the realtime dispatcher reads new events at once
    /// (PostgreSQL wakes it with `NOTIFY` instead, across processes).
    committed: CommitSignal,
}

#[derive(Clone)]
enum Backend {
    Sqlite {
        writer: SqlitePool,
        readers: SqlitePool,
        /// Group commit for the hottest writes (PostgreSQL has none: its concurrent
        /// transactions already share WAL flushes). `None` when `sqlite_group_commit` is
        /// off: writes then take the async transactions PostgreSQL takes.
        batcher: Option<Arc<WriteBatcher>>,
    },
    Postgres(PgPool),
}

impl Store {
    /// Connects to the configured database and brings its schema up to date.
    pub async fn connect(config: &Config) -> anyhow::Result<Store> {
        let url = config.effective_database_url();
        let committed = CommitSignal::new();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(postgres::connect(&url, config).await?)
        } else if url.starts_with("sqlite:") {
            let (writer, readers, batches) = sqlite::connect(&url, config).await?;
            let batcher = config.sqlite_group_commit.then(|| {
                Arc::new(WriteBatcher::new(
                    writer.clone(),
                    batches,
                    committed.clone(),
                ))
            });
            Backend::Sqlite {
                writer,
                readers,
                batcher,
            }
        } else {
            anyhow::bail!("unsupported database URL {url:?}: use sqlite://PATH or postgres://…");
        };
        let store = Store { backend, committed };
        store
            .migrate()
            .await
            .context("migrating the database schema")?;
        Ok(store)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        match &self.backend {
            Backend::Sqlite { writer, .. } => {
                sqlx::migrate!("migrations/sqlite").run(writer).await?
            }
            Backend::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Starts a write transaction; dropped without `commit`, it rolls back.
    pub async fn begin(&self) -> ApiResult<Tx> {
        Ok(match &self.backend {
            // IMMEDIATE takes the write lock at once: inside one process the single writer
            // connection serializes anyway, and a second process on the same file then waits
            // (busy timeout) instead of failing when its read turns into a write.
            Backend::Sqlite { writer, .. } => Tx::Sqlite(
                writer.begin_with("BEGIN IMMEDIATE").await?,
                self.committed.clone(),
            ),
            Backend::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// The group-commit path for synchronous write jobs (SQLite only).
    pub fn batcher(&self) -> Option<&WriteBatcher> {
        match &self.backend {
            Backend::Sqlite { batcher, .. } => batcher.as_deref(),
            Backend::Postgres(_) => None,
        }
    }

    /// A waiter for this process's SQLite commits (it never completes on PostgreSQL: listen
    /// for [`EVENTS_CHANNEL`] or [`DELIVERIES_CHANNEL`] there).
    pub fn commits(&self) -> CommitWaiter {
        self.committed.waiter()
    }

    /// The PostgreSQL pool, for `LISTEN`; `None` on SQLite.
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.backend {
            Backend::Sqlite { .. } => None,
            Backend::Postgres(pool) => Some(pool),
        }
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> ApiResult<Conn> {
        Ok(match &self.backend {
            Backend::Sqlite { readers, .. } => Conn::Sqlite(readers.acquire().await?),
            Backend::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite {
                writer, readers, ..
            } => {
                writer.close().await;
                readers.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>, CommitSignal),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn exec(&mut self) -> Exec<'_> {
        match self {
            Tx::Sqlite(tx, _) => Exec::Sqlite(tx),
            Tx::Postgres(tx) => Exec::Postgres(tx),
        }
    }

    pub async fn commit(self) -> ApiResult<()> {
        match self {
            Tx::Sqlite(tx, committed) => {
                tx.commit().await?;
                committed.committed();
            }
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Conn {
    pub fn exec(&mut self) -> Exec<'_> {
        match self {
            Conn::Sqlite(conn) => Exec::Sqlite(conn),
            Conn::Postgres(conn) => Exec::Postgres(conn),
        }
    }
}

/// A connection, in or out of a transaction, on which the queries of this module run.
pub enum Exec<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// The writer connection inside a batched SQLite write ([`WriteBatcher`]): the same queries as
/// [`Exec`], run synchronously. Each collection's file implements the ones the batched paths
/// need, next to their async twins and from the same SQL text.
pub struct BatchConn<'a>(&'a rusqlite::Connection);

impl BatchConn<'_> {
    /// The `doc` selected by a query with one text parameter.
    fn fetch_doc(&self, sql: &str, key: &str) -> ApiResult<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .0
            .prepare_cached(sql)?
            .query_row([key], |row| row.get(0))
            .optional()?)
    }

    /// Runs one statement; the number of rows it changed.
    fn execute(&self, sql: &str, params: &[&dyn rusqlite::ToSql]) -> ApiResult<usize> {
        Ok(self.statement(sql, params)?.raw_execute()?)
    }

    /// `sql` prepared (once per connection) with `params` bound to `$1`, `$2`, …: by name,
    /// because SQLite numbers named parameters in order of appearance, and the shared SQL
    /// text may use `$2` before `$1`.
    fn statement(
        &self,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> ApiResult<rusqlite::CachedStatement<'_>> {
        const NAMES: [&str; 12] = [
            "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12",
        ];
        let mut statement = self.0.prepare_cached(sql)?;
        for (param, name) in params.iter().zip(NAMES) {
            let index = statement.parameter_index(name)?.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("no parameter {name} in {sql}"))
            })?;
            statement.raw_bind_parameter(index, param)?;
        }
        if params.len() > NAMES.len() {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "too many parameters for {sql}"
            )));
        }
        Ok(statement)
    }
}

/// The result of an insert that a unique constraint may refuse.
#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    Yes,
    /// A row with the same unique key exists; nothing was written.
    Duplicate,
}

fn inserted(result: Result<impl Sized, sqlx::Error>) -> ApiResult<Inserted> {
    match result {
        Ok(_) => Ok(Inserted::Yes),
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => Ok(Inserted::Duplicate),
        Err(err) => Err(err.into()),
    }
}

/// [`inserted`] for a batched write.
fn inserted_sync(result: rusqlite::Result<usize>) -> ApiResult<Inserted> {
    use rusqlite::ffi;
    match result {
        Ok(_) => Ok(Inserted::Yes),
        Err(rusqlite::Error::SqliteFailure(err, _))
            if err.extended_code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                || err.extended_code == ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Ok(Inserted::Duplicate)
        }
        Err(err) => Err(err.into()),
    }
}

fn parse_doc<T: DeserializeOwned>(doc: &str) -> ApiResult<T> {
    Ok(serde_json::from_str(doc)?)
}

fn parse_docs<T: DeserializeOwned>(docs: Vec<String>) -> ApiResult<Vec<T>> {
    docs.iter().map(|doc| parse_doc(doc)).collect()
}

fn to_doc<T: serde::Serialize>(value: &T) -> ApiResult<String> {
    Ok(serde_json::to_string(value)?)
}

impl Exec<'_> {
    /// The `doc` selected by a query with one text parameter.
    async fn fetch_doc(&mut self, sql: &str, key: &str) -> ApiResult<Option<String>> {
        Ok(dispatch!(self, c => {
            sqlx::query_scalar(sql).bind(key).fetch_optional(&mut **c).await?
        }))
    }

    /// Like [`Exec::fetch_doc`], and on PostgreSQL also locks the row until the transaction
    /// ends, so a read-modify-write of the document cannot lose a concurrent change. (SQLite
    /// runs one writer at a time, which gives the same guarantee.)
    async fn fetch_doc_for_update(
        &mut self,
        sql: &'static str,
        key: &str,
    ) -> ApiResult<Option<String>> {
        match self {
            Exec::Sqlite(_) => self.fetch_doc(sql, key).await,
            Exec::Postgres(_) => self.fetch_doc(&format!("{sql} FOR UPDATE"), key).await,
        }
    }

    /// Every `doc` selected by a query with one text parameter, locked like
    /// [`Exec::fetch_doc_for_update`].
    async fn fetch_docs_for_update(
        &mut self,
        sql: &'static str,
        key: &str,
    ) -> ApiResult<Vec<String>> {
        Ok(match self {
            Exec::Sqlite(c) => {
                sqlx::query_scalar(sql)
                    .bind(key)
                    .fetch_all(&mut **c)
                    .await?
            }
            Exec::Postgres(c) => {
                sqlx::query_scalar(&format!("{sql} FOR UPDATE"))
                    .bind(key)
                    .fetch_all(&mut **c)
                    .await?
            }
        })
    }
}
