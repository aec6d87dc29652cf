//! Unknown routes, wrong methods and cross-origin requests.

use super::*;

#[tokio::test]
async fn unknown_routes_are_json_404() {
    let app = hostile_app().await;
    for (method, path) in [
        (Method::GET, "/api/v1/livechat/nope"),
        (Method::POST, "/api/v1/livechat/nope"),
        (Method::GET, "/api/v1/livechat/"),
        (Method::GET, "/api/v1/livechat"),
        (Method::GET, "/api/v1/livechat/message/a/b/c"),
        (Method::GET, "/api/v1/livechat/visitor/"),
        (Method::GET, "/api/v1/livechat/messages.history"),
        (Method::DELETE, "/api/v1/livechat/rooms"),
        (Method::GET, "/api/v1/nope"),
        (Method::GET, "/nope"),
        (Method::POST, "/"),
        (Method::GET, "/api/v1/livechat/../../etc/passwd"),
        (Method::GET, "/api/v1/livechat/%2e%2e/%2e%2e/etc/passwd"),
    ] {
        let (status, text) = raw(&app, method.clone(), path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {text}");
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {text:?}"));
        assert_eq!(
            body,
            json!({ "success": false, "error": "Resource not found", "errorType": "error-not-found" }),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn wrong_methods_on_known_paths_answer_json() {
    let app = hostile_app().await;
    for (method, path) in [
        (Method::GET, "message"),
        (Method::PUT, "message"),
        (Method::DELETE, "message"),
        (Method::POST, "message/SomeMessageId"),
        (Method::PATCH, "message/SomeMessageId"),
        (Method::POST, "messages.history/SomeRoomId"),
        (Method::GET, "visitor"),
        (Method::PUT, "visitor/some-token"),
        (Method::POST, "room"),
        (Method::GET, "room.close"),
        (Method::DELETE, "room.transfer"),
        (Method::GET, "room.survey"),
        (Method::GET, "offline.message"),
        (Method::POST, "config"),
        (Method::DELETE, "agent.next/some-token"),
        (Method::GET, "session.updateSessionStatus"),
        (Method::GET, "custom.fields"),
        (Method::GET, "page.visited"),
    ] {
        let (status, text) = raw(&app, method.clone(), path).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status} {text}"
        );
        let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| {
            panic!("{method} {path}: {status} with a body that is not JSON: {text:?}")
        });
        assert_eq!(body["success"], json!(false), "{method} {path}: {body}");
        assert!(body["error"].is_string(), "{method} {path}: {body}");
    }
}

#[tokio::test]
async fn cors_preflight_on_message_is_allowed() {
    let app = hostile_app().await;
    for (method, path, requested) in [
        (Method::OPTIONS, "message", "POST"),
        (Method::OPTIONS, "message/SomeMessageId", "DELETE"),
        (Method::OPTIONS, "message/SomeMessageId", "PUT"),
        (Method::OPTIONS, "messages.history/SomeRoomId", "GET"),
    ] {
        let response = app
            .client
            .request(method, app.url(path))
            .header("origin", "https://customer.example")
            .header("access-control-request-method", requested)
            .header(
                "access-control-request-headers",
                "content-type, x-visitor-token",
            )
            .send()
            .await
            .expect("preflight sent");
        assert_eq!(response.status(), StatusCode::OK, "{path} {requested}");
        let headers = response.headers();
        let origin = headers
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no access-control-allow-origin in {headers:?}"));
        assert!(
            origin == "*" || origin == "https://customer.example",
            "{path}: {origin}"
        );
        let methods = headers
            .get("access-control-allow-methods")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_uppercase();
        assert!(methods.contains(requested), "{path}: {methods}");
        let allowed_headers = headers
            .get("access-control-allow-headers")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_lowercase();
        assert!(
            allowed_headers.contains("content-type") && allowed_headers.contains("x-visitor-token"),
            "{path}: {allowed_headers}"
        );
    }
}

#[tokio::test]
async fn cross_origin_answers_carry_the_allow_origin_header() {
    let app = hostile_app().await;
    let (token, rid) = app.visitor_with_room().await;
    let response = app
        .client
        .post(app.url("message"))
        .header("origin", "https://customer.example")
        .json(&json!({ "token": token, "rid": rid, "msg": "from another origin" }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .contains_key("access-control-allow-origin"),
        "{:?}",
        response.headers()
    );
    // Errors too, so a cross-origin widget can read them.
    let response = app
        .client
        .post(app.url("message"))
        .header("origin", "https://customer.example")
        .json(&json!({ "token": new_token(), "rid": rid, "msg": "x" }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .headers()
        .contains_key("access-control-allow-origin"));
}
