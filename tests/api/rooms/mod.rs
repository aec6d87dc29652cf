//! A visitor's conversations: `GET livechat/room`, `room.close`, `room.transfer`, `room.survey`
//! and `page.visited` (reference §2.5–2.9, §4.2, §4.6, §4.7, §5.2–5.4).

mod close;
mod navigation;
mod open;
mod survey;
mod transfer;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// An app with `seed_departments`, and a visitor with an open room: `(app, token, rid)`.
async fn departments_and_room() -> (TestApp, String, String) {
    let app = TestApp::spawn_with(seed_departments).await;
    let (token, rid) = app.visitor_with_room().await;
    (app, token, rid)
}

/// The messages of `history` whose type is `t`.
fn of_type<'a>(history: &'a [Value], t: &str) -> Vec<&'a Value> {
    history.iter().filter(|m| m["t"] == json!(t)).collect()
}

/// The only message of `history` whose type is `t`.
#[track_caller]
fn the_one_of_type<'a>(history: &'a [Value], t: &str) -> &'a Value {
    let found = of_type(history, t);
    assert_eq!(found.len(), 1, "{history:?}");
    found[0]
}

/// Every message of the room (the history endpoint pages at 20 by default).
async fn full_history(app: &TestApp, token: &str, rid: &str) -> Vec<Value> {
    app.history(token, rid, "limit=100").await
}

async fn get_room(app: &TestApp, token: &str) -> (StatusCode, Value) {
    app.get(&format!("room?token={token}")).await
}

async fn close(app: &TestApp, token: &str, rid: &str) -> (StatusCode, Value) {
    app.post("room.close", json!({ "rid": rid, "token": token }))
        .await
}

async fn transfer(app: &TestApp, token: &str, rid: &str, department: &str) -> (StatusCode, Value) {
    app.post(
        "room.transfer",
        json!({ "rid": rid, "token": token, "department": department }),
    )
    .await
}

async fn survey(app: &TestApp, token: &str, rid: &str, data: Value) -> (StatusCode, Value) {
    app.post(
        "room.survey",
        json!({ "rid": rid, "token": token, "data": data }),
    )
    .await
}

/// `room.survey`'s `data`: a `{ name, value }` item for each `(name, value)`.
fn ratings(items: &[(&str, &str)]) -> Value {
    items
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

async fn page_visited(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post("page.visited", body).await
}

/// `page.visited` for the visitor's room.
async fn visit_page(app: &TestApp, token: &str, rid: &str, page: Value) -> (StatusCode, Value) {
    page_visited(app, json!({ "token": token, "rid": rid, "pageInfo": page })).await
}

fn page_info(change: &str, title: &str, href: &str) -> Value {
    json!({ "change": change, "title": title, "location": { "href": href } })
}

/// Asserts a Meteor-style error: 400, `success: false` and the given `errorType`.
#[track_caller]
fn assert_error_type(response: &(StatusCode, Value), error_type: &str) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["errorType"], json!(error_type), "{body}");
}

#[track_caller]
fn assert_iso_date(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string"));
    // YYYY-MM-DDTHH:MM:SS.mmmZ
    let bytes = text.as_bytes();
    assert!(
        text.len() == 24
            && bytes[10] == b'T'
            && bytes[19] == b'.'
            && text.ends_with('Z')
            && text[..4].parse::<u32>().is_ok(),
        "{text:?} is not an ISO-8601 UTC date with milliseconds"
    );
}

/// Meteor's id shape: 17 characters of its unambiguous alphabet.
#[track_caller]
fn assert_meteor_id(id: &str) {
    const ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    assert!(
        id.len() == 17 && id.chars().all(|c| ALPHABET.contains(c)),
        "{id:?} is not a Meteor id"
    );
}
