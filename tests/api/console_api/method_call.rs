//! `POST method.call/:method` and `method.callAnon/:method`: DDP methods over REST, the
//! frame in and the result frame out as EJSON strings, run by the same dispatcher as DDP.

use super::*;

/// Posts `frame` (stringified) to `route` as `who` (`None`: anonymously).
async fn call(
    c: &Console,
    who: Option<&Credentials>,
    route: &str,
    frame: Value,
) -> (StatusCode, Value) {
    call_raw(c, who, route, json!({ "message": frame.to_string() })).await
}

async fn call_raw(
    c: &Console,
    who: Option<&Credentials>,
    route: &str,
    body: Value,
) -> (StatusCode, Value) {
    match who {
        Some(who) => c.post(who, &format!("/api/v1/{route}"), body).await,
        None => c.desk.app.post(&format!("/api/v1/{route}"), body).await,
    }
}

/// The result frame of a 200 answer.
#[track_caller]
fn result_of(response: &(StatusCode, Value)) -> Value {
    let (status, body) = response;
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    let frame: Value = serde_json::from_str(body["message"].as_str().unwrap()).unwrap();
    assert_eq!(frame["msg"], json!("result"), "{frame}");
    frame
}

fn method(name: &str, id: &str, params: Value) -> Value {
    json!({ "msg": "method", "id": id, "method": name, "params": params })
}

#[tokio::test]
async fn rooms_get_lists_the_callers_rooms_without_visitor_tokens() {
    let c = Console::open().await;
    let token = new_token();
    let room = sales_room(&c.desk, &token, "Rita").await;
    let response = call(
        &c,
        Some(&c.alice),
        "method.call/rooms%2Fget",
        method("rooms/get", "7", json!([])),
    )
    .await;
    assert_no_token(&response.1, &token);
    let frame = result_of(&response);
    assert_eq!(frame["id"], json!("7"));
    assert_eq!(ids(&frame["result"]), [id_of(&room)]);
    assert!(
        frame["result"][0]["ts"]["$date"].is_i64(),
        "EJSON dates: {frame}"
    );
    // With a date: `{update, remove}`, as over DDP.
    let since = method("rooms/get", "8", json!([{ "$date": 0 }]));
    let frame = result_of(&call(&c, Some(&c.alice), "method.call/rooms%2Fget", since).await);
    assert_eq!(ids(&frame["result"]["update"]), [id_of(&room)]);
}

#[tokio::test]
async fn send_message_reaches_the_visitor() {
    let c = Console::open().await;
    let token = new_token();
    let rid = id_of(&sales_room(&c.desk, &token, "Rita").await);
    let frame = method(
        "sendMessage",
        "1",
        json!([{ "rid": rid, "msg": "Hello over REST" }]),
    );
    let response = call(&c, Some(&c.alice), "method.call/sendMessage", frame).await;
    let frame = result_of(&response);
    assert_eq!(frame["result"]["msg"], json!("Hello over REST"), "{frame}");
    assert_eq!(frame["result"]["u"]["username"], json!("alice"));
    let history = c.desk.app.history(&token, &rid, "").await;
    assert!(
        history.iter().any(|m| m["msg"] == json!("Hello over REST")),
        "{history:?}"
    );
}

