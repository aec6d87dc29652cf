//! Hostile tokens and parameters in paths and query strings: operators, over-long or invalid
//! UTF-8 values, repeated keys and extreme history parameters.

use super::*;

#[tokio::test]
async fn over_long_tokens_in_paths_and_queries_are_rejected() {
    let (app, fx, before) = hostile_scene().await;
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
        let response = bodyless(&app, &method, &path).await;
        assert_rejected(
            &response,
            &format!("{method} {}…", &path[..60.min(path.len())]),
        );
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn mongo_operators_in_query_strings_are_invalid_params() {
    let (app, fx, before) = hostile_scene().await;
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
            let response = bodyless(&app, &method, &path).await;
            assert_rejected_as_invalid_params(&response, &format!("{method} {path}"));
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn operator_looking_tokens_in_paths_match_nobody() {
    let (app, fx, before) = hostile_scene().await;
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
            let response = bodyless(&app, &method, &path).await;
            let context = format!("{method} {path}");
            assert_rejected(&response, &context);
            assert_no_leak(&response, &fx, &context);
        }
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn invalid_utf8_in_paths_and_queries_is_rejected() {
    let (app, fx, before) = hostile_scene().await;
    for (method, path) in token_endpoints(&fx, "%FF%FE") {
        let response = bodyless(&app, &method, &path).await;
        assert_rejected(&response, &format!("{method} {path}"));
    }
    assert_untouched(&app, &fx, &before).await;
}

#[tokio::test]
async fn repeated_query_keys_are_rejected() {
    let (app, fx, before) = hostile_scene().await;
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
        let response = bodyless(&app, &method, &path).await;
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
