//! `POST livechat/room.saveInfo` (reference §3.16): the console edits a visitor's and a room's
//! details; both are visible afterwards through `visitors.info` and `livechat/rooms`, and the
//! widget hears its visitor record change.

use super::*;

/// A Sales visitor's open room, served by alice: `(console, token, room)`.
async fn served_chat() -> (Console, String, Value) {
    let c = Console::open().await;
    let token = new_token();
    let room = sales_room(&c.desk, &token, "Rita").await;
    assert_eq!(room["servedBy"]["username"], json!("alice"), "{room}");
    (c, token, room)
}

fn body(room: &Value, guest: Value, room_data: Value) -> Value {
    let mut guest_data = json!({ "_id": room["v"]["_id"] });
    guest_data
        .as_object_mut()
        .unwrap()
        .extend(guest.as_object().unwrap().clone());
    let mut data = json!({ "_id": room["_id"] });
    data.as_object_mut()
        .unwrap()
        .extend(room_data.as_object().unwrap().clone());
    json!({ "guestData": guest_data, "roomData": data })
}

impl Console {
    async fn visitor_info(&self, room: &Value) -> Value {
        let path = format!(
            "visitors.info?visitorId={}",
            room["v"]["_id"].as_str().unwrap()
        );
        let (status, body) = self.get(&self.boss, &path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["visitor"].clone()
    }

    /// The room as `livechat/rooms` lists it to the manager.
    async fn listed_room(&self, room: &Value) -> Value {
        let (status, body) = self.get(&self.boss, "rooms?count=100").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["rooms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["_id"] == room["_id"])
            .cloned()
            .unwrap_or_else(|| panic!("room not listed: {body}"))
    }
}

#[tokio::test]
async fn the_serving_agent_saves_visitor_and_room_info() {
    let (c, token, room) = served_chat().await;
    let rid = id_of(&room);
    let mut widget = Ddp::connect(&c.desk.app).await;
    widget
        .sub("stream-livechat-room", visitor_args(&rid, &token))
        .await;

    let request = body(
        &room,
        json!({ "name": "Rita Renamed", "email": "Rita@Example.com", "phone": "+4930123",
                "livechatData": { "zip": "10115", "undefined-field": "ignored" } }),
        json!({ "topic": "Billing", "tags": ["vip", "refund"],
                "livechatData": { "ticket": "42", "zip": "room-scope-ignores-it" } }),
    );
    let (status, answer) = c.post(&c.alice, "room.saveInfo", request).await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({ "success": true }))
    );

    let visitor = c.visitor_info(&room).await;
    assert_eq!(visitor["name"], json!("Rita Renamed"));
    assert_eq!(
        visitor["visitorEmails"],
        json!([{ "address": "rita@example.com" }])
    );
    assert_eq!(visitor["phone"], json!([{ "phoneNumber": "+4930123" }]));
    assert_eq!(visitor["livechatData"], json!({ "zip": "10115" }));
    assert_no_token(&visitor, &token);

    let listed = c.listed_room(&room).await;
    assert_eq!(listed["topic"], json!("Billing"));
    assert_eq!(listed["tags"], json!(["vip", "refund"]));
    assert_eq!(listed["livechatData"], json!({ "ticket": "42" }));
    assert_eq!(listed["fname"], json!("Rita Renamed"));
    assert_no_token(&listed, &token);

    // The widget hears its own record (the room's opening saved the visitor too).
    let mut event = widget.room_state(&rid, "visitorData").await;
    if event["visitor"]["name"] != json!("Rita Renamed") {
        event = widget.room_state(&rid, "visitorData").await;
    }
    assert_eq!(event["visitor"]["name"], json!("Rita Renamed"), "{event}");

    // Empty values remove; absent ones stay.
    let request = body(
        &room,
        json!({ "phone": "", "livechatData": { "zip": "" } }),
        json!({ "topic": "" }),
    );
    let (status, answer) = c.post(&c.alice, "room.saveInfo", request).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let visitor = c.visitor_info(&room).await;
    assert_eq!(visitor["name"], json!("Rita Renamed"));
    assert_absent(&visitor, "phone");
    assert_eq!(visitor["livechatData"], json!({}));
    let listed = c.listed_room(&room).await;
    assert_absent(&listed, "topic");
    assert_eq!(listed["tags"], json!(["vip", "refund"]));
}

