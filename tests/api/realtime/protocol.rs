//! The DDP handshake, heartbeats and bad frames.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{login_params, Ddp, Desk, TestApp};

#[tokio::test]
async fn greeting_handshake_and_pings_both_ways() {
    let app = TestApp::spawn().await;
    let mut ddp = Ddp::open(&app).await;
    ddp.send(json!({ "msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"] }))
        .await;
    let connected = ddp.recv().await;
    assert_eq!(connected["msg"], json!("connected"));
    assert_eq!(connected["session"].as_str().map(str::len), Some(17));

    ddp.send(json!({ "msg": "ping", "id": "p1" })).await;
    assert_eq!(ddp.recv().await, json!({ "msg": "pong", "id": "p1" }));
    ddp.send(json!({ "msg": "ping" })).await;
    assert_eq!(ddp.recv().await, json!({ "msg": "pong" }));
}

#[tokio::test]
async fn an_unsupported_version_fails_and_closes() {
    let app = TestApp::spawn().await;
    let mut ddp = Ddp::open(&app).await;
    ddp.send(json!({ "msg": "connect", "version": "2", "support": ["2"] }))
        .await;
    assert_eq!(ddp.recv().await, json!({ "msg": "failed", "version": "1" }));
    assert_eq!(
        ddp.read_within(Duration::from_secs(5)).await,
        Some(Value::Null)
    );
}

#[tokio::test]
async fn bad_frames_get_an_error_frame_and_the_connection_lives_on() {
    let app = TestApp::spawn().await;
    let mut ddp = Ddp::open(&app).await;
    ddp.send(json!({ "msg": "method", "method": "login", "params": [], "id": "1" }))
        .await;
    assert_eq!(ddp.recv().await["reason"], json!("Must connect first"));
    ddp.send(json!({ "msg": "connect", "version": "1" })).await;
    assert_eq!(ddp.recv().await["msg"], json!("connected"));

    for bad in [
        "not json",
        "[1,2]",
        r#"{"msg":"teleport"}"#,
        r#"{"msg":"method","method":"login"}"#,
    ] {
        ddp.send_text(bad.to_string()).await;
        let error = ddp.recv().await;
        assert_eq!(error["msg"], json!("error"), "{bad}: {error}");
        assert_eq!(error["offendingMessage"], json!(bad));
    }
    let unknown = ddp.call("teleport", json!([])).await;
    assert_eq!(unknown["error"]["error"], json!(404));
    assert_eq!(
        unknown["error"]["reason"],
        json!("Method 'teleport' not found")
    );
    let nosub = ddp.sub("stream-nothing", json!(["x", false])).await;
    assert_eq!(nosub["msg"], json!("nosub"));
    assert_eq!(nosub["error"]["error"], json!(404));

    ddp.send(json!({ "msg": "ping", "id": "still-here" })).await;
    ddp.wait_for(|f| *f == json!({ "msg": "pong", "id": "still-here" }))
        .await;
}

#[tokio::test]
async fn pipelined_frames_are_answered_in_order() {
    let desk = Desk::open().await;
    desk.agent("piper").await;
    let mut ddp = Ddp::open(&desk.app).await;
    // rocketchat-async sends login right after connect, without waiting.
    ddp.send(json!({ "msg": "connect", "version": "1", "support": ["1"] }))
        .await;
    ddp.send(json!({ "msg": "method", "method": "login", "params": [login_params("piper", "agent-password")], "id": "1" }))
        .await;
    ddp.send(json!({ "msg": "ping", "id": "after-login" }))
        .await;
    assert_eq!(ddp.recv().await["msg"], json!("connected"));
    let added = ddp.recv().await;
    assert_eq!(added["msg"], json!("added"));
    assert_eq!(added["fields"]["username"], json!("piper"));
    let result = ddp.recv().await;
    assert_eq!(result["id"], json!("1"));
    assert!(
        result["result"]["tokenExpires"]["$date"].is_i64(),
        "{result}"
    );
    assert_eq!(result["result"]["type"], json!("password"));
    assert_eq!(
        ddp.recv().await,
        json!({ "msg": "updated", "methods": ["1"] })
    );
    assert_eq!(
        ddp.recv().await,
        json!({ "msg": "pong", "id": "after-login" })
    );
}

#[tokio::test]
async fn logins_by_digest_and_by_rest_token_and_refusals() {
    let desk = Desk::open().await;
    let (agent_id, (_, rest_token)) = desk.agent("logger").await;
    let mut ddp = Ddp::connect(&desk.app).await;
    let wrong = ddp
        .call("login", json!([login_params("logger", "wrong")]))
        .await;
    assert_eq!(wrong["error"]["error"], json!(403));
    assert_eq!(wrong["error"]["reason"], json!("Incorrect password"));
    let unknown = ddp
        .call("login", json!([login_params("nobody", "agent-password")]))
        .await;
    assert_eq!(
        unknown["error"]["reason"],
        json!("Incorrect password"),
        "no hint that the user is unknown"
    );

    let resumed = ddp.call("login", json!([{ "resume": rest_token }])).await;
    assert_eq!(resumed["result"]["id"], json!(agent_id));
    assert_eq!(resumed["result"]["type"], json!("resume"));
    assert_eq!(resumed["result"]["token"], json!(rest_token));

    let out = ddp.call("logout", json!([])).await;
    assert!(out.get("error").is_none(), "{out}");
    let stale = ddp.call("login", json!([{ "resume": rest_token }])).await;
    assert_eq!(
        stale["error"]["error"],
        json!(403),
        "logout revoked the token: {stale}"
    );
}

#[tokio::test]
async fn a_silent_client_is_pinged_then_disconnected() {
    let app = TestApp::spawn_with(|c| c.ddp_ping_seconds = 1).await;
    let mut ddp = Ddp::connect(&app).await;
    let ping = ddp.read_within(Duration::from_secs(3)).await;
    assert_eq!(ping, Some(json!({ "msg": "ping" })));
    // Not answering: the server gives up after as long again.
    assert_eq!(
        ddp.read_within(Duration::from_secs(3)).await,
        Some(Value::Null)
    );
}

#[tokio::test]
async fn each_kind_of_bad_frame_gets_its_own_answer_once_connected() {
    let app = TestApp::spawn().await;
    let mut ddp = Ddp::open(&app).await;
    ddp.send(json!({ "msg": "connect", "version": "1" })).await;
    assert_eq!(ddp.recv().await["msg"], json!("connected"));

    let cases = [
        (r#"{"msg":"connect","version":"1"}"#, "Already connected"),
        (
            r#"{"msg":"method","id":"1","method":"m","params":{"a":1}}"#,
            "Malformed method invocation",
        ),
        (r#"{"msg":"sub","name":"n"}"#, "Malformed subscription"),
        (r#"{"id":"no kind"}"#, "Bad request"),
    ];
    for (bad, reason) in cases {
        ddp.send_text(bad.to_string()).await;
        assert_eq!(
            ddp.recv().await,
            json!({ "msg": "error", "reason": reason, "offendingMessage": bad })
        );
    }
    // An unsub without a text id is ignored: the next answer is the pong, which echoes
    // even a null id.
    ddp.send_text(r#"{"msg":"unsub","id":5}"#.to_string()).await;
    ddp.send_text(r#"{"msg":"ping","id":null}"#.to_string())
        .await;
    assert_eq!(ddp.recv().await, json!({ "msg": "pong", "id": null }));
}
