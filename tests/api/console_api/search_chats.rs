//! `GET livechat/visitors.searchChats/room/:roomId/visitor/:visitorId` (Rocket.Chat 6.x): a
//! visitor's past chats for the console's visitor panel, narrowed by `closedChatsOnly`,
//! `servedChatsOnly` and the text of their messages.

use super::*;

/// A Sales visitor with three chats, oldest first: `unserved` (closed while nobody was
/// available), `closed` (served by alice), `open` (served by alice).
struct Chats {
    c: Console,
    token: String,
    visitor_id: String,
    unserved: String,
    closed: String,
    open: String,
}

impl Chats {
    async fn open() -> Chats {
        let c = Console::open().await;
        let token = new_token();
        set_availability(&c.desk, &c.alice, "not-available").await;
        let first = sales_room(&c.desk, &token, "Returning Rita").await;
        assert_eq!(served_by(&first), None, "nobody was available: {first}");
        let unserved = id_of(&first);
        c.desk
            .app
            .send_message(&token, &unserved, "Where is my parcel?")
            .await;
        c.desk.app.close_room(&token, &unserved).await;
        set_availability(&c.desk, &c.alice, "available").await;

        let second = sales_room(&c.desk, &token, "Returning Rita").await;
        assert!(served_by(&second).is_some(), "{second}");
        let closed = id_of(&second);
        c.desk
            .app
            .send_message(&token, &closed, "I want a REFUND")
            .await;
        c.desk.app.close_room(&token, &closed).await;

        let third = sales_room(&c.desk, &token, "Returning Rita").await;
        let open = id_of(&third);
        c.desk.app.send_message(&token, &open, "Hello again").await;
        Chats {
            visitor_id: third["v"]["_id"].as_str().unwrap().to_string(),
            c,
            token,
            unserved,
            closed,
            open,
        }
    }

    fn path(&self, rid: &str, query: &str) -> String {
        format!(
            "visitors.searchChats/room/{rid}/visitor/{}{query}",
            self.visitor_id
        )
    }

    /// The ids alice gets for `query`, asserting the answer's shape and that no token is in it.
    async fn found(&self, query: &str) -> Vec<String> {
        let (status, body) = self
            .c
            .get(&self.c.alice, &self.path(&self.open, query))
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(body["success"], json!(true));
        assert_eq!(
            body["count"],
            json!(body["history"].as_array().unwrap().len())
        );
        assert_no_token(&body, &self.token);
        ids(&body["history"])
    }
}

#[tokio::test]
async fn lists_the_visitors_chats_newest_first_without_its_token() {
    let s = Chats::open().await;
    let (status, body) = s.c.get(&s.c.alice, &s.path(&s.open, "")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        ids(&body["history"]),
        [s.open.clone(), s.closed.clone(), s.unserved.clone()]
    );
    assert_eq!(
        (&body["count"], &body["offset"], &body["total"]),
        (&json!(3), &json!(0), &json!(3))
    );
    let closed = &body["history"][1];
    assert_eq!(closed["fname"], json!("Returning Rita"));
    assert_eq!(closed["v"]["_id"], json!(s.visitor_id));
    assert_eq!(closed["servedBy"]["username"], json!("alice"));
    assert_eq!(closed["closer"], json!("visitor"));
    assert_utc_date(closed, "closedAt");
    assert_utc_date(closed, "ts");
    assert!(closed["msgs"].as_i64().unwrap() >= 1, "{closed}");
    assert_no_token(&body, &s.token);

    let (_, page) =
        s.c.get(&s.c.alice, &s.path(&s.open, "?count=1&offset=1"))
            .await;
    assert_eq!(ids(&page["history"]), [s.closed.as_str()]);
    assert_eq!((&page["count"], &page["total"]), (&json!(1), &json!(3)));
}

#[tokio::test]
async fn narrows_to_closed_served_and_matching_chats() {
    let s = Chats::open().await;
    let (open, closed, unserved) = (s.open.clone(), s.closed.clone(), s.unserved.clone());
    assert_eq!(
        s.found("?closedChatsOnly=true").await,
        [closed.clone(), unserved.clone()]
    );
    assert_eq!(
        s.found("?servedChatsOnly=true&closedChatsOnly=false").await,
        [open.clone(), closed.clone()]
    );
    assert_eq!(
        s.found("?closedChatsOnly=true&servedChatsOnly=true").await,
        [closed.as_str()]
    );
    assert_eq!(s.found("?searchText=refund").await, [closed.as_str()]);
    assert_eq!(s.found("?searchText=PARCEL").await, [unserved.as_str()]);
    assert_eq!(
        s.found("?searchText=%25").await,
        Vec::<String>::new(),
        "% is literal"
    );
    assert_eq!(
        s.found("?searchText=nothing-like-it").await,
        Vec::<String>::new()
    );
    assert_eq!(
        s.found("?searchText=").await.len(),
        3,
        "empty text: no filter"
    );
}

#[tokio::test]
async fn follows_the_room_access_rule() {
    let s = Chats::open().await;
    let not_allowed = |response: &(StatusCode, Value)| {
        assert_meteor_error(
            response,
            "error-not-allowed",
            "Not allowed [error-not-allowed]",
        )
    };
    // An agent of another department, and one of Sales who does not serve the room.
    not_allowed(&s.c.get(&s.c.otto, &s.path(&s.open, "")).await);
    s.c.bob_joins_sales().await;
    not_allowed(&s.c.get(&s.c.bob, &s.path(&s.open, "")).await);
    // Reading one room does not open another visitor's history to a plain agent.
    let stranger = sales_room(&s.c.desk, &new_token(), "Someone Else").await;
    let other_visitor = format!(
        "visitors.searchChats/room/{}/visitor/{}",
        s.open,
        stranger["v"]["_id"].as_str().unwrap()
    );
    not_allowed(&s.c.get(&s.c.alice, &other_visitor).await);
    // A manager reads any room's; the room grants access, the visitor is the filter.
    let (status, body) = s.c.get(&s.c.boss, &s.path(&id_of(&stranger), "")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], json!(3));
    assert_no_token(&body, &s.token);

    let unknown = s.c.get(&s.c.alice, &s.path("no-such-room", "")).await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid-room");
    assert_staff_only(
        &s.c,
        Method::GET,
        &s.path(&s.open, ""),
        Value::Null,
        &s.token,
    )
    .await;
}

#[tokio::test]
async fn bad_parameters_are_invalid_params() {
    let s = Chats::open().await;
    for (query, needle) in [
        ("?closedChatsOnly=yes", "closedChatsOnly"),
        ("?servedChatsOnly=1", "servedChatsOnly"),
        ("?roomId=x", "roomId"),
        ("?count=many", "count"),
    ] {
        let response = s.c.get(&s.c.alice, &s.path(&s.open, query)).await;
        assert_invalid_params(&response, needle);
    }
    let long = "x".repeat(10_000);
    let response =
        s.c.get(&s.c.alice, &s.path(&s.open, &format!("?searchText={long}")))
            .await;
    assert_eq!(response.0, StatusCode::BAD_REQUEST, "{}", response.1);
}
