//! The realtime-visitor `session.*` endpoints (seed 000; reference §2.21).

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

// ---- local helpers ----

/// The payload of seed 000's "Add user location data" example, for `token`.
fn seed_location_payload(token: &str) -> Value {
    json!({
        "token": token,
        "location": {
            "city": "Bhubanwswar",
            "countryCode": "IN",
            "countryName": "India",
            "latitude": 55.1232134,
            "longitude": 77.2213
        },
        "deviceInfo": {
            "os": "MacOS",
            "osVersion": 10.54,
            "browserName": "Mozila Firefox",
            "browserVersion": 55.1232134
        }
    })
}

async fn visit(app: &TestApp, token: &str) -> i64 {
    let (status, body) = app
        .post(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "updateVisitCount: {body}");
    assert_eq!(body["success"], json!(true), "{body}");
    body["updatedCount"].as_i64().expect("updatedCount")
}

async fn session(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get(&format!("session.visitorInfo/{token}")).await;
    assert_eq!(status, StatusCode::OK, "visitorInfo: {body}");
    assert_eq!(body["success"], json!(true), "{body}");
    body
}

#[track_caller]
fn assert_session_not_found(response: &(StatusCode, Value)) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(
        body["errorType"],
        json!("error-session-not-found"),
        "{body}"
    );
}

// ---- session.updateVisitCount/:token ----

#[tokio::test]
async fn update_visit_count_creates_a_session_and_counts() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (status, body) = app
        .post(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "updatedCount": 1, "success": true }));
    assert_eq!(visit(&app, &token).await, 2);
    assert_eq!(visit(&app, &token).await, 3);
    assert_eq!(session(&app, &token).await["count"], json!(3));
}

#[tokio::test]
async fn update_visit_count_counts_each_token_separately() {
    let app = TestApp::spawn().await;
    let (a, b) = (new_token(), new_token());
    visit(&app, &a).await;
    visit(&app, &a).await;
    assert_eq!(visit(&app, &b).await, 1);
    assert_eq!(session(&app, &a).await["count"], json!(2));
    assert_eq!(session(&app, &b).await["count"], json!(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_visit_counts_lose_no_increment() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    let url = app.url(&format!("session.updateVisitCount/{token}"));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = app.client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let response = client.post(url).send().await.expect("sent");
                let status = response.status();
                let body: Value = response.json().await.expect("JSON");
                (status, body)
            })
        })
        .collect();
    let mut counts = HashSet::new();
    for task in futures::future::join_all(tasks).await {
        let (status, body) = task.expect("task");
        assert_eq!(status, StatusCode::OK, "{body}");
        counts.insert(body["updatedCount"].as_i64().expect("updatedCount"));
    }
    assert_eq!(counts, (2..=21).collect::<HashSet<i64>>());
    assert_eq!(session(&app, &token).await["count"], json!(21));
}

// ---- session.addLocationData ----

#[tokio::test]
async fn add_location_data_with_the_seed_payload() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (status, body) = app
        .post("session.addLocationData", seed_location_payload(&token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "success": true }));

    let info = session(&app, &token).await;
    assert_eq!(info["token"], json!(token));
    assert_eq!(info["count"], json!(1));
    assert_eq!(
        info["location"],
        json!({
            "city": "Bhubanwswar",
            "countryCode": "IN",
            "countryName": "India",
            "latitude": 55.1232134,
            "longitude": 77.2213,
            "completLocation": "India, Bhubanwswar"
        })
    );
    assert_eq!(
        info["deviceInfo"],
        seed_location_payload(&token)["deviceInfo"]
    );
}

#[tokio::test]
async fn add_location_data_joins_country_region_and_city() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let mut payload = seed_location_payload(&token);
    payload["location"]["region"] = json!("Odisha");
    payload["location"]["city"] = json!("Bhubaneswar Municipal Corporation");
    let (status, body) = app.post("session.addLocationData", payload).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        session(&app, &token).await["location"]["completLocation"],
        json!("India, Odisha, Bhubaneswar Municipal Corporation")
    );
}

#[tokio::test]
async fn add_location_data_keeps_a_given_complet_location() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let mut payload = seed_location_payload(&token);
    payload["location"]["completLocation"] = json!("Somewhere, Else");
    let (status, body) = app.post("session.addLocationData", payload).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        session(&app, &token).await["location"]["completLocation"],
        json!("Somewhere, Else")
    );
}

#[tokio::test]
async fn add_location_data_without_location_stores_the_device() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let mut payload = seed_location_payload(&token);
    payload.as_object_mut().unwrap().remove("location");
    let (status, body) = app.post("session.addLocationData", payload).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = session(&app, &token).await;
    assert_eq!(info["deviceInfo"]["os"], json!("MacOS"));
    assert!(
        info.get("location").is_none() || info["location"].is_null(),
        "{info}"
    );
}

