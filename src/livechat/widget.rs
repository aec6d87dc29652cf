//! What the widget asks before and around a chat (reference §2.14–2.16): its bootstrap
//! configuration and the agent serving (or about to serve) the visitor.

use serde_json::{json, Map, Value};

use super::validate::{self, limits};
use super::Livechat;
use super::Settings;
use crate::error::{ApiError, ApiResult};
use crate::model::{CustomFieldScope, InquiryStatus, User};
use crate::store::Exec;

impl Livechat {
    /// `GET livechat/config`: settings, texts, departments and triggers for the widget, plus the
    /// returning visitor's `guest`, `room` and `agent` when `token` is known.
    pub async fn widget_config(
        &self,
        token: Option<&str>,
        department: Option<&str>,
    ) -> ApiResult<Value> {
        let token = validate::optional("token", token, limits::TOKEN)?;
        let settings = self.settings();
        if !settings.bool("Livechat_enabled") {
            return Ok(json!({ "enabled": false }));
        }
        // Closed business hours: the widget shows its offline form (reads nothing when off).
        let closed = self.business_hours_closed(chrono::Utc::now()).await?;
        let mut conn = self.store().read().await?;
        let mut exec = conn.exec();
        // Only departments someone can answer in: enabled, with at least one agent.
        let departments: Vec<Value> = exec
            .widget_departments()
            .await?
            .into_iter()
            .map(|d| {
                json!({
                    "_id": d.id,
                    "name": d.name,
                    "showOnRegistration": d.show_on_registration,
                    "showOnOfflineForm": d.show_on_offline_form,
                })
            })
            .collect();
        let triggers: Vec<Value> = exec
            .enabled_triggers()
            .await?
            .into_iter()
            .map(|t| json!({ "_id": t["_id"], "actions": t["actions"], "conditions": t["conditions"], "runOnce": t["runOnce"] }))
            .collect();

        // The registration form's extra fields: Rocket.Chat offers the public, visible,
        // visitor-scope ones.
        let custom_fields: Vec<Value> = exec
            .custom_fields()
            .await?
            .into_iter()
            .filter(|f| {
                f.public && f.visibility == "visible" && f.scope == CustomFieldScope::Visitor
            })
            .map(|f| {
                json!({
                    "_id": f.id,
                    "label": f.label,
                    "regexp": f.regexp,
                    "required": f.required,
                    "type": f.field_type,
                    "defaultValue": f.default_value,
                    "options": f.options,
                })
            })
            .collect();

        let manual_routing = settings.str("Livechat_Routing_Method") == "Manual_Selection";
        let limit_text_length = if settings.bool("Livechat_enable_message_character_limit") {
            match settings.int("Livechat_message_character_limit") {
                0 => settings.get("Message_MaxAllowedSize").clone(),
                limit => json!(limit),
            }
        } else {
            json!(false)
        };
        let mut config = json!({
            "enabled": true,
            "settings": {
                "registrationForm": settings.bool("Livechat_registration_form"),
                "allowSwitchingDepartments": settings.bool("Livechat_allow_switching_departments"),
                "nameFieldRegistrationForm": settings.bool("Livechat_name_field_registration_form"),
                "emailFieldRegistrationForm": settings.bool("Livechat_email_field_registration_form"),
                "displayOfflineForm": settings.bool("Livechat_display_offline_form"),
                "videoCall": settings.bool("Livechat_videocall_enabled"),
                "fileUpload": settings.bool("Livechat_fileupload_enabled") && settings.bool("FileUpload_Enabled"),
                "language": settings.str("Language"),
                "transcript": settings.bool("Livechat_enable_transcript"),
                "historyMonitorType": settings.str("Livechat_history_monitor_type"),
                "forceAcceptDataProcessingConsent": settings.bool("Livechat_force_accept_data_processing_consent"),
                "showConnecting": manual_routing,
                "agentHiddenInfo": !settings.bool("Livechat_show_agent_info"),
                "clearLocalStorageWhenChatEnded": settings.bool("Livechat_clear_local_storage_when_chat_ended"),
                "limitTextLength": limit_text_length,
            },
            "theme": {
                "title": settings.str("Livechat_title"),
                "color": settings.str("Livechat_title_color"),
                "offlineTitle": settings.str("Livechat_offline_title"),
                "offlineColor": settings.str("Livechat_offline_title_color"),
                "position": settings.str("Livechat_widget_position"),
                "actionLinks": action_links(),
            },
            "messages": {
                "offlineMessage": settings.str("Livechat_offline_message"),
                "offlineSuccessMessage": settings.str("Livechat_offline_success_message"),
                "offlineUnavailableMessage": settings.str("Livechat_offline_form_unavailable"),
                "conversationFinishedMessage": settings.str("Livechat_conversation_finished_message"),
                "conversationFinishedText": settings.str("Livechat_conversation_finished_text"),
                "transcriptMessage": settings.str("Livechat_transcript_message"),
                "registrationFormMessage": settings.str("Livechat_registration_form_message"),
                "dataProcessingConsentText": settings.str("Livechat_data_processing_consent_text"),
            },
            "survey": {
                "items": ["satisfaction", "agentKnowledge", "agentResposiveness", "agentFriendliness"],
                "values": ["1", "2", "3", "4", "5"],
            },
            "triggers": triggers,
            "departments": departments,
            "customFields": custom_fields,
            "resources": {
                "sound": format!("{}/sounds/chime.mp3", self.site_url()),
                "emojis": [],
            },
            "online": !closed
                && (settings.bool("Livechat_accept_chats_with_no_agents")
                    || exec.any_agent_available(department.filter(|d| !d.is_empty())).await?),
        });

        if let Some(token) = token {
            if let Some(visitor) = exec.visitor_by_token(token).await? {
                let mut extra = Map::new();
                extra.insert(
                    "guest".into(),
                    json!({
                        "_id": visitor.id,
                        "name": visitor.name,
                        "username": visitor.username,
                        "token": visitor.token,
                        "visitorEmails": visitor.visitor_emails,
                        "department": visitor.department,
                    }),
                );
                if let Some(room) = exec.open_room_of_token(token).await? {
                    if let Some(served_by) = &room.served_by {
                        if let Some(agent) = exec.user_by_id(&served_by.id).await? {
                            extra.insert("agent".into(), agent_info(&agent, &settings));
                        }
                    }
                    if room.served_by.is_none() {
                        if let Some(info) = queue_info(&mut exec, &room.id, &settings).await? {
                            extra.insert("queueInfo".into(), info);
                        }
                    }
                    extra.insert(
                        "room".into(),
                        json!({
                            "_id": room.id,
                            "departmentId": room.department_id,
                            "servedBy": room.served_by,
                            "open": true,
                        }),
                    );
                }
                if let Value::Object(config) = &mut config {
                    config.extend(extra);
                }
            }
        }
        Ok(config)
    }

