//! Accounts: login (password, digest, resume, form), logout, me, users.* and their
//! permission checks.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, assert_invalid_params, login, Credentials, TestApp};

const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "correct horse battery staple";

async fn spawn_with_admin() -> TestApp {
    TestApp::spawn_with(|c| {
        c.admin_username = Some(ADMIN.into());
        c.admin_password = Some(ADMIN_PASSWORD.into());
    })
    .await
}

async fn call(
    app: &TestApp,
    credentials: Option<&Credentials>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some((user_id, token)) = credentials {
        request = request
            .header("X-User-Id", user_id)
            .header("X-Auth-Token", token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn create_user(app: &TestApp, admin: &Credentials, username: &str, roles: &[&str]) -> Value {
    let body = json!({
        "username": username,
        "email": format!("{username}@example.com"),
        "name": format!("User {username}"),
        "password": format!("{username}-password"),
        "roles": roles,
    });
    let (status, body) = call(
        app,
        Some(admin),
        Method::POST,
        "/api/v1/users.create",
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["user"].clone()
}

fn sha256_hex(text: &str) -> String {
    livechat::accounts::secrets::sha256_hex(text)
}

#[tokio::test]
async fn the_configured_administrator_logs_in() {
    let app = spawn_with_admin().await;
    let (status, body) = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "user": ADMIN, "password": ADMIN_PASSWORD })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], json!("success"));
    assert_eq!(body["data"]["me"]["username"], json!(ADMIN));
    assert_eq!(body["data"]["me"]["roles"], json!(["admin", "user"]));
    assert!(body["data"]["authToken"].as_str().unwrap().len() >= 40);
    assert_eq!(body["data"]["userId"], body["data"]["me"]["_id"]);
    assert!(
        body["data"]["me"].get("password").is_none()
            && body["data"]["me"]
                .get("services")
                .unwrap()
                .get("resume")
                .is_none()
    );
}

#[tokio::test]
async fn login_accepts_username_email_digest_and_form_bodies() {
    let app = spawn_with_admin().await;
    let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
    create_user(&app, &admin, "ann", &["livechat-agent"]).await;

    for body in [
        json!({ "username": "ann", "password": "ann-password" }),
        json!({ "user": "ANN@example.com", "password": "ann-password" }),
        json!({ "email": "ann@example.com", "password": "ann-password" }),
        json!({ "user": "ann", "password": { "digest": sha256_hex("ann-password"), "algorithm": "sha-256" } }),
    ] {
        let (status, answer) = call(
            &app,
            None,
            Method::POST,
            "/api/v1/login",
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body} -> {answer}");
        assert_eq!(answer["data"]["me"]["username"], json!("ann"));
    }
    let response = app
        .client
        .post(app.url("/api/v1/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user=ann&password=ann-password")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let app = spawn_with_admin().await;
    let wrong = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "user": ADMIN, "password": "nope" })),
    )
    .await;
    let unknown = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "user": "ghost", "password": "nope" })),
    )
    .await;
    let expected = json!({ "status": "error", "error": "Unauthorized", "message": "Unauthorized" });
    assert_eq!(wrong, (StatusCode::UNAUTHORIZED, expected.clone()));
    assert_eq!(unknown, (StatusCode::UNAUTHORIZED, expected));
}

#[tokio::test]
async fn resume_returns_the_same_token_until_logout() {
    let app = spawn_with_admin().await;
    let (user_id, token) = login(&app, ADMIN, ADMIN_PASSWORD).await;
    let (status, body) = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "resume": token })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["authToken"], json!(token));
    assert_eq!(body["data"]["userId"], json!(user_id));

    let (status, body) = call(
        &app,
        Some(&(user_id.clone(), token.clone())),
        Method::POST,
        "/api/v1/logout",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["message"], json!("You've been logged out!"));
    let (status, _) = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "resume": token })),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &app,
        Some(&(user_id, token)),
        Method::GET,
        "/api/v1/me",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn me_needs_valid_credentials() {
    let app = spawn_with_admin().await;
    let not_logged_in =
        json!({ "status": "error", "message": "You must be logged in to do this." });
    assert_eq!(
        call(&app, None, Method::GET, "/api/v1/me", None).await,
        (StatusCode::UNAUTHORIZED, not_logged_in.clone())
    );
    let (user_id, token) = login(&app, ADMIN, ADMIN_PASSWORD).await;
    let forged = (user_id.clone(), format!("{token}x"));
    assert_eq!(
        call(&app, Some(&forged), Method::GET, "/api/v1/me", None).await,
        (StatusCode::UNAUTHORIZED, not_logged_in.clone())
    );
    let someone_else = ("someone-else".to_string(), token.clone());
    assert_eq!(
        call(&app, Some(&someone_else), Method::GET, "/api/v1/me", None).await,
        (StatusCode::UNAUTHORIZED, not_logged_in)
    );
    let (status, me) = call(
        &app,
        Some(&(user_id.clone(), token)),
        Method::GET,
        "/api/v1/me",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["_id"], json!(user_id));
    assert_eq!(me["success"], json!(true));
}

