//! `GET livechat/messages.history/:rid`: paging through a room, newest first (reference §2.12).

use super::*;

/// A fresh app with a visitor's room holding 25 messages "m1".."m25", sent back to back:
/// `(app, token, rid)`.
async fn room_with_25_messages() -> (TestApp, String, String) {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    for i in 1..=25 {
        app.send_message(&token, &rid, &format!("m{i}")).await;
    }
    (app, token, rid)
}

/// The texts of the history page that `query` selects.
async fn page_texts(app: &TestApp, token: &str, rid: &str, query: &str) -> Vec<String> {
    texts(&app.history(token, rid, query).await)
}

/// A visitor's room with `n` messages "m1".."mn", each a moment after the room's start and the
/// one before: `(token, rid, messages in sending order)`.
async fn room_with_numbered(app: &TestApp, n: usize) -> (String, String, Vec<Value>) {
    let (token, rid) = app.visitor_with_room().await;
    tick().await;
    let sent = send_numbered(app, &token, &rid, n).await;
    (token, rid, sent)
}

#[tokio::test]
async fn history_is_newest_first_with_the_started_message_last() {
    let app = TestApp::spawn().await;
    let (token, rid, sent) = room_with_numbered(&app, 3).await;

    let body = history_body(&app, &token, &rid, "").await;

    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4, "{body}");
    assert_eq!(texts(&messages[..3]), ["m3", "m2", "m1"]);
    assert_eq!(messages[0], sent[2]);
    assert_eq!(messages[3]["t"], json!("livechat-started"));
    assert_eq!(messages[3]["rid"], json!(rid));
    assert_eq!(body["unreadNotLoaded"], json!(0), "{body}");
    assert!(body.get("firstUnread").is_none(), "{body}");
    for pair in messages.windows(2) {
        assert!(ts_of(&pair[0]) >= ts_of(&pair[1]), "newest first: {body}");
    }
}

#[tokio::test]
async fn history_returns_20_messages_by_default() {
    let (app, token, rid) = room_with_25_messages().await;

    let messages = app.history(&token, &rid, "").await;

    assert_eq!(messages.len(), 20);
    let expected: Vec<String> = (6..=25).rev().map(|i| format!("m{i}")).collect();
    assert_eq!(texts(&messages), expected);
    assert!(
        messages.iter().all(|m| m["t"].is_null()),
        "no system message in the page"
    );
}

#[tokio::test]
async fn history_limit_picks_the_page_size() {
    let (app, token, rid) = room_with_25_messages().await;

    assert_eq!(
        page_texts(&app, &token, &rid, "limit=5").await,
        ["m25", "m24", "m23", "m22", "m21"]
    );

    let all = app.history(&token, &rid, "limit=100").await;
    assert_eq!(all.len(), 26, "25 messages and livechat-started");
    assert_eq!(all[25]["t"], json!("livechat-started"));
}

#[tokio::test]
async fn history_offset_skips_the_newest_messages() {
    let (app, token, rid) = room_with_25_messages().await;

    assert_eq!(
        page_texts(&app, &token, &rid, "limit=5&offset=5").await,
        ["m20", "m19", "m18", "m17", "m16"]
    );

    let tail = app.history(&token, &rid, "limit=5&offset=23").await;
    assert_eq!(texts(&tail[..2]), ["m2", "m1"]);
    assert_eq!(tail.len(), 3);
    assert_eq!(tail[2]["t"], json!("livechat-started"));

    let beyond = app.history(&token, &rid, "offset=100").await;
    assert!(beyond.is_empty(), "{beyond:?}");
}

#[tokio::test]
async fn history_count_is_an_alias_of_limit() {
    let (app, token, rid) = room_with_25_messages().await;

    let all = app.history(&token, &rid, "offset=0&count=50").await;
    assert_eq!(all.len(), 26, "every message: {}", all.len());
    assert_eq!(all[0]["msg"], json!("m25"));

    assert_eq!(
        page_texts(&app, &token, &rid, "count=3").await,
        ["m25", "m24", "m23"]
    );

    assert_eq!(
        page_texts(&app, &token, &rid, "offset=3&count=2").await,
        ["m22", "m21"]
    );
}

#[tokio::test]
async fn history_end_returns_only_older_messages() {
    let app = TestApp::spawn().await;
    let (token, rid, sent) = room_with_numbered(&app, 5).await;
    let end = sent[2]["ts"].as_str().unwrap(); // m3

    let messages = app.history(&token, &rid, &format!("end={end}")).await;

    assert_eq!(texts(&messages[..2]), ["m2", "m1"], "{messages:?}");
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[2]["t"], json!("livechat-started"));
    assert!(messages.iter().all(|m| ts_of(m) < ts_of(&sent[2])));

    let limited = app
        .history(&token, &rid, &format!("end={end}&limit=1"))
        .await;
    assert_eq!(texts(&limited), ["m2"]);

    let ancient = app
        .history(&token, &rid, "end=2000-01-01T00:00:00.000Z")
        .await;
    assert!(ancient.is_empty(), "{ancient:?}");
}

