//! Rocket.Chat's settings this server learned: `API_Enable_Rate_Limiter*` (bound to the
//! visitor API's limiter) and `Livechat_validate_offline_email` (its MX check).

use std::net::SocketAddr;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::net::UdpSocket;

use crate::helpers::{assert_meteor_error, Desk, TestApp};

async fn set(desk: &Desk, id: &str, value: Value) -> (StatusCode, Value) {
    desk.call(
        &desk.admin,
        Method::POST,
        &format!("/api/v1/settings/{id}"),
        Some(json!({ "value": value })),
    )
    .await
}

/// How many of `tries` GETs of the widget config pass before the first 429.
async fn calls_before_limit(app: &TestApp, tries: usize) -> usize {
    for n in 0..tries {
        let response = app.client.get(app.url("config")).send().await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            return n;
        }
    }
    tries
}

#[tokio::test]
async fn the_limiter_settings_reshape_the_visitor_api_limiter_at_once() {
    let desk = Desk::open().await;
    // The configured limiter (calls 0) lets a burst through.
    assert_eq!(calls_before_limit(&desk.app, 20).await, 20);
    set(
        &desk,
        "API_Enable_Rate_Limiter_Limit_Time_Default",
        json!(600_000),
    )
    .await;
    set(
        &desk,
        "API_Enable_Rate_Limiter_Limit_Calls_Default",
        json!(3),
    )
    .await;
    assert_eq!(calls_before_limit(&desk.app, 10).await, 3);
    let (status, _) = set(&desk, "API_Enable_Rate_Limiter", json!(false)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(calls_before_limit(&desk.app, 20).await, 20);
    set(&desk, "API_Enable_Rate_Limiter", json!(true)).await;
    assert_eq!(calls_before_limit(&desk.app, 10).await, 3);
    set(
        &desk,
        "API_Enable_Rate_Limiter_Limit_Calls_Default",
        json!(0),
    )
    .await;
    assert_eq!(calls_before_limit(&desk.app, 20).await, 20);
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::GET,
            "/api/v1/settings/API_Enable_Rate_Limiter",
            None,
        )
        .await;
    assert_eq!(
        (status, body["value"].clone()),
        (StatusCode::OK, json!(true))
    );
}

#[tokio::test]
async fn the_limiter_settings_refuse_values_that_shape_nothing() {
    let desk = Desk::open().await;
    for (id, value) in [
        ("API_Enable_Rate_Limiter_Limit_Time_Default", json!(0)),
        ("API_Enable_Rate_Limiter_Limit_Calls_Default", json!(-1)),
        ("API_Enable_Rate_Limiter_Limit_Calls_Default", json!("ten")),
        ("API_Enable_Rate_Limiter", json!("on")),
    ] {
        let (status, body) = set(&desk, id, value.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{id}={value}: {body}");
    }
    // Agents may not change them.
    let agent = desk.account("ada", &["user", "livechat-agent"]).await;
    let (status, _) = desk
        .call(
            &agent,
            Method::POST,
            "/api/v1/settings/API_Enable_Rate_Limiter",
            Some(json!({ "value": false })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(calls_before_limit(&desk.app, 20).await, 20);
}

/// A DNS server on loopback: `example.com` has an MX record, `nomx.example` only an A
/// record, `nothing.example` neither, every other name does not exist.
async fn fake_resolver() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buffer = [0u8; 512];
        while let Ok((len, peer)) = socket.recv_from(&mut buffer).await {
            if let Some(answer) = answer(&buffer[..len]) {
                let _ = socket.send_to(&answer, peer).await;
            }
        }
    });
    address
}

fn answer(query: &[u8]) -> Option<Vec<u8>> {
    let mut at = 12;
    let mut labels = Vec::new();
    while *query.get(at)? != 0 {
        let len = query[at] as usize;
        labels.push(String::from_utf8_lossy(query.get(at + 1..at + 1 + len)?).to_string());
        at += 1 + len;
    }
    let question_end = at + 5;
    let qtype = u16::from_be_bytes([*query.get(at + 1)?, *query.get(at + 2)?]);
    let name = labels.join(".");
    let record: Option<Vec<u8>> = match (name.as_str(), qtype) {
        ("example.com", 15) => Some(vec![0, 10, 0xc0, 12]),
        ("example.com" | "nomx.example", 1) => Some(vec![127, 0, 0, 1]),
        ("nomx.example" | "nothing.example" | "example.com", _) => None,
        _ => {
            let mut reply = query[..question_end].to_vec();
            reply[2] = 0x81;
            reply[3] = 0x83; // NXDOMAIN
            return Some(reply);
        }
    };
    let mut reply = query[..question_end].to_vec();
    reply[2] = 0x81;
    reply[3] = 0x80;
    if let Some(data) = record {
        reply[7] = 1;
        reply.extend_from_slice(&[0xc0, 12]);
        reply.extend_from_slice(&qtype.to_be_bytes());
        reply.extend_from_slice(&[0, 1, 0, 0, 1, 0]);
        reply.extend_from_slice(&(data.len() as u16).to_be_bytes());
        reply.extend_from_slice(&data);
    }
    Some(reply)
}

async fn offline_message(app: &TestApp, email: &str) -> (StatusCode, Value) {
    let body = json!({ "name": "Olga", "email": email, "message": "Call me back" });
    app.post("offline.message", body).await
}

async fn desk_with_resolver(resolver: SocketAddr) -> Desk {
    Desk::open_with(|c| {
        c.dns_resolver = Some(resolver);
        c.offline_message_per_minute = 0;
    })
    .await
}

#[tokio::test]
async fn offline_e_mail_domains_are_checked_only_when_the_setting_is_on() {
    let desk = desk_with_resolver(fake_resolver().await).await;
    let (status, body) = offline_message(&desk.app, "olga@nowhere.invalid").await;
    assert_eq!(status, StatusCode::OK, "off by default: {body}");

    set(&desk, "Livechat_validate_offline_email", json!(true)).await;
    for email in ["olga@nowhere.invalid", "olga@nothing.example"] {
        assert_meteor_error(
            &offline_message(&desk.app, email).await,
            "error-invalid-email-address",
            "Invalid email address [error-invalid-email-address]",
        );
    }
    for email in ["olga@example.com", "olga@nomx.example"] {
        let (status, body) = offline_message(&desk.app, email).await;
        assert_eq!(status, StatusCode::OK, "{email}: {body}");
    }
}

#[tokio::test]
async fn without_a_resolver_answer_the_address_is_accepted() {
    // A port nothing listens on: the question is refused or unanswered.
    let silent = {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap()
    };
    let desk = desk_with_resolver(silent).await;
    set(&desk, "Livechat_validate_offline_email", json!(true)).await;
    let (status, body) = offline_message(&desk.app, "olga@nowhere.invalid").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Each change reloads the settings on every process, this one included, when its event is
/// read. A reload that read the table just before the next change committed must not put
/// its older snapshot back over that change (it once did, for a moment: an offline message
/// posted right after `Livechat_offline_email` was set could go unmailed).
#[tokio::test]
async fn back_to_back_changes_are_each_seen_at_once() {
    let desk = Desk::open().await;
    for n in 0..60 {
        let title = format!("Desk {n}");
        let (status, body) = set(&desk, "Livechat_title", json!(title)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, config) = desk.app.get("config").await;
        assert_eq!(status, StatusCode::OK, "{config}");
        assert_eq!(
            config["config"]["theme"]["title"],
            json!(title),
            "change {n}"
        );
    }
}
