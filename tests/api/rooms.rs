//! A visitor's conversations: `GET livechat/room`, `room.close`, `room.transfer`, `room.survey`
//! and `page.visited` (reference §2.5–2.9, §4.2, §4.6, §4.7, §5.2–5.4).

use livechat::model::DepartmentSeed;
use livechat::{App, Config};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

// ---------------------------------------------------------------------------------------------
// Helpers of this area
// ---------------------------------------------------------------------------------------------

fn department(id: &str, name: &str, enabled: bool) -> DepartmentSeed {
    DepartmentSeed {
        id: id.into(),
        name: name.into(),
        enabled,
        description: format!("{name} team"),
        show_on_registration: true,
        show_on_offline_form: true,
        email: String::new(),
    }
}

/// Two enabled departments (`dep-sales` "Sales", `dep-support` "Support") and a disabled one
/// (`dep-archive` "Archive").
fn seed_departments(config: &mut Config) {
    config
        .departments
        .push(department("dep-sales", "Sales", true));
    config
        .departments
        .push(department("dep-support", "Support", true));
    config
        .departments
        .push(department("dep-archive", "Archive", false));
}

async fn spawn_with_departments() -> TestApp {
    TestApp::spawn_with(seed_departments).await
}

/// The messages of `history` whose type is `t`.
fn of_type<'a>(history: &'a [Value], t: &str) -> Vec<&'a Value> {
    history.iter().filter(|m| m["t"] == json!(t)).collect()
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

async fn page_visited(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post("page.visited", body).await
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

/// A server whose database already holds `settings` (id → JSON value) and `triggers`
/// (id, enabled, document) before it starts, as an administrator would have stored them.
pub(crate) struct PreparedApp {
    pub app: TestApp,
    // Declared after `app` so the server stops before its database is dropped.
    _database: TestDatabase,
}

impl std::ops::Deref for PreparedApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

pub(crate) async fn spawn_with_stored(
    settings: &[(&str, Value)],
    triggers: &[(&str, bool, Value)],
    configure: impl FnOnce(&mut Config),
) -> PreparedApp {
    let database = TestDatabase::create().await;
    // A first start creates the schema; it stops at once.
    let first = App::build(test_config(&database))
        .await
        .expect("app builds");
    first.run_until(async {}).await.expect("first start stops");

    let now = 1_700_000_000_000_i64;
    if database.is_postgres() {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&database.url)
            .await
            .expect("connect");
        for (id, value) in settings {
            sqlx::query("INSERT INTO settings (id, value, updated_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(value.to_string())
                .bind(now)
                .execute(&mut conn)
                .await
                .expect("insert setting");
        }
        for (id, enabled, doc) in triggers {
            sqlx::query("INSERT INTO triggers (id, enabled, doc) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(enabled)
                .bind(doc.to_string())
                .execute(&mut conn)
                .await
                .expect("insert trigger");
        }
    } else {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&database.url)
            .await
            .expect("connect");
        for (id, value) in settings {
            sqlx::query("INSERT INTO settings (id, value, updated_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(value.to_string())
                .bind(now)
                .execute(&mut conn)
                .await
                .expect("insert setting");
        }
        for (id, enabled, doc) in triggers {
            sqlx::query("INSERT INTO triggers (id, enabled, doc) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(enabled)
                .bind(doc.to_string())
                .execute(&mut conn)
                .await
                .expect("insert trigger");
        }
    }

    let url = database.url.clone();
    let app = TestApp::spawn_with(move |config| {
        config.database_url = Some(url);
        configure(config);
    })
    .await;
    PreparedApp {
        app,
        _database: database,
    }
}

// ---------------------------------------------------------------------------------------------
// GET livechat/room
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_room_creates_a_new_room_with_the_documented_fields() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;

    let (status, body) = get_room(&app, &token).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["newRoom"], json!(true), "{body}");
    let room = &body["room"];
    assert_meteor_id(room["_id"].as_str().expect("room _id"));
    assert_eq!(room["msgs"], json!(0), "{room}");
    assert_eq!(room["usersCount"], json!(1), "{room}");
    assert_eq!(room["fname"], json!(format!("Visitor {token}")), "{room}");
    assert_eq!(room["t"], json!("l"), "{room}");
    assert_eq!(room["cl"], json!(false), "{room}");
    assert_eq!(room["open"], json!(true), "{room}");
    assert_eq!(room["waitingResponse"], json!(true), "{room}");
    assert_iso_date(&room["lm"]);
    assert_iso_date(&room["ts"]);
    assert_iso_date(&room["_updatedAt"]);
    assert_eq!(
        room["lm"], room["ts"],
        "a new room's last message time is its creation"
    );
    assert_eq!(room["v"]["_id"], visitor["_id"], "{room}");
    assert_eq!(room["v"]["username"], visitor["username"], "{room}");
    assert_eq!(room["v"]["token"], json!(token), "{room}");
    assert_eq!(room["v"]["status"], json!("online"), "{room}");
}

#[tokio::test]
async fn new_room_has_no_served_by_while_no_agent_exists() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;

    let (_, body) = get_room(&app, &token).await;

    let room = body["room"].as_object().expect("room");
    assert!(
        room.get("servedBy").is_none_or(Value::is_null),
        "no agent can serve the room yet: {body}"
    );
}

