//! The REST calls the scenarios make, as the widget and the agent apps make them.

use anyhow::{bail, Context};
use reqwest::{Client, Method};
use serde_json::{json, Value};

/// `(X-User-Id, X-Auth-Token)` of a logged-in user.
pub type Credentials = (String, String);

pub const AGENT_PASSWORD: &str = "bench-agent-password";

#[derive(Clone)]
pub struct Api {
    pub client: Client,
    pub base: String,
}

/// A client that keeps many connections open to one host (the load generator's sockets).
pub fn client() -> Client {
    Client::builder()
        .pool_max_idle_per_host(4096)
        .tcp_nodelay(true)
        .build()
        .expect("HTTP client")
}

impl Api {
    pub fn new(base: String) -> Api {
        Api {
            client: client(),
            base,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.base)
        } else {
            format!("{}/api/v1/livechat/{path}", self.base)
        }
    }

    /// One request; the parsed answer when it was a 200.
    pub async fn call(
        &self,
        who: Option<&Credentials>,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self.client.request(method, self.url(path));
        if let Some((user, token)) = who {
            request = request
                .header("X-User-Id", user)
                .header("X-Auth-Token", token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let answer = request.send().await?;
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{path}: {status} {body}");
        }
        Ok(body)
    }

    /// Whether a request answered 200 (the answer is read, so the connection is reused).
    pub async fn ok(&self, method: Method, path: &str, body: Option<&Value>) -> bool {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        match request.send().await {
            Ok(answer) => {
                let success = answer.status().is_success();
                answer.bytes().await.is_ok() && success
            }
            Err(_) => false,
        }
    }

    pub async fn register(&self, token: &str) -> anyhow::Result<()> {
        let body = json!({ "visitor": { "token": token, "name": format!("Bench {token}") } });
        self.call(None, Method::POST, "visitor", Some(&body))
            .await?;
        Ok(())
    }

    /// Opens the visitor's room: `(rid, id of the agent serving it)`.
    pub async fn open_room(&self, token: &str) -> anyhow::Result<(String, Option<String>)> {
        let room = self
            .call(None, Method::GET, &format!("room?token={token}"), None)
            .await?;
        let rid = room["room"]["_id"].as_str().context("room id")?.to_string();
        let agent = room["room"]["servedBy"]["_id"].as_str().map(str::to_string);
        Ok((rid, agent))
    }

    pub async fn login(&self, user: &str, password: &str) -> anyhow::Result<Credentials> {
        let body = json!({ "user": user, "password": password });
        let answer = self
            .call(None, Method::POST, "/api/v1/login", Some(&body))
            .await?;
        Ok((
            answer["data"]["userId"]
                .as_str()
                .context("userId")?
                .to_string(),
            answer["data"]["authToken"]
                .as_str()
                .context("authToken")?
                .to_string(),
        ))
    }

    pub async fn set_setting(
        &self,
        admin: &Credentials,
        id: &str,
        value: Value,
    ) -> anyhow::Result<()> {
        let body = json!({ "value": value });
        self.call(
            Some(admin),
            Method::POST,
            &format!("/api/v1/settings/{id}"),
            Some(&body),
        )
        .await?;
        Ok(())
    }

    /// Creates an agent, logs it in and makes it available: `(user id, credentials)`.
    pub async fn agent(
        &self,
        admin: &Credentials,
        username: &str,
    ) -> anyhow::Result<(String, Credentials)> {
        let user = json!({
            "name": username, "username": username, "password": AGENT_PASSWORD,
            "email": format!("{username}@bench.example"),
        });
        let created = self
            .call(
                Some(admin),
                Method::POST,
                "/api/v1/users.create",
                Some(&user),
            )
            .await?;
        let id = created["user"]["_id"]
            .as_str()
            .context("user id")?
            .to_string();
        let body = json!({ "username": username });
        self.call(Some(admin), Method::POST, "users/agent", Some(&body))
            .await?;
        let me = self.login(username, AGENT_PASSWORD).await?;
        let online = json!({ "status": "online" });
        self.call(
            Some(&me),
            Method::POST,
            "/api/v1/users.setStatus",
            Some(&online),
        )
        .await?;
        let available = json!({ "status": "available" });
        self.call(Some(&me), Method::POST, "agent.status", Some(&available))
            .await?;
        Ok((id, me))
    }
}

/// A fresh visitor token, shaped like the widget's.
pub fn new_token() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
