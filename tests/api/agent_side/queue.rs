//! `GET livechat/queue`: per agent and department, the open chats an agent serves.

use reqwest::StatusCode;
use serde_json::json;

use super::{encoded, Team};
use crate::helpers::{assert_error, assert_invalid_params};

/// ann serves two Sales chats and one without a department.
async fn busy_team() -> Team {
    let team = Team::open().await;
    team.chat("Sal One", Some("dep-sales")).await;
    team.chat("Sal Two", Some("dep-sales")).await;
    team.chat("Nobody", None).await;
    team
}

#[tokio::test]
async fn the_queue_counts_open_chats_per_agent_and_department_most_first() {
    let team = busy_team().await;
    let (status, body) = team.get(&team.manager, "queue").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], json!(2), "{body}");
    assert_eq!(body["count"], json!(2), "{body}");
    assert_eq!(body["offset"], json!(0), "{body}");
    let queue = body["queue"].as_array().unwrap();
    assert_eq!(queue[0]["chats"], json!(2), "{body}");
    assert_eq!(queue[0]["user"]["_id"], json!(team.ann_id));
    assert_eq!(queue[0]["user"]["username"], json!("ann"));
    assert_eq!(queue[0]["user"]["status"], json!("online"));
    assert_eq!(
        queue[0]["department"],
        json!({ "_id": "dep-sales", "name": "Sales" })
    );
    assert_eq!(queue[1]["chats"], json!(1), "{body}");
    assert_eq!(queue[1]["department"], json!({}), "{body}");
}

#[tokio::test]
async fn the_queue_narrows_by_agent_and_department_and_pages() {
    let team = busy_team().await;
    let other = team.get(&team.manager, "queue?agentId=another-agent").await;
    assert_eq!(
        (other.1["total"].clone(), other.1["queue"].clone()),
        (json!(0), json!([]))
    );
    let mine = team
        .get(&team.manager, &format!("queue?agentId={}", team.ann_id))
        .await;
    assert_eq!(mine.1["total"], json!(2), "{}", mine.1);
    let sales = team
        .get(&team.manager, "queue?departmentId=dep-sales")
        .await;
    assert_eq!(sales.1["total"], json!(1), "{}", sales.1);
    assert_eq!(sales.1["queue"][0]["chats"], json!(2));
    let empty = team.get(&team.manager, "queue?departmentId=no-chats").await;
    assert_eq!(empty.1["total"], json!(0), "{}", empty.1);
    let page = team.get(&team.manager, "queue?count=1&offset=1").await;
    assert_eq!(
        (page.1["count"].clone(), page.1["total"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(page.1["queue"][0]["chats"], json!(1), "{}", page.1);
    let fewest = format!("queue?sort={}", encoded(r#"{"chats":1}"#));
    let fewest = team.get(&team.manager, &fewest).await;
    assert_eq!(fewest.1["queue"][0]["chats"], json!(1), "{}", fewest.1);
}

#[tokio::test]
async fn agents_not_taking_chats_count_only_when_asked() {
    let team = busy_team().await;
    team.ann_available(false).await;
    let (_, body) = team.get(&team.manager, "queue").await;
    assert_eq!(body["total"], json!(0), "{body}");
    let (_, body) = team
        .get(&team.manager, "queue?includeOfflineAgents=true")
        .await;
    assert_eq!(body["total"], json!(2), "{body}");
}

#[tokio::test]
async fn the_queue_needs_view_l_room() {
    let team = busy_team().await;
    assert_error(
        &team.get(&team.pat, "queue").await,
        StatusCode::FORBIDDEN,
        "User does not have the permissions required for this action [error-unauthorized]",
    );
    // Agents have it: the overview holds counts, not visitors.
    let (status, body) = team.get(&team.ann, "queue").await;
    assert_eq!(
        (status, body["total"].clone()),
        (StatusCode::OK, json!(2)),
        "{body}"
    );
}

#[tokio::test]
async fn bad_queue_parameters_are_invalid_params() {
    let team = Team::open().await;
    let by_name = format!("queue?sort={}", encoded(r#"{"name":1}"#));
    assert_invalid_params(&team.get(&team.manager, &by_name).await, "sort");
    assert_invalid_params(&team.get(&team.manager, "queue?sort=chats").await, "sort");
    assert_invalid_params(&team.get(&team.manager, "queue?offset=-1").await, "offset");
    assert_invalid_params(&team.get(&team.manager, "queue?colour=red").await, "colour");
}
