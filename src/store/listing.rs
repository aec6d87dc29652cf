//! Filtered, sorted, paginated listings of one table's documents, for the agents' read views.
//!
//! The conditions are SQL written in this crate; every value a client supplied travels as a
//! bound parameter (`$n`), and the `ORDER BY` text is assembled from `&'static str` column
//! names chosen from a whitelist, so no request text ever becomes SQL.

use super::error::StoreResult;
use super::{dispatch, Exec};

/// A bound parameter value.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// `SELECT doc FROM <table> WHERE … ORDER BY … LIMIT … OFFSET …`, and its `COUNT(*)`.
#[derive(Debug)]
pub struct Listing {
    table: &'static str,
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Listing {
    pub fn of(table: &'static str) -> Self {
        Listing {
            table,
            conditions: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Binds `value` and returns its placeholder, for use in a condition.
    pub fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    pub fn text(&mut self, value: &str) -> String {
        self.arg(Arg::Text(value.to_string()))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.arg(Arg::Int(value))
    }

    /// Placeholders for a list of texts, comma-separated (for `IN (…)`); the list is non-empty.
    pub fn texts(&mut self, values: &[String]) -> String {
        values
            .iter()
            .map(|v| self.text(v))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Adds a condition (ANDed with the others).
    pub fn when(&mut self, condition: String) {
        self.conditions.push(condition);
    }

    fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// One page of documents in `order_by` order, and how many match in all.
    pub async fn page(
        mut self,
        exec: &mut Exec<'_>,
        order_by: &OrderBy,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<String>, i64)> {
        let filter = self.where_clause();
        let total_sql = format!("SELECT COUNT(*) FROM {}{filter}", self.table);
        let filter_args = self.args.clone();
        let limit = self.int(count);
        let skip = self.int(offset);
        let page_sql = format!(
            "SELECT doc FROM {}{filter} ORDER BY {} LIMIT {limit} OFFSET {skip}",
            self.table,
            order_by.as_sql()
        );
        let docs: Vec<String> = dispatch!(exec, c => {
            let mut query = sqlx::query_scalar(&page_sql);
            for arg in &self.args {
                query = match arg {
                    Arg::Text(text) => query.bind(text),
                    Arg::Int(n) => query.bind(n),
                };
            }
            query.fetch_all(&mut **c).await?
        });
        let total: i64 = dispatch!(exec, c => {
            let mut query = sqlx::query_scalar(&total_sql);
            for arg in &filter_args {
                query = match arg {
                    Arg::Text(text) => query.bind(text),
                    Arg::Int(n) => query.bind(n),
                };
            }
            query.fetch_one(&mut **c).await?
        });
        Ok((docs, total))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// One key of an `ORDER BY`: a column name from the code, never from a request.
#[derive(Clone, Copy, Debug)]
pub struct SortColumn {
    pub column: &'static str,
    pub direction: Direction,
    /// The column may be NULL: missing values then sort first ascending and last descending
    /// on both backends (as MongoDB sorts a missing field), instead of each database's default.
    pub nullable: bool,
}

/// An `ORDER BY` clause made only of [`SortColumn`]s, ending with a unique `tiebreak` column
/// so that pages never overlap or skip rows that compare equal.
#[derive(Clone, Debug)]
pub struct OrderBy(String);

impl OrderBy {
    pub fn new(keys: &[SortColumn], tiebreak: &'static str) -> Self {
        let mut parts = Vec::new();
        let mut last = Direction::Desc;
        for key in keys {
            let direction = match key.direction {
                Direction::Asc => "ASC",
                Direction::Desc => "DESC",
            };
            if key.nullable {
                let nulls = match key.direction {
                    Direction::Asc => "DESC",
                    Direction::Desc => "ASC",
                };
                parts.push(format!("({} IS NULL) {nulls}", key.column));
            }
            parts.push(format!("{} {direction}", key.column));
            last = key.direction;
        }
        if !keys.iter().any(|k| k.column == tiebreak) {
            parts.push(match last {
                Direction::Asc => format!("{tiebreak} ASC"),
                Direction::Desc => format!("{tiebreak} DESC"),
            });
        }
        OrderBy(parts.join(", "))
    }

    pub fn as_sql(&self) -> &str {
        &self.0
    }
}

/// A `LIKE` pattern matching `term` anywhere, with `%`, `_` and `\` taken literally (the
/// condition must say `ESCAPE '\'`).
pub fn contains_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(contains_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }

    #[test]
    fn order_by_puts_missing_values_first_ascending_and_ends_with_the_tiebreak() {
        let order = OrderBy::new(
            &[SortColumn {
                column: "closed_at",
                direction: Direction::Asc,
                nullable: true,
            }],
            "id",
        );
        assert_eq!(
            order.as_sql(),
            "(closed_at IS NULL) DESC, closed_at ASC, id ASC"
        );
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut listing = Listing::of("rooms");
        let first = listing.text("x");
        let list = listing.texts(&["a".into(), "b".into()]);
        assert_eq!((first.as_str(), list.as_str()), ("$1", "$2, $3"));
    }
}
