//! Business hours, as Rocket.Chat keeps them (`rocketchat_livechat_business_hour`): the
//! document's shape, the default one seeded at first start, the checks of a save, and
//! whether a business hour is open at a given instant.
//!
//! A work hour's `time` is wall-clock time in the business hour's time zone; whether it is
//! open is decided in that zone (with `chrono-tz`), so a 08:00 opening stays at 08:00 local
//! across daylight-saving changes. The `utc` and `cron` fields Rocket.Chat also stores are
//! computed for the current week, for clients that read them; they decide nothing here.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::ids::random_id;
use crate::time::Timestamp;

pub const DEFAULT_TYPE: &str = "default";

/// Rocket.Chat's order (`code` is the position, from 1).
pub const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The error every save refusal carries as `errorType` (Rocket.Chat's REST route).
pub const SAVE_ERROR: &str = "error-saving-business-hour";

/// The server's own time zone: `TZ` when it names an IANA zone, otherwise UTC (Rocket.Chat
/// uses the server's zone for the default business hour and for `cron`).
pub fn server_time_zone() -> Tz {
    std::env::var("TZ")
        .ok()
        .and_then(|name| name.trim_start_matches(':').parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
}

/// Rocket.Chat's `createDefaultBusinessHourRow`: Monday to Friday 08:00–20:00, the weekend
/// closed, in the server's time zone.
pub fn default_business_hour(now: DateTime<Utc>) -> Value {
    let tz = server_time_zone();
    let work_hours: Vec<WorkHour> = DAYS
        .iter()
        .map(|day| WorkHour {
            day,
            start: minutes(8, 0),
            finish: minutes(20, 0),
            open: *day != "Saturday" && *day != "Sunday",
        })
        .collect();
    let offset_hours = offset_seconds(tz, now) / 3600;
    json!({
        "_id": random_id(),
        "name": "",
        "active": true,
        "type": DEFAULT_TYPE,
        "ts": Timestamp(now.timestamp_millis()),
        "workHours": work_hours_doc(&work_hours, tz, now),
        "timezone": { "name": tz.name(), "utc": offset_hours.to_string() },
    })
}

/// One day's hours, as a save sends them and as the check reads them.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkHour {
    pub day: &'static str,
    /// Minutes after local midnight.
    pub start: u32,
    pub finish: u32,
    pub open: bool,
}

fn minutes(hour: u32, minute: u32) -> u32 {
    hour * 60 + minute
}

/// `"08:00"` or `"08:00:00"` (what Rocket.Chat's admin form sends) as minutes after midnight.
pub fn parse_time(text: &str) -> Option<u32> {
    let time = NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()?;
    Some(minutes(
        chrono::Timelike::hour(&time),
        chrono::Timelike::minute(&time),
    ))
}

fn format_time(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn day_name(weekday: Weekday) -> &'static str {
    DAYS[weekday.num_days_from_monday() as usize]
}

fn parse_day(text: &str) -> Option<&'static str> {
    DAYS.iter().copied().find(|d| *d == text)
}

fn offset_seconds(tz: Tz, at: DateTime<Utc>) -> i64 {
    use chrono::Offset;
    i64::from(at.with_timezone(&tz).offset().fix().local_minus_utc())
}

/// `"+01:00"`: the zone's offset now, as Rocket.Chat's `getUTCFromTimezone` writes it.
fn offset_text(tz: Tz, at: DateTime<Utc>) -> String {
    let seconds = offset_seconds(tz, at);
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The instant of `day` at `time` (local to `tz`) in the week of `now`. A time that does not
/// exist that day (skipped by a daylight-saving change) is taken an hour later.
fn instant_this_week(tz: Tz, day: &str, time: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&tz).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let index = DAYS.iter().position(|d| *d == day).unwrap_or(0) as i64;
    let local = (monday + Duration::days(index))
        .and_hms_opt(time / 60, time % 60, 0)
        .unwrap_or_default();
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
}

