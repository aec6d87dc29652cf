//! Hostile and sloppy clients against every visitor endpoint: malformed JSON, wrong types,
//! Mongo-style operator objects, over-long strings, oversized bodies, floods, unknown routes
//! and wrong methods. The server must answer each with a JSON 4xx (never a 5xx) and must not
//! change anything it rejected.

use std::time::Duration;

use livechat::model::{CustomFieldDefinition, CustomFieldScope, DepartmentSeed};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

// ---- the fixture and the endpoint tables ----

/// A visitor with an open room, one message and a site session, plus a token nobody used.
struct Fixture {
    token: String,
    rid: String,
    mid: String,
    visitor_id: String,
    /// Never registered: requests about it must not create it.
    fresh: String,
}

fn hostile_config(config: &mut livechat::Config) {
    config.rate_limit_per_minute = 0;
    config.offline_message_per_minute = 0;
    config.departments.push(DepartmentSeed {
        id: "SupportDept000001".into(),
        name: "Support".into(),
        enabled: true,
        description: String::new(),
        show_on_registration: true,
        show_on_offline_form: true,
        email: String::new(),
    });
    config.custom_fields.push(CustomFieldDefinition {
        id: "company".into(),
        label: "Company".into(),
        scope: CustomFieldScope::Visitor,
        visibility: "visible".into(),
        regexp: String::new(),
        required: false,
        searchable: false,
    });
}

/// An app without rate limits, with a department and a custom field for the tables' bodies.
async fn hostile_app() -> TestApp {
    TestApp::spawn_with(hostile_config).await
}

