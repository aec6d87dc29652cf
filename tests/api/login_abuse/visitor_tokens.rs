//! Visitor tokens guessed over DDP: `ready` or `nosub` tells whether a token opens a room, so
//! those subscriptions spend the REST visitor API's per-IP budget.

use serde_json::json;

use super::*;

const GUESSER: &str = "198.51.100.9";
const WIDGET: &str = "198.51.100.10";

#[tokio::test]
async fn guessing_visitor_tokens_over_ddp_is_limited_per_ip_and_the_widget_is_not() {
    let app = TestApp::spawn_with(|c| {
        c.trust_proxy_headers = true;
        c.rate_limit_per_minute = 6;
        c.rate_limit_burst = 5;
    })
    .await;
    let (token, rid) = app.visitor_with_room().await; // REST, from 127.0.0.1

    let mut guesser = Ddp::connect_from(&app, GUESSER).await;
    let mut refusals = Vec::new();
    for _ in 0..10 {
        let answer = guesser
            .sub("stream-room-messages", visitor_args(&rid, &new_token()))
            .await;
        assert_eq!(answer["msg"], json!("nosub"), "{answer}");
        let error = answer["error"]["error"].clone();
        refusals.push(error.clone());
        if error == json!("error-too-many-requests") {
            break;
        }
    }
    assert_eq!(
        refusals.last(),
        Some(&json!("error-too-many-requests")),
        "{refusals:?}"
    );
    assert!(
        refusals.len() >= 2,
        "the first guesses are judged: {refusals:?}"
    );
    // Limited, the right token gets the same answer: nothing left to learn.
    for stream in ["stream-room-messages", "stream-livechat-room"] {
        let answer = guesser.sub(stream, visitor_args(&rid, &token)).await;
        assert_eq!(answer["msg"], json!("nosub"), "{answer}");
        assert_eq!(answer["error"]["error"], json!("error-too-many-requests"));
    }
    let typing = format!("{rid}/typing");
    let answer = guesser
        .sub("stream-notify-room", visitor_args(&typing, &token))
        .await;
    assert_eq!(answer["error"]["error"], json!("error-too-many-requests"));

    // The visitor's own widget, elsewhere, subscribes as usual.
    let mut widget = Ddp::connect_from(&app, WIDGET).await;
    let set_up = widget
        .call("livechat:setUpConnection", json!([{ "token": token }]))
        .await;
    assert!(set_up.get("error").is_none(), "{set_up}");
    for (stream, event) in [
        ("stream-room-messages", rid.clone()),
        ("stream-notify-room", typing.clone()),
        ("stream-livechat-room", rid.clone()),
    ] {
        let answer = widget.sub(stream, visitor_args(&event, &token)).await;
        assert_eq!(answer["msg"], json!("ready"), "{stream}: {answer}");
    }
}

#[tokio::test]
async fn a_widget_reconnecting_under_the_default_limits_is_never_refused() {
    let app = TestApp::spawn().await;
    let (token, rid) = app.visitor_with_room().await;
    let typing = format!("{rid}/typing");
    for _ in 0..10 {
        app.get_success(&format!("config?token={token}")).await;
        let mut widget = Ddp::connect(&app).await;
        widget
            .call("livechat:setUpConnection", json!([{ "token": token }]))
            .await;
        for (stream, event) in [
            ("stream-room-messages", &rid),
            ("stream-notify-room", &typing),
            ("stream-livechat-room", &rid),
        ] {
            let answer = widget.sub(stream, visitor_args(event, &token)).await;
            assert_eq!(answer["msg"], json!("ready"), "{stream}: {answer}");
        }
    }
}
