//! The DDP streams events are published on (reference §A.4–A.5): one catalogue, shared by the
//! code that records events and the code that authorizes subscriptions.

/// Messages of one room (`<rid>`), or of all the user's rooms (`__my_messages__`).
pub const ROOM_MESSAGES: &str = "stream-room-messages";
/// Room notifications: `<rid>/typing`, `<rid>/user-activity`, `<rid>/deleteMessage`.
pub const NOTIFY_ROOM: &str = "stream-notify-room";
/// A visitor's view of its room: `agentData`, `agentStatus`, `queueData`, `visitorData`.
pub const LIVECHAT_ROOM: &str = "stream-livechat-room";
/// One user's notifications: `<uid>/rooms-changed`, `<uid>/subscriptions-changed`,
/// `<uid>/notification`.
pub const NOTIFY_USER: &str = "stream-notify-user";
/// The agents' queue: `public` and `department/<id>`.
pub const INQUIRY_QUEUE: &str = "stream-livechat-inquiry-queue-observer";
/// The live-visitors view: every change of a visitor's site session (event name `sessions`).
pub const VISITOR_SESSIONS: &str = "stream-livechat-visitor-sessions";
/// Canned responses saved (`{type: "changed", ...doc}`) and removed (`{type: "removed", _id}`),
/// under the one event name `canned-responses` (Rocket.Chat's `streamCannedResponses`).
pub const CANNED_RESPONSES: &str = "stream-canned-responses";

/// The event name under which a user hears the messages of every room it serves.
pub const MY_MESSAGES: &str = "__my_messages__";
/// The single event name of `CANNED_RESPONSES`.
pub const CANNED_RESPONSES_EVENT: &str = "canned-responses";
/// The single event name of `VISITOR_SESSIONS`.
pub const SESSIONS_EVENT: &str = "sessions";

/// Not a stream clients may subscribe to: the outbox entry each settings change writes (event
/// name: the ids changed), so every process sharing the database reloads its settings and
/// re-shapes what they shape (the dispatcher).
pub const SETTINGS_CHANGED: &str = "settings-changed";
/// Not a stream clients may subscribe to: the outbox entry each permission change writes, so
/// every process sharing the database reloads its permission table (the dispatcher).
pub const PERMISSIONS_CHANGED: &str = "permissions-changed";
