//! `visitorId` and `currentPage` on the session, over REST and live on the sessions stream.

use serde_json::json;

use super::*;

const SESSIONS: &str = "stream-livechat-visitor-sessions";

#[tokio::test]
async fn a_page_view_moves_the_current_page_live_for_staff() {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let mut ws = Ddp::login(&desk.app, "alice", "agent-password").await;
    let ready = ws.sub(SESSIONS, user_args("sessions")).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let (token, visitor_id) = visitor_on_site(&desk, "Ann", None).await;
    let created = ws.event(SESSIONS, "sessions").await["fields"]["args"][0].clone();
    assert_no_token(&created, &token);
    assert_eq!(created["session"]["visitorId"], json!(visitor_id));
    assert_eq!(created["session"].get("currentPage"), None, "{created}");
    assert_eq!(created["session"].get("rid"), None, "no chat yet");

    let title = "<img src=x onerror=alert(1)> Pricing";
    visit(&desk, &token, title, "https://shop.example/pricing?a=1").await;
    let moved = ws.event(SESSIONS, "sessions").await["fields"]["args"][0].clone();
    assert_no_token(&moved, &token);
    let page = &moved["session"]["currentPage"];
    assert_eq!(page["title"], json!(title));
    assert_eq!(page["url"], json!("https://shop.example/pricing?a=1"));
    assert!(
        page["ts"]["$date"].is_number(),
        "EJSON date on the stream: {page}"
    );
    assert_eq!(moved["session"]["visitorId"], json!(visitor_id));

    visit(&desk, &token, "Checkout", "https://shop.example/checkout").await;
    let session = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(session["visitorId"], json!(visitor_id));
    assert_eq!(session["currentPage"]["title"], json!("Checkout"));
    assert_eq!(
        session["currentPage"]["url"],
        json!("https://shop.example/checkout")
    );
    assert_utc_date(&session["currentPage"], "ts");
}

#[tokio::test]
async fn an_unmonitored_change_kind_leaves_the_current_page() {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let (token, visitor_id) = visitor_on_site(&desk, "Ann", None).await;
    visit(&desk, &token, "Home", "https://shop.example/").await;
    desk.app
        .post_ok(
            "page.visited",
            json!({ "token": token, "pageInfo": { "change": "title", "title": "Other", "location": { "href": "https://shop.example/other" } } }),
        )
        .await;
    let session = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(session["currentPage"]["title"], json!("Home"));
}

/// A site's tracker reports the first page (`page.visited`) before it opens the session
/// (`session.updateVisitCount`); the new session starts on that page, with or without a chat.
#[tokio::test]
async fn a_session_opened_after_the_first_page_view_starts_on_it() {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;

    let token = new_token();
    let registered = desk
        .app
        .register_ok(json!({ "token": token, "name": "Early" }))
        .await;
    let visitor_id = registered["visitor"]["_id"].as_str().unwrap().to_string();
    visit(&desk, &token, "Landing", "https://shop.example/landing").await;
    desk.app
        .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    let session = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(
        session["currentPage"]["title"],
        json!("Landing"),
        "{session}"
    );

    // The same with an open chat: the page was recorded in the room.
    let token = new_token();
    let registered = desk
        .app
        .register_ok(json!({ "token": token, "name": "Chatty" }))
        .await;
    let visitor_id = registered["visitor"]["_id"].as_str().unwrap().to_string();
    let rid = desk.app.open_room(&token).await;
    desk.app
        .post_ok(
            "page.visited",
            json!({ "token": token, "rid": rid, "pageInfo": { "change": "url", "title": "Cart", "location": { "href": "https://shop.example/cart" } } }),
        )
        .await;
    desk.app
        .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    let session = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(session["currentPage"]["title"], json!("Cart"), "{session}");
    assert_eq!(session["rid"], json!(rid), "{session}");
}
