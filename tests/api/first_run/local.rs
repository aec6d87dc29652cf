//! Set-up from this machine: no code, a login's answer, and nothing more once it is done.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

#[tokio::test]
async fn a_fresh_server_offers_set_up_and_a_local_request_needs_no_code() {
    let app = TestApp::spawn().await;
    assert!(app.setup_code.is_some(), "a fresh server makes a code");
    let status = setup_status(&app, None).await;
    assert_eq!(
        status,
        json!({ "setupNeeded": true, "codeRequired": false, "success": true })
    );

    let answer = post_setup(&app, admin_form("owner"), None).await;
    let owner = credentials_of(&answer);
    let me = &answer.1["data"]["me"];
    assert_eq!(me["username"], json!("owner"), "{me}");
    assert_eq!(me["name"], json!("First owner"), "{me}");
    assert_eq!(me["email"], json!("owner@example.com"), "{me}");

    let (status, me) = get_as(&app, &owner, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    for role in ["admin", "livechat-manager", "livechat-agent"] {
        assert!(
            me["roles"].as_array().unwrap().contains(&json!(role)),
            "{role} in {me}"
        );
    }
    // An administrator's permission works with the token the set-up answered.
    let (status, users) = get_as(&app, &owner, "/api/v1/users.list").await;
    assert_eq!(status, StatusCode::OK, "{users}");
    assert_eq!(setup_status(&app, None).await["setupNeeded"], json!(false));
}

#[tokio::test]
async fn the_set_up_answers_exactly_what_a_login_answers() {
    let app = TestApp::spawn().await;
    let setup = post_setup(&app, admin_form("owner"), None).await;
    credentials_of(&setup);
    let (status, login) = app
        .post(
            "/api/v1/login",
            json!({ "user": "owner", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let keys =
        |body: &Value| -> Vec<String> { body.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&setup.1), keys(&login), "{} vs {login}", setup.1);
    assert_eq!(keys(&setup.1["data"]), keys(&login["data"]));
    let mut setup_me = setup.1["data"]["me"].clone();
    let mut login_me = login["data"]["me"].clone();
    for me in [&mut setup_me, &mut login_me] {
        let fields = me.as_object_mut().unwrap();
        fields.remove("lastLogin");
        fields.remove("_updatedAt");
    }
    assert_eq!(setup_me, login_me);
}

#[tokio::test]
async fn after_set_up_every_further_attempt_is_refused_as_done() {
    let app = TestApp::spawn().await;
    let code = app.setup_code.clone().expect("a code");
    credentials_of(&post_setup(&app, admin_form("owner"), None).await);

    let attempts = [
        (admin_form("second"), None),
        (admin_form("third"), REMOTE),
        (form_with_code("fourth", "AAAAA-AAAAA-AAAAA"), REMOTE),
        // The code is spent with the set-up it allowed.
        (form_with_code("fifth", &code), REMOTE),
        (json!({}), None),
    ];
    for (body, from) in attempts {
        assert_refused(
            &post_setup(&app, body, from).await,
            "error-setup-done",
            SETUP_DONE,
        );
    }
    assert_eq!(
        setup_status(&app, REMOTE).await,
        json!({ "setupNeeded": false, "codeRequired": true, "success": true })
    );
}

#[tokio::test]
async fn an_administrator_from_the_environment_means_no_set_up() {
    let app = TestApp::spawn_with(|config| {
        config.admin_username = Some("admin".into());
        config.admin_password = Some("configured-admin-password".into());
    })
    .await;
    assert_eq!(app.setup_code, None, "no code when an administrator exists");
    assert_eq!(
        setup_status(&app, None).await,
        json!({ "setupNeeded": false, "codeRequired": false, "success": true })
    );
    assert_refused(
        &post_setup(&app, admin_form("owner"), None).await,
        "error-setup-done",
        SETUP_DONE,
    );
    login(&app, "admin", "configured-admin-password").await;
}

#[tokio::test]
async fn invalid_forms_create_nothing_and_are_refused_as_users_create_refuses_them() {
    let app = TestApp::spawn().await;
    let with = |field: &str, value: Value| {
        let mut form = admin_form("owner");
        form[field] = value;
        form
    };
    let mut without_password = admin_form("owner");
    without_password.as_object_mut().unwrap().remove("password");
    let invalid = [
        json!({ "password": PASSWORD }),
        with("username", json!("not a name")),
        with("username", json!("x".repeat(65))),
        with("email", json!("not-an-email")),
        with("password", json!("   ")),
        without_password,
        with("name", json!(42)),
    ];
    let mut refusals = Vec::new();
    for form in &invalid {
        let answer = post_setup(&app, form.clone(), None).await;
        assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{form}: {}", answer.1);
        refusals.push(answer);
    }
    assert_nothing_created(&app, "owner").await;

    // Then a valid set-up; its administrator's `users.create` refuses the same forms with
    // the same answers (the set-up reuses its checks).
    let owner = credentials_of(&post_setup(&app, admin_form("owner2"), None).await);
    for (form, refusal) in invalid.iter().zip(&refusals) {
        let response = app
            .client
            .post(app.url("/api/v1/users.create"))
            .header("X-User-Id", &owner.0)
            .header("X-Auth-Token", &owner.1)
            .json(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!((status, &body), (refusal.0, &refusal.1), "{form}");
    }
}