    /// `GET livechat/agent.info/:rid/:token`: the agent serving the visitor's room.
    pub async fn serving_agent(&self, rid: &str, token: &str) -> ApiResult<Value> {
        let mut conn = self.store().read().await?;
        let mut exec = conn.exec();
        exec.visitor_by_token(token)
            .await?
            .ok_or(ApiError::Code("invalid-token"))?;
        let room = match exec.room_by_id(rid).await? {
            Some(room) if room.v.token == token => room,
            _ => return Err(ApiError::Code("invalid-room")),
        };
        let agent_id = room
            .served_by
            .map(|s| s.id)
            .ok_or(ApiError::Code("invalid-agent"))?;
        let agent = exec
            .user_by_id(&agent_id)
            .await?
            .ok_or(ApiError::Code("invalid-agent"))?;
        Ok(agent_info(&agent, &self.settings()))
    }

    /// `GET livechat/agent.next/:token`: who would take the visitor's next chat. `None` when
    /// the visitor already has an open room (Rocket.Chat then answers without an agent).
    pub async fn next_agent(
        &self,
        token: &str,
        department: Option<&str>,
    ) -> ApiResult<Option<Value>> {
        validate::required("token", Some(token), limits::TOKEN)?;
        let mut conn = self.store().read().await?;
        if conn.exec().open_room_of_token(token).await?.is_some() {
            return Ok(None);
        }
        let settings = self.settings();
        if !super::routing::auto_routing(&settings) {
            return Err(ApiError::Code("agent-not-found"));
        }
        let department = department.filter(|d| !d.is_empty());
        let agent = conn
            .exec()
            .next_available_agent(department, super::routing::global_limit(&settings))
            .await?
            .ok_or(ApiError::Code("agent-not-found"))?;
        Ok(Some(agent_info(&agent, &settings)))
    }
}

impl Livechat {
    /// The `queueData` of a room for its visitor's widget: where its chat waits, or `None`
    /// when it does not wait (served, closed, unknown).
    pub async fn queue_data(&self, rid: &str) -> ApiResult<Option<Value>> {
        let settings = self.settings();
        let mut conn = self.store().read().await?;
        queue_info(&mut conn.exec(), rid, &settings).await
    }
}

/// Where a waiting chat stands (`config.queueInfo`): its 1-based `spot` in the queue it waits
/// in, and the waiting message when one is set. `None` unless the chat is queued.
async fn queue_info(
    exec: &mut Exec<'_>,
    rid: &str,
    settings: &Settings,
) -> ApiResult<Option<Value>> {
    let Some(inquiry) = exec
        .inquiry_by_room(rid)
        .await?
        .filter(|i| i.status == InquiryStatus::Queued)
    else {
        return Ok(None);
    };
    let spot = exec.queue_position(&inquiry).await?;
    let mut info = json!({ "spot": spot });
    let message = settings.str("Livechat_waiting_queue_message");
    if !message.is_empty() {
        info["message"] =
            json!({ "text": message, "user": { "_id": "rocket.cat", "username": "rocket.cat" } });
    }
    Ok(Some(info))
}

/// What visitors see of an agent (reference §2.15).
pub(super) fn agent_info(agent: &User, settings: &Settings) -> Value {
    if !settings.bool("Livechat_show_agent_info") {
        return json!({ "hiddenInfo": true });
    }
    let mut info = json!({
        "_id": agent.id,
        "name": agent.name,
        "username": agent.username,
        "status": agent.status,
    });
    if settings.bool("Livechat_show_agent_email") {
        info["emails"] = json!(agent.emails);
    }
    info
}

/// The call action links the widget renders (Rocket.Chat 6 shape).
fn action_links() -> Value {
    json!({
        "webrtc": [
            { "actionLinksAlignment": "flex-start", "i18nLabel": "Join_call", "label": "Join call", "method_id": "joinLivechatWebRTCCall" },
            { "i18nLabel": "End_call", "label": "End call", "method_id": "endLivechatWebRTCCall", "danger": true },
        ],
        "jitsi": [
            { "icon": "icon-videocam", "i18nLabel": "Accept" },
            { "icon": "icon-cancel", "i18nLabel": "Decline" },
        ],
    })
}