#[tokio::test]
async fn new_room_of_a_visitor_without_name_is_named_after_the_username() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (status, registered) = app
        .post("visitor", json!({ "visitor": { "token": token } }))
        .await;
    assert_eq!(status, StatusCode::OK, "{registered}");

    let (_, body) = get_room(&app, &token).await;

    assert_eq!(
        body["room"]["fname"], registered["visitor"]["username"],
        "{body}"
    );
}

#[tokio::test]
async fn second_get_room_returns_the_same_room_not_new() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;
    let (_, first) = get_room(&app, &token).await;

    let (status, second) = get_room(&app, &token).await;

    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["newRoom"], json!(false), "{second}");
    assert_eq!(second["room"]["_id"], first["room"]["_id"]);
    assert_eq!(second["room"]["open"], json!(true));
}

#[tokio::test]
async fn get_room_with_the_rid_of_the_own_open_room_returns_it() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = app.get(&format!("room?token={token}&rid={rid}")).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["_id"], json!(rid));
    assert_eq!(body["newRoom"], json!(false), "{body}");
}

#[tokio::test]
async fn get_room_with_another_visitors_rid_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (_, other_rid) = app.visitor_with_room().await;
    let token = new_token();
    app.register_visitor(&token).await;

    let response = app
        .get(&format!("room?token={token}&rid={other_rid}"))
        .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn get_room_with_an_unknown_rid_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (token, _) = app.visitor_with_room().await;

    let response = app.get(&format!("room?token={token}&rid=noSuchRoom")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn get_room_with_the_rid_of_a_closed_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    assert_eq!(close(&app, &token, &rid).await.0, StatusCode::OK);

    let response = app.get(&format!("room?token={token}&rid={rid}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn get_room_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;

    let response = get_room(&app, &new_token()).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn get_room_without_token_is_invalid_params() {
    let app = TestApp::spawn().await;

    let response = app.get("room").await;

    assert_invalid_params(&response, "token");
}

#[tokio::test]
async fn get_room_with_an_empty_token_is_refused() {
    let app = TestApp::spawn().await;

    let (status, body) = app.get("room?token=").await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert!(body.get("room").is_none(), "{body}");
}

#[tokio::test]
async fn concurrent_get_room_calls_for_one_token_create_exactly_one_room() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;

    let responses = futures::future::join_all((0..25).map(|_| get_room(&app, &token))).await;

    let mut ids = std::collections::BTreeSet::new();
    let mut created = 0;
    for (status, body) in &responses {
        assert_eq!(*status, StatusCode::OK, "{body}");
        ids.insert(body["room"]["_id"].as_str().expect("room id").to_string());
        if body["newRoom"] == json!(true) {
            created += 1;
        }
    }
    assert_eq!(ids.len(), 1, "every call must see the same room: {ids:?}");
    assert_eq!(created, 1, "exactly one call creates the room");

    let (_, after) = get_room(&app, &token).await;
    assert_eq!(after["newRoom"], json!(false), "{after}");
    assert_eq!(after["room"]["_id"], json!(ids.first().unwrap()));
    let history = full_history(&app, &token, ids.first().unwrap()).await;
    assert_eq!(
        of_type(&history, "livechat-started").len(),
        1,
        "one room, one start message: {history:?}"
    );
}

#[tokio::test]
async fn new_room_history_starts_with_a_livechat_started_message() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;
    let rid = app.open_room(&token).await;

    let history = full_history(&app, &token, &rid).await;

    let started = of_type(&history, "livechat-started");
    assert_eq!(started.len(), 1, "{history:?}");
    let started = started[0];
    assert_eq!(started["rid"], json!(rid));
    assert_eq!(started["msg"], json!(""));
    assert_eq!(started["u"]["_id"], visitor["_id"], "{started}");
    assert_eq!(started["u"]["username"], visitor["username"], "{started}");
    assert_eq!(started["groupable"], json!(false), "{started}");
}

#[tokio::test]
async fn new_room_takes_the_visitors_department() {
    let app = spawn_with_departments().await;
    let token = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "name": "Dee", "department": "Support" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, body) = get_room(&app, &token).await;

    assert_eq!(body["room"]["departmentId"], json!("dep-support"), "{body}");
}

