//! Small reads the console makes: `GET rooms.info?roomId=` (one room, for those who may read
//! it) and `GET livechat/agents/:agentId/departments` (whose queues an agent watches).

use super::*;

#[tokio::test]
async fn rooms_info_answers_a_room_to_those_who_may_read_it_without_the_visitor_token() {
    let c = Console::open().await;
    let token = new_token();
    let room = sales_room(&c.desk, &token, "Info Ida").await;
    let rid = id_of(&room);
    assert!(served_by(&room).is_some(), "{room}");

    for who in [&c.alice, &c.boss, &c.desk.admin] {
        let (status, body) = c
            .get(who, &format!("/api/v1/rooms.info?roomId={rid}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["room"]["_id"], json!(rid), "{body}");
        assert_eq!(body["room"]["fname"], json!("Info Ida"), "{body}");
        assert_no_token(&body, &token);
    }
    // bob (Sales, not serving) and otto (Support) may not read alice's chat.
    for who in [&c.bob, &c.otto] {
        let (status, body) = c
            .get(who, &format!("/api/v1/rooms.info?roomId={rid}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["errorType"], json!("error-not-allowed"), "{body}");
    }
    let (status, body) = c.get(&c.alice, "/api/v1/rooms.info?roomId=nope").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], json!("invalid-room"), "{body}");
    let (status, body) = c.get(&c.alice, "/api/v1/rooms.info").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorType"], json!("invalid-params"), "{body}");
    assert_staff_only(
        &c,
        Method::GET,
        &format!("/api/v1/rooms.info?roomId={rid}"),
        json!({}),
        &token,
    )
    .await;
}

#[tokio::test]
async fn an_agent_reads_its_own_departments_and_a_manager_anyones() {
    let c = Console::open().await;
    let (_, me) = c.get(&c.alice, "/api/v1/me").await;
    let alice_id = me["_id"].as_str().unwrap().to_string();
    let (_, me) = c.get(&c.otto, "/api/v1/me").await;
    let otto_id = me["_id"].as_str().unwrap().to_string();

    let path = format!("agents/{alice_id}/departments");
    let (status, body) = c.get(&c.alice, &path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["departments"],
        json!([{ "agentId": alice_id, "departmentId": SALES }]),
        "{body}"
    );
    let (status, body) = c
        .get(&c.boss, &format!("agents/{otto_id}/departments"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["departments"][0]["departmentId"],
        json!(SUPPORT),
        "{body}"
    );
    // A plain agent does not read another agent's departments.
    let (status, body) = c
        .get(&c.alice, &format!("agents/{otto_id}/departments"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}
