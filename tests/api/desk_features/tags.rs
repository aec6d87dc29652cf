//! `livechat/tags`, `livechat/tags/:tagId`, `livechat/tags.remove` and the DDP methods
//! `livechat:saveTag` / `livechat:removeTag` (through `method.call`).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::Team;
use crate::helpers::{assert_error, Credentials};

/// Saves a tag as the manager; its document.
async fn save_tag(team: &Team, name: &str, departments: Value) -> Value {
    let frame = team
        .method(
            &team.manager,
            "livechat:saveTag",
            json!([null, { "name": name, "description": format!("About {name}") }, departments]),
        )
        .await;
    assert!(frame.get("error").is_none(), "{frame}");
    frame["result"].clone()
}

async fn names(team: &Team, who: &Credentials, query: &str) -> Vec<String> {
    let (status, body) = team
        .call(who, Method::GET, &format!("tags?{query}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    let tags = body["tags"].as_array().unwrap();
    assert_eq!(body["total"], json!(tags.len()), "{body}");
    tags.iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn agents_list_the_tags_of_their_departments_and_of_all() {
    let team = Team::open().await;
    let vip = save_tag(&team, "vip", json!([])).await;
    assert_eq!(vip["numDepartments"], json!(0));
    assert_eq!(vip["departments"], json!([]));
    assert_eq!(vip["description"], json!("About vip"));
    let refund = save_tag(&team, "refund", json!(["dep-sales"])).await;
    assert_eq!(refund["numDepartments"], json!(1));
    save_tag(&team, "bug", json!(["dep-support"])).await;

    assert_eq!(names(&team, &team.ann, "").await, ["refund", "vip"]);
    assert_eq!(names(&team, &team.bob, "").await, ["bug", "vip"]);
    assert_eq!(
        names(&team, &team.manager, "").await,
        ["bug", "refund", "vip"]
    );
    // viewAll is for those who manage tags; an agent naming a department it is not in gets
    // its own.
    assert_eq!(
        names(&team, &team.ann, "viewAll=true").await,
        ["refund", "vip"]
    );
    assert_eq!(
        names(&team, &team.ann, "department=dep-support").await,
        ["refund", "vip"]
    );
    assert_eq!(
        names(&team, &team.manager, "viewAll=true").await,
        ["bug", "refund", "vip"]
    );
    assert_eq!(
        names(&team, &team.manager, "department=dep-sales").await,
        ["refund", "vip"]
    );
    assert_eq!(names(&team, &team.manager, "text=REF").await, ["refund"]);
    assert_eq!(names(&team, &team.manager, "text=about%20b").await, ["bug"]);
    let (_, page) = team
        .call(&team.manager, Method::GET, "tags?count=1&offset=1", None)
        .await;
    assert_eq!(
        (page["count"].clone(), page["total"].clone()),
        (json!(1), json!(3))
    );
    assert_eq!(page["tags"][0]["name"], json!("refund"));

    let id = refund["_id"].as_str().unwrap();
    let (status, body) = team
        .call(&team.ann, Method::GET, &format!("tags/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["name"].clone(), body["departments"].clone()),
        (json!("refund"), json!(["dep-sales"]))
    );
    let missing = team
        .call(&team.ann, Method::GET, "tags/NoSuchTag", None)
        .await;
    assert_error(&missing, StatusCode::NOT_FOUND, "Tag not found");

    let plain = team.desk.account("plain", &["user"]).await;
    let refused = team.call(&plain, Method::GET, "tags", None).await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn managers_save_and_remove_tags() {
    let team = Team::open().await;
    let tag = save_tag(&team, "vip", json!([])).await;
    let id = tag["_id"].as_str().unwrap().to_string();

    // Update by id: name, description and departments replaced.
    let frame = team
        .method(
            &team.manager,
            "livechat:saveTag",
            json!([id, { "name": "VIP" }, ["dep-sales", "dep-sales"]]),
        )
        .await;
    assert_eq!(frame["result"]["_id"], json!(id), "{frame}");
    assert_eq!(frame["result"]["departments"], json!(["dep-sales"]));
    assert_eq!(names(&team, &team.bob, "").await, Vec::<String>::new());
    assert_eq!(names(&team, &team.ann, "").await, ["VIP"]);

    for (params, error) in [
        (
            json!([null, { "name": "VIP" }, []]),
            "error-duplicate-tag-name",
        ),
        (json!(["NoSuchTag", { "name": "x" }, []]), "tag-not-found"),
        (
            json!([null, { "name": "x" }, ["no-such-department"]]),
            "error-invalid-department",
        ),
        (
            json!([null, { "description": "no name" }, []]),
            "Match failed",
        ),
    ] {
        let frame = team
            .method(&team.manager, "livechat:saveTag", params.clone())
            .await;
        let got = frame["error"]["error"]
            .as_str()
            .or(frame["error"]["reason"].as_str());
        assert_eq!(got, Some(error), "{params}: {frame}");
    }
    let frame = team
        .method(
            &team.ann,
            "livechat:saveTag",
            json!([null, { "name": "mine" }, []]),
        )
        .await;
    assert_eq!(
        frame["error"]["error"],
        json!("error-not-allowed"),
        "{frame}"
    );
    let frame = team
        .method(&team.ann, "livechat:removeTag", json!([id]))
        .await;
    assert_eq!(
        frame["error"]["error"],
        json!("error-not-allowed"),
        "{frame}"
    );
    let refused = team
        .call(
            &team.ann,
            Method::POST,
            "tags.remove",
            Some(json!({ "id": id })),
        )
        .await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN);

    let frame = team
        .method(&team.manager, "livechat:removeTag", json!([id]))
        .await;
    assert_eq!(frame["result"], json!(true), "{frame}");
    let frame = team
        .method(&team.manager, "livechat:removeTag", json!([id]))
        .await;
    assert_eq!(frame["error"]["error"], json!("tag-not-found"), "{frame}");
    assert!(names(&team, &team.manager, "").await.is_empty());

    let other = save_tag(&team, "other", json!([])).await;
    let body = json!({ "id": other["_id"] });
    let (status, answer) = team
        .call(
            &team.manager,
            Method::POST,
            "tags.remove",
            Some(body.clone()),
        )
        .await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({ "success": true }))
    );
    let again = team
        .call(&team.manager, Method::POST, "tags.remove", Some(body))
        .await;
    assert_error(&again, StatusCode::BAD_REQUEST, "Tag not found");
}