#[tokio::test]
async fn room_source_is_api_without_the_widget_cookies() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;

    let (_, body) = get_room(&app, &token).await;

    assert_eq!(body["room"]["source"]["type"], json!("api"), "{body}");
}

#[tokio::test]
async fn room_source_is_widget_with_the_widget_cookies() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;

    let response = app
        .client
        .get(app.url(&format!("room?token={token}")))
        .header("cookie", "rc_room_type=l; rc_is_widget=t")
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");

    assert_eq!(body["room"]["source"]["type"], json!("widget"), "{body}");
}

#[tokio::test]
async fn get_room_is_refused_while_livechat_is_disabled() {
    let app = spawn_with_stored(&[("Livechat_enabled", json!(false))], &[], |_| {}).await;
    let token = new_token();
    app.register_visitor(&token).await;

    let response = get_room(&app, &token).await;

    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "[error-omnichannel-is-disabled]",
    );
    assert_eq!(
        response.1["errorType"],
        json!("error-omnichannel-is-disabled")
    );
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.close
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn close_answers_rid_comment_and_success() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = close(&app, &token, &rid).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "rid": rid, "comment": "Closed by visitor", "success": true })
    );
}

#[tokio::test]
async fn close_writes_a_livechat_close_and_a_prompt_transcript_message() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;
    let rid = app.open_room(&token).await;
    app.send_message(&token, &rid, "bye").await;

    close(&app, &token, &rid).await;
    let history = full_history(&app, &token, &rid).await;

    let closing = of_type(&history, "livechat-close");
    assert_eq!(closing.len(), 1, "{history:?}");
    assert_eq!(
        closing[0]["msg"],
        json!("Closed by visitor"),
        "{}",
        closing[0]
    );
    assert_eq!(closing[0]["rid"], json!(rid));
    assert_eq!(closing[0]["u"]["_id"], visitor["_id"], "{}", closing[0]);
    let commands = of_type(&history, "command");
    assert_eq!(commands.len(), 1, "{history:?}");
    assert_eq!(
        commands[0]["msg"],
        json!("promptTranscript"),
        "{}",
        commands[0]
    );
    // Newest first: the close messages come before the visitor's last message.
    let position = |t: &str| history.iter().position(|m| m["t"] == json!(t)).unwrap();
    let bye = history
        .iter()
        .position(|m| m["msg"] == json!("bye"))
        .unwrap();
    assert!(position("livechat-close") < bye && position("command") < bye);
}

#[tokio::test]
async fn closing_a_closed_room_is_room_closed() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    assert_eq!(close(&app, &token, &rid).await.0, StatusCode::OK);

    let response = close(&app, &token, &rid).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "room-closed");
    let history = full_history(&app, &token, &rid).await;
    assert_eq!(of_type(&history, "livechat-close").len(), 1, "closed once");
}

#[tokio::test]
async fn closing_another_visitors_room_is_invalid_room_and_leaves_it_open() {
    let app = TestApp::spawn().await;
    let (owner, rid) = app.visitor_with_room().await;
    let intruder = new_token();
    app.register_visitor(&intruder).await;

    let response = close(&app, &intruder, &rid).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
    let (status, body) = get_room(&app, &owner).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["_id"], json!(rid), "the room is still open");
    assert_eq!(body["newRoom"], json!(false), "{body}");
    assert_eq!(body["room"]["open"], json!(true), "{body}");
}

#[tokio::test]
async fn close_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    let (owner, rid) = app.visitor_with_room().await;

    let response = close(&app, &new_token(), &rid).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
    let (_, body) = get_room(&app, &owner).await;
    assert_eq!(body["room"]["_id"], json!(rid), "still open: {body}");
}

#[tokio::test]
async fn close_of_an_unknown_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (token, _) = app.visitor_with_room().await;

    let response = close(&app, &token, "noSuchRoom").await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn close_without_rid_or_token_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    assert_invalid_params(
        &app.post("room.close", json!({ "token": token })).await,
        "rid",
    );
    assert_invalid_params(
        &app.post("room.close", json!({ "rid": rid })).await,
        "token",
    );
}

#[tokio::test]
async fn get_room_after_close_opens_a_new_room() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    close(&app, &token, &rid).await;

    let (status, body) = get_room(&app, &token).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["newRoom"], json!(true), "{body}");
    assert_ne!(
        body["room"]["_id"],
        json!(rid),
        "a closed room is never reused"
    );
    assert_eq!(body["room"]["open"], json!(true));
    assert_eq!(body["room"]["msgs"], json!(0));
}

