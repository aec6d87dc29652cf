//! Set-up from elsewhere: only with the code, which is guessed no faster than a password.

use reqwest::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test]
async fn a_remote_set_up_needs_the_code_of_the_log() {
    let app = TestApp::spawn().await;
    let code = app.setup_code.clone().expect("a code");
    assert_eq!(code.len(), 17, "{code}");
    assert_eq!(
        setup_status(&app, REMOTE).await,
        json!({ "setupNeeded": true, "codeRequired": true, "success": true })
    );

    let refusals = [
        admin_form("owner"),
        form_with_code("owner", ""),
        form_with_code("owner", "22222-22222-22222"),
        form_with_code("owner", &code[..16]),
    ];
    for form in refusals {
        let answer = post_setup(&app, form.clone(), REMOTE).await;
        assert_refused(&answer, "error-invalid-setup-code", INVALID_CODE);
    }
    assert_nothing_created(&app, "owner").await;

    // Case and dashes do not matter.
    let typed = code.replace('-', "").to_lowercase();
    let owner = credentials_of(&post_setup(&app, form_with_code("owner", &typed), REMOTE).await);
    let (status, me) = get_as(&app, &owner, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert!(me["roles"].as_array().unwrap().contains(&json!("admin")));
}

#[tokio::test]
async fn every_proxy_header_makes_a_loopback_request_remote() {
    let app = TestApp::spawn().await;
    for (name, value) in [
        ("X-Forwarded-For", "127.0.0.1"),
        ("X-Real-IP", "127.0.0.1"),
        ("Forwarded", "for=127.0.0.1"),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/setup"))
            .header(name, value)
            .json(&admin_form("owner"))
            .send()
            .await
            .unwrap();
        let answer = (response.status(), response.json().await.unwrap());
        assert_refused(&answer, "error-invalid-setup-code", INVALID_CODE);
    }
    assert_nothing_created(&app, "owner").await;
}

#[tokio::test]
async fn guessing_the_code_spends_the_login_budget_of_the_address() {
    let app = TestApp::spawn_with(|config| config.login_per_minute = 3).await;
    let code = app.setup_code.clone().expect("a code");
    for guess in [
        "AAAAA-AAAAA-AAAAA",
        "BBBBB-BBBBB-BBBBB",
        "CCCCC-CCCCC-CCCCC",
    ] {
        let answer = post_setup(&app, form_with_code("owner", guess), REMOTE).await;
        assert_refused(&answer, "error-invalid-setup-code", INVALID_CODE);
    }
    // The budget is spent: even the right code waits, and so do logins from this address.
    let answer = post_setup(&app, form_with_code("owner", &code), REMOTE).await;
    assert_eq!(answer.0, StatusCode::TOO_MANY_REQUESTS, "{}", answer.1);
    assert_eq!(answer.1["errorType"], json!("error-too-many-requests"));
    let (status, body) = app
        .post(
            "/api/v1/login",
            json!({ "user": "owner", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(setup_status(&app, None).await["setupNeeded"], json!(true));
}

#[tokio::test]
async fn the_right_code_gives_its_unit_back() {
    // One unit: had the right code kept it, the login after it would be refused.
    let app = TestApp::spawn_with(|config| config.login_per_minute = 1).await;
    let code = app.setup_code.clone().expect("a code");
    credentials_of(&post_setup(&app, form_with_code("owner", &code), REMOTE).await);
    let (status, body) = app
        .post(
            "/api/v1/login",
            json!({ "user": "owner", "password": "a wrong password" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}
