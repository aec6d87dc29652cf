//! Business hours: Rocket.Chat's default business hour (`livechat/business-hour`,
//! `livechat/business-hours`, `livechat/business-hours.save`, DDP `livechat:saveBusinessHour`)
//! and what `Livechat_enable_business_hours` does with it: agents cannot become available
//! while it is closed, available ones are paused at closing and resumed at opening, and the
//! widget's `config.online` is false.
//!
//! The real clock decides, so the windows are built around the current time: in a fixed
//! `Etc/GMT±N` zone chosen so that it is about noon there, 08:00–16:00 is open and
//! 00:00–06:00 closed, whatever the time the suite runs. (Daylight saving is covered by the
//! unit tests of `is_open`.)

mod behaviour;
mod routes;

use chrono::{Timelike, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Credentials, Desk};

const BUSINESS_HOUR: &str = "business-hour";
const SAVE: &str = "business-hours.save";
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A fixed-offset zone where it is now between 12:00 and 13:00 (POSIX signs: `Etc/GMT-5` is
/// UTC+5).
fn noon_zone() -> String {
    let offset = 12 - Utc::now().hour() as i32; // -11..=12
    match offset {
        0 => "Etc/GMT".to_string(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    }
}

/// Every day open from `start` to `finish` in the noon zone.
fn every_day(start: &str, finish: &str) -> Vec<Value> {
    DAYS.iter()
        .map(|day| json!({ "day": day, "start": start, "finish": finish, "open": true }))
        .collect()
}

/// A desk with a manager and an available agent.
struct Team {
    desk: Desk,
    manager: Credentials,
    agent_id: String,
    agent: Credentials,
}

impl Team {
    async fn open() -> Team {
        let desk = Desk::open().await;
        let manager = desk.account("mona", &["user", "livechat-manager"]).await;
        let (agent_id, agent) = desk.agent("ann").await;
        Team {
            desk,
            manager,
            agent_id,
            agent,
        }
    }

    async fn call(
        &self,
        who: &Credentials,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.desk.call(who, method, path, body).await
    }

    /// The default business hour, as the manager reads it.
    async fn default_hour(&self) -> Value {
        let (status, body) = self
            .call(
                &self.manager,
                Method::GET,
                &format!("{BUSINESS_HOUR}?type=default"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["businessHour"].clone()
    }

    /// Saves the default business hour with `work_hours` in `zone`; the answer.
    async fn save(&self, zone: &str, work_hours: Vec<Value>) -> (StatusCode, Value) {
        let id = self.default_hour().await["_id"].clone();
        let body = json!({
            "_id": id, "name": "", "active": true, "type": "default",
            "timezoneName": zone, "workHours": work_hours,
        });
        self.call(&self.manager, Method::POST, SAVE, Some(body))
            .await
    }

    async fn save_ok(&self, zone: &str, work_hours: Vec<Value>) {
        let (status, body) = self.save(zone, work_hours).await;
        assert_eq!(
            (status, &body),
            (StatusCode::OK, &json!({ "success": true }))
        );
    }

    /// Business hours on, and the default one closed now (or open).
    async fn closed(&self) {
        self.desk
            .set("Livechat_enable_business_hours", json!(true))
            .await;
        self.save_ok(&noon_zone(), every_day("00:00", "06:00"))
            .await;
    }

    async fn opened(&self) {
        self.save_ok(&noon_zone(), every_day("08:00", "16:00"))
            .await;
    }

    /// `statusLivechat` of agent `id`, as the administrator sees it.
    async fn status_of(&self, id: &str) -> Value {
        let (status, body) = self
            .call(
                &self.desk.admin,
                Method::GET,
                &format!("users/agent/{id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["user"]["statusLivechat"].clone()
    }

    async fn set_status(&self, who: &Credentials, status: &str) -> (StatusCode, Value) {
        self.call(
            who,
            Method::POST,
            "agent.status",
            Some(json!({ "status": status })),
        )
        .await
    }

    /// `online` of the widget's `livechat/config`.
    async fn widget_online(&self) -> Value {
        let body = self.desk.app.get_success("config").await;
        body["config"]["online"].clone()
    }

    /// Runs DDP method `name` through `method.call` as `who`; the result frame.
    async fn method(&self, who: &Credentials, name: &str, params: Value) -> Value {
        let frame = json!({ "msg": "method", "id": "1", "method": name, "params": params });
        let (status, body) = self
            .call(
                who,
                Method::POST,
                &format!("/api/v1/method.call/{}", name.replace(':', "%3A")),
                Some(json!({ "message": frame.to_string() })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(body["message"].as_str().unwrap()).unwrap()
    }
}
