//! Every row of the tables the script writes, read straight from the database as JSON
//! objects (column → value), in the order the rows were written where the table keeps one.

use serde_json::{Map, Value};
use sqlx::Connection;

pub type Row = Map<String, Value>;
/// (table, rows), in [`TABLES`] order.
pub type Dump = Vec<(&'static str, Vec<Row>)>;

pub enum Backend {
    Sqlite,
    Postgres,
}

/// The tables the script touches (read from the migrations) and the order their rows are read
/// in. The order matters only for naming random ids by first appearance (`normalize.rs`):
/// the outbox tables first, whose autoincrement ids follow the script.
pub const TABLES: [(&str, &str); 11] = [
    ("events", "id"),
    ("deliveries", "id"),
    ("messages", "seq"),
    ("rooms", "ts, id"),
    ("inquiries", "queued_at, id"),
    ("visitors", "ts, id"),
    ("visitor_sessions", "updated_at, id"),
    ("users", "username_lower"),
    ("department_agents", "department_id, username"),
    ("counters", "name"),
    ("uploads", "id"),
];

pub async fn dump(backend: Backend, url: &str) -> Dump {
    let mut dump = Vec::new();
    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open");
            for (table, order) in TABLES {
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                        .bind(table)
                        .fetch_all(&mut conn)
                        .await
                        .expect("columns");
                let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', {c}")).collect();
                let sql = format!(
                    "SELECT json_object({}) FROM {table} ORDER BY {order}",
                    pairs.join(", ")
                );
                let rows: Vec<String> = sqlx::query_scalar(&sql)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{table}: {e}"));
                dump.push((table, parse(rows)));
            }
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            for (table, order) in TABLES {
                // `r`, not `t`: `messages` has a column named `t`, which would win over the row.
                let sql = format!("SELECT row_to_json(r)::text FROM {table} AS r ORDER BY {order}");
                let rows: Vec<String> = sqlx::query_scalar(&sql)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{table}: {e}"));
                dump.push((table, parse(rows)));
            }
        }
    }
    dump
}

fn parse(rows: Vec<String>) -> Vec<Row> {
    rows.iter()
        .map(|row| match serde_json::from_str(row) {
            Ok(Value::Object(row)) => row,
            other => panic!("a row is not a JSON object: {row} ({other:?})"),
        })
        .collect()
}