#[tokio::test]
async fn a_bad_custom_field_value_changes_nothing() {
    let (c, _, room) = served_chat().await;
    let cases = [
        (
            json!({ "name": "X", "livechatData": { "zip": "abc" } }),
            json!({}),
        ),
        (
            json!({ "name": "X" }),
            json!({ "topic": "Y", "livechatData": { "ticket": "4x" } }),
        ),
    ];
    for (guest, room_data) in cases {
        let response = c
            .post(&c.alice, "room.saveInfo", body(&room, guest, room_data))
            .await;
        assert_eq!(response.0, StatusCode::BAD_REQUEST, "{}", response.1);
        assert_eq!(
            response.1["errorType"],
            json!("error-invalid-custom-field-value"),
            "{}",
            response.1
        );
    }
    assert_eq!(c.visitor_info(&room).await["name"], json!("Rita"));
    assert_absent(&c.listed_room(&room).await, "topic");
    let invalid_email = c
        .post(
            &c.alice,
            "room.saveInfo",
            body(&room, json!({ "email": "not-an-address" }), json!({})),
        )
        .await;
    assert_eq!(
        invalid_email.1["errorType"],
        json!("error-invalid-email"),
        "{}",
        invalid_email.1
    );
}

#[tokio::test]
async fn malformed_requests_are_invalid_params() {
    let (c, _, room) = served_chat().await;
    let guest = json!({ "_id": room["v"]["_id"] });
    let room_data = json!({ "_id": room["_id"] });
    for (request, needle) in [
        (json!({ "roomData": room_data }), "guestData"),
        (json!({ "guestData": guest }), "roomData"),
        (
            json!({ "guestData": {}, "roomData": room_data }),
            "guestData._id",
        ),
        (
            json!({ "guestData": guest, "roomData": {} }),
            "roomData._id",
        ),
        (json!({ "guestData": "x", "roomData": room_data }), "object"),
        (
            json!({ "guestData": guest, "roomData": { "_id": room["_id"], "tags": "vip" } }),
            "sequence",
        ),
        (
            json!({ "guestData": { "_id": room["v"]["_id"], "livechatData": { "zip": 5 } }, "roomData": room_data }),
            "zip",
        ),
        (
            json!({ "guestData": { "_id": room["v"]["_id"], "name": "n".repeat(300) }, "roomData": room_data }),
            "guestData.name",
        ),
    ] {
        let response = c.post(&c.alice, "room.saveInfo", request.clone()).await;
        assert_invalid_params(&response, needle);
    }
    let unknown_room = json!({ "guestData": guest, "roomData": { "_id": "no-such-room" } });
    let response = c.post(&c.alice, "room.saveInfo", unknown_room).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "error-invalid-room");
    // The room's own visitor only: editing a room is not a licence to edit any visitor.
    let stranger = sales_room(&c.desk, &new_token(), "Someone Else").await;
    let mismatched = json!({ "guestData": { "_id": stranger["v"]["_id"], "name": "Hijacked" },
                             "roomData": room_data });
    let response = c.post(&c.alice, "room.saveInfo", mismatched).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "error-invalid-visitor");
    assert_eq!(
        c.visitor_info(&stranger).await["name"],
        json!("Someone Else")
    );
}

#[tokio::test]
async fn only_the_serving_agent_or_a_manager_may_edit() {
    let (c, token, room) = served_chat().await;
    let request = body(&room, json!({ "name": "Changed" }), json!({ "topic": "T" }));
    let unauthorized =
        json!({ "success": false, "error": "unauthorized", "errorType": "unauthorized" });
    // An agent of another department, and one of Sales who does not serve the room.
    c.bob_joins_sales().await;
    for who in [&c.otto, &c.bob] {
        let (status, answer) = c.post(who, "room.saveInfo", request.clone()).await;
        assert_eq!((status, &answer), (StatusCode::FORBIDDEN, &unauthorized));
    }
    assert_eq!(c.visitor_info(&room).await["name"], json!("Rita"));
    let (status, answer) = c.post(&c.boss, "room.saveInfo", request.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(c.listed_room(&room).await["topic"], json!("T"));
    assert_staff_only(&c, Method::POST, "room.saveInfo", request, &token).await;
}
