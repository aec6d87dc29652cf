//! What clients send to create or change a department and its agents, and the checks that run
//! before anything is stored (reference §3.13.2).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::livechat::validate::{self, is_email, limits};
use crate::model::Department;

/// The `department` object of `POST` / `PUT livechat/department[/:_id]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentInput {
    pub enabled: Option<bool>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub show_on_registration: Option<bool>,
    pub show_on_offline_form: Option<bool>,
    pub description: Option<String>,
    pub request_tag_before_closing_chat: Option<bool>,
    pub chat_closing_tags: Option<Vec<String>>,
    pub fallback_forward_department: Option<String>,
    pub departments_allowed_to_forward: Option<Vec<String>>,
    pub allow_receive_forward_offline: Option<bool>,
    pub offline_message_channel_name: Option<String>,
    pub abandoned_rooms_close_custom_message: Option<String>,
    pub waiting_queue_message: Option<String>,
    /// Any other key: stored as Rocket.Chat does, if it is a plain value.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of `agents` / `upsert` / `remove`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentLinkInput {
    pub agent_id: Option<String>,
    /// Accepted for older clients and ignored: the user's own username is stored.
    #[allow(dead_code)]
    pub username: Option<String>,
    pub count: Option<i64>,
    pub order: Option<i64>,
}

/// Keys a client may send back from a department it read, which the server owns.
const SERVER_OWNED: [&str; 5] = ["_id", "_updatedAt", "numAgents", "archived", "agents"];

/// The fields every save must carry.
pub(super) struct Required<'a> {
    pub enabled: bool,
    pub name: &'a str,
    pub email: &'a str,
    pub show_on_registration: bool,
    pub show_on_offline_form: bool,
}

impl DepartmentInput {
    /// Checks every field; returns the required ones.
    pub(super) fn validate(&self) -> ApiResult<Required<'_>> {
        let flag = |field: &str, value: Option<bool>| {
            value.ok_or_else(|| ApiError::invalid(format!("must have required property '{field}'")))
        };
        let enabled = flag("enabled", self.enabled)?;
        let name = validate::required("name", self.name.as_deref(), limits::NAME)?;
        let email = self
            .email
            .as_deref()
            .ok_or_else(|| ApiError::invalid("must have required property 'email'"))?;
        validate::within("email", email, limits::EMAIL)?;
        if !email.is_empty() && !is_email(email.trim()) {
            return Err(ApiError::meteor(
                "error-invalid-email",
                format!("Invalid email address: {email}"),
            ));
        }
        let show_on_registration = flag("showOnRegistration", self.show_on_registration)?;
        let show_on_offline_form = flag("showOnOfflineForm", self.show_on_offline_form)?;

