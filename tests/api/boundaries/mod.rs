//! Issue 11 §2: a visitor token is a credential, so staff never receive one, and a plain agent
//! sees queued chats, visitors and their sessions only of its own departments (and of none).
//! Each test sets an agent of ANOTHER department against the data, beside a control showing
//! the right agent still sees it.

mod inquiries;
mod payloads;
mod sessions;
mod streams;
mod usernames;
mod visitors;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{new_token, seed_departments, Credentials, Desk};

const SALES: &str = "dep-sales";
const SUPPORT: &str = "dep-support";

/// A desk with manual selection (chats wait in the queue), and two plain agents: `sally` of
/// Sales and `otto` of Support.
struct Boundary {
    desk: Desk,
    sally: Credentials,
    otto: Credentials,
}

impl Boundary {
    async fn open() -> Boundary {
        let desk = Desk::open_with(seed_departments).await;
        desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
            .await;
        let (sally_id, sally) = desk.agent("sally").await;
        let (otto_id, otto) = desk.agent("otto").await;
        desk.add_to_department(SALES, &sally_id).await;
        desk.add_to_department(SUPPORT, &otto_id).await;
        Boundary { desk, sally, otto }
    }

    /// A visitor registered in `department` with a queued chat there: (token, room).
    async fn queued_chat(&self, department: &str) -> (String, Value) {
        let token = self.visitor_of(department).await;
        let (status, body) = self.desk.app.get(&format!("room?token={token}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (token, body["room"].clone())
    }

    /// A visitor registered in `department` (no room): its token.
    async fn visitor_of(&self, department: &str) -> String {
        let token = new_token();
        let visitor = json!({ "token": token, "name": "Vera", "department": department });
        self.desk.app.register_ok(visitor).await;
        token
    }

    /// A visitor of no department (no room): its token. (Named so that its name does not
    /// contain its token, as the shared helpers' visitors' names do.)
    async fn visitor_of_none(&self) -> String {
        let token = new_token();
        let visitor = json!({ "token": token, "name": "Nadia" });
        self.desk.app.register_ok(visitor).await;
        token
    }

    /// A visitor of no department with a queued chat: (token, room).
    async fn queued_public_chat(&self) -> (String, Value) {
        let token = self.visitor_of_none().await;
        let (status, body) = self.desk.app.get(&format!("room?token={token}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (token, body["room"].clone())
    }

    /// The visitor document of `token`, as the visitor reads it.
    async fn visitor_doc(&self, token: &str) -> Value {
        self.desk.app.get(&format!("visitor/{token}")).await.1["visitor"].clone()
    }

    async fn get(&self, who: &Credentials, path: &str) -> (StatusCode, Value) {
        self.desk.call(who, Method::GET, path, None).await
    }

    /// `who` takes the chat of room `rid` from the queue.
    async fn take(&self, who: &Credentials, rid: &str) -> Value {
        let (status, body) = self
            .get(&self.desk.admin, &format!("inquiries.getOne?roomId={rid}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        self.desk.take_inquiry(who, &body["inquiry"]["_id"]).await
    }
}

/// Fails if `token` appears anywhere in `payload`: every field at once, at any depth.
#[track_caller]
fn assert_no_token(payload: &Value, token: &str) {
    let text = payload.to_string();
    assert!(
        !text.contains(token),
        "a visitor token reached staff: {text}"
    );
}
