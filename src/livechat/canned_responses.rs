//! Canned responses (Rocket.Chat Enterprise's `canned-responses` routes, free here): texts an
//! agent inserts with `!shortcut`. Who may use one follows its scope; who may change one
//! follows its scope too, for the response as stored and as saved:
//!
//! - `user`: its owner only (Rocket.Chat lets anyone with `save-canned-responses` overwrite or
//!   delete anyone's by `_id`; here another user's private response is "not found");
//! - `department`: `save-all-canned-responses`, or `save-department-canned-responses` and
//!   membership of the department;
//! - `global`: `save-all-canned-responses`.

use serde_json::{json, Value};

use super::validate::{self, limits};
use super::{sees_all_departments, Livechat};
use crate::accounts::permission_table::Permissions;
use crate::accounts::permissions::permission::{
    SAVE_ALL_CANNED_RESPONSES, SAVE_DEPARTMENT_CANNED_RESPONSES, VIEW_ALL_CANNED_RESPONSES,
};
use crate::error::{ApiError, ApiResult};
use crate::ids::random_id;
use crate::model::{CannedResponse, CannedScope, CreatedBy, User};
use crate::store::streams::{CANNED_RESPONSES, CANNED_RESPONSES_EVENT};
use crate::store::{CannedFilter, Exec, Inserted};
use crate::time::Timestamp;

/// Bounds on what one response may hold.
pub const MAX_SHORTCUT: usize = 64;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_RESPONSE_TAGS: usize = 50;
/// A filter value, unless missing or empty.
fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// `canned-responses.get` answers everything a user may use; this many at most.
const USABLE_LIMIT: i64 = 5_000;

