//! Who may read a livechat room (Rocket.Chat's `canAccessRoom` for `t: "l"`): the agent serving
//! it, anyone with `view-livechat-rooms` (managers, administrators), and an agent looking at a
//! chat still waiting in a queue it could take. Everyone else is refused, whatever the room.
//!
//! Beside rooms, the department boundary: a plain agent (no `view-livechat-manager`, no
//! `view-livechat-rooms`) sees queued chats, visitors and their site sessions only of the
//! departments it belongs to, and those of no department.

use std::sync::Arc;

use super::Livechat;
use crate::accounts::permission_table::Permissions;
use crate::accounts::permissions::permission::{
    VIEW_LIVECHAT_MANAGER, VIEW_LIVECHAT_ROOMS, VIEW_L_ROOM,
};
use crate::error::{ApiError, ApiResult};
use crate::model::{InquiryStatus, Room, User};
use crate::store::Exec;

/// Whether `user` may read `room`.
pub(super) async fn can_read_room(
    exec: &mut Exec<'_>,
    permissions: &Permissions,
    user: &User,
    room: &Room,
) -> ApiResult<bool> {
    if permissions.has(&user.roles, VIEW_LIVECHAT_ROOMS) {
        return Ok(true);
    }
    if !permissions.has(&user.roles, VIEW_L_ROOM) {
        return Ok(false);
    }
    if room.served_by.as_ref().is_some_and(|s| s.id == user.id) {
        return Ok(true);
    }
    // A queued chat is visible to the agents who could take it: those of its department, or
    // every agent when it has none.
    let Some(inquiry) = exec.inquiry_by_room(&room.id).await? else {
        return Ok(false);
    };
    if inquiry.status != InquiryStatus::Queued || !room.is_open() {
        return Ok(false);
    }
    match &inquiry.department {
        None => Ok(true),
        Some(department) => Ok(exec
            .agent_departments(&user.id)
            .await?
            .iter()
            .any(|d| d == department)),
    }
}

/// Whose departments' queued chats, visitors and sessions a user may see.
#[derive(Clone, Debug)]
pub enum DepartmentScope {
    /// Managers and administrators: every department.
    All,
    /// A plain agent: these departments (its own), and anything with no department.
    Only(Arc<[String]>),
}

impl DepartmentScope {
    /// Whether something of `department` (`None`: of no department) is visible.
    pub fn admits(&self, department: Option<&str>) -> bool {
        match (self, department) {
            (DepartmentScope::All, _) | (_, None) => true,
            (DepartmentScope::Only(own), Some(department)) => own.iter().any(|d| d == department),
        }
    }
}

/// Whether `user` sees every department (managers, administrators).
pub fn sees_all_departments(permissions: &Permissions, user: &User) -> bool {
    permissions.has(&user.roles, VIEW_LIVECHAT_MANAGER)
        || permissions.has(&user.roles, VIEW_LIVECHAT_ROOMS)
}

impl Livechat {
    /// The departments `user` may see things of.
    pub async fn department_scope(&self, user: &User) -> ApiResult<DepartmentScope> {
        if sees_all_departments(self.permissions(), user) {
            return Ok(DepartmentScope::All);
        }
        let own = self
            .store()
            .read()
            .await?
            .exec()
            .agent_departments(&user.id)
            .await?;
        Ok(DepartmentScope::Only(own.into()))
    }

    /// The livechat room `rid` if `user` may read it: `invalid-room` when there is no such
    /// room, `error-not-allowed` when it is someone else's.
    pub async fn readable_room(&self, user: &User, rid: &str) -> ApiResult<Room> {
        let mut conn = self.store().read().await?;
        let room = conn
            .exec()
            .room_by_id(rid)
            .await?
            .filter(|r| r.t == "l")
            .ok_or(ApiError::Code("invalid-room"))?;
        if !can_read_room(&mut conn.exec(), self.permissions(), user, &room).await? {
            return Err(ApiError::meteor("error-not-allowed", "Not allowed"));
        }
        Ok(room)
    }
}

impl Livechat {
    /// The ids of the departments `agent_id` belongs to.
    pub async fn agent_department_ids(&self, agent_id: &str) -> ApiResult<Vec<String>> {
        Ok(self
            .store()
            .read()
            .await?
            .exec()
            .agent_departments(agent_id)
            .await?)
    }

    /// The livechat room `rid` when it belongs to the visitor with `token`.
    pub async fn visitor_room(&self, rid: &str, token: &str) -> ApiResult<Option<Room>> {
        let room = self.store().read().await?.exec().room_by_id(rid).await?;
        Ok(room.filter(|r| r.t == "l" && r.v.token == token))
    }
}
