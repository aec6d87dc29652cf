//! A help desk for agent-side tests: an administrator, agents who are online and available,
//! and visitors whose rooms they serve.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{new_token, TestApp};

const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "routing-admin-password";

pub type Credentials = (String, String);

/// A help desk: the app with an administrator logged in, and helpers to add agents.
pub struct Desk {
    pub app: TestApp,
    pub admin: Credentials,
}

impl Desk {
    pub async fn open() -> Desk {
        Desk::open_with(|_| {}).await
    }

    /// A desk whose configuration `configure` adjusts first (e.g. to seed departments).
    pub async fn open_with(configure: impl FnOnce(&mut livechat::Config)) -> Desk {
        let app = TestApp::spawn_with(|c| {
            c.admin_username = Some(ADMIN.into());
            c.admin_password = Some(ADMIN_PASSWORD.into());
            configure(c);
        })
        .await;
        let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
        Desk { app, admin }
    }

    pub async fn call(
        &self,
        who: &Credentials,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .app
            .client
            .request(method, self.app.url(path))
            .header("X-User-Id", &who.0)
            .header("X-Auth-Token", &who.1);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    pub async fn set(&self, setting: &str, value: Value) {
        let (status, body) = self
            .call(
                &self.admin,
                Method::POST,
                &format!("/api/v1/settings/{setting}"),
                Some(json!({ "value": value })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{setting}: {body}");
    }

    /// Creates an agent who is online and available; returns its id and credentials.
    pub async fn agent(&self, username: &str) -> (String, Credentials) {
        let body = json!({ "username": username, "name": username, "password": "agent-password", "email": format!("{username}@example.com") });
        let (status, created) = self
            .call(
                &self.admin,
                Method::POST,
                "/api/v1/users.create",
                Some(body),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        let (status, added) = self
            .call(
                &self.admin,
                Method::POST,
                "users/agent",
                Some(json!({ "username": username })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let credentials = login(&self.app, username, "agent-password").await;
        self.call(
            &credentials,
            Method::POST,
            "/api/v1/users.setStatus",
            Some(json!({ "status": "online" })),
        )
        .await;
        let (status, body) = self
            .call(
                &credentials,
                Method::POST,
                "agent.status",
                Some(json!({ "status": "available" })),
            )
            .await;
        assert_eq!(
            (status, body["status"].clone()),
            (StatusCode::OK, json!("available")),
            "{body}"
        );
        (
            created["user"]["_id"].as_str().unwrap().to_string(),
            credentials,
        )
    }

    /// Creates an account with `roles` (password `staff-password`) and logs it in.
    pub async fn account(&self, username: &str, roles: &[&str]) -> Credentials {
        let body = json!({
            "username": username,
            "email": format!("{username}@example.com"),
            "name": username,
            "password": "staff-password",
            "roles": roles,
        });
        let path = "/api/v1/users.create";
        let (status, created) = self.call(&self.admin, Method::POST, path, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        login(&self.app, username, "staff-password").await
    }

    /// Puts agent `agent_id` in `department`.
    pub async fn add_to_department(&self, department: &str, agent_id: &str) {
        let path = format!("department/{department}/agents");
        let body = json!({ "upsert": [{ "agentId": agent_id }], "remove": [] });
        let (status, answer) = self
            .call(&self.admin, Method::POST, &path, Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }

    /// The room of a new visitor, as `GET livechat/room` answered.
    pub async fn visitor_room(&self) -> (String, Value) {
        let token = new_token();
        self.app.register_visitor(&token).await;
        let (status, body) = self.app.get(&format!("room?token={token}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (token, body["room"].clone())
    }

    /// `inquiries.take` by `who`, which must succeed; its answer.
    pub async fn take_inquiry(&self, who: &Credentials, inquiry_id: &Value) -> Value {
        let body = json!({ "inquiryId": inquiry_id });
        let (status, answer) = self
            .call(who, Method::POST, "inquiries.take", Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        answer
    }

    pub async fn room_of(&self, token: &str) -> Value {
        self.app.get(&format!("room?token={token}")).await.1["room"].clone()
    }
}

pub async fn login(app: &TestApp, user: &str, password: &str) -> Credentials {
    let (status, body) = app
        .post(
            "/api/v1/login",
            json!({ "user": user, "password": password }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["data"]["userId"].as_str().unwrap().into(),
        body["data"]["authToken"].as_str().unwrap().into(),
    )
}

pub fn served_by(room: &Value) -> Option<String> {
    room["servedBy"]["_id"].as_str().map(str::to_string)
}
