//! `GET livechat/agent.info/:rid/:token` and `agent.next/:token`: the agent serving, or about to
//! serve, the visitor (reference §2.15–2.16).

use super::*;

#[tokio::test]
async fn agent_info_with_an_unknown_token_is_invalid_token() {
    let (app, _, rid) = TestApp::spawn_with_room().await;

    let response = app.get(&format!("agent.info/{rid}/{}", new_token())).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-token");
}

#[tokio::test]
async fn agent_info_of_another_visitors_room_is_invalid_room() {
    let (app, _, rid) = TestApp::spawn_with_room().await;
    let token = app.registered_visitor().await;

    let response = app.get(&format!("agent.info/{rid}/{token}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn agent_info_of_an_unknown_room_is_invalid_room() {
    let (app, token, _) = TestApp::spawn_with_room().await;

    let response = app.get(&format!("agent.info/noSuchRoom/{token}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-room");
}

#[tokio::test]
async fn agent_info_of_an_unserved_room_is_invalid_agent() {
    let (app, token, rid) = TestApp::spawn_with_room().await;

    let response = app.get(&format!("agent.info/{rid}/{token}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-agent");
}

#[tokio::test]
async fn agent_info_of_the_own_closed_room_is_invalid_agent_not_invalid_room() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.post("room.close", json!({ "rid": rid, "token": token }))
        .await;

    let response = app.get(&format!("agent.info/{rid}/{token}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "invalid-agent");
}

#[tokio::test]
async fn agent_next_with_an_open_room_succeeds_without_agent() {
    let (app, token, _) = TestApp::spawn_with_room().await;

    let (status, body) = app.get(&format!("agent.next/{token}")).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "success": true }), "no agent key");
}

#[tokio::test]
async fn agent_next_without_a_room_is_agent_not_found() {
    let (app, token) = TestApp::spawn_with_visitor().await;

    let response = app.get(&format!("agent.next/{token}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "agent-not-found");
}

#[tokio::test]
async fn agent_next_after_close_is_agent_not_found() {
    let (app, token, rid) = TestApp::spawn_with_room().await;
    app.post("room.close", json!({ "rid": rid, "token": token }))
        .await;

    let response = app.get(&format!("agent.next/{token}")).await;

    assert_error(&response, StatusCode::BAD_REQUEST, "agent-not-found");
}

#[tokio::test]
async fn agent_next_for_a_department_without_agents_is_agent_not_found() {
    let app = TestApp::spawn_with(seed_departments).await;
    let token = app.registered_visitor().await;

    let response = app
        .get(&format!("agent.next/{token}?department=dep-sales"))
        .await;

    assert_error(&response, StatusCode::BAD_REQUEST, "agent-not-found");
}
