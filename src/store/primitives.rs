//! The query primitives every connection kind implements: run a statement, fetch a `doc`
//! column, insert where a unique key may refuse. A query written on these (a `&'static str`
//! of SQL and a slice of [`Param`]) runs unchanged on PostgreSQL, on SQLite through sqlx, and
//! on SQLite inside the group-commit batch (rusqlite, synchronously); see `store/mod.rs` for
//! why the store is shaped this way.

use super::error::{StoreError, StoreResult};
use super::{Exec, Inserted};

/// One bound value. Borrowed: binding copies nothing.
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    OptInt(Option<i64>),
    Bool(bool),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Param::Text(value)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Param::Text(value)
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Param::OptText(value)
    }
}

impl<'a> From<Option<&'a String>> for Param<'a> {
    fn from(value: Option<&'a String>) -> Self {
        Param::OptText(value.map(String::as_str))
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(value: &'a Option<String>) -> Self {
        Param::OptText(value.as_deref())
    }
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Param::Int(value)
    }
}

impl From<Option<i64>> for Param<'_> {
    fn from(value: Option<i64>) -> Self {
        Param::OptInt(value)
    }
}

impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Param::Bool(value)
    }
}

/// `params![a, b, c]`: the slice of [`Param`]s bound to `$1`, `$2`, `$3`.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::primitives::Param::from($value)),*]
    };
}
pub(crate) use params;

/// Binds `params` to a sqlx query, in order; one text for both sqlx backends.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match *param {
                Param::Text(v) => query.bind(v),
                Param::OptText(v) => query.bind(v),
                Param::Int(v) => query.bind(v),
                Param::OptInt(v) => query.bind(v),
                Param::Bool(v) => query.bind(v),
            };
        }
        query
    }};
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Text(v) => v.to_sql(),
            Param::OptText(v) => v.to_sql(),
            Param::Int(v) => v.to_sql(),
            Param::OptInt(v) => v.to_sql(),
            Param::Bool(v) => v.to_sql(),
        }
    }
}

/// `$sqlx` compiled for both sqlx connections (bound to `$c`), `$batch` for the batch's
/// rusqlite connection (bound to `$db`): each primitive is written once per driver.
macro_rules! per_driver {
    ($exec:expr, $c:ident => $sqlx:expr, $db:ident => $batch:expr) => {
        match $exec {
            Exec::Sqlite($c) => $sqlx,
            Exec::Postgres($c) => $sqlx,
            Exec::Batch($db) => $batch,
        }
    };
}

