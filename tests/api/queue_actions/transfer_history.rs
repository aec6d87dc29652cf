//! `livechat/transfer.history/:rid`: the `transferData` of a room's transfers, oldest first,
//! paginated; for `view-livechat-rooms` (managers, administrators) only.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::*;

#[tokio::test]
async fn a_manager_reads_a_rooms_transfers_oldest_first() {
    let (desk, _, _, _, rid) = taken_room().await;
    let (second_id, second) = desk.agent("second").await;
    let boss = desk.account("boss", &["livechat-manager"]).await;
    let path = format!("transfer.history/{rid}");

    let (status, empty) = desk.call(&boss, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{empty}");
    assert_eq!(
        empty,
        json!({ "history": [], "count": 0, "offset": 0, "total": 0, "success": true })
    );

    let forward = json!({ "roomId": rid, "userId": second_id, "comment": "billing" });
    let (status, body) = desk
        .call(&desk.admin, Method::POST, "room.forward", Some(forward))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = return_as_inquiry(&desk, &second, json!({ "roomId": rid })).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, all) = desk.call(&boss, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(
        (&all["count"], &all["total"]),
        (&json!(2), &json!(2)),
        "{all}"
    );
    assert_eq!(all["history"][0]["scope"], json!("agent"));
    assert_eq!(all["history"][0]["comment"], json!("billing"));
    assert_eq!(all["history"][0]["transferredTo"]["_id"], json!(second_id));
    assert_eq!(all["history"][1]["scope"], json!("queue"));
    assert_eq!(
        all["history"][1]["transferredBy"]["username"],
        json!("second")
    );
    assert!(all["history"][1]["ts"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert_no_token(&all);

    let (status, page) = desk
        .call(
            &boss,
            Method::GET,
            &format!("{path}?offset=1&count=1"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        (&page["count"], &page["offset"], &page["total"]),
        (&json!(1), &json!(1), &json!(2))
    );
    assert_eq!(page["history"][0]["scope"], json!("queue"));
    let newest = desk
        .call(
            &boss,
            Method::GET,
            &format!("{path}?sort={{\"ts\":-1}}"),
            None,
        )
        .await;
    assert_eq!(
        newest.1["history"][0]["scope"],
        json!("queue"),
        "{}",
        newest.1
    );
}

#[tokio::test]
async fn agents_without_view_livechat_rooms_are_refused() {
    let (desk, _, first, token, rid) = taken_room().await;
    let path = format!("transfer.history/{rid}");
    assert_needs_login(&desk, Method::GET, &path, json!({}), &token).await;
    // Even the serving agent: the route is for managers, as in Rocket.Chat.
    for who in [&first, &desk.account("plain", &["user"]).await] {
        let (status, body) = desk.call(who, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(
            body,
            json!({ "success": false, "error": "User does not have the permissions required for this action [error-unauthorized]", "errorType": "error-unauthorized" })
        );
    }
}

#[tokio::test]
async fn transfer_history_needs_a_livechat_room_and_a_valid_page() {
    let (desk, _, _, _, rid) = taken_room().await;
    let unknown = desk
        .call(
            &desk.admin,
            Method::GET,
            "transfer.history/no-such-room",
            None,
        )
        .await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid-room");
    let path = format!("transfer.history/{rid}?count=lots");
    let bad_count = desk.call(&desk.admin, Method::GET, &path, None).await;
    assert_eq!(bad_count.0, StatusCode::BAD_REQUEST, "{}", bad_count.1);
    let path = format!("transfer.history/{rid}?sort={{\"msg\":1}}");
    let bad_sort = desk.call(&desk.admin, Method::GET, &path, None).await;
    assert_eq!(bad_sort.0, StatusCode::BAD_REQUEST, "{}", bad_sort.1);
}
