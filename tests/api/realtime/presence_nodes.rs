//! Presence across real server processes sharing one database: an agent (or a visitor) is
//! online while any live process holds a connection of it; a process that is killed takes its
//! agents offline (and out of routing) within lease + grace + one heartbeat, and a process
//! restarted after a `kill -9` clears what it held at once.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{login_params, new_token, Credentials, Ddp, ServerProcess, TestDatabase};

const ADMIN_PASSWORD: &str = "presence-admin-password";
const AGENT_PASSWORD: &str = "agent-password";
/// Short presence timings, so each case runs in seconds: grace 1 s, lease 2 s (heartbeat 0.5 s).
const GRACE_SECONDS: u64 = 1;
const LEASE_SECONDS: u64 = 2;

/// A server process with short presence timings and an administrator.
async fn node(database: &TestDatabase, bind: &str, lease_seconds: u64) -> ServerProcess {
    let (grace, lease) = (GRACE_SECONDS.to_string(), lease_seconds.to_string());
    ServerProcess::start_with(
        &database.url,
        bind,
        &[
            "--presence-grace-seconds",
            &grace,
            "--presence-lease-seconds",
            &lease,
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

/// Creates an agent who is online and available; its credentials.
async fn agent(node: &ServerProcess, admin: &Credentials, username: &str) -> Credentials {
    let user = json!({ "username": username, "name": username, "password": AGENT_PASSWORD });
    let (status, body) = call(
        node,
        Some(admin),
        Method::POST,
        "/api/v1/users.create",
        Some(user),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let role = json!({ "username": username });
    let (status, body) = call(
        node,
        Some(admin),
        Method::POST,
        "/api/v1/livechat/users/agent",
        Some(role),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let agent = login(node, username, AGENT_PASSWORD).await;
    let online = json!({ "status": "online" });
    call(
        node,
        Some(&agent),
        Method::POST,
        "/api/v1/users.setStatus",
        Some(online),
    )
    .await;
    let available = json!({ "status": "available" });
    let (status, body) = call(
        node,
        Some(&agent),
        Method::POST,
        "/api/v1/livechat/agent.status",
        Some(available),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    agent
}

/// A DDP session on `node` logged in as `username`.
async fn ddp_login(node: &ServerProcess, username: &str) -> Ddp {
    let mut ddp = Ddp::connect_at(&node.address).await;
    let result = ddp
        .call("login", json!([login_params(username, AGENT_PASSWORD)]))
        .await;
    assert!(result.get("result").is_some(), "login: {result}");
    ddp
}

/// The user's presence as `node` reports it.
async fn status(node: &ServerProcess, who: &Credentials) -> Value {
    call(node, Some(who), Method::GET, "/api/v1/me", None)
        .await
        .1["status"]
        .clone()
}

/// Polls `read` until it gives `wanted`; how long that took. Fails after `limit`.
async fn until<F, Fut>(wanted: &str, limit: Duration, read: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let started = Instant::now();
    loop {
        let now = read().await;
        if now == json!(wanted) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "still {now} after {:?}, expected {wanted}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A visitor's presence as `node` reports it.
async fn visitor_status(node: &ServerProcess, token: &str) -> Value {
    let path = format!("/api/v1/livechat/visitor/{token}");
    call(node, None, Method::GET, &path, None).await.1["visitor"]["status"].clone()
}

/// A widget connection on `node` for the visitor `token`.
async fn widget(node: &ServerProcess, token: &str) -> Ddp {
    let mut ddp = Ddp::connect_at(&node.address).await;
    let result = ddp
        .call("livechat:setUpConnection", json!([{ "token": token }]))
        .await;
    assert!(result.get("error").is_none(), "{result}");
    ddp
}

/// A new visitor's room opened on `node`: who serves it (`None` while queued).
async fn new_chat(node: &ServerProcess) -> Option<String> {
    let token = new_token();
    let visitor = json!({ "visitor": { "token": token } });
    let (status, body) = call(
        node,
        None,
        Method::POST,
        "/api/v1/livechat/visitor",
        Some(visitor),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let path = format!("/api/v1/livechat/room?token={token}");
    let (status, body) = call(node, None, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["room"]["servedBy"]["username"]
        .as_str()
        .map(str::to_string)
}

#[tokio::test]
async fn an_agent_connected_to_two_nodes_stays_online_when_one_socket_closes() {
    let database = TestDatabase::create().await;
    let node_a = node(&database, "127.0.0.1:0", LEASE_SECONDS).await;
    let node_b = node(&database, "127.0.0.1:0", LEASE_SECONDS).await;
    let admin = login(&node_a, "admin", ADMIN_PASSWORD).await;
    let agent = agent(&node_a, &admin, "both-nodes").await;
    let on_a = ddp_login(&node_a, "both-nodes").await;
    let _on_b = ddp_login(&node_b, "both-nodes").await;

    drop(on_a);
    // Past the grace period and a heartbeat's sweep, on either node: still online.
    let settled = Instant::now() + Duration::from_secs(GRACE_SECONDS) + Duration::from_millis(1500);
    while Instant::now() < settled {
        assert_eq!(status(&node_a, &agent).await, json!("online"));
        assert_eq!(status(&node_b, &agent).await, json!("online"));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(new_chat(&node_a).await.as_deref(), Some("both-nodes"));
}

#[tokio::test]
async fn a_killed_nodes_agents_go_offline_and_take_no_new_chats() {
    let database = TestDatabase::create().await;
    let mut doomed = node(&database, "127.0.0.1:0", LEASE_SECONDS).await;
    let survivor = node(&database, "127.0.0.1:0", LEASE_SECONDS).await;
    let admin = login(&survivor, "admin", ADMIN_PASSWORD).await;
    // Routing breaks ties by username: the ghost would come first.
    let ghost = agent(&survivor, &admin, "a-ghost").await;
    let _keeper = agent(&survivor, &admin, "b-keeper").await;
    let _ghost_ws = ddp_login(&doomed, "a-ghost").await;
    let _keeper_ws = ddp_login(&survivor, "b-keeper").await;
    assert_eq!(status(&survivor, &ghost).await, json!("online"));

    doomed.kill_hard().await;
    // Promised: within lease + grace + one heartbeat (0.5 s here); 1 s more for the test's polls.
    let promised = Duration::from_secs(LEASE_SECONDS + GRACE_SECONDS) + Duration::from_millis(1500);
    let took = until("offline", promised, || status(&survivor, &ghost)).await;
    eprintln!("the killed node's agent was offline after {took:?}");
    for _ in 0..3 {
        assert_eq!(new_chat(&survivor).await.as_deref(), Some("b-keeper"));
    }
    // Nothing brings the ghost back.
    tokio::time::sleep(Duration::from_secs(LEASE_SECONDS)).await;
    assert_eq!(status(&survivor, &ghost).await, json!("offline"));
}

#[tokio::test]
async fn a_node_shut_down_gracefully_gives_its_agents_only_the_grace_period() {
    let database = TestDatabase::create().await;
    // A long lease on the node that stops: only giving it up explains its agents going
    // offline within the grace period.
    let mut stopping = node(&database, "127.0.0.1:0", 60).await;
    let survivor = node(&database, "127.0.0.1:0", LEASE_SECONDS).await;
    let admin = login(&survivor, "admin", ADMIN_PASSWORD).await;
    let agent = agent(&survivor, &admin, "stopped").await;
    let _ws = ddp_login(&stopping, "stopped").await;
    assert_eq!(status(&survivor, &agent).await, json!("online"));

    stopping.stop_gracefully().await;
    // Grace, then the survivor's next heartbeat (0.5 s); 1 s more for the test's polls.
    let promised = Duration::from_secs(GRACE_SECONDS) + Duration::from_millis(1500);
    until("offline", promised, || status(&survivor, &agent)).await;
}

#[tokio::test]
async fn a_node_restarted_after_kill_9_clears_its_ghosts_at_start() {
    let database = TestDatabase::create().await;
    // A long lease: only the restart, not a sweep, can clear the ghost within the test.
    let long_lease = 60;
    let mut server = node(&database, "127.0.0.1:0", long_lease).await;
    let address = server.address.clone();
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let ghost = agent(&server, &admin, "restarted").await;
    let _ws = ddp_login(&server, "restarted").await;
    assert_eq!(status(&server, &ghost).await, json!("online"));

    server.kill_hard().await;
    // The same address, so the same default node id (host name and port).
    let server = node(&database, &address, long_lease).await;
    let took = until("offline", Duration::from_secs(2), || {
        status(&server, &ghost)
    })
    .await;
    eprintln!("the ghost was offline {took:?} after the restart");
    assert_eq!(
        new_chat(&server).await,
        None,
        "a new chat waits in the queue"
    );
}

#[tokio::test]
async fn a_visitor_is_online_while_a_widget_connection_lasts_on_any_live_node() {
    let database = TestDatabase::create().await;
    let survivor = node(&database, "127.0.0.1:0", LEASE_SECONDS).await;
    let mut doomed = node(&database, "127.0.0.1:0", LEASE_SECONDS).await;
    let token = new_token();
    let visitor = json!({ "visitor": { "token": token } });
    let (status, body) = call(
        &survivor,
        None,
        Method::POST,
        "/api/v1/livechat/visitor",
        Some(visitor),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let here = widget(&survivor, &token).await;
    let _there = widget(&doomed, &token).await;
    until("online", Duration::from_secs(2), || {
        visitor_status(&survivor, &token)
    })
    .await;

    // The tab on the survivor closes; the one on the other node keeps the visitor online.
    drop(here);
    let settled = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < settled {
        assert_eq!(visitor_status(&survivor, &token).await, json!("online"));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // That node dies: the visitor's last connection is gone with it.
    doomed.kill_hard().await;
    let promised = Duration::from_secs(LEASE_SECONDS + GRACE_SECONDS) + Duration::from_millis(1500);
    until("offline", promised, || visitor_status(&survivor, &token)).await;
}
