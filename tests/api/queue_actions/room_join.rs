//! `livechat/room.join`: a manager joins an open chat so that it can write in it. Joining
//! records nothing here (who may write is a rule: the serving agent, and managers in any open
//! chat), so it succeeds exactly for those whose `chat.sendMessage` will then be accepted.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::*;

async fn join(desk: &Desk, who: &Credentials, rid: &str) -> (StatusCode, serde_json::Value) {
    let path = format!("room.join?roomId={rid}");
    desk.call(who, Method::GET, &path, None).await
}

#[tokio::test]
async fn a_manager_joins_a_served_chat_and_writes_in_it() {
    let (desk, first_id, first, token, rid) = taken_room().await;
    let boss = desk.account("boss", &["livechat-manager"]).await;

    assert_eq!(
        join(&desk, &boss, &rid).await,
        (StatusCode::OK, json!({ "success": true }))
    );
    let message = json!({ "message": { "rid": rid, "msg": "a manager steps in" } });
    let (status, sent) = desk
        .call(
            &boss,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(message),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_no_token(&sent);
    let history = desk.app.history(&token, &rid, "").await;
    assert!(history
        .iter()
        .any(|m| m["msg"] == json!("a manager steps in")));
    // The chat stays with its agent, who may join it too.
    assert_eq!(served_by(&desk.room_of(&token).await), Some(first_id));
    assert_eq!(join(&desk, &first, &rid).await.0, StatusCode::OK);
}

#[tokio::test]
async fn joining_needs_a_login_view_l_room_and_the_right_to_write() {
    let (desk, _, _, token, rid) = taken_room().await;
    let path = format!("room.join?roomId={rid}");
    assert_needs_login(&desk, Method::GET, &path, json!({}), &token).await;
    let plain = desk.account("plain", &["user"]).await;
    let (status, body) = join(&desk, &plain, &rid).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["errorType"], json!("error-unauthorized"));

    // Agents who do not serve the chat: of no department, and of another department.
    let (_, bystander) = desk.agent("bystander").await;
    let (outsider_id, outsider) = desk.agent("outsider").await;
    desk.add_to_department("dep-sales", &outsider_id).await;
    for who in [&bystander, &outsider] {
        assert_error(
            &join(&desk, who, &rid).await,
            StatusCode::BAD_REQUEST,
            "error-not-allowed",
        );
    }
    // A waiting chat its queue shows: it may read it, but writing starts by taking it.
    let (_, waiting) = desk.visitor_room().await;
    let waiting = waiting["_id"].as_str().unwrap();
    assert_error(
        &join(&desk, &bystander, waiting).await,
        StatusCode::BAD_REQUEST,
        "error-not-allowed",
    );
}

#[tokio::test]
async fn joining_names_an_open_livechat_room() {
    let (desk, _, first, _, rid) = taken_room().await;
    let missing = desk.call(&desk.admin, Method::GET, "room.join", None).await;
    assert_invalid_params(&missing, "roomId");
    let unknown = join(&desk, &desk.admin, "no-such-room").await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "error-invalid-room");
    let (status, closed) = desk
        .call(
            &first,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_error(
        &join(&desk, &desk.admin, &rid).await,
        StatusCode::BAD_REQUEST,
        "room-closed",
    );
}
