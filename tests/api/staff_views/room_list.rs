//! `GET livechat/rooms` (reference §3.10).

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

/// A desk with departments and rooms in every state:
/// `served` (open, served by alice), `other` (open, served by bob), `closed` (was alice's,
/// closed by its visitor) and `queued` (open, in "Sales", which has no agents).
struct Rooms {
    desk: Desk,
    alice: (String, Credentials),
    bob: (String, Credentials),
    served: Value,
    other: Value,
    closed: Value,
    queued: Value,
}

impl Rooms {
    async fn open() -> Rooms {
        let desk = Desk::open_with(seed_departments).await;
        let alice = desk.agent("alice").await;
        let (closed_token, closed) = room_for(&desk, "Closed Carol", None).await;
        assert_eq!(served_by(&closed).as_ref(), Some(&alice.0));
        desk.app
            .close_room(&closed_token, closed["_id"].as_str().unwrap())
            .await;
        let (_, served) = room_for(&desk, "Served Sam", None).await;
        assert_eq!(served_by(&served).as_ref(), Some(&alice.0));
        let bob = desk.agent("bob").await;
        let (_, other) = room_for(&desk, "Other Olga", None).await;
        assert_eq!(
            served_by(&other).as_ref(),
            Some(&bob.0),
            "bob has fewer chats"
        );
        let (_, queued) = room_for(&desk, "Queued Quinn", Some("dep-sales")).await;
        assert_eq!(served_by(&queued), None, "nobody serves Sales");
        Rooms {
            desk,
            alice,
            bob,
            served,
            other,
            closed,
            queued,
        }
    }

    fn id(room: &Value) -> String {
        room["_id"].as_str().unwrap().to_string()
    }

    /// The ids the manager gets for `query`.
    async fn listed(&self, manager: &Credentials, query: &str) -> Vec<String> {
        let body = get_ok(&self.desk, manager, &format!("rooms?{query}")).await;
        ids(&body["rooms"])
    }
}

#[tokio::test]
async fn a_manager_lists_every_room_newest_first_with_its_department() {
    let rooms = Rooms::open().await;
    let boss = manager(&rooms.desk).await;
    let body = get_ok(&rooms.desk, &boss, "rooms").await;
    assert_page(&body, "rooms", 4, 0, 4);
    assert_eq!(
        ids(&body["rooms"]),
        [&rooms.queued, &rooms.other, &rooms.served, &rooms.closed].map(Rooms::id)
    );
    let queued = &body["rooms"][0];
    assert_eq!(
        queued["department"],
        json!({ "_id": "dep-sales", "name": "Sales" })
    );
    assert_eq!(queued["departmentId"], json!("dep-sales"));
    assert_eq!(queued["open"], json!(true));
    assert_absent(&body["rooms"][1], "department");
    let closed = &body["rooms"][3];
    assert_absent(closed, "open");
    assert_utc_date(closed, "closedAt");
    assert_eq!(closed["fname"], json!("Closed Carol"));
}

#[tokio::test]
async fn rooms_filter_by_agent_department_state_and_name() {
    let rooms = Rooms::open().await;
    let boss = manager(&rooms.desk).await;
    let (alice_id, _) = &rooms.alice;
    let by_id = rooms.listed(&boss, &format!("agents[]={alice_id}")).await;
    assert_eq!(by_id, [&rooms.served, &rooms.closed].map(Rooms::id));
    let by_name = rooms.listed(&boss, "agents[]=alice").await;
    assert_eq!(by_name, by_id, "agents are named by id or username");
    let both = rooms.listed(&boss, "agents[]=alice&agents[]=bob").await;
    assert_eq!(both.len(), 3);
    assert!(rooms.listed(&boss, "agents[]=nobody").await.is_empty());

    assert_eq!(
        rooms.listed(&boss, "departmentId=dep-sales").await,
        [Rooms::id(&rooms.queued)]
    );
    assert_eq!(
        rooms.listed(&boss, "open=false").await,
        [Rooms::id(&rooms.closed)]
    );
    assert_eq!(rooms.listed(&boss, "open=true").await.len(), 3);
    assert_eq!(
        rooms.listed(&boss, "roomName=olga").await,
        [Rooms::id(&rooms.other)],
        "case-insensitive substring of the room name"
    );
    assert!(
        rooms.listed(&boss, "roomName=%25").await.is_empty(),
        "% is literal"
    );
    assert_eq!(
        rooms.listed(&boss, "open=true&agents[]=alice").await,
        [Rooms::id(&rooms.served)],
        "filters combine"
    );
}

