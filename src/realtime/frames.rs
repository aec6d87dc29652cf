//! The DDP codec: text frames in, typed frames out, and back. It knows the wire format and
//! nothing of what a frame means to a session (that is `session.rs`), so it depends on nothing
//! else in `realtime/`.
//!
//! Parsing is deliberately as lenient as Meteor's server where clients rely on it (a `connect`
//! with odd fields is still a `connect`, a `sub` with non-array params subscribes without
//! params) and strict where a frame cannot be answered without its fields (a `method` without a
//! string `id` and `method`).

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A finished frame as a connection's writer receives it, shared between subscribers.
pub type Frame = Arc<str>;

/// Longest part of an offending frame echoed back in an `error` frame.
pub const ECHO_LIMIT: usize = 500;

/// The DDP versions this server speaks.
const VERSIONS: [&str; 3] = ["1", "pre2", "pre1"];

/// A frame a client sends.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "msg", rename_all = "lowercase")]
pub enum ClientFrame {
    Connect {
        #[serde(default, deserialize_with = "text_or_none")]
        version: Option<String>,
        #[serde(default, deserialize_with = "texts_or_empty")]
        support: Vec<String>,
        /// A session to resume; this server never resumes one (it always answers a new one).
        #[serde(default, deserialize_with = "text_or_none")]
        session: Option<String>,
    },
    Ping {
        /// Echoed back as sent, whatever its type (`null` included); absent stays absent.
        #[serde(default, deserialize_with = "present")]
        id: Option<Value>,
    },
    Pong {
        #[serde(default, deserialize_with = "present")]
        id: Option<Value>,
    },
    Method(MethodCall),
    Sub {
        id: String,
        name: String,
        /// Anything but an array reads as no params.
        #[serde(default, deserialize_with = "array_or_empty")]
        params: Vec<Value>,
    },
    Unsub {
        id: String,
    },
}

/// A DDP `method` frame: `{msg: "method", id, method, params?}`. EJSON is JSON here: dates
/// stay `{"$date"}` objects that the methods read themselves.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MethodCall {
    pub id: String,
    pub method: String,
    /// Absent or `null` reads as none; any other non-array makes the frame malformed.
    #[serde(default, deserialize_with = "array_or_null")]
    pub params: Vec<Value>,
}

/// The kinds of client frame whose fields can be malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Method,
    Sub,
    Unsub,
}

/// Why a text is not a client frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Not JSON, or JSON but not an object.
    NotAnObject,
    /// No `msg`, a `msg` that is not text, or one DDP does not know.
    UnknownKind,
    /// A known kind without the fields it needs.
    Malformed(Kind),
}

impl FrameError {
    /// The `error` frame's reason for this bad frame, or `None` when it is ignored (an `unsub`
    /// without a text id). Before `connect`, everything but a bad text reads as "Must connect
    /// first", as in Meteor's server.
    pub fn reason(&self, connected: bool) -> Option<&'static str> {
        match self {
            FrameError::NotAnObject => Some("Bad request"),
            _ if !connected => Some("Must connect first"),
            FrameError::UnknownKind => Some("Bad request"),
            FrameError::Malformed(Kind::Method) => Some("Malformed method invocation"),
            FrameError::Malformed(Kind::Sub) => Some("Malformed subscription"),
            FrameError::Malformed(Kind::Unsub) => None,
        }
    }
}

impl ClientFrame {
    /// Parses one text frame. The text is read as a JSON object first (so a repeated key keeps
    /// its last value, as it always has), then typed by its `msg`.
    pub fn decode(text: &str) -> Result<ClientFrame, FrameError> {
        let fields: Map<String, Value> = match serde_json::from_str(text) {
            Ok(Value::Object(fields)) => fields,
            _ => return Err(FrameError::NotAnObject),
        };
        let kind = match fields.get("msg").and_then(Value::as_str) {
            Some("method") => Some(Kind::Method),
            Some("sub") => Some(Kind::Sub),
            Some("unsub") => Some(Kind::Unsub),
            _ => None,
        };
        ClientFrame::deserialize(Value::Object(fields)).map_err(|_| match kind {
            Some(kind) => FrameError::Malformed(kind),
            None => FrameError::UnknownKind,
        })
    }

    /// Whether a `connect` proposes a version this server speaks.
    pub fn speaks_our_version(version: Option<&str>, support: &[String]) -> bool {
        let speaks = |v: &str| VERSIONS.contains(&v);
        version.is_some_and(speaks) || support.iter().any(|v| speaks(v))
    }
}

