//! Server processes sharing one database: a change made through one applies on the others
//! (each reloads the table when its dispatcher reads the change's event), and survives a
//! restart (seeding never overwrites it).

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{user_args, Credentials, Ddp, ServerProcess, TestDatabase};

const ADMIN_PASSWORD: &str = "permissions-admin-password";
const QUEUE: &str = "stream-livechat-inquiry-queue-observer";

async fn node(database: &TestDatabase) -> ServerProcess {
    ServerProcess::start_with(
        &database.url,
        "127.0.0.1:0",
        &[
            "--admin-username",
            "admin",
            "--admin-password",
            ADMIN_PASSWORD,
        ],
    )
    .await
}

async fn call(
    node: &ServerProcess,
    who: Option<&Credentials>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request =
        reqwest::Client::new().request(method, format!("http://{}{path}", node.address));
    if let Some((id, token)) = who {
        request = request
            .header("X-User-Id", id)
            .header("X-Auth-Token", token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn login(node: &ServerProcess, user: &str, password: &str) -> Credentials {
    let body = json!({ "user": user, "password": password });
    let (status, answer) = call(node, None, Method::POST, "/api/v1/login", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let data = &answer["data"];
    (
        data["userId"].as_str().unwrap().into(),
        data["authToken"].as_str().unwrap().into(),
    )
}

async fn view_l_room_roles(node: &ServerProcess, who: &Credentials) -> Value {
    let path = "/api/v1/permissions.listAll";
    let (status, body) = call(node, Some(who), Method::GET, path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["update"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["_id"] == json!("view-l-room"))
        .unwrap()["roles"]
        .clone()
}

#[tokio::test]
async fn a_change_on_one_process_applies_on_the_other_and_survives_a_restart() {
    let database = TestDatabase::create().await;
    let node_a = node(&database).await;
    let mut node_b = node(&database).await;
    let admin = login(&node_a, "admin", ADMIN_PASSWORD).await;
    let user = json!({ "username": "far-agent", "name": "Far", "password": "agent-password" });
    let (status, body) = call(
        &node_a,
        Some(&admin),
        Method::POST,
        "/api/v1/users.create",
        Some(user),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let agent_body = json!({ "username": "far-agent" });
    let path = "/api/v1/livechat/users/agent";
    let (status, body) = call(&node_a, Some(&admin), Method::POST, path, Some(agent_body)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let agent = login(&node_b, "far-agent", "agent-password").await;
    let queued = "/api/v1/livechat/inquiries.queued";
    let (status, body) = call(&node_b, Some(&agent), Method::GET, queued, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut ws = Ddp::connect_at(&node_b.address).await;
    ws.call(
        "login",
        json!([crate::helpers::login_params("far-agent", "agent-password")]),
    )
    .await;
    let ready = ws.sub(QUEUE, user_args("public")).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let revoke = json!({ "permissions": [{ "_id": "view-l-room", "roles": ["admin", "livechat-manager"] }] });
    let path = "/api/v1/permissions.update";
    let (status, body) = call(&node_a, Some(&admin), Method::POST, path, Some(revoke)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Node B hears of it through the outbox: NOTIFY on PostgreSQL, its safety poll on SQLite.
    let started = Instant::now();
    loop {
        let (status, body) = call(&node_b, Some(&agent), Method::GET, queued, None).await;
        if status == StatusCode::FORBIDDEN {
            break;
        }
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "node B still allows the queue"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ended = ws
        .wait_for(|f| f["msg"] == json!("nosub") && f["id"] == ready["subs"][0])
        .await;
    assert_eq!(
        ended["error"]["error"],
        json!("error-not-allowed"),
        "{ended}"
    );

    // A restart (and its seeding of the defaults) keeps what the administrator set.
    node_b.stop_gracefully().await;
    let node_c = node(&database).await;
    assert_eq!(
        view_l_room_roles(&node_c, &agent).await,
        json!(["admin", "livechat-manager"])
    );
    let (status, body) = call(&node_c, Some(&agent), Method::GET, queued, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}
