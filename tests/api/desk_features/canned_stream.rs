//! Rocket.Chat's `stream-canned-responses` (event name `canned-responses`): a save is heard as
//! `{type: "changed", ...response}`, a removal as `{type: "removed", _id}`, by the
//! `view-canned-responses` holders who may use the response (a department's by its agents and
//! managers, a private one by its owner only).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::Team;
use crate::helpers::{user_args, Credentials, Ddp};

const STREAM: &str = "stream-canned-responses";
const EVENT: &str = "canned-responses";
const QUIET: Duration = Duration::from_millis(400);

/// A DDP session of `username` subscribed to the stream.
async fn listener(team: &Team, username: &str, password: &str) -> Ddp {
    let mut ddp = Ddp::login(&team.desk.app, username, password).await;
    let ready = ddp.sub(STREAM, user_args(EVENT)).await;
    assert_eq!(ready["msg"], json!("ready"), "{username}: {ready}");
    ddp
}

/// The next event's `args[0]`.
async fn next(ddp: &mut Ddp) -> Value {
    ddp.event(STREAM, EVENT).await["fields"]["args"][0].clone()
}

async fn save(team: &Team, who: &Credentials, body: Value) {
    let (status, answer) = team
        .call(who, Method::POST, "/api/v1/canned-responses", Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn saves_and_removals_reach_those_who_may_use_the_response() {
    let team = Team::open().await;
    let mut ann = listener(&team, "ann", "agent-password").await; // Sales
    let mut bob = listener(&team, "bob", "agent-password").await; // Support
    let mut mona = listener(&team, "mona", "staff-password").await; // manager

    // A global response: everyone hears it, as Rocket.Chat sends it.
    save(
        &team,
        &team.manager,
        json!({ "shortcut": "hi", "text": "Hello!", "scope": "global", "tags": ["greeting"] }),
    )
    .await;
    let mut global_id = String::new();
    for ddp in [&mut ann, &mut bob, &mut mona] {
        let event = next(ddp).await;
        assert_eq!(event["type"], json!("changed"), "{event}");
        assert_eq!(
            (
                &event["shortcut"],
                &event["text"],
                &event["scope"],
                &event["tags"]
            ),
            (
                &json!("hi"),
                &json!("Hello!"),
                &json!("global"),
                &json!(["greeting"])
            )
        );
        assert_eq!(event["createdBy"]["username"], json!("mona"));
        global_id = event["_id"].as_str().unwrap().to_string();
    }

    // Sales' response: Ann and the manager, not Bob.
    save(
        &team,
        &team.manager,
        json!({ "shortcut": "price", "text": "Our prices…", "scope": "department", "departmentId": "dep-sales" }),
    )
    .await;
    for ddp in [&mut ann, &mut mona] {
        let event = next(ddp).await;
        assert_eq!(
            (&event["type"], &event["shortcut"], &event["departmentId"]),
            (&json!("changed"), &json!("price"), &json!("dep-sales"))
        );
    }
    bob.assert_no_event(QUIET).await;

    // Ann's private response: Ann alone, not even the manager.
    save(
        &team,
        &team.ann,
        json!({ "shortcut": "mine", "text": "Ann here", "scope": "user" }),
    )
    .await;
    let event = next(&mut ann).await;
    assert_eq!(
        (&event["type"], &event["shortcut"], &event["userId"]),
        (&json!("changed"), &json!("mine"), &json!(team.ann_id))
    );
    mona.assert_no_event(QUIET).await;
    bob.assert_no_event(QUIET).await;

    // Removing the global one: `{type: "removed", _id}` to everyone.
    let (status, body) = team
        .call(
            &team.manager,
            Method::DELETE,
            "/api/v1/canned-responses",
            Some(json!({ "_id": global_id })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for ddp in [&mut ann, &mut bob, &mut mona] {
        assert_eq!(
            next(ddp).await,
            json!({ "type": "removed", "_id": global_id })
        );
    }
}

#[tokio::test]
async fn moving_a_response_to_another_department_removes_it_for_the_first() {
    let team = Team::open().await;
    let mut ann = listener(&team, "ann", "agent-password").await; // Sales
    let mut bob = listener(&team, "bob", "agent-password").await; // Support
    save(
        &team,
        &team.manager,
        json!({ "shortcut": "price", "text": "Our prices…", "scope": "department", "departmentId": "dep-sales" }),
    )
    .await;
    let id = next(&mut ann).await["_id"].as_str().unwrap().to_string();
    save(
        &team,
        &team.manager,
        json!({ "_id": id, "shortcut": "price", "text": "Our prices…", "scope": "department", "departmentId": "dep-support" }),
    )
    .await;
    assert_eq!(
        next(&mut ann).await,
        json!({ "type": "removed", "_id": id })
    );
    ann.assert_no_event(QUIET).await;
    // Bob hears the removal (harmless: an id he never had) and the response.
    assert_eq!(
        next(&mut bob).await,
        json!({ "type": "removed", "_id": id })
    );
    let event = next(&mut bob).await;
    assert_eq!(
        (&event["type"], &event["_id"], &event["departmentId"]),
        (&json!("changed"), &json!(id), &json!("dep-support"))
    );
}

#[tokio::test]
async fn only_view_canned_responses_holders_subscribe() {
    let team = Team::open().await;
    team.desk.account("uma", &["user"]).await;
    let mut uma = Ddp::login(&team.desk.app, "uma", "staff-password").await;
    let refused = uma.sub(STREAM, user_args(EVENT)).await;
    assert_eq!(refused["msg"], json!("nosub"), "{refused}");
    assert_eq!(refused["error"]["error"], json!("not-allowed"));

    let mut anonymous = Ddp::connect(&team.desk.app).await;
    let refused = anonymous.sub(STREAM, user_args(EVENT)).await;
    assert_eq!(refused["msg"], json!("nosub"), "{refused}");

    // Another event name on this stream is not Rocket.Chat's, and refused.
    let mut ann = Ddp::login(&team.desk.app, "ann", "agent-password").await;
    let refused = ann.sub(STREAM, user_args("something-else")).await;
    assert_eq!(refused["msg"], json!("nosub"), "{refused}");
    let ready = ann.sub(STREAM, user_args(EVENT)).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");
}
