//! Millisecond timestamps: ISO-8601 (`2018-09-14T13:31:33.201Z`) on the wire, integers in the database.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds since the Unix epoch, as Rocket.Chat's `Date` values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(Utc::now().timestamp_millis())
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn plus_millis(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }

    /// Seconds (fractional) elapsed from `earlier` to `self`, as Rocket.Chat's metrics store them.
    pub fn seconds_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 / 1000.0
    }

    pub fn to_iso(self) -> String {
        DateTime::<Utc>::from_timestamp_millis(self.0)
            .unwrap_or_default()
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Parses an ISO-8601 / RFC 3339 date as JavaScript's `new Date(string)` would for the
    /// forms clients send (`2018-09-14T13:31:33.201Z`, with or without fraction or offset).
    pub fn parse_iso(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|t| Timestamp(t.timestamp_millis()))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// Accepts the ISO string we write, an EJSON `{"$date": ms}` and a bare number of ms.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Iso(String),
            Millis(i64),
            Ejson {
                #[serde(rename = "$date")]
                date: i64,
            },
        }
        match Repr::deserialize(deserializer)? {
            Repr::Iso(text) => Timestamp::parse_iso(&text)
                .ok_or_else(|| de::Error::custom(format!("invalid date {text:?}"))),
            Repr::Millis(ms) | Repr::Ejson { date: ms } => Ok(Timestamp(ms)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip_keeps_milliseconds() {
        let t = Timestamp(1_536_932_193_201);
        assert_eq!(t.to_iso(), "2018-09-14T13:36:33.201Z");
        assert_eq!(Timestamp::parse_iso(&t.to_iso()), Some(t));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(Timestamp::parse_iso("yesterday"), None);
    }
}
