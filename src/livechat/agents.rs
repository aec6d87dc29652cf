//! Agents and managers (reference §3.12, §3.14): giving and taking the roles, listing them,
//! and an agent's availability for new chats.

use serde_json::{json, Value};

use super::Livechat;
use crate::accounts::permissions::{AGENT, MANAGER};
use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::time::Timestamp;

pub const AVAILABLE: &str = "available";
pub const NOT_AVAILABLE: &str = "not-available";

/// The `:type` of `livechat/users/:type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffRole {
    Agent,
    Manager,
}

impl StaffRole {
    pub fn parse(kind: &str) -> ApiResult<StaffRole> {
        match kind {
            "agent" => Ok(StaffRole::Agent),
            "manager" => Ok(StaffRole::Manager),
            // Rocket.Chat's `throw new Error('Invalid type')`: a bare 400 sentence.
            _ => Err(ApiError::Code("Invalid type")),
        }
    }

    fn role(self) -> &'static str {
        match self {
            StaffRole::Agent => AGENT,
            StaffRole::Manager => MANAGER,
        }
    }
}

/// What the agent lists show of a user.
fn staff_view(user: &User, departments: Vec<String>) -> Value {
    json!({
        "_id": user.id,
        "username": user.username,
        "name": user.name,
        "status": user.status,
        "statusLivechat": user.status_livechat,
        "emails": user.emails,
        "livechat": user.livechat,
        "departments": departments,
    })
}

impl Livechat {
    /// `POST livechat/users/:type`: gives a user the agent or manager role.
    pub async fn add_staff(&self, role: StaffRole, username: &str) -> ApiResult<User> {
        let mut tx = self.store().begin().await?;
        let user = tx
            .exec()
            .user_by_login_name(username)
            .await?
            .ok_or_else(|| ApiError::meteor("error-invalid-user", "Invalid user"))?;
        // Found by name; locked by id for the read-modify-write.
        let mut user = tx
            .exec()
            .user_for_update(&user.id)
            .await?
            .ok_or_else(|| ApiError::meteor("error-invalid-user", "Invalid user"))?;
        if !user.has_role(role.role()) {
            user.roles.push(role.role().to_string());
        }
        if role == StaffRole::Agent {
            user.status_livechat = if user.status == "offline" {
                NOT_AVAILABLE
            } else {
                AVAILABLE
            }
            .into();
        }
        user.updated_at = Timestamp::now();
        tx.exec().save_user(&user).await?;
        tx.commit().await?;
        self.drain_queue_after_change().await;
        Ok(user)
    }

    /// `DELETE livechat/users/:type/:_id`: takes the role away (an agent also leaves its
    /// departments and stops receiving chats; chats it serves stay with it until closed).
    pub async fn remove_staff(&self, role: StaffRole, id: &str) -> ApiResult<()> {
        let mut tx = self.store().begin().await?;
        let mut user = tx
            .exec()
            .user_for_update(id)
            .await?
            .ok_or(ApiError::Failed)?;
        if !user.has_role(role.role()) {
            return Err(ApiError::Failed);
        }
        user.roles.retain(|r| r != role.role());
        if role == StaffRole::Agent {
            user.status_livechat = NOT_AVAILABLE.into();
            tx.exec().remove_agent_from_departments(id).await?;
        }
        user.updated_at = Timestamp::now();
        tx.exec().save_user(&user).await?;
        Ok(tx.commit().await?)
    }

    /// `GET livechat/users/:type`.
    pub async fn list_staff(
        &self,
        role: StaffRole,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<Value>, i64)> {
        let mut conn = self.store().read().await?;
        let (users, total) = conn
            .exec()
            .users_with_role(role.role(), offset, count)
            .await?;
        let mut listed = Vec::with_capacity(users.len());
        for user in &users {
            let departments = conn.exec().agent_departments(&user.id).await?;
            listed.push(staff_view(user, departments));
        }
        Ok((listed, total))
    }

    /// `GET livechat/users/:type/:_id`: the user, or `None` when it lacks the role.
    pub async fn staff_member(&self, role: StaffRole, id: &str) -> ApiResult<Option<Value>> {
        let mut conn = self.store().read().await?;
        let user = conn
            .exec()
            .user_by_id(id)
            .await?
            .ok_or(ApiError::Code("User not found"))?;
        if !user.has_role(role.role()) {
            return Ok(None);
        }
        let departments = conn.exec().agent_departments(&user.id).await?;
        Ok(Some(staff_view(&user, departments)))
    }

    /// `POST livechat/agent.status`: sets (or, without `status`, toggles) whether the agent
    /// takes new chats. Returns the resulting status.
    pub async fn set_agent_availability(
        &self,
        agent_id: &str,
        status: Option<&str>,
    ) -> ApiResult<String> {
        if let Some(status) = status {
            if status != AVAILABLE && status != NOT_AVAILABLE {
                return Err(ApiError::invalid(
                    "'status' must be available or not-available",
                ));
            }
        }
        // Read before the transaction, which holds the agent's row.
        let closed = self.business_hours_closed(chrono::Utc::now()).await?;
        let mut tx = self.store().begin().await?;
        let mut agent = tx
            .exec()
            .user_for_update(agent_id)
            .await?
            .filter(|u| u.has_role(AGENT))
            .ok_or(ApiError::AgentNotFound)?;
        if !agent.active {
            return Err(ApiError::Code("error-user-deactivated"));
        }
        let next = match status {
            Some(status) => status,
            None if agent.status_livechat == AVAILABLE => NOT_AVAILABLE,
            None => AVAILABLE,
        };
        if next == AVAILABLE && closed {
            return Err(ApiError::Code("error-business-hours-are-closed"));
        }
        agent.status_livechat = next.to_string();
        agent.updated_at = Timestamp::now();
        tx.exec().save_user(&agent).await?;
        tx.commit().await?;
        if next == AVAILABLE {
            self.drain_queue_after_change().await;
        }
        Ok(next.to_string())
    }
}

impl Livechat {
    /// `POST livechat/agents.saveInfo`: an agent's own routing settings; today its limit of
    /// simultaneous chats (`maxNumberSimultaneousChat`, 0 or absent: the global limit).
    pub async fn save_agent_info(&self, agent_id: &str, max_chats: Option<i64>) -> ApiResult<()> {
        if max_chats.is_some_and(|n| !(0..=MAX_CHATS_PER_AGENT).contains(&n)) {
            return Err(ApiError::invalid(format!(
                "'agentData.maxNumberSimultaneousChat' must be between 0 and {MAX_CHATS_PER_AGENT}"
            )));
        }
        let mut tx = self.store().begin().await?;
        let mut agent = tx
            .exec()
            .user_for_update(agent_id)
            .await?
            .filter(|u| u.has_role(AGENT))
            .ok_or(ApiError::Code("error-user-is-not-agent"))?;
        let settings = agent.livechat.get_or_insert_with(Default::default);
        settings.max_number_simultaneous_chat = max_chats.filter(|n| *n > 0);
        agent.updated_at = Timestamp::now();
        tx.exec().save_user(&agent).await?;
        tx.commit().await?;
        // A higher limit may let the agent take waiting chats.
        self.drain_queue_after_change().await;
        Ok(())
    }
}

/// Upper bound for an agent's own limit: far above any real workload, small enough to store.
const MAX_CHATS_PER_AGENT: i64 = 10_000;
