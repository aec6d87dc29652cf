//! What each kind of subscriber receives of an event. Several streams are shared by a room's
//! visitor and staff (`stream-room-messages/<rid>` carries message documents with the visitor's
//! token to both), and the outbox records each event once. So the hub renders at most one frame
//! per view and event, lazily: the event as stored for the visitor, and for staff the same with
//! every visitor token stripped, filtered by department on department-scoped streams (the
//! live-visitors `sessions`). Catch-up replay renders through the same rules.

use std::sync::Arc;

use serde_json::Value;

use super::hub::{changed_frame, Frame, Topic};
use crate::livechat::DepartmentScope;
use crate::model::{may_carry_visitor_token, strip_visitor_tokens};
use crate::store::streams::VISITOR_SESSIONS;

/// Who a subscription was granted to.
#[derive(Clone, Debug)]
pub enum View {
    /// The room's visitor (by its token): the event exactly as recorded.
    Visitor,
    /// A logged-in user: no visitor tokens, and on department-scoped streams only what its
    /// departments admit.
    Staff(DepartmentScope),
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
    /// the department the event belongs to.
    for_staff: Option<(Option<Frame>, Option<String>)>,
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
                let (frame, department) = self.for_staff();
                if scope.admits(department.as_deref()) {
                    frame.clone()
                } else {
                    None
                }
            }
        }
    }

    fn as_recorded(&mut self) -> Frame {
        let (topic, seq, args) = (self.topic, self.seq, self.args);
        self.as_recorded
            .get_or_insert_with(|| changed_frame(topic, seq, args).into())
            .clone()
    }

    fn for_staff(&mut self) -> &(Option<Frame>, Option<String>) {
        if self.for_staff.is_none() {
            let rendered = self.render_for_staff();
            self.for_staff = Some(rendered);
        }
        self.for_staff.get_or_insert((None, None))
    }

    /// The staff frame and the event's department. Args that cannot hold a token, on a stream
    /// that is not department-scoped, share the recorded frame; others are parsed once,
    /// stripped and serialized again.
    fn render_for_staff(&mut self) -> (Option<Frame>, Option<String>) {
        let scoped = self.topic.collection == VISITOR_SESSIONS;
        if !scoped && !may_carry_visitor_token(self.args) {
            return (Some(self.as_recorded()), None);
        }
        let Ok(mut args) = serde_json::from_str::<Value>(self.args) else {
            return (None, None); // never recorded that way; staff get nothing rather than a token
        };
        let department = if scoped {
            session_department(&args)
        } else {
            None
        };
        strip_visitor_tokens(&mut args);
        let frame = changed_frame(self.topic, self.seq, &args.to_string());
        (Some(Arc::from(frame)), department)
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