impl Exec<'_> {
    /// Runs one statement; the number of rows it changed.
    pub(crate) async fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> StoreResult<u64> {
        Ok(per_driver!(self,
            c => bind_all!(sqlx::query(sql), params).execute(&mut **c).await?.rows_affected(),
            db => statement(db, sql, params)?.raw_execute()? as u64))
    }

    /// Runs an insert that a unique key may refuse: `Duplicate` then, and nothing written.
    pub(crate) async fn insert(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> StoreResult<Inserted> {
        match self {
            Exec::Batch(db) => {
                let result = statement(db, sql, params)?.raw_execute();
                inserted_batched(result)
            }
            _ => match self.execute(sql, params).await {
                Ok(_) => Ok(Inserted::Yes),
                Err(StoreError::Query(sqlx::Error::Database(err))) if err.is_unique_violation() => {
                    Ok(Inserted::Duplicate)
                }
                Err(err) => Err(err),
            },
        }
    }

    /// The first column (text) of the first row a query selects.
    pub(crate) async fn fetch_text(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> StoreResult<Option<String>> {
        Ok(per_driver!(self,
            c => bind_all!(sqlx::query_scalar(sql), params).fetch_optional(&mut **c).await?,
            db => first_row(db, sql, params, |row| row.get(0))?))
    }

    /// The first column (text) of every row a query selects.
    pub(crate) async fn fetch_texts(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> StoreResult<Vec<String>> {
        Ok(per_driver!(self,
        c => bind_all!(sqlx::query_scalar(sql), params).fetch_all(&mut **c).await?,
        db => {
            let mut statement = statement(db, sql, params)?;
            let mut rows = statement.raw_query();
            let mut texts = Vec::new();
            while let Some(row) = rows.next()? {
                texts.push(row.get(0)?);
            }
            texts
        }))
    }

    /// Whether a query selects any row.
    pub(crate) async fn exists(&mut self, sql: &str, params: &[Param<'_>]) -> StoreResult<bool> {
        Ok(per_driver!(self,
            c => bind_all!(sqlx::query(sql), params).fetch_optional(&mut **c).await?.is_some(),
            db => first_row(db, sql, params, |_| Ok(()))?.is_some()))
    }

    /// The first column (a 64-bit integer: `BIGINT` on PostgreSQL) of the first row a query
    /// selects.
    pub(crate) async fn fetch_int(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> StoreResult<Option<i64>> {
        Ok(per_driver!(self,
            c => bind_all!(sqlx::query_scalar(sql), params).fetch_optional(&mut **c).await?,
            db => first_row(db, sql, params, |row| row.get(0))?))
    }

    /// The first row of a query selecting a text and a 64-bit integer (`BIGINT`), in that order.
    pub(crate) async fn fetch_text_with_int(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> StoreResult<Option<(String, i64)>> {
        Ok(per_driver!(self,
            c => bind_all!(sqlx::query_as(sql), params).fetch_optional(&mut **c).await?,
            db => first_row(db, sql, params, |row| Ok((row.get(0)?, row.get(1)?)))?))
    }

    /// [`Exec::fetch_text`] that, on PostgreSQL, also locks the selected row until the
    /// transaction ends, so that a read-modify-write of a document cannot lose a concurrent
    /// change. (SQLite runs one writer at a time, which gives the same guarantee.)
    pub(crate) async fn fetch_text_for_update(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> StoreResult<Option<String>> {
        match self {
            Exec::Postgres(_) => self.fetch_text(&format!("{sql} FOR UPDATE"), params).await,
            _ => self.fetch_text(sql, params).await,
        }
    }

    /// [`Exec::fetch_texts`], locking like [`Exec::fetch_text_for_update`].
    pub(crate) async fn fetch_texts_for_update(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> StoreResult<Vec<String>> {
        match self {
            Exec::Postgres(_) => self.fetch_texts(&format!("{sql} FOR UPDATE"), params).await,
            _ => self.fetch_texts(sql, params).await,
        }
    }
}

/// `sql` prepared (once per connection) with `params` bound to `$1`, `$2`, …: by name,
/// because SQLite numbers named parameters in order of appearance, and the shared SQL text
/// may use `$2` before `$1`.
fn statement<'c>(
    db: &'c rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> StoreResult<rusqlite::CachedStatement<'c>> {
    const NAMES: [&str; 16] = [
        "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12", "$13", "$14",
        "$15", "$16",
    ];
    let mut statement = db.prepare_cached(sql)?;
    for (i, param) in params.iter().enumerate() {
        let longer;
        let name = match NAMES.get(i) {
            Some(name) => *name,
            None => {
                longer = format!("${}", i + 1);
                &longer
            }
        };
        let index = statement
            .parameter_index(name)?
            .ok_or_else(|| StoreError::internal(format!("no parameter {name} in {sql}")))?;
        statement.raw_bind_parameter(index, param)?;
    }
    Ok(statement)
}

/// The first row a query selects on the batch's connection, read by `read`.
fn first_row<T>(
    db: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
    read: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> StoreResult<Option<T>> {
    let mut statement = statement(db, sql, params)?;
    let mut rows = statement.raw_query();
    Ok(match rows.next()? {
        Some(row) => Some(read(row)?),
        None => None,
    })
}

/// An insert's result in the batch: a unique or primary key refusing it is `Duplicate`.
fn inserted_batched(result: rusqlite::Result<usize>) -> StoreResult<Inserted> {
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
