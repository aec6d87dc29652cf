//! `room.closeByUser` with `tags`, and departments that require tags before closing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::Team;
use crate::helpers::{assert_error, new_token, Credentials};

/// A Sales visitor's room, served by ann: its id.
async fn sales_chat(team: &Team) -> String {
    let token = new_token();
    let visitor = json!({ "token": token, "name": "Rita", "department": "dep-sales" });
    team.desk.app.register_ok(visitor).await;
    let (status, body) = team.desk.app.get(&format!("room?token={token}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["servedBy"]["username"], json!("ann"), "{body}");
    body["room"]["_id"].as_str().unwrap().to_string()
}

async fn close(team: &Team, who: &Credentials, body: Value) -> (StatusCode, Value) {
    team.call(who, Method::POST, "room.closeByUser", Some(body))
        .await
}

/// The room as staff read it.
async fn room(team: &Team, rid: &str) -> Value {
    let (status, body) = team
        .call(
            &team.manager,
            Method::GET,
            &format!("/api/v1/rooms.info?roomId={rid}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["room"].clone()
}

/// Makes Sales require tags, with `closing` as its closing tags.
async fn require_tags(team: &Team, closing: Value) {
    let body = json!({ "department": {
        "enabled": true, "name": "Sales", "email": "sales@example.com",
        "showOnRegistration": true, "showOnOfflineForm": true,
        "requestTagBeforeClosingChat": true, "chatClosingTags": closing,
    }});
    let (status, answer) = team
        .call(
            &team.manager,
            Method::PUT,
            "department/dep-sales",
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["department"]["requestTagBeforeClosingChat"],
        json!(true)
    );
}

#[tokio::test]
async fn closing_stores_the_given_tags_once_each() {
    let team = Team::open().await;
    let rid = sales_chat(&team).await;
    let body = json!({ "rid": rid, "comment": "done", "tags": ["vip", "refund", "vip"] });
    let (status, answer) = close(&team, &team.ann, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let closed = room(&team, &rid).await;
    assert!(closed.get("open").is_none(), "{closed}");
    assert_eq!(closed["tags"], json!(["vip", "refund"]));

    let rid = sales_chat(&team).await;
    for tags in [json!("vip"), json!([1]), json!([""])] {
        let (status, answer) = close(&team, &team.ann, json!({ "rid": rid, "tags": tags })).await;
        assert_eq!(
            (status, answer["errorType"].clone()),
            (StatusCode::BAD_REQUEST, json!("invalid-params")),
            "{tags}: {answer}"
        );
    }
    assert_eq!(room(&team, &rid).await["open"], json!(true));
}

#[tokio::test]
async fn a_department_that_requires_tags_refuses_a_close_without_them() {
    let team = Team::open().await;
    require_tags(&team, json!(["sale-done"])).await;
    let rid = sales_chat(&team).await;

    let refused = close(&team, &team.ann, json!({ "rid": rid, "comment": "bye" })).await;
    assert_error(
        &refused,
        StatusCode::BAD_REQUEST,
        "error-tags-must-be-assigned-before-closing-chat",
    );
    let refused = close(&team, &team.ann, json!({ "rid": rid, "tags": [] })).await;
    assert_error(
        &refused,
        StatusCode::BAD_REQUEST,
        "error-tags-must-be-assigned-before-closing-chat",
    );
    let still = room(&team, &rid).await;
    assert_eq!(still["open"], json!(true), "nothing changed: {still}");
    assert!(still.get("closedAt").is_none(), "{still}");
    let (_, messages) = team
        .call(&team.manager, Method::GET, &format!("{rid}/messages"), None)
        .await;
    assert!(
        !messages["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["t"] == json!("livechat-close")),
        "no closing message: {messages}"
    );

    let (status, answer) = close(&team, &team.ann, json!({ "rid": rid, "tags": ["vip"] })).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let closed = room(&team, &rid).await;
    assert_eq!(
        closed["tags"],
        json!(["vip", "sale-done"]),
        "the department's closing tags are added"
    );
    assert!(closed.get("open").is_none());
}

#[tokio::test]
async fn tags_already_on_the_room_count_and_other_departments_are_unaffected() {
    let team = Team::open().await;
    require_tags(&team, json!(["sale-done"])).await;
    let rid = sales_chat(&team).await;
    let info = json!({ "guestData": { "_id": room(&team, &rid).await["v"]["_id"] }, "roomData": { "_id": rid, "tags": ["pre"] } });
    let (status, answer) = team
        .call(&team.ann, Method::POST, "room.saveInfo", Some(info))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = close(
        &team,
        &team.ann,
        json!({ "rid": rid, "tags": ["pre", "late"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        room(&team, &rid).await["tags"],
        json!(["pre", "late", "sale-done"])
    );

    // A chat of no department closes without tags.
    let token = new_token();
    team.desk.app.register_visitor(&token).await;
    let (_, body) = team.desk.app.get(&format!("room?token={token}")).await;
    let rid = body["room"]["_id"].as_str().unwrap().to_string();
    let (status, answer) = close(&team, &team.manager, json!({ "rid": rid })).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(room(&team, &rid).await.get("tags").is_none());
}

#[tokio::test]
async fn a_departments_closing_tags_are_added_even_when_not_required() {
    let team = Team::open().await;
    let body = json!({ "department": {
        "enabled": true, "name": "Sales", "email": "sales@example.com",
        "showOnRegistration": true, "showOnOfflineForm": true,
        "requestTagBeforeClosingChat": false, "chatClosingTags": ["sales"],
    }});
    let (status, answer) = team
        .call(
            &team.manager,
            Method::PUT,
            "department/dep-sales",
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let rid = sales_chat(&team).await;
    let (status, answer) = close(&team, &team.ann, json!({ "rid": rid })).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(room(&team, &rid).await["tags"], json!(["sales"]));
}
