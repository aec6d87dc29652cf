//! Rocket.Chat's permission administration: `permissions.listAll` (any logged-in user, so
//! clients can hide what they may not do), `permissions.update` (`access-permissions`), and
//! `roles.list`. The table itself, its storage and how a change spreads: `permission_table`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{JsonBody, QueryParams};
use super::{success, AppState};
use crate::accounts::permission_table::PermissionEdit;
use crate::accounts::permissions::permission::ACCESS_PERMISSIONS;
use crate::accounts::permissions::ROLE_INFO;
use crate::error::{ApiError, ApiResult};
use crate::store::StoredPermission;
use crate::time::Timestamp;

/// More entries than there are permissions is certainly a mistake.
const MAX_EDITS: usize = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/permissions.listAll", get(list_all))
        .route("/permissions.update", post(update))
        .route("/roles.list", get(list_roles))
}

fn permission_json(permission: &StoredPermission) -> Value {
    json!({
        "_id": permission.id,
        "roles": permission.roles,
        "_updatedAt": permission.updated_at.to_iso(),
    })
}

#[derive(Deserialize)]
struct ListAllQuery {
    #[serde(rename = "updatedSince")]
    updated_since: Option<String>,
}

/// `{update: [...], remove: []}`: every permission, or those changed after `updatedSince`
/// (permissions are never removed here, so `remove` stays empty).
async fn list_all(
    State(state): State<AppState>,
    _auth: Authenticated,
    QueryParams(query): QueryParams<ListAllQuery>,
) -> ApiResult<Json<Value>> {
    let since = match query.updated_since.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(Timestamp::parse_iso(text).ok_or_else(|| {
            ApiError::meteor(
                "error-roomId-param-invalid",
                "The \"updatedSince\" query parameter must be a valid date.",
            )
        })?),
    };
    let update: Vec<Value> = state
        .livechat
        .permissions()
        .all()
        .iter()
        .filter(|p| since.is_none_or(|since| p.updated_at > since))
        .map(permission_json)
        .collect();
    Ok(success(json!({ "update": update, "remove": [] })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    permissions: Vec<PermissionEdit>,
}

/// Sets the roles of each listed permission, all or nothing; answers the whole table.
async fn update(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    auth.require(ACCESS_PERMISSIONS)?;
    if body.get("permissions").is_none() {
        return Err(ApiError::invalid(
            "must have required property 'permissions'",
        ));
    }
    let body: UpdateBody =
        serde_json::from_value(body).map_err(|err| ApiError::invalid(err.to_string()))?;
    if body.permissions.len() > MAX_EDITS {
        return Err(ApiError::invalid(format!(
            "must NOT have more than {MAX_EDITS} items"
        )));
    }
    let all = state
        .livechat
        .permissions()
        .update(state.livechat.store(), &auth.user, body.permissions)
        .await?;
    let permissions: Vec<Value> = all.iter().map(permission_json).collect();
    Ok(success(json!({ "permissions": permissions })))
}

/// The four roles this server has, all protected built-ins of scope `Users`.
async fn list_roles(_auth: Authenticated) -> ApiResult<Json<Value>> {
    let roles: Vec<Value> = ROLE_INFO
        .iter()
        .map(|role| {
            json!({
                "_id": role.id,
                "name": role.id,
                "description": role.description,
                "protected": true,
                "scope": "Users",
                "mandatory2fa": false,
            })
        })
        .collect();
    Ok(success(json!({ "roles": roles })))
}
