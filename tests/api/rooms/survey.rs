//! `POST livechat/room.survey`: the visitor rates the conversation (reference §2.8).

use super::*;

#[tokio::test]
async fn survey_accepts_the_four_ratings_and_additional_feedback() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let data = ratings(&[
        ("satisfaction", "5"),
        ("agentKnowledge", "4"),
        ("agentResposiveness", "3"),
        ("agentFriendliness", "1"),
        ("additionalFeedback", "Quick and kind, thanks!"),
    ]);

    let (status, body) = survey(&app, &token, &rid, data).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "rid": rid,
            "data": {
                "satisfaction": "5",
                "agentKnowledge": "4",
                "agentResposiveness": "3",
                "agentFriendliness": "1",
                "additionalFeedback": "Quick and kind, thanks!",
            },
            "success": true,
        })
    );
}

#[tokio::test]
async fn survey_drops_invalid_values_and_unknown_names() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let data = ratings(&[
        ("satisfaction", "9"),
        ("agentKnowledge", "0"),
        ("agentFriendliness", "five"),
        ("agentResponsiveness", "4"),
        ("mood", "3"),
        ("agentResposiveness", "2"),
    ]);

    let (status, body) = survey(&app, &token, &rid, data).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"], json!({ "agentResposiveness": "2" }), "{body}");
}

#[tokio::test]
async fn survey_with_nothing_acceptable_is_invalid_data() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let data = ratings(&[("satisfaction", "9"), ("mood", "3")]);

    let response = survey(&app, &token, &rid, data).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-data");
}

#[tokio::test]
async fn survey_with_empty_or_missing_data_is_invalid_params() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let empty = survey(&app, &token, &rid, json!([])).await;
    let missing = app
        .post("room.survey", json!({ "rid": rid, "token": token }))
        .await;

    assert_invalid_params(&empty, "data");
    assert_invalid_params(&missing, "data");
}

#[tokio::test]
async fn survey_values_must_be_strings() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let data = json!([{ "name": "satisfaction", "value": 5 }]);

    let response = survey(&app, &token, &rid, data).await;

    assert_invalid_params(&response, "value");
}

#[tokio::test]
async fn survey_is_accepted_on_a_closed_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    close(&app, &token, &rid).await;

    let (status, body) = survey(&app, &token, &rid, ratings(&[("satisfaction", "4")])).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "rid": rid, "data": { "satisfaction": "4" }, "success": true })
    );
}

#[tokio::test]
async fn survey_of_another_visitors_room_is_invalid_room() {
    let (app, _, rid) = TestApp::spawn_with_room().await;
    let intruder = app.registered_visitor().await;

    let response = survey(&app, &intruder, &rid, ratings(&[("satisfaction", "1")])).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn survey_with_an_unknown_token_is_invalid_token() {
    let (app, _, rid) = TestApp::spawn_with_room().await;

    let response = survey(&app, &new_token(), &rid, ratings(&[("satisfaction", "1")])).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn survey_is_stored_on_the_room_and_replaced_by_the_next_one() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let data = ratings(&[("satisfaction", "2"), ("additionalFeedback", "slow")]);

    survey(&app, &token, &rid, data).await;
    let (_, first) = get_room(&app, &token).await;
    survey(&app, &token, &rid, ratings(&[("agentKnowledge", "5")])).await;
    let (_, second) = get_room(&app, &token).await;

    assert_eq!(
        first["room"]["surveyFeedback"],
        json!({ "satisfaction": "2", "additionalFeedback": "slow" }),
        "{first}"
    );
    assert_eq!(
        second["room"]["surveyFeedback"],
        json!({ "agentKnowledge": "5" }),
        "the whole feedback is replaced: {second}"
    );
}

#[tokio::test]
async fn survey_with_oversized_feedback_is_invalid_params() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    let data = json!([
        { "name": "satisfaction", "value": "5" },
        { "name": "additionalFeedback", "value": "x".repeat(100_000) },
    ]);

    let response = survey(&app, &token, &rid, data).await;

    assert_invalid_params(&response, "value");
    let (_, body) = get_room(&app, &token).await;
    assert!(
        body["room"]
            .get("surveyFeedback")
            .is_none_or(Value::is_null),
        "nothing half-written: {body}"
    );
}