fn moment_doc(tz: Tz, day: &str, time: u32, now: DateTime<Utc>) -> Value {
    let utc = instant_this_week(tz, day, time, now);
    let server = utc.with_timezone(&server_time_zone());
    json!({
        "time": format_time(time),
        "utc": { "dayOfWeek": day_name(utc.weekday()), "time": utc.format("%H:%M").to_string() },
        "cron": { "dayOfWeek": day_name(server.weekday()), "time": server.format("%H:%M").to_string() },
    })
}

fn work_hours_doc(work_hours: &[WorkHour], tz: Tz, now: DateTime<Utc>) -> Vec<Value> {
    work_hours
        .iter()
        .map(|hour| {
            let code = DAYS.iter().position(|d| *d == hour.day).unwrap_or(0) + 1;
            json!({
                "day": hour.day,
                "start": moment_doc(tz, hour.day, hour.start, now),
                "finish": moment_doc(tz, hour.day, hour.finish, now),
                "open": hour.open,
                "code": code,
            })
        })
        .collect()
}

/// What a save may change: `{name, active, workHours: [{day, start, finish, open}],
/// timezoneName}`, checked as Rocket.Chat checks it.
pub struct BusinessHourInput {
    pub name: String,
    pub active: bool,
    pub work_hours: Vec<WorkHour>,
    pub time_zone: Tz,
}

fn refused(text: impl Into<String>) -> ApiError {
    ApiError::Failure {
        text: text.into(),
        code: SAVE_ERROR,
    }
}

impl BusinessHourInput {
    /// Reads a save's body (REST) or parameter (DDP). `fallback_zone` is the stored zone,
    /// kept when the save names none.
    pub fn parse(body: &Value, fallback_zone: Tz) -> ApiResult<BusinessHourInput> {
        let body = body
            .as_object()
            .ok_or_else(|| ApiError::invalid("must be object"))?;
        let name = match body.get("name") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(name)) => name.trim().to_string(),
            Some(_) => return Err(ApiError::invalid("'name' must be a string")),
        };
        let active = match body.get("active") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(active)) => *active,
            Some(_) => return Err(ApiError::invalid("'active' must be a boolean")),
        };
        let time_zone = match body.get("timezoneName").or_else(|| body.get("timezone")) {
            None | Some(Value::Null) => fallback_zone,
            Some(Value::String(name)) if name.is_empty() => fallback_zone,
            Some(Value::String(name)) => name
                .parse::<Tz>()
                .map_err(|_| refused(format!("Invalid time zone: {name}")))?,
            // A stored document's `{name, utc}` sent back as it was read.
            Some(Value::Object(zone)) => match zone.get("name").and_then(Value::as_str) {
                Some(name) => name
                    .parse::<Tz>()
                    .map_err(|_| refused(format!("Invalid time zone: {name}")))?,
                None => fallback_zone,
            },
            Some(_) => return Err(ApiError::invalid("'timezoneName' must be a string")),
        };
        let hours = body
            .get("workHours")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::invalid("must have required property 'workHours'"))?;
        let mut work_hours: Vec<WorkHour> = Vec::with_capacity(hours.len());
        for hour in hours {
            let hour = parse_work_hour(hour)?;
            if work_hours.iter().any(|h| h.day == hour.day) {
                return Err(refused(format!("Duplicate day: {}", hour.day)));
            }
            work_hours.push(hour);
        }
        Ok(BusinessHourInput {
            name,
            active,
            work_hours,
            time_zone,
        })
    }

    /// The stored document: `existing`'s `_id`, `type` and `ts` with this save's hours.
    pub fn into_doc(self, existing: &Value, now: DateTime<Utc>) -> Value {
        let mut doc = existing.clone();
        doc["name"] = json!(self.name);
        doc["active"] = json!(self.active);
        doc["workHours"] = json!(work_hours_doc(&self.work_hours, self.time_zone, now));
        doc["timezone"] = json!({
            "name": self.time_zone.name(),
            "utc": offset_text(self.time_zone, now),
        });
        doc["_updatedAt"] = json!(Timestamp(now.timestamp_millis()));
        doc
    }
}

