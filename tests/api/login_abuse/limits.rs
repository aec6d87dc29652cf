//! One login limit for REST and DDP: failed attempts per client IP and per account name.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test]
async fn ddp_guesses_beyond_the_ip_limit_are_refused_even_with_the_right_password() {
    let app = TestApp::spawn_with(|c| {
        admin_without_limits(c);
        c.login_per_minute = 3;
    })
    .await;
    let mut ddp = Ddp::connect(&app).await;
    for _ in 0..3 {
        assert_ddp_wrong_password(&ddp_login(&mut ddp, ADMIN, "guess").await);
    }
    assert_ddp_too_many(&ddp_login(&mut ddp, ADMIN, "guess").await);
    assert_ddp_too_many(&ddp_login(&mut ddp, ADMIN, ADMIN_PASSWORD).await);
    // The limit is the client's, not the socket's: a new socket does not start afresh.
    let mut again = Ddp::connect(&app).await;
    assert_ddp_too_many(&ddp_login(&mut again, ADMIN, ADMIN_PASSWORD).await);
    assert_rest_too_many(&rest_login(&app, ADMIN, ADMIN_PASSWORD, None).await);
}

#[tokio::test]
async fn rest_and_ddp_spend_one_login_budget() {
    let app = TestApp::spawn_with(|c| {
        admin_without_limits(c);
        c.login_per_minute = 4;
    })
    .await;
    for _ in 0..2 {
        let answer = rest_login(&app, ADMIN, "guess", None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    }
    let mut ddp = Ddp::connect(&app).await;
    for _ in 0..2 {
        assert_ddp_wrong_password(&ddp_login(&mut ddp, ADMIN, "guess").await);
    }
    assert_rest_too_many(&rest_login(&app, ADMIN, "guess", None).await);
    assert_ddp_too_many(&ddp_login(&mut ddp, ADMIN, "guess").await);
    // Resume tokens go through the same budget (a wrong one spends it, and is refused now).
    let resumed = ddp
        .call("login", json!([{ "resume": "not-a-token" }]))
        .await;
    assert_ddp_too_many(&resumed);
}

#[tokio::test]
async fn failures_per_account_count_from_every_ip_and_drain_with_time() {
    let app = TestApp::spawn_with(|c| {
        admin_without_limits(c);
        c.trust_proxy_headers = true;
        c.login_failures_per_account = 3;
        c.login_failures_window_seconds = 3; // one failure forgiven per second
    })
    .await;
    let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
    let other = create_agent_user(&app, &admin, "colleague").await;

    // Three failures at one account from three addresses, in any case of its name.
    let first = rest_login(&app, ADMIN, "guess", Some("198.51.100.1")).await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED, "{}", first.body);
    let second = rest_login(&app, "ADMIN", "guess", Some("198.51.100.2")).await;
    assert_eq!(second.status, StatusCode::UNAUTHORIZED, "{}", second.body);
    let mut ddp = Ddp::connect_from(&app, "198.51.100.3").await;
    assert_ddp_wrong_password(&ddp_login(&mut ddp, ADMIN, "guess").await);

    // The account refuses every login now, the right password from a fourth address included.
    let refused_at = Instant::now();
    assert_rest_too_many(&rest_login(&app, ADMIN, ADMIN_PASSWORD, Some("198.51.100.4")).await);
    assert_ddp_too_many(&ddp_login(&mut ddp, ADMIN, ADMIN_PASSWORD).await);

    // The addresses are not blocked, and successful logins of another account never count.
    for _ in 0..5 {
        let answer = rest_login(&app, &other, "colleague-password", Some("198.51.100.1")).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }

    // Once a failure has drained, the real user gets in again.
    let deadline = refused_at + Duration::from_secs(10);
    loop {
        let answer = rest_login(&app, ADMIN, ADMIN_PASSWORD, Some("198.51.100.4")).await;
        if answer.status == StatusCode::OK {
            break;
        }
        assert_rest_too_many(&answer);
        assert!(Instant::now() < deadline, "still locked out after 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An agent account created by `admin`; its username (password `<username>-password`).
async fn create_agent_user(app: &TestApp, admin: &Credentials, username: &str) -> String {
    let body = json!({
        "username": username,
        "email": format!("{username}@example.com"),
        "name": username,
        "password": format!("{username}-password"),
        "roles": ["livechat-agent"],
    });
    let response = app
        .client
        .post(app.url("/api/v1/users.create"))
        .header("X-User-Id", &admin.0)
        .header("X-Auth-Token", &admin.1)
        .json(&body)
        .send()
        .await
        .expect("users.create sent");
    assert_eq!(response.status(), StatusCode::OK);
    username.to_string()
}