async fn fixture(app: &TestApp) -> Fixture {
    let token = new_token();
    let visitor = app.register_visitor(&token).await;
    let rid = app.open_room(&token).await;
    let message = app
        .send_message(&token, &rid, "the fixture's message")
        .await;
    let (status, body) = app
        .post(
            "session.addLocationData",
            json!({ "token": token, "deviceInfo": { "os": "Linux", "browserName": "Firefox" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "session: {body}");
    Fixture {
        visitor_id: visitor["_id"].as_str().unwrap().to_string(),
        mid: message["_id"].as_str().unwrap().to_string(),
        token,
        rid,
        fresh: new_token(),
    }
}

/// An endpoint that reads a JSON body: a body it accepts, and where its strings are.
struct BodyEndpoint {
    method: Method,
    path: String,
    valid: Value,
    /// JSON pointers of string fields.
    strings: Vec<&'static str>,
    /// JSON pointers of object/array fields.
    containers: Vec<&'static str>,
}

impl BodyEndpoint {
    fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn with(&self, pointer: &str, value: Value) -> Value {
        let mut body = self.valid.clone();
        *body
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} in {}", self.valid)) = value;
        body
    }
}

fn post(
    path: &str,
    valid: Value,
    strings: &[&'static str],
    containers: &[&'static str],
) -> BodyEndpoint {
    BodyEndpoint {
        method: Method::POST,
        path: path.to_string(),
        valid,
        strings: strings.to_vec(),
        containers: containers.to_vec(),
    }
}

/// Every visitor endpoint that reads a JSON body, each with a body it accepts. In this order,
/// every valid body succeeds against a fresh fixture (see the first test).
fn body_endpoints(fx: &Fixture) -> Vec<BodyEndpoint> {
    let (token, rid, mid) = (fx.token.as_str(), fx.rid.as_str(), fx.mid.as_str());
    vec![
        post(
            "visitor",
            json!({ "visitor": {
                "token": fx.fresh, "name": "Mallory", "email": "mallory@example.com",
                "phone": "+15550100", "username": "mallory-user", "department": "Support",
            } }),
            &[
                "/visitor/token",
                "/visitor/name",
                "/visitor/email",
                "/visitor/phone",
                "/visitor/username",
                "/visitor/department",
            ],
            &["/visitor"],
        ),
        post(
            "visitor.status",
            json!({ "token": token, "status": "away" }),
            &["/token", "/status"],
            &[],
        ),
        post(
            "custom.field",
            json!({ "token": token, "key": "company", "value": "Acme", "overwrite": true }),
            &["/token", "/key", "/value"],
            &[],
        ),
        post(
            "custom.fields",
            json!({ "token": token, "customFields": [{ "key": "company", "value": "Acme 2", "overwrite": true }] }),
            &["/token", "/customFields/0/key", "/customFields/0/value"],
            &["/customFields", "/customFields/0"],
        ),
        post(
            "page.visited",
            json!({ "token": token, "rid": rid, "pageInfo": {
                "change": "url", "title": "Pricing", "location": { "href": "https://example.com/pricing" },
            } }),
            &[
                "/token",
                "/rid",
                "/pageInfo/change",
                "/pageInfo/title",
                "/pageInfo/location/href",
            ],
            &["/pageInfo", "/pageInfo/location"],
        ),
        post(
            "message",
            json!({ "token": token, "rid": rid, "msg": "hello", "_id": "hostile-client-id" }),
            &["/token", "/rid", "/msg", "/_id"],
            &[],
        ),
        BodyEndpoint {
            method: Method::PUT,
            path: format!("message/{mid}"),
            valid: json!({ "token": token, "rid": rid, "msg": "edited" }),
            strings: vec!["/token", "/rid", "/msg"],
            containers: vec![],
        },
        BodyEndpoint {
            method: Method::DELETE,
            path: format!("message/{mid}"),
            valid: json!({ "token": token, "rid": rid }),
            strings: vec!["/token", "/rid"],
            containers: vec![],
        },
        post(
            "room.transfer",
            json!({ "rid": rid, "token": token, "department": "Support" }),
            &["/rid", "/token", "/department"],
            &[],
        ),
        post(
            "room.survey",
            json!({ "rid": rid, "token": token, "data": [{ "name": "satisfaction", "value": "5" }] }),
            &["/rid", "/token", "/data/0/name", "/data/0/value"],
            &["/data", "/data/0"],
        ),
        post(
            "offline.message",
            json!({
                "name": "Mallory", "email": "mallory@example.com", "message": "call me",
                "department": "Support", "host": "https://example.com",
            }),
            &["/name", "/email", "/message", "/department", "/host"],
            &[],
        ),
        post(
            "session.addLocationData",
            json!({
                "token": token,
                "location": { "countryName": "Brazil", "city": "Porto Alegre" },
                "deviceInfo": { "os": "Linux", "browserName": "Chrome" },
            }),
            &["/token", "/deviceInfo/os", "/deviceInfo/browserName"],
            &["/location", "/deviceInfo"],
        ),
        post(
            "session.updateVisitorSessionOnRegister",
            json!({ "visitor": { "token": token, "name": "Mallory", "email": "mallory@example.com" } }),
            &["/visitor/token", "/visitor/name", "/visitor/email"],
            &["/visitor"],
        ),
        post(
            "session.updateSessionStatus",
            json!({ "token": token, "status": "away" }),
            &["/token", "/status"],
            &[],
        ),
        post(
            "room.close",
            json!({ "rid": rid, "token": token }),
            &["/rid", "/token"],
            &[],
        ),
    ]
}

/// Every visitor endpoint that takes its token in the path or the query string, with `token`
/// (already URL-encoded) in its place.
fn token_endpoints(fx: &Fixture, token: &str) -> Vec<(Method, String)> {
    let (rid, mid) = (fx.rid.as_str(), fx.mid.as_str());
    vec![
        (Method::GET, format!("visitor/{token}")),
        (Method::DELETE, format!("visitor/{token}")),
        (Method::GET, format!("room?token={token}")),
        (Method::GET, format!("room?token={token}&rid={rid}")),
        (
            Method::GET,
            format!("message/{mid}?token={token}&rid={rid}"),
        ),
        (
            Method::DELETE,
            format!("message/{mid}?token={token}&rid={rid}"),
        ),
        (Method::GET, format!("messages.history/{rid}?token={token}")),
        (Method::GET, format!("agent.info/{rid}/{token}")),
        (Method::GET, format!("agent.next/{token}")),
        (Method::GET, format!("session.visitorInfo/{token}")),
    ]
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a client can observe of the fixture: compared before and after hostile requests.
async fn snapshot(app: &TestApp, fx: &Fixture) -> Value {
    let (token, rid, mid) = (&fx.token, &fx.rid, &fx.mid);
    let visitor = app.get(&format!("visitor/{token}")).await;
    let room = app.get(&format!("room?token={token}&rid={rid}")).await;
    let history = app
        .get(&format!("messages.history/{rid}?token={token}&limit=1000"))
        .await;
    let message = app
        .get(&format!("message/{mid}?token={token}&rid={rid}"))
        .await;
    let session = app.get(&format!("session.visitorInfo/{token}")).await;
    for (what, (status, body)) in [
        ("visitor", &visitor),
        ("room", &room),
        ("history", &history),
        ("message", &message),
        ("session", &session),
    ] {
        assert_eq!(*status, StatusCode::OK, "fixture {what}: {body}");
    }
    json!({
        "visitor": visitor.1,
        "room": room.1,
        "history": history.1,
        "message": message.1,
        "session": session.1,
    })
}

/// The fixture is exactly as it was, and the fresh token still names nobody.
async fn assert_untouched(app: &TestApp, fx: &Fixture, before: &Value) {
    let after = snapshot(app, fx).await;
    assert_eq!(&after, before, "a rejected request changed the fixture");
    assert_error(
        &app.get(&format!("visitor/{}", fx.fresh)).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
    let (status, body) = app.get(&format!("session.visitorInfo/{}", fx.fresh)).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "no session for the fresh token: {body}"
    );
}

#[track_caller]
fn assert_rejected(response: &(StatusCode, Value), context: &str) {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{context}: {body}");
    assert_eq!(body["success"], json!(false), "{context}: {body}");
    assert!(body["error"].is_string(), "{context}: {body}");
}

#[track_caller]
fn assert_rejected_as_invalid_params(response: &(StatusCode, Value), context: &str) {
    assert_rejected(response, context);
    assert_eq!(
        response.1["errorType"],
        json!("invalid-params"),
        "{context}: {}",
        response.1
    );
}

/// Sends a request and reads the answer as text: for answers that might not be JSON.
async fn raw(app: &TestApp, method: Method, path: &str) -> (StatusCode, String) {
    let response = app
        .client
        .request(method, app.url(path))
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

// ---- the tables themselves ----

#[tokio::test]
async fn every_table_body_is_accepted_as_is() {
    // The hostile tests below mean something only if the unaltered bodies succeed.
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    for endpoint in body_endpoints(&fx) {
        let (status, body) = app
            .request(
                endpoint.method.clone(),
                &endpoint.path,
                Some(endpoint.valid.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", endpoint.name());
        assert_eq!(body["success"], json!(true), "{}: {body}", endpoint.name());
    }
}

#[tokio::test]
async fn malformed_json_bodies_are_invalid_params_everywhere() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let deep = format!("{{\"token\": {}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let mut invalid_utf8 = b"{\"token\": \"".to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xfd]);
    invalid_utf8.extend_from_slice(b"\"}");
    let payloads: Vec<Vec<u8>> = vec![
        b"{".to_vec(),
        b"}".to_vec(),
        b"{\"token\": \"a\",}".to_vec(),
        b"{'token': 'single quotes'}".to_vec(),
        b"{token: \"unquoted\"}".to_vec(),
        b"{\"token\": \"unterminated".to_vec(),
        b"{\"token\": \"a\"} trailing".to_vec(),
        b"{\"token\": \"a\"}{\"token\": \"b\"}".to_vec(),
        b"not json at all".to_vec(),
        b"token=a&rid=b&msg=c".to_vec(),
        b"\"a string\"".to_vec(),
        b"42".to_vec(),
        b"null".to_vec(),
        b"true".to_vec(),
        b"[]".to_vec(),
        b"{\"token\": NaN}".to_vec(),
        b"{\"token\": 1e999}".to_vec(),
        invalid_utf8,
        deep.into_bytes(),
    ];
    for endpoint in body_endpoints(&fx) {
        for payload in &payloads {
            let response = app
                .send_raw(endpoint.method.clone(), &endpoint.path, payload.clone())
                .await;
            let context = format!(
                "{} with {:?}",
                endpoint.name(),
                String::from_utf8_lossy(&payload[..payload.len().min(60)])
            );
            assert_rejected_as_invalid_params(&response, &context);
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn wrong_json_types_are_invalid_params_everywhere() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    for endpoint in body_endpoints(&fx) {
        for pointer in &endpoint.strings {
            for value in [
                json!(12345),
                json!(1.5),
                json!(-1),
                json!(true),
                json!(["a", "b"]),
                json!([]),
                json!({ "key": "value" }),
            ] {
                let body = endpoint.with(pointer, value.clone());
                let response = app
                    .request(endpoint.method.clone(), &endpoint.path, Some(body))
                    .await;
                let context = format!("{} with {pointer} = {value}", endpoint.name());
                assert_rejected_as_invalid_params(&response, &context);
            }
        }
        for pointer in &endpoint.containers {
            // (Arrays in place of objects have a test of their own, below.)
            for value in [json!(7), json!(-2.5), json!("a string"), json!(true)] {
                let body = endpoint.with(pointer, value.clone());
                let response = app
                    .request(endpoint.method.clone(), &endpoint.path, Some(body))
                    .await;
                let context = format!("{} with {pointer} = {value}", endpoint.name());
                assert_rejected_as_invalid_params(&response, &context);
            }
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn a_rejected_registration_with_a_bad_type_creates_no_visitor() {
    let app = hostile_app().await;
    let token = new_token();
    for visitor in [
        json!({ "token": token, "name": 42 }),
        json!({ "token": token, "email": ["a@example.com"] }),
        json!({ "token": token, "phone": { "number": "1" } }),
        json!({ "token": token, "customFields": "company=Acme" }),
    ] {
        let response = app.post("visitor", json!({ "visitor": visitor })).await;
        assert_rejected_as_invalid_params(&response, &visitor.to_string());
    }
    assert_error(
        &app.get(&format!("visitor/{token}")).await,
        StatusCode::BAD_REQUEST,
        "[invalid-token]",
    );
    let (status, body) = app.get(&format!("room?token={token}")).await;
    assert_error(&(status, body), StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn json_arrays_are_not_accepted_in_place_of_objects() {
    // serde reads a struct from a JSON array of its fields in order; a JSON API must not.
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let (token, rid, mid) = (fx.token.as_str(), fx.rid.as_str(), fx.mid.as_str());
    let mut accepted = Vec::new();
    for (method, path, body) in [
        (
            Method::PUT,
            format!("message/{mid}"),
            json!([token, rid, "rewritten"]),
        ),
        (
            Method::POST,
            "visitor.status".into(),
            json!([token, "busy"]),
        ),
        (
            Method::POST,
            "session.updateSessionStatus".into(),
            json!([token, "away"]),
        ),
        (
            Method::POST,
            "custom.field".into(),
            json!([token, "company", "Evil Corp", true]),
        ),
        (
            Method::POST,
            "page.visited".into(),
            json!({ "token": token, "rid": rid, "pageInfo": ["url", "Title", ["https://evil.example"]] }),
        ),
        (
            Method::POST,
            "page.visited".into(),
            json!({ "token": token, "rid": rid, "pageInfo": {
                "change": "url", "title": "Title", "location": ["https://evil.example"],
            } }),
        ),
        (
            Method::POST,
            "room.survey".into(),
            json!({ "rid": rid, "token": token, "data": [["satisfaction", "1"]] }),
        ),
    ] {
        let (status, answer) = app.request(method.clone(), &path, Some(body.clone())).await;
        if status != StatusCode::BAD_REQUEST || answer["errorType"] != json!("invalid-params") {
            accepted.push(format!("{method} {path} {body} -> {status} {answer}"));
        }
    }
    assert!(
        accepted.is_empty(),
        "arrays were taken for objects:\n{}",
        accepted.join("\n")
    );
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn mongo_operator_objects_are_rejected_everywhere() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let operators = [
        json!({ "$ne": null }),
        json!({ "$ne": "" }),
        json!({ "$gt": "" }),
        json!({ "$regex": ".*" }),
        json!({ "$exists": true }),
        json!({ "$in": [fx.token.clone()] }),
        json!({ "$where": "return true" }),
    ];
    for endpoint in body_endpoints(&fx) {
        for pointer in &endpoint.strings {
            for operator in &operators {
                let body = endpoint.with(pointer, operator.clone());
                let response = app
                    .request(endpoint.method.clone(), &endpoint.path, Some(body))
                    .await;
                let context = format!("{} with {pointer} = {operator}", endpoint.name());
                assert_rejected_as_invalid_params(&response, &context);
                assert!(
                    !response.1.to_string().contains(&fx.visitor_id),
                    "{context} leaked the visitor: {}",
                    response.1
                );
            }
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn mongo_operators_in_query_strings_are_invalid_params() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let (rid, mid) = (&fx.rid, &fx.mid);
    for operator in [
        "token[$ne]=null",
        "token%5B%24ne%5D=null",
        "token[$gt]=",
        "token[$regex]=.*",
        "token[]=a&token[]=b",
    ] {
        for (method, path) in [
            (Method::GET, format!("room?{operator}")),
            (Method::GET, format!("room?{operator}&rid={rid}")),
            (Method::GET, format!("message/{mid}?{operator}&rid={rid}")),
            (
                Method::DELETE,
                format!("message/{mid}?{operator}&rid={rid}"),
            ),
            (Method::GET, format!("messages.history/{rid}?{operator}")),
        ] {
            let response = app.request(method.clone(), &path, None).await;
            assert_rejected_as_invalid_params(&response, &format!("{method} {path}"));
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn operator_looking_tokens_in_paths_match_nobody() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    for token in [
        "{\"$ne\":null}",
        "{\"$gt\":\"\"}",
        "[$ne]",
        ".*",
        "*",
        "%",
        "_",
        "' OR '1'='1",
        "x'; DROP TABLE visitors; --",
        "\" OR 1=1 --",
        "../../etc/passwd",
        "tok-%00",
    ] {
        for (method, path) in token_endpoints(&fx, &encode(token)) {
            let response = app.request(method.clone(), &path, None).await;
            let context = format!("{method} {path}");
            assert_rejected(&response, &context);
            assert!(
                !response.1.to_string().contains(&fx.visitor_id),
                "{context} leaked the visitor: {}",
                response.1
            );
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn over_long_strings_are_rejected_everywhere() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let long = "x".repeat(20_000);
    for endpoint in body_endpoints(&fx) {
        for pointer in &endpoint.strings {
            let body = endpoint.with(pointer, json!(long));
            let response = app
                .request(endpoint.method.clone(), &endpoint.path, Some(body))
                .await;
            let context = format!("{} with a 20 000-character {pointer}", endpoint.name());
            assert_rejected(&response, &context);
            if pointer.ends_with("token") || pointer.ends_with("rid") {
                assert_eq!(
                    response.1["errorType"],
                    json!("invalid-params"),
                    "{context}: {}",
                    response.1
                );
            }
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn over_long_tokens_in_paths_and_queries_are_rejected() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let long = "t".repeat(10_000);
    let mut endpoints = token_endpoints(&fx, &long);
    endpoints.push((Method::GET, format!("config?token={long}")));
    endpoints.push((Method::POST, format!("session.updateVisitCount/{long}")));
    endpoints.push((
        Method::GET,
        format!("messages.history/{long}?token={}", fx.token),
    ));
    endpoints.push((
        Method::GET,
        format!("message/{long}?token={}&rid={}", fx.token, fx.rid),
    ));
    for (method, path) in endpoints {
        let response = app.request(method.clone(), &path, None).await;
        assert_rejected(
            &response,
            &format!("{method} {}…", &path[..60.min(path.len())]),
        );
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn oversized_bodies_get_413_json_everywhere() {
    let app = TestApp::spawn_with(|c| {
        hostile_config(c);
        c.max_body_bytes = 1024;
    })
    .await;
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
    let app = TestApp::spawn_with(|c| {
        hostile_config(c);
        c.max_body_bytes = 1024;
    })
    .await;
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
    let app = TestApp::spawn_with(|c| {
        hostile_config(c);
        c.max_body_bytes = 1024;
    })
    .await;
    let head = "POST /api/v1/livechat/visitor HTTP/1.1\r\nHost: localhost\r\n\
                Content-Type: application/json\r\nContent-Length: 1000000000\r\n\
                Connection: close\r\n\r\n";
    // Far less than declared, but more than the limit.
    let (status, text) = raw_http(&app, head, &[b' '; 8192]).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("\"success\":false"), "{text}");
}

// ---- characters databases dislike ----

#[tokio::test]
async fn nul_characters_never_cause_server_errors() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let nul_token = "tok-a\u{0}b";
    let requests: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "visitor".into(),
            Some(json!({ "visitor": { "token": nul_token } })),
        ),
        (
            Method::POST,
            "visitor".into(),
            Some(json!({ "visitor": { "token": new_token(), "name": "nul\u{0}name" } })),
        ),
        (
            Method::POST,
            "message".into(),
            Some(json!({ "token": fx.token, "rid": fx.rid, "msg": "before\u{0}after" })),
        ),
        (
            Method::POST,
            "message".into(),
            Some(json!({ "token": nul_token, "rid": fx.rid, "msg": "x" })),
        ),
        (
            Method::POST,
            "offline.message".into(),
            Some(json!({ "name": "n\u{0}", "email": "a@example.com", "message": "m\u{0}" })),
        ),
        (
            Method::POST,
            "session.updateSessionStatus".into(),
            Some(json!({ "token": nul_token, "status": "away" })),
        ),
        (
            Method::POST,
            "custom.field".into(),
            Some(
                json!({ "token": fx.token, "key": "company", "value": "A\u{0}B", "overwrite": true }),
            ),
        ),
        (Method::GET, "visitor/tok-a%00b".into(), None),
        (Method::GET, "room?token=tok-a%00b".into(), None),
        (
            Method::GET,
            format!("messages.history/{}?token=tok-a%00b", fx.rid),
            None,
        ),
        (
            Method::GET,
            format!("messages.history/a%00b?token={}", fx.token),
            None,
        ),
        (Method::GET, "session.visitorInfo/tok-a%00b".into(), None),
        (
            Method::POST,
            "session.updateVisitCount/tok-a%00b".into(),
            None,
        ),
        (Method::GET, "config?token=tok-a%00b".into(), None),
    ];
    let mut failures = Vec::new();
    for (method, path, body) in requests {
        let (status, answer) = app.request(method.clone(), &path, body.clone()).await;
        if status.is_server_error() {
            failures.push(format!("{method} {path} {body:?} -> {status}: {answer}"));
        }
    }
    assert!(
        failures.is_empty(),
        "server errors:\n{}",
        failures.join("\n")
    );
    // Whatever was accepted reads back intact.
    let history = app.history(&fx.token, &fx.rid, "").await;
    if let Some(stored) = history
        .iter()
        .find(|m| m["msg"].as_str().unwrap_or("").starts_with("before"))
    {
        assert_eq!(stored["msg"], json!("before\u{0}after"));
    }
}

#[tokio::test]
async fn invalid_utf8_in_paths_and_queries_is_rejected() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    for (method, path) in token_endpoints(&fx, "%FF%FE") {
        let response = app.request(method.clone(), &path, None).await;
        assert_rejected(&response, &format!("{method} {path}"));
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn repeated_query_keys_are_rejected() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    let (token, rid, mid) = (&fx.token, &fx.rid, &fx.mid);
    for (method, path) in [
        (
            Method::GET,
            format!("room?token={token}&token={}", fx.fresh),
        ),
        (
            Method::GET,
            format!("messages.history/{rid}?token={token}&token={token}"),
        ),
        (
            Method::GET,
            format!("message/{mid}?token={token}&rid={rid}&rid={rid}"),
        ),
        (
            Method::DELETE,
            format!("message/{mid}?token={token}&token={token}&rid={rid}"),
        ),
    ] {
        let response = app.request(method.clone(), &path, None).await;
        assert_rejected_as_invalid_params(&response, &format!("{method} {path}"));
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn extreme_history_parameters_do_not_break_the_server() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let base = format!("messages.history/{}?token={}", fx.rid, fx.token);
    for (query, expected) in [
        ("limit=1000000", Some(2)),
        ("limit=0", None),
        ("count=999999999", Some(2)),
        ("offset=9223372036854775807", Some(0)),
        ("offset=1000000&limit=1000000", Some(0)),
        ("end=9999-12-31T23:59:59.999Z", Some(2)),
        ("end=0001-01-01T00:00:00Z", Some(0)),
        ("ls=0001-01-01T00:00:00Z&limit=1", None),
        ("ls=9999-12-31T23:59:59.999Z", Some(2)),
    ] {
        let (status, body) = app.get(&format!("{base}&{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        if let Some(expected) = expected {
            assert_eq!(
                body["messages"].as_array().map(Vec::len),
                Some(expected),
                "{query}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn bodies_sent_to_bodyless_endpoints_do_not_matter() {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    for (method, path) in [
        (Method::GET, format!("visitor/{}", fx.token)),
        (Method::GET, format!("room?token={}", fx.token)),
        (
            Method::GET,
            format!("messages.history/{}?token={}", fx.rid, fx.token),
        ),
        (
            Method::GET,
            format!("message/{}?token={}&rid={}", fx.mid, fx.token, fx.rid),
        ),
        (Method::GET, "config".to_string()),
    ] {
        let (status, body) = app.send_raw(method.clone(), &path, "{ not json").await;
        assert_eq!(status, StatusCode::OK, "{method} {path}: {body}");
    }
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
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .expect("a numeric retry-after header");
            assert!(retry_after >= 1, "{retry_after}");
            let body: Value = response.json().await.expect("a JSON 429 body");
            assert_eq!(body["success"], json!(false), "{body}");
            assert_eq!(
                body["errorType"],
                json!("error-too-many-requests"),
                "{body}"
            );
            assert!(
                body["error"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("too many requests"),
                "{body}"
            );
        }
    }
    assert!(
        statuses[..5].iter().all(|s| *s == StatusCode::OK),
        "the burst is allowed: {statuses:?}"
    );

    // The allowance is per client, not per route: other livechat routes are limited too.
    let (status, body) = app
        .post("visitor", json!({ "visitor": { "token": new_token() } }))
        .await;
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

// ---- routing ----

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
        (Method::GET, "/"),
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
