//! A visitor may not pass for a colleague: staff usernames are not given to visitors.

use serde_json::json;

use super::*;

async fn username_after_asking_for(b: &Boundary, asked: &str) -> String {
    let token = new_token();
    let body = json!({ "token": token, "username": asked });
    let answer = b.desk.app.register_ok(body).await;
    answer["visitor"]["username"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_visitor_cannot_take_a_staff_username() {
    let b = Boundary::open().await;
    for asked in ["admin", "sally", "OTTO", "rocket.cat"] {
        let given = username_after_asking_for(&b, asked).await;
        assert!(given.starts_with("guest-"), "{asked} was given as {given}");
    }
    // A name no one on the staff has is kept.
    assert_eq!(username_after_asking_for(&b, "vera-42").await, "vera-42");
}
