//! Set-ups at once create one administrator; the code a real server logs is the one it takes.

use reqwest::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_set_ups_create_exactly_one_administrator() {
    let app = TestApp::spawn().await;
    let requests = (0..8)
        .map(|i| {
            (
                "/api/v1/setup".to_string(),
                Some(admin_form(&format!("owner{i}"))),
            )
        })
        .collect();
    let answers = post_concurrently(&app, requests).await;
    let winners: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .collect();
    assert_eq!(winners.len(), 1, "{answers:?}");
    for answer in answers
        .iter()
        .filter(|(status, _)| *status != StatusCode::OK)
    {
        assert_refused(answer, "error-setup-done", SETUP_DONE);
    }
    let owner = credentials_of(winners[0]);
    let (status, list) = get_as(&app, &owner, "/api/v1/users.list?count=100").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let admins: Vec<_> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|user| user["roles"].as_array().unwrap().contains(&json!("admin")))
        .collect();
    assert_eq!(admins.len(), 1, "{list}");
    assert_eq!(admins[0]["_id"], json!(owner.0));
    assert_eq!(list["total"], json!(1), "{list}");
}

#[tokio::test]
async fn the_server_logs_the_code_it_then_accepts_from_elsewhere() {
    let database = TestDatabase::create().await;
    let server = ServerProcess::start(&database.url).await;
    let line = server
        .startup_log
        .iter()
        .find(|line| line.contains("no administrator yet"))
        .unwrap_or_else(|| panic!("no set-up line in {:#?}", server.startup_log));
    assert!(
        line.contains(&format!("open http://{}/ on this machine", server.address)),
        "{line}"
    );
    let code = line
        .split("set-up code ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no code in {line}"));
    assert_eq!(code.len(), 17, "{line}");

    let client = reqwest::Client::new();
    let url = format!("http://{}/api/v1/setup", server.address);
    let post = |body: serde_json::Value| {
        client
            .post(&url)
            .header("X-Forwarded-For", REMOTE.unwrap())
            .json(&body)
            .send()
    };
    let wrong = post(form_with_code("owner", "22222-22222-22222"))
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let right = post(form_with_code("owner", code)).await.unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    let body: serde_json::Value = right.json().await.unwrap();
    assert_eq!(body["data"]["me"]["username"], json!("owner"), "{body}");
}