        for (field, value) in [
            ("description", &self.description),
            (
                "offlineMessageChannelName",
                &self.offline_message_channel_name,
            ),
            (
                "abandonedRoomsCloseCustomMessage",
                &self.abandoned_rooms_close_custom_message,
            ),
            ("waitingQueueMessage", &self.waiting_queue_message),
        ] {
            validate::optional(field, value.as_deref(), limits::DEPARTMENT_TEXT)?;
        }
        validate::optional(
            "fallbackForwardDepartment",
            self.fallback_forward_department.as_deref(),
            limits::ID,
        )?;
        check_list("chatClosingTags", &self.chat_closing_tags, limits::NAME)?;
        check_list(
            "departmentsAllowedToForward",
            &self.departments_allowed_to_forward,
            limits::ID,
        )?;
        if self.request_tag_before_closing_chat == Some(true)
            && self.chat_closing_tags.as_ref().is_none_or(Vec::is_empty)
        {
            return Err(ApiError::meteor(
                "error-validating-department-chat-closing-tags",
                "At least one closing tag is required when the department requires tag(s) on closing conversations.",
            ));
        }
        self.check_extra()?;
        Ok(Required {
            enabled,
            name: name.trim(),
            email: email.trim(),
            show_on_registration,
            show_on_offline_form,
        })
    }

    /// The fallback department named, if any (an empty string means none).
    pub(super) fn fallback(&self) -> Option<&str> {
        self.fallback_forward_department
            .as_deref()
            .filter(|f| !f.is_empty())
    }

    fn check_extra(&self) -> ApiResult<()> {
        let extra: Vec<_> = self.client_fields().collect();
        if extra.len() > limits::DEPARTMENT_EXTRA_FIELDS {
            return Err(ApiError::invalid(format!(
                "'department' must NOT have more than {} additional properties",
                limits::DEPARTMENT_EXTRA_FIELDS
            )));
        }
        for (key, value) in extra {
            validate::within("department property name", key, limits::CUSTOM_FIELD_KEY)?;
            match value {
                Value::String(text) => {
                    validate::within(key, text, limits::DEPARTMENT_EXTRA_TEXT)?;
                }
                Value::Bool(_) | Value::Number(_) | Value::Null => {}
                _ => {
                    return Err(ApiError::invalid(format!(
                        "'department.{key}' must be a string, a number or a boolean"
                    )))
                }
            }
        }
        Ok(())
    }

    /// The additional properties the client owns (server-owned keys are ignored).
    fn client_fields(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.extra
            .iter()
            .filter(|(key, _)| !SERVER_OWNED.contains(&key.as_str()))
    }

    /// Writes the input onto `department`: the required fields always, optional ones when
    /// given (absent ones keep their values, as Rocket.Chat's `$set` does). Call after
    /// [`DepartmentInput::validate`].
    pub(super) fn apply(&self, required: Required<'_>, department: &mut Department) {
        department.enabled = required.enabled;
        department.name = required.name.to_string();
        department.email = required.email.to_string();
        department.show_on_registration = required.show_on_registration;
        department.show_on_offline_form = required.show_on_offline_form;
        if let Some(description) = &self.description {
            department.description = description.clone();
        }
        let set = |target: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                *target = value.clone();
            }
        };
        set(
            &mut department.offline_message_channel_name,
            &self.offline_message_channel_name,
        );
        set(
            &mut department.abandoned_rooms_close_custom_message,
            &self.abandoned_rooms_close_custom_message,
        );
        set(
            &mut department.waiting_queue_message,
            &self.waiting_queue_message,
        );
        if self.fallback_forward_department.is_some() {
            department.fallback_forward_department = self.fallback().map(str::to_string);
        }
        if self.request_tag_before_closing_chat.is_some() {
            department.request_tag_before_closing_chat = self.request_tag_before_closing_chat;
        }
        if self.chat_closing_tags.is_some() {
            department.chat_closing_tags = self.chat_closing_tags.clone();
        }
        if self.departments_allowed_to_forward.is_some() {
            department.departments_allowed_to_forward = self.departments_allowed_to_forward.clone();
        }
        if self.allow_receive_forward_offline.is_some() {
            department.allow_receive_forward_offline = self.allow_receive_forward_offline;
        }
        for (key, value) in self.client_fields() {
            department.extra.insert(key.clone(), value.clone());
        }
    }
}

fn check_list(field: &str, list: &Option<Vec<String>>, max_length: usize) -> ApiResult<()> {
    let Some(list) = list else {
        return Ok(());
    };
    if list.len() > limits::DEPARTMENT_LIST {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have more than {} items",
            limits::DEPARTMENT_LIST
        )));
    }
    for item in list {
        validate::within(field, item, max_length)?;
    }
    Ok(())
}

/// An agent entry's id, checked for presence and length.
pub(super) fn agent_id<'a>(
    list: &str,
    index: usize,
    entry: &'a AgentLinkInput,
) -> ApiResult<&'a str> {
    let id = entry.agent_id.as_deref().ok_or_else(|| {
        ApiError::invalid(format!(
            "{list}[{index}] must have required property 'agentId'"
        ))
    })?;
    validate::required("agentId", Some(id), limits::ID)
}

/// At most [`limits::DEPARTMENT_AGENTS_PER_REQUEST`] entries per list.
pub(super) fn check_agent_list(list: &str, entries: &[AgentLinkInput]) -> ApiResult<()> {
    if entries.len() > limits::DEPARTMENT_AGENTS_PER_REQUEST {
        return Err(ApiError::invalid(format!(
            "'{list}' must NOT have more than {} items",
            limits::DEPARTMENT_AGENTS_PER_REQUEST
        )));
    }
    Ok(())
}
