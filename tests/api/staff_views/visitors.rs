//! `visitors.info` (reference §3.4, seed 001) and `visitors.search` (§3.7, seed 002).

use reqwest::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test]
async fn visitors_info_returns_the_visitor_document() {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let token = new_token();
    let registered = desk
        .app
        .register_ok(json!({ "token": token, "name": "Info Ida", "email": "ida@example.com", "phone": "55 51 5555-5555" }))
        .await["visitor"]
        .clone();
    let id = registered["_id"].as_str().unwrap();
    let body = get_ok(&desk, &alice, &format!("visitors.info?visitorId={id}")).await;
    let visitor = &body["visitor"];
    assert_eq!(visitor["_id"], json!(id));
    assert_eq!(visitor.get("token"), None, "staff never see visitor tokens");
    assert_eq!(visitor["username"], registered["username"]);
    assert_eq!(visitor["name"], json!("Info Ida"));
    assert_eq!(
        visitor["visitorEmails"],
        json!([{ "address": "ida@example.com" }])
    );
    assert_eq!(
        visitor["phone"],
        json!([{ "phoneNumber": "55 51 5555-5555" }])
    );
    assert_utc_date(visitor, "_updatedAt");
}

#[tokio::test]
async fn visitors_info_errors() {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let response = get(&desk, &alice, "visitors.info?visitorId=nobody").await;
    assert_error(&response, StatusCode::BAD_REQUEST, "visitor-not-found");
    assert_eq!(response.1["errorType"], json!("visitor-not-found"));
    assert_invalid_params(&get(&desk, &alice, "visitors.info").await, "'visitorId'");
    assert_invalid_params(
        &get(&desk, &alice, "visitors.info?visitorId=").await,
        "visitorId",
    );
    assert_invalid_params(
        &get(&desk, &alice, "visitors.info?visitorId=a&extra=1").await,
        "extra",
    );
    let token = desk.app.registered_visitor().await;
    assert_staff_only(&desk, "visitors.info?visitorId=x", &token).await;
}

/// Joey (e-mail, phone, no chat), Joanna (no chat) and Mark (e-mail, a chat), registered in
/// that order; alice is an agent. `(desk, alice, [joey, joanna, mark] ids)`.
async fn directory() -> (Desk, Credentials, [String; 3]) {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let mut ids = Vec::new();
    for visitor in [
        json!({ "name": "joey", "email": "joey@example.com", "phone": "912235665456" }),
        json!({ "name": "Joanna Smith" }),
        json!({ "name": "Mark", "email": "mark@example.com" }),
    ] {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let token = new_token();
        let mut visitor = visitor;
        visitor["token"] = json!(token);
        let body = desk.app.register_ok(visitor).await;
        ids.push(body["visitor"]["_id"].as_str().unwrap().to_string());
        if ids.len() == 3 {
            desk.room_of(&token).await;
        }
    }
    (desk, alice, ids.try_into().unwrap())
}

async fn found(desk: &Desk, who: &Credentials, query: &str) -> Vec<String> {
    let body = get_ok(desk, who, &format!("visitors.search?{query}")).await;
    ids(&body["visitors"])
}

#[tokio::test]
async fn search_answers_like_the_documented_example() {
    let (desk, alice, [joey, _, _]) = directory().await;
    let body = get_ok(&desk, &alice, "visitors.search?term=joey@example.com").await;
    assert_page(&body, "visitors", 1, 0, 1);
    let visitor = &body["visitors"][0];
    assert_eq!(visitor["_id"], json!(joey));
    assert_eq!(visitor["name"], json!("joey"));
    assert_eq!(
        visitor["visitorEmails"],
        json!([{ "address": "joey@example.com" }])
    );
    assert_eq!(visitor["phone"], json!([{ "phoneNumber": "912235665456" }]));
    let keys: Vec<&String> = visitor.as_object().unwrap().keys().collect();
    for key in &keys {
        assert!(
            [
                "_id",
                "username",
                "name",
                "phone",
                "livechatData",
                "visitorEmails",
                "lastChat"
            ]
            .contains(&key.as_str()),
            "{key} is not in the projection: {visitor}"
        );
    }
    assert_absent(visitor, "token");
}

#[tokio::test]
async fn search_matches_contact_details_exactly_and_names_by_substring() {
    let (desk, alice, [joey, joanna, mark]) = directory().await;
    assert_eq!(
        found(&desk, &alice, "term=912235665456").await,
        [joey.as_str()]
    );
    assert!(
        found(&desk, &alice, "term=9122356").await.is_empty(),
        "phones match whole"
    );
    assert!(
        found(&desk, &alice, "term=joey@example").await.is_empty(),
        "e-mails match whole"
    );
    assert_eq!(
        found(&desk, &alice, "term=JO").await,
        [joanna.clone(), joey.clone()],
        "names match in any case, newest first"
    );
    assert_eq!(found(&desk, &alice, "term=smith").await, [joanna.as_str()]);
    assert_eq!(
        found(&desk, &alice, "term=guest-").await.len(),
        3,
        "usernames too"
    );
    assert!(
        found(&desk, &alice, "term=%25").await.is_empty(),
        "% is literal"
    );
    assert_eq!(
        found(&desk, &alice, "").await,
        [mark, joanna, joey],
        "without a term (seed 002: optional) every visitor"
    );
}

#[tokio::test]
async fn search_paginates_and_sorts() {
    let (desk, alice, [joey, joanna, mark]) = directory().await;
    let body = get_ok(&desk, &alice, "visitors.search?count=2&offset=1").await;
    assert_page(&body, "visitors", 2, 1, 3);
    assert_eq!(ids(&body["visitors"]), [joanna.clone(), joey.clone()]);

    let by_last_chat = encode(r#"{"lastChat.ts":-1}"#);
    assert_eq!(
        found(&desk, &alice, &format!("sort={by_last_chat}")).await[0],
        mark
    );
    let by_last_chat = encode(r#"{"lastChat.ts":1,"ts":1}"#);
    assert_eq!(
        found(&desk, &alice, &format!("sort={by_last_chat}")).await,
        [joey.clone(), joanna.clone(), mark.clone()],
        "visitors without a chat first"
    );
    let by_name = encode(r#"{"name":1}"#);
    assert_eq!(
        found(&desk, &alice, &format!("sort={by_name}")).await,
        [joanna, joey, mark]
    );
    let response = get(&desk, &alice, "visitors.search?sort=%7B%22ts%22%3A2%7D").await;
    assert_invalid_sort(&response, r#"{"ts":2}"#);
    let response = get(
        &desk,
        &alice,
        &format!("visitors.search?sort={}", encode(r#"{"token":1}"#)),
    )
    .await;
    assert_eq!(
        response.1["errorType"],
        json!("error-invalid-sort"),
        "{}",
        response.1
    );
}

#[tokio::test]
async fn search_refuses_bad_parameters_and_outsiders() {
    let (desk, alice, _) = directory().await;
    let long = "x".repeat(300);
    assert_invalid_params(
        &get(&desk, &alice, &format!("visitors.search?term={long}")).await,
        "term",
    );
    assert_invalid_params(
        &get(&desk, &alice, "visitors.search?term=a&fields=x").await,
        "fields",
    );
    assert_invalid_params(
        &get(&desk, &alice, "visitors.search?count=lots").await,
        "count",
    );
    let token = desk.app.registered_visitor().await;
    assert_staff_only(&desk, "visitors.search?term=joey", &token).await;
}
