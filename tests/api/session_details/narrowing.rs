//! `visitors.online?visitorId=`: one visitor's session, under the listing's access rule.

use serde_json::json;

use super::*;

#[tokio::test]
async fn visitor_id_narrows_to_that_visitors_session() {
    let desk = Desk::open_with(seed_departments).await;
    let (alice_id, alice) = desk.agent("alice").await;
    desk.add_to_department("dep-sales", &alice_id).await;
    // Two visitors of one name: the id tells them apart.
    let (ann_token, ann) = visitor_on_site(&desk, "Sam", Some("dep-sales")).await;
    let (other_token, other) = visitor_on_site(&desk, "Sam", None).await;
    let (support_token, support) = visitor_on_site(&desk, "Sue", Some("dep-support")).await;

    let everyone = get_ok(&desk, &desk.admin, "visitors.online").await;
    assert_eq!(everyone["total"], json!(3), "{everyone}");

    let own = session_of(&desk, &alice, &ann, &ann_token).await;
    assert_eq!(own["visitorId"], json!(ann));
    let other_sam = session_of(&desk, &alice, &other, &other_token).await;
    assert_eq!(other_sam["visitorId"], json!(other));

    let unknown = get_ok(&desk, &alice, "visitors.online?visitorId=no-such-visitor").await;
    assert_eq!(
        (unknown["visitors"].clone(), unknown["total"].clone()),
        (json!([]), json!(0))
    );

    // A plain agent does not see another department's visitor, asked for by id or not.
    assert!(sessions_of(&desk, &alice, &support, &support_token)
        .await
        .is_empty());
    let manager = desk.account("boss", &["livechat-manager"]).await;
    let seen = session_of(&desk, &manager, &support, &support_token).await;
    assert_eq!(seen["visitorId"], json!(support));
}

#[tokio::test]
async fn visitor_id_is_checked_and_staff_only() {
    let desk = Desk::open().await;
    let (_, alice) = desk.agent("alice").await;
    let (token, id) = visitor_on_site(&desk, "Ann", None).await;
    assert_invalid_params(
        &get(&desk, &alice, "visitors.online?visitorId=").await,
        "visitorId",
    );
    let plain = desk.account("plain", &["user"]).await;
    let (status, body) = get(&desk, &plain, &format!("visitors.online?visitorId={id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["errorType"], json!("error-unauthorized"));
    let (status, _) = desk
        .app
        .get(&format!("visitors.online?visitorId={id}&token={token}"))
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a visitor's token is no login"
    );
}
