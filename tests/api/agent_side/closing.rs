//! `room.closeByUser` as Rocket.Chat answers it: a required comment, and two closes at once.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::Team;
use crate::helpers::{assert_error, Credentials};

async fn room_is_open(team: &Team, rid: &str) -> bool {
    let (status, body) = team
        .get(&team.manager, &format!("/api/v1/rooms.info?roomId={rid}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["room"]["open"] == json!(true)
}

#[tokio::test]
async fn a_close_without_comment_is_refused_while_a_comment_is_required() {
    let team = Team::open().await;
    let (_, rid) = team.chat("Cora", Some("dep-sales")).await;
    // Off (the default): no comment is needed.
    let (_, other) = team.chat("Otto", Some("dep-sales")).await;
    let (status, body) = team
        .post(&team.ann, "room.closeByUser", json!({ "rid": other }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    team.desk
        .set(
            "Livechat_request_comment_when_closing_conversation",
            json!(true),
        )
        .await;
    for body in [
        json!({ "rid": rid }),
        json!({ "rid": rid, "comment": "   " }),
    ] {
        assert_error(
            &team.post(&team.ann, "room.closeByUser", body).await,
            StatusCode::BAD_REQUEST,
            "error-comment-is-required",
        );
    }
    assert!(room_is_open(&team, &rid).await);
    let body = json!({ "rid": rid, "comment": "solved" });
    let (status, answer) = team.post(&team.ann, "room.closeByUser", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(!room_is_open(&team, &rid).await);
}

async fn close_as(team: &Team, who: &Credentials, rid: &str) -> (StatusCode, Value) {
    let request = team
        .desk
        .app
        .client
        .post(team.desk.app.url("room.closeByUser"))
        .header("X-User-Id", &who.0)
        .header("X-Auth-Token", &who.1)
        .json(&json!({ "rid": rid, "comment": "closing" }));
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn of_two_closes_at_once_exactly_one_succeeds() {
    let team = Team::open().await;
    for round in 0..3 {
        let (_, rid) = team.chat(&format!("Race {round}"), Some("dep-sales")).await;
        let (first, second) = tokio::join!(
            close_as(&team, &team.ann, &rid),
            close_as(&team, &team.manager, &rid)
        );
        let mut answers = [first, second];
        answers.sort_by_key(|(status, _)| *status);
        assert_eq!(answers[0].0, StatusCode::OK, "{answers:?}");
        assert_error(
            &answers[1],
            StatusCode::BAD_REQUEST,
            "error-room-already-closed",
        );
    }
}
