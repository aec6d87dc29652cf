//! The listing: newest first, paginated, who may read it, and its filter's values.

use reqwest::StatusCode;
use serde_json::json;

use super::Office;

#[tokio::test]
async fn newest_first_a_page_at_a_time() {
    let office = Office::open().await;
    assert_eq!(office.texts("").await, Vec::<String>::new());
    office.leave(&["first", "second", "third"]).await;
    assert_eq!(office.texts("").await, ["third", "second", "first"]);

    let (status, body) = office.list(&office.manager, "?offset=1&count=1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            &body["count"],
            &body["offset"],
            &body["total"],
            &body["success"]
        ),
        (&json!(1), &json!(1), &json!(3), &json!(true))
    );
    let message = &body["messages"][0];
    assert_eq!(message["message"], json!("second"));
    assert_eq!(message["name"], json!("Vera"));
    assert_eq!(message["email"], json!("vera@example.com"));
    assert_eq!(message["handled"], json!(false));
    assert!(message["ts"].is_string(), "{message}");
    assert!(message.get("handledBy").is_none(), "{message}");
}

#[tokio::test]
async fn only_managers_and_administrators_read_them() {
    let office = Office::open().await;
    office.leave(&["hello"]).await;
    let (status, body) = office.list(&office.agent, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["success"], json!(false));
    let (status, body) = office.list(&office.desk.admin, "").await;
    assert_eq!((status, &body["total"]), (StatusCode::OK, &json!(1)));
    let anonymous = ("nobody".to_string(), "no-token".to_string());
    let (status, _) = office.list(&anonymous, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = office
        .desk
        .app
        .client
        .get(office.desk.app.url("offline.messages"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_filter_or_page_is_refused() {
    let office = Office::open().await;
    for query in [
        "?handled=maybe",
        "?handled=1",
        "?count=-1",
        "?offset=x",
        "?sort=ts",
    ] {
        let (status, body) = office.list(&office.manager, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["success"], json!(false), "{query}");
    }
}
