//! The agent console's queue actions (issue 12): returning a served chat to the queue
//! (`livechat/inquiries.returnAsInquiry`, DDP `livechat:returnAsInquiry`), reading the path a
//! chat took (`livechat/transfer.history/:rid`), and a manager joining a chat
//! (`livechat/room.join`).

mod return_to_queue;
mod room_join;
mod transfer_history;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

/// A desk with the seeded departments under `Manual_Selection`, where agent `first` took the
/// chat of a new visitor: `(desk, first_id, first, token, rid)`.
async fn taken_room() -> (Desk, String, Credentials, String, String) {
    let desk = Desk::open_with(seed_departments).await;
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    let (first_id, first) = desk.agent("first").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap().to_string();
    let inquiry = inquiry_of(&desk, &rid).await;
    desk.take_inquiry(&first, &inquiry["_id"]).await;
    (desk, first_id, first, token, rid)
}

/// The room's inquiry, as a manager reads it.
async fn inquiry_of(desk: &Desk, rid: &str) -> Value {
    let path = format!("inquiries.getOne?roomId={rid}");
    let (status, body) = desk.call(&desk.admin, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["inquiry"].clone()
}

async fn return_as_inquiry(desk: &Desk, who: &Credentials, body: Value) -> (StatusCode, Value) {
    desk.call(who, Method::POST, "inquiries.returnAsInquiry", Some(body))
        .await
}

/// Asserts 401 without a login, with a visitor's token instead of one, and with a forged one.
async fn assert_needs_login(desk: &Desk, method: Method, path: &str, body: Value, token: &str) {
    let not_logged_in =
        json!({ "status": "error", "message": "You must be logged in to do this." });
    let url = desk.app.url(path);
    let response = desk
        .app
        .client
        .request(method.clone(), &url)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    assert_eq!(response.json::<Value>().await.unwrap(), not_logged_in);
    let response = desk
        .app
        .client
        .request(method.clone(), &url)
        .header("X-Visitor-Token", token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "{path} with a visitor token"
    );
    let forged = (desk.admin.0.clone(), token.to_string());
    let (status, _) = desk.call(&forged, method, path, Some(body)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{path} with a forged login"
    );
}

/// Asserts that a staff answer carries no visitor token anywhere: no `token` or
/// `visitorToken` field at any depth. (The test visitors' names contain their token, so the
/// text itself may.)
#[track_caller]
fn assert_no_token(body: &Value) {
    fn walk(value: &Value) -> bool {
        match value {
            Value::Object(map) => map
                .iter()
                .any(|(key, v)| key == "token" || key == "visitorToken" || walk(v)),
            Value::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    assert!(!walk(body), "visitor token in {body}");
}
