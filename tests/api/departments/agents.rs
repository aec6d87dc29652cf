//! A department's agents: added at creation, replaced by PUT, changed by `…/agents`, and seen
//! through `includeAgents`, `numAgents` and the agents' own `departments`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{
    agent_list, create, departments_of_agent, fetch, fields, id_of, member_ids, plain_user, total,
};
use crate::helpers::{assert_invalid_params, assert_meteor_error, assert_utc_date, Desk};

async fn change_agents(desk: &Desk, id: &str, body: Value) -> (StatusCode, Value) {
    desk.call(
        &desk.admin,
        Method::POST,
        &format!("department/{id}/agents"),
        Some(body),
    )
    .await
}

fn sorted(mut ids: Vec<&str>) -> Vec<String> {
    ids.sort();
    ids.into_iter().map(str::to_string).collect()
}

#[tokio::test]
async fn agents_given_at_creation_are_its_agents() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let (bob, _) = desk.agent("bob").await;
    let body = json!({
        "department": fields("Sales"),
        "agents": [{ "agentId": alice, "count": 3, "order": 1 }, { "agentId": bob }],
    });

    let (status, created) = desk
        .call(&desk.admin, Method::POST, "department", Some(body))
        .await;

    assert_eq!(status, StatusCode::OK, "{created}");
    let id = id_of(&created["department"]);
    assert_eq!(created["department"]["numAgents"], json!(2));
    let links = created["agents"].as_array().expect("agents");
    assert_eq!(links.len(), 2, "{created}");
    let first = &links[0];
    assert_eq!(first["agentId"], json!(alice), "by username: {created}");
    assert_eq!(first["username"], json!("alice"));
    assert_eq!(first["departmentId"], json!(id));
    assert_eq!(first["departmentEnabled"], json!(true));
    assert_eq!(first["count"], json!(3));
    assert_eq!(first["order"], json!(1));
    assert_eq!(first["_id"].as_str().map(str::len), Some(17), "{first}");
    assert_utc_date(first, "_updatedAt");
    assert_eq!(links[1]["count"], json!(0));

    let read = fetch(&desk, &id, "?includeAgents=true").await;
    assert_eq!(read["agents"], created["agents"]);
    assert_eq!(read["department"]["numAgents"], json!(2));
    assert_eq!(departments_of_agent(&desk, &alice).await, json!([id]));
    let (_, agents) = desk
        .call(&desk.admin, Method::GET, "users/agent", None)
        .await;
    let listed: Vec<&Value> = agents["users"].as_array().unwrap().iter().collect();
    assert!(
        listed.iter().all(|u| u["departments"] == json!([id])),
        "{agents}"
    );
}