#[tokio::test]
async fn sending_a_message_to_a_closed_room_is_room_closed() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    close(&app, &token, &rid).await;

    let response = app
        .post(
            "message",
            json!({ "token": token, "rid": rid, "msg": "anyone there?" }),
        )
        .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "room-closed");
    let history = full_history(&app, &token, &rid).await;
    assert!(
        history.iter().all(|m| m["msg"] != json!("anyone there?")),
        "{history:?}"
    );
}

#[tokio::test]
async fn history_of_a_closed_room_stays_readable() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    app.send_message(&token, &rid, "kept").await;
    close(&app, &token, &rid).await;

    let history = full_history(&app, &token, &rid).await;

    assert!(
        history.iter().any(|m| m["msg"] == json!("kept")),
        "{history:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.transfer
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn transfer_by_department_id_moves_the_room() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = transfer(&app, &token, &rid, "dep-sales").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    let room = &body["room"];
    assert_eq!(room["_id"], json!(rid), "{body}");
    assert_eq!(room["departmentId"], json!("dep-sales"), "{body}");
    assert_eq!(room["open"], json!(true), "{body}");
    assert_eq!(room["t"], json!("l"), "{body}");
    assert_eq!(room["v"]["token"], json!(token), "{body}");
    assert_iso_date(&room["ts"]);

    let (_, current) = get_room(&app, &token).await;
    assert_eq!(current["room"]["_id"], json!(rid), "still the same room");
    assert_eq!(
        current["room"]["departmentId"],
        json!("dep-sales"),
        "{current}"
    );
}

#[tokio::test]
async fn transfer_by_department_name_moves_the_room() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = transfer(&app, &token, &rid, "Support").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["departmentId"], json!("dep-support"), "{body}");
}

#[tokio::test]
async fn transfer_between_two_departments() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;
    assert_eq!(
        transfer(&app, &token, &rid, "dep-sales").await.0,
        StatusCode::OK
    );

    let (status, body) = transfer(&app, &token, &rid, "dep-support").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["room"]["departmentId"], json!("dep-support"), "{body}");
}

#[tokio::test]
async fn transfer_to_the_current_department_is_refused() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;
    assert_eq!(
        transfer(&app, &token, &rid, "dep-sales").await.0,
        StatusCode::OK
    );

    let by_id = transfer(&app, &token, &rid, "dep-sales").await;
    let by_name = transfer(&app, &token, &rid, "Sales").await;

    assert_error(
        &by_id,
        StatusCode::BAD_REQUEST,
        "error-forwarding-chat-same-department",
    );
    assert_error(
        &by_name,
        StatusCode::BAD_REQUEST,
        "error-forwarding-chat-same-department",
    );
    let history = full_history(&app, &token, &rid).await;
    assert_eq!(
        of_type(&history, "livechat_transfer_history").len(),
        1,
        "a refused transfer leaves no trace"
    );
}

#[tokio::test]
async fn transfer_of_a_room_created_in_a_department_to_that_department_is_refused() {
    let app = spawn_with_departments().await;
    let token = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "department": "dep-sales" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rid = app.open_room(&token).await;

    let response = transfer(&app, &token, &rid, "dep-sales").await;

    assert_error(
        &response,
        StatusCode::BAD_REQUEST,
        "error-forwarding-chat-same-department",
    );
}

#[tokio::test]
async fn transfer_to_an_unknown_department_is_invalid_department() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = transfer(&app, &token, &rid, "dep-nowhere").await;

    assert_error_type(&response, "error-invalid-department");
    let (_, current) = get_room(&app, &token).await;
    assert!(
        current["room"]
            .get("departmentId")
            .is_none_or(Value::is_null),
        "the room did not move: {current}"
    );
}

#[tokio::test]
async fn transfer_to_a_disabled_department_is_invalid_department() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;

    assert_error_type(
        &transfer(&app, &token, &rid, "dep-archive").await,
        "error-invalid-department",
    );
    assert_error_type(
        &transfer(&app, &token, &rid, "Archive").await,
        "error-invalid-department",
    );
}

#[tokio::test]
async fn transfer_of_a_closed_room_fails_without_error_text() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;
    close(&app, &token, &rid).await;

    let (status, body) = transfer(&app, &token, &rid, "dep-sales").await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body, json!({ "success": false }));
}

#[tokio::test]
async fn transfer_of_another_visitors_room_is_invalid_room() {
    let app = spawn_with_departments().await;
    let (owner, rid) = app.visitor_with_room().await;
    let intruder = new_token();
    app.register_visitor(&intruder).await;

    let response = transfer(&app, &intruder, &rid, "dep-sales").await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
    let (_, current) = get_room(&app, &owner).await;
    assert!(
        current["room"]
            .get("departmentId")
            .is_none_or(Value::is_null),
        "{current}"
    );
}

