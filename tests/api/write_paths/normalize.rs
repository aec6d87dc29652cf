//! What may legitimately differ between two runs of the script is replaced by stable
//! stand-ins; everything else is compared strictly (documents and payloads as parsed JSON).
//!
//! - Random ids (`livechat::ids::random_id`: 17 characters of Meteor's alphabet; file ids,
//!   `uploads::new_file_id`: 26 of the same) become
//!   `<id N>`, N counting first appearances while reading the dump in `TABLES` order, so the
//!   same id is the same label everywhere (columns, documents, event args, payloads).
//! - Times (columns named `*_at`, `ts`, `*_ts`, `*_until`; ISO strings and epoch
//!   milliseconds inside documents) become `<time>`: two runs never share a clock.
//! - Durations in a room's `metrics` (seconds between two clock readings: `reaction.ft`,
//!   `response.avg`, `chatDuration`…, the floating-point numbers there) become `<duration>`;
//!   the counts beside them (integers) are compared.
//! - Autoincrement keys (`events.id`, `deliveries.id`, `messages.seq`) are dropped: those
//!   tables are compared row by row in key order, which is what the key says.
//! - The outbox courier's own bookkeeping (`deliveries.state`, `attempts`, `last_error`…) is
//!   dropped: it tries the absent receiver on its own clock, after the write; the write's
//!   part of the row (kind, ordering key, summary, payload) is compared.
//! - `users.password_hash` is dropped: a fresh salt every run.
//! - PostgreSQL's `BOOLEAN` columns read as `true`/`false`, SQLite's as `1`/`0`: booleans
//!   become 1/0 (the same stored fact).

use std::collections::HashMap;
use std::fmt::Write;

use serde_json::{json, Map, Value};

use super::dump::Dump;

/// (table, normalised rows).
pub type Normalized = Vec<(&'static str, Vec<Value>)>;

const AUTOINCREMENT: [(&str, &str); 3] =
    [("events", "id"), ("deliveries", "id"), ("messages", "seq")];

const DROPPED: [(&str, &str); 7] = [
    ("deliveries", "state"),
    ("deliveries", "attempts"),
    ("deliveries", "next_attempt_at"),
    ("deliveries", "claimed_until"),
    ("deliveries", "last_error"),
    ("deliveries", "finished_at"),
    ("users", "password_hash"),
];

const ID_ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
/// Document ids and file ids.
const ID_LENGTHS: [usize; 2] = [17, 26];

pub fn normalize(dump: Dump) -> Normalized {
    let mut labels = Labels::default();
    dump.into_iter()
        .map(|(table, rows)| {
            let ordered = AUTOINCREMENT.iter().any(|(t, _)| *t == table);
            let mut rows: Vec<Value> = rows
                .into_iter()
                .map(|row| {
                    let mut out = Map::new();
                    for (column, value) in row {
                        let dropped = DROPPED
                            .iter()
                            .chain(AUTOINCREMENT.iter())
                            .any(|(t, c)| *t == table && *c == column);
                        if dropped {
                            continue;
                        }
                        let value = if is_time_column(&column) && !value.is_null() {
                            json!("<time>")
                        } else {
                            labels.value(column_value(value))
                        };
                        out.insert(column, value);
                    }
                    Value::Object(out)
                })
                .collect();
            // Without an autoincrement key, a table's row order is not a fact to compare.
            if !ordered {
                rows.sort_by_key(|row| row.to_string());
            }
            (table, rows)
        })
        .collect()
}

fn is_time_column(column: &str) -> bool {
    column == "ts"
        || column.ends_with("_at")
        || column.ends_with("_ts")
        || column.ends_with("_until")
}

/// A column as the comparison sees it: JSON text parsed, booleans as 1/0.
fn column_value(value: Value) -> Value {
    match value {
        Value::Bool(b) => json!(i64::from(b)),
        Value::String(text) if text.starts_with('{') || text.starts_with('[') => {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        }
        other => other,
    }
}

#[derive(Default)]
struct Labels(HashMap<String, String>);

impl Labels {
    fn value(&mut self, value: Value) -> Value {
        match value {
            Value::String(text) if is_iso_time(&text) => json!("<time>"),
            Value::String(text) => Value::String(self.text(&text)),
            // Epoch milliseconds between 2001 and 2286.
            Value::Number(n)
                if n.as_i64()
                    .is_some_and(|n| (1_000_000_000_000..10_000_000_000_000).contains(&n)) =>
            {
                json!("<time>")
            }
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.value(v)).collect()),
            Value::Object(fields) => Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| {
                        let v = if k == "metrics" { durations(v) } else { v };
                        (self.text(&k), self.value(v))
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// `text` with every random id replaced by its label.
    fn text(&mut self, text: &str) -> String {
        let mut out = String::new();
        let mut word = String::new();
        for c in text.chars().chain(std::iter::once('\0')) {
            if c.is_ascii_alphanumeric() {
                word.push(c);
                continue;
            }
            if ID_LENGTHS.contains(&word.len()) && word.chars().all(|w| ID_ALPHABET.contains(w)) {
                let next = format!("<id {}>", self.0.len() + 1);
                out.push_str(self.0.entry(word.clone()).or_insert(next));
            } else {
                out.push_str(&word);
            }
            word.clear();
            if c != '\0' {
                out.push(c);
            }
        }
        out
    }
}

/// `metrics` with its floating-point numbers (durations in seconds) replaced.
fn durations(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => json!("<duration>"),
        Value::Array(items) => Value::Array(items.into_iter().map(durations).collect()),
        Value::Object(fields) => {
            Value::Object(fields.into_iter().map(|(k, v)| (k, durations(v))).collect())
        }
        other => other,
    }
}

/// `2026-12-06T16:52:36.123Z` and the like.
fn is_iso_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && text.ends_with('Z')
        && b[..4].iter().all(u8::is_ascii_digit)
}

