//! Departments (reference §3.13, §5.6): creating, changing, listing and deleting them. Their
//! agents are in `agents.rs`. Unlike Rocket.Chat's Community Edition, any number of
//! departments may exist.

mod agents;
mod input;

pub use input::{AgentLinkInput, DepartmentInput};

use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::{Department, DepartmentAgent, DepartmentSeed, User};
use crate::store::{DepartmentFilter, Exec};
use crate::time::Timestamp;

/// The setting that allows deleting departments (off by default, as in Rocket.Chat).
pub const REMOVAL_SETTING: &str = "Omnichannel_enable_department_removal";

/// `GET livechat/department`'s filters.
#[derive(Debug, Default)]
pub struct DepartmentQuery<'a> {
    pub text: Option<&'a str>,
    pub only_enabled: bool,
    /// Only the caller's own departments (as an agent).
    pub only_mine: bool,
    pub exclude_id: Option<&'a str>,
}

fn not_found() -> ApiError {
    ApiError::meteor("error-department-not-found", "Department not found")
}

impl Livechat {
    /// `GET livechat/department`: a page of departments, by name; with the total.
    pub async fn list_departments(
        &self,
        caller: &User,
        query: DepartmentQuery<'_>,
        offset: i64,
        count: i64,
    ) -> ApiResult<(Vec<Department>, i64)> {
        super::validate::optional("text", query.text, super::limits::NAME)?;
        let filter = DepartmentFilter {
            text: query.text,
            only_enabled: query.only_enabled,
            exclude_id: query.exclude_id.filter(|id| !id.is_empty()),
            agent_id: query.only_mine.then_some(caller.id.as_str()),
        };
        let mut conn = self.store().read().await?;
        Ok(conn.exec().department_page(filter, offset, count).await?)
    }

    /// `GET livechat/department/:_id`: the department (`None` when unknown, or when
    /// `only_mine_of` is given and that user is not one of its agents), with its agents if asked.
    pub async fn department(
        &self,
        id: &str,
        include_agents: bool,
        only_mine_of: Option<&User>,
    ) -> ApiResult<(Option<Department>, Option<Vec<DepartmentAgent>>)> {
        let mut conn = self.store().read().await?;
        let mut department = conn.exec().department_by_id(id).await?;
        if let (Some(user), Some(found)) = (only_mine_of, &department) {
            let mine = conn.exec().agent_departments(&user.id).await?;
            if !mine.contains(&found.id) {
                department = None;
            }
        }
        let agents = match (&department, include_agents) {
            (Some(found), true) => Some(conn.exec().department_agents(&found.id).await?),
            (None, true) => Some(Vec::new()),
            (_, false) => None,
        };
        Ok((department, agents))
    }

    /// `POST livechat/department`: creates a department, with its first agents if given.
    pub async fn create_department(
        &self,
        input: &DepartmentInput,
        agents: Option<&[AgentLinkInput]>,
    ) -> ApiResult<(Department, Vec<DepartmentAgent>)> {
        let required = input.validate()?;
        let mut tx = self.store().begin().await?;
        let now = Timestamp::now();
        let mut department = Department::blank(ids::random_id(), now);
        input.apply(required, &mut department);
        check_fallback(&mut tx.exec(), &department).await?;
        tx.exec().save_department(&department).await?;
        let added = match agents {
            Some(agents) => {
                agents::upsert(&mut tx.exec(), "agents", &department, agents, now).await?
            }
            None => 0,
        };
        let saved = reread(&mut tx.exec(), &department.id).await?;
        tx.commit().await?;
        tracing::info!(department = %saved.0.id, name = %saved.0.name, "department created");
        if added > 0 {
            self.drain_queue_after_change().await;
        }
        Ok(saved)
    }

