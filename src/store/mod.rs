//! Persistence on SQLite or PostgreSQL, chosen by the database URL's scheme.
//!
//! Both backends use the same schema shape (`migrations/<backend>`) and the same SQL text: each
//! query is written once, in an `impl Exec` block of the collection's file. What genuinely
//! differs (connecting, pragmas, row locking) lives in `sqlite.rs` and `postgres.rs`.
//!
//! Reads go through [`Store::read`]. A write is a unit of work over [`Exec`], defined once and
//! run by [`Store::write`] (or, for writes not yet moved there, in a [`Tx`] from
//! [`Store::begin`]). On SQLite, with group commit on (the default), `Store::write` hands the
//! unit to [`WriteBatcher`], which runs many units in one transaction on a connection of its
//! own, driven synchronously; elsewhere the unit runs in an async transaction of its own. The
//! domain never branches on the backend or on batching.
//!
//! ## Why one enum of connections, not a trait
//!
//! [`Exec`] has three kinds: sqlx's SQLite and PostgreSQL connections, and
//! [`Exec::Batch`], the rusqlite connection inside a group-commit batch. A query is an `async
//! fn` on `Exec`; written on the primitives of `primitives.rs` (`execute`, `insert`,
//! `fetch_text`, … with the SQL text and a slice of [`primitives::Param`]), it runs on all
//! three. On `Exec::Batch` a primitive never awaits, so a unit of work's future completes at
//! its first poll, which is how the batch runs it without holding SQLite's writer across an
//! await (a unit that awaits anything else fails instead, see `write_batch.rs`).
//!
//! A trait with one implementation per connection kind would have made every query and every
//! unit of work generic, and every caller name the trait and carry `Send` bounds; the enum keeps
//! one concrete type that every existing caller already used, and the same SQL text for every
//! backend. The cost is a runtime check instead of a compile-time one: a query still written
//! with the [`dispatch!`] macro (sqlx only) fails when called inside a batch, naming its place
//! in the code, and the tests of each batched write would show it.
//!
//! Queries return the store's own [`StoreError`]; the HTTP error is made at the edge
//! (`crate::error`).

mod agents;
mod business_hours;
mod canned_responses;
mod catalog;
mod commits;
mod conversation_search;
mod deliveries;
mod department_agents;
mod departments;
mod error;
mod events;
mod inquiries;
mod listing;
mod message_pages;
mod messages;
mod offline_messages;
mod permissions;
mod postgres;
mod presence;
pub(crate) mod primitives;
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
pub use error::{StoreError, StoreResult};
pub use events::{NewEvent, ServingAgentEvent, StoredEvent, EVENTS_CHANNEL};
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
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::config::Config;
use primitives::params;

/// Runs `$body` with `$conn` bound to the backend's connection: one text, compiled twice.
///
/// A query written this way has no batched form: inside SQLite's group-commit batch it fails
/// (with the query's place in the code) instead of running. Queries that a batched write needs
/// are written on the primitives of `primitives.rs` instead, which every connection kind runs.
macro_rules! dispatch {
    ($exec:expr, $conn:ident => $body:expr) => {
        match $exec {
            $crate::store::Exec::Sqlite($conn) => $body,
            $crate::store::Exec::Postgres($conn) => $body,
            $crate::store::Exec::Batch(_) => {
                return Err($crate::store::StoreError::not_batched(file!(), line!()).into())
            }
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
    pub async fn begin(&self) -> StoreResult<Tx> {
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

    /// Runs one unit of work in a write transaction and commits it; its result.
    ///
    /// `work` is the whole write, defined once: on SQLite with group commit it joins the
    /// batch ([`WriteBatcher`]) and runs on [`Exec::Batch`], where it must not await anything
    /// but this module's queries; otherwise it runs in a transaction of its own. An `Err`
    /// from `work` writes nothing.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut Exec<'_>) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if let Backend::Sqlite {
            batcher: Some(batcher),
            ..
        } = &self.backend
        {
            return batcher.run(work).await;
        }
        let mut tx = self.begin().await?;
        let value = work(&mut tx.exec()).await?;
        tx.commit().await?;
        Ok(value)
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
    pub async fn read(&self) -> StoreResult<Conn> {
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

    pub async fn commit(self) -> StoreResult<()> {
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
    /// SQLite's group-commit connection, inside a batch's transaction ([`WriteBatcher`]):
    /// driven synchronously, so every query on it is ready at its first poll.
    Batch(&'a mut rusqlite::Connection),
}

/// The result of an insert that a unique constraint may refuse.
#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    Yes,
    /// A row with the same unique key exists; nothing was written.
    Duplicate,
}

/// An insert's result through sqlx: a unique key refusing it is `Duplicate`.
fn inserted(result: Result<impl Sized, sqlx::Error>) -> StoreResult<Inserted> {
    match result {
        Ok(_) => Ok(Inserted::Yes),
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => Ok(Inserted::Duplicate),
        Err(err) => Err(err.into()),
    }
}

fn parse_doc<T: DeserializeOwned>(doc: &str) -> StoreResult<T> {
    Ok(serde_json::from_str(doc)?)
}

fn parse_docs<T: DeserializeOwned>(docs: Vec<String>) -> StoreResult<Vec<T>> {
    docs.iter().map(|doc| parse_doc(doc)).collect()
}

fn to_doc<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    Ok(serde_json::to_string(value)?)
}

impl Exec<'_> {
    /// The `doc` selected by a query with one text parameter.
    async fn fetch_doc(&mut self, sql: &str, key: &str) -> StoreResult<Option<String>> {
        self.fetch_text(sql, params![key]).await
    }

    /// [`Exec::fetch_doc`], locking the row on PostgreSQL ([`Exec::fetch_text_for_update`]).
    async fn fetch_doc_for_update(
        &mut self,
        sql: &'static str,
        key: &str,
    ) -> StoreResult<Option<String>> {
        self.fetch_text_for_update(sql, params![key]).await
    }

    /// Every `doc` selected by a query with one text parameter, locked like
    /// [`Exec::fetch_doc_for_update`].
    async fn fetch_docs_for_update(
        &mut self,
        sql: &'static str,
        key: &str,
    ) -> StoreResult<Vec<String>> {
        self.fetch_texts_for_update(sql, params![key]).await
    }
}
