//! `session.updateVisitCount/:token`, `session.addLocationData` and
//! `session.visitorInfo/:token`: what a session records of the visit (its count, where the
//! visitor is and what it browses with), and reading it back.

use std::collections::HashSet;

use super::*;

#[tokio::test]
async fn update_visit_count_creates_a_session_and_counts() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    let body = app
        .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    assert_eq!(body, json!({ "updatedCount": 1, "success": true }));
    assert_eq!(visit(&app, &token).await, 2);
    assert_eq!(visit(&app, &token).await, 3);
    assert_eq!(session(&app, &token).await["count"], json!(3));
}

#[tokio::test]
async fn update_visit_count_counts_each_token_separately() {
    let app = TestApp::spawn().await;
    let (a, b) = (
        app.registered_visitor().await,
        app.registered_visitor().await,
    );
    visit(&app, &a).await;
    visit(&app, &a).await;
    assert_eq!(visit(&app, &b).await, 1);
    assert_eq!(session(&app, &a).await["count"], json!(2));
    assert_eq!(session(&app, &b).await["count"], json!(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_visit_counts_lose_no_increment() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    let path = format!("session.updateVisitCount/{token}");
    let requests = (0..20).map(|_| (path.clone(), None)).collect();
    let mut counts = HashSet::new();
    for (status, body) in post_concurrently(&app, requests).await {
        assert_eq!(status, StatusCode::OK, "{body}");
        counts.insert(body["updatedCount"].as_i64().expect("updatedCount"));
    }
    assert_eq!(counts, (2..=21).collect::<HashSet<i64>>());
    assert_eq!(session(&app, &token).await["count"], json!(21));
}

#[tokio::test]
async fn visitor_info_spreads_the_session_at_top_level() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    app.post_ok("session.addLocationData", seed_location_payload(&token))
        .await;
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
    assert_no_session(&app, &new_token()).await;
}

#[tokio::test]
async fn registering_a_visitor_alone_creates_no_session() {
    let (app, token) = TestApp::spawn_with_visitor().await;
    assert_no_session(&app, &token).await;
}

// ---- session.addLocationData ----

/// Sends seed 000's payload for a fresh token, changed by `edit`, asserting success; returns
/// the session it left.
async fn session_after(app: &TestApp, edit: impl FnOnce(&mut Value)) -> Value {
    let token = app.registered_visitor().await;
    let mut payload = seed_location_payload(&token);
    edit(&mut payload);
    app.post_ok("session.addLocationData", payload).await;
    session(app, &token).await
}

/// Asserts that seed 000's payload for `token`, changed by `edit`, is invalid params that
/// mention `needle`.
async fn assert_refused(app: &TestApp, token: &str, needle: &str, edit: impl FnOnce(&mut Value)) {
    let mut payload = seed_location_payload(token);
    edit(&mut payload);
    assert_invalid_params(&app.post("session.addLocationData", payload).await, needle);
}

#[tokio::test]
async fn add_location_data_with_the_seed_payload() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    let body = app
        .post_ok("session.addLocationData", seed_location_payload(&token))
        .await;
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
    let info = session_after(&app, |payload| {
        payload["location"]["region"] = json!("Odisha");
        payload["location"]["city"] = json!("Bhubaneswar Municipal Corporation");
    })
    .await;
    assert_eq!(
        info["location"]["completLocation"],
        json!("India, Odisha, Bhubaneswar Municipal Corporation")
    );
}

#[tokio::test]
async fn add_location_data_keeps_a_given_complet_location() {
    let app = TestApp::spawn().await;
    let info = session_after(&app, |payload| {
        payload["location"]["completLocation"] = json!("Somewhere, Else");
    })
    .await;
    assert_eq!(
        info["location"]["completLocation"],
        json!("Somewhere, Else")
    );
}

#[tokio::test]
async fn add_location_data_without_location_stores_the_device() {
    let app = TestApp::spawn().await;
    let info = session_after(&app, |payload| {
        payload.as_object_mut().unwrap().remove("location");
    })
    .await;
    assert_eq!(info["deviceInfo"]["os"], json!("MacOS"));
    assert_absent(&info, "location");
}

#[tokio::test]
async fn add_location_data_updates_an_existing_session() {
    let app = TestApp::spawn().await;
    let token = visited_token(&app).await;
    visit(&app, &token).await;
    let created_at = session(&app, &token).await["createdAt"].clone();
    app.post_ok("session.addLocationData", seed_location_payload(&token))
        .await;
    let info = session(&app, &token).await;
    assert_eq!(info["location"]["city"], json!("Bhubanwswar"));
    assert_eq!(info["createdAt"], created_at);
    assert_eq!(info["count"], json!(2));
    assert_eq!(visit(&app, &token).await, 3);
}

#[tokio::test]
async fn add_location_data_requires_device_info() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    assert_refused(&app, &token, "deviceInfo", |payload| {
        payload.as_object_mut().unwrap().remove("deviceInfo");
    })
    .await;
    assert_no_session(&app, &token).await;
}

#[tokio::test]
async fn add_location_data_requires_a_token() {
    let app = TestApp::spawn().await;
    assert_refused(&app, "x", "token", |payload| {
        payload.as_object_mut().unwrap().remove("token");
    })
    .await;
}

#[tokio::test]
async fn add_location_data_rejects_out_of_range_coordinates() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    for (key, value) in [
        ("latitude", json!(90.5)),
        ("latitude", json!(-91)),
        ("longitude", json!(180.01)),
        ("longitude", json!(-200)),
    ] {
        assert_refused(&app, &token, key, |payload| {
            payload["location"][key] = value
        })
        .await;
    }
    assert_no_session(&app, &token).await;
}

#[tokio::test]
async fn add_location_data_accepts_the_coordinate_bounds() {
    let app = TestApp::spawn().await;
    let info = session_after(&app, |payload| {
        payload["location"]["latitude"] = json!(-90);
        payload["location"]["longitude"] = json!(180);
    })
    .await;
    let location = &info["location"];
    assert_eq!(location["latitude"].as_f64(), Some(-90.0));
    assert_eq!(location["longitude"].as_f64(), Some(180.0));
}

#[tokio::test]
async fn add_location_data_rejects_non_numeric_coordinates() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    for (key, value) in [
        ("latitude", json!("55.1")),
        ("longitude", json!("north")),
        ("latitude", json!(true)),
    ] {
        assert_refused(&app, &token, key, |payload| {
            payload["location"][key] = value
        })
        .await;
    }
    assert_no_session(&app, &token).await;
}

#[tokio::test]
async fn add_location_data_rejects_nested_objects() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    assert_refused(&app, &token, "location.city", |payload| {
        payload["location"]["city"] = json!({ "name": "Bhubanwswar" });
    })
    .await;
    assert_refused(&app, &token, "deviceInfo.extra", |payload| {
        payload["deviceInfo"]["extra"] = json!({ "deep": { "deeper": 1 } });
    })
    .await;
    assert_refused(&app, &token, "location.tags", |payload| {
        payload["location"]["tags"] = json!(["a", "b"]);
    })
    .await;
    assert_no_session(&app, &token).await;
}

#[tokio::test]
async fn add_location_data_requires_os_and_browser_name() {
    let app = TestApp::spawn().await;
    let token = app.registered_visitor().await;
    for key in ["os", "browserName"] {
        assert_refused(&app, &token, key, |payload| {
            payload["deviceInfo"].as_object_mut().unwrap().remove(key);
        })
        .await;
    }
}
