//! DDP frames carry dates as EJSON (`{"$date": <ms>}`), where REST bodies carry ISO-8601 text.
//! The stored documents serialize for REST; this turns such a document into its DDP form.

use serde_json::{json, Value};

use crate::time::Timestamp;

/// Document fields that hold dates in Rocket.Chat's collections.
const DATE_FIELDS: &[&str] = &[
    "ts",
    "_updatedAt",
    "editedAt",
    "lm",
    "jitsiTimeout",
    "closedAt",
    "queuedAt",
    "takenAt",
    "createdAt",
    "lastMessageTs",
    "firstResponseTs",
    "lastActivityAt",
    "tokenExpires",
    "fd",
    "lq",
    "lr",
];

/// `value` with every date field (at any depth) as `{"$date": ms}`.
pub fn to_ejson(mut value: Value) -> Value {
    dates_to_ejson(&mut value);
    value
}

/// Rewrites the date fields in place: a message's or a room's frame is built on every
/// message, and rebuilding each object would allocate and sort its keys again.
fn dates_to_ejson(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields.iter_mut() {
                match value {
                    Value::String(text) if DATE_FIELDS.contains(&key.as_str()) => {
                        if let Some(t) = Timestamp::parse_iso(text) {
                            *value = date(t);
                        }
                    }
                    other => dates_to_ejson(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(dates_to_ejson),
        _ => {}
    }
}

pub fn date(t: Timestamp) -> Value {
    json!({ "$date": t.millis() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_fields_become_ejson_and_text_stays_text() {
        let doc = json!({
            "_id": "m1",
            "msg": "2018-09-14T13:36:33.201Z",
            "ts": "2018-09-14T13:36:33.201Z",
            "u": { "_id": "a", "username": "b" },
            "lastMessage": { "ts": "2018-09-14T13:36:33.201Z" },
            "attachments": [{ "ts": "not a date" }],
        });
        let ejson = to_ejson(doc);
        assert_eq!(ejson["ts"], json!({ "$date": 1_536_932_193_201_i64 }));
        assert_eq!(
            ejson["lastMessage"]["ts"],
            json!({ "$date": 1_536_932_193_201_i64 })
        );
        assert_eq!(ejson["msg"], json!("2018-09-14T13:36:33.201Z"));
        assert_eq!(ejson["attachments"][0]["ts"], json!("not a date"));
    }
}
