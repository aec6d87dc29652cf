//! What `Livechat_enable_business_hours` changes: agents' availability and the widget.

use reqwest::StatusCode;
use serde_json::json;

use super::{every_day, noon_zone, Team};

#[tokio::test]
async fn closed_hours_refuse_availability_and_pause_available_agents() {
    let team = Team::open().await;
    assert_eq!(team.status_of(&team.agent_id).await, json!("available"));
    team.closed().await;
    // Closing paused the agent at once.
    assert_eq!(team.status_of(&team.agent_id).await, json!("not-available"));
    let (status, body) = team.set_status(&team.agent, "available").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["success"], json!(false));
    assert_eq!(body["error"], json!("error-business-hours-are-closed"));
    // Nor can a manager make them available, nor the toggle.
    let (status, _) = team
        .call(
            &team.desk.admin,
            reqwest::Method::POST,
            "agent.status",
            Some(json!({ "status": "available", "agentId": team.agent_id })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = team
        .call(
            &team.agent,
            reqwest::Method::POST,
            "agent.status",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Going away is always allowed.
    let (status, body) = team.set_status(&team.agent, "not-available").await;
    assert_eq!(
        (status, body["status"].clone()),
        (StatusCode::OK, json!("not-available"))
    );
    assert_eq!(team.status_of(&team.agent_id).await, json!("not-available"));
}

#[tokio::test]
async fn opening_resumes_the_paused_agents_only() {
    let team = Team::open().await;
    let (away_id, away) = team.desk.agent("bob").await;
    let (status, _) = team.set_status(&away, "not-available").await;
    assert_eq!(status, StatusCode::OK);
    team.closed().await;
    assert_eq!(team.status_of(&team.agent_id).await, json!("not-available"));
    team.opened().await;
    assert_eq!(team.status_of(&team.agent_id).await, json!("available"));
    // Bob had chosen to be away before the closing: the opening leaves him so.
    assert_eq!(team.status_of(&away_id).await, json!("not-available"));
    let (status, body) = team.set_status(&away, "available").await;
    assert_eq!(
        (status, body["status"].clone()),
        (StatusCode::OK, json!("available"))
    );
}

#[tokio::test]
async fn the_widget_is_offline_while_closed() {
    let team = Team::open().await;
    assert_eq!(team.widget_online().await, json!(true));
    team.closed().await;
    assert_eq!(team.widget_online().await, json!(false));
    team.opened().await;
    assert_eq!(team.widget_online().await, json!(true));
}

#[tokio::test]
async fn turning_the_setting_off_reopens_and_on_closes() {
    let team = Team::open().await;
    team.closed().await;
    assert_eq!(team.status_of(&team.agent_id).await, json!("not-available"));
    team.desk
        .set("Livechat_enable_business_hours", json!(false))
        .await;
    assert_eq!(team.status_of(&team.agent_id).await, json!("available"));
    assert_eq!(team.widget_online().await, json!(true));
    // Closed hours without the setting change nothing.
    let (status, _) = team.set_status(&team.agent, "available").await;
    assert_eq!(status, StatusCode::OK);
    team.desk
        .set("Livechat_enable_business_hours", json!(true))
        .await;
    assert_eq!(team.status_of(&team.agent_id).await, json!("not-available"));
    assert_eq!(team.widget_online().await, json!(false));
}

#[tokio::test]
async fn open_hours_let_agents_become_available() {
    let team = Team::open().await;
    team.desk
        .set("Livechat_enable_business_hours", json!(true))
        .await;
    team.save_ok(&noon_zone(), every_day("08:00", "16:00"))
        .await;
    let (status, _) = team.set_status(&team.agent, "not-available").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = team.set_status(&team.agent, "available").await;
    assert_eq!(
        (status, body["status"].clone()),
        (StatusCode::OK, json!("available"))
    );
    // An inactive business hour is closed.
    let id = team.default_hour().await["_id"].clone();
    let body = json!({ "_id": id, "type": "default", "active": false, "timezoneName": noon_zone(), "workHours": every_day("08:00", "16:00") });
    let (status, _) = team
        .call(
            &team.manager,
            reqwest::Method::POST,
            super::SAVE,
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(team.status_of(&team.agent_id).await, json!("not-available"));
}
