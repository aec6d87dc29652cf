//! Realtime over WebSocket (DDP): the protocol, logins, and what each stream delivers to whom.

mod agent_methods;
mod delivery;
mod livechat_room;
mod messages;
mod nodes;
mod presence;
mod presence_nodes;
mod protocol;
mod room_state;
mod settings_nodes;
mod staff_streams;
mod typing;
mod user_streams;