#[tokio::test]
async fn a_method_error_travels_in_the_result_frame() {
    let c = Console::open().await;
    let token = new_token();
    let rid = id_of(&sales_room(&c.desk, &token, "Rita").await);
    // bob does not serve the room: the dispatcher's own refusal.
    c.bob_joins_sales().await;
    let frame = method(
        "sendMessage",
        "2",
        json!([{ "rid": rid, "msg": "not mine" }]),
    );
    let frame = result_of(&call(&c, Some(&c.bob), "method.call/sendMessage", frame).await);
    assert_eq!(
        frame["error"]["error"],
        json!("error-not-allowed"),
        "{frame}"
    );
    assert!(frame.get("result").is_none(), "{frame}");
    // Bad params: Meteor's `Match failed`.
    let frame = result_of(
        &call(
            &c,
            Some(&c.alice),
            "method.call/sendMessage",
            method("sendMessage", "3", json!([])),
        )
        .await,
    );
    assert_eq!(
        (&frame["error"]["error"], &frame["error"]["reason"]),
        (&json!(400), &json!("Match failed"))
    );
    // An unknown method.
    let frame = result_of(
        &call(
            &c,
            Some(&c.alice),
            "method.call/no-such-method",
            method("no-such-method", "4", json!([])),
        )
        .await,
    );
    assert_eq!(frame["error"]["error"], json!(404), "{frame}");
    assert_eq!(
        frame["error"]["reason"],
        json!("Method 'no-such-method' not found")
    );
    // Socket-bound methods have no socket to bind to.
    for name in ["login", "livechat:setUpConnection"] {
        let route = format!("method.callAnon/{}", name.replace(':', "%3A"));
        let frame = result_of(
            &call(
                &c,
                None,
                &route,
                method(name, "5", json!([{ "token": token }])),
            )
            .await,
        );
        assert_eq!(frame["error"]["error"], json!(400), "{name}: {frame}");
    }
}

#[tokio::test]
async fn call_needs_a_login_and_call_anon_runs_without_one() {
    let c = Console::open().await;
    let token = new_token();
    let room = sales_room(&c.desk, &token, "Rita").await;
    let (rid, username) = (id_of(&room), room["v"]["username"].clone());
    let frame = method("rooms/get", "1", json!([]));
    let (status, body) = call(&c, None, "method.call/rooms%2Fget", frame.clone()).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "status": "error", "message": "You must be logged in to do this." })
        )
    );
    let response = c
        .desk
        .app
        .client
        .post(c.desk.app.url("/api/v1/method.call/rooms%2Fget"))
        .header("X-Visitor-Token", &token)
        .json(&json!({ "message": frame.to_string() }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "a visitor token is no login"
    );
    // Anonymously, the method runs as a connection that has not logged in.
    let answer = result_of(&call(&c, None, "method.callAnon/rooms%2Fget", frame).await);
    assert_eq!(
        answer["error"]["error"],
        json!("error-invalid-user"),
        "{answer}"
    );
    // A visitor's typing needs no login, only its token.
    let typing = method(
        "stream-notify-room",
        "2",
        json!([format!("{rid}/typing"), username, true, { "token": token }]),
    );
    let answer = result_of(&call(&c, None, "method.callAnon/stream-notify-room", typing).await);
    assert!(answer.get("error").is_none(), "{answer}");
}

#[tokio::test]
async fn mismatched_or_malformed_messages_are_invalid_params() {
    let c = Console::open().await;
    let frame = method("rooms/get", "1", json!([]));
    let response = call(&c, Some(&c.alice), "method.call/sendMessage", frame.clone()).await;
    assert_invalid_params(&response, "not the message's");
    let response = call(&c, None, "method.callAnon/sendMessage", frame).await;
    assert_invalid_params(&response, "not the message's");
    for body in [
        json!({}),
        json!({ "message": 5 }),
        json!({ "message": "not json" }),
        json!({ "message": json!({ "msg": "sub", "id": "1", "name": "rooms/get" }).to_string() }),
        json!({ "message": json!({ "msg": "method", "method": "rooms/get" }).to_string() }),
        json!({ "message": json!({ "msg": "method", "id": "1", "method": "rooms/get", "params": {} }).to_string() }),
    ] {
        let response = call_raw(&c, Some(&c.alice), "method.call/rooms%2Fget", body.clone()).await;
        assert_eq!(
            response.0,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            response.1
        );
        assert_eq!(
            response.1["errorType"],
            json!("invalid-params"),
            "{body}: {}",
            response.1
        );
    }
}
