//! `POST livechat/page.visited`: the pages the visitor browses (reference §2.9, §5.2–5.4).

use super::*;

const DEMO_HREF: &str =
    "http://localhost:3000/packages/rocketchat_livechat/assets/demo.html#page-4";

#[tokio::test]
async fn page_visited_answers_like_the_documented_example() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let (status, body) = visit_page(&app, &token, &rid, page_info("url", "", DEMO_HREF)).await;

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
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let href = "https://shop.example.com/pricing?plan=pro";

    let (status, body) = visit_page(&app, &token, &rid, page_info("url", "Pricing", href)).await;

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
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let (status, body) = visit_page(
        &app,
        &token,
        &rid,
        page_info("title", "New title", DEMO_HREF),
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
    let app = spawn_with_settings(&[
        ("Livechat_history_monitor_type", json!("title")),
        ("Livechat_Visitor_navigation_as_a_message", json!(true)),
    ])
    .await;
    let (token, rid) = app.visitor_with_room().await;

    let url_page = page_info("url", "A", "https://a.example/1");
    let title_page = page_info("title", "B", "https://a.example/2");
    let (_, url_change) = visit_page(&app, &token, &rid, url_page).await;
    let (_, title_change) = visit_page(&app, &token, &rid, title_page).await;

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
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let response = page_visited(&app, json!({ "token": token, "rid": rid })).await;

    assert_invalid_params(&response, "pageInfo");
}

#[tokio::test]
async fn page_visited_without_href_is_invalid_params() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let no_href = visit_page(
        &app,
        &token,
        &rid,
        json!({ "change": "url", "title": "T", "location": {} }),
    )
    .await;
    let no_location =
        visit_page(&app, &token, &rid, json!({ "change": "url", "title": "T" })).await;

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
    let (app, _, rid) = TestApp::spawn_with_room().await;
    let intruder = app.registered_visitor().await;

    let response = visit_page(&app, &intruder, &rid, page_info("url", "", DEMO_HREF)).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn navigation_is_hidden_from_the_message_history() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let before = full_history(&app, &token, &rid).await;

    let (status, body) = visit_page(
        &app,
        &token,
        &rid,
        page_info("url", "Docs", "https://x.example/docs"),
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
    let (app, token) = TestApp::spawn_with_visitor().await;

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
    let app =
        spawn_with_settings(&[("Livechat_Visitor_navigation_as_a_message", json!(true))]).await;
    let token = app.registered_visitor().await;
    let stranger = app.registered_visitor().await;
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
    let app =
        spawn_with_settings(&[("Livechat_Visitor_navigation_as_a_message", json!(true))]).await;
    let (token, rid) = app.visitor_with_room().await;

    visit_page(
        &app,
        &token,
        &rid,
        page_info("url", "Docs", "https://x.example/docs"),
    )
    .await;
    let history = full_history(&app, &token, &rid).await;

    let navigation = the_one_of_type(&history, "livechat_navigation_history");
    assert_eq!(navigation["msg"], json!("Docs - https://x.example/docs"));
    assert_eq!(navigation["groupable"], json!(false));
    assert_eq!(navigation["u"]["username"], json!("rocket.cat"));
}

#[tokio::test]
async fn page_visited_with_an_oversized_href_is_invalid_params() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let href = format!("https://x.example/{}", "a".repeat(50_000));

    let response = visit_page(&app, &token, &rid, page_info("url", "", &href)).await;

    assert_invalid_params(&response, "href");
}
