//! Canned responses and livechat tags. The tag lists are kept in link tables beside each
//! document (`canned_response_tags`, `livechat_tag_departments`), rewritten with it.

use super::error::StoreResult;
use super::listing::{contains_pattern, Direction, Listing, OrderBy, SortColumn};
use super::{dispatch, inserted, parse_doc, parse_docs, to_doc, Exec, Inserted};
use crate::model::{CannedResponse, LivechatTag};

/// Which canned responses a listing shows. `viewer` always limits it to what that user may
/// use: its own `user` ones, `global` ones, and `department` ones of its departments (of every
/// department when `every_department`).
#[derive(Debug, Default)]
pub struct CannedFilter<'a> {
    pub viewer: &'a str,
    pub every_department: bool,
    pub shortcut: Option<&'a str>,
    /// A case-insensitive part of the shortcut or of the text.
    pub text: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub department_id: Option<&'a str>,
    pub created_by: Option<&'a str>,
    /// Any of these tags.
    pub tags: &'a [String],
}

impl CannedFilter<'_> {
    fn listing(&self) -> Listing {
        let mut listing = Listing::of("canned_responses");
        let viewer = listing.text(self.viewer);
        listing.when(if self.every_department {
            format!("((scope = 'user' AND user_id = {viewer}) OR scope IN ('department', 'global'))")
        } else {
            format!(
                "((scope = 'user' AND user_id = {viewer}) OR scope = 'global' OR (scope = 'department' \
                 AND department_id IN (SELECT department_id FROM department_agents WHERE agent_id = {viewer})))"
            )
        });
        if let Some(shortcut) = self.shortcut {
            let shortcut = listing.text(shortcut);
            listing.when(format!("shortcut = {shortcut}"));
        }
        if let Some(text) = self.text {
            let pattern = contains_pattern(&text.to_lowercase());
            let a = listing.text(&pattern);
            let b = listing.text(&pattern);
            listing.when(format!(
                "(shortcut_lower LIKE {a} ESCAPE '\\' OR text_lower LIKE {b} ESCAPE '\\')"
            ));
        }
        for (column, value) in [
            ("scope", self.scope),
            ("department_id", self.department_id),
            ("created_by", self.created_by),
        ] {
            if let Some(value) = value {
                let value = listing.text(value);
                listing.when(format!("{column} = {value}"));
            }
        }
        if !self.tags.is_empty() {
            let tags = listing.texts(self.tags);
            listing.when(format!(
                "id IN (SELECT response_id FROM canned_response_tags WHERE tag IN ({tags}))"
            ));
        }
        listing
    }
}

/// Which tags a listing shows: a part of the name or description, and the departments whose
/// tags count (tags of no department always do); `None`, every tag.
#[derive(Debug, Default)]
pub struct TagFilter<'a> {
    pub text: Option<&'a str>,
    pub departments: Option<&'a [String]>,
}

fn by_shortcut() -> OrderBy {
    OrderBy::new(
        &[SortColumn {
            column: "shortcut",
            direction: Direction::Asc,
            nullable: false,
        }],
        "id",
    )
}

