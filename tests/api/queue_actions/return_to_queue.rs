//! `livechat/inquiries.returnAsInquiry` and `livechat:returnAsInquiry`: the serving agent (or
//! a manager) puts a served chat back in the queue; the agent's slot is freed, the room loses
//! its agent, the queue and the visitor hear it, and a transfer history message records it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::*;

const QUEUE: &str = "stream-livechat-inquiry-queue-observer";

fn queue_transfers(history: &[Value]) -> Vec<&Value> {
    history
        .iter()
        .filter(|m| m["t"] == json!("livechat_transfer_history"))
        .collect()
}

#[tokio::test]
async fn the_serving_agent_returns_a_chat_to_the_queue() {
    let (desk, first_id, first, token, rid) = taken_room().await;
    desk.set("Livechat_maximum_chats_per_agent", json!(1)).await;
    let mut visitor = Ddp::connect(&desk.app).await;
    let ready = visitor
        .sub("stream-livechat-room", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");
    let mut watcher = Ddp::login(&desk.app, "first", "agent-password").await;
    watcher.sub(QUEUE, user_args("public")).await;

    let answer = return_as_inquiry(&desk, &first, json!({ "roomId": rid })).await;
    assert_eq!(
        answer,
        (StatusCode::OK, json!({ "result": true, "success": true }))
    );

    let room = desk.room_of(&token).await;
    assert_eq!(served_by(&room), None, "{room}");
    let inquiry = inquiry_of(&desk, &rid).await;
    assert_eq!(inquiry["status"], json!("queued"), "{inquiry}");
    let queued = watcher.event(QUEUE, "public").await["fields"]["args"][0].clone();
    assert_eq!(
        (&queued["rid"], &queued["status"]),
        (&json!(rid), &json!("queued"))
    );
    assert_no_token(&queued);
    let agent_data = visitor.room_state(&rid, "agentData").await;
    assert_eq!(agent_data["data"], Value::Null, "{agent_data}");

    let history = desk.app.history(&token, &rid, "").await;
    let transfers = queue_transfers(&history);
    assert_eq!(transfers.len(), 1, "{history:?}");
    let data = &transfers[0]["transferData"];
    assert_eq!(data["scope"], json!("queue"));
    assert_eq!(data["transferredBy"]["_id"], json!(first_id));
    assert_eq!(data["transferredBy"]["type"], json!("agent"));

    // The agent's only slot is free again: it can take the chat back.
    desk.take_inquiry(&first, &inquiry["_id"]).await;
    assert_eq!(served_by(&desk.room_of(&token).await), Some(first_id));
}

#[tokio::test]
async fn routing_serves_a_returned_chat_again_under_auto_selection() {
    let desk = Desk::open().await;
    let (first_id, first) = desk.agent("first").await;
    let (token, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room).as_deref(), Some(first_id.as_str()));
    let rid = room["_id"].as_str().unwrap();
    let (second_id, _) = desk.agent("second").await;

    let answer = return_as_inquiry(&desk, &first, json!({ "roomId": rid })).await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);

    // Both agents are free now; `second` has waited longest for a chat.
    let room = desk.room_of(&token).await;
    assert_eq!(served_by(&room), Some(second_id), "{room}");
    assert_eq!(inquiry_of(&desk, rid).await["status"], json!("taken"));
}

#[tokio::test]
async fn a_manager_returns_a_chat_to_a_departments_queue() {
    let (desk, _, _, token, rid) = taken_room().await;
    let boss = desk.account("boss", &["livechat-manager"]).await;

    let body = json!({ "roomId": rid, "departmentId": "dep-sales" });
    let (status, answer) = return_as_inquiry(&desk, &boss, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["result"], json!(true));

    let room = desk.room_of(&token).await;
    assert_eq!(room["departmentId"], json!("dep-sales"), "{room}");
    let inquiry = inquiry_of(&desk, &rid).await;
    assert_eq!(inquiry["department"], json!("dep-sales"), "{inquiry}");
    let history = desk.app.history(&token, &rid, "").await;
    let data = &queue_transfers(&history)[0]["transferData"];
    assert_eq!(data["transferredBy"]["username"], json!("boss"));
    assert_eq!(data["transferredBy"]["type"], json!("user"));
    assert_eq!(data["departmentId"], json!("dep-sales"));

    // A chat already waiting has nothing to return: `result: false`, and no new history.
    let again = return_as_inquiry(&desk, &boss, json!({ "roomId": rid })).await;
    assert_eq!(
        again,
        (StatusCode::OK, json!({ "result": false, "success": true }))
    );
    assert_eq!(
        queue_transfers(&desk.app.history(&token, &rid, "").await).len(),
        1
    );
}