/// A time is either Rocket.Chat's stored `{time}` or the form's bare `"08:00"`.
fn time_of(value: Option<&Value>) -> Option<&str> {
    let value = value?;
    value
        .as_str()
        .or_else(|| value.get("time").and_then(Value::as_str))
}

fn parse_work_hour(hour: &Value) -> ApiResult<WorkHour> {
    let day_text = hour
        .get("day")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid("'workHours[].day' must be a day of the week"))?;
    let day = parse_day(day_text)
        .ok_or_else(|| ApiError::invalid(format!("Invalid day of the week: {day_text}")))?;
    let time = |key: &str| {
        let text = time_of(hour.get(key)).ok_or_else(|| {
            ApiError::invalid(format!("'workHours[].{key}' must be a time (HH:mm)"))
        })?;
        parse_time(text).ok_or_else(|| ApiError::invalid(format!("Invalid time: {text}")))
    };
    let start = time("start")?;
    let finish = time("finish")?;
    let open = match hour.get("open") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(open)) => *open,
        Some(_) => return Err(ApiError::invalid("'workHours[].open' must be a boolean")),
    };
    // Rocket.Chat's two checks, with its messages as the error text.
    if open && finish < start {
        return Err(refused("error-business-hour-finish-time-before-start-time"));
    }
    if open && finish == start {
        return Err(refused("error-business-hour-finish-time-equals-start-time"));
    }
    Ok(WorkHour {
        day,
        start,
        finish,
        open,
    })
}

