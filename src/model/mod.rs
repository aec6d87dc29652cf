//! The documents the server stores and returns, with Rocket.Chat's field names (reference §5).
//! Each is persisted as JSON beside the columns the queries filter on (see `store`).

mod canned;
mod custom_field;
mod department;
mod inquiry;
mod message;
mod room;
mod session;
mod staff_view;
mod trigger;
mod upload;
mod user;
mod visitor;

pub use canned::{CannedResponse, CannedScope, CreatedBy, LivechatTag};
pub use custom_field::{CustomFieldDefinition, CustomFieldScope};
pub use department::{Department, DepartmentAgent, DepartmentSeed};
pub use inquiry::{Inquiry, InquiryStatus};
pub use message::{Message, UserRef};
pub use room::{AgentMetrics, ClosedBy, Room, RoomMetrics, RoomVisitor, ServedBy, VisitorMetrics};
pub use session::{chat_status, CurrentPage, SessionAgent, VisitorSession};
pub use staff_view::{may_carry_visitor_token, staff_view, strip_visitor_tokens};
pub use trigger::{LivechatTrigger, TriggerAction, TriggerCondition};
pub use upload::Upload;
pub use user::{AgentSettings, User, UserEmail};
pub use visitor::{EmailAddress, LastChat, PhoneNumber, Visitor};

/// `livechatData`: custom-field values keyed by field id.
pub type CustomData = serde_json::Map<String, serde_json::Value>;

/// The built-in bot that authors system messages, as in Rocket.Chat.
pub const ROCKET_CAT: &str = "rocket.cat";
