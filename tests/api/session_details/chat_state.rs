//! `rid` and `servedBy` on the session follow the visitor's chat: opened (queued or served),
//! taken, forwarded, returned to the queue, closed.

use reqwest::Method;
use serde_json::json;

use super::*;

async fn post_ok(desk: &Desk, who: &Credentials, path: &str, body: Value) -> Value {
    let (status, answer) = desk.call(who, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer
}

#[tokio::test]
async fn taking_returning_and_closing_move_rid_and_served_by() {
    let desk = Desk::open().await;
    desk.set("Livechat_Routing_Method", json!("Manual_Selection"))
        .await;
    let (alice_id, alice) = desk.agent("alice").await;
    let (token, visitor_id) = visitor_on_site(&desk, "Ann", None).await;
    let rid = desk.app.open_room(&token).await;

    let queued = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(queued["rid"], json!(rid));
    assert_eq!(queued.get("servedBy"), None, "queued: {queued}");
    assert_eq!(queued["chatStatus"], json!("Open"));

    let inquiry = get_ok(&desk, &alice, &format!("inquiries.getOne?roomId={rid}")).await;
    desk.take_inquiry(&alice, &inquiry["inquiry"]["_id"]).await;
    let taken = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(
        taken["servedBy"],
        json!({ "_id": alice_id, "username": "alice" })
    );
    assert_eq!(taken["rid"], json!(rid));

    post_ok(
        &desk,
        &alice,
        "inquiries.returnAsInquiry",
        json!({ "roomId": rid }),
    )
    .await;
    let returned = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(returned["rid"], json!(rid));
    assert_eq!(returned.get("servedBy"), None, "returned: {returned}");

    desk.app.close_room(&token, &rid).await;
    let closed = session_of(&desk, &alice, &visitor_id, &token).await;
    assert_eq!(closed.get("rid"), None, "closed: {closed}");
    assert_eq!(closed.get("servedBy"), None, "closed: {closed}");
    assert_eq!(closed["chatStatus"], json!("Closed"));
}

#[tokio::test]
async fn an_assigned_chat_forwarded_and_closed_by_the_agent() {
    let desk = Desk::open().await;
    let (first_id, first) = desk.agent("first").await;
    let (token, visitor_id) = visitor_on_site(&desk, "Ann", None).await;
    let rid = desk.app.open_room(&token).await;
    let served = session_of(&desk, &first, &visitor_id, &token).await;
    assert_eq!(
        served["servedBy"],
        json!({ "_id": first_id, "username": "first" }),
        "assigned on opening"
    );

    let (second_id, second) = desk.agent("second").await;
    post_ok(
        &desk,
        &desk.admin,
        "room.forward",
        json!({ "roomId": rid, "userId": second_id }),
    )
    .await;
    let forwarded = session_of(&desk, &second, &visitor_id, &token).await;
    assert_eq!(
        forwarded["servedBy"],
        json!({ "_id": second_id, "username": "second" })
    );

    post_ok(
        &desk,
        &second,
        "room.closeByUser",
        json!({ "rid": rid, "comment": "done" }),
    )
    .await;
    let closed = session_of(&desk, &second, &visitor_id, &token).await;
    assert_eq!(closed.get("rid"), None, "{closed}");
    assert_eq!(closed.get("servedBy"), None, "{closed}");
}

#[tokio::test]
async fn a_session_started_during_a_chat_shows_it() {
    let desk = Desk::open().await;
    let (alice_id, alice) = desk.agent("alice").await;
    let token = new_token();
    let visitor = desk
        .app
        .register_ok(json!({ "token": token, "name": "Ann" }))
        .await["visitor"]
        .clone();
    let rid = desk.app.open_room(&token).await;
    // The tracker reports only now: the new session reflects the chat already open.
    desk.app
        .post_ok(&format!("session.updateVisitCount/{token}"), json!({}))
        .await;
    let id = visitor["_id"].as_str().unwrap();
    let session = session_of(&desk, &alice, id, &token).await;
    assert_eq!(session["rid"], json!(rid));
    assert_eq!(session["servedBy"]["_id"], json!(alice_id));
}
