//! The store's own error: what went wrong with the database, with no idea of HTTP. The edge
//! (`crate::error::ApiError`) decides what a client sees: an outage becomes a 503 with
//! `Retry-After`, anything else a 500 whose details stay in the log.

/// A failed query, or a stored document that no longer reads.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database is out of reach for now (connection refused or broken, a restart or
    /// failover, every connection busy): it heals by itself, so callers may retry.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),

    /// A query failed through sqlx (a constraint, a bad statement, a type mismatch).
    #[error("database error: {0}")]
    Query(#[source] sqlx::Error),

    /// A query failed inside SQLite's batched write path (rusqlite).
    #[error("database error in a batched write: {0}")]
    Batched(#[from] rusqlite::Error),

    /// A JSON document (a row's `doc`, an event's args) did not read or write.
    #[error("stored document: {0}")]
    Document(#[from] serde_json::Error),

    /// A broken expectation of the store itself (a write that awaited inside the batch, a
    /// batch that failed as a whole).
    #[error("{0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if is_database_outage(&err) {
            StoreError::Unavailable(err)
        } else {
            StoreError::Query(err)
        }
    }
}

impl StoreError {
    pub fn internal(text: impl Into<String>) -> StoreError {
        StoreError::Internal(text.into())
    }

    /// A query with no batched form was called inside SQLite's group-commit batch.
    pub fn not_batched(file: &str, line: u32) -> StoreError {
        StoreError::Internal(format!(
            "the query at {file}:{line} has no batched form: write it on store::primitives"
        ))
    }
}

/// Whether `err` says the database is out of reach for now rather than that the request or
/// the code is wrong: the connection broke or was refused, the server is shutting down or
/// starting (a restart, a failover), or every connection stayed busy past the acquire timeout.
/// These heal by themselves; the pool reconnects on the next acquire.
pub fn is_database_outage(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's SQLSTATE classes: 08 connection exception, 57P01–57P03 admin / crash
        // shutdown and "cannot connect now", 53300 too many connections.
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }),
        _ => false,
    }
}
