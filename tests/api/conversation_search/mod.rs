//! `GET livechat/rooms.search` (our own route): the agent console's conversation search, by
//! visitor name, e-mail or the words of what was said (full-text, both backends), within the
//! rooms the caller may read.

mod access;
mod matching;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

const SALES: &str = "dep-sales";
const SUPPORT: &str = "dep-support";

/// A desk with `alice` (Sales), `otto` (Support) and `boss` (a manager), and two served chats:
/// Zoé Müller's (Sales, alice) and Kim Parker's (Support, otto).
struct Search {
    desk: Desk,
    alice: Credentials,
    otto: Credentials,
    boss: Credentials,
    zoe: Chat,
    kim: Chat,
}

/// A visitor's token and open room id.
struct Chat {
    token: String,
    rid: String,
}

impl Search {
    async fn open() -> Search {
        let desk = Desk::open_with(seed_departments).await;
        let (alice_id, alice) = desk.agent("alice").await;
        desk.add_to_department(SALES, &alice_id).await;
        let (otto_id, otto) = desk.agent("otto").await;
        desk.add_to_department(SUPPORT, &otto_id).await;
        let boss = desk.account("boss", &["livechat-manager"]).await;
        let zoe = chat(&desk, "Zoé Müller", "zoe.mueller@example.org", Some(SALES)).await;
        desk.app
            .send_message(&zoe.token, &zoe.rid, "Mon Café était froid")
            .await;
        desk.app
            .send_message(&zoe.token, &zoe.rid, "I need a refund for order 4711")
            .await;
        let kim = chat(&desk, "Kim Parker", "kim@example.net", Some(SUPPORT)).await;
        desk.app
            .send_message(&kim.token, &kim.rid, "My parcel tracking is broken")
            .await;
        Search {
            desk,
            alice,
            otto,
            boss,
            zoe,
            kim,
        }
    }

    /// `rooms.search` by `who` for `text` (percent-encoded here) plus `extra` query text.
    async fn raw(&self, who: &Credentials, text: &str, extra: &str) -> (StatusCode, Value) {
        let path = format!("rooms.search?text={}{extra}", encode(text));
        self.desk.call(who, Method::GET, &path, None).await
    }

    /// A successful search's answer, checked for its shape and for visitor tokens.
    async fn answer(&self, who: &Credentials, text: &str, extra: &str) -> Value {
        let (status, body) = self.raw(who, text, extra).await;
        assert_eq!(status, StatusCode::OK, "{text:?}: {body}");
        assert_eq!(body["success"], json!(true), "{body}");
        let rooms = body["rooms"].as_array().expect("rooms");
        assert_eq!(body["count"], json!(rooms.len()), "{body}");
        for token in [&self.zoe.token, &self.kim.token] {
            assert!(
                !body.to_string().contains(token.as_str()),
                "a token: {body}"
            );
        }
        for room in rooms {
            assert!(room["matches"].is_array(), "{room}");
        }
        body
    }

    /// The ids of the rooms `who` finds for `text`, in order.
    async fn found(&self, who: &Credentials, text: &str) -> Vec<String> {
        room_ids(&self.answer(who, text, "").await)
    }
}

/// A visitor registered with `name`, `email` and `department`, and its room (served at once
/// when an agent of that department is available). Waits a little first so rooms created one
/// after another have distinct creation times.
async fn chat(desk: &Desk, name: &str, email: &str, department: Option<&str>) -> Chat {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let token = new_token();
    let mut visitor = json!({ "token": token, "name": name, "email": email });
    if let Some(department) = department {
        visitor["department"] = json!(department);
    }
    desk.app.register_ok(visitor).await;
    let room = desk.room_of(&token).await;
    let rid = room["_id"].as_str().expect("a room").to_string();
    Chat { token, rid }
}

fn room_ids(body: &Value) -> Vec<String> {
    body["rooms"]
        .as_array()
        .expect("rooms")
        .iter()
        .map(|r| r["_id"].as_str().unwrap().to_string())
        .collect()
}

/// The `msg` of each match of the room `rid` in a search answer.
fn match_texts(body: &Value, rid: &str) -> Vec<String> {
    let room = body["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["_id"] == json!(rid))
        .unwrap_or_else(|| panic!("{rid} not in {body}"));
    room["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["msg"].as_str().unwrap().to_string())
        .collect()
}

/// Percent-encodes every byte but the unreserved ones, for a query-string value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn set_availability(desk: &Desk, who: &Credentials, status: &str) {
    let body = json!({ "status": status });
    let (code, answer) = desk
        .call(who, Method::POST, "agent.status", Some(body))
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
}