#[tokio::test]
async fn a_visitor_token_opens_no_authenticated_endpoint() {
    let app = spawn_with_admin().await;
    let (token, rid) = app.visitor_with_room().await;
    let visitor = app.get(&format!("visitor/{token}")).await.1["visitor"].clone();
    let as_visitor = (visitor["_id"].as_str().unwrap().to_string(), token);
    // Every authenticated route, called with the visitor's id and token as credentials.
    for (method, path) in [
        (Method::GET, "/api/v1/me"),
        (Method::GET, "/api/v1/users.list"),
        (Method::POST, "/api/v1/logout"),
        (Method::POST, "/api/v1/users.setStatus"),
        (Method::GET, "/api/v1/settings/Livechat_enabled"),
        (Method::POST, "/api/v1/chat.sendMessage"),
        (Method::POST, "/api/v1/chat.update"),
        (Method::POST, "/api/v1/chat.delete"),
        (Method::GET, "/api/v1/livechat/users/agent"),
        (Method::POST, "/api/v1/livechat/agent.status"),
        (Method::POST, "/api/v1/livechat/agents.saveInfo"),
        (Method::GET, "/api/v1/livechat/appearance"),
        (Method::GET, "/api/v1/livechat/inquiries.list"),
        (Method::GET, "/api/v1/livechat/inquiries.queued"),
        (Method::POST, "/api/v1/livechat/inquiries.take"),
        (Method::POST, "/api/v1/livechat/room.forward"),
        (Method::POST, "/api/v1/livechat/room.closeByUser"),
        (Method::GET, "/api/v1/livechat/rooms"),
        (Method::GET, &format!("/api/v1/livechat/{rid}/messages")),
        (Method::GET, "/api/v1/livechat/visitors.info?visitorId=x"),
        (Method::GET, "/api/v1/livechat/visitors.search?term=x"),
        (Method::GET, "/api/v1/livechat/visitors.online"),
    ] {
        let (status, body) = call(&app, Some(&as_visitor), method, path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
    }
}

#[tokio::test]
async fn only_administrators_manage_users() {
    let app = spawn_with_admin().await;
    let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
    create_user(&app, &admin, "agent1", &["livechat-agent"]).await;
    let agent = login(&app, "agent1", "agent1-password").await;
    let forbidden = json!({
        "success": false,
        "error": "User does not have the permissions required for this action [error-unauthorized]",
        "errorType": "error-unauthorized",
    });
    let attempt =
        json!({ "username": "sneaky", "email": "s@example.com", "name": "S", "password": "pw" });
    assert_eq!(
        call(
            &app,
            Some(&agent),
            Method::POST,
            "/api/v1/users.create",
            Some(attempt.clone())
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden.clone())
    );
    assert_eq!(
        call(&app, Some(&agent), Method::GET, "/api/v1/users.list", None).await,
        (StatusCode::FORBIDDEN, forbidden)
    );
    let (status, _) = call(
        &app,
        None,
        Method::POST,
        "/api/v1/users.create",
        Some(attempt),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "user": "sneaky", "password": "pw" })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "nothing was created: {body}"
    );
}

#[tokio::test]
async fn users_create_validates_its_input() {
    let app = spawn_with_admin().await;
    let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
    create_user(&app, &admin, "taken", &[]).await;
    let create = |body: Value| {
        call(
            &app,
            Some(&admin),
            Method::POST,
            "/api/v1/users.create",
            Some(body),
        )
    };

    let duplicate = create(
        json!({ "username": "TAKEN", "email": "other@example.com", "name": "x", "password": "pw" }),
    )
    .await;
    assert_eq!(duplicate.0, StatusCode::BAD_REQUEST, "{}", duplicate.1);
    assert_eq!(duplicate.1["errorType"], json!("error-field-unavailable"));
    let same_email = create(
        json!({ "username": "fresh", "email": "taken@example.com", "name": "x", "password": "pw" }),
    )
    .await;
    assert_eq!(same_email.1["errorType"], json!("error-field-unavailable"));
    let bad_name = create(json!({ "username": "no spaces", "name": "x", "password": "pw" })).await;
    assert_eq!(bad_name.1["errorType"], json!("error-invalid-username"));
    let bad_role =
        create(json!({ "username": "r", "name": "x", "password": "pw", "roles": ["root"] })).await;
    assert_eq!(bad_role.1["errorType"], json!("error-invalid-role"));
    assert_invalid_params(
        &create(json!({ "username": "nopw", "name": "x" })).await,
        "password",
    );
    let bad_email =
        create(json!({ "username": "e", "name": "x", "password": "pw", "email": "not-an-email" }))
            .await;
    assert_eq!(bad_email.1["errorType"], json!("error-invalid-email"));
}

