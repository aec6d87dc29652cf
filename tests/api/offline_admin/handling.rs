//! Marking a message handled: who and when are kept, the filter follows, and it can be undone.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::json;

use super::Office;

#[tokio::test]
async fn handled_records_who_and_when_and_the_filter_follows() {
    let office = Office::open().await;
    office.leave(&["old", "new"]).await;
    let id = office.id_of("old").await;
    let before = Utc::now();
    let (status, body) = office
        .mark(&office.manager, &id, json!({ "handled": true }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let message = &body["message"];
    assert_eq!(
        (&message["_id"], &message["handled"]),
        (&json!(id), &json!(true))
    );
    assert_eq!(message["handledBy"]["username"], json!("mona"));
    assert!(message["handledBy"]["_id"].is_string(), "{message}");
    let at: DateTime<Utc> = message["handledAt"].as_str().unwrap().parse().unwrap();
    assert!(at >= before - chrono::Duration::seconds(1), "{at} {before}");

    assert_eq!(office.texts("?handled=false").await, ["new"]);
    assert_eq!(office.texts("?handled=true").await, ["old"]);
    assert_eq!(office.texts("?handled=").await, ["new", "old"]);
    let (_, body) = office.list(&office.manager, "?handled=true").await;
    assert_eq!(body["messages"][0]["handledBy"]["username"], json!("mona"));
    assert_eq!(body["total"], json!(1));

    // Undone: waiting again, nobody recorded.
    let (status, body) = office
        .mark(&office.desk.admin, &id, json!({ "handled": false }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"]["handled"], json!(false));
    assert!(body["message"].get("handledBy").is_none(), "{body}");
    assert_eq!(office.texts("?handled=false").await, ["new", "old"]);
    assert_eq!(office.texts("?handled=true").await, Vec::<String>::new());
}

#[tokio::test]
async fn agents_may_not_mark_and_nothing_changes() {
    let office = Office::open().await;
    office.leave(&["hello"]).await;
    let id = office.id_of("hello").await;
    let (status, body) = office
        .mark(&office.agent, &id, json!({ "handled": true }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let anonymous = ("nobody".to_string(), "no-token".to_string());
    let (status, _) = office
        .mark(&anonymous, &id, json!({ "handled": true }))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(office.texts("?handled=false").await, ["hello"]);
}

#[tokio::test]
async fn bad_bodies_and_unknown_messages_are_refused() {
    let office = Office::open().await;
    office.leave(&["hello"]).await;
    let id = office.id_of("hello").await;
    for body in [
        json!({}),
        json!({ "handled": null }),
        json!({ "handled": "yes" }),
        json!({ "handled": 1 }),
        json!({ "handled": true, "extra": 1 }),
        json!([true]),
    ] {
        let (status, answer) = office.mark(&office.manager, &id, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["success"], json!(false), "{body}");
    }
    let (status, body) = office
        .mark(
            &office.manager,
            "no-such-message",
            json!({ "handled": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["success"], json!(false));
    assert_eq!(office.texts("?handled=false").await, ["hello"]);
}
