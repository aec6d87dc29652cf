//! Realtime over WebSocket (DDP): the protocol, logins, and what each stream delivers to whom.

mod agent_methods;
mod livechat_room;
mod messages;
mod nodes;
mod protocol;
mod typing;