#[tokio::test]
async fn history_ls_counts_the_unread_messages_not_loaded() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    tick().await;
    let ls = Timestamp::now().to_iso(); // after livechat-started, before every message
    tick().await;
    let sent = send_numbered(&app, &token, &rid, 10).await;

    let body = history_body(&app, &token, &rid, &format!("ls={ls}&limit=3")).await;

    let messages = body["messages"].as_array().unwrap();
    assert_eq!(texts(messages), ["m10", "m9", "m8"]);
    // Unread and not loaded: visible messages with ls < ts < oldest loaded (m8): m1..m7.
    assert_eq!(body["unreadNotLoaded"], json!(7), "{body}");
    assert_eq!(body["firstUnread"]["_id"], sent[0]["_id"], "{body}");
}

#[tokio::test]
async fn history_ls_before_the_room_counts_the_started_message_too() {
    let (app, token) = TestApp::spawn_with_visitor().await;
    let ls = Timestamp::now().plus_millis(-1000).to_iso();
    let rid = app.open_room(&token).await;
    tick().await;
    send_numbered(&app, &token, &rid, 10).await;

    let body = history_body(&app, &token, &rid, &format!("ls={ls}&limit=3")).await;

    assert_eq!(
        body["unreadNotLoaded"],
        json!(8),
        "m1..m7 and livechat-started: {body}"
    );
    assert_eq!(
        body["firstUnread"]["t"],
        json!("livechat-started"),
        "{body}"
    );
}

#[tokio::test]
async fn history_ls_newer_than_the_page_has_nothing_unread() {
    let app = TestApp::spawn().await;
    let (token, rid, sent) = room_with_numbered(&app, 5).await;
    let ls = sent[3]["ts"].as_str().unwrap(); // m4: the page m5, m4, m3 reaches past it

    let body = history_body(&app, &token, &rid, &format!("ls={ls}&limit=3")).await;

    assert_eq!(body["unreadNotLoaded"], json!(0), "{body}");
    assert!(body.get("firstUnread").is_none(), "{body}");

    let everything = history_body(&app, &token, &rid, &format!("ls={ls}")).await;
    assert_eq!(
        everything["unreadNotLoaded"],
        json!(0),
        "all loaded: {everything}"
    );
}

#[tokio::test]
async fn history_rejects_bad_dates_and_counts() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let base = format!("messages.history/{rid}?token={token}");
    for (query, needle) in [
        ("end=yesterday", "end"),
        ("end=2020-13-45T99:99:99Z", "end"),
        ("end=12345", "end"),
        ("ls=not-a-date", "ls"),
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=1.5", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("offset=-5", "offset"),
        ("count=ten", "count"),
    ] {
        let response = app.get(&format!("{base}&{query}")).await;
        assert_invalid_params(&response, needle);
    }
}

#[tokio::test]
async fn history_accepts_iso_dates_with_offsets() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.send_message(&token, &rid, "hello").await;
    // 2100-01-01T01:00:00+01:00 == 2100-01-01T00:00:00Z, far in the future: everything is older.
    let messages = app
        .history(&token, &rid, "end=2100-01-01T01:00:00%2B01:00")
        .await;
    assert_eq!(messages.len(), 2, "{messages:?}");
}

#[tokio::test]
async fn history_of_another_visitors_room_is_invalid_room() {
    let (app, alice, alice_rid) = TestApp::spawn_with_room().await;
    let (bob, _) = app.visitor_with_room().await;
    app.send_message(&alice, &alice_rid, "secret").await;

    let response = app
        .get(&format!("messages.history/{alice_rid}?token={bob}"))
        .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
    assert!(!response.1.to_string().contains("secret"));
}

#[tokio::test]
async fn history_with_an_unknown_token_is_invalid_token() {
    let (app, _, rid) = TestApp::spawn_with_room().await;
    let response = app
        .get(&format!("messages.history/{rid}?token={}", new_token()))
        .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn history_of_an_unknown_room_is_invalid_room() {
    let (app, token, _) = TestApp::spawn_with_room().await;
    let response = app
        .get(&format!("messages.history/NoSuchRoom1234567?token={token}"))
        .await;
    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn history_without_a_token_is_invalid_params() {
    let (app, _, rid) = TestApp::spawn_with_room().await;
    assert_invalid_params(&app.get(&format!("messages.history/{rid}")).await, "token");
    assert_invalid_params(
        &app.get(&format!("messages.history/{rid}?token=")).await,
        "token",
    );
}

#[tokio::test]
async fn history_of_a_closed_room_is_still_readable() {
    let app = TestApp::spawn().await;
    let (token, rid, _, id) = visitor_with_message(&app, "before closing").await;
    app.close_room(&token, &rid).await;

    let messages = app.history(&token, &rid, "").await;

    assert!(ids(&messages).contains(&id));
    assert!(
        messages.iter().any(|m| m["t"] == json!("livechat-close")),
        "the closing message shows: {messages:?}"
    );
    assert_eq!(messages.last().unwrap()["t"], json!("livechat-started"));
}

#[tokio::test]
async fn history_hides_navigation_messages() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let pricing = json!({ "change": "url", "title": "Pricing", "location": { "href": "https://example.com/pricing" } });
    let body = app
        .post_ok(
            "page.visited",
            json!({ "token": token, "rid": rid, "pageInfo": pricing }),
        )
        .await;
    assert!(body.get("page").is_some(), "the visit was recorded: {body}");
    app.send_message(&token, &rid, "visible").await;

    let messages = app.history(&token, &rid, "").await;

    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages
        .iter()
        .all(|m| m["t"] != json!("livechat_navigation_history")));
}