#[tokio::test]
async fn rooms_filter_by_creation_and_closing_dates() {
    let rooms = Rooms::open().await;
    let boss = manager(&rooms.desk).await;
    let since_served = json!({ "start": rooms.served["ts"] }).to_string();
    assert_eq!(
        rooms
            .listed(&boss, &format!("createdAt={}", encode(&since_served)))
            .await,
        [&rooms.queued, &rooms.other, &rooms.served].map(Rooms::id)
    );
    let until_other = json!({ "start": rooms.served["ts"], "end": rooms.other["ts"] }).to_string();
    assert_eq!(
        rooms
            .listed(&boss, &format!("createdAt={}", encode(&until_other)))
            .await,
        [&rooms.other, &rooms.served].map(Rooms::id)
    );
    let closed_since_2000 = encode(r#"{"start":"2000-01-01"}"#);
    assert_eq!(
        rooms
            .listed(&boss, &format!("closedAt={closed_since_2000}"))
            .await,
        [Rooms::id(&rooms.closed)]
    );
    let closed_before_2000 = encode(r#"{"end":"2000-01-01T00:00:00Z"}"#);
    assert!(rooms
        .listed(&boss, &format!("closedAt={closed_before_2000}"))
        .await
        .is_empty());
}

#[tokio::test]
async fn bad_dates_are_refused_with_the_reference_messages() {
    let rooms = Rooms::open().await;
    let boss = manager(&rooms.desk).await;
    for (query, error) in [
        (
            format!("createdAt={}", encode(r#"{"start":"not a date"}"#)),
            "The \"createdAt.start\" query parameter must be a valid date.",
        ),
        (
            format!("createdAt={}", encode(r#"{"end":"2020-13-45"}"#)),
            "The \"createdAt.end\" query parameter must be a valid date.",
        ),
        (
            format!("closedAt={}", encode(r#"{"start":"soon"}"#)),
            "The \"closedAt.start\" query parameter must be a valid date.",
        ),
        (
            format!("closedAt={}", encode(r#"{"end":42}"#)),
            "The \"closedAt.end\" query parameter must be a valid date.",
        ),
    ] {
        let response = get(&rooms.desk, &boss, &format!("rooms?{query}")).await;
        assert_error(&response, StatusCode::BAD_REQUEST, error);
    }
    let (status, body) = get(&rooms.desk, &boss, "rooms?createdAt=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("JSON object"),
        "{body}"
    );
}

#[tokio::test]
async fn rooms_paginate_and_sort() {
    let rooms = Rooms::open().await;
    let boss = manager(&rooms.desk).await;
    let body = get_ok(&rooms.desk, &boss, "rooms?count=2&offset=1").await;
    assert_page(&body, "rooms", 2, 1, 4);
    assert_eq!(
        ids(&body["rooms"]),
        [&rooms.other, &rooms.served].map(Rooms::id)
    );

    let oldest_first = rooms
        .listed(&boss, &format!("sort={}", encode(r#"{"ts":1}"#)))
        .await;
    assert_eq!(
        oldest_first,
        [&rooms.closed, &rooms.served, &rooms.other, &rooms.queued].map(Rooms::id)
    );
    let by_name = rooms
        .listed(&boss, &format!("sort={}", encode(r#"{"fname":1}"#)))
        .await;
    assert_eq!(
        by_name,
        [&rooms.closed, &rooms.other, &rooms.queued, &rooms.served].map(Rooms::id)
    );
    let closed_last = rooms
        .listed(
            &boss,
            &format!("sort={}", encode(r#"{"closedAt":-1,"ts":1}"#)),
        )
        .await;
    assert_eq!(
        closed_last[0],
        Rooms::id(&rooms.closed),
        "closed first descending"
    );

    for raw in [r#"{"ts":0}"#, r#"{"ts":"desc"}"#, "ts", "[]"] {
        let response = get(&rooms.desk, &boss, &format!("rooms?sort={}", encode(raw))).await;
        assert_invalid_sort(&response, raw);
    }
    let response = get(
        &rooms.desk,
        &boss,
        &format!("rooms?sort={}", encode(r#"{"doc":1}"#)),
    )
    .await;
    assert_eq!(response.0, StatusCode::BAD_REQUEST, "{}", response.1);
    assert_eq!(response.1["errorType"], json!("error-invalid-sort"));
}

#[tokio::test]
async fn an_agent_lists_only_its_own_rooms() {
    let rooms = Rooms::open().await;
    let (alice_id, alice) = &rooms.alice;
    let (bob_id, _) = &rooms.bob;
    let unauthorized =
        json!({ "success": false, "error": "unauthorized", "errorType": "unauthorized" });
    for query in [
        String::new(),
        format!("agents[]={bob_id}"),
        format!("agents[]={alice_id}&agents[]={bob_id}"),
        "agents[]=alice".to_string(),
    ] {
        let (status, body) = get(&rooms.desk, alice, &format!("rooms?{query}")).await;
        assert_eq!(
            (status, &body),
            (StatusCode::FORBIDDEN, &unauthorized),
            "{query}"
        );
    }
    let body = get_ok(&rooms.desk, alice, &format!("rooms?agents[]={alice_id}")).await;
    assert_eq!(
        ids(&body["rooms"]),
        [&rooms.served, &rooms.closed].map(Rooms::id)
    );
}

#[tokio::test]
async fn rooms_need_a_login_and_a_livechat_role() {
    let rooms = Rooms::open().await;
    let token = new_token();
    let (status, body) = rooms.desk.app.get("rooms").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let response = rooms
        .desk
        .app
        .client
        .get(rooms.desk.app.url("rooms"))
        .header("X-Visitor-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = rooms.desk.app.get(&format!("rooms?token={token}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let plain = plain_user(&rooms.desk).await;
    let (status, body) = get(&rooms.desk, &plain, &format!("rooms?agents[]={}", plain.0)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], json!("unauthorized"));
}

#[tokio::test]
async fn bad_room_list_parameters_are_invalid_params() {
    let rooms = Rooms::open().await;
    let boss = manager(&rooms.desk).await;
    let cases = [
        ("rooms?open=maybe", "'open'"),
        ("rooms?colour=blue", "additional properties"),
        ("rooms?count=-1", "'count'"),
        ("rooms?offset=x", "'offset'"),
        ("rooms?open=true&open=false", "once"),
    ];
    for (path, needle) in cases {
        assert_invalid_params(&get(&rooms.desk, &boss, path).await, needle);
    }
    let many: Vec<String> = (0..101).map(|n| format!("agents[]=a{n}")).collect();
    let response = get(&rooms.desk, &boss, &format!("rooms?{}", many.join("&"))).await;
    assert_invalid_params(&response, "100 items");
    let long_name = "n".repeat(300);
    let response = get(&rooms.desk, &boss, &format!("rooms?roomName={long_name}")).await;
    assert_invalid_params(&response, "roomName");
}
