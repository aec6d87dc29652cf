//! The stored permission table: `permissions.listAll`, `permissions.update`, `roles.list`,
//! and a change applied at once to REST routes, DDP methods and streams, on every process.

mod live;
mod nodes;
mod table;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Credentials, Desk};

/// `POST permissions.update` as `who`.
async fn update(desk: &Desk, who: &Credentials, permissions: Value) -> (StatusCode, Value) {
    desk.call(
        who,
        Method::POST,
        "/api/v1/permissions.update",
        Some(json!({ "permissions": permissions })),
    )
    .await
}

/// The roles of `id` in `listAll`'s answer as `who` sees it.
async fn roles_of(desk: &Desk, who: &Credentials, id: &str) -> Value {
    let (status, body) = desk
        .call(who, Method::GET, "/api/v1/permissions.listAll", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let entry = body["update"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["_id"] == json!(id))
        .unwrap_or_else(|| panic!("{id} listed: {body}"));
    entry["roles"].clone()
}
