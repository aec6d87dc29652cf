//! DDP frames carry dates as EJSON (`{"$date": <ms>}`), where REST bodies carry ISO-8601 text.
//! The stored documents serialize for REST; this turns such a document into its DDP form.

use serde_json::{json, Map, Value};

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
pub fn to_ejson(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::String(text) if DATE_FIELDS.contains(&key.as_str()) => {
                            match Timestamp::parse_iso(&text) {
                                Some(t) => date(t),
                                None => Value::String(text),
                            }
                        }
                        other => to_ejson(other),
                    };
                    (key, value)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(to_ejson).collect()),
        other => other,
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
