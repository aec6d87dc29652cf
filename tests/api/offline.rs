//! `POST livechat/offline.message`, the "leave a message" form (reference §2.13, seed 004),
//! and its own per-IP rate limit.

use livechat::model::DepartmentSeed;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

fn department(id: &str, name: &str) -> DepartmentSeed {
    DepartmentSeed {
        id: id.into(),
        name: name.into(),
        enabled: true,
        description: String::new(),
        show_on_registration: true,
        show_on_offline_form: true,
        email: String::new(),
    }
}

/// An app without the offline-message rate limit, for tests that send several forms.
async fn unlimited_app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.offline_message_per_minute = 0;
        c.departments
            .push(department("SalesDept000000001", "Sales"));
    })
    .await
}

fn form() -> Value {
    json!({
        "name": "Livechat Visitor",
        "email": "visitor@pimenta.chat",
        "message": "I need help",
    })
}

fn form_with(field: &str, value: Value) -> Value {
    let mut body = form();
    body[field] = value;
    body
}

fn form_without(field: &str) -> Value {
    let mut body = form();
    body.as_object_mut().unwrap().remove(field);
    body
}

#[track_caller]
fn assert_sent(response: &(StatusCode, Value)) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert_eq!(
        *body,
        json!({ "message": "Livechat offline message sent", "success": true })
    );
}

#[tokio::test]
async fn an_offline_message_is_accepted() {
    let app = TestApp::spawn().await;
    assert_sent(&app.post("offline.message", form()).await);
}

#[tokio::test]
async fn an_offline_message_with_host_and_multiline_text_is_accepted() {
    let app = unlimited_app().await;
    let mut body = form_with(
        "message",
        json!("line one\nline two\n<script>alert(1)</script>"),
    );
    body["host"] = json!("https://customer.example/contact");
    assert_sent(&app.post("offline.message", body).await);
}

#[tokio::test]
async fn an_offline_message_to_a_department_by_id_is_accepted() {
    let app = unlimited_app().await;
    let body = form_with("department", json!("SalesDept000000001"));
    assert_sent(&app.post("offline.message", body).await);
}

#[tokio::test]
async fn an_offline_message_to_a_department_by_name_is_accepted() {
    let app = unlimited_app().await;
    let body = form_with("department", json!("Sales"));
    assert_sent(&app.post("offline.message", body).await);
}

#[tokio::test]
async fn an_empty_department_means_no_department() {
    let app = unlimited_app().await;
    assert_sent(
        &app.post("offline.message", form_with("department", json!("")))
            .await,
    );
}

