//! Livechat tags (Rocket.Chat Enterprise's `livechat/tags`, free here): labels for
//! conversations, each offered in some departments (none: in all of them). Managers keep the
//! list (`manage-livechat-tags`); agents read it (`view-l-room`) to tag the chats they close.

use super::validate::{self, limits};
use super::{sees_all_departments, Livechat};
use crate::accounts::permissions::permission::MANAGE_LIVECHAT_TAGS;
use crate::error::{ApiError, ApiResult};
use crate::ids::random_id;
use crate::model::{LivechatTag, User};
use crate::store::{Inserted, TagFilter};
use crate::time::Timestamp;

/// Departments one tag may name.
const MAX_TAG_DEPARTMENTS: usize = limits::DEPARTMENT_LIST;

/// The filters of `GET livechat/tags`.
#[derive(Debug, Default)]
pub struct TagQuery {
    pub text: Option<String>,
    /// Every tag, whatever its departments (honoured for `manage-livechat-tags`).
    pub view_all: bool,
    /// The tags offered in this department (and those of every department).
    pub department: Option<String>,
}

pub fn tag_not_found() -> ApiError {
    ApiError::meteor("tag-not-found", "Tag not found")
}

impl Livechat {
    /// `GET livechat/tags`.
    pub async fn list_tags(
        &self,
        user: &User,
        query: &TagQuery,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<LivechatTag>, i64)> {
        validate::optional("text", query.text.as_deref(), limits::NAME)?;
        validate::optional("department", query.department.as_deref(), limits::ID)?;
        let every = sees_all_departments(self.permissions(), user);
        let departments: Option<Vec<String>> =
            if query.view_all && self.permissions().has(&user.roles, MANAGE_LIVECHAT_TAGS) {
                None
            } else {
                let own = if every {
                    None
                } else {
                    Some(self.agent_department_ids(&user.id).await?)
                };
                match (query.department.as_deref().filter(|d| !d.is_empty()), own) {
                    // A department the caller may see narrows the list to it.
                    (Some(d), None) => Some(vec![d.to_string()]),
                    (Some(d), Some(own)) if own.iter().any(|o| o == d) => Some(vec![d.to_string()]),
                    (_, own) => own,
                }
            };
        let filter = TagFilter {
            text: query.text.as_deref(),
            departments: departments.as_deref(),
        };
        Ok(self
            .store()
            .read()
            .await?
            .exec()
            .tag_page(&filter, offset, count)
            .await?)
    }

    /// `GET livechat/tags/:tagId`.
    pub async fn tag(&self, id: &str) -> ApiResult<Option<LivechatTag>> {
        Ok(self.store().read().await?.exec().tag_by_id(id).await?)
    }

    /// `livechat:saveTag [_id, {name, description?}, departments]`: creates (no `_id`) or
    /// replaces a tag; the saved tag.
    pub async fn save_tag(
        &self,
        id: Option<&str>,
        name: &str,
        description: Option<&str>,
        departments: &[String],
    ) -> ApiResult<LivechatTag> {
        validate::optional("_id", id, limits::ID)?;
        let name = validate::required("name", Some(name), limits::NAME)?.trim();
        let description = validate::optional("description", description, limits::TITLE)?;
        if departments.len() > MAX_TAG_DEPARTMENTS {
            return Err(ApiError::invalid(format!(
                "'departments' must NOT have more than {MAX_TAG_DEPARTMENTS} items"
            )));
        }
        let mut unique: Vec<String> = Vec::new();
        for department in departments {
            validate::required("departments", Some(department), limits::ID)?;
            if !unique.contains(department) {
                unique.push(department.clone());
            }
        }
        let mut tx = self.store().begin().await?;
        let mut exec = tx.exec();
        for department in &unique {
            if exec.department_by_id(department).await?.is_none() {
                return Err(ApiError::meteor(
                    "error-invalid-department",
                    "Invalid department",
                ));
            }
        }
        let id = match id.filter(|id| !id.is_empty()) {
            Some(id) => {
                exec.tag_by_id(id).await?.ok_or_else(tag_not_found)?;
                id.to_string()
            }
            None => random_id(),
        };
        let tag = LivechatTag {
            id,
            name: name.to_string(),
            description: description.unwrap_or("").to_string(),
            num_departments: unique.len(),
            departments: unique,
            updated_at: Timestamp::now(),
        };
        if exec.save_tag(&tag).await? == Inserted::Duplicate {
            return Err(ApiError::meteor(
                "error-duplicate-tag-name",
                "A tag with this name already exists",
            ));
        }
        tx.commit().await?;
        Ok(tag)
    }

    /// `livechat:removeTag [id]` and `POST livechat/tags.remove {id}`. Rooms keep the tags
    /// they were closed with (they hold names, not ids).
    pub async fn remove_tag(&self, id: &str) -> ApiResult<()> {
        validate::required("id", Some(id), limits::ID)?;
        let mut tx = self.store().begin().await?;
        if !tx.exec().delete_tag(id).await? {
            return Err(tag_not_found());
        }
        Ok(tx.commit().await?)
    }
}
