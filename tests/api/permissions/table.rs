//! The table's routes: shapes, `updatedSince`, who may edit, and bad edits changing nothing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{roles_of, update};
use crate::helpers::Desk;

#[tokio::test]
async fn list_all_answers_rocket_chats_defaults_to_any_logged_in_user() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("lister").await;
    let (status, body) = desk
        .call(&agent, Method::GET, "/api/v1/permissions.listAll", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["remove"], json!([]));
    let update = body["update"].as_array().unwrap();
    let view_l_room = update
        .iter()
        .find(|p| p["_id"] == json!("view-l-room"))
        .expect("view-l-room listed");
    assert_eq!(
        view_l_room["roles"],
        json!(["admin", "livechat-manager", "livechat-agent"])
    );
    assert!(view_l_room["_updatedAt"].as_str().unwrap().ends_with('Z'));
    for id in [
        "access-permissions",
        "save-canned-responses",
        "manage-livechat-tags",
    ] {
        assert!(update.iter().any(|p| p["_id"] == json!(id)), "{id} listed");
    }
    assert_eq!(
        roles_of(&desk, &agent, "access-permissions").await,
        json!(["admin"])
    );

    let anonymous = desk.app.get("/api/v1/permissions.listAll").await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED, "{}", anonymous.1);
}

#[tokio::test]
async fn updated_since_lists_only_what_changed_after_it() {
    let desk = Desk::open().await;
    let path = "/api/v1/permissions.listAll";
    let (_, all) = desk.call(&desk.admin, Method::GET, path, None).await;
    let newest = all["update"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["_updatedAt"].as_str().unwrap().to_string())
        .max()
        .unwrap();
    let since = format!("{path}?updatedSince={newest}");
    let (status, none) = desk.call(&desk.admin, Method::GET, &since, None).await;
    assert_eq!(status, StatusCode::OK, "{none}");
    assert_eq!(none["update"], json!([]), "{none}");

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, body) = update(
        &desk,
        &desk.admin,
        json!([{ "_id": "transfer-livechat-guest", "roles": ["admin", "livechat-agent"] }]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, changed) = desk.call(&desk.admin, Method::GET, &since, None).await;
    let ids: Vec<&Value> = changed["update"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["_id"])
        .collect();
    assert_eq!(ids, vec![&json!("transfer-livechat-guest")], "{changed}");
    assert_eq!(changed["remove"], json!([]));

    let bad = format!("{path}?updatedSince=yesterday");
    let (status, body) = desk.call(&desk.admin, Method::GET, &bad, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorType"], json!("error-roomId-param-invalid"));
}

#[tokio::test]
async fn an_update_answers_the_whole_table_with_the_change() {
    let desk = Desk::open().await;
    let (status, body) = update(
        &desk,
        &desk.admin,
        json!([{ "_id": "transfer-livechat-guest", "roles": ["livechat-agent", "admin", "livechat-agent"] }]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true));
    let permissions = body["permissions"].as_array().unwrap();
    assert!(permissions.len() > 20, "{body}");
    let transfer = permissions
        .iter()
        .find(|p| p["_id"] == json!("transfer-livechat-guest"))
        .unwrap();
    assert_eq!(transfer["roles"], json!(["livechat-agent", "admin"]));
    assert!(transfer["_updatedAt"].is_string());
}

#[tokio::test]
async fn only_holders_of_access_permissions_may_edit() {
    let desk = Desk::open().await;
    let manager = desk.account("boss", &["livechat-manager"]).await;
    let edit = json!([{ "_id": "view-l-room", "roles": ["livechat-manager"] }]);
    let (status, body) = update(&desk, &manager, edit.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        body,
        json!({
            "success": false,
            "error": "User does not have the permissions required for this action [error-unauthorized]",
            "errorType": "error-unauthorized",
        })
    );
    assert_eq!(
        roles_of(&desk, &manager, "view-l-room").await,
        json!(["admin", "livechat-manager", "livechat-agent"])
    );

    // Granting the permission itself is how an administrator delegates the table.
    let (status, body) = update(
        &desk,
        &desk.admin,
        json!([{ "_id": "access-permissions", "roles": ["admin", "livechat-manager"] }]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = update(&desk, &manager, edit).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn unknown_permissions_or_roles_change_nothing() {
    let desk = Desk::open().await;
    let good = json!({ "_id": "view-l-room", "roles": ["admin"] });
    let cases = [
        (
            json!([good, { "_id": "no-such-permission", "roles": ["admin"] }]),
            "Invalid permission",
            "error-invalid-permission",
        ),
        (
            json!([good, { "_id": "view-l-room", "roles": ["admin"] }]),
            "Invalid permission",
            "error-invalid-permission",
        ),
        (
            json!([good, { "_id": "close-livechat-room", "roles": ["admin", "livechat-monitor"] }]),
            "Invalid role",
            "error-invalid-role",
        ),
    ];
    for (edits, error, error_type) in cases {
        let (status, body) = update(&desk, &desk.admin, edits.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{edits}: {body}");
        assert_eq!(
            body,
            json!({ "success": false, "error": error, "errorType": error_type }),
            "{edits}"
        );
    }
    for malformed in [
        json!({}),
        json!({ "permissions": "view-l-room" }),
        json!({ "permissions": [{ "_id": "view-l-room" }] }),
        json!({ "permissions": [{ "_id": "view-l-room", "roles": [1] }] }),
    ] {
        let (status, body) = desk
            .call(
                &desk.admin,
                Method::POST,
                "/api/v1/permissions.update",
                Some(malformed.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{malformed}: {body}");
        assert_eq!(body["errorType"], json!("invalid-params"), "{body}");
    }
    assert_eq!(
        roles_of(&desk, &desk.admin, "view-l-room").await,
        json!(["admin", "livechat-manager", "livechat-agent"]),
        "nothing changed"
    );
}

#[tokio::test]
async fn roles_list_names_the_four_roles() {
    let desk = Desk::open().await;
    let (_, agent) = desk.agent("reader").await;
    let (status, body) = desk
        .call(&agent, Method::GET, "/api/v1/roles.list", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let roles = body["roles"].as_array().unwrap();
    let ids: Vec<&str> = roles.iter().map(|r| r["_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["admin", "livechat-manager", "livechat-agent", "user"]);
    assert_eq!(
        roles[2],
        json!({
            "_id": "livechat-agent",
            "name": "livechat-agent",
            "description": "Livechat Agent",
            "protected": true,
            "scope": "Users",
            "mandatory2fa": false,
        })
    );
    let anonymous = desk.app.get("/api/v1/roles.list").await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);
}
