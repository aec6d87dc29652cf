//! `canned-responses` and `canned-responses.get`: scopes, permissions, errors, filters.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::Team;
use crate::helpers::{assert_error, assert_meteor_error, Credentials};

const ROUTE: &str = "/api/v1/canned-responses";

async fn save(team: &Team, who: &Credentials, body: Value) -> (StatusCode, Value) {
    team.call(who, Method::POST, ROUTE, Some(body)).await
}

async fn save_ok(team: &Team, who: &Credentials, body: Value) {
    let (status, answer) = save(team, who, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

/// The responses `who` may use, as `canned-responses.get` lists them.
async fn usable(team: &Team, who: &Credentials) -> Vec<Value> {
    let (status, body) = team
        .call(who, Method::GET, "/api/v1/canned-responses.get", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["responses"].as_array().unwrap().clone()
}

fn shortcuts(responses: &[Value]) -> Vec<&str> {
    responses
        .iter()
        .map(|r| r["shortcut"].as_str().unwrap())
        .collect()
}

async fn id_of(team: &Team, who: &Credentials, shortcut: &str) -> String {
    let found = usable(team, who).await;
    let response = found
        .iter()
        .find(|r| r["shortcut"] == json!(shortcut))
        .unwrap_or_else(|| panic!("{shortcut} in {found:?}"));
    response["_id"].as_str().unwrap().to_string()
}

fn not_allowed_on(scope: &str) -> String {
    format!("Not allowed to modify canned responses on *{scope}* scope [error-not-allowed]")
}

const NOT_FOUND: &str = "Canned Response not found [error-canned-response-not-found]";

#[tokio::test]
async fn a_private_response_is_its_authors_alone() {
    let team = Team::open().await;
    let body = json!({ "shortcut": "hello", "text": "Hello! How can I help?", "scope": "user", "departmentId": "dep-sales", "tags": ["greeting"] });
    save_ok(&team, &team.ann, body).await;

    let mine = usable(&team, &team.ann).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    let response = &mine[0];
    assert_eq!(response["text"], json!("Hello! How can I help?"));
    assert_eq!(response["scope"], json!("user"));
    assert_eq!(response["userId"], json!(team.ann_id));
    assert!(
        response.get("departmentId").is_none(),
        "a private response has no department"
    );
    assert_eq!(response["tags"], json!(["greeting"]));
    assert_eq!(response["createdBy"]["username"], json!("ann"));
    assert!(response["_createdAt"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    let id = response["_id"].as_str().unwrap().to_string();

    // Nobody else sees it, managers included, nor changes it.
    assert!(usable(&team, &team.bob).await.is_empty());
    assert!(usable(&team, &team.manager).await.is_empty());
    let path = format!("{ROUTE}/{id}");
    let (status, _) = team.call(&team.bob, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let hijack = json!({ "_id": id, "shortcut": "hello", "text": "mine now", "scope": "user" });
    let refused = save(&team, &team.bob, hijack).await;
    assert_meteor_error(&refused, "error-canned-response-not-found", NOT_FOUND);
    let refused = save(
        &team,
        &team.manager,
        json!({ "_id": id, "shortcut": "hello", "text": "x", "scope": "global" }),
    )
    .await;
    assert_meteor_error(&refused, "error-canned-response-not-found", NOT_FOUND);
    let delete = json!({ "_id": id });
    let refused = team
        .call(&team.bob, Method::DELETE, ROUTE, Some(delete.clone()))
        .await;
    assert_meteor_error(&refused, "error-canned-response-not-found", NOT_FOUND);

    // Its author edits and deletes it.
    save_ok(
        &team,
        &team.ann,
        json!({ "_id": id, "shortcut": "hi", "text": "Hi there", "scope": "user" }),
    )
    .await;
    let (status, body) = team.call(&team.ann, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["cannedResponse"]["shortcut"], json!("hi"));
    assert_eq!(
        body["cannedResponse"]["tags"],
        json!([]),
        "tags are replaced as given"
    );
    assert_eq!(body["cannedResponse"]["userId"], json!(team.ann_id));
    let (status, body) = team
        .call(&team.ann, Method::DELETE, ROUTE, Some(delete))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(usable(&team, &team.ann).await.is_empty());
}

#[tokio::test]
async fn global_responses_need_save_all_canned_responses() {
    let team = Team::open().await;
    let body = json!({ "shortcut": "bye", "text": "Goodbye!", "scope": "global" });
    let refused = save(&team, &team.ann, body.clone()).await;
    assert_meteor_error(&refused, "error-not-allowed", &not_allowed_on("global"));
    assert!(
        usable(&team, &team.ann).await.is_empty(),
        "nothing was saved"
    );

    save_ok(&team, &team.manager, body).await;
    assert_eq!(shortcuts(&usable(&team, &team.ann).await), ["bye"]);
    assert_eq!(shortcuts(&usable(&team, &team.bob).await), ["bye"]);

    let id = id_of(&team, &team.ann, "bye").await;
    let edit = json!({ "_id": id, "shortcut": "bye", "text": "Ciao", "scope": "global" });
    let refused = save(&team, &team.ann, edit.clone()).await;
    assert_meteor_error(&refused, "error-not-allowed", &not_allowed_on("global"));
    // Turning it into its own private response is no way around the rule.
    let sneaky = json!({ "_id": id, "shortcut": "bye", "text": "Ciao", "scope": "user" });
    let refused = save(&team, &team.ann, sneaky).await;
    assert_meteor_error(&refused, "error-not-allowed", &not_allowed_on("global"));
    let refused = team
        .call(&team.ann, Method::DELETE, ROUTE, Some(json!({ "_id": id })))
        .await;
    assert_meteor_error(&refused, "error-not-allowed", &not_allowed_on("global"));

    save_ok(&team, &team.manager, edit).await;
    assert_eq!(usable(&team, &team.bob).await[0]["text"], json!("Ciao"));
    assert_eq!(
        usable(&team, &team.bob).await[0]["createdBy"]["username"],
        json!("mona")
    );
}

#[tokio::test]
async fn department_responses_reach_that_departments_agents_only() {
    let team = Team::open().await;
    let body = json!({ "shortcut": "price", "text": "Our prices start at 10 EUR.", "scope": "department", "departmentId": "dep-sales" });
    // Agents lack save-department-canned-responses by default, even in their own department.
    let refused = save(&team, &team.ann, body.clone()).await;
    assert_meteor_error(&refused, "error-not-allowed", &not_allowed_on("department"));

    let missing = json!({ "shortcut": "price", "text": "x", "scope": "department" });
    let refused = save(&team, &team.manager, missing).await;
    assert_meteor_error(
        &refused,
        "error-invalid-department",
        "Invalid department [error-invalid-department]",
    );
    let unknown = json!({ "shortcut": "price", "text": "x", "scope": "department", "departmentId": "no-such" });
    let refused = save(&team, &team.manager, unknown).await;
    assert_meteor_error(
        &refused,
        "error-invalid-department",
        "Invalid department [error-invalid-department]",
    );

    save_ok(&team, &team.manager, body).await;
    let seen = usable(&team, &team.ann).await;
    assert_eq!(shortcuts(&seen), ["price"]);
    assert_eq!(seen[0]["departmentId"], json!("dep-sales"));
    assert!(
        usable(&team, &team.bob).await.is_empty(),
        "Support does not see Sales' responses"
    );
    assert_eq!(shortcuts(&usable(&team, &team.manager).await), ["price"]);
    let id = seen[0]["_id"].as_str().unwrap();
    let (status, _) = team
        .call(&team.bob, Method::GET, &format!("{ROUTE}/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let refused = team
        .call(&team.ann, Method::DELETE, ROUTE, Some(json!({ "_id": id })))
        .await;
    assert_meteor_error(&refused, "error-not-allowed", &not_allowed_on("department"));
}

#[tokio::test]
async fn shortcuts_are_unique_and_ids_must_exist() {
    let team = Team::open().await;
    save_ok(
        &team,
        &team.ann,
        json!({ "shortcut": "thanks", "text": "Thank you!", "scope": "user" }),
    )
    .await;
    let again = json!({ "shortcut": "thanks", "text": "Thanks a lot", "scope": "user" });
    let refused = save(&team, &team.bob, again.clone()).await;
    assert_meteor_error(
        &refused,
        "error-invalid-shortcut",
        "Shortcut provided already exists [error-invalid-shortcut]",
    );
    let refused = save(&team, &team.ann, again).await;
    assert_meteor_error(
        &refused,
        "error-invalid-shortcut",
        "Shortcut provided already exists [error-invalid-shortcut]",
    );

    // Updating a response may keep its own shortcut.
    let id = id_of(&team, &team.ann, "thanks").await;
    save_ok(
        &team,
        &team.ann,
        json!({ "_id": id, "shortcut": "thanks", "text": "Many thanks", "scope": "user" }),
    )
    .await;
    assert_eq!(
        usable(&team, &team.ann).await[0]["text"],
        json!("Many thanks")
    );

    let ghost =
        json!({ "_id": "NoSuchResponse", "shortcut": "ghost", "text": "boo", "scope": "user" });
    let refused = save(&team, &team.ann, ghost).await;
    assert_meteor_error(&refused, "error-canned-response-not-found", NOT_FOUND);
    let refused = team
        .call(
            &team.ann,
            Method::DELETE,
            ROUTE,
            Some(json!({ "_id": "NoSuchResponse" })),
        )
        .await;
    assert_meteor_error(&refused, "error-canned-response-not-found", NOT_FOUND);
}

/// `GET canned-responses?<query>` as `who`, which must succeed.
async fn list(team: &Team, who: &Credentials, query: &str) -> Value {
    let path = format!("{ROUTE}?{query}");
    let (status, body) = team.call(who, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

#[tokio::test]
async fn the_listing_filters_and_pages() {
    let team = Team::open().await;
    for (shortcut, text, scope, department, tags) in [
        ("alpha", "First answer", "global", None, json!(["billing"])),
        (
            "beta",
            "Second ANSWER",
            "global",
            None,
            json!(["shipping", "billing"]),
        ),
        ("gamma", "Third", "department", Some("dep-sales"), json!([])),
        (
            "delta",
            "Fourth",
            "department",
            Some("dep-support"),
            json!(["shipping"]),
        ),
    ] {
        let mut body = json!({ "shortcut": shortcut, "text": text, "scope": scope, "tags": tags });
        if let Some(department) = department {
            body["departmentId"] = json!(department);
        }
        save_ok(&team, &team.manager, body).await;
    }
    save_ok(
        &team,
        &team.ann,
        json!({ "shortcut": "mine", "text": "an answer of mine", "scope": "user" }),
    )
    .await;

    let all = list(&team, &team.ann, "").await;
    assert_eq!(
        all["total"],
        json!(4),
        "ann: global, Sales' and her own: {all}"
    );
    let names: Vec<&str> = all["cannedResponses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shortcut"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["alpha", "beta", "gamma", "mine"],
        "sorted by shortcut"
    );

    let page = list(&team, &team.ann, "count=2&offset=1").await;
    assert_eq!(
        (
            page["count"].clone(),
            page["offset"].clone(),
            page["total"].clone()
        ),
        (json!(2), json!(1), json!(4))
    );
    assert_eq!(page["cannedResponses"][0]["shortcut"], json!("beta"));

    let by_text = list(&team, &team.ann, "text=answer").await;
    assert_eq!(
        by_text["total"],
        json!(3),
        "any case, shortcut or text: {by_text}"
    );
    let by_tags = list(&team, &team.manager, "tags[]=shipping").await;
    assert_eq!(by_tags["total"], json!(2), "{by_tags}");
    let by_two_tags = list(&team, &team.manager, "tags[]=shipping&tags[]=billing").await;
    assert_eq!(by_two_tags["total"], json!(3), "{by_two_tags}");
    let by_scope = list(&team, &team.manager, "scope=department").await;
    assert_eq!(by_scope["total"], json!(2), "{by_scope}");
    let by_department = list(&team, &team.manager, "departmentId=dep-support").await;
    assert_eq!(
        by_department["cannedResponses"][0]["shortcut"],
        json!("delta")
    );
    // An agent naming another department still sees only what it may use.
    let outside = list(&team, &team.ann, "departmentId=dep-support").await;
    assert_eq!(outside["total"], json!(0), "{outside}");
    let by_shortcut = list(&team, &team.ann, "shortcut=mine").await;
    assert_eq!(by_shortcut["total"], json!(1));
    let by_author = list(&team, &team.ann, &format!("createdBy={}", team.ann_id)).await;
    assert_eq!(by_author["cannedResponses"][0]["shortcut"], json!("mine"));
}

#[tokio::test]
async fn permissions_and_malformed_requests_are_refused() {
    let team = Team::open().await;
    let plain = team.desk.account("plain", &["user"]).await;
    let forbidden =
        "User does not have the permissions required for this action [error-unauthorized]";
    for (method, path, body) in [
        (Method::GET, ROUTE.to_string(), None),
        (Method::GET, format!("{ROUTE}.get"), None),
        (Method::GET, format!("{ROUTE}/anything"), None),
        (
            Method::POST,
            ROUTE.to_string(),
            Some(json!({ "shortcut": "a", "text": "b", "scope": "user" })),
        ),
        (
            Method::DELETE,
            ROUTE.to_string(),
            Some(json!({ "_id": "x" })),
        ),
    ] {
        let refused = team.call(&plain, method.clone(), &path, body).await;
        assert_error(&refused, StatusCode::FORBIDDEN, forbidden);
    }
    let anonymous = team.desk.app.get(ROUTE).await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);

    for (body, error) in [
        (json!({ "text": "b", "scope": "user" }), "shortcut"),
        (json!({ "shortcut": "a", "scope": "user" }), "text"),
        (json!({ "shortcut": "a", "text": "b" }), "scope"),
        (
            json!({ "shortcut": "a", "text": "b", "scope": "team" }),
            "scope",
        ),
        (
            json!({ "shortcut": "a b", "text": "b", "scope": "user" }),
            "shortcut",
        ),
        (
            json!({ "shortcut": "a", "text": "b", "scope": "user", "tags": "x" }),
            "tags",
        ),
        (
            json!({ "shortcut": "a", "text": "b", "scope": "user", "extra": 1 }),
            "extra",
        ),
    ] {
        let (status, answer) = save(&team, &team.ann, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(
            answer["errorType"],
            json!("invalid-params"),
            "{body}: {answer}"
        );
        assert!(
            answer["error"].as_str().unwrap().contains(error),
            "{body}: {answer}"
        );
    }
    let (status, answer) = team
        .call(&team.ann, Method::GET, &format!("{ROUTE}?nope=1"), None)
        .await;
    assert_eq!(
        (status, answer["errorType"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid-params"))
    );
    let (status, answer) = team
        .call(&team.ann, Method::DELETE, ROUTE, Some(json!({})))
        .await;
    assert_eq!(
        (status, answer["errorType"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid-params"))
    );
    assert!(usable(&team, &team.ann).await.is_empty());
}
