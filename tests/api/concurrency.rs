//! Invariants the database must hold when requests race.

use std::collections::HashSet;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_error, new_token, TestApp};

#[tokio::test]
async fn concurrent_room_requests_for_many_visitors_open_one_room_each() {
    let app = TestApp::spawn().await;
    let tokens: Vec<String> = (0..8).map(|_| new_token()).collect();
    for token in &tokens {
        app.register_visitor(token).await;
    }
    // Every visitor asks for its room 6 times at once, all visitors together.
    let requests = tokens
        .iter()
        .flat_map(|token| (0..6).map(move |_| token.clone()))
        .map(|token| {
            let app = &app;
            async move {
                let (status, body) = app.get(&format!("room?token={token}")).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                (
                    token,
                    body["room"]["_id"].as_str().unwrap().to_string(),
                    body["newRoom"] == json!(true),
                )
            }
        });
    let answers = join_all(requests).await;
    for token in &tokens {
        let rooms: HashSet<&String> = answers
            .iter()
            .filter(|(t, _, _)| t == token)
            .map(|(_, rid, _)| rid)
            .collect();
        assert_eq!(rooms.len(), 1, "visitor {token} got rooms {rooms:?}");
        let created = answers
            .iter()
            .filter(|(t, _, new)| t == token && *new)
            .count();
        assert_eq!(created, 1, "exactly one answer per visitor says newRoom");
    }
}

#[tokio::test]
async fn concurrent_messages_to_one_room_are_all_counted() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let sends = (0..40).map(|i| {
        let (app, token, rid) = (&app, &token, &rid);
        async move { app.send_message(token, rid, &format!("message {i}")).await }
    });
    let sent = join_all(sends).await;
    let (_, body) = app.get(&format!("room?token={token}")).await;
    // Each message updates the room document; none of those updates may be lost.
    assert_eq!(body["room"]["msgs"], json!(40), "{body}");
    let history = app.history(&token, &rid, "limit=100").await;
    let stored: HashSet<&str> = history.iter().filter_map(|m| m["_id"].as_str()).collect();
    for message in &sent {
        assert!(stored.contains(message["_id"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn a_resent_message_id_racing_with_itself_is_stored_once() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let sends = (0..10).map(|_| {
        let (app, token, rid) = (&app, &token, &rid);
        async move {
            app.post(
                "message",
                json!({ "token": token, "rid": rid, "msg": "once", "_id": "client-chosen-id" }),
            )
            .await
        }
    });
    for (status, body) in join_all(sends).await {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["message"]["_id"], json!("client-chosen-id"));
    }
    let history = app.history(&token, &rid, "limit=100").await;
    let copies = history
        .iter()
        .filter(|m| m["_id"] == json!("client-chosen-id"))
        .count();
    assert_eq!(copies, 1);
    let (_, body) = app.get(&format!("room?token={token}")).await;
    assert_eq!(body["room"]["msgs"], json!(1));
}

/// Messages that are refused (closed room, someone else's room) while accepted ones are being
/// written at the same moment: on SQLite they share group-committed transactions, and neither
/// side may disturb the other.
#[tokio::test]
async fn refused_messages_racing_with_accepted_ones_change_nothing_and_disturb_nothing() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let (closed_token, closed_rid) = app.visitor_with_room().await;
    app.close_room(&closed_token, &closed_rid).await;
    let closed_history = app.history(&closed_token, &closed_rid, "limit=100").await;

    let sends = (0..30).map(|i| {
        let (app, token, rid) = (&app, &token, &rid);
        let (closed_token, closed_rid) = (&closed_token, &closed_rid);
        async move {
            let (sender, room, expected) = match i % 3 {
                0 => (token, rid, None),
                1 => (closed_token, closed_rid, Some("room-closed")),
                _ => (closed_token, rid, Some("invalid-room")),
            };
            let text = format!("message {i}");
            let answer = app
                .post(
                    "message",
                    json!({ "token": sender, "rid": room, "msg": text }),
                )
                .await;
            (text, expected, answer)
        }
    });
    let mut accepted = Vec::new();
    for (text, expected, answer) in join_all(sends).await {
        match expected {
            None => {
                assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
                accepted.push(text);
            }
            Some(error) => assert_error(&answer, StatusCode::BAD_REQUEST, error),
        }
    }

    let history = app.history(&token, &rid, "limit=100").await;
    let mut stored: Vec<&str> = history.iter().filter_map(|m| m["msg"].as_str()).collect();
    stored.retain(|text| text.starts_with("message "));
    stored.sort_unstable();
    accepted.sort_unstable();
    assert_eq!(stored, accepted, "exactly the accepted messages are stored");
    let (_, body) = app.get(&format!("room?token={token}")).await;
    assert_eq!(body["room"]["msgs"], json!(accepted.len()), "{body}");
    assert_eq!(
        app.history(&closed_token, &closed_rid, "limit=100").await,
        closed_history,
        "the closed room is untouched"
    );
}
