//! The API the agent console needs beyond the read views (issue 12, "The API this needs"):
//! a visitor's past chats (`visitors.searchChats`), editing visitor and room info
//! (`room.saveInfo`), and DDP methods over REST (`method.call`, `method.callAnon`).

mod lookups;
mod method_call;
mod pages;
mod save_info;
mod search_chats;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use livechat::model::CustomFieldScope;

use crate::helpers::*;

const SALES: &str = "dep-sales";
const SUPPORT: &str = "dep-support";

/// A desk with two departments and custom fields `zip` (visitor, five digits), `nickname`
/// (visitor) and `ticket` (room, digits): `alice` (Sales) serves a Sales visitor's chats, `bob` (Sales)
/// serves none of them, `otto` is of Support, `boss` a manager.
struct Console {
    desk: Desk,
    alice: Credentials,
    bob: Credentials,
    otto: Credentials,
    boss: Credentials,
}

impl Console {
    async fn open() -> Console {
        let desk = Desk::open_with(|c| {
            seed_departments(c);
            c.custom_fields.extend([
                custom_field("zip", CustomFieldScope::Visitor, "^[0-9]{5}$"),
                custom_field("nickname", CustomFieldScope::Visitor, ""),
                custom_field("ticket", CustomFieldScope::Room, "^[0-9]+$"),
            ]);
        })
        .await;
        let (alice_id, alice) = desk.agent("alice").await;
        desk.add_to_department(SALES, &alice_id).await;
        let (otto_id, otto) = desk.agent("otto").await;
        desk.add_to_department(SUPPORT, &otto_id).await;
        let (_, bob) = desk.agent("bob").await;
        // bob stays away until the fixtures' chats are routed, so alice gets them all.
        set_availability(&desk, &bob, "not-available").await;
        let boss = desk.account("boss", &["livechat-manager"]).await;
        Console {
            desk,
            alice,
            bob,
            otto,
            boss,
        }
    }

    async fn bob_joins_sales(&self) {
        let (status, me) = self
            .desk
            .call(&self.bob, Method::GET, "/api/v1/me", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{me}");
        self.desk
            .add_to_department(SALES, me["_id"].as_str().unwrap())
            .await;
    }

    async fn get(&self, who: &Credentials, path: &str) -> (StatusCode, Value) {
        self.desk.call(who, Method::GET, path, None).await
    }

    async fn post(&self, who: &Credentials, path: &str, body: Value) -> (StatusCode, Value) {
        self.desk.call(who, Method::POST, path, Some(body)).await
    }
}

/// A new Sales visitor, named `name`, with an open room: `(token, room)`. Waits a little
/// first so rooms created one after another have distinct creation times.
async fn sales_room(desk: &Desk, token: &str, name: &str) -> Value {
    tokio::time::sleep(Duration::from_millis(5)).await;
    desk.app
        .register_ok(json!({ "token": token, "name": name, "department": SALES }))
        .await;
    let room = desk.room_of(token).await;
    assert!(room["_id"].is_string(), "{room}");
    room
}

fn id_of(doc: &Value) -> String {
    doc["_id"].as_str().unwrap().to_string()
}

/// The ids of a listing's items, in order.
fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("a list: {items}"))
        .iter()
        .map(id_of)
        .collect()
}

async fn set_availability(desk: &Desk, who: &Credentials, status: &str) {
    let (code, body) = desk
        .call(
            who,
            Method::POST,
            "agent.status",
            Some(json!({ "status": status })),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
}

/// Fails if the visitor's `token` appears anywhere in a staff answer.
#[track_caller]
fn assert_no_token(payload: &Value, token: &str) {
    assert!(
        !payload.to_string().contains(token),
        "a visitor token reached staff: {payload}"
    );
}

/// `401` without a login, with only a visitor token (header or parameter), and with a forged
/// login; `403` for a logged-in user without livechat roles.
async fn assert_staff_only(c: &Console, method: Method, path: &str, body: Value, token: &str) {
    let expected = json!({ "status": "error", "message": "You must be logged in to do this." });
    let send = |request: reqwest::RequestBuilder| {
        let body = body.clone();
        let with_body = method == Method::POST;
        async move {
            let request = if with_body {
                request.json(&body)
            } else {
                request
            };
            let response = request.send().await.unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let url = c.desk.app.url(path);
    let client = &c.desk.app.client;
    let (status, answer) = send(client.request(method.clone(), &url)).await;
    assert_eq!(
        (status, &answer),
        (StatusCode::UNAUTHORIZED, &expected),
        "{path}"
    );
    let (status, _) = send(
        client
            .request(method.clone(), &url)
            .header("X-Visitor-Token", token),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{path} with X-Visitor-Token"
    );
    let separator = if path.contains('?') { '&' } else { '?' };
    let with_param = c.desk.app.url(&format!("{path}{separator}token={token}"));
    let (status, _) = send(client.request(method.clone(), &with_param)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{path} with a token parameter"
    );
    let (status, _) = send(
        client
            .request(method.clone(), &url)
            .header("X-User-Id", &c.desk.admin.0)
            .header("X-Auth-Token", "not-a-login-token"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{path} with a forged login"
    );
    let plain = c.desk.account("plain", &["user"]).await;
    let (status, answer) = send(
        client
            .request(method.clone(), &url)
            .header("X-User-Id", &plain.0)
            .header("X-Auth-Token", &plain.1),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
    assert_eq!(answer["errorType"], json!("error-unauthorized"), "{answer}");
}
