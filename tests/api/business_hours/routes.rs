//! The routes: the seeded default business hour, the listing, saving and its refusals.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{every_day, Team, BUSINESS_HOUR, DAYS, SAVE};

#[tokio::test]
async fn the_default_business_hour_is_seeded_as_rocket_chat_seeds_it() {
    let team = Team::open().await;
    let hour = team.default_hour().await;
    assert_eq!(hour["name"], json!(""));
    assert_eq!(hour["active"], json!(true));
    assert_eq!(hour["type"], json!("default"));
    assert!(
        hour["_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{hour}"
    );
    assert!(hour["ts"].is_string(), "{hour}");
    assert!(hour["timezone"]["name"].is_string(), "{hour}");
    assert!(hour["timezone"]["utc"].is_string(), "{hour}");
    let days = hour["workHours"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    for (index, day) in days.iter().enumerate() {
        assert_eq!(day["day"], json!(DAYS[index]));
        assert_eq!(day["code"], json!(index + 1));
        assert_eq!(day["start"]["time"], json!("08:00"));
        assert_eq!(day["finish"]["time"], json!("20:00"));
        assert_eq!(day["open"], json!(index < 5), "weekdays open: {day}");
        for moment in ["start", "finish"] {
            for kind in ["utc", "cron"] {
                assert!(day[moment][kind]["dayOfWeek"].is_string(), "{day}");
                assert!(day[moment][kind]["time"].is_string(), "{day}");
            }
        }
    }
    // By `_id` too; the listing has it.
    let id = hour["_id"].as_str().unwrap();
    let (status, by_id) = team
        .call(
            &team.manager,
            Method::GET,
            &format!("{BUSINESS_HOUR}?_id={id}&type=default"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{by_id}");
    assert_eq!(by_id["businessHour"], hour);
    let (status, list) = team
        .call(&team.manager, Method::GET, "business-hours", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["businessHours"], json!([hour]));
    assert_eq!(
        (
            list["count"].clone(),
            list["total"].clone(),
            list["offset"].clone()
        ),
        (json!(1), json!(1), json!(0))
    );
    // An unknown id: `null`, as Rocket.Chat answers.
    let (status, none) = team
        .call(
            &team.manager,
            Method::GET,
            &format!("{BUSINESS_HOUR}?_id=nope"),
            None,
        )
        .await;
    assert_eq!(
        (status, none),
        (
            StatusCode::OK,
            json!({ "businessHour": null, "success": true })
        )
    );
}

#[tokio::test]
async fn only_holders_of_view_livechat_business_hours_read_or_save() {
    let team = Team::open().await;
    for (method, path) in [
        (Method::GET, format!("{BUSINESS_HOUR}?type=default")),
        (Method::GET, "business-hours".to_string()),
        (Method::POST, SAVE.to_string()),
    ] {
        let body = (method == Method::POST).then(|| json!({ "workHours": [] }));
        let (status, answer) = team
            .call(&team.agent, method.clone(), &path, body.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
        assert_eq!(answer["errorType"], json!("error-unauthorized"));
        let nobody = (String::new(), String::new());
        let (status, _) = team.call(&nobody, method, &path, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn a_save_is_stored_in_its_time_zone() {
    let team = Team::open().await;
    let mut hours = every_day("09:00", "17:30");
    hours[6]["open"] = json!(false);
    team.save_ok("Asia/Tokyo", hours).await;
    let hour = team.default_hour().await;
    assert_eq!(
        hour["timezone"],
        json!({ "name": "Asia/Tokyo", "utc": "+09:00" })
    );
    let monday = &hour["workHours"][0];
    assert_eq!(monday["start"]["time"], json!("09:00"));
    assert_eq!(monday["finish"]["time"], json!("17:30"));
    // Monday 09:00 in Tokyo is Monday 00:00 UTC; 17:30 is 08:30 UTC.
    assert_eq!(
        monday["start"]["utc"],
        json!({ "dayOfWeek": "Monday", "time": "00:00" })
    );
    assert_eq!(
        monday["finish"]["utc"],
        json!({ "dayOfWeek": "Monday", "time": "08:30" })
    );
    assert_eq!(hour["workHours"][6]["open"], json!(false));
    assert_eq!(hour["type"], json!("default"));
}

#[tokio::test]
async fn saves_are_refused_with_rocket_chats_errors() {
    let team = Team::open().await;
    let refused = |start: &str, finish: &str| {
        vec![json!({ "day": "Monday", "start": start, "finish": finish, "open": true })]
    };
    for (hours, error) in [
        (
            refused("10:00", "09:00"),
            "error-business-hour-finish-time-before-start-time",
        ),
        (
            refused("10:00", "10:00"),
            "error-business-hour-finish-time-equals-start-time",
        ),
    ] {
        let (status, body) = team.save("UTC", hours).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({ "success": false, "error": error, "errorType": "error-saving-business-hour" })
        );
    }
    // A closed day's times are not checked.
    let closed =
        vec![json!({ "day": "Monday", "start": "10:00", "finish": "09:00", "open": false })];
    assert_eq!(team.save("UTC", closed).await.0, StatusCode::OK);

    let (status, body) = team.save("Mars/Olympus", every_day("08:00", "09:00")).await;
    assert_eq!(
        (status, body["errorType"].clone()),
        (StatusCode::BAD_REQUEST, json!("error-saving-business-hour"))
    );
    for bad in [
        json!([{ "day": "Funday", "start": "08:00", "finish": "09:00", "open": true }]),
        json!([{ "day": "Monday", "start": "25:00", "finish": "26:00", "open": true }]),
        json!([{ "day": "Monday", "finish": "09:00", "open": true }]),
        json!("every day"),
    ] {
        let body = json!({ "type": "default", "timezoneName": "UTC", "workHours": bad });
        let (status, answer) = team
            .call(&team.manager, Method::POST, SAVE, Some(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
        assert_eq!(
            answer["errorType"],
            json!("invalid-params"),
            "{bad}: {answer}"
        );
    }
    // Community edition has the default business hour only.
    let custom =
        json!({ "type": "custom", "name": "nights", "timezoneName": "UTC", "workHours": [] });
    let (status, answer) = team
        .call(&team.manager, Method::POST, SAVE, Some(custom))
        .await;
    assert_eq!(
        (status, answer["errorType"].clone()),
        (StatusCode::BAD_REQUEST, json!("error-saving-business-hour"))
    );
    // Nothing of that reached the stored one.
    assert_eq!(
        team.default_hour().await["workHours"][0]["start"]["time"],
        json!("10:00")
    );
}

#[tokio::test]
async fn the_ddp_method_saves_and_refuses_as_rocket_chat() {
    let team = Team::open().await;
    let id = team.default_hour().await["_id"].clone();
    let hour = |start: &str, finish: &str| {
        json!([{ "_id": id, "type": "default", "name": "", "active": true, "timezoneName": "Europe/Berlin",
                 "workHours": [{ "day": "Friday", "start": start, "finish": finish, "open": true }] }])
    };
    let frame = team
        .method(
            &team.manager,
            "livechat:saveBusinessHour",
            hour("07:00", "15:00"),
        )
        .await;
    assert!(frame.get("error").is_none(), "{frame}");
    let stored = team.default_hour().await;
    assert_eq!(stored["timezone"]["name"], json!("Europe/Berlin"));
    assert_eq!(stored["workHours"][0]["start"]["time"], json!("07:00"));

    let frame = team
        .method(
            &team.manager,
            "livechat:saveBusinessHour",
            hour("15:00", "07:00"),
        )
        .await;
    assert_eq!(
        frame["error"]["error"],
        json!("error-business-hour-finish-time-before-start-time"),
        "{frame}"
    );
    let frame = team
        .method(
            &team.agent,
            "livechat:saveBusinessHour",
            hour("07:00", "15:00"),
        )
        .await;
    assert_eq!(
        frame["error"]["error"],
        json!("error-not-allowed"),
        "{frame}"
    );
}