/// A frame the server sends. `changed` frames of stream events are spliced from text already
/// serialized once per event (`changed_frame`); everything else is built here.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "msg", rename_all = "lowercase")]
pub enum ServerFrame {
    Connected {
        session: String,
    },
    /// The version the client should try instead; the connection then closes.
    Failed {
        version: &'static str,
    },
    Ping,
    Pong {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<Value>,
    },
    /// A method's outcome: `result` absent when it returned nothing, `error` when it failed.
    Result {
        id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<Value>,
    },
    Updated {
        methods: Vec<String>,
    },
    Ready {
        subs: Vec<String>,
    },
    Nosub {
        id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<Value>,
    },
    Added {
        collection: String,
        id: String,
        fields: Value,
    },
    Error {
        reason: &'static str,
        #[serde(rename = "offendingMessage")]
        offending_message: String,
    },
}

impl ServerFrame {
    /// The answer to a bad frame, echoing at most `ECHO_LIMIT` characters of it.
    pub fn bad_request(reason: &'static str, offending: &str) -> ServerFrame {
        ServerFrame::Error {
            reason,
            offending_message: offending.chars().take(ECHO_LIMIT).collect(),
        }
    }

    pub fn encode(&self) -> Frame {
        // Serializing these types cannot fail: every map key is text.
        Arc::from(serde_json::to_string(self).unwrap_or_default())
    }
}

/// The first thing a client hears, before it connects (Meteor's `server_id` greeting).
pub fn greeting() -> Frame {
    Arc::from(r#"{"server_id":"0"}"#)
}

/// `{"msg":"changed","collection":…,"id":"id","fields":{"eventName":…,"args":…},"seq":…}`,
/// with the already-serialized `args` spliced in. Clients read `collection` and `fields`; the
/// extra top-level `seq` is the catch-up point of stored events.
pub fn changed_frame(collection: &str, event_name: &str, seq: Option<i64>, args: &str) -> String {
    let collection = Value::String(collection.to_string());
    let event_name = Value::String(event_name.to_string());
    let seq = seq.map(|s| format!(r#","seq":{s}"#)).unwrap_or_default();
    format!(
        r#"{{"msg":"changed","collection":{collection},"id":"id","fields":{{"eventName":{event_name},"args":{args}}}{seq}}}"#
    )
}

/// A field that is present, whatever its value (`null` included): `Some`.
fn present<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(de).map(Some)
}

fn text_or_none<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::String(text) => Some(text),
        _ => None,
    })
}

fn texts_or_empty<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(text) => Some(text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

fn array_or_empty<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Array(items) => items,
        _ => Vec::new(),
    })
}

