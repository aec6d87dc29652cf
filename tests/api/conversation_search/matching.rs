//! What a search matches: message words (each a prefix, all required, any case or accent),
//! visitor names and e-mails; what it does not: old text, deleted things, hidden and system
//! messages.

use super::*;

#[tokio::test]
async fn finds_rooms_by_the_words_of_their_messages() {
    let s = Search::open().await;
    let zoe = vec![s.zoe.rid.as_str()];
    assert_eq!(s.found(&s.boss, "refund").await, zoe);
    assert_eq!(s.found(&s.boss, "ref").await, zoe, "a word is a prefix");
    assert_eq!(s.found(&s.boss, "REFUND 4711").await, zoe);
    assert_eq!(s.found(&s.boss, "order refund").await, zoe, "in any order");
    assert!(
        s.found(&s.boss, "efund").await.is_empty(),
        "not inside a word"
    );
    assert!(
        s.found(&s.boss, "refund parcel").await.is_empty(),
        "every word in one message"
    );
    assert_eq!(s.found(&s.boss, "parcel").await, [s.kim.rid.as_str()]);

    let body = s.answer(&s.boss, "refund", "").await;
    let room = &body["rooms"][0];
    assert_eq!(room["fname"], json!("Zoé Müller"), "{room}");
    assert_eq!(
        room["department"]["_id"],
        json!(SALES),
        "as livechat/rooms: {room}"
    );
    assert_eq!(room["servedBy"]["username"], json!("alice"), "{room}");
    let matched = room["matches"].as_array().unwrap();
    assert_eq!(matched.len(), 1, "{room}");
    let keys: Vec<&str> = matched[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    for key in ["_id", "msg", "ts", "u"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(matched[0]["msg"], json!("I need a refund for order 4711"));
    assert_eq!(matched[0]["u"]["username"], room["v"]["username"]);
    assert_utc_date(&matched[0], "ts");
    assert_eq!((&body["total"], &body["offset"]), (&json!(1), &json!(0)));
}

#[tokio::test]
async fn ignores_case_and_accents() {
    let s = Search::open().await;
    let zoe = vec![s.zoe.rid.as_str()];
    for text in ["cafe", "CAFÉ", "café", "etait froid", "ÉTAIT"] {
        let body = s.answer(&s.boss, text, "").await;
        assert_eq!(room_ids(&body), zoe, "{text}");
        assert_eq!(match_texts(&body, &s.zoe.rid), ["Mon Café était froid"]);
    }
}

#[tokio::test]
async fn finds_visitors_by_name_and_email_substring_without_matches() {
    let s = Search::open().await;
    for text in [
        "müller",
        "ZOÉ MÜ",
        "oé",
        "mueller@EXAMPLE",
        "zoe.mueller@example.org",
    ] {
        let body = s.answer(&s.boss, text, "").await;
        assert_eq!(room_ids(&body), [s.zoe.rid.as_str()], "{text}");
        assert_eq!(body["rooms"][0]["matches"], json!([]), "{text}: {body}");
    }
    assert_eq!(s.found(&s.boss, "example.net").await, [s.kim.rid.as_str()]);
    // Both visitors' e-mails end in "example.": newest room first.
    assert_eq!(
        s.found(&s.boss, "@example.").await,
        [s.kim.rid.clone(), s.zoe.rid.clone()]
    );
}

#[tokio::test]
async fn an_edit_replaces_the_old_text_and_deleted_things_are_gone() {
    let s = Search::open().await;
    let sent = s
        .desk
        .app
        .send_message(&s.zoe.token, &s.zoe.rid, "The walrus arrived broken")
        .await;
    let id = sent["_id"].as_str().unwrap();
    assert_eq!(s.found(&s.boss, "walrus").await, [s.zoe.rid.as_str()]);

    let path = format!("message/{id}");
    let edit =
        json!({ "token": s.zoe.token, "rid": s.zoe.rid, "msg": "The narwhal arrived broken" });
    let (status, body) = s.desk.app.put(&path, edit).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(s.found(&s.boss, "walrus").await.is_empty(), "old text");
    let body = s.answer(&s.boss, "narwhal", "").await;
    assert_eq!(
        match_texts(&body, &s.zoe.rid),
        ["The narwhal arrived broken"]
    );

    let query = format!("message/{id}?token={}&rid={}", s.zoe.token, s.zoe.rid);
    let (status, body) = s.desk.app.delete(&query, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        s.found(&s.boss, "narwhal").await.is_empty(),
        "deleted message"
    );
    assert_eq!(s.found(&s.boss, "refund").await, [s.zoe.rid.as_str()]);

    s.desk.app.close_room(&s.zoe.token, &s.zoe.rid).await;
    let (status, body) = s
        .desk
        .app
        .delete(&format!("visitor/{}", s.zoe.token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        s.found(&s.boss, "refund").await.is_empty(),
        "deleted visitor"
    );
    assert!(
        s.found(&s.boss, "Müller").await.is_empty(),
        "deleted visitor"
    );
    assert_eq!(s.found(&s.boss, "parcel").await, [s.kim.rid.as_str()]);
}

#[tokio::test]
async fn hidden_navigation_and_system_messages_are_not_matched() {
    let s = Search::open().await;
    let page = json!({
        "token": s.kim.token, "rid": s.kim.rid,
        "pageInfo": { "change": "url", "title": "Pricing", "location": { "href": "https://example.com/walrus" } },
    });
    s.desk.app.post_ok("page.visited", page).await;
    let close = json!({ "rid": s.kim.rid, "comment": "zebra resolved" });
    let (status, body) = s
        .desk
        .call(&s.otto, Method::POST, "room.closeByUser", Some(close))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Both are in the room: the conversation shows the closing comment, the pages the visit.
    let (_, conversation) = s
        .desk
        .call(
            &s.boss,
            Method::GET,
            &format!("{}/messages", s.kim.rid),
            None,
        )
        .await;
    assert!(
        conversation.to_string().contains("zebra resolved"),
        "{conversation}"
    );
    let (_, pages) = s
        .desk
        .call(
            &s.boss,
            Method::GET,
            &format!("visitors.pagesVisited/{}", s.kim.rid),
            None,
        )
        .await;
    assert!(pages.to_string().contains("walrus"), "{pages}");

    for text in ["walrus", "Pricing", "zebra", "promptTranscript"] {
        assert!(s.found(&s.boss, text).await.is_empty(), "{text}");
    }
    assert_eq!(
        s.found(&s.boss, "parcel").await,
        [s.kim.rid.as_str()],
        "closed rooms too"
    );
}

#[tokio::test]
async fn pages_newest_first_with_the_total_and_three_matches_per_room() {
    let s = Search::open().await;
    let mut chats = Vec::new();
    for n in 0..3 {
        let c = chat(
            &s.desk,
            &format!("Pager {n}"),
            &format!("p{n}@example.com"),
            None,
        )
        .await;
        s.desk
            .app
            .send_message(&c.token, &c.rid, "pagination probe 0")
            .await;
        chats.push(c);
    }
    let newest_first: Vec<String> = chats.iter().rev().map(|c| c.rid.clone()).collect();

    let body = s.answer(&s.boss, "probe", "&count=2").await;
    assert_eq!(room_ids(&body), newest_first[..2]);
    let paging = |body: &Value| {
        (
            body["total"].clone(),
            body["count"].clone(),
            body["offset"].clone(),
        )
    };
    assert_eq!(paging(&body), (json!(3), json!(2), json!(0)));
    let body = s.answer(&s.boss, "probe", "&count=2&offset=2").await;
    assert_eq!(room_ids(&body), newest_first[2..]);
    assert_eq!(paging(&body), (json!(3), json!(1), json!(2)));

    // The newest room says four more matching things: its three newest matches are shown.
    let newest = &chats[2];
    for n in 1..=4 {
        tokio::time::sleep(Duration::from_millis(2)).await;
        let text = format!("pagination probe {n}");
        s.desk
            .app
            .send_message(&newest.token, &newest.rid, &text)
            .await;
    }
    let body = s.answer(&s.boss, "pagination probe", "").await;
    assert_eq!(
        match_texts(&body, &newest.rid),
        [
            "pagination probe 4",
            "pagination probe 3",
            "pagination probe 2"
        ]
    );
    assert_eq!(match_texts(&body, &chats[0].rid), ["pagination probe 0"]);
    assert_eq!(body["total"], json!(3));
}

#[tokio::test]
async fn visitors_search_chats_matches_words_the_same_way() {
    let s = Search::open().await;
    let body = s.answer(&s.boss, "refund", "").await;
    let visitor = body["rooms"][0]["v"]["_id"].as_str().unwrap().to_string();
    let found = |text: &'static str| {
        let path = format!(
            "visitors.searchChats/room/{}/visitor/{visitor}?searchText={}",
            s.zoe.rid,
            encode(text)
        );
        let desk = &s.desk;
        let alice = &s.alice;
        async move {
            let (status, body) = desk.call(alice, Method::GET, &path, None).await;
            assert_eq!(status, StatusCode::OK, "{text}: {body}");
            body["history"].as_array().unwrap().len()
        }
    };
    assert_eq!(found("cafe").await, 1, "accents ignored");
    assert_eq!(found("REF 47").await, 1, "prefixes, every word");
    assert_eq!(found("efund").await, 0, "not inside a word");
    assert_eq!(found("refund parcel").await, 0);
    assert_eq!(found("\"NEAR(").await, 0);
}