#[tokio::test]
async fn add_location_data_updates_an_existing_session() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    visit(&app, &token).await;
    let created_at = session(&app, &token).await["createdAt"].clone();
    let (status, body) = app
        .post("session.addLocationData", seed_location_payload(&token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = session(&app, &token).await;
    assert_eq!(info["location"]["city"], json!("Bhubanwswar"));
    assert_eq!(info["createdAt"], created_at);
    assert_eq!(info["count"], json!(2));
    assert_eq!(visit(&app, &token).await, 3);
}

#[tokio::test]
async fn add_location_data_requires_device_info() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let mut payload = seed_location_payload(&token);
    payload.as_object_mut().unwrap().remove("deviceInfo");
    assert_invalid_params(
        &app.post("session.addLocationData", payload).await,
        "deviceInfo",
    );
    assert_session_not_found(&app.get(&format!("session.visitorInfo/{token}")).await);
}

#[tokio::test]
async fn add_location_data_requires_a_token() {
    let app = TestApp::spawn().await;
    let mut payload = seed_location_payload("x");
    payload.as_object_mut().unwrap().remove("token");
    assert_invalid_params(&app.post("session.addLocationData", payload).await, "token");
}

#[tokio::test]
async fn add_location_data_rejects_out_of_range_coordinates() {
    let app = TestApp::spawn().await;
    let token = new_token();
    for (key, value) in [
        ("latitude", json!(90.5)),
        ("latitude", json!(-91)),
        ("longitude", json!(180.01)),
        ("longitude", json!(-200)),
    ] {
        let mut payload = seed_location_payload(&token);
        payload["location"][key] = value.clone();
        assert_invalid_params(&app.post("session.addLocationData", payload).await, key);
    }
    assert_session_not_found(&app.get(&format!("session.visitorInfo/{token}")).await);
}

#[tokio::test]
async fn add_location_data_accepts_the_coordinate_bounds() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let mut payload = seed_location_payload(&token);
    payload["location"]["latitude"] = json!(-90);
    payload["location"]["longitude"] = json!(180);
    let (status, body) = app.post("session.addLocationData", payload).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let location = &session(&app, &token).await["location"];
    assert_eq!(location["latitude"].as_f64(), Some(-90.0));
    assert_eq!(location["longitude"].as_f64(), Some(180.0));
}

#[tokio::test]
async fn add_location_data_rejects_non_numeric_coordinates() {
    let app = TestApp::spawn().await;
    let token = new_token();
    for (key, value) in [
        ("latitude", json!("55.1")),
        ("longitude", json!("north")),
        ("latitude", json!(true)),
    ] {
        let mut payload = seed_location_payload(&token);
        payload["location"][key] = value;
        assert_invalid_params(&app.post("session.addLocationData", payload).await, key);
    }
    assert_session_not_found(&app.get(&format!("session.visitorInfo/{token}")).await);
}

#[tokio::test]
async fn add_location_data_rejects_nested_objects() {
    let app = TestApp::spawn().await;
    let token = new_token();

    let mut payload = seed_location_payload(&token);
    payload["location"]["city"] = json!({ "name": "Bhubanwswar" });
    assert_invalid_params(
        &app.post("session.addLocationData", payload).await,
        "location.city",
    );

    let mut payload = seed_location_payload(&token);
    payload["deviceInfo"]["extra"] = json!({ "deep": { "deeper": 1 } });
    assert_invalid_params(
        &app.post("session.addLocationData", payload).await,
        "deviceInfo.extra",
    );

    let mut payload = seed_location_payload(&token);
    payload["location"]["tags"] = json!(["a", "b"]);
    assert_invalid_params(
        &app.post("session.addLocationData", payload).await,
        "location.tags",
    );

    assert_session_not_found(&app.get(&format!("session.visitorInfo/{token}")).await);
}

#[tokio::test]
async fn add_location_data_requires_os_and_browser_name() {
    let app = TestApp::spawn().await;
    let token = new_token();
    for key in ["os", "browserName"] {
        let mut payload = seed_location_payload(&token);
        payload["deviceInfo"].as_object_mut().unwrap().remove(key);
        assert_invalid_params(&app.post("session.addLocationData", payload).await, key);
    }
}

// ---- session.visitorInfo/:token ----

