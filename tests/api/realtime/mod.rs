//! Realtime over WebSocket (DDP): the protocol, logins, and what each stream delivers to whom.

mod livechat_room;
mod messages;
mod nodes;
mod protocol;
mod typing;
mod room_state;
