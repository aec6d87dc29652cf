//! A database outage is a 503 with `Retry-After`, never a 500, and the server heals by itself:
//! PostgreSQL is taken away under load (a proxy in between drops every connection and refuses
//! new ones, as a restart or a failover does) and brought back. Every message answered 200
//! is still there afterwards; writes and realtime delivery resume without a restart.
//!
//! SQLite is embedded in the process and has no outage of this kind: there the test has
//! nothing to take away and only checks that the server works (it runs in full on the
//! PostgreSQL pass of the suite, `LIVECHAT_TEST_DATABASE_URL`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{url_authority, visitor_args, Ddp, OutageProxy, TestApp};

/// What one request during the outage got.
struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    took: Duration,
}

#[tokio::test]
async fn a_database_outage_answers_503_with_retry_after_and_loses_nothing() {
    let postgres = std::env::var("LIVECHAT_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let proxy = match &postgres {
        Some(url) => Some(OutageProxy::start(url_authority(url)).await),
        None => None,
    };
    let app = TestApp::spawn_with(|config| {
        config.rate_limit_per_minute = 0;
        if let (Some(proxy), Some(url)) = (&proxy, &config.database_url) {
            config.database_url = Some(proxy.rewrite(url));
        }
    })
    .await;
    let (token, rid) = app.visitor_with_room().await;
    let mut visitor = Ddp::connect(&app).await;
    let ready = visitor
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    // Four visitors' worth of senders write steadily, each message with its own id.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let answers = Arc::new(Mutex::new(Vec::<Answer>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let senders: Vec<_> = (0..4)
        .map(|sender| {
            let (client, url) = (app.client.clone(), app.url("message"));
            let (token, rid) = (token.clone(), rid.clone());
            let (acknowledged, answers, stop) =
                (acknowledged.clone(), answers.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    i += 1;
                    let id = format!("outage{sender}x{i:05}");
                    let started = Instant::now();
                    let response = client
                        .post(&url)
                        .json(&json!({ "_id": id, "token": token, "rid": rid, "msg": id }))
                        .send()
                        .await
                        .expect("the server answers");
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    if status == StatusCode::OK {
                        acknowledged.lock().unwrap().push(id);
                    }
                    answers.lock().unwrap().push(Answer {
                        status,
                        retry_after,
                        took: started.elapsed(),
                    });
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(700)).await;
    if let Some(proxy) = &proxy {
        proxy.cut();
        tokio::time::sleep(Duration::from_secs(3)).await;
        proxy.restore();
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for sender in senders {
        sender.await.unwrap();
    }

    let answers = std::mem::take(&mut *answers.lock().unwrap());
    for answer in &answers {
        assert!(
            answer.status == StatusCode::OK || answer.status == StatusCode::SERVICE_UNAVAILABLE,
            "only 200 or 503 while the database is away, got {}",
            answer.status
        );
        if answer.status == StatusCode::SERVICE_UNAVAILABLE {
            let secs: u64 = answer
                .retry_after
                .as_deref()
                .and_then(|v| v.parse().ok())
                .expect("a 503 carries a numeric Retry-After");
            assert!(secs >= 1);
        }
        assert!(answer.took < Duration::from_secs(15), "no request hangs");
    }
    let unavailable = answers
        .iter()
        .filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    if proxy.is_some() {
        assert!(unavailable > 0, "the outage was felt by requests in flight");
    }

    // Healed without a restart: a write succeeds and reaches the subscriber live.
    let (status, body) = app
        .post(
            "message",
            json!({ "_id": "after-outage", "token": token, "rid": rid, "msg": "back" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    visitor
        .wait_for(|f| f["fields"]["args"][0]["_id"] == json!("after-outage"))
        .await;

    // Every acknowledged message was committed.
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 10,
        "the senders got through before and after"
    );
    for id in &acknowledged {
        let (status, body) = app
            .get(&format!("message/{id}?token={token}&rid={rid}"))
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "acknowledged {id} is stored: {body}"
        );
        assert_eq!(body["message"]["msg"], json!(id));
    }
}