#[tokio::test]
async fn transfer_with_an_unknown_token_is_invalid_token() {
    let app = spawn_with_departments().await;
    let (_, rid) = app.visitor_with_room().await;

    let response = transfer(&app, &new_token(), &rid, "dep-sales").await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn transfer_without_department_is_invalid_params() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = app
        .post("room.transfer", json!({ "rid": rid, "token": token }))
        .await;

    assert_invalid_params(&response, "department");
}

#[tokio::test]
async fn transfer_writes_a_transfer_history_message() {
    let app = spawn_with_departments().await;
    let token = new_token();
    let visitor = app.register_visitor(&token).await;
    let rid = app.open_room(&token).await;

    transfer(&app, &token, &rid, "dep-sales").await;
    let history = full_history(&app, &token, &rid).await;

    let transfers = of_type(&history, "livechat_transfer_history");
    assert_eq!(transfers.len(), 1, "{history:?}");
    let message = transfers[0];
    assert_eq!(message["rid"], json!(rid));
    assert_eq!(message["msg"], json!(""), "{message}");
    assert_eq!(message["u"]["_id"], visitor["_id"], "{message}");
    let data = &message["transferData"];
    assert_eq!(data["scope"], json!("department"), "{message}");
    assert_eq!(data["transferredBy"]["type"], json!("visitor"), "{message}");
    assert_eq!(data["transferredBy"]["_id"], visitor["_id"], "{message}");
    assert_eq!(
        data["transferredBy"]["username"], visitor["username"],
        "{message}"
    );
    assert_eq!(
        data["nextDepartment"],
        json!({ "_id": "dep-sales", "name": "Sales" }),
        "{message}"
    );
    assert!(
        data.get("previousDepartment").is_none_or(Value::is_null),
        "the room had no department: {message}"
    );
}

#[tokio::test]
async fn second_transfer_records_the_previous_department() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;
    transfer(&app, &token, &rid, "dep-sales").await;

    transfer(&app, &token, &rid, "Support").await;
    let history = full_history(&app, &token, &rid).await;

    let transfers = of_type(&history, "livechat_transfer_history");
    assert_eq!(transfers.len(), 2, "{history:?}");
    // Newest first.
    let latest = &transfers[0]["transferData"];
    assert_eq!(latest["previousDepartment"], json!("dep-sales"), "{latest}");
    assert_eq!(
        latest["nextDepartment"],
        json!({ "_id": "dep-support", "name": "Support" })
    );
}

#[tokio::test]
async fn transferred_room_stays_open_for_messages() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;
    transfer(&app, &token, &rid, "dep-sales").await;

    let sent = app.send_message(&token, &rid, "still here").await;

    assert_eq!(sent["rid"], json!(rid));
}

// ---------------------------------------------------------------------------------------------
// POST livechat/room.survey
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn survey_accepts_the_four_ratings_and_additional_feedback() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = survey(
        &app,
        &token,
        &rid,
        json!([
            { "name": "satisfaction", "value": "5" },
            { "name": "agentKnowledge", "value": "4" },
            { "name": "agentResposiveness", "value": "3" },
            { "name": "agentFriendliness", "value": "1" },
            { "name": "additionalFeedback", "value": "Quick and kind, thanks!" },
        ]),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "rid": rid,
            "data": {
                "satisfaction": "5",
                "agentKnowledge": "4",
                "agentResposiveness": "3",
                "agentFriendliness": "1",
                "additionalFeedback": "Quick and kind, thanks!",
            },
            "success": true,
        })
    );
}

#[tokio::test]
async fn survey_drops_invalid_values_and_unknown_names() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = survey(
        &app,
        &token,
        &rid,
        json!([
            { "name": "satisfaction", "value": "9" },
            { "name": "agentKnowledge", "value": "0" },
            { "name": "agentFriendliness", "value": "five" },
            { "name": "agentResponsiveness", "value": "4" },
            { "name": "mood", "value": "3" },
            { "name": "agentResposiveness", "value": "2" },
        ]),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"], json!({ "agentResposiveness": "2" }), "{body}");
}

#[tokio::test]
async fn survey_with_nothing_acceptable_is_invalid_data() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = survey(
        &app,
        &token,
        &rid,
        json!([
            { "name": "satisfaction", "value": "9" },
            { "name": "mood", "value": "3" },
        ]),
    )
    .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-data");
}