#[tokio::test]
async fn users_list_info_update_delete() {
    let app = spawn_with_admin().await;
    let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
    let bob = create_user(&app, &admin, "bob", &["livechat-manager"]).await;
    let bob_id = bob["_id"].as_str().unwrap().to_string();
    for name in ["c1", "c2", "c3"] {
        create_user(&app, &admin, name, &[]).await;
    }

    let (status, page) = call(
        &app,
        Some(&admin),
        Method::GET,
        "/api/v1/users.list?offset=1&count=2",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        (
            page["count"].clone(),
            page["offset"].clone(),
            page["total"].clone()
        ),
        (json!(2), json!(1), json!(5))
    );
    assert_eq!(page["users"].as_array().unwrap().len(), 2);

    let (_, by_id) = call(
        &app,
        Some(&admin),
        Method::GET,
        &format!("/api/v1/users.info?userId={bob_id}"),
        None,
    )
    .await;
    let (_, by_name) = call(
        &app,
        Some(&admin),
        Method::GET,
        "/api/v1/users.info?username=bob",
        None,
    )
    .await;
    assert_eq!(by_id["user"]["_id"], json!(bob_id));
    assert_eq!(by_name["user"]["_id"], json!(bob_id));

    let change =
        json!({ "userId": bob_id, "data": { "name": "Robert", "password": "new-password" } });
    let (status, updated) = call(
        &app,
        Some(&admin),
        Method::POST,
        "/api/v1/users.update",
        Some(change),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["user"]["name"], json!("Robert"));
    let (status, _) = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "user": "bob", "password": "bob-password" })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    let bob_session = login(&app, "bob", "new-password").await;

    let deactivate = json!({ "userId": bob_id, "data": { "active": false } });
    call(
        &app,
        Some(&admin),
        Method::POST,
        "/api/v1/users.update",
        Some(deactivate),
    )
    .await;
    let (status, _) = call(&app, Some(&bob_session), Method::GET, "/api/v1/me", None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "deactivation revokes logins"
    );

    let (status, body) = call(
        &app,
        Some(&admin),
        Method::POST,
        "/api/v1/users.delete",
        Some(json!({ "userId": bob_id })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let gone = call(
        &app,
        Some(&admin),
        Method::GET,
        &format!("/api/v1/users.info?userId={bob_id}"),
        None,
    )
    .await;
    assert_error(
        &gone,
        StatusCode::BAD_REQUEST,
        "Invalid user [error-invalid-user]",
    );
    let own = call(
        &app,
        Some(&admin),
        Method::POST,
        "/api/v1/users.delete",
        Some(json!({ "userId": admin.0 })),
    )
    .await;
    assert_eq!(own.1["errorType"], json!("error-action-not-allowed"));
}

#[tokio::test]
async fn users_read_themselves_but_not_others() {
    let app = spawn_with_admin().await;
    let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
    let agent_doc = create_user(&app, &admin, "agent2", &["livechat-agent"]).await;
    let agent = login(&app, "agent2", "agent2-password").await;
    let (status, own) = call(
        &app,
        Some(&agent),
        Method::GET,
        &format!(
            "/api/v1/users.info?userId={}",
            agent_doc["_id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let (status, _) = call(
        &app,
        Some(&agent),
        Method::GET,
        &format!("/api/v1/users.info?userId={}", admin.0),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn users_set_their_presence() {
    let app = spawn_with_admin().await;
    let admin = login(&app, ADMIN, ADMIN_PASSWORD).await;
    let agent_doc = create_user(&app, &admin, "agent3", &["livechat-agent"]).await;
    let agent = login(&app, "agent3", "agent3-password").await;
    let (status, body) = call(
        &app,
        Some(&agent),
        Method::POST,
        "/api/v1/users.setStatus",
        Some(json!({ "status": "away" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me) = call(&app, Some(&agent), Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["status"], json!("away"));
    assert_invalid_params(
        &call(
            &app,
            Some(&agent),
            Method::POST,
            "/api/v1/users.setStatus",
            Some(json!({ "status": "asleep" })),
        )
        .await,
        "status",
    );
    let others = call(
        &app,
        Some(&agent),
        Method::POST,
        "/api/v1/users.setStatus",
        Some(json!({ "status": "offline", "userId": admin.0 })),
    )
    .await;
    assert_eq!(others.0, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        "/api/v1/users.setStatus",
        Some(json!({ "status": "busy", "userId": agent_doc["_id"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn login_attempts_are_rate_limited() {
    let app = TestApp::spawn_with(|c| c.login_per_minute = 3).await;
    for _ in 0..3 {
        let (status, _) = call(
            &app,
            None,
            Method::POST,
            "/api/v1/login",
            Some(json!({ "user": "x", "password": "y" })),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = call(
        &app,
        None,
        Method::POST,
        "/api/v1/login",
        Some(json!({ "user": "x", "password": "y" })),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["errorType"], json!("error-too-many-requests"));
}