#[tokio::test]
async fn only_the_serving_agent_or_a_manager_may_return_a_chat() {
    let (desk, first_id, _, token, rid) = taken_room().await;
    let body = json!({ "roomId": rid });
    assert_needs_login(
        &desk,
        Method::POST,
        "inquiries.returnAsInquiry",
        body.clone(),
        &token,
    )
    .await;

    let plain = desk.account("plain", &["user"]).await;
    let (status, answer) = return_as_inquiry(&desk, &plain, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(answer["errorType"], json!("error-unauthorized"));

    // An agent who does not serve the chat, of the room's queue or of another department.
    let (_, bystander) = desk.agent("bystander").await;
    let (outsider_id, outsider) = desk.agent("outsider").await;
    desk.add_to_department("dep-sales", &outsider_id).await;
    for who in [&bystander, &outsider] {
        let response = return_as_inquiry(&desk, who, body.clone()).await;
        assert_error(&response, StatusCode::BAD_REQUEST, "error-not-allowed");
    }
    let room = desk.room_of(&token).await;
    assert_eq!(served_by(&room), Some(first_id), "nothing changed");
    assert!(queue_transfers(&desk.app.history(&token, &rid, "").await).is_empty());
}

#[tokio::test]
async fn returning_names_an_open_livechat_room_and_a_real_department() {
    let (desk, _, first, _, rid) = taken_room().await;
    let missing = return_as_inquiry(&desk, &first, json!({})).await;
    assert_invalid_params(&missing, "roomId");
    let wrong_type = return_as_inquiry(&desk, &first, json!({ "roomId": 42 })).await;
    assert_eq!(wrong_type.0, StatusCode::BAD_REQUEST, "{}", wrong_type.1);
    let unknown = return_as_inquiry(&desk, &desk.admin, json!({ "roomId": "no-such-room" })).await;
    // Rocket.Chat's route says `error-room-not-found`; the DDP method `error-invalid-room`.
    assert_error(&unknown, StatusCode::BAD_REQUEST, "error-room-not-found");
    let body = json!({ "roomId": rid, "departmentId": "no-such-department" });
    let bad_department = return_as_inquiry(&desk, &first, body).await;
    assert_error(
        &bad_department,
        StatusCode::BAD_REQUEST,
        "error-invalid-department",
    );

    let (status, closed) = desk
        .call(
            &first,
            Method::POST,
            "room.closeByUser",
            Some(json!({ "rid": rid })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let response = return_as_inquiry(&desk, &desk.admin, json!({ "roomId": rid })).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "room-closed");
    assert_no_token(&response.1);
}

#[tokio::test]
async fn the_ddp_method_returns_a_chat_as_rest_does() {
    let (desk, _, _, token, rid) = taken_room().await;
    let mut anonymous = Ddp::connect(&desk.app).await;
    let refused = anonymous
        .call("livechat:returnAsInquiry", json!([rid]))
        .await;
    assert_eq!(
        refused["error"]["error"],
        json!("error-not-allowed"),
        "{refused}"
    );
    desk.account("plain", &["user"]).await;
    let mut plain = Ddp::login(&desk.app, "plain", "staff-password").await;
    let refused = plain.call("livechat:returnAsInquiry", json!([rid])).await;
    assert_eq!(
        refused["error"]["error"],
        json!("error-not-allowed"),
        "{refused}"
    );

    let mut agent = Ddp::login(&desk.app, "first", "agent-password").await;
    let bad = agent.call("livechat:returnAsInquiry", json!([42])).await;
    assert_eq!(bad["error"]["error"], json!(400), "{bad}");
    let unknown = agent
        .call("livechat:returnAsInquiry", json!(["no-such-room"]))
        .await;
    assert_eq!(
        unknown["error"]["error"],
        json!("error-invalid-room"),
        "{unknown}"
    );

    let returned = agent
        .call("livechat:returnAsInquiry", json!([rid, null]))
        .await;
    assert_eq!(returned["result"], json!(true), "{returned}");
    assert_eq!(served_by(&desk.room_of(&token).await), None);
    // The chat is no longer the agent's to return.
    let again = agent.call("livechat:returnAsInquiry", json!([rid])).await;
    assert_eq!(
        again["error"]["error"],
        json!("error-not-allowed"),
        "{again}"
    );
}
