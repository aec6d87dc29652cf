//! The server's limits: oversized bodies (with a length, chunked, or declared far larger than
//! they are) get 413, and floods get 429 and write nothing.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

/// A hostile app that takes bodies of at most 1 KiB.
async fn small_body_app() -> TestApp {
    TestApp::spawn_with(|c| {
        hostile_config(c);
        c.max_body_bytes = 1024;
    })
    .await
}

#[tokio::test]
async fn oversized_bodies_get_413_json_everywhere() {
    let app = small_body_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let padding = "p".repeat(4096);
    for endpoint in body_endpoints(&fx) {
        // A valid body padded with an unknown field, and 4 KiB of garbage.
        let mut padded = endpoint.valid.clone();
        padded["padding"] = json!(padding);
        let response = app
            .request(endpoint.method.clone(), &endpoint.path, Some(padded))
            .await;
        let (status, body) = &response;
        assert_eq!(
            *status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}: {body}",
            endpoint.name()
        );
        assert_eq!(body["success"], json!(false), "{}: {body}", endpoint.name());
        assert_eq!(
            body["errorType"],
            json!("error-payload-too-large"),
            "{body}"
        );

        let response = app
            .send_raw(endpoint.method.clone(), &endpoint.path, "x".repeat(4096))
            .await;
        assert_eq!(
            response.0,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}: {}",
            endpoint.name(),
            response.1
        );
        assert_eq!(response.1["success"], json!(false));
    }
    assert_untouched(&app, &fx, &before).await;

    // A body under the limit is still served.
    let sent = app.send_message(&fx.token, &fx.rid, &"m".repeat(800)).await;
    assert_eq!(sent["msg"].as_str().unwrap().len(), 800);
}

/// Writes a raw HTTP/1.1 request and reads the answer until the server closes or 10 s pass.
async fn raw_http(app: &TestApp, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write head");
    // The server may answer and close before reading everything: a failed write is fine.
    let _ = stream.write_all(body).await;
    let _ = stream.flush().await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buffer[..n]);
                    if let Some(end) = find(&answer, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&answer[..end]).to_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok());
                        if length.is_some_and(|len| answer.len() >= end + 4 + len) {
                            break;
                        }
                    }
                }
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "no answer within 10 s: {}",
        String::from_utf8_lossy(&answer)
    );
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP status line: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test]
async fn an_oversized_chunked_body_gets_413() {
    let app = small_body_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let content = format!(
        "{{\"token\":\"{}\",\"rid\":\"{}\",\"msg\":\"{}\"}}",
        fx.token,
        fx.rid,
        "c".repeat(4096)
    );
    let mut body = format!("{:x}\r\n", content.len()).into_bytes();
    body.extend_from_slice(content.as_bytes());
    body.extend_from_slice(b"\r\n0\r\n\r\n");
    let head = "POST /api/v1/livechat/message HTTP/1.1\r\nHost: localhost\r\n\
                Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\
                Connection: close\r\n\r\n";

    let (status, text) = raw_http(&app, head, &body).await;

    assert_eq!(status, 413, "{text}");
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON: {text}"));
    assert_eq!(json["success"], json!(false));
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn a_huge_declared_body_is_refused_without_waiting_for_it() {
    let app = small_body_app().await;
    let head = "POST /api/v1/livechat/visitor HTTP/1.1\r\nHost: localhost\r\n\
                Content-Type: application/json\r\nContent-Length: 1000000000\r\n\
                Connection: close\r\n\r\n";
    // Far less than declared, but more than the limit.
    let (status, text) = raw_http(&app, head, &[b' '; 8192]).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("\"success\":false"), "{text}");
}

// ---- flooding ----

#[tokio::test]
async fn the_rate_limit_answers_429_json_after_the_burst() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_minute = 5;
        c.rate_limit_burst = 5;
    })
    .await;
    let mut statuses = Vec::new();
    for i in 0..10 {
        let response = app
            .client
            .get(app.url("config"))
            .send()
            .await
            .expect("request sent");
        let status = response.status();
        statuses.push(status);
        if i >= 5 {
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "request {}", i + 1);
            let (retry_after, error) = read_too_many_requests(response).await;
            assert!(retry_after >= 1, "{retry_after}");
            assert!(error.contains("too many requests"), "{error}");
        }
    }
    assert!(
        statuses[..5].iter().all(|s| *s == StatusCode::OK),
        "the burst is allowed: {statuses:?}"
    );

    // The allowance is per client, not per route: other livechat routes are limited too.
    let (status, body) = app.register(json!({ "token": new_token() })).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let (status, body) = app
        .get(&format!("messages.history/x?token={}", new_token()))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

#[tokio::test]
async fn rate_limited_writes_change_nothing_and_other_clients_keep_their_allowance() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_minute = 5;
        c.rate_limit_burst = 5;
        c.trust_proxy_headers = true;
    })
    .await;
    let (token, rid) = app.visitor_with_room().await; // two requests from 127.0.0.1
    let flooder = |method: Method, path: String, body: Option<Value>| {
        let mut request = app
            .client
            .request(method, app.url(&path))
            .header("x-real-ip", "198.51.100.7");
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    for _ in 0..5 {
        let response = flooder(Method::GET, "config".into(), None).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let fresh = new_token();
    let limited = [
        flooder(
            Method::POST,
            "message".into(),
            Some(json!({ "token": token, "rid": rid, "msg": "flood" })),
        )
        .await
        .unwrap(),
        flooder(
            Method::POST,
            "visitor".into(),
            Some(json!({ "visitor": { "token": fresh } })),
        )
        .await
        .unwrap(),
        flooder(
            Method::POST,
            "room.close".into(),
            Some(json!({ "rid": rid, "token": token })),
        )
        .await
        .unwrap(),
    ];
    for response in limited {
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    // Another client (127.0.0.1) still has its allowance, and sees that nothing was written.
    let history = app.history(&token, &rid, "").await;
    assert!(!texts_contain(&history, "flood"), "{history:?}");
    assert_error(
        &app.get(&format!("visitor/{fresh}")).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
    let (status, body) = app.get(&format!("room?token={token}&rid={rid}")).await;
    assert_eq!(status, StatusCode::OK, "the room is still open: {body}");
}

fn texts_contain(messages: &[Value], text: &str) -> bool {
    messages.iter().any(|m| m["msg"] == json!(text))
}
