//! Roles and the permissions they grant: Rocket.Chat's default mapping (reference §5.11),
//! for the three roles this server has.

pub const ADMIN: &str = "admin";
pub const MANAGER: &str = "livechat-manager";
pub const AGENT: &str = "livechat-agent";
/// Every account has it; it grants nothing livechat-specific.
pub const USER: &str = "user";

pub const ROLES: [&str; 4] = [ADMIN, MANAGER, AGENT, USER];

/// Permission ids, as Rocket.Chat names them.
pub mod permission {
    pub const VIEW_L_ROOM: &str = "view-l-room";
    pub const VIEW_LIVECHAT_MANAGER: &str = "view-livechat-manager";
    pub const VIEW_LIVECHAT_ROOMS: &str = "view-livechat-rooms";
    pub const CLOSE_LIVECHAT_ROOM: &str = "close-livechat-room";
    pub const CLOSE_OTHERS_LIVECHAT_ROOM: &str = "close-others-livechat-room";
    pub const TRANSFER_LIVECHAT_GUEST: &str = "transfer-livechat-guest";
    pub const MANAGE_LIVECHAT_AGENTS: &str = "manage-livechat-agents";
    pub const MANAGE_LIVECHAT_MANAGERS: &str = "manage-livechat-managers";
    pub const MANAGE_LIVECHAT_DEPARTMENTS: &str = "manage-livechat-departments";
    pub const VIEW_LIVECHAT_DEPARTMENTS: &str = "view-livechat-departments";
    pub const ADD_LIVECHAT_DEPARTMENT_AGENTS: &str = "add-livechat-department-agents";
    pub const REMOVE_LIVECHAT_DEPARTMENT: &str = "remove-livechat-department";
    pub const EDIT_OMNICHANNEL_CONTACT: &str = "edit-omnichannel-contact";
    pub const SAVE_OTHERS_LIVECHAT_ROOM_INFO: &str = "save-others-livechat-room-info";
    pub const VIEW_LIVECHAT_QUEUE: &str = "view-livechat-queue";
    pub const SEND_OMNICHANNEL_CHAT_TRANSCRIPT: &str = "send-omnichannel-chat-transcript";
    pub const VIEW_PRIVILEGED_SETTING: &str = "view-privileged-setting";
    pub const EDIT_PRIVILEGED_SETTING: &str = "edit-privileged-setting";
    pub const MANAGE_USERS: &str = "manage-users";
    pub const EDIT_MESSAGE: &str = "edit-message";
    pub const DELETE_MESSAGE: &str = "delete-message";
    pub const VIEW_OTHER_USER_CHANNELS: &str = "view-other-user-channels";
    pub const VIEW_CANNED_RESPONSES: &str = "view-canned-responses";
    pub const VIEW_ALL_CANNED_RESPONSES: &str = "view-all-canned-responses";
    pub const VIEW_AGENT_CANNED_RESPONSES: &str = "view-agent-canned-responses";
    pub const SAVE_CANNED_RESPONSES: &str = "save-canned-responses";
    pub const SAVE_ALL_CANNED_RESPONSES: &str = "save-all-canned-responses";
    pub const SAVE_DEPARTMENT_CANNED_RESPONSES: &str = "save-department-canned-responses";
    pub const REMOVE_CANNED_RESPONSES: &str = "remove-canned-responses";
    pub const MANAGE_LIVECHAT_TAGS: &str = "manage-livechat-tags";
}

use permission::*;

/// The roles that hold each permission by default.
const GRANTS: &[(&str, &[&str])] = &[
    (VIEW_L_ROOM, &[ADMIN, MANAGER, AGENT]),
    (VIEW_LIVECHAT_MANAGER, &[ADMIN, MANAGER]),
    (VIEW_LIVECHAT_ROOMS, &[ADMIN, MANAGER]),
    (CLOSE_LIVECHAT_ROOM, &[ADMIN, MANAGER, AGENT]),
    (CLOSE_OTHERS_LIVECHAT_ROOM, &[ADMIN, MANAGER]),
    (TRANSFER_LIVECHAT_GUEST, &[ADMIN, MANAGER]),
    (MANAGE_LIVECHAT_AGENTS, &[ADMIN, MANAGER]),
    (MANAGE_LIVECHAT_MANAGERS, &[ADMIN, MANAGER]),
    (MANAGE_LIVECHAT_DEPARTMENTS, &[ADMIN, MANAGER]),
    (VIEW_LIVECHAT_DEPARTMENTS, &[ADMIN, MANAGER]),
    (ADD_LIVECHAT_DEPARTMENT_AGENTS, &[ADMIN, MANAGER]),
    (REMOVE_LIVECHAT_DEPARTMENT, &[ADMIN, MANAGER]),
    (EDIT_OMNICHANNEL_CONTACT, &[ADMIN, MANAGER, AGENT]),
    (SAVE_OTHERS_LIVECHAT_ROOM_INFO, &[MANAGER]),
    (VIEW_LIVECHAT_QUEUE, &[ADMIN, MANAGER, AGENT]),
    (SEND_OMNICHANNEL_CHAT_TRANSCRIPT, &[ADMIN, MANAGER]),
    (VIEW_PRIVILEGED_SETTING, &[ADMIN]),
    (EDIT_PRIVILEGED_SETTING, &[ADMIN]),
    (MANAGE_USERS, &[ADMIN]),
    (EDIT_MESSAGE, &[ADMIN]),
    (DELETE_MESSAGE, &[ADMIN]),
    (VIEW_OTHER_USER_CHANNELS, &[ADMIN]),
    // Canned responses and tags (Rocket.Chat Enterprise's defaults; its `livechat-monitor`
    // role, the only default holder of `save-department-canned-responses`, does not exist here).
    (VIEW_CANNED_RESPONSES, &[ADMIN, MANAGER, AGENT]),
    (VIEW_ALL_CANNED_RESPONSES, &[ADMIN, MANAGER]),
    (VIEW_AGENT_CANNED_RESPONSES, &[AGENT]),
    (SAVE_CANNED_RESPONSES, &[ADMIN, MANAGER, AGENT]),
    (SAVE_ALL_CANNED_RESPONSES, &[ADMIN, MANAGER]),
    (SAVE_DEPARTMENT_CANNED_RESPONSES, &[]),
    (REMOVE_CANNED_RESPONSES, &[ADMIN, MANAGER, AGENT]),
    (MANAGE_LIVECHAT_TAGS, &[ADMIN, MANAGER]),
];

/// Whether any of `roles` grants `permission`. Unknown permissions are granted to nobody.
pub fn has_permission(roles: &[String], permission: &str) -> bool {
    GRANTS
        .iter()
        .find(|(id, _)| *id == permission)
        .is_some_and(|(_, granted)| roles.iter().any(|role| granted.contains(&role.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn agents_see_rooms_but_do_not_transfer_by_default() {
        assert!(has_permission(&roles(&[AGENT]), VIEW_L_ROOM));
        assert!(!has_permission(&roles(&[AGENT]), TRANSFER_LIVECHAT_GUEST));
        assert!(has_permission(&roles(&[MANAGER]), TRANSFER_LIVECHAT_GUEST));
    }

    #[test]
    fn plain_users_and_unknown_permissions_get_nothing() {
        assert!(!has_permission(&roles(&[USER]), VIEW_L_ROOM));
        assert!(!has_permission(&roles(&[ADMIN]), "no-such-permission"));
    }
}
