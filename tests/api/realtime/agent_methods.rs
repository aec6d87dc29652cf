//! The agent's DDP methods: `sendMessage` (rocketchat-async's reply), `rooms/get` (its
//! `get_channels`) and the `UserPresence:*` status calls, each checked against what REST and the
//! visitor's subscription then show.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{visitor_args, Credentials, Ddp, Desk};

fn rid_of(room: &Value) -> String {
    room["_id"].as_str().unwrap().to_string()
}

/// The DDP error of a `result` frame, as `(error, reason)`.
fn ddp_error(result: &Value) -> (Value, Value) {
    assert!(
        result.get("result").is_none(),
        "expected an error: {result}"
    );
    let error = &result["error"];
    (error["error"].clone(), error["reason"].clone())
}

fn history_ids(history: &[Value]) -> Vec<String> {
    history
        .iter()
        .map(|m| m["_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn send_message_reaches_the_subscribed_visitor_and_the_history() {
    let desk = Desk::open().await;
    desk.agent("speaker").await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let mut visitor = Ddp::connect(&desk.app).await;
    let ready = visitor
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");
    let mut agent = Ddp::login(&desk.app, "speaker", "agent-password").await;

    // rocketchat-async chooses the id: 12 hex characters.
    let params = json!([{ "_id": "0a1b2c3d4e5f", "rid": rid, "msg": "hello from DDP" }]);
    let result = agent.call("sendMessage", params.clone()).await;
    let saved = &result["result"];
    assert_eq!(saved["_id"], json!("0a1b2c3d4e5f"), "{result}");
    assert_eq!(saved["rid"], json!(rid));
    assert_eq!(saved["msg"], json!("hello from DDP"));
    assert_eq!(saved["u"]["username"], json!("speaker"));
    assert!(saved["ts"]["$date"].is_i64(), "EJSON dates: {saved}");
    assert!(saved["_updatedAt"]["$date"].is_i64(), "{saved}");

    // (The room's own system messages may still be on their way; the reply is the one wanted.)
    let event = visitor
        .wait_for(|f| f["fields"]["args"][0]["_id"] == json!("0a1b2c3d4e5f"))
        .await;
    assert_eq!(event["fields"]["eventName"], json!(rid));
    assert_eq!(event["fields"]["args"][0]["msg"], json!("hello from DDP"));
    let history = desk.app.history(&token, &rid, "").await;
    assert!(
        history_ids(&history).contains(&"0a1b2c3d4e5f".to_string()),
        "{history:?}"
    );

    // The same call again (a client retrying) answers the same message and writes nothing.
    let again = agent.call("sendMessage", params).await;
    assert_eq!(again["result"]["_id"], json!("0a1b2c3d4e5f"), "{again}");
    assert_eq!(
        desk.app.history(&token, &rid, "").await.len(),
        history.len()
    );
    // Someone else reusing the id is refused.
    let mut admin = Ddp::login(&desk.app, "admin", "routing-admin-password").await;
    let taken = admin
        .call(
            "sendMessage",
            json!([{ "_id": "0a1b2c3d4e5f", "rid": rid, "msg": "not mine" }]),
        )
        .await;
    assert_eq!(
        ddp_error(&taken).0,
        json!("error-duplicate-message-id"),
        "{taken}"
    );
    assert_eq!(
        desk.app.history(&token, &rid, "").await.len(),
        history.len()
    );

    // Without a client id the server makes one.
    let result = agent
        .call("sendMessage", json!([{ "rid": rid, "msg": "second" }]))
        .await;
    assert_eq!(
        result["result"]["_id"].as_str().unwrap().len(),
        17,
        "{result}"
    );
}

#[tokio::test]
async fn send_message_is_refused_where_the_agent_may_not_act_and_writes_nothing() {
    let desk = Desk::open().await;
    desk.agent("owner").await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    desk.agent("outsider").await;
    let before = desk.app.history(&token, &rid, "").await.len();

    let mut outsider = Ddp::login(&desk.app, "outsider", "agent-password").await;
    let refused = outsider
        .call("sendMessage", json!([{ "rid": rid, "msg": "let me in" }]))
        .await;
    assert_eq!(
        ddp_error(&refused),
        (json!("error-not-allowed"), json!("Not allowed"))
    );
    let unknown = outsider
        .call(
            "sendMessage",
            json!([{ "rid": "no-such-room", "msg": "hi" }]),
        )
        .await;
    assert_eq!(
        ddp_error(&unknown).0,
        json!("error-invalid-room"),
        "{unknown}"
    );
    let bad_id = outsider
        .call(
            "sendMessage",
            json!([{ "_id": "has space", "rid": rid, "msg": "hi" }]),
        )
        .await;
    assert_eq!(ddp_error(&bad_id).0, json!(400), "{bad_id}");
    for params in [
        json!([]),
        json!(["just text"]),
        json!([{ "rid": rid }]),
        json!([{ "rid": 7, "msg": "hi" }]),
        json!([{ "rid": rid, "msg": ["hi"] }]),
        json!([{ "rid": rid, "msg": "hi", "_id": 12 }]),
    ] {
        let result = outsider.call("sendMessage", params.clone()).await;
        assert_eq!(
            ddp_error(&result),
            (json!(400), json!("Match failed")),
            "{params}"
        );
    }

    assert_eq!(desk.app.history(&token, &rid, "").await.len(), before);

    // Not logged in at all, and logged out again.
    let mut anonymous = Ddp::connect(&desk.app).await;
    let result = anonymous
        .call("sendMessage", json!([{ "rid": rid, "msg": "anonymous" }]))
        .await;
    assert_eq!(
        ddp_error(&result),
        (json!("error-invalid-user"), json!("Invalid user"))
    );
    let mut owner = Ddp::login(&desk.app, "owner", "agent-password").await;
    owner.call("logout", json!([])).await;
    let result = owner
        .call(
            "sendMessage",
            json!([{ "rid": rid, "msg": "after logout" }]),
        )
        .await;
    assert_eq!(ddp_error(&result).0, json!("error-invalid-user"));

    // A closed room takes no more replies, even from its own agent.
    desk.app.close_room(&token, &rid).await;
    let before_closed = desk.app.history(&token, &rid, "").await.len();
    let mut owner = Ddp::login(&desk.app, "owner", "agent-password").await;
    let closed = owner
        .call("sendMessage", json!([{ "rid": rid, "msg": "too late" }]))
        .await;
    assert_eq!(ddp_error(&closed).0, json!("room-closed"), "{closed}");

    let history = desk.app.history(&token, &rid, "").await;
    assert_eq!(history.len(), before_closed, "{history:?}");
    assert!(
        !history
            .iter()
            .any(|m| m["u"]["username"] == json!("outsider")
                || m["msg"] == json!("anonymous")
                || m["msg"] == json!("after logout")),
        "{history:?}"
    );
}

async fn set_livechat_status(desk: &Desk, agent: &Credentials, status: &str) {
    let (code, body) = desk
        .call(
            agent,
            Method::POST,
            "agent.status",
            Some(json!({ "status": status })),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
}

fn listed_ids(rooms: &Value) -> Vec<String> {
    let mut ids: Vec<String> = rooms
        .as_array()
        .unwrap_or_else(|| panic!("an array of rooms: {rooms}"))
        .iter()
        .map(rid_of)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn rooms_get_lists_exactly_the_agents_open_rooms() {
    let desk = Desk::open().await;
    let (first_id, first) = desk.agent("first").await;
    let (token_a, room_a) = desk.visitor_room().await;
    let (token_b, room_b) = desk.visitor_room().await;
    let (rid_a, rid_b) = (rid_of(&room_a), rid_of(&room_b));
    desk.app.close_room(&token_b, &rid_b).await;
    // The next chat must go to the second agent.
    set_livechat_status(&desk, &first, "not-available").await;
    let (second_id, _) = desk.agent("second").await;
    let (_, room_c) = desk.visitor_room().await;
    let rid_c = rid_of(&room_c);
    assert_eq!(room_c["servedBy"]["_id"], json!(second_id), "{room_c}");

    let mut agent = Ddp::login(&desk.app, "first", "agent-password").await;
    let result = agent.call("rooms/get", json!([])).await;
    let rooms = &result["result"];
    assert_eq!(listed_ids(rooms), vec![rid_a.clone()], "{result}");
    let room = &rooms[0];
    assert_eq!(room["t"], json!("l"));
    assert_eq!(room["open"], json!(true));
    assert_eq!(room["servedBy"]["_id"], json!(first_id));
    assert_eq!(
        room["v"].get("token"),
        None,
        "staff never see visitor tokens"
    );
    assert_eq!(room["fname"], room_a["fname"]);
    assert_eq!(room["name"], room_a["fname"]);
    assert!(room["ts"]["$date"].is_i64(), "EJSON dates: {room}");
    let updated = room["_updatedAt"]["$date"]
        .as_i64()
        .expect("EJSON _updatedAt");

    let mut second = Ddp::login(&desk.app, "second", "agent-password").await;
    let result = second.call("rooms/get", json!([])).await;
    assert_eq!(listed_ids(&result["result"]), vec![rid_c], "{result}");
    // A manager may read every room, but serves none of them.
    let mut admin = Ddp::login(&desk.app, "admin", "routing-admin-password").await;
    let result = admin.call("rooms/get", json!([])).await;
    assert_eq!(result["result"], json!([]), "{result}");

    // The incremental form: nothing changed since the room's last change...
    let result = agent.call("rooms/get", json!([{ "$date": updated }])).await;
    assert_eq!(result["result"], json!({ "update": [], "remove": [] }));
    // ...until the visitor writes in it.
    tokio::time::sleep(Duration::from_millis(5)).await;
    desk.app
        .send_message(&token_a, &rid_a, "still there?")
        .await;
    let result = agent.call("rooms/get", json!([{ "$date": updated }])).await;
    assert_eq!(
        listed_ids(&result["result"]["update"]),
        vec![rid_a],
        "{result}"
    );
    assert_eq!(result["result"]["remove"], json!([]));
    assert!(
        result["result"]["update"][0]["_updatedAt"]["$date"].as_i64() > Some(updated),
        "{result}"
    );

    for params in [
        json!(["yesterday"]),
        json!([{ "$date": "soon" }]),
        json!([7]),
    ] {
        let result = agent.call("rooms/get", params.clone()).await;
        assert_eq!(
            ddp_error(&result),
            (json!(400), json!("Match failed")),
            "{params}"
        );
    }
    let mut anonymous = Ddp::connect(&desk.app).await;
    let result = anonymous.call("rooms/get", json!([])).await;
    assert_eq!(
        ddp_error(&result),
        (json!("error-invalid-user"), json!("Invalid user"))
    );
}

async fn status_of(desk: &Desk, who: &Credentials) -> Value {
    let (code, me) = desk.call(who, Method::GET, "/api/v1/me", None).await;
    assert_eq!(code, StatusCode::OK, "{me}");
    me["status"].clone()
}

#[tokio::test]
async fn user_presence_methods_change_the_status_rest_reports() {
    let desk = Desk::open().await;
    let (_, credentials) = desk.agent("present").await;
    assert_eq!(status_of(&desk, &credentials).await, json!("online"));
    let mut agent = Ddp::login(&desk.app, "present", "agent-password").await;

    let result = agent.call("UserPresence:away", json!([])).await;
    assert!(result.get("error").is_none(), "{result}");
    assert_eq!(status_of(&desk, &credentials).await, json!("away"));
    agent
        .call("UserPresence:setDefaultStatus", json!(["busy"]))
        .await;
    assert_eq!(status_of(&desk, &credentials).await, json!("busy"));
    agent.call("UserPresence:online", json!([])).await;
    assert_eq!(status_of(&desk, &credentials).await, json!("online"));

    let result = agent
        .call("UserPresence:setDefaultStatus", json!(["sleeping"]))
        .await;
    let (error, reason) = ddp_error(&result);
    assert_eq!(error, json!(400), "{result}");
    assert!(
        reason
            .as_str()
            .unwrap()
            .contains("online, away, busy, offline"),
        "{result}"
    );
    let result = agent
        .call(
            "UserPresence:setDefaultStatus",
            json!([{ "status": "away" }]),
        )
        .await;
    assert_eq!(ddp_error(&result), (json!(400), json!("Match failed")));
    assert_eq!(status_of(&desk, &credentials).await, json!("online"));

    // Without a login the calls are ignored, as Rocket.Chat ignores them.
    let mut anonymous = Ddp::connect(&desk.app).await;
    for (method, params) in [
        ("UserPresence:away", json!([])),
        ("UserPresence:setDefaultStatus", json!(["offline"])),
    ] {
        let result = anonymous.call(method, params).await;
        assert_eq!(
            result,
            json!({ "msg": "result", "id": result["id"] }),
            "{method}"
        );
    }
    assert_eq!(status_of(&desk, &credentials).await, json!("online"));
}
