//! The `sort` query parameter of list endpoints (reference §1.6): a JSON object such as
//! `{"ts":-1,"name":1}`, keys applied in order, every value `1` or `-1`. Each endpoint names
//! the keys it can sort by and the column behind each; anything else is refused.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::store::{Direction, OrderBy, SortColumn};

/// A sortable key of an endpoint: the document field clients name, and its column.
#[derive(Clone, Copy, Debug)]
pub struct SortKey {
    pub field: &'static str,
    pub column: &'static str,
    pub nullable: bool,
}

impl SortKey {
    pub const fn column(field: &'static str, column: &'static str) -> Self {
        SortKey {
            field,
            column,
            nullable: false,
        }
    }

    /// A column that is NULL when the document lacks the field.
    pub const fn optional(field: &'static str, column: &'static str) -> Self {
        SortKey {
            field,
            column,
            nullable: true,
        }
    }
}

/// What an endpoint sorts by: its keys, its default order and a unique tiebreak column.
pub struct Sorting {
    pub keys: &'static [SortKey],
    pub default: &'static [(&'static str, Direction)],
    pub tiebreak: &'static str,
}

/// More keys than any sortable endpoint has; a longer `sort` is not a real request.
const MAX_SORT_KEYS: usize = 8;

impl Sorting {
    /// The `ORDER BY` for a request's raw `sort` (the default when absent or empty).
    pub fn order_by(&self, raw: Option<&str>) -> ApiResult<OrderBy> {
        let requested = match raw.map(str::trim).filter(|r| !r.is_empty()) {
            None => self
                .default
                .iter()
                .map(|(field, direction)| (field.to_string(), *direction))
                .collect(),
            Some(raw) => parse(raw)?,
        };
        let mut columns = Vec::with_capacity(requested.len());
        for (field, direction) in requested {
            let key = self
                .keys
                .iter()
                .find(|k| k.field == field)
                .ok_or_else(|| self.unknown_key(&field))?;
            columns.push(SortColumn {
                column: key.column,
                direction,
                nullable: key.nullable,
            });
        }
        Ok(OrderBy::new(&columns, self.tiebreak))
    }

    fn unknown_key(&self, field: &str) -> ApiError {
        let known: Vec<&str> = self.keys.iter().map(|k| k.field).collect();
        let field: String = field.chars().take(64).collect();
        ApiError::meteor(
            "error-invalid-sort",
            format!(
                "Cannot sort by \"{field}\"; sortable fields: {}",
                known.join(", ")
            ),
        )
    }
}

fn invalid_sort(raw: &str) -> ApiError {
    ApiError::meteor(
        "error-invalid-sort",
        format!("Invalid sort parameter provided: \"{raw}\""),
    )
}

/// The keys of a `sort` object in the order written, each with its direction.
fn parse(raw: &str) -> ApiResult<Vec<(String, Direction)>> {
    let OrderedObject(entries) = serde_json::from_str(raw).map_err(|_| invalid_sort(raw))?;
    if entries.len() > MAX_SORT_KEYS {
        return Err(invalid_sort(raw));
    }
    entries
        .into_iter()
        .map(|(field, value)| match value.as_f64() {
            Some(1.0) => Ok((field, Direction::Asc)),
            Some(-1.0) => Ok((field, Direction::Desc)),
            _ => Err(invalid_sort(raw)),
        })
        .collect()
}

/// A JSON object's entries in document order (`serde_json::Map` would sort them by key).
struct OrderedObject(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;

        impl<'de> Visitor<'de> for Entries {
            type Value = OrderedObject;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedObject, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(OrderedObject(entries))
            }
        }

        deserializer.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SORTING: Sorting = Sorting {
        keys: &[
            SortKey::column("ts", "ts"),
            SortKey::optional("lastChat.ts", "last_chat_ts"),
        ],
        default: &[("ts", Direction::Desc)],
        tiebreak: "id",
    };

    #[test]
    fn keys_keep_their_written_order() {
        let order = SORTING
            .order_by(Some(r#"{"ts":1,"lastChat.ts":-1}"#))
            .unwrap();
        assert_eq!(
            order.as_sql(),
            "ts ASC, (last_chat_ts IS NULL) ASC, last_chat_ts DESC, id DESC"
        );
    }

    #[test]
    fn default_when_absent() {
        assert_eq!(SORTING.order_by(None).unwrap().as_sql(), "ts DESC, id DESC");
    }

    #[test]
    fn rejects_bad_values_and_unknown_keys() {
        for raw in [r#"{"ts":2}"#, r#"{"ts":"asc"}"#, "[1]", "not json"] {
            let err = SORTING.order_by(Some(raw)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("Invalid sort parameter provided: \"{raw}\" [error-invalid-sort]")
            );
        }
        assert!(SORTING.order_by(Some(r#"{"doc":1}"#)).is_err());
    }
}
