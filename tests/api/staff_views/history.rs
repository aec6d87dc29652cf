//! A visitor's navigation history (`visitors.pagesVisited`, reference §3.5, seed 001) and
//! chat history (`visitors.chatHistory`, §3.6).

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::room_messages::visit_page;
use super::*;

/// A room served by alice whose visitor viewed two pages; bob is another agent.
/// `(desk, alice, bob, token, rid)`.
async fn browsing_visitor() -> (Desk, Credentials, Credentials, String, String) {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let (token, room) = room_for(&desk, "Browsing Bea", None).await;
    let rid = room["_id"].as_str().unwrap().to_string();
    visit_page(&desk, &token, &rid, "https://example.com/one").await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    visit_page(&desk, &token, &rid, "https://example.com/two").await;
    desk.app.send_message(&token, &rid, "not a page").await;
    let (_, bob) = desk.agent("bob").await;
    (desk, alice, bob, token, rid)
}

fn hrefs(pages: &Value) -> Vec<String> {
    pages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["navigation"]["page"]["location"]["href"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn pages_visited_by_query_answers_like_the_documented_example() {
    let (desk, alice, _, token, rid) = browsing_visitor().await;
    let body = get_ok(
        &desk,
        &alice,
        &format!("visitors.pagesVisited?roomId={rid}"),
    )
    .await;
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["pages", "success"],
        "{body}"
    );
    assert_eq!(
        hrefs(&body["pages"]),
        ["https://example.com/two", "https://example.com/one"]
    );
    let page = &body["pages"][0];
    assert_eq!(page["t"], json!("livechat_navigation_history"));
    assert_eq!(page["rid"], json!(rid));
    assert_eq!(
        page["u"],
        json!({ "_id": "rocket.cat", "username": "rocket.cat" })
    );
    assert_eq!(page["groupable"], json!(false));
    assert_eq!(page["_hidden"], json!(true));
    assert_eq!(page["msg"], json!("Page - https://example.com/two"));
    assert_eq!(
        page["navigation"].get("token"),
        None,
        "staff never see visitor tokens"
    );
    assert!(!body.to_string().contains(&token), "{body}");
    assert_utc_date(page, "ts");
    assert_utc_date(page, "_updatedAt");
}

#[tokio::test]
async fn pages_visited_by_path_paginates_and_sorts() {
    let (desk, alice, _, _, rid) = browsing_visitor().await;
    let body = get_ok(&desk, &alice, &format!("visitors.pagesVisited/{rid}")).await;
    assert_page(&body, "pages", 2, 0, 2);
    assert_eq!(
        hrefs(&body["pages"]),
        ["https://example.com/two", "https://example.com/one"]
    );
    let body = get_ok(
        &desk,
        &alice,
        &format!("visitors.pagesVisited/{rid}?count=1&offset=1"),
    )
    .await;
    assert_page(&body, "pages", 1, 1, 2);
    assert_eq!(hrefs(&body["pages"]), ["https://example.com/one"]);
    let sort = encode(r#"{"ts":1}"#);
    let body = get_ok(
        &desk,
        &alice,
        &format!("visitors.pagesVisited/{rid}?sort={sort}"),
    )
    .await;
    assert_eq!(
        hrefs(&body["pages"]),
        ["https://example.com/one", "https://example.com/two"]
    );
    let response = get(
        &desk,
        &alice,
        &format!("visitors.pagesVisited/{rid}?sort=%7B%22ts%22%3A5%7D"),
    )
    .await;
    assert_invalid_sort(&response, r#"{"ts":5}"#);
}

#[tokio::test]
async fn pages_visited_of_an_unknown_room_is_invalid_room() {
    let (desk, alice, _, _, _) = browsing_visitor().await;
    for path in [
        "visitors.pagesVisited?roomId=room-id",
        "visitors.pagesVisited/room-id",
    ] {
        assert_error(
            &get(&desk, &alice, path).await,
            StatusCode::BAD_REQUEST,
            "invalid-room",
        );
    }
    assert_invalid_params(
        &get(&desk, &alice, "visitors.pagesVisited").await,
        "'roomId'",
    );
    assert_invalid_params(
        &get(&desk, &alice, "visitors.pagesVisited?roomId=x&count=1").await,
        "count",
    );
}

#[tokio::test]
async fn pages_visited_follow_the_room_access_rule() {
    let (desk, _, bob, token, rid) = browsing_visitor().await;
    for path in [
        format!("visitors.pagesVisited?roomId={rid}"),
        format!("visitors.pagesVisited/{rid}"),
    ] {
        let refused = get(&desk, &bob, &path).await;
        assert_meteor_error(
            &refused,
            "error-not-allowed",
            "Not allowed [error-not-allowed]",
        );
    }
    let boss = manager(&desk).await;
    let body = get_ok(&desk, &boss, &format!("visitors.pagesVisited/{rid}")).await;
    assert_eq!(body["total"], json!(2));
    assert_staff_only(&desk, &format!("visitors.pagesVisited/{rid}"), &token).await;
    assert_staff_only(
        &desk,
        &format!("visitors.pagesVisited?roomId={rid}"),
        &token,
    )
    .await;
}

/// A visitor with a closed room and an open one, both served by alice, and another visitor's
/// room; bob is another agent. `(desk, alice, bob, token, visitor id, [closed, open], other)`.
struct Returning {
    desk: Desk,
    alice: Credentials,
    bob: Credentials,
    token: String,
    visitor_id: String,
    closed: String,
    open: String,
    stranger: String,
}

async fn returning_visitor() -> Returning {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let (token, first) = room_for(&desk, "Returning Rita", None).await;
    let closed = first["_id"].as_str().unwrap().to_string();
    let visitor_id = first["v"]["_id"].as_str().unwrap().to_string();
    desk.app.close_room(&token, &closed).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let open = desk.room_of(&token).await["_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(open, closed);
    let (_, stranger) = room_for(&desk, "Someone Else", None).await;
    let (_, bob) = desk.agent("bob").await;
    Returning {
        desk,
        alice,
        bob,
        token,
        visitor_id,
        closed,
        open,
        stranger: stranger["_id"].as_str().unwrap().to_string(),
    }
}

impl Returning {
    fn path(&self, rid: &str, query: &str) -> String {
        format!(
            "visitors.chatHistory/room/{rid}/visitor/{}{query}",
            self.visitor_id
        )
    }
}

#[tokio::test]
async fn chat_history_lists_every_room_of_the_visitor_newest_first() {
    let r = returning_visitor().await;
    let body = get_ok(&r.desk, &r.alice, &r.path(&r.open, "")).await;
    assert_page(&body, "history", 2, 0, 2);
    assert_eq!(ids(&body["history"]), [r.open.clone(), r.closed.clone()]);
    assert_eq!(body["history"][0]["open"], json!(true));
    assert_absent(&body["history"][1], "open");
    assert_eq!(body["history"][1]["v"]["_id"], json!(r.visitor_id));

    let body = get_ok(&r.desk, &r.alice, &r.path(&r.open, "?count=1&offset=1")).await;
    assert_page(&body, "history", 1, 1, 2);
    assert_eq!(ids(&body["history"]), [r.closed.as_str()]);
    let sort = encode(r#"{"ts":1}"#);
    let body = get_ok(
        &r.desk,
        &r.alice,
        &r.path(&r.open, &format!("?sort={sort}")),
    )
    .await;
    assert_eq!(ids(&body["history"]), [r.closed.clone(), r.open.clone()]);
}

/// For managers the room only grants access (as in Rocket.Chat); a plain agent must name the
/// room's own visitor, or reading one chat would open every visitor's history.
#[tokio::test]
async fn chat_history_room_only_grants_access() {
    let r = returning_visitor().await;
    let boss = manager(&r.desk).await;
    let body = get_ok(&r.desk, &boss, &r.path(&r.stranger, "")).await;
    assert_eq!(
        ids(&body["history"]),
        [r.open.clone(), r.closed.clone()],
        "the room given does not filter the history"
    );
    let body = get_ok(
        &r.desk,
        &boss,
        &format!("visitors.chatHistory/room/{}/visitor/nobody", r.open),
    )
    .await;
    assert_page(&body, "history", 0, 0, 0);
    let refused = get(&r.desk, &r.alice, &r.path(&r.stranger, "")).await;
    assert_meteor_error(
        &refused,
        "error-not-allowed",
        "Not allowed [error-not-allowed]",
    );
}

#[tokio::test]
async fn chat_history_follows_the_room_access_rule() {
    let r = returning_visitor().await;
    let refused = get(&r.desk, &r.bob, &r.path(&r.open, "")).await;
    assert_meteor_error(
        &refused,
        "error-not-allowed",
        "Not allowed [error-not-allowed]",
    );
    let boss = manager(&r.desk).await;
    let body = get_ok(&r.desk, &boss, &r.path(&r.open, "")).await;
    assert_eq!(body["total"], json!(2));
    let unknown = get(&r.desk, &r.alice, &r.path("no-such-room", "")).await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid-room");
    assert_invalid_params(
        &get(&r.desk, &r.alice, &r.path(&r.open, "?roomId=x")).await,
        "roomId",
    );
    assert_staff_only(&r.desk, &r.path(&r.open, ""), &r.token).await;
}