#[tokio::test]
async fn survey_with_empty_or_missing_data_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let empty = survey(&app, &token, &rid, json!([])).await;
    let missing = app
        .post("room.survey", json!({ "rid": rid, "token": token }))
        .await;

    assert_invalid_params(&empty, "data");
    assert_invalid_params(&missing, "data");
}

#[tokio::test]
async fn survey_values_must_be_strings() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = survey(
        &app,
        &token,
        &rid,
        json!([{ "name": "satisfaction", "value": 5 }]),
    )
    .await;

    assert_invalid_params(&response, "value");
}

#[tokio::test]
async fn survey_is_accepted_on_a_closed_room() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    close(&app, &token, &rid).await;

    let (status, body) = survey(
        &app,
        &token,
        &rid,
        json!([{ "name": "satisfaction", "value": "4" }]),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "rid": rid, "data": { "satisfaction": "4" }, "success": true })
    );
}

#[tokio::test]
async fn survey_of_another_visitors_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (_, rid) = app.visitor_with_room().await;
    let intruder = new_token();
    app.register_visitor(&intruder).await;

    let response = survey(
        &app,
        &intruder,
        &rid,
        json!([{ "name": "satisfaction", "value": "1" }]),
    )
    .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn survey_with_an_unknown_token_is_invalid_token() {
    let app = TestApp::spawn().await;
    let (_, rid) = app.visitor_with_room().await;

    let response = survey(
        &app,
        &new_token(),
        &rid,
        json!([{ "name": "satisfaction", "value": "1" }]),
    )
    .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn survey_is_stored_on_the_room_and_replaced_by_the_next_one() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    survey(
        &app,
        &token,
        &rid,
        json!([
            { "name": "satisfaction", "value": "2" },
            { "name": "additionalFeedback", "value": "slow" },
        ]),
    )
    .await;
    let (_, first) = get_room(&app, &token).await;
    survey(
        &app,
        &token,
        &rid,
        json!([{ "name": "agentKnowledge", "value": "5" }]),
    )
    .await;
    let (_, second) = get_room(&app, &token).await;

    assert_eq!(
        first["room"]["surveyFeedback"],
        json!({ "satisfaction": "2", "additionalFeedback": "slow" }),
        "{first}"
    );
    assert_eq!(
        second["room"]["surveyFeedback"],
        json!({ "agentKnowledge": "5" }),
        "the whole feedback is replaced: {second}"
    );
}

// ---------------------------------------------------------------------------------------------
// POST livechat/page.visited
// ---------------------------------------------------------------------------------------------

const DEMO_HREF: &str =
    "http://localhost:3000/packages/rocketchat_livechat/assets/demo.html#page-4";

#[tokio::test]
async fn page_visited_answers_like_the_documented_example() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("url", "", DEMO_HREF) }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "page": {
                "msg": format!(" - {DEMO_HREF}"),
                "navigation": {
                    "page": { "change": "url", "title": "", "location": { "href": DEMO_HREF } },
                    "token": token,
                },
            },
            "success": true,
        })
    );
}

#[tokio::test]
async fn page_visited_message_is_title_dash_href() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let href = "https://shop.example.com/pricing?plan=pro";

    let (status, body) = page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("url", "Pricing", href) }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["page"]["msg"], json!(format!("Pricing - {href}")));
    assert_eq!(
        body["page"]["navigation"]["page"]["title"],
        json!("Pricing")
    );
    assert_eq!(
        body["page"]["navigation"]["page"]["location"]["href"],
        json!(href)
    );
}

#[tokio::test]
async fn page_visited_ignores_a_change_that_is_not_monitored() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (status, body) = page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("title", "New title", DEMO_HREF) }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "success": true }),
        "no page key when not stored"
    );
}

#[tokio::test]
async fn page_visited_follows_a_title_monitor_setting() {
    let app = spawn_with_stored(
        &[
            ("Livechat_history_monitor_type", json!("title")),
            ("Livechat_Visitor_navigation_as_a_message", json!(true)),
        ],
        &[],
        |_| {},
    )
    .await;
    let (token, rid) = app.visitor_with_room().await;

    let (_, url_change) = page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("url", "A", "https://a.example/1") }),
    )
    .await;
    let (_, title_change) = page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("title", "B", "https://a.example/2") }),
    )
    .await;

    assert_eq!(url_change, json!({ "success": true }));
    assert_eq!(
        title_change["page"]["msg"],
        json!("B - https://a.example/2")
    );
    let history = full_history(&app, &token, &rid).await;
    let navigation = of_type(&history, "livechat_navigation_history");
    assert_eq!(
        navigation.len(),
        1,
        "only the monitored change: {history:?}"
    );
    assert_eq!(navigation[0]["msg"], json!("B - https://a.example/2"));
}

