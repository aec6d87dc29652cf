//! Who finds what: a plain agent only the rooms it may read (served by it, or queued for it),
//! a manager every room; no permission, no search; hostile texts are only ever searched for.

use super::*;

#[tokio::test]
async fn a_plain_agent_finds_only_the_rooms_it_may_read_and_a_manager_all() {
    let s = Search::open().await;
    // alice (Sales) does not find otto's Support chat, neither by its words nor its visitor.
    for text in ["parcel", "Kim Parker", "kim@example.net"] {
        let body = s.answer(&s.alice, text, "").await;
        assert_eq!(
            (room_ids(&body).len(), &body["total"]),
            (0, &json!(0)),
            "{text}"
        );
        assert_eq!(s.found(&s.otto, text).await, [s.kim.rid.as_str()], "{text}");
        assert_eq!(s.found(&s.boss, text).await, [s.kim.rid.as_str()], "{text}");
    }
    assert!(s.found(&s.otto, "refund").await.is_empty());
    assert_eq!(s.found(&s.alice, "refund").await, [s.zoe.rid.as_str()]);

    // Chats waiting in a queue: a Support one (only otto's department) and one of no
    // department (any agent's).
    set_availability(&s.desk, &s.alice, "not-available").await;
    set_availability(&s.desk, &s.otto, "not-available").await;
    let support = chat(&s.desk, "Queued Support", "qs@example.com", Some(SUPPORT)).await;
    s.desk
        .app
        .send_message(&support.token, &support.rid, "waiting quietly")
        .await;
    let anyone = chat(&s.desk, "Queued Anyone", "qa@example.com", None).await;
    s.desk
        .app
        .send_message(&anyone.token, &anyone.rid, "waiting quietly")
        .await;
    assert_eq!(s.found(&s.alice, "waiting").await, [anyone.rid.as_str()]);
    assert_eq!(
        s.found(&s.otto, "waiting").await,
        [anyone.rid.clone(), support.rid.clone()]
    );
    let body = s.answer(&s.boss, "waiting", "").await;
    assert_eq!(body["total"], json!(2), "{body}");

    // A chat alice served stays hers once closed; the broad "@example." counts only what she
    // may read: Zoé's and the queued chat of no department.
    s.desk.app.close_room(&s.zoe.token, &s.zoe.rid).await;
    assert_eq!(s.found(&s.alice, "refund").await, [s.zoe.rid.as_str()]);
    let body = s.answer(&s.alice, "@example.", "").await;
    assert_eq!(room_ids(&body), [anyone.rid.clone(), s.zoe.rid.clone()]);
    assert_eq!(body["total"], json!(2));
    assert_eq!(s.answer(&s.boss, "@example.", "").await["total"], json!(4));
}

#[tokio::test]
async fn hostile_texts_are_searched_for_never_interpreted() {
    let s = Search::open().await;
    for text in [
        "\"",
        "*",
        "NEAR(",
        "NEAR(refund 4711)",
        "a:b",
        "!",
        "'",
        "''",
        "\\",
        "(",
        ")",
        "&",
        "|",
        "^",
        "-",
        "+",
        ":*",
        "refund OR parcel",
        "refund NOT order",
        "refund AND",
        "%",
        "_",
        "col:refund",
        "'refund':*",
        "\"refund\"*",
        "refund & !order",
        "{refund}",
        "ʼ",
        "🙂",
        "ﷺ",
    ] {
        let (status, body) = s.raw(&s.boss, text, "").await;
        assert_eq!(status, StatusCode::OK, "{text:?}: {body}");
        assert_eq!(body["success"], json!(true), "{text:?}: {body}");
    }
    // Punctuation around a word is a separator: the word is still found.
    for text in [
        "\"refund",
        "refund\"*",
        "(refund)",
        "refund:*",
        "'refund'",
        "refund!",
    ] {
        assert_eq!(s.found(&s.boss, text).await, [s.zoe.rid.as_str()], "{text}");
    }
    // Operators are words like any other, so these need a message that has them.
    assert!(s.found(&s.boss, "refund OR parcel").await.is_empty());
    assert!(s.found(&s.boss, "refund NOT order").await.is_empty());

    let nul = s.raw(&s.boss, "refund\u{0}", "").await;
    assert_eq!(
        nul.0,
        StatusCode::BAD_REQUEST,
        "the API refuses NUL: {}",
        nul.1
    );

    let long = "x".repeat(257);
    let (status, body) = s.raw(&s.boss, &long, "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorType"], json!("invalid-params"), "{body}");
    assert_eq!(s.raw(&s.boss, &"x".repeat(256), "").await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_text_is_required_and_parameters_are_checked() {
    let s = Search::open().await;
    for text in ["", "   ", "\t\n"] {
        assert_invalid_params(
            &s.raw(&s.boss, text, "").await,
            "The 'text' param is required",
        );
    }
    let (status, body) = s
        .desk
        .call(&s.boss, Method::GET, "rooms.search", None)
        .await;
    assert_invalid_params(&(status, body), "The 'text' param is required");
    let (status, body) = s.raw(&s.boss, "refund", "&count=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = s.raw(&s.boss, "refund", "&sort=%7B%7D&foo=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown keys: {body}");
}

#[tokio::test]
async fn needs_a_login_and_view_l_room() {
    let s = Search::open().await;
    let plain = s.desk.account("plain", &["user"]).await;
    let (status, body) = s.raw(&plain, "refund", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["errorType"], json!("error-unauthorized"), "{body}");
    let (status, body) = s.desk.app.get("rooms.search?text=refund").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = s
        .desk
        .app
        .get(&format!("rooms.search?text=refund&token={}", s.zoe.token))
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a visitor token is no login: {body}"
    );
}
