//! `GET livechat/department`: filters and pages.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{create, fields, id_of, list, names};
use crate::helpers::{assert_invalid_params, Desk};

#[tokio::test]
async fn departments_are_listed_by_name_with_counts() {
    let desk = Desk::open().await;
    for name in ["Sales", "billing", "Accounts"] {
        create(&desk, name, &[]).await;
    }

    let listing = list(&desk, &desk.admin, "").await;

    assert_eq!(names(&listing), ["Accounts", "billing", "Sales"]);
    assert_eq!(listing["count"], json!(3));
    assert_eq!(listing["offset"], json!(0));
    assert_eq!(listing["total"], json!(3));
    assert_eq!(listing["departments"][0]["numAgents"], json!(0));
}

#[tokio::test]
async fn offset_and_count_page_the_list() {
    let desk = Desk::open().await;
    for name in ["A", "B", "C", "D", "E"] {
        create(&desk, name, &[]).await;
    }

    let page = list(&desk, &desk.admin, "?offset=1&count=2").await;

    assert_eq!(names(&page), ["B", "C"]);
    assert_eq!(
        (
            page["count"].clone(),
            page["offset"].clone(),
            page["total"].clone()
        ),
        (json!(2), json!(1), json!(5))
    );
    let last = list(&desk, &desk.admin, "?offset=4&count=2").await;
    assert_eq!(names(&last), ["E"]);
    let response = desk
        .call(&desk.admin, Method::GET, "department?count=-1", None)
        .await;
    assert_invalid_params(&response, "'count' must be a non-negative integer");
}

#[tokio::test]
async fn text_matches_part_of_the_name_in_any_case() {
    let desk = Desk::open().await;
    for name in ["Sales EMEA", "sales Americas", "Support", "50% off_deals"] {
        create(&desk, name, &[]).await;
    }

    let sales = list(&desk, &desk.admin, "?text=SALES").await;
    assert_eq!(names(&sales), ["sales Americas", "Sales EMEA"]);
    assert_eq!(sales["total"], json!(2));
    assert_eq!(
        names(&list(&desk, &desk.admin, "?text=emea").await),
        ["Sales EMEA"]
    );
    // Wildcards are plain characters.
    assert_eq!(
        names(&list(&desk, &desk.admin, "?text=%25").await),
        ["50% off_deals"]
    );
    assert_eq!(
        names(&list(&desk, &desk.admin, "?text=_").await),
        ["50% off_deals"]
    );
    assert!(names(&list(&desk, &desk.admin, "?text=nothing").await).is_empty());
}

#[tokio::test]
async fn enabled_true_hides_disabled_departments() {
    let desk = Desk::open().await;
    create(&desk, "Open", &[]).await;
    let mut closed = fields("Closed");
    closed["enabled"] = json!(false);
    let (status, body) = desk
        .call(
            &desk.admin,
            Method::POST,
            "department",
            Some(json!({ "department": closed })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert_eq!(
        names(&list(&desk, &desk.admin, "?enabled=true").await),
        ["Open"]
    );
    assert_eq!(
        names(&list(&desk, &desk.admin, "?enabled=false").await),
        ["Closed", "Open"],
        "only `true` filters"
    );
}

#[tokio::test]
async fn exclude_department_id_leaves_one_out() {
    let desk = Desk::open().await;
    let sales = id_of(&create(&desk, "Sales", &[]).await);
    create(&desk, "Support", &[]).await;

    let listing = list(&desk, &desk.admin, &format!("?excludeDepartmentId={sales}")).await;

    assert_eq!(names(&listing), ["Support"]);
    assert_eq!(listing["total"], json!(1));
}

#[tokio::test]
async fn only_my_departments_lists_the_callers_departments() {
    let desk = Desk::open().await;
    let (alice_id, alice) = desk.agent("alice").await;
    let (bob_id, _) = desk.agent("bob").await;
    create(&desk, "Sales", &[&alice_id]).await;
    create(&desk, "Support", &[&bob_id]).await;
    create(&desk, "Billing", &[&alice_id, &bob_id]).await;

    let mine = list(&desk, &alice, "?onlyMyDepartments=true").await;
    assert_eq!(names(&mine), ["Billing", "Sales"]);
    assert_eq!(mine["total"], json!(2));
    assert_eq!(
        names(&list(&desk, &alice, "").await),
        ["Billing", "Sales", "Support"]
    );
    let admins = list(&desk, &desk.admin, "?onlyMyDepartments=true").await;
    assert!(
        names(&admins).is_empty(),
        "the administrator is in none: {admins}"
    );
}
