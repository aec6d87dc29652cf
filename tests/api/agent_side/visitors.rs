//! `GET livechat/visitors.autocomplete` and `GET livechat/visitor/:token/room`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{encoded, Team};
use crate::helpers::{assert_error, assert_invalid_params, new_token};

const FORBIDDEN: &str =
    "User does not have the permissions required for this action [error-unauthorized]";

async fn register(team: &Team, name: &str, department: Option<&str>) -> String {
    let mut visitor = json!({ "token": new_token(), "name": name });
    if let Some(department) = department {
        visitor["department"] = json!(department);
    }
    let body = team.desk.app.register_ok(visitor).await;
    body["visitor"]["_id"].as_str().unwrap().to_string()
}

fn autocomplete(selector: Value) -> String {
    format!(
        "visitors.autocomplete?selector={}",
        encoded(&selector.to_string())
    )
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items: {body}"))
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn autocomplete_finds_visitors_by_part_of_their_name_in_any_case() {
    let team = Team::open().await;
    let maria = register(&team, "Maria Lopez", Some("dep-sales")).await;
    register(&team, "Mario Rossi", None).await;
    register(&team, "Bob", None).await;
    let (status, body) = team
        .get(&team.manager, &autocomplete(json!({ "term": "MARI" })))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(names(&body), ["Maria Lopez", "Mario Rossi"]);
    let first = &body["items"][0];
    assert_eq!(first["_id"], json!(maria));
    let username = first["username"].as_str().unwrap();
    assert_eq!(
        first["custom_name"],
        json!(format!("{username} - Maria Lopez"))
    );
    assert!(first.get("token").is_none(), "{first}");
    let without = autocomplete(json!({ "term": "mari", "exceptions": [maria], "conditions": {} }));
    assert_eq!(
        names(&team.get(&team.manager, &without).await.1),
        ["Mario Rossi"]
    );
    let everyone = team
        .get(&team.manager, &autocomplete(json!({ "term": "" })))
        .await;
    assert_eq!(names(&everyone.1).len(), 3, "{}", everyone.1);
}

#[tokio::test]
async fn a_plain_agent_autocompletes_only_visitors_it_may_see() {
    let team = Team::open().await;
    register(&team, "Mara Sales", Some("dep-sales")).await;
    register(&team, "Mara Support", Some("dep-support")).await;
    let path = autocomplete(json!({ "term": "mara" }));
    assert_eq!(names(&team.get(&team.manager, &path).await.1).len(), 2);
    assert_eq!(names(&team.get(&team.ann, &path).await.1), ["Mara Sales"]);
    assert_error(
        &team.get(&team.pat, &path).await,
        StatusCode::FORBIDDEN,
        FORBIDDEN,
    );
}

#[tokio::test]
async fn autocomplete_refuses_a_missing_or_malformed_selector() {
    let team = Team::open().await;
    let team = &team;
    let get = |path: String| async move { team.get(&team.manager, &path).await };
    assert_invalid_params(&get("visitors.autocomplete".into()).await, "selector");
    let not_json = format!("visitors.autocomplete?selector={}", encoded("{term"));
    assert_invalid_params(&get(not_json).await, "selector");
    assert_invalid_params(&get(autocomplete(json!(["mari"]))).await, "selector");
    assert_invalid_params(&get(autocomplete(json!({ "term": 7 }))).await, "term");
    let bad_exceptions = autocomplete(json!({ "term": "a", "exceptions": [1] }));
    assert_invalid_params(&get(bad_exceptions).await, "exceptions");
    let bad_conditions = autocomplete(json!({ "term": "a", "conditions": "x" }));
    assert_invalid_params(&get(bad_conditions).await, "conditions");
}

#[tokio::test]
async fn a_tokens_open_rooms_are_listed_for_managers() {
    let team = Team::open().await;
    let (token, rid) = team.chat("Tom", Some("dep-sales")).await;
    let path = format!("visitor/{token}/room");
    let (status, body) = team.get(&team.manager, &path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rooms = body["rooms"].as_array().unwrap();
    assert_eq!(rooms.len(), 1, "{body}");
    assert_eq!(rooms[0]["_id"], json!(rid));
    assert_eq!(rooms[0]["t"], json!("l"));
    assert_eq!(rooms[0]["servedBy"]["username"], json!("ann"), "{body}");
    assert!(!body.to_string().contains(&token), "no token in {body}");

    team.desk.app.close_room(&token, &rid).await;
    assert_eq!(team.get(&team.manager, &path).await.1["rooms"], json!([]));
    let unknown = team.get(&team.manager, "visitor/no-such-token/room").await;
    assert_eq!(unknown.1["rooms"], json!([]), "{}", unknown.1);
}

#[tokio::test]
async fn a_tokens_rooms_need_view_livechat_manager_and_a_sane_token() {
    let team = Team::open().await;
    let (token, _) = team.chat("Tom", None).await;
    let path = format!("visitor/{token}/room");
    assert_error(
        &team.get(&team.ann, &path).await,
        StatusCode::FORBIDDEN,
        FORBIDDEN,
    );
    assert_error(
        &team.get(&team.pat, &path).await,
        StatusCode::FORBIDDEN,
        FORBIDDEN,
    );
    let long = format!("visitor/{}/room", "t".repeat(300));
    assert_invalid_params(&team.get(&team.manager, &long).await, "token");
}