    /// `PUT livechat/department/:_id`: saves the department's fields (`input`, when the caller
    /// may manage departments) and replaces its agents (`agents`, when the caller may).
    pub async fn update_department(
        &self,
        id: &str,
        input: Option<&DepartmentInput>,
        agents: Option<&[AgentLinkInput]>,
    ) -> ApiResult<(Department, Vec<DepartmentAgent>)> {
        if input.is_none() && agents.is_none() {
            return Err(ApiError::Failed);
        }
        let required = input.map(DepartmentInput::validate).transpose()?;
        let mut tx = self.store().begin().await?;
        let mut department = tx
            .exec()
            .department_for_update(id)
            .await?
            .ok_or_else(not_found)?;
        let now = Timestamp::now();
        if let (Some(input), Some(required)) = (input, required) {
            input.apply(required, &mut department);
            department.updated_at = now;
            check_fallback(&mut tx.exec(), &department).await?;
            tx.exec().save_department(&department).await?;
        }
        let added = match agents {
            Some(agents) => agents::replace(&mut tx.exec(), &department, agents, now).await?,
            None => 0,
        };
        let saved = reread(&mut tx.exec(), id).await?;
        tx.commit().await?;
        if added > 0 {
            self.drain_queue_after_change().await;
        }
        Ok(saved)
    }

    /// `DELETE livechat/department/:_id`: removes the department and its agent links; its open
    /// rooms and their inquiries lose the department (so any agent can be routed to them), and
    /// departments falling back to it lose the fallback.
    pub async fn delete_department(&self, id: &str) -> ApiResult<()> {
        if !self.settings().bool(REMOVAL_SETTING) {
            return Err(ApiError::meteor(
                "department-removal-disabled",
                "Department removal is disabled",
            ));
        }
        let mut tx = self.store().begin().await?;
        let department = tx
            .exec()
            .department_for_update(id)
            .await?
            .ok_or_else(|| ApiError::meteor("department-not-found", "Department not found"))?;
        let now = Timestamp::now();
        let mut detached = 0;
        // Rooms before inquiries: the lock order of every path that touches both.
        for mut room in tx.exec().open_rooms_of_department_for_update(id).await? {
            room.department_id = None;
            room.updated_at = now;
            tx.exec().save_room(&room).await?;
            detached += 1;
        }
        for mut inquiry in tx.exec().inquiries_of_department_for_update(id).await? {
            inquiry.department = None;
            inquiry.updated_at = now;
            tx.exec().save_inquiry(&inquiry).await?;
        }
        for mut other in tx.exec().departments_falling_back_to(id).await? {
            other.fallback_forward_department = None;
            other.updated_at = now;
            tx.exec().save_department(&other).await?;
        }
        tx.exec().remove_department_agents(id).await?;
        tx.exec().delete_department(id).await?;
        tx.commit().await?;
        tracing::info!(department = %id, name = %department.name, rooms = detached, "department deleted");
        // Chats that waited for this department's agents may now go to anyone.
        self.drain_queue_after_change().await;
        Ok(())
    }
}

/// The department as stored now, with its agents.
async fn reread(exec: &mut Exec<'_>, id: &str) -> ApiResult<(Department, Vec<DepartmentAgent>)> {
    let department = exec.department_by_id(id).await?.ok_or_else(not_found)?;
    let agents = exec.department_agents(id).await?;
    Ok((department, agents))
}

/// A fallback department must exist and must not be the department itself.
async fn check_fallback(exec: &mut Exec<'_>, department: &Department) -> ApiResult<()> {
    let Some(fallback) = &department.fallback_forward_department else {
        return Ok(());
    };
    if *fallback == department.id {
        return Err(ApiError::meteor(
            "error-fallback-department-circular",
            "Cannot save department. Circular reference between fallback department and department",
        ));
    }
    if exec.department_by_id(fallback).await?.is_none() {
        return Err(ApiError::meteor(
            "error-fallback-department-not-found",
            "Fallback department not found",
        ));
    }
    Ok(())
}

/// The department a configuration seed describes: the seed's fields over what is stored
/// (so fields set through the API, and the agents, survive a restart).
pub(super) fn seeded(
    seed: &DepartmentSeed,
    stored: Option<Department>,
    now: Timestamp,
) -> Department {
    let mut department = stored.unwrap_or_else(|| Department::blank(seed.id.clone(), now));
    department.name = seed.name.clone();
    department.enabled = seed.enabled;
    department.description = seed.description.clone();
    department.show_on_registration = seed.show_on_registration;
    department.show_on_offline_form = seed.show_on_offline_form;
    department.email = seed.email.clone();
    department.updated_at = now;
    department
}
