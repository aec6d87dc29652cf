//! Visitors over REST: `visitors.info`, `visitors.search`, `visitors.online`,
//! `visitors.pagesVisited`, `visitors.chatHistory`.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::{assert_error, assert_meteor_error};

const NOT_ALLOWED: &str = "Not allowed [error-not-allowed]";

#[tokio::test]
async fn visitor_info_is_for_agents_of_the_visitors_department() {
    let b = Boundary::open().await;
    let token = b.visitor_of(SALES).await;
    let id = b.visitor_doc(&token).await["_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("visitors.info?visitorId={id}");

    let refused = b.get(&b.otto, &path).await;
    assert_error(&refused, StatusCode::BAD_REQUEST, "visitor-not-found");

    let (status, seen) = b.get(&b.sally, &path).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["visitor"]["_id"], json!(id));
    assert_no_token(&seen, &token);
    let (status, seen) = b.get(&b.desk.admin, &path).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_no_token(&seen, &token);
}

#[tokio::test]
async fn the_visitor_search_shows_other_departments_to_managers_only() {
    let b = Boundary::open().await;
    let token = new_token();
    let visitor = json!({ "token": token, "name": "Quentin Sales", "department": SALES });
    b.desk.app.register_ok(visitor).await;
    let path = "visitors.search?term=quentin";

    let (status, otto_sees) = b.get(&b.otto, path).await;
    assert_eq!(status, StatusCode::OK, "{otto_sees}");
    assert_eq!(otto_sees["total"], json!(0), "{otto_sees}");
    for who in [&b.sally, &b.desk.admin] {
        let (status, seen) = b.get(who, path).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["total"], json!(1), "{seen}");
        assert_no_token(&seen, &token);
    }
}

#[tokio::test]
async fn the_live_visitors_list_keeps_to_the_agents_departments() {
    let b = Boundary::open().await;
    let sales = b.visitor_of(SALES).await;
    let public = b.visitor_of_none().await;
    for token in [&sales, &public] {
        b.desk
            .app
            .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
            .await;
    }

    let (status, otto_sees) = b.get(&b.otto, "visitors.online").await;
    assert_eq!(status, StatusCode::OK, "{otto_sees}");
    assert_eq!(
        otto_sees["total"],
        json!(1),
        "only the visitor of no department: {otto_sees}"
    );
    assert_no_token(&otto_sees, &sales);
    assert_no_token(&otto_sees, &public);
    for who in [&b.sally, &b.desk.admin] {
        let (status, seen) = b.get(who, "visitors.online").await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["total"], json!(2), "{seen}");
        assert_no_token(&seen, &sales);
        assert_no_token(&seen, &public);
    }
}

#[tokio::test]
async fn pages_visited_carry_no_token_and_stay_with_the_room() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SALES).await;
    let rid = room["_id"].as_str().unwrap();
    let page =
        json!({ "change": "url", "title": "Pricing", "location": { "href": "https://x/pricing" } });
    b.desk
        .app
        .post_ok(
            "page.visited",
            json!({ "token": token, "rid": rid, "pageInfo": page }),
        )
        .await;
    b.take(&b.sally, rid).await;

    for path in [
        format!("visitors.pagesVisited/{rid}"),
        format!("visitors.pagesVisited?roomId={rid}"),
    ] {
        let (status, pages) = b.get(&b.sally, &path).await;
        assert_eq!(status, StatusCode::OK, "{pages}");
        assert_eq!(
            pages["pages"][0]["navigation"]["page"]["title"],
            json!("Pricing")
        );
        assert_no_token(&pages, &token);
        assert_meteor_error(
            &b.get(&b.otto, &path).await,
            "error-not-allowed",
            NOT_ALLOWED,
        );
    }
}

#[tokio::test]
async fn chat_history_is_of_the_rooms_own_visitor() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SALES).await;
    let rid = room["_id"].as_str().unwrap();
    b.take(&b.sally, rid).await;
    let (other_token, other_room) = b.queued_chat(SUPPORT).await;
    let other_visitor = other_room["v"]["_id"].as_str().unwrap();

    // Reading one room does not open another department's visitor's history.
    let path = format!("visitors.chatHistory/room/{rid}/visitor/{other_visitor}");
    let refused = b.get(&b.sally, &path).await;
    assert_meteor_error(&refused, "error-not-allowed", NOT_ALLOWED);
    assert_no_token(&refused.1, &other_token);

    let own = room["v"]["_id"].as_str().unwrap();
    let (status, history) = b
        .get(
            &b.sally,
            &format!("visitors.chatHistory/room/{rid}/visitor/{own}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history["history"][0]["_id"], json!(rid));
    assert_no_token(&history, &token);
}
