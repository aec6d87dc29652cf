//! What each kind of subscriber receives of an event. Several streams are shared by a room's
//! visitor and staff (`stream-room-messages/<rid>` carries message documents with the visitor's
//! token to both), and the outbox records each event once. So the hub renders at most one frame
//! per view and event, lazily: the event as stored for the visitor, and for staff the same with
//! every visitor token stripped, filtered by department on department-scoped streams (the
//! live-visitors `sessions`). Catch-up replay renders through the same rules.

use std::sync::Arc;

use serde_json::Value;

use super::frames::{changed_frame, Frame};
use super::topic::Topic;
use crate::livechat::DepartmentScope;
use crate::model::{may_carry_visitor_token, strip_visitor_tokens};
use crate::store::streams::{CANNED_RESPONSES, VISITOR_SESSIONS};

/// Who a subscription was granted to.
#[derive(Clone, Debug)]
pub enum View {
    /// The room's visitor (by its token): the event exactly as recorded.
    Visitor,
    /// A logged-in user: no visitor tokens, and on department-scoped streams only what its
    /// departments admit.
    Staff(DepartmentScope),
    /// A logged-in user on a stream of documents some of which are private to their owner
    /// (`stream-canned-responses`): what its departments admit, and of the private ones only
    /// its own.
    Owner {
        scope: DepartmentScope,
        user_id: String,
    },
}

impl View {
    /// Staff who may see every department.
    pub fn staff() -> View {
        View::Staff(DepartmentScope::All)
    }
}

/// The frames of one event, rendered on first use.
pub struct Rendering<'a> {
    topic: &'a Topic,
    seq: Option<i64>,
    args: &'a str,
    as_recorded: Option<Frame>,
    /// `None` until rendered; then the staff frame (`None` if the args were unreadable) and
    /// whom the event belongs to.
    for_staff: Option<(Option<Frame>, Belongs)>,
}

impl<'a> Rendering<'a> {
    pub fn new(topic: &'a Topic, seq: Option<i64>, args: &'a str) -> Rendering<'a> {
        Rendering {
            topic,
            seq,
            args,
            as_recorded: None,
            for_staff: None,
        }
    }

    /// The frame `view` receives, or `None` when it must not hear this event.
    pub fn frame_for(&mut self, view: &View) -> Option<Frame> {
        match view {
            View::Visitor => Some(self.as_recorded()),
            View::Staff(scope) => {
                let (frame, belongs) = self.for_staff();
                // Private documents go to their owner's `Owner` view only.
                (belongs.owner.is_none() && scope.admits(belongs.department.as_deref()))
                    .then(|| frame.clone())
                    .flatten()
            }
            View::Owner { scope, user_id } => {
                let (frame, belongs) = self.for_staff();
                let admitted = match &belongs.owner {
                    Some(owner) => owner == user_id,
                    None => scope.admits(belongs.department.as_deref()),
                };
                admitted.then(|| frame.clone()).flatten()
            }
        }
    }

    fn as_recorded(&mut self) -> Frame {
        let (topic, seq, args) = (self.topic, self.seq, self.args);
        self.as_recorded
            .get_or_insert_with(|| {
                changed_frame(&topic.collection, &topic.event_name, seq, args).into()
            })
            .clone()
    }

    fn for_staff(&mut self) -> &(Option<Frame>, Belongs) {
        if self.for_staff.is_none() {
            let rendered = self.render_for_staff();
            self.for_staff = Some(rendered);
        }
        self.for_staff.get_or_insert((None, Belongs::default()))
    }

    /// The staff frame and whom the event belongs to. Args that cannot hold a token, on a
    /// stream that is not department-scoped, share the recorded frame; others are parsed
    /// once, stripped and serialized again.
    fn render_for_staff(&mut self) -> (Option<Frame>, Belongs) {
        let collection = self.topic.collection.as_str();
        let scoped = collection == VISITOR_SESSIONS || collection == CANNED_RESPONSES;
        if !scoped && !may_carry_visitor_token(self.args) {
            return (Some(self.as_recorded()), Belongs::default());
        }
        let Ok(mut args) = serde_json::from_str::<Value>(self.args) else {
            // Never recorded that way; staff get nothing rather than a token.
            return (None, Belongs::default());
        };
        let belongs = match collection {
            VISITOR_SESSIONS => Belongs {
                department: session_department(&args),
                owner: None,
            },
            CANNED_RESPONSES => canned_response_belongs(&args),
            _ => Belongs::default(),
        };
        strip_visitor_tokens(&mut args);
        let frame = changed_frame(
            &self.topic.collection,
            &self.topic.event_name,
            self.seq,
            &args.to_string(),
        );
        (Some(Arc::from(frame)), belongs)
    }
}

/// Whom an event belongs to on a scoped stream: a department (`None`: every department)
/// and, for a private document, its owner.
#[derive(Default)]
struct Belongs {
    department: Option<String>,
    owner: Option<String>,
}

/// A canned response's `changed` event belongs to its department (`department` scope) or its
/// owner (`user` scope); a global one, and a `removed` event (only an `_id`), to everyone.
fn canned_response_belongs(args: &Value) -> Belongs {
    let doc = &args[0];
    let text = |key: &str| doc.get(key).and_then(Value::as_str).map(str::to_string);
    match doc.get("scope").and_then(Value::as_str) {
        Some("department") => Belongs {
            department: text("departmentId"),
            owner: None,
        },
        // A private response without an owner is nobody's to hear.
        Some("user") => Belongs {
            department: None,
            owner: Some(text("userId").unwrap_or_default()),
        },
        _ => Belongs::default(),
    }
}

/// The department of the visitor a `sessions` event is about (`args[0].session.department`,
/// recorded by `store::sessions`); `None` for a visitor of no department and for removals.
fn session_department(args: &Value) -> Option<String> {
    args.get(0)?
        .get("session")?
        .get("department")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(departments: &[&str]) -> View {
        let own: Vec<String> = departments.iter().map(|d| d.to_string()).collect();
        View::Staff(DepartmentScope::Only(own.into()))
    }

    #[test]
    fn staff_frames_lose_the_token_and_visitors_keep_it() {
        let topic = Topic::new("stream-room-messages", "R1");
        let args = r#"[{"_id":"M","msg":"hi","token":"SECRET"}]"#;
        let mut rendering = Rendering::new(&topic, Some(3), args);
        let visitor = rendering.frame_for(&View::Visitor).unwrap();
        let staff = rendering.frame_for(&View::staff()).unwrap();
        assert!(visitor.contains("SECRET"));
        assert!(
            !staff.contains("SECRET") && staff.contains(r#""msg":"hi""#),
            "{staff}"
        );
        assert!(staff.ends_with(r#","seq":3}"#));
    }

    #[test]
    fn sessions_reach_only_agents_of_the_visitors_department() {
        let topic = Topic::new(VISITOR_SESSIONS, "sessions");
        let args = r#"[{"type":"changed","session":{"token":"T","department":"sales"}}]"#;
        let mut rendering = Rendering::new(&topic, Some(1), args);
        assert!(rendering.frame_for(&only(&["support"])).is_none());
        assert!(rendering.frame_for(&only(&["sales"])).is_some());
        assert!(rendering.frame_for(&View::staff()).is_some());
        let no_department = r#"[{"type":"changed","session":{"token":"T"}}]"#;
        let mut rendering = Rendering::new(&topic, Some(2), no_department);
        assert!(rendering.frame_for(&only(&["support"])).is_some());
    }
}
