//! The queue over REST: `inquiries.getOne`, `inquiries.queued`, `inquiries.take`.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::helpers::assert_meteor_error;

#[tokio::test]
async fn get_one_refuses_a_chat_queued_in_another_department() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SALES).await;
    let rid = room["_id"].as_str().unwrap();
    b.desk.app.send_message(&token, rid, "my card number").await;
    let path = format!("inquiries.getOne?roomId={rid}");

    let refused = b.get(&b.otto, &path).await;
    assert_meteor_error(
        &refused,
        "error-not-allowed",
        "Not allowed [error-not-allowed]",
    );
    assert_no_token(&refused.1, &token);

    let (status, seen) = b.get(&b.sally, &path).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["inquiry"]["rid"], json!(rid));
    assert_eq!(
        seen["inquiry"]["lastMessage"]["msg"],
        json!("my card number")
    );
    assert_no_token(&seen, &token);
}

#[tokio::test]
async fn get_one_refuses_a_chat_someone_else_serves() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SUPPORT).await;
    let rid = room["_id"].as_str().unwrap();
    let taken = b.take(&b.otto, rid).await;
    assert_no_token(&taken, &token);
    let path = format!("inquiries.getOne?roomId={rid}");

    let refused = b.get(&b.sally, &path).await;
    assert_meteor_error(
        &refused,
        "error-not-allowed",
        "Not allowed [error-not-allowed]",
    );

    let (status, own) = b.get(&b.otto, &path).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["inquiry"]["status"], json!("taken"));
    assert_no_token(&own, &token);
    // A room that does not exist is still `null`, as in Rocket.Chat.
    let (status, none) = b
        .get(&b.sally, "inquiries.getOne?roomId=NoSuchRoom1234567")
        .await;
    assert_eq!(
        (status, none["inquiry"].clone()),
        (StatusCode::OK, json!(null))
    );
}

#[tokio::test]
async fn the_queue_lists_only_the_agents_departments_and_none() {
    let b = Boundary::open().await;
    let (sales_token, sales) = b.queued_chat(SALES).await;
    let (public_token, public) = b.queued_public_chat().await;

    let (status, otto_sees) = b.get(&b.otto, "inquiries.queued").await;
    assert_eq!(status, StatusCode::OK, "{otto_sees}");
    let rids: Vec<_> = otto_sees["inquiries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rid"].clone())
        .collect();
    assert_eq!(rids, vec![public["_id"].clone()], "{otto_sees}");
    assert_no_token(&otto_sees, &public_token);

    // Naming another department does not get around it (Rocket.Chat: error-not-authorized).
    let (status, refused) = b
        .get(&b.otto, &format!("inquiries.queued?department={SALES}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"], json!("error-not-authorized"));
    assert_no_token(&refused, &sales_token);
    let (status, refused) = b
        .get(&b.otto, "inquiries.queuedForUser?department=Sales")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");

    let (status, sally_sees) = b
        .get(&b.sally, &format!("inquiries.queued?department={SALES}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{sally_sees}");
    assert_eq!(sally_sees["total"], json!(1));
    assert_eq!(sally_sees["inquiries"][0]["rid"], sales["_id"]);
    assert_no_token(&sally_sees, &sales_token);
    // Managers name any department.
    let (status, admin_sees) = b
        .get(
            &b.desk.admin,
            &format!("inquiries.queued?department={SUPPORT}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{admin_sees}");
}

#[tokio::test]
async fn an_agent_cannot_take_another_departments_chat() {
    let b = Boundary::open().await;
    let (token, room) = b.queued_chat(SALES).await;
    let rid = room["_id"].as_str().unwrap();
    let (_, found) = b
        .get(&b.desk.admin, &format!("inquiries.getOne?roomId={rid}"))
        .await;
    let body = json!({ "inquiryId": found["inquiry"]["_id"] });
    let refused = b
        .desk
        .call(&b.otto, reqwest::Method::POST, "inquiries.take", Some(body))
        .await;
    assert_meteor_error(
        &refused,
        "error-not-allowed",
        "Not allowed [error-not-allowed]",
    );
    assert_no_token(&refused.1, &token);
    let (_, after) = b
        .get(&b.desk.admin, &format!("inquiries.getOne?roomId={rid}"))
        .await;
    assert_eq!(
        after["inquiry"]["status"],
        json!("queued"),
        "nothing changed"
    );

    let taken = b.take(&b.sally, rid).await;
    assert_eq!(taken["inquiry"]["status"], json!("taken"));
}