/// Panics with a readable, path-by-path diff when the two normalised dumps differ.
pub fn assert_same(left_name: &str, left: &Normalized, right_name: &str, right: &Normalized) {
    let mut report = String::new();
    for ((table, left_rows), (_, right_rows)) in left.iter().zip(right) {
        if left_rows.len() != right_rows.len() {
            let _ = writeln!(
                report,
                "{table}: {} rows ({left_name}) against {} ({right_name})",
                left_rows.len(),
                right_rows.len()
            );
        }
        for (i, (l, r)) in left_rows.iter().zip(right_rows).enumerate() {
            let mut paths = Vec::new();
            differences(&format!("{table}[{i}]"), l, r, &mut paths);
            for line in paths {
                let _ = writeln!(report, "{line}");
            }
        }
        let longer = if left_rows.len() > right_rows.len() {
            left_rows
        } else {
            right_rows
        };
        for (i, row) in longer
            .iter()
            .enumerate()
            .skip(left_rows.len().min(right_rows.len()))
        {
            let _ = writeln!(report, "{table}[{i}] only in one dump: {row:#}");
        }
    }
    assert!(
        report.is_empty(),
        "the write paths disagree ({left_name} ≠ {right_name}):\n{report}\nleft dump ({left_name}):\n{}",
        serde_json::to_string_pretty(&dump_value(left)).unwrap()
    );
}

fn dump_value(dump: &Normalized) -> Value {
    Value::Object(
        dump.iter()
            .map(|(table, rows)| (table.to_string(), Value::Array(rows.clone())))
            .collect(),
    )
}

fn differences(path: &str, left: &Value, right: &Value, out: &mut Vec<String>) {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            let mut keys: Vec<&String> = l.keys().chain(r.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (lv, rv) = (l.get(key), r.get(key));
                match (lv, rv) {
                    (Some(lv), Some(rv)) => differences(&format!("{path}.{key}"), lv, rv, out),
                    _ => out.push(format!("{path}.{key}: {lv:?} ≠ {rv:?}")),
                }
            }
        }
        (Value::Array(l), Value::Array(r)) if l.len() == r.len() => {
            for (i, (lv, rv)) in l.iter().zip(r).enumerate() {
                differences(&format!("{path}[{i}]"), lv, rv, out);
            }
        }
        _ if left != right => out.push(format!("{path}: {left} ≠ {right}")),
        _ => {}
    }
}

/// The rows of `table`.
pub fn rows<'a>(dump: &'a Normalized, table: &str) -> &'a [Value] {
    dump.iter()
        .find(|(t, _)| *t == table)
        .map_or(&[], |(_, rows)| rows.as_slice())
}
