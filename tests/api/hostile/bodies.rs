//! JSON bodies that are malformed, of the wrong types, arrays in place of objects, Mongo-style
//! operator objects, over-long strings or NUL characters, sent to every endpoint that reads a
//! body.

use super::*;

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
    let (app, fx, before) = hostile_scene().await;
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
    let (app, fx, before) = hostile_scene().await;
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
                let response = endpoint.send_with(&app, pointer, value.clone()).await;
                let context = format!("{} with {pointer} = {value}", endpoint.name());
                assert_rejected_as_invalid_params(&response, &context);
            }
        }
        for pointer in &endpoint.containers {
            // (Arrays in place of objects have a test of their own, below.)
            for value in [json!(7), json!(-2.5), json!("a string"), json!(true)] {
                let response = endpoint.send_with(&app, pointer, value.clone()).await;
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
    let (app, fx, before) = hostile_scene().await;
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
    let (app, fx, before) = hostile_scene().await;
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
                let response = endpoint.send_with(&app, pointer, operator.clone()).await;
                let context = format!("{} with {pointer} = {operator}", endpoint.name());
                assert_rejected_as_invalid_params(&response, &context);
                assert_no_leak(&response, &fx, &context);
            }
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn over_long_strings_are_rejected_everywhere() {
    let (app, fx, before) = hostile_scene().await;
    let long = "x".repeat(20_000);
    for endpoint in body_endpoints(&fx) {
        for pointer in &endpoint.strings {
            let response = endpoint.send_with(&app, pointer, json!(long)).await;
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

// ---- NUL characters, which PostgreSQL refuses in text ----

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