#[tokio::test]
async fn put_with_agents_replaces_the_agent_list() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let (bob, _) = desk.agent("bob").await;
    let (carol, _) = desk.agent("carol").await;
    let id = id_of(&create(&desk, "Sales", &[&alice, &bob]).await);

    let body = json!({ "department": fields("Sales"), "agents": agent_list(&[&bob, &carol]) });
    let (status, answer) = desk
        .call(
            &desk.admin,
            Method::PUT,
            &format!("department/{id}"),
            Some(body),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["department"]["numAgents"], json!(2));
    assert_eq!(answer["agents"].as_array().map(Vec::len), Some(2));
    assert_eq!(member_ids(&desk, &id).await, sorted(vec![&bob, &carol]));
    assert_eq!(departments_of_agent(&desk, &alice).await, json!([]));
    assert_eq!(departments_of_agent(&desk, &carol).await, json!([id]));

    // Without `agents`, PUT leaves them alone.
    let (status, _) = desk
        .call(
            &desk.admin,
            Method::PUT,
            &format!("department/{id}"),
            Some(json!({ "department": fields("Sales") })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(member_ids(&desk, &id).await, sorted(vec![&bob, &carol]));
}

#[tokio::test]
async fn upsert_and_remove_change_the_agents() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let (bob, _) = desk.agent("bob").await;
    let id = id_of(&create(&desk, "Sales", &[&alice]).await);

    let (status, body) = change_agents(
        &desk,
        &id,
        json!({ "upsert": [{ "agentId": bob, "order": 5 }], "remove": [{ "agentId": alice }] }),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "success": true }));
    assert_eq!(member_ids(&desk, &id).await, vec![bob.clone()]);
    assert_eq!(
        fetch(&desk, &id, "").await["department"]["numAgents"],
        json!(1)
    );
    assert_eq!(departments_of_agent(&desk, &alice).await, json!([]));
    assert_eq!(departments_of_agent(&desk, &bob).await, json!([id]));

    // Upserting a member again updates it instead of adding it twice.
    let (status, _) = change_agents(
        &desk,
        &id,
        json!({ "upsert": [{ "agentId": bob, "order": 9 }] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let read = fetch(&desk, &id, "?includeAgents=true").await;
    assert_eq!(read["agents"].as_array().map(Vec::len), Some(1), "{read}");
    assert_eq!(read["agents"][0]["order"], json!(9));
    // Removing someone who is not a member changes nothing.
    let (status, _) = change_agents(
        &desk,
        &id,
        json!({ "upsert": [], "remove": [{ "agentId": alice }] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(member_ids(&desk, &id).await, vec![bob]);
}

#[tokio::test]
async fn department_agents_are_listed_in_pages() {
    let desk = Desk::open().await;
    let mut ids = Vec::new();
    for name in ["ann", "ben", "cid"] {
        ids.push(desk.agent(name).await.0);
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let id = id_of(&create(&desk, "Sales", &refs).await);

    let (status, page) = desk
        .call(
            &desk.admin,
            Method::GET,
            &format!("department/{id}/agents?offset=1&count=1"),
            None,
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], json!(3));
    assert_eq!(page["count"], json!(1));
    assert_eq!(page["offset"], json!(1));
    assert_eq!(page["agents"][0]["username"], json!("ben"));
    assert_eq!(page["agents"][0]["agentId"], json!(ids[1]));
    let (_, empty) = desk
        .call(
            &desk.admin,
            Method::GET,
            "department/NoSuchDepartment1/agents",
            None,
        )
        .await;
    assert_eq!(
        (empty["total"].clone(), empty["agents"].clone()),
        (json!(0), json!([]))
    );
}

#[tokio::test]
async fn an_unknown_agent_is_refused_and_nothing_is_saved() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let body = json!({ "department": fields("Sales"), "agents": agent_list(&[&alice, "NoSuchUser000001"]) });

    let response = desk
        .call(&desk.admin, Method::POST, "department", Some(body))
        .await;

    assert_meteor_error(
        &response,
        "error-user-not-found",
        "No user has the id NoSuchUser000001 [error-user-not-found]",
    );
    assert_eq!(total(&desk).await, 0);
    assert_eq!(departments_of_agent(&desk, &alice).await, json!([]));

    let id = id_of(&create(&desk, "Support", &[&alice]).await);
    let response = change_agents(
        &desk,
        &id,
        json!({ "upsert": [{ "agentId": "NoSuchUser000001" }], "remove": [{ "agentId": alice }] }),
    )
    .await;
    assert_eq!(
        response.1["errorType"],
        json!("error-user-not-found"),
        "{}",
        response.1
    );
    assert_eq!(
        member_ids(&desk, &id).await,
        vec![alice.clone()],
        "the removal was undone too"
    );
}

#[tokio::test]
async fn a_user_who_is_not_an_agent_is_refused() {
    let desk = Desk::open().await;
    let (user, _) = plain_user(&desk, "outsider").await;
    let id = id_of(&create(&desk, "Sales", &[]).await);

    for response in [
        change_agents(&desk, &id, json!({ "upsert": [{ "agentId": user }] })).await,
        desk.call(
            &desk.admin,
            Method::PUT,
            &format!("department/{id}"),
            Some(json!({ "department": fields("Sales"), "agents": agent_list(&[&user]) })),
        )
        .await,
    ] {
        assert_meteor_error(
            &response,
            "error-user-is-not-agent",
            "User outsider is not a livechat agent [error-user-is-not-agent]",
        );
    }
    assert_eq!(member_ids(&desk, &id).await, Vec::<String>::new());
}

#[tokio::test]
async fn malformed_agent_entries_are_invalid_params() {
    let desk = Desk::open().await;
    let id = id_of(&create(&desk, "Sales", &[]).await);

    let response = change_agents(&desk, &id, json!({ "upsert": [{ "order": 1 }] })).await;
    assert_invalid_params(&response, "upsert[0] must have required property 'agentId'");
    let response = change_agents(&desk, &id, json!({ "remove": "all" })).await;
    assert_invalid_params(&response, "remove");
    let response = change_agents(&desk, &id, json!({ "upsert": [{ "agentId": 7 }] })).await;
    assert_invalid_params(&response, "agentId");
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({ "agentId": format!("a{i}") }))
        .collect();
    let response = change_agents(&desk, &id, json!({ "upsert": many })).await;
    assert_invalid_params(&response, "'upsert' must NOT have more than 1000 items");
}

#[tokio::test]
async fn changing_the_agents_of_an_unknown_department_is_department_not_found() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let response = change_agents(
        &desk,
        "NoSuchDepartment1",
        json!({ "upsert": [{ "agentId": alice }], "remove": [] }),
    )
    .await;
    assert_meteor_error(
        &response,
        "error-department-not-found",
        "Department not found [error-department-not-found]",
    );
    assert_eq!(departments_of_agent(&desk, &alice).await, json!([]));
}

#[tokio::test]
async fn an_agent_who_loses_the_role_leaves_the_department() {
    let desk = Desk::open().await;
    let (alice, _) = desk.agent("alice").await;
    let (bob, _) = desk.agent("bob").await;
    let id = id_of(&create(&desk, "Sales", &[&alice, &bob]).await);

    let (status, body) = desk
        .call(
            &desk.admin,
            Method::DELETE,
            &format!("users/agent/{alice}"),
            None,
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(member_ids(&desk, &id).await, vec![bob]);
    assert_eq!(
        fetch(&desk, &id, "").await["department"]["numAgents"],
        json!(1)
    );
}
