//! Every event type reaches the CRM with Rocket.Chat's fields and the secret header; switched
//! off, nothing is sent.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{configure, desk_and_crm, types, SECRET, SWITCHES};
use crate::helpers::{new_token, served_by};

fn of_type<'a>(bodies: &'a [Value], kind: &str) -> Vec<&'a Value> {
    bodies.iter().filter(|b| b["type"] == json!(kind)).collect()
}

#[tokio::test]
async fn every_event_reaches_the_crm_with_its_fields_and_the_token() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &SWITCHES).await;

    // No agent yet: the chat starts and waits in the queue.
    let token = new_token();
    desk.app
        .register_ok(json!({ "token": token, "name": "Vera Visitor", "email": "vera@example.com" }))
        .await;
    let rid = desk.app.open_room(&token).await;
    // An agent becomes available and routing hands it the chat.
    let (first_id, first) = desk.agent("first.agent").await;
    let room = desk.room_of(&token).await;
    assert_eq!(served_by(&room).as_deref(), Some(first_id.as_str()));
    desk.app.send_message(&token, &rid, "hello from vera").await;
    let (status, body) = desk
        .call(
            &first,
            Method::POST,
            "/api/v1/chat.sendMessage",
            Some(json!({ "message": { "rid": rid, "msg": "hi vera, first here" } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (second_id, second) = desk.agent("second.agent").await;
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "room.forward",
            Some(json!({ "roomId": rid, "userId": second_id })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    desk.app
        .post_ok("room.close", json!({ "rid": rid, "token": token }))
        .await;
    let info = json!({
        "guestData": { "_id": room["v"]["_id"] },
        "roomData": { "_id": rid, "topic": "Invoices" },
    });
    let (status, body) = desk
        .call(&second, Method::POST, "room.saveInfo", Some(info))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    desk.app
        .post_ok(
            "offline.message",
            json!({ "name": "Olga", "email": "olga@example.com", "message": "call me back" }),
        )
        .await;

    let received = crm.wait_for(9).await;
    assert!(
        received.iter().all(|r| r.token.as_deref() == Some(SECRET)),
        "every request carries the secret header"
    );
    let bodies: Vec<Value> = received.into_iter().map(|r| r.body).collect();
    let room_events: Vec<String> = types(&bodies)
        .into_iter()
        .filter(|t| t != "LivechatOfflineMessage")
        .collect();
    assert_eq!(
        room_events,
        [
            "LivechatSessionStart",
            "LivechatSessionQueued",
            "LivechatSessionTaken",
            "Message",
            "Message",
            "LivechatSessionForwarded",
            "LivechatSession",
            "LivechatEdit",
        ],
        "a room's events arrive in the order they happened"
    );

    let start = of_type(&bodies, "LivechatSessionStart")[0];
    assert_eq!(start["_id"], json!(rid));
    assert_eq!(start["label"], json!("Vera Visitor"));
    assert_eq!(start["visitor"]["token"], json!(token));
    assert_eq!(start["visitor"]["name"], json!("Vera Visitor"));
    assert_eq!(
        start["visitor"]["email"],
        json!([{ "address": "vera@example.com" }])
    );
    assert!(start["createdAt"].is_string() && start["lastMessageAt"].is_string());
    assert!(
        start.get("agent").is_none(),
        "nobody serves it yet: {start}"
    );
    assert!(start.as_object().unwrap().contains_key("departmentId"));

    let taken = of_type(&bodies, "LivechatSessionTaken")[0];
    assert_eq!(taken["agent"]["_id"], json!(first_id));
    assert_eq!(taken["agent"]["username"], json!("first.agent"));
    assert_eq!(taken["agent"]["email"], json!("first.agent@example.com"));
    assert_eq!(taken["servedBy"]["_id"], json!(first_id));

    let messages = of_type(&bodies, "Message");
    assert_eq!(messages[0]["messages"].as_array().unwrap().len(), 1);
    let visitor_message = &messages[0]["messages"][0];
    assert_eq!(visitor_message["msg"], json!("hello from vera"));
    assert_eq!(visitor_message["rid"], json!(rid));
    assert!(
        visitor_message.get("agentId").is_none(),
        "{visitor_message}"
    );
    let agent_message = &messages[1]["messages"][0];
    assert_eq!(agent_message["msg"], json!("hi vera, first here"));
    assert_eq!(agent_message["username"], json!("first.agent"));
    assert_eq!(agent_message["agentId"], json!(first_id));

    let forwarded = of_type(&bodies, "LivechatSessionForwarded")[0];
    assert_eq!(forwarded["servedBy"]["_id"], json!(second_id));
    assert_eq!(forwarded["oldServedBy"]["_id"], json!(first_id));
    assert_eq!(forwarded["agent"]["_id"], json!(second_id));

    let closed = of_type(&bodies, "LivechatSession")[0];
    assert_eq!(closed["closer"], json!("visitor"));
    assert!(closed["closedAt"].is_string(), "{closed}");
    assert!(closed["closedBy"].is_object(), "{closed}");
    let texts: Vec<&Value> = closed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["msg"])
        .collect();
    assert!(
        texts.contains(&&json!("hello from vera"))
            && texts.contains(&&json!("hi vera, first here")),
        "the close carries every message: {texts:?}"
    );
    assert!(
        closed["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["closingMessage"] == json!(true)),
        "and the closing one"
    );

    let edited = of_type(&bodies, "LivechatEdit")[0];
    assert_eq!(edited["topic"], json!("Invoices"));

    let offline = of_type(&bodies, "LivechatOfflineMessage")[0];
    assert_eq!(
        offline["visitor"],
        json!({ "name": "Olga", "email": "olga@example.com" })
    );
    assert_eq!(offline["message"], json!("call me back"));
    assert!(offline["sentAt"].is_string());
    assert!(
        offline.get("_id").is_none(),
        "offline messages carry no room: {offline}"
    );
}

#[tokio::test]
async fn switched_off_events_are_not_sent() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &[]).await;
    let (_, agent) = desk.agent("quiet.agent").await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap();
    desk.app.send_message(&token, rid, "anyone?").await;
    desk.call(
        &agent,
        Method::POST,
        "/api/v1/chat.sendMessage",
        Some(json!({ "message": { "rid": rid, "msg": "yes" } })),
    )
    .await;
    desk.app
        .post_ok("room.close", json!({ "rid": rid, "token": token }))
        .await;
    desk.app
        .post_ok(
            "offline.message",
            json!({ "name": "Olga", "email": "olga@example.com", "message": "hi" }),
        )
        .await;
    // One switch on afterwards: only that event leaves, which also shows the others would
    // have had time to arrive.
    desk.set("Livechat_webhook_on_visitor_message", json!(true))
        .await;
    let (token, room) = desk.visitor_room().await;
    desk.app
        .send_message(&token, room["_id"].as_str().unwrap(), "now on")
        .await;
    let received = crm.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(types(&crm.bodies()), ["Message"], "{received:?}");
    assert_eq!(crm.bodies()[0]["messages"][0]["msg"], json!("now on"));
}

#[tokio::test]
async fn an_address_or_number_in_a_visitor_message_is_captured_as_a_lead() {
    let (desk, crm) = desk_and_crm().await;
    configure(&desk, &crm.url(), &["Livechat_webhook_on_capture"]).await;
    let (token, room) = desk.visitor_room().await;
    let rid = room["_id"].as_str().unwrap();
    desk.app
        .send_message(&token, rid, "no contact details here")
        .await;
    desk.app
        .send_message(
            &token,
            rid,
            "write to Lead@Example.com or call 5555-1234 please",
        )
        .await;

    let received = crm.wait_for(1).await;
    let lead = &received[0].body;
    assert_eq!(lead["type"], json!("LeadCapture"));
    assert_eq!(lead["_id"], json!(rid));
    assert_eq!(lead["messages"], json!([]));
    assert_eq!(
        lead["visitor"]["email"],
        json!([{ "address": "lead@example.com" }])
    );
    assert_eq!(
        lead["visitor"]["phone"],
        json!([{ "phoneNumber": "5555-1234" }])
    );
    let visitor = desk.app.get_success(&format!("visitor/{token}")).await;
    assert_eq!(
        visitor["visitor"]["visitorEmails"],
        json!([{ "address": "lead@example.com" }])
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        crm.received().len(),
        1,
        "only the message with a lead: {:?}",
        crm.bodies()
    );
}