/// `POST canned-responses`.
#[derive(Debug, Default)]
pub struct CannedResponseInput {
    pub id: Option<String>,
    pub shortcut: Option<String>,
    pub text: Option<String>,
    pub scope: Option<String>,
    pub department_id: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// The filters of `GET canned-responses`.
#[derive(Debug, Default)]
pub struct CannedQuery {
    pub shortcut: Option<String>,
    pub text: Option<String>,
    pub scope: Option<String>,
    pub department_id: Option<String>,
    pub created_by: Option<String>,
    pub tags: Vec<String>,
}

fn not_allowed(scope: CannedScope) -> ApiError {
    ApiError::meteor(
        "error-not-allowed",
        format!(
            "Not allowed to modify canned responses on *{}* scope",
            scope.as_str()
        ),
    )
}

fn not_found() -> ApiError {
    ApiError::meteor(
        "error-canned-response-not-found",
        "Canned Response not found",
    )
}

fn invalid_department() -> ApiError {
    ApiError::meteor("error-invalid-department", "Invalid department")
}

/// Whether `user` may change responses of `scope` (in `department`, for that scope).
async fn may_change(
    permissions: &Permissions,
    exec: &mut Exec<'_>,
    user: &User,
    scope: CannedScope,
    department: Option<&str>,
    owner: Option<&str>,
) -> ApiResult<bool> {
    let save_all = permissions.has(&user.roles, SAVE_ALL_CANNED_RESPONSES);
    Ok(match scope {
        CannedScope::Global => save_all,
        CannedScope::User => owner.is_none_or(|owner| owner == user.id),
        CannedScope::Department => {
            if save_all {
                true
            } else if !permissions.has(&user.roles, SAVE_DEPARTMENT_CANNED_RESPONSES) {
                false
            } else {
                let own = exec.agent_departments(&user.id).await?;
                sees_all_departments(permissions, user)
                    || department.is_some_and(|d| own.iter().any(|o| o == d))
            }
        }
    })
}

/// The response `id` if `user` may change it: one it cannot even see is "not found" (so
/// private responses stay invisible), one it sees but may not change is "not allowed".
async fn editable(
    permissions: &Permissions,
    exec: &mut Exec<'_>,
    user: &User,
    id: &str,
) -> ApiResult<CannedResponse> {
    let existing = match exec.canned_response_by_id(id).await? {
        Some(e) if may_use(permissions, exec, user, &e).await? => e,
        _ => return Err(not_found()),
    };
    let owner = existing.user_id.as_deref();
    let department = existing.department_id.as_deref();
    if !may_change(permissions, exec, user, existing.scope, department, owner).await? {
        return Err(not_allowed(existing.scope));
    }
    Ok(existing)
}

/// Whether `user` may read `response` (its scope's rule for using it).
async fn may_use(
    permissions: &Permissions,
    exec: &mut Exec<'_>,
    user: &User,
    response: &CannedResponse,
) -> ApiResult<bool> {
    Ok(match response.scope {
        CannedScope::Global => true,
        CannedScope::User => response.user_id.as_deref() == Some(user.id.as_str()),
        CannedScope::Department => {
            permissions.has(&user.roles, VIEW_ALL_CANNED_RESPONSES)
                || match &response.department_id {
                    Some(d) => exec.agent_departments(&user.id).await?.contains(d),
                    None => false,
                }
        }
    })
}

impl CannedResponseInput {
    fn validate(&self) -> ApiResult<(String, String, CannedScope, Vec<String>)> {
        validate::optional("_id", self.id.as_deref(), limits::ID)?;
        let shortcut = validate::required("shortcut", self.shortcut.as_deref(), MAX_SHORTCUT)?;
        if shortcut.chars().any(char::is_whitespace) {
            return Err(ApiError::invalid("'shortcut' must not contain spaces"));
        }
        let text = validate::required("text", self.text.as_deref(), MAX_TEXT)?;
        let scope = validate::required("scope", self.scope.as_deref(), limits::STATUS)?;
        let scope = CannedScope::parse(scope).ok_or_else(|| {
            ApiError::invalid(
                "'scope' must be equal to one of the allowed values: global, department, user",
            )
        })?;
        validate::optional("departmentId", self.department_id.as_deref(), limits::ID)?;
        let tags = self.tags.clone().unwrap_or_default();
        if tags.len() > MAX_RESPONSE_TAGS {
            return Err(ApiError::invalid(format!(
                "'tags' must NOT have more than {MAX_RESPONSE_TAGS} items"
            )));
        }
        for tag in &tags {
            validate::required("tags", Some(tag), limits::NAME)?;
        }
        let mut unique = Vec::with_capacity(tags.len());
        for tag in tags {
            if !unique.contains(&tag) {
                unique.push(tag);
            }
        }
        Ok((shortcut.to_string(), text.to_string(), scope, unique))
    }
}

/// The `stream-canned-responses` event of a removal (Rocket.Chat's `{type: "removed", _id}`).
fn removed_event(id: &str) -> Value {
    json!([{ "type": "removed", "_id": id }])
}

impl Livechat {
    /// `POST canned-responses`: creates, or updates by `_id`; the saved response.
    pub async fn save_canned_response(
        &self,
        user: &User,
        input: &CannedResponseInput,
    ) -> ApiResult<CannedResponse> {
        let (shortcut, text, scope, tags) = input.validate()?;
        let department_id = match scope {
            // A private response belongs to no department, whatever the request said.
            CannedScope::User => None,
            _ => input.department_id.clone().filter(|d| !d.is_empty()),
        };
        let mut tx = self.store().begin().await?;
        let mut exec = tx.exec();
        if !may_change(
            self.permissions(),
            &mut exec,
            user,
            scope,
            department_id.as_deref(),
            None,
        )
        .await?
        {
            return Err(not_allowed(scope));
        }
        let duplicate = exec.canned_response_with_shortcut(&shortcut).await?;
        if duplicate.is_some_and(|id| Some(&id) != input.id.as_ref()) {
            return Err(ApiError::meteor(
                "error-invalid-shortcut",
                "Shortcut provided already exists",
            ));
        }
        if scope == CannedScope::Department && department_id.is_none() {
            return Err(invalid_department());
        }
        if let Some(department) = &department_id {
            if exec.department_by_id(department).await?.is_none() {
                return Err(invalid_department());
            }
        }
        let now = Timestamp::now();
        let existing = match &input.id {
            Some(id) => Some(editable(self.permissions(), &mut exec, user, id).await?),
            None => None,
        };
        let owner = match (&existing, scope) {
            (_, CannedScope::Global | CannedScope::Department) => None,
            (Some(e), CannedScope::User) if e.scope == CannedScope::User => e.user_id.clone(),
            (_, CannedScope::User) => Some(user.id.clone()),
        };
        let response = CannedResponse {
            id: existing.as_ref().map_or_else(random_id, |e| e.id.clone()),
            shortcut,
            text,
            scope,
            tags,
            user_id: owner,
            department_id,
            created_by: existing.as_ref().map_or_else(
                || CreatedBy {
                    id: user.id.clone(),
                    username: user.username.clone(),
                },
                |e| e.created_by.clone(),
            ),
            created_at: existing.as_ref().map_or(now, |e| e.created_at),
            updated_at: now,
        };
        if exec.save_canned_response(&response).await? == Inserted::Duplicate {
            return Err(ApiError::meteor(
                "error-invalid-shortcut",
                "Shortcut provided already exists",
            ));
        }
        // Those who could use the old version but not this one (another department, made
        // private) hear it removed first; the others remove and re-add it.
        if existing.as_ref().is_some_and(|e| {
            (e.scope, &e.department_id, &e.user_id)
                != (response.scope, &response.department_id, &response.user_id)
        }) {
            exec.record_event(
                CANNED_RESPONSES,
                CANNED_RESPONSES_EVENT,
                &removed_event(&response.id),
            )
            .await?;
        }
        let mut changed = serde_json::to_value(&response)?;
        changed["type"] = json!("changed");
        exec.record_event(CANNED_RESPONSES, CANNED_RESPONSES_EVENT, &json!([changed]))
            .await?;
        tx.commit().await?;
        Ok(response)
    }

