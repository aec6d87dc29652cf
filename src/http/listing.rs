//! Query parameters shared by the paginated, sortable staff listings.

use serde::Deserialize;

use super::extract::Pagination;
use crate::error::ApiResult;

/// `offset`, `count` and `sort` (reference §1.6), and nothing else: an unknown key is refused
/// as the reference's schemas do, instead of being silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortedPage {
    pub offset: Option<String>,
    pub count: Option<String>,
    pub sort: Option<String>,
}

impl SortedPage {
    /// `(offset, count)` after defaults and clamping.
    pub fn resolve(&self) -> ApiResult<(i64, i64)> {
        Pagination {
            offset: self.offset.clone(),
            count: self.count.clone(),
        }
        .resolve()
    }
}
