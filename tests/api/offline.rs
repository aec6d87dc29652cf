//! `POST livechat/offline.message`, the "leave a message" form (reference §2.13, seed 004),
//! and its own per-IP rate limit.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

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

async fn send_form(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post("offline.message", body).await
}

/// Sends the form with each of `headers` saying it comes from `ip`; returns the status.
async fn send_form_from(app: &TestApp, ip: &str, headers: &[&str]) -> StatusCode {
    let mut request = app.client.post(app.url("offline.message"));
    for header in headers {
        request = request.header(*header, ip);
    }
    request.json(&form()).send().await.unwrap().status()
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
    assert_sent(&send_form(&app, form()).await);
}

#[tokio::test]
async fn an_offline_message_with_host_and_multiline_text_is_accepted() {
    let app = unlimited_app().await;
    let mut body = form_with(
        "message",
        json!("line one\nline two\n<script>alert(1)</script>"),
    );
    body["host"] = json!("https://customer.example/contact");
    assert_sent(&send_form(&app, body).await);
}

#[tokio::test]
async fn an_offline_message_to_a_department_by_id_is_accepted() {
    let app = unlimited_app().await;
    let body = form_with("department", json!("SalesDept000000001"));
    assert_sent(&send_form(&app, body).await);
}

#[tokio::test]
async fn an_offline_message_to_a_department_by_name_is_accepted() {
    let app = unlimited_app().await;
    let body = form_with("department", json!("Sales"));
    assert_sent(&send_form(&app, body).await);
}

#[tokio::test]
async fn an_empty_department_means_no_department() {
    let app = unlimited_app().await;
    assert_sent(&send_form(&app, form_with("department", json!(""))).await);
}

#[tokio::test]
async fn an_unknown_department_is_rejected() {
    let app = unlimited_app().await;
    for department in ["NoSuchDepartment", "sales-typo", "SalesDept000000002"] {
        let (status, body) = send_form(&app, form_with("department", json!(department))).await;
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
        let response = send_form(&app, form_with("email", json!(email))).await;
        assert_meteor_error(
            &response,
            "error-invalid-email-address",
            "Invalid email address [error-invalid-email-address]",
        );
    }
}

#[tokio::test]
async fn email_addresses_are_accepted_with_surrounding_spaces_and_capitals() {
    let app = unlimited_app().await;
    let body = form_with("email", json!("  Visitor@Example.COM "));
    assert_sent(&send_form(&app, body).await);
}

#[tokio::test]
async fn missing_name_email_or_message_is_invalid_params() {
    let app = unlimited_app().await;
    for field in ["name", "email", "message"] {
        assert_invalid_params(&send_form(&app, form_without(field)).await, field);
        assert_invalid_params(&send_form(&app, form_with(field, json!(null))).await, field);
    }
    assert_invalid_params(&send_form(&app, json!({})).await, "name");
}

#[tokio::test]
async fn blank_name_email_or_message_is_invalid_params() {
    let app = unlimited_app().await;
    for field in ["name", "email", "message"] {
        for blank in ["", "   ", "\n\t"] {
            assert_invalid_params(
                &send_form(&app, form_with(field, json!(blank))).await,
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
            assert_invalid_params(&send_form(&app, form_with(field, value)).await, field);
        }
    }
}

#[tokio::test]
async fn over_long_fields_are_invalid_params() {
    let app = unlimited_app().await;
    for (field, value) in [
        ("name", "n".repeat(257)),
        ("email", format!("{}@example.com", "e".repeat(300))),
        ("message", "m".repeat(10_001)),
        ("department", "d".repeat(10_000)),
        ("host", format!("https://{}", "h".repeat(10_000))),
    ] {
        assert_invalid_params(
            &send_form(&app, form_with(field, json!(value))).await,
            field,
        );
    }
    // The largest message allowed is accepted.
    let largest = form_with("message", json!("m".repeat(10_000)));
    assert_sent(&send_form(&app, largest).await);
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

    assert_sent(&send_form(&app, form()).await);
    assert_sent(&send_form(&app, form()).await);
    let response = app
        .client
        .post(app.url("offline.message"))
        .json(&form())
        .send()
        .await
        .expect("request sent");

    let (retry_after, error) = read_too_many_requests(response).await;
    assert!((1..=60).contains(&retry_after), "retry-after {retry_after}");
    assert!(
        error.starts_with("Error, too many requests. Please slow down.")
            && error.ends_with("[error-too-many-requests]"),
        "{error}"
    );
}

#[tokio::test]
async fn the_offline_limit_leaves_other_endpoints_working() {
    let app = TestApp::spawn_with(|c| c.offline_message_per_minute = 1).await;
    assert_sent(&send_form(&app, form()).await);
    let (status, body) = send_form(&app, form()).await;
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
    let (status, body) = send_form(&app, form()).await;
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
    let headers = ["x-real-ip"];

    assert_eq!(
        send_form_from(&app, "203.0.113.1", &headers).await,
        StatusCode::OK
    );
    assert_eq!(
        send_form_from(&app, "203.0.113.1", &headers).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        send_form_from(&app, "203.0.113.2", &headers).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_headers_do_not_dodge_the_limit() {
    let app = TestApp::spawn_with(|c| c.offline_message_per_minute = 1).await;
    let headers = ["x-real-ip", "x-forwarded-for"];

    assert_eq!(
        send_form_from(&app, "203.0.113.1", &headers).await,
        StatusCode::OK
    );
    assert_eq!(
        send_form_from(&app, "203.0.113.2", &headers).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed address must not reset the allowance"
    );
}