#[tokio::test]
async fn an_unknown_department_is_rejected() {
    let app = unlimited_app().await;
    for department in ["NoSuchDepartment", "sales-typo", "SalesDept000000002"] {
        let (status, body) = app
            .post(
                "offline.message",
                form_with("department", json!(department)),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{department}: {body}");
        assert_eq!(body["success"], json!(false));
        assert_eq!(
            body["errorType"],
            json!("error-invalid-department"),
            "{body}"
        );
        assert_eq!(
            body["error"],
            json!("The provided department is invalid [error-invalid-department]")
        );
    }
}

#[tokio::test]
async fn invalid_email_addresses_are_rejected() {
    let app = unlimited_app().await;
    for email in [
        "not-an-email",
        "visitor@localhost",
        "@example.com",
        "visitor@",
        "two words@example.com",
        "visitor@example.",
        "visitor@.example.com",
    ] {
        let response = app
            .post("offline.message", form_with("email", json!(email)))
            .await;
        assert_error(
            &response,
            StatusCode::BAD_REQUEST,
            "Invalid email address [error-invalid-email-address]",
        );
        assert_eq!(
            response.1["errorType"],
            json!("error-invalid-email-address")
        );
    }
}

#[tokio::test]
async fn email_addresses_are_accepted_with_surrounding_spaces_and_capitals() {
    let app = unlimited_app().await;
    assert_sent(
        &app.post(
            "offline.message",
            form_with("email", json!("  Visitor@Example.COM ")),
        )
        .await,
    );
}

#[tokio::test]
async fn missing_name_email_or_message_is_invalid_params() {
    let app = unlimited_app().await;
    for field in ["name", "email", "message"] {
        assert_invalid_params(
            &app.post("offline.message", form_without(field)).await,
            field,
        );
        assert_invalid_params(
            &app.post("offline.message", form_with(field, json!(null)))
                .await,
            field,
        );
    }
    assert_invalid_params(&app.post("offline.message", json!({})).await, "name");
}

#[tokio::test]
async fn blank_name_email_or_message_is_invalid_params() {
    let app = unlimited_app().await;
    for field in ["name", "email", "message"] {
        for blank in ["", "   ", "\n\t"] {
            assert_invalid_params(
                &app.post("offline.message", form_with(field, json!(blank)))
                    .await,
                field,
            );
        }
    }
}

#[tokio::test]
async fn non_string_fields_are_invalid_params() {
    let app = unlimited_app().await;
    for field in ["name", "email", "message", "department", "host"] {
        for value in [json!(42), json!(["a"]), json!({ "$ne": null }), json!(true)] {
            assert_invalid_params(
                &app.post("offline.message", form_with(field, value)).await,
                field,
            );
        }
    }
}

#[tokio::test]
async fn over_long_fields_are_invalid_params() {
    let app = unlimited_app().await;
    assert_invalid_params(
        &app.post("offline.message", form_with("name", json!("n".repeat(257))))
            .await,
        "name",
    );
    let long_email = format!("{}@example.com", "e".repeat(300));
    assert_invalid_params(
        &app.post("offline.message", form_with("email", json!(long_email)))
            .await,
        "email",
    );
    assert_invalid_params(
        &app.post(
            "offline.message",
            form_with("message", json!("m".repeat(10_001))),
        )
        .await,
        "message",
    );
    assert_invalid_params(
        &app.post(
            "offline.message",
            form_with("department", json!("d".repeat(10_000))),
        )
        .await,
        "department",
    );
    assert_invalid_params(
        &app.post(
            "offline.message",
            form_with("host", json!(format!("https://{}", "h".repeat(10_000)))),
        )
        .await,
        "host",
    );
    // The largest message allowed is accepted.
    assert_sent(
        &app.post(
            "offline.message",
            form_with("message", json!("m".repeat(10_000))),
        )
        .await,
    );
}

#[tokio::test]
async fn malformed_offline_bodies_are_invalid_params() {
    let app = unlimited_app().await;
    for raw in [
        "{",
        "{\"name\": \"a\",}",
        "name=a&email=b",
        "[]",
        "null",
        "42",
    ] {
        let response = app
            .send_raw(reqwest::Method::POST, "offline.message", raw)
            .await;
        assert_invalid_params(&response, "");
    }
}

#[tokio::test]
async fn the_offline_limit_answers_429_after_the_allowance() {
    let app = TestApp::spawn_with(|c| c.offline_message_per_minute = 2).await;

    assert_sent(&app.post("offline.message", form()).await);
    assert_sent(&app.post("offline.message", form()).await);
    let response = app
        .client
        .post(app.url("offline.message"))
        .json(&form())
        .send()
        .await
        .expect("request sent");

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = response
        .headers()
        .get("retry-after")
        .expect("a retry-after header")
        .to_str()
        .unwrap()
        .parse::<u64>()
        .expect("retry-after is a number of seconds");
    assert!((1..=60).contains(&retry_after), "retry-after {retry_after}");
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(
        body["errorType"],
        json!("error-too-many-requests"),
        "{body}"
    );
    let error = body["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("Error, too many requests. Please slow down.")
            && error.ends_with("[error-too-many-requests]"),
        "{error}"
    );
}

#[tokio::test]
async fn the_offline_limit_leaves_other_endpoints_working() {
    let app = TestApp::spawn_with(|c| c.offline_message_per_minute = 1).await;
    assert_sent(&app.post("offline.message", form()).await);
    let (status, body) = app.post("offline.message", form()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");

    // The rest of the visitor API is not affected.
    let (status, body) = app.get("config").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (token, rid) = app.visitor_with_room().await;
    app.send_message(&token, &rid, "still chatting").await;
    assert_eq!(
        app.history(&token, &rid, "").await[0]["msg"],
        json!("still chatting")
    );

    // And the offline form is still limited.
    let (status, body) = app.post("offline.message", form()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["errorType"], json!("error-too-many-requests"));
}

#[tokio::test]
async fn the_offline_limit_is_per_client_ip_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with(|c| {
        c.offline_message_per_minute = 1;
        c.trust_proxy_headers = true;
    })
    .await;
    let post_from = |ip: &'static str| {
        app.client
            .post(app.url("offline.message"))
            .header("x-real-ip", ip)
            .json(&form())
            .send()
    };

    assert_eq!(
        post_from("203.0.113.1").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        post_from("203.0.113.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        post_from("203.0.113.2").await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_headers_do_not_dodge_the_limit() {
    let app = TestApp::spawn_with(|c| c.offline_message_per_minute = 1).await;
    let post_from = |ip: &'static str| {
        app.client
            .post(app.url("offline.message"))
            .header("x-real-ip", ip)
            .header("x-forwarded-for", ip)
            .json(&form())
            .send()
    };

    assert_eq!(
        post_from("203.0.113.1").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        post_from("203.0.113.2").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed address must not reset the allowance"
    );
}