/// The work hours of a stored document.
pub fn stored_work_hours(doc: &Value) -> Vec<WorkHour> {
    doc["workHours"]
        .as_array()
        .map(|hours| {
            hours
                .iter()
                .filter_map(|h| parse_work_hour(h).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The time zone of a stored document (UTC when it names none this server knows).
pub fn stored_time_zone(doc: &Value) -> Tz {
    doc["timezone"]["name"]
        .as_str()
        .and_then(|name| name.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
}

/// Whether the business hour `doc` is open at `at`: active, and `at`, read as wall-clock time
/// in its time zone, falls in an open day's `[start, finish)`.
pub fn is_open(doc: &Value, at: DateTime<Utc>) -> bool {
    if doc["active"] == json!(false) {
        return false;
    }
    let local = at.with_timezone(&stored_time_zone(doc));
    let day = day_name(local.weekday());
    let now = minutes(
        chrono::Timelike::hour(&local),
        chrono::Timelike::minute(&local),
    );
    stored_work_hours(doc)
        .iter()
        .any(|hour| hour.open && hour.day == day && hour.start <= now && now < hour.finish)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// 08:00–09:00 every day in `zone`.
    fn one_hour_daily(zone: &str) -> Value {
        let body = json!({
            "timezoneName": zone,
            "workHours": DAYS.iter().map(|d| json!({"day": d, "start": "08:00", "finish": "09:00", "open": true})).collect::<Vec<_>>(),
        });
        let input = BusinessHourInput::parse(&body, Tz::UTC).unwrap();
        input.into_doc(
            &json!({"_id": "x", "type": "default"}),
            utc("2026-01-01T00:00:00Z"),
        )
    }

    #[test]
    fn berlin_opening_follows_daylight_saving() {
        let hours = one_hour_daily("Europe/Berlin");
        // Summer (CEST, UTC+2): 08:00 local is 06:00 UTC.
        assert!(is_open(&hours, utc("2026-07-01T06:00:00Z")));
        assert!(!is_open(&hours, utc("2026-07-01T07:00:00Z")));
        // Winter (CET, UTC+1): 08:00 local is 07:00 UTC.
        assert!(!is_open(&hours, utc("2026-01-14T06:00:00Z")));
        assert!(is_open(&hours, utc("2026-01-14T07:00:00Z")));
    }

    #[test]
    fn the_days_of_the_changes_themselves() {
        let hours = one_hour_daily("Europe/Berlin");
        // Sunday 29 March 2026: clocks go forward at 01:00 UTC, so 08:00 is already CEST.
        assert!(is_open(&hours, utc("2026-03-29T06:00:00Z")));
        assert!(!is_open(&hours, utc("2026-03-29T07:00:00Z")));
        // The Saturday before is still CET.
        assert!(is_open(&hours, utc("2026-03-28T07:00:00Z")));
        // Sunday 25 October 2026: back to CET at 01:00 UTC.
        assert!(is_open(&hours, utc("2026-10-25T07:00:00Z")));
        assert!(!is_open(&hours, utc("2026-10-25T06:00:00Z")));
    }

    #[test]
    fn the_finish_minute_is_closed_and_the_start_minute_open() {
        let hours = one_hour_daily("UTC");
        assert!(!is_open(&hours, utc("2026-05-05T07:59:59Z")));
        assert!(is_open(&hours, utc("2026-05-05T08:00:00Z")));
        assert!(is_open(&hours, utc("2026-05-05T08:59:59Z")));
        assert!(!is_open(&hours, utc("2026-05-05T09:00:00Z")));
    }

    #[test]
    fn the_local_day_decides_not_the_utc_day() {
        // Tokyo is UTC+9: Monday 08:30 there is Sunday 23:30 UTC.
        let body = json!({
            "timezoneName": "Asia/Tokyo",
            "workHours": [{"day": "Monday", "start": "08:00", "finish": "09:00", "open": true}],
        });
        let doc = BusinessHourInput::parse(&body, Tz::UTC)
            .unwrap()
            .into_doc(&json!({}), utc("2026-01-01T00:00:00Z"));
        assert!(is_open(&doc, utc("2026-01-04T23:30:00Z"))); // a Sunday in UTC
        assert!(!is_open(&doc, utc("2026-01-05T23:30:00Z")));
        // Rocket.Chat's `utc` field: Monday 08:00 Tokyo is Sunday 23:00 UTC.
        assert_eq!(doc["workHours"][0]["start"]["utc"]["dayOfWeek"], "Sunday");
        assert_eq!(doc["workHours"][0]["start"]["utc"]["time"], "23:00");
        assert_eq!(doc["timezone"]["utc"], "+09:00");
    }

    #[test]
    fn inactive_or_closed_days_are_closed() {
        let mut hours = one_hour_daily("UTC");
        hours["active"] = json!(false);
        assert!(!is_open(&hours, utc("2026-05-05T08:30:00Z")));
        let default = default_business_hour(utc("2026-05-09T10:00:00Z"));
        // The default row: weekdays 08:00–20:00, the weekend closed.
        // A Saturday (or, far east, a Sunday; far west, Friday night) in any zone.
        assert!(!is_open(&default, utc("2026-05-09T10:00:00Z")));
        assert_eq!(default["workHours"][5]["open"], false);
        assert_eq!(default["workHours"][0]["start"]["time"], "08:00");
        assert_eq!(default["workHours"][0]["finish"]["time"], "20:00");
    }

    #[test]
    fn saves_are_checked_as_rocket_chat_checks_them() {
        let save = |start: &str, finish: &str| {
            BusinessHourInput::parse(
                &json!({"workHours": [{"day": "Monday", "start": start, "finish": finish, "open": true}]}),
                Tz::UTC,
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        };
        assert_eq!(
            save("10:00", "09:00").unwrap_err(),
            "error-business-hour-finish-time-before-start-time"
        );
        assert_eq!(
            save("10:00", "10:00").unwrap_err(),
            "error-business-hour-finish-time-equals-start-time"
        );
        assert!(save("08:00:00", "16:00:00").is_ok());
        assert!(save("25:00", "26:00").is_err());
    }
}
