//! Roles and the permissions they grant by default: Rocket.Chat's mapping (reference §5.11,
//! and Rocket.Chat's own permission lists), restricted to the roles this server has. The
//! defaults only seed the stored table (`permission_table`); every check reads that table.

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
    pub const VIEW_LIVECHAT_WEBHOOKS: &str = "view-livechat-webhooks";
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
    /// Editing this table (`permissions.update`).
    pub const ACCESS_PERMISSIONS: &str = "access-permissions";
    pub const VIEW_LIVECHAT_BUSINESS_HOURS: &str = "view-livechat-business-hours";
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

/// The roles that hold each permission on a new installation. Rocket.Chat's roles this server
/// does not have (`livechat-monitor`, `owner`, `moderator`, …) are left out, so every role a
/// permission lists is one `roles.list` names and `permissions.update` accepts.
pub const DEFAULTS: &[(&str, &[&str])] = &[
    (ACCESS_PERMISSIONS, &[ADMIN]),
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
    // Not checked by any route yet; stored so the desk's administration (issue 13: custom
    // fields, triggers, business hours, canned responses, tags) finds Rocket.Chat's ids and
    // defaults, and an administrator can already set them.
    ("view-livechat-room-customfields", &[ADMIN, MANAGER, AGENT]),
    ("edit-livechat-room-customfields", &[ADMIN, MANAGER, AGENT]),
    ("view-livechat-customfields", &[ADMIN, MANAGER]),
    ("view-livechat-triggers", &[ADMIN, MANAGER]),
    ("view-livechat-business-hours", &[ADMIN, MANAGER]),
    ("view-livechat-appearance", &[ADMIN, MANAGER]),
    ("view-livechat-installation", &[ADMIN, MANAGER]),
    ("view-livechat-webhooks", &[ADMIN, MANAGER]),
    ("view-livechat-analytics", &[ADMIN, MANAGER]),
    ("view-livechat-real-time-monitoring", &[ADMIN, MANAGER]),
    ("remove-closed-livechat-room", &[ADMIN, MANAGER]),
    ("remove-closed-livechat-rooms", &[ADMIN, MANAGER]),
    ("change-livechat-room-visitor", &[ADMIN, MANAGER, AGENT]),
    ("manage-livechat-canned-responses", &[ADMIN, MANAGER]),
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

/// A role as `roles.list` describes it.
pub struct RoleInfo {
    pub id: &'static str,
    pub description: &'static str,
}

/// The roles this server has, with Rocket.Chat's descriptions; all are protected built-ins
/// of scope `Users`.
pub const ROLE_INFO: [RoleInfo; 4] = [
    RoleInfo {
        id: ADMIN,
        description: "Admin",
    },
    RoleInfo {
        id: MANAGER,
        description: "Livechat Manager",
    },
    RoleInfo {
        id: AGENT,
        description: "Livechat Agent",
    },
    RoleInfo {
        id: USER,
        description: "",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_name_each_permission_once_and_only_known_roles() {
        let mut ids: Vec<&str> = DEFAULTS.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DEFAULTS.len());
        for (_, roles) in DEFAULTS {
            assert!(roles.iter().all(|r| ROLES.contains(r)));
        }
    }
}
