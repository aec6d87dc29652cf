//! `GET livechat/visitors.online`: the visitors on the site now, the data behind the
//! realtime-visitors view of seed 000.

use serde_json::{json, Value};

use super::*;

/// Ann (registered, located, online), Ben (away) and Cy (gone offline), active in that order
/// and then Ann again. `(desk, alice, [ann, ben, cy] tokens)`.
async fn site() -> (Desk, Credentials, [String; 3]) {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let [ann, ben, cy] = [new_token(), new_token(), new_token()];
    desk.app
        .register_ok(json!({ "token": ann, "name": "Ann", "email": "ann@example.com" }))
        .await;
    desk.app
        .post_ok(
            "session.addLocationData",
            json!({
                "token": ann,
                "location": { "city": "Porto", "countryCode": "PT", "countryName": "Portugal", "latitude": 41.15, "longitude": -8.61 },
                "deviceInfo": { "os": "Linux", "osVersion": 6, "browserName": "Firefox", "browserVersion": 128 }
            }),
        )
        .await;
    for (token, name, status) in [(&ben, "Ben", "away"), (&cy, "Cy", "offline")] {
        pause().await;
        // Only registered visitors have sessions.
        desk.app
            .register_ok(json!({ "token": token, "name": name }))
            .await;
        desk.app
            .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
            .await;
        desk.app
            .post_ok(
                "session.updateSessionStatus",
                json!({ "token": token, "status": status }),
            )
            .await;
    }
    pause().await;
    desk.app
        .post_ok(&format!("session.updateVisitCount/{ann}"), json!({}))
        .await;
    (desk, alice, [ann, ben, cy])
}

async fn pause() {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
}

/// The visitors listed, by name: staff never see a visitor's token.
fn names(body: &Value) -> Vec<String> {
    body["visitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            assert_eq!(v.get("token"), None, "{v}");
            v["visitorInfo"]["name"].as_str().unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn visitors_on_the_site_newest_activity_first() {
    let (desk, alice, _) = site().await;
    let body = get_ok(&desk, &alice, "visitors.online").await;
    assert_page(&body, "visitors", 2, 0, 2);
    assert_eq!(
        names(&body),
        ["Ann", "Ben"],
        "offline visitors are not listed"
    );
    let first = &body["visitors"][0];
    assert_eq!(first["status"], json!("online"));
    assert_eq!(first["count"], json!(2), "pages viewed");
    assert_eq!(first["chatStatus"], json!("Not Started"));
    assert_eq!(first["location"]["city"], json!("Porto"));
    assert_eq!(
        first["location"]["completLocation"],
        json!("Portugal, Porto")
    );
    assert_eq!(first["deviceInfo"]["browserName"], json!("Firefox"));
    assert_eq!(first["visitorInfo"]["name"], json!("Ann"));
    assert_utc_date(first, "_updatedAt");
    assert_eq!(body["visitors"][1]["status"], json!("away"));
}

#[tokio::test]
async fn a_chat_shows_in_the_visitor_entry() {
    let (desk, alice, [ann, _, _]) = site().await;
    desk.room_of(&ann).await;
    let body = get_ok(&desk, &alice, "visitors.online?status=online").await;
    assert_eq!(names(&body), ["Ann"]);
    assert_eq!(body["visitors"][0]["chatStatus"], json!("Open"));
    assert_eq!(body["visitors"][0]["chatStart"], json!(true));
}

#[tokio::test]
async fn online_visitors_filter_by_status_and_paginate() {
    let (desk, alice, _) = site().await;
    let body = get_ok(&desk, &alice, "visitors.online?status=away").await;
    assert_page(&body, "visitors", 1, 0, 1);
    assert_eq!(names(&body), ["Ben"]);
    let body = get_ok(&desk, &alice, "visitors.online?count=1&offset=1").await;
    assert_page(&body, "visitors", 1, 1, 2);
    assert_eq!(names(&body), ["Ben"]);
    let oldest = encode(r#"{"_updatedAt":1}"#);
    let body = get_ok(&desk, &alice, &format!("visitors.online?sort={oldest}")).await;
    assert_eq!(names(&body)[1], "Ann");
}

#[tokio::test]
async fn online_visitors_refuse_bad_parameters_and_outsiders() {
    let (desk, alice, [ann, _, _]) = site().await;
    for path in [
        "visitors.online?status=offline",
        "visitors.online?status=busy",
    ] {
        assert_invalid_params(&get(&desk, &alice, path).await, "'status'");
    }
    assert_invalid_params(&get(&desk, &alice, "visitors.online?page=2").await, "page");
    let response = get(
        &desk,
        &alice,
        &format!("visitors.online?sort={}", encode(r#"{"ts":-1}"#)),
    )
    .await;
    assert_eq!(
        response.1["errorType"],
        json!("error-invalid-sort"),
        "{}",
        response.1
    );
    assert_staff_only(&desk, "visitors.online", &ann).await;
}