#[tokio::test]
async fn visitor_info_spreads_the_session_at_top_level() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (status, body) = app
        .post("session.addLocationData", seed_location_payload(&token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    visit(&app, &token).await;

    let (status, info) = app.get(&format!("session.visitorInfo/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["success"], json!(true));
    assert!(info.get("session").is_none(), "not wrapped: {info}");
    assert!(
        info["_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{info}"
    );
    assert_eq!(info["token"], json!(token));
    assert_eq!(info["location"]["countryName"], json!("India"));
    assert_eq!(info["deviceInfo"]["browserName"], json!("Mozila Firefox"));
    assert!(info["createdAt"].is_string(), "{info}");
    assert!(info["_updatedAt"].is_string(), "{info}");
    assert_eq!(info["count"], json!(2));
    assert!(info["chatStatus"].is_string(), "{info}");
    assert_ne!(info["chatStatus"], json!("Open"));
    assert_eq!(info["status"], json!("online"));
    assert_eq!(info["chatStart"], json!(false));
    assert_eq!(info["sentimentScore"], json!(0));
}

#[tokio::test]
async fn visitor_info_of_unknown_token_is_session_not_found() {
    let app = TestApp::spawn().await;
    assert_session_not_found(
        &app.get(&format!("session.visitorInfo/{}", new_token()))
            .await,
    );
}

#[tokio::test]
async fn registering_a_visitor_alone_creates_no_session() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;
    assert_session_not_found(&app.get(&format!("session.visitorInfo/{token}")).await);
}

// ---- session.updateVisitorSessionOnRegister ----

#[tokio::test]
async fn update_session_on_register_stores_visitor_info() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    let (status, body) = app
        .post(
            "session.updateVisitorSessionOnRegister",
            json!({ "visitor": {
                "name": "Livechat Visitor",
                "email": "visitor@rocket.chat",
                "token": token,
                "phone": "55 51 5555-5555",
                "customFields": [{ "key": "address", "value": "Rocket.Chat street", "overwrite": true }]
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "success": true }));

    let info = session(&app, &token).await;
    let visitor_info = &info["visitorInfo"];
    assert_eq!(visitor_info["name"], json!("Livechat Visitor"));
    assert_eq!(visitor_info["email"], json!("visitor@rocket.chat"));
    assert_eq!(visitor_info["phone"], json!("55 51 5555-5555"));
    assert!(visitor_info.get("token").is_none(), "{visitor_info}");
    // The rest of the session is untouched.
    assert_eq!(info["count"], json!(1));
    assert_eq!(info["token"], json!(token));
}

#[tokio::test]
async fn update_session_on_register_replaces_earlier_info() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    for name in ["First", "Second"] {
        let (status, body) = app
            .post(
                "session.updateVisitorSessionOnRegister",
                json!({ "visitor": { "token": token, "name": name } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(
        session(&app, &token).await["visitorInfo"]["name"],
        json!("Second")
    );
}

#[tokio::test]
async fn update_session_on_register_needs_an_existing_session() {
    let app = TestApp::spawn().await;
    let token = new_token();
    assert_session_not_found(
        &app.post(
            "session.updateVisitorSessionOnRegister",
            json!({ "visitor": { "token": token, "name": "Nobody" } }),
        )
        .await,
    );
    // And it did not create one.
    assert_session_not_found(&app.get(&format!("session.visitorInfo/{token}")).await);
}

#[tokio::test]
async fn update_session_on_register_requires_visitor_and_token() {
    let app = TestApp::spawn().await;
    assert_invalid_params(
        &app.post("session.updateVisitorSessionOnRegister", json!({}))
            .await,
        "visitor",
    );
    assert_invalid_params(
        &app.post(
            "session.updateVisitorSessionOnRegister",
            json!({ "visitor": { "name": "No token" } }),
        )
        .await,
        "token",
    );
}

#[tokio::test]
async fn registering_a_visitor_fills_the_session_visitor_info() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "name": "Livechat Visitor", "email": "Visitor@Rocket.Chat" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = session(&app, &token).await;
    assert_eq!(info["visitorInfo"]["name"], json!("Livechat Visitor"));
    assert_eq!(info["visitorInfo"]["email"], json!("visitor@rocket.chat"));
}

#[tokio::test]
async fn a_session_created_after_registration_knows_the_visitor() {
    let app = TestApp::spawn().await;
    let token = new_token();
    let (status, body) = app
        .post(
            "visitor",
            json!({ "visitor": { "token": token, "name": "Early Bird", "email": "early@example.com" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    visit(&app, &token).await;
    let info = session(&app, &token).await;
    assert_eq!(info["visitorInfo"]["name"], json!("Early Bird"));
    assert_eq!(info["visitorInfo"]["email"], json!("early@example.com"));
}

// ---- session.updateSessionStatus ----

#[tokio::test]
async fn update_session_status_echoes_token_and_status() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    for status_value in ["away", "online"] {
        let (status, body) = app
            .post(
                "session.updateSessionStatus",
                json!({ "token": token, "status": status_value }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body,
            json!({ "token": token, "status": status_value, "success": true })
        );
        assert_eq!(session(&app, &token).await["status"], json!(status_value));
    }
}

#[tokio::test]
async fn offline_sets_offline_time_and_online_clears_it() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    assert!(session(&app, &token).await.get("offlineTime").is_none());

    let (status, body) = app
        .post(
            "session.updateSessionStatus",
            json!({ "token": token, "status": "offline" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = session(&app, &token).await;
    assert_eq!(info["status"], json!("offline"));
    assert!(
        info["offlineTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{info}"
    );

    let (status, body) = app
        .post(
            "session.updateSessionStatus",
            json!({ "token": token, "status": "online" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = session(&app, &token).await;
    assert_eq!(info["status"], json!("online"));
    assert!(
        info.get("offlineTime").is_none() || info["offlineTime"].is_null(),
        "{info}"
    );
}

#[tokio::test]
async fn update_session_status_rejects_an_unknown_status() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    assert_invalid_params(
        &app.post(
            "session.updateSessionStatus",
            json!({ "token": token, "status": "dancing" }),
        )
        .await,
        "status",
    );
    assert_eq!(session(&app, &token).await["status"], json!("online"));
}

#[tokio::test]
async fn update_session_status_requires_token_and_status() {
    let app = TestApp::spawn().await;
    assert_invalid_params(
        &app.post("session.updateSessionStatus", json!({ "status": "away" }))
            .await,
        "token",
    );
    assert_invalid_params(
        &app.post(
            "session.updateSessionStatus",
            json!({ "token": new_token() }),
        )
        .await,
        "status",
    );
}

#[tokio::test]
async fn update_session_status_of_unknown_token_is_session_not_found() {
    let app = TestApp::spawn().await;
    assert_session_not_found(
        &app.post(
            "session.updateSessionStatus",
            json!({ "token": new_token(), "status": "away" }),
        )
        .await,
    );
}

#[tokio::test]
async fn visitor_status_is_mirrored_on_the_session() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;
    visit(&app, &token).await;
    let (status, body) = app
        .post(
            "visitor.status",
            json!({ "token": token, "status": "away" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(session(&app, &token).await["status"], json!("away"));
}

// ---- chat status follows the room ----

#[tokio::test]
async fn chat_status_follows_the_room_open_and_close() {
    let app = TestApp::spawn().await;
    let token = new_token();
    visit(&app, &token).await;
    app.register_visitor(&token).await;
    let before = session(&app, &token).await;
    assert_eq!(before["chatStart"], json!(false));
    assert_ne!(before["chatStatus"], json!("Open"));
    assert!(before.get("chatStartTime").is_none(), "{before}");

    let rid = app.open_room(&token).await;
    let open = session(&app, &token).await;
    assert_eq!(open["chatStart"], json!(true), "{open}");
    assert_eq!(open["chatStatus"], json!("Open"));
    assert!(
        open["chatStartTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{open}"
    );

    let (status, body) = app
        .post("room.close", json!({ "rid": rid, "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let closed = session(&app, &token).await;
    assert_eq!(closed["chatStart"], json!(false), "{closed}");
    assert_eq!(closed["chatStatus"], json!("Closed"));
    // As in the seed's example, the start time of the last chat stays.
    assert_eq!(closed["chatStartTime"], open["chatStartTime"]);
}

#[tokio::test]
async fn a_session_created_during_a_chat_starts_open() {
    let app = TestApp::spawn().await;
    let (token, _rid) = app.visitor_with_room().await;
    assert_eq!(visit(&app, &token).await, 1);
    let info = session(&app, &token).await;
    assert_eq!(info["chatStart"], json!(true), "{info}");
    assert_eq!(info["chatStatus"], json!("Open"));
    assert!(info["chatStartTime"].is_string(), "{info}");
}

#[tokio::test]
async fn a_session_created_after_a_closed_chat_is_closed() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let (status, body) = app
        .post("room.close", json!({ "rid": rid, "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    visit(&app, &token).await;
    let info = session(&app, &token).await;
    assert_eq!(info["chatStart"], json!(false), "{info}");
    assert_eq!(info["chatStatus"], json!("Closed"));
}

#[tokio::test]
async fn a_second_chat_reopens_the_session_chat_status() {
    let app = TestApp::spawn().await;
    let token = new_token();
    app.register_visitor(&token).await;
    visit(&app, &token).await;
    let first = app.open_room(&token).await;
    let (status, _) = app
        .post("room.close", json!({ "rid": first, "token": token }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session(&app, &token).await["chatStatus"], json!("Closed"));

    let second = app.open_room(&token).await;
    assert_ne!(second, first);
    let info = session(&app, &token).await;
    assert_eq!(info["chatStart"], json!(true));
    assert_eq!(info["chatStatus"], json!("Open"));
}
