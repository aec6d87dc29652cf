//! Password checks: a bounded number at once, and the same cost whether the account exists.

use std::time::Duration;

use reqwest::StatusCode;

use super::*;

#[tokio::test]
async fn logins_beyond_the_password_check_bound_are_refused_quickly() {
    let wait = Duration::from_millis(100);
    let app = TestApp::spawn_with(|c| {
        admin_without_limits(c);
        c.password_checks = 1;
        c.password_check_wait_ms = wait.as_millis() as u64;
    })
    .await;
    let app = std::sync::Arc::new(app);
    // Sockets connected first, so that every login goes out at once.
    let mut sockets = Vec::new();
    for _ in 0..16 {
        sockets.push(Ddp::connect(&app).await);
    }
    let ddp: Vec<_> = sockets
        .into_iter()
        .map(|mut ddp| tokio::spawn(async move { ddp_login(&mut ddp, ADMIN, "guess").await }))
        .collect();
    let rest: Vec<_> = (0..16)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { rest_login(&app, ADMIN, "guess", None).await })
        })
        .collect();
    let mut refused = Vec::new();
    for answer in futures::future::join_all(rest).await {
        let answer = answer.expect("a REST login");
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            assert_rest_too_many(&answer);
            refused.push(answer.took);
        } else {
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
        }
    }
    let mut ddp_refused = 0;
    for answer in futures::future::join_all(ddp).await {
        let answer = answer.expect("a DDP login");
        if ddp_error(&answer) == json!("error-too-many-requests") {
            assert_ddp_too_many(&answer);
            ddp_refused += 1;
        } else {
            assert_ddp_wrong_password(&answer);
        }
    }
    // One thread cannot check 32 passwords within 100 ms: some are turned away, each after
    // about the wait, not after every check before it.
    assert!(!refused.is_empty(), "REST refused none of 16");
    assert!(ddp_refused >= 1, "DDP refused none of 16");
    let slowest = refused.iter().max().copied().unwrap_or_default();
    assert!(
        slowest < wait + Duration::from_secs(2),
        "a refusal took {slowest:?}"
    );
    // The checks are free again afterwards.
    let answer = rest_login(&app, ADMIN, ADMIN_PASSWORD, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn an_unknown_user_takes_as_long_as_a_wrong_password() {
    let app = TestApp::spawn_with(admin_without_limits).await;
    let mut existing = Vec::new();
    let mut unknown = Vec::new();
    for n in 0..7 {
        let answer = rest_login(&app, ADMIN, "guess", None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        existing.push(answer.took);
        let answer = rest_login(&app, &format!("nobody-{n}"), "guess", None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            answer.body["error"],
            json!("Unauthorized"),
            "{}",
            answer.body
        );
        unknown.push(answer.took);
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (existing, unknown) = (median(&mut existing), median(&mut unknown));
    assert!(
        unknown * 2 >= existing,
        "unknown user {unknown:?} vs existing user {existing:?}"
    );
}