#[tokio::test]
async fn page_visited_without_page_info_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = page_visited(&app, json!({ "token": token, "rid": rid })).await;

    assert_invalid_params(&response, "pageInfo");
}

#[tokio::test]
async fn page_visited_without_href_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let no_href = page_visited(
        &app,
        json!({ "token": token, "rid": rid,
                "pageInfo": { "change": "url", "title": "T", "location": {} } }),
    )
    .await;
    let no_location = page_visited(
        &app,
        json!({ "token": token, "rid": rid,
                "pageInfo": { "change": "url", "title": "T" } }),
    )
    .await;

    assert_invalid_params(&no_href, "href");
    assert_invalid_params(&no_location, "href");
}

#[tokio::test]
async fn page_visited_without_token_is_invalid_params() {
    let app = TestApp::spawn().await;

    let response = page_visited(&app, json!({ "pageInfo": page_info("url", "", DEMO_HREF) })).await;

    assert_invalid_params(&response, "token");
}

#[tokio::test]
async fn page_visited_with_another_visitors_room_is_invalid_room() {
    let app = TestApp::spawn().await;
    let (_, rid) = app.visitor_with_room().await;
    let intruder = new_token();
    app.register_visitor(&intruder).await;

    let response = page_visited(
        &app,
        json!({ "token": intruder, "rid": rid, "pageInfo": page_info("url", "", DEMO_HREF) }),
    )
    .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn navigation_is_hidden_from_the_message_history() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let before = full_history(&app, &token, &rid).await;

    let (status, body) = page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("url", "Docs", "https://x.example/docs") }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = full_history(&app, &token, &rid).await;

    assert!(
        of_type(&after, "livechat_navigation_history").is_empty(),
        "{after:?}"
    );
    assert_eq!(after.len(), before.len(), "{after:?}");
}

#[tokio::test]
async fn page_visited_before_the_room_exists_then_the_room_opens() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;

    let (status, body) = page_visited(
        &app,
        json!({ "token": token, "pageInfo": page_info("url", "Home", "https://x.example/") }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["page"]["msg"], json!("Home - https://x.example/"));

    let (status, room) = get_room(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{room}");
    assert_eq!(room["newRoom"], json!(true), "{room}");
    let rid = room["room"]["_id"].as_str().unwrap();
    let history = full_history(&app, &token, rid).await;
    assert!(
        of_type(&history, "livechat_navigation_history").is_empty(),
        "navigation stays hidden: {history:?}"
    );
    assert_eq!(of_type(&history, "livechat-started").len(), 1);
}

#[tokio::test]
async fn navigation_recorded_before_the_room_is_moved_into_the_new_room() {
    // With navigation shown as messages, the history shows where the orphan navigation went.
    let app = spawn_with_stored(
        &[("Livechat_Visitor_navigation_as_a_message", json!(true))],
        &[],
        |_| {},
    )
    .await;
    let token = new_token();
    app.register_visitor(&token).await;
    let stranger = new_token();
    app.register_visitor(&stranger).await;
    for (who, href) in [
        (&token, "https://x.example/1"),
        (&stranger, "https://x.example/stranger"),
        (&token, "https://x.example/2"),
    ] {
        let (status, body) = page_visited(
            &app,
            json!({ "token": who, "pageInfo": page_info("url", "P", href) }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let rid = app.open_room(&token).await;
    let history = full_history(&app, &token, &rid).await;

    let navigation = of_type(&history, "livechat_navigation_history");
    let hrefs: Vec<&Value> = navigation
        .iter()
        .map(|m| &m["navigation"]["page"]["location"]["href"])
        .collect();
    assert_eq!(
        hrefs,
        vec![&json!("https://x.example/2"), &json!("https://x.example/1")],
        "the visitor's own earlier pages, newest first: {history:?}"
    );
    for message in &navigation {
        assert_eq!(message["rid"], json!(rid), "{message}");
        assert_eq!(message["u"]["_id"], json!("rocket.cat"), "{message}");
        assert_eq!(message["navigation"]["token"], json!(token), "{message}");
        assert!(message.get("expireAt").is_none(), "claimed: {message}");
    }
}

#[tokio::test]
async fn navigation_as_a_message_is_visible_in_the_room() {
    let app = spawn_with_stored(
        &[("Livechat_Visitor_navigation_as_a_message", json!(true))],
        &[],
        |_| {},
    )
    .await;
    let (token, rid) = app.visitor_with_room().await;

    page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("url", "Docs", "https://x.example/docs") }),
    )
    .await;
    let history = full_history(&app, &token, &rid).await;

    let navigation = of_type(&history, "livechat_navigation_history");
    assert_eq!(navigation.len(), 1, "{history:?}");
    assert_eq!(navigation[0]["msg"], json!("Docs - https://x.example/docs"));
    assert_eq!(navigation[0]["groupable"], json!(false));
    assert_eq!(navigation[0]["u"]["username"], json!("rocket.cat"));
}

// ---------------------------------------------------------------------------------------------
// Races and hostile input
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn concurrent_closes_of_one_room_close_it_exactly_once() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let responses = futures::future::join_all((0..10).map(|_| close(&app, &token, &rid))).await;

    let closed = responses
        .iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .count();
    assert_eq!(closed, 1, "{responses:?}");
    for response in responses
        .iter()
        .filter(|(status, _)| *status != StatusCode::OK)
    {
        assert_error(response, StatusCode::BAD_REQUEST, "room-closed");
    }
    let history = full_history(&app, &token, &rid).await;
    assert_eq!(of_type(&history, "livechat-close").len(), 1, "{history:?}");
    assert_eq!(of_type(&history, "command").len(), 1, "{history:?}");
}