fn array_or_null<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Value>, D::Error> {
    match Value::deserialize(de)? {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        _ => Err(serde::de::Error::custom("params must be an array")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn decode(frame: Value) -> Result<ClientFrame, FrameError> {
        ClientFrame::decode(&frame.to_string())
    }

    #[test]
    fn every_client_frame_kind_decodes() {
        assert_eq!(
            decode(json!({"msg": "connect", "version": "1", "support": ["1", "pre2"]})),
            Ok(ClientFrame::Connect {
                version: Some("1".into()),
                support: vec!["1".into(), "pre2".into()],
                session: None,
            })
        );
        assert_eq!(
            decode(json!({"msg": "ping", "id": "p1"})),
            Ok(ClientFrame::Ping {
                id: Some(json!("p1"))
            })
        );
        assert_eq!(
            decode(json!({"msg": "pong"})),
            Ok(ClientFrame::Pong { id: None })
        );
        assert_eq!(
            decode(json!({"msg": "method", "id": "1", "method": "login", "params": [{"a": 1}]})),
            Ok(ClientFrame::Method(MethodCall {
                id: "1".into(),
                method: "login".into(),
                params: vec![json!({"a": 1})],
            }))
        );
        assert_eq!(
            decode(json!({"msg": "sub", "id": "s", "name": "stream-x", "params": ["e", false]})),
            Ok(ClientFrame::Sub {
                id: "s".into(),
                name: "stream-x".into(),
                params: vec![json!("e"), json!(false)],
            })
        );
        assert_eq!(
            decode(json!({"msg": "unsub", "id": "s"})),
            Ok(ClientFrame::Unsub { id: "s".into() })
        );
    }

    #[test]
    fn lenient_fields_read_as_before() {
        // A ping's id is echoed whatever it is; `null` is present, not absent.
        assert_eq!(
            decode(json!({"msg": "ping", "id": null})),
            Ok(ClientFrame::Ping {
                id: Some(Value::Null)
            })
        );
        assert_eq!(
            decode(json!({"msg": "ping", "id": 7})),
            Ok(ClientFrame::Ping { id: Some(json!(7)) })
        );
        // Odd connect fields are a connect that proposes nothing we speak.
        let Ok(ClientFrame::Connect {
            version, support, ..
        }) = decode(json!({"msg": "connect", "version": 1, "support": "1"}))
        else {
            panic!("a connect");
        };
        assert!(!ClientFrame::speaks_our_version(
            version.as_deref(),
            &support
        ));
        let Ok(ClientFrame::Connect {
            version, support, ..
        }) = decode(json!({"msg": "connect", "version": "2", "support": [2, "pre1"]}))
        else {
            panic!("a connect");
        };
        assert!(ClientFrame::speaks_our_version(
            version.as_deref(),
            &support
        ));
        // Method params: absent or null are none.
        let frame = json!({"msg": "method", "id": "1", "method": "m", "params": null});
        assert!(matches!(decode(frame), Ok(ClientFrame::Method(call)) if call.params.is_empty()));
        assert!(matches!(
            decode(json!({"msg": "method", "id": "1", "method": "m"})),
            Ok(ClientFrame::Method(call)) if call.params.is_empty()
        ));
        // Sub params that are not an array are none.
        assert!(matches!(
            decode(json!({"msg": "sub", "id": "s", "name": "n", "params": {"a": 1}})),
            Ok(ClientFrame::Sub { params, .. }) if params.is_empty()
        ));
        // A repeated key keeps its last value.
        assert_eq!(
            ClientFrame::decode(r#"{"msg":"teleport","msg":"ping"}"#),
            Ok(ClientFrame::Ping { id: None })
        );
    }

    #[test]
    fn malformed_inputs_are_told_apart() {
        for text in ["not json", "[1,2]", "\"ping\"", "42", "", "{"] {
            assert_eq!(
                ClientFrame::decode(text),
                Err(FrameError::NotAnObject),
                "{text}"
            );
        }
        for frame in [
            json!({}),
            json!({"id": "1"}),
            json!({"msg": "teleport"}),
            json!({"msg": 3}),
            json!({"msg": null}),
            json!({"msg": "METHOD", "id": "1", "method": "m"}),
        ] {
            assert_eq!(
                decode(frame.clone()),
                Err(FrameError::UnknownKind),
                "{frame}"
            );
        }
        for frame in [
            json!({"msg": "method", "method": "login"}),
            json!({"msg": "method", "id": 1, "method": "login"}),
            json!({"msg": "method", "id": "1", "method": ["login"]}),
            json!({"msg": "method", "id": "1", "method": "m", "params": {"a": 1}}),
            json!({"msg": "method", "id": "1", "method": "m", "params": "x"}),
        ] {
            assert_eq!(
                decode(frame.clone()),
                Err(FrameError::Malformed(Kind::Method)),
                "{frame}"
            );
        }
        for frame in [
            json!({"msg": "sub", "name": "n"}),
            json!({"msg": "sub", "id": "s"}),
            json!({"msg": "sub", "id": {"s": 1}, "name": "n"}),
        ] {
            assert_eq!(
                decode(frame.clone()),
                Err(FrameError::Malformed(Kind::Sub)),
                "{frame}"
            );
        }
        assert_eq!(
            decode(json!({"msg": "unsub", "id": 5})),
            Err(FrameError::Malformed(Kind::Unsub))
        );
    }

    #[test]
    fn bad_frames_get_the_reasons_they_always_got() {
        let bad = |text: &str, connected: bool| {
            ClientFrame::decode(text)
                .err()
                .and_then(|err| err.reason(connected))
        };
        assert_eq!(bad("not json", false), Some("Bad request"));
        assert_eq!(bad("not json", true), Some("Bad request"));
        assert_eq!(
            bad(r#"{"msg":"teleport"}"#, false),
            Some("Must connect first")
        );
        assert_eq!(bad(r#"{"msg":"teleport"}"#, true), Some("Bad request"));
        assert_eq!(bad(r#"{"nomsg":1}"#, true), Some("Bad request"));
        let method = r#"{"msg":"method","method":"login"}"#;
        assert_eq!(bad(method, false), Some("Must connect first"));
        assert_eq!(bad(method, true), Some("Malformed method invocation"));
        assert_eq!(
            bad(r#"{"msg":"sub","id":"s"}"#, true),
            Some("Malformed subscription")
        );
        assert_eq!(bad(r#"{"msg":"unsub"}"#, true), None);
        assert_eq!(bad(r#"{"msg":"unsub"}"#, false), Some("Must connect first"));
    }

    #[test]
    fn huge_ids_pass_through_whole_and_echoes_are_cut() {
        let id = "i".repeat(100_000);
        let frame = json!({"msg": "method", "id": id, "method": "m"});
        let Ok(ClientFrame::Method(call)) = decode(frame) else {
            panic!("a method");
        };
        assert_eq!(call.id.len(), 100_000);
        // A numeric id within f64's range is echoed; one beyond it is not JSON to the parser
        // (as it never was), so the frame is a bad request.
        let big = format!(r#"{{"msg":"ping","id":{}}}"#, "9".repeat(300));
        assert!(matches!(
            ClientFrame::decode(&big),
            Ok(ClientFrame::Ping { id: Some(_) })
        ));
        let too_big = format!(r#"{{"msg":"ping","id":{}}}"#, "9".repeat(400));
        assert_eq!(ClientFrame::decode(&too_big), Err(FrameError::NotAnObject));
        let offending = "é".repeat(ECHO_LIMIT + 10);
        let ServerFrame::Error {
            offending_message, ..
        } = ServerFrame::bad_request("Bad request", &offending)
        else {
            panic!("an error frame");
        };
        assert_eq!(offending_message.chars().count(), ECHO_LIMIT);
    }

    #[test]
    fn server_frames_keep_their_fields_exactly() {
        let text = |frame: ServerFrame| -> Value { serde_json::from_str(&frame.encode()).unwrap() };
        assert_eq!(
            text(ServerFrame::Connected {
                session: "S".into()
            }),
            json!({"msg": "connected", "session": "S"})
        );
        assert_eq!(
            text(ServerFrame::Failed { version: "1" }),
            json!({"msg": "failed", "version": "1"})
        );
        assert_eq!(text(ServerFrame::Ping), json!({"msg": "ping"}));
        assert_eq!(text(ServerFrame::Pong { id: None }), json!({"msg": "pong"}));
        assert_eq!(
            text(ServerFrame::Pong {
                id: Some(Value::Null)
            }),
            json!({"msg": "pong", "id": null})
        );
        assert_eq!(
            text(ServerFrame::Result {
                id: "1".into(),
                result: None,
                error: None
            }),
            json!({"msg": "result", "id": "1"})
        );
        assert_eq!(
            text(ServerFrame::Result {
                id: "1".into(),
                result: Some(json!({"a": 1})),
                error: None
            }),
            json!({"msg": "result", "id": "1", "result": {"a": 1}})
        );
        assert_eq!(
            text(ServerFrame::Updated {
                methods: vec!["1".into()]
            }),
            json!({"msg": "updated", "methods": ["1"]})
        );
        assert_eq!(
            text(ServerFrame::Ready {
                subs: vec!["s".into()]
            }),
            json!({"msg": "ready", "subs": ["s"]})
        );
        assert_eq!(
            text(ServerFrame::Nosub {
                id: "s".into(),
                error: None
            }),
            json!({"msg": "nosub", "id": "s"})
        );
        assert_eq!(
            text(ServerFrame::Added {
                collection: "users".into(),
                id: "U".into(),
                fields: json!({"username": "u"})
            }),
            json!({"msg": "added", "collection": "users", "id": "U", "fields": {"username": "u"}})
        );
        assert_eq!(
            text(ServerFrame::bad_request("Bad request", "x")),
            json!({"msg": "error", "reason": "Bad request", "offendingMessage": "x"})
        );
        let changed: Value =
            serde_json::from_str(&changed_frame("c\"", "e", Some(3), r#"[{"a":1}]"#)).unwrap();
        assert_eq!(
            changed,
            json!({"msg": "changed", "collection": "c\"", "id": "id",
                   "fields": {"eventName": "e", "args": [{"a": 1}]}, "seq": 3})
        );
        assert_eq!(&*greeting(), r#"{"server_id":"0"}"#);
    }
}
