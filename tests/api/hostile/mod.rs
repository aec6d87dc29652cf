//! Hostile and sloppy clients against every visitor endpoint: malformed JSON, wrong types,
//! Mongo-style operator objects, over-long strings, oversized bodies, floods, unknown routes
//! and wrong methods. The server must answer each with a JSON 4xx (never a 5xx) and must not
//! change anything it rejected.

mod bodies;
mod limits;
mod paths;
mod routing;

use livechat::model::{CustomFieldDefinition, CustomFieldScope};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

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
    config
        .departments
        .push(department("SupportDept000001", "Support"));
    config.custom_fields.push(CustomFieldDefinition {
        label: "Company".into(),
        ..custom_field("company", CustomFieldScope::Visitor, "")
    });
}

/// An app without rate limits, with a department and a custom field for the tables' bodies.
async fn hostile_app() -> TestApp {
    TestApp::spawn_with(hostile_config).await
}

/// A hostile app with its fixture, and a snapshot of the fixture before any hostile request.
async fn hostile_scene() -> (TestApp, Fixture, Value) {
    let app = hostile_app().await;
    let fx = fixture(&app).await;
    let before = snapshot(&app, &fx).await;
    (app, fx, before)
}

async fn fixture(app: &TestApp) -> Fixture {
    let (token, visitor, rid) = app.visitor_doc_with_room().await;
    let message = app
        .send_message(&token, &rid, "the fixture's message")
        .await;
    app.post_ok(
        "session.addLocationData",
        json!({ "token": token, "deviceInfo": { "os": "Linux", "browserName": "Firefox" } }),
    )
    .await;
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

    /// Sends the valid body with `value` at `pointer`.
    async fn send_with(&self, app: &TestApp, pointer: &str, value: Value) -> (StatusCode, Value) {
        let body = self.with(pointer, value);
        app.request(self.method.clone(), &self.path, Some(body))
            .await
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

async fn bodyless(app: &TestApp, method: &Method, path: &str) -> (StatusCode, Value) {
    app.request(method.clone(), path, None).await
}

/// Asserts that a rejected request's answer does not mention the fixture's visitor.
#[track_caller]
fn assert_no_leak(response: &(StatusCode, Value), fx: &Fixture, context: &str) {
    assert!(
        !response.1.to_string().contains(&fx.visitor_id),
        "{context} leaked the visitor: {}",
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