#[tokio::test]
async fn close_and_get_room_race_leaves_one_open_room() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let (closed, opened) = tokio::join!(close(&app, &token, &rid), async {
        futures::future::join_all((0..5).map(|_| get_room(&app, &token))).await
    });

    assert_eq!(closed.0, StatusCode::OK, "{}", closed.1);
    for (status, body) in &opened {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    // Whatever interleaving happened, the visitor now has exactly one open room, not `rid`.
    let (_, now) = get_room(&app, &token).await;
    let current = now["room"]["_id"].clone();
    assert_ne!(current, json!(rid), "{now}");
    let (_, again) = get_room(&app, &token).await;
    assert_eq!(again["room"]["_id"], current);
    assert_eq!(again["newRoom"], json!(false));
}

#[tokio::test]
async fn room_endpoints_reject_wrong_types() {
    let app = spawn_with_departments().await;
    let (token, rid) = app.visitor_with_room().await;

    assert_invalid_params(
        &app.post("room.close", json!({ "rid": 42, "token": token }))
            .await,
        "rid",
    );
    assert_invalid_params(
        &app.post("room.close", json!({ "rid": rid, "token": ["t"] }))
            .await,
        "token",
    );
    assert_invalid_params(
        &app.post(
            "room.transfer",
            json!({ "rid": rid, "token": token, "department": { "_id": "dep-sales" } }),
        )
        .await,
        "department",
    );
    assert_invalid_params(
        &app.post(
            "room.survey",
            json!({ "rid": rid, "token": token, "data": { "satisfaction": "5" } }),
        )
        .await,
        "data",
    );
    assert_invalid_params(
        &page_visited(
            &app,
            json!({ "token": token, "rid": rid, "pageInfo": "https://x.example/" }),
        )
        .await,
        "pageInfo",
    );
    // Nothing of the above touched the room.
    let (_, body) = get_room(&app, &token).await;
    assert_eq!(body["room"]["_id"], json!(rid));
    assert_eq!(body["newRoom"], json!(false));
}

#[tokio::test]
async fn close_with_malformed_json_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = app
        .send_raw(
            reqwest::Method::POST,
            "room.close",
            format!(r#"{{"rid": "{rid}", "token": "{token}""#),
        )
        .await;

    assert_invalid_params(&response, "JSON");
    let (_, body) = get_room(&app, &token).await;
    assert_eq!(body["room"]["_id"], json!(rid), "still open");
}

#[tokio::test]
async fn get_room_with_an_oversized_token_is_invalid_params() {
    let app = TestApp::spawn().await;
    let token = "t".repeat(10_000);

    let response = get_room(&app, &token).await;

    assert_invalid_params(&response, "token");
}

#[tokio::test]
async fn survey_with_oversized_feedback_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;

    let response = survey(
        &app,
        &token,
        &rid,
        json!([
            { "name": "satisfaction", "value": "5" },
            { "name": "additionalFeedback", "value": "x".repeat(100_000) },
        ]),
    )
    .await;

    assert_invalid_params(&response, "value");
    let (_, body) = get_room(&app, &token).await;
    assert!(
        body["room"]
            .get("surveyFeedback")
            .is_none_or(Value::is_null),
        "nothing half-written: {body}"
    );
}

#[tokio::test]
async fn page_visited_with_an_oversized_href_is_invalid_params() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let href = format!("https://x.example/{}", "a".repeat(50_000));

    let response = page_visited(
        &app,
        json!({ "token": token, "rid": rid, "pageInfo": page_info("url", "", &href) }),
    )
    .await;

    assert_invalid_params(&response, "href");
}