impl Exec<'_> {
    pub async fn canned_response_by_id(&mut self, id: &str) -> StoreResult<Option<CannedResponse>> {
        let doc = self
            .fetch_doc("SELECT doc FROM canned_responses WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The id of the response with this exact shortcut.
    pub async fn canned_response_with_shortcut(
        &mut self,
        shortcut: &str,
    ) -> StoreResult<Option<String>> {
        self.fetch_doc(
            "SELECT id FROM canned_responses WHERE shortcut = $1",
            shortcut,
        )
        .await
    }

    /// Inserts or replaces a response and its tag links; `Duplicate` when another response
    /// already has its shortcut (nothing is written then).
    pub async fn save_canned_response(
        &mut self,
        response: &CannedResponse,
    ) -> StoreResult<Inserted> {
        const SQL: &str = "INSERT INTO canned_responses (id, shortcut, shortcut_lower, text_lower, scope, \
             user_id, department_id, created_by, created_at, updated_at, doc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, shortcut_lower = excluded.shortcut_lower, \
             text_lower = excluded.text_lower, scope = excluded.scope, user_id = excluded.user_id, \
             department_id = excluded.department_id, updated_at = excluded.updated_at, doc = excluded.doc";
        let doc = to_doc(response)?;
        let result = dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&response.id)
                .bind(&response.shortcut)
                .bind(response.shortcut.to_lowercase())
                .bind(response.text.to_lowercase())
                .bind(response.scope.as_str())
                .bind(&response.user_id)
                .bind(&response.department_id)
                .bind(&response.created_by.id)
                .bind(response.created_at.millis())
                .bind(response.updated_at.millis())
                .bind(&doc)
                .execute(&mut **c)
                .await
                .map(|_| ())
        });
        if inserted(result)? == Inserted::Duplicate {
            return Ok(Inserted::Duplicate);
        }
        dispatch!(self, c => {
            sqlx::query("DELETE FROM canned_response_tags WHERE response_id = $1")
                .bind(&response.id).execute(&mut **c).await?;
            for tag in &response.tags {
                sqlx::query("INSERT INTO canned_response_tags (response_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(&response.id).bind(tag).execute(&mut **c).await?;
            }
        });
        Ok(Inserted::Yes)
    }

    pub async fn delete_canned_response(&mut self, id: &str) -> StoreResult<bool> {
        let deleted = dispatch!(self, c => {
            sqlx::query("DELETE FROM canned_responses WHERE id = $1")
                .bind(id).execute(&mut **c).await?.rows_affected()
        });
        Ok(deleted > 0)
    }

    /// A page of the responses passing `filter`, by shortcut; with the total.
    pub async fn canned_response_page(
        &mut self,
        filter: &CannedFilter<'_>,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<CannedResponse>, i64)> {
        let (docs, total) = filter
            .listing()
            .page(self, &by_shortcut(), offset, count)
            .await?;
        Ok((parse_docs(docs)?, total))
    }

    pub async fn tag_by_id(&mut self, id: &str) -> StoreResult<Option<LivechatTag>> {
        let doc = self
            .fetch_doc("SELECT doc FROM livechat_tags WHERE id = $1", id)
            .await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts or replaces a tag and its department links; `Duplicate` when another tag has
    /// its name.
    pub async fn save_tag(&mut self, tag: &LivechatTag) -> StoreResult<Inserted> {
        const SQL: &str = "INSERT INTO livechat_tags (id, name, name_lower, description_lower, doc) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             name_lower = excluded.name_lower, description_lower = excluded.description_lower, doc = excluded.doc";
        let doc = to_doc(tag)?;
        let result = dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&tag.id)
                .bind(&tag.name)
                .bind(tag.name.to_lowercase())
                .bind(tag.description.to_lowercase())
                .bind(&doc)
                .execute(&mut **c)
                .await
                .map(|_| ())
        });
        if inserted(result)? == Inserted::Duplicate {
            return Ok(Inserted::Duplicate);
        }
        dispatch!(self, c => {
            sqlx::query("DELETE FROM livechat_tag_departments WHERE tag_id = $1")
                .bind(&tag.id).execute(&mut **c).await?;
            for department in &tag.departments {
                sqlx::query("INSERT INTO livechat_tag_departments (tag_id, department_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(&tag.id).bind(department).execute(&mut **c).await?;
            }
        });
        Ok(Inserted::Yes)
    }

    pub async fn delete_tag(&mut self, id: &str) -> StoreResult<bool> {
        let deleted = dispatch!(self, c => {
            sqlx::query("DELETE FROM livechat_tags WHERE id = $1")
                .bind(id).execute(&mut **c).await?.rows_affected()
        });
        Ok(deleted > 0)
    }

    /// A page of the tags passing `filter`, by name; with the total.
    pub async fn tag_page(
        &mut self,
        filter: &TagFilter<'_>,
        offset: i64,
        count: i64,
    ) -> StoreResult<(Vec<LivechatTag>, i64)> {
        let mut listing = Listing::of("livechat_tags");
        if let Some(text) = filter.text.filter(|t| !t.is_empty()) {
            let pattern = contains_pattern(&text.to_lowercase());
            let a = listing.text(&pattern);
            let b = listing.text(&pattern);
            listing.when(format!(
                "(name_lower LIKE {a} ESCAPE '\\' OR description_lower LIKE {b} ESCAPE '\\')"
            ));
        }
        if let Some(departments) = filter.departments {
            let everywhere =
                "NOT EXISTS (SELECT 1 FROM livechat_tag_departments l WHERE l.tag_id = livechat_tags.id)";
            if departments.is_empty() {
                listing.when(everywhere.into());
            } else {
                let ids = listing.texts(departments);
                listing.when(format!(
                    "({everywhere} OR id IN (SELECT tag_id FROM livechat_tag_departments WHERE department_id IN ({ids})))"
                ));
            }
        }
        let order = OrderBy::new(
            &[SortColumn {
                column: "name_lower",
                direction: Direction::Asc,
                nullable: false,
            }],
            "id",
        );
        let (docs, total) = listing.page(self, &order, offset, count).await?;
        Ok((parse_docs(docs)?, total))
    }
}
