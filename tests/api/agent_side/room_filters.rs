//! `GET livechat/rooms` with `tags[]`, `queued`, `onhold`, and `open` as Rocket.Chat means it.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::Team;
use crate::helpers::{assert_absent, assert_error, assert_invalid_params};

/// A closed chat tagged `vip`, an open served chat and a queued one: their ids.
struct Rooms {
    closed: String,
    served: String,
    queued: String,
}

async fn rooms(team: &Team) -> Rooms {
    let (_, closed) = team.chat("Vera", Some("dep-sales")).await;
    let body = json!({ "rid": closed, "comment": "done", "tags": ["vip"] });
    let (status, answer) = team.post(&team.ann, "room.closeByUser", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, served) = team.chat("Sam", Some("dep-sales")).await;
    team.ann_available(false).await;
    let (_, queued) = team.chat("Quinn", Some("dep-sales")).await;
    Rooms {
        closed,
        served,
        queued,
    }
}

async fn ids(team: &Team, query: &str) -> Vec<String> {
    let (status, body) = team.get(&team.manager, &format!("rooms?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    let mut ids: Vec<String> = body["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|room| room["_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<&String>) -> Vec<String> {
    ids.sort();
    ids.into_iter().cloned().collect()
}

#[tokio::test]
async fn rooms_filter_by_any_of_their_tags() {
    let team = Team::open().await;
    let rooms = rooms(&team).await;
    assert_eq!(ids(&team, "tags[]=vip").await, vec![rooms.closed.clone()]);
    assert_eq!(
        ids(&team, "tags[]=none&tags[]=vip").await,
        vec![rooms.closed.clone()]
    );
    assert!(ids(&team, "tags[]=unknown").await.is_empty());
}

#[tokio::test]
async fn queued_lists_the_chats_waiting_for_an_agent() {
    let team = Team::open().await;
    let rooms = rooms(&team).await;
    assert_eq!(ids(&team, "queued=true").await, vec![rooms.queued.clone()]);
    // Any other value leaves the filter off, as Rocket.Chat reads it.
    assert_eq!(ids(&team, "queued=false").await.len(), 3);
}

#[tokio::test]
async fn nothing_is_on_hold() {
    let team = Team::open().await;
    rooms(&team).await;
    assert!(ids(&team, "onhold=true").await.is_empty());
    assert_eq!(ids(&team, "onhold=false").await.len(), 3);
}

#[tokio::test]
async fn open_false_lists_closed_rooms_which_have_no_open_field() {
    let team = Team::open().await;
    let rooms = rooms(&team).await;
    assert_eq!(ids(&team, "open=false").await, vec![rooms.closed.clone()]);
    assert_eq!(
        ids(&team, "open=true").await,
        sorted(vec![&rooms.served, &rooms.queued])
    );
    let (_, body) = team.get(&team.manager, "rooms?open=false").await;
    let closed: &Value = &body["rooms"][0];
    assert_absent(closed, "open");
    assert_eq!(closed["tags"], json!(["vip"]), "{closed}");
}

#[tokio::test]
async fn the_new_filters_keep_the_permission_rule_and_check_their_input() {
    let team = Team::open().await;
    assert_error(
        &team.get(&team.ann, "rooms?tags[]=vip").await,
        StatusCode::FORBIDDEN,
        "unauthorized",
    );
    let own = format!("rooms?agents[]={}&tags[]=vip", team.ann_id);
    assert_eq!(team.get(&team.ann, &own).await.0, StatusCode::OK);
    assert_invalid_params(
        &team.get(&team.manager, "rooms?queued=1&queued=1").await,
        "queued",
    );
    let many: String = (0..500).map(|n| format!("tags[]=t{n}&")).collect();
    assert_invalid_params(
        &team.get(&team.manager, &format!("rooms?{many}")).await,
        "tags",
    );
}

#[tokio::test]
async fn rooms_filter_by_custom_field_text_and_accept_rocket_chats_other_params() {
    use livechat::model::CustomFieldScope;
    let desk = crate::helpers::Desk::open_with(|c| {
        let field = crate::helpers::custom_field("docId", CustomFieldScope::Room, "");
        c.custom_fields.push(field);
    })
    .await;
    let (token, visitor, rid) = desk.app.visitor_doc_with_room().await;
    let other_rid = desk.app.visitor_with_room().await.1;
    let body = json!({
        "guestData": { "_id": visitor["_id"] },
        "roomData": { "_id": rid, "livechatData": { "docId": "AB-031041" } },
    });
    let manager = desk.account("mona", &["user", "livechat-manager"]).await;
    let (status, answer) = desk
        .call(&manager, reqwest::Method::POST, "room.saveInfo", Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let get = |query: String| {
        let desk = &desk;
        async move {
            desk.call(
                &desk.admin,
                reqwest::Method::GET,
                &format!("rooms?{query}"),
                None,
            )
            .await
        }
    };
    let by = |fields: Value| format!("customFields={}", super::encoded(&fields.to_string()));
    let (status, found) = get(by(json!({ "docId": "ab-031" }))).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["total"], json!(1), "{found}");
    assert_eq!(found["rooms"][0]["_id"], json!(rid));
    let (_, none) = get(by(json!({ "docId": "zzz" }))).await;
    assert_eq!(none["total"], json!(0), "{none}");
    let (_, all) = get(format!("{}&fields=%7B%22msgs%22%3A0%7D", by(json!({})))).await;
    assert_eq!(all["total"], json!(2), "{all} ({token}, {other_rid})");
    assert_error(
        &get("customFields=invalid".into()).await,
        StatusCode::BAD_REQUEST,
        "The \"customFields\" query parameter must be a valid JSON.",
    );
    assert_error(
        &get(by(json!({ "docId": 7 }))).await,
        StatusCode::BAD_REQUEST,
        "The \"customFields\" query parameter must be a valid JSON.",
    );
    assert_invalid_params(&get("tags=vip".into()).await, "tags");
}