    /// `DELETE canned-responses`.
    pub async fn remove_canned_response(&self, user: &User, id: &str) -> ApiResult<()> {
        validate::required("_id", Some(id), limits::ID)?;
        let mut tx = self.store().begin().await?;
        let mut exec = tx.exec();
        editable(self.permissions(), &mut exec, user, id).await?;
        exec.delete_canned_response(id).await?;
        exec.record_event(CANNED_RESPONSES, CANNED_RESPONSES_EVENT, &removed_event(id))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `GET canned-responses`: a page of what `user` may use, filtered.
    pub async fn list_canned_responses(
        &self,
        user: &User,
        query: &CannedQuery,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<CannedResponse>, i64)> {
        let filter = CannedFilter {
            viewer: &user.id,
            every_department: self
                .permissions()
                .has(&user.roles, VIEW_ALL_CANNED_RESPONSES),
            shortcut: nonempty(&query.shortcut),
            text: nonempty(&query.text),
            scope: nonempty(&query.scope),
            department_id: nonempty(&query.department_id),
            created_by: nonempty(&query.created_by),
            tags: &query.tags,
        };
        let mut conn = self.store().read().await?;
        Ok(conn
            .exec()
            .canned_response_page(&filter, offset, count)
            .await?)
    }

    /// `GET canned-responses.get`: everything `user` may use.
    pub async fn usable_canned_responses(&self, user: &User) -> ApiResult<Vec<CannedResponse>> {
        let (responses, _) = self
            .list_canned_responses(user, &CannedQuery::default(), 0, USABLE_LIMIT)
            .await?;
        Ok(responses)
    }

    /// `GET canned-responses/:_id`: the response if `user` may use it.
    pub async fn canned_response(
        &self,
        user: &User,
        id: &str,
    ) -> ApiResult<Option<CannedResponse>> {
        let mut conn = self.store().read().await?;
        let mut exec = conn.exec();
        match exec.canned_response_by_id(id).await? {
            Some(response) if may_use(self.permissions(), &mut exec, user, &response).await? => {
                Ok(Some(response))
            }
            _ => Ok(None),
        }
    }
}
