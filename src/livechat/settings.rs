//! Rocket.Chat's `Livechat_*` (and a few core) settings that change behaviour: their defaults
//! (reference §5.10), overlaid with the values stored in the `settings` table.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::lead_capture::LeadPatterns;

/// Every setting the server knows, with its default. Unknown ids are not settings.
pub fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("Livechat_enabled", json!(true)),
        // Outside the default business hour (`livechat/business-hour`) agents cannot become
        // available, those available are paused, and the widget shows its offline form.
        ("Livechat_enable_business_hours", json!(false)),
        ("Livechat_Routing_Method", json!("Auto_Selection")),
        // Rocket.Chat defaults this to false and refuses chats while no agent is online; this
        // server queues them instead, so a fresh install works before agents exist.
        ("Livechat_accept_chats_with_no_agents", json!(true)),
        // Open chats an agent serves at once (0: no limit); an agent's own limit wins.
        ("Livechat_maximum_chats_per_agent", json!(0)),
        // Shown to a visitor waiting in the queue (`config.queueInfo.message`); empty: none.
        ("Livechat_waiting_queue_message", json!("")),
        ("Livechat_show_agent_info", json!(true)),
        ("Livechat_show_agent_email", json!(true)),
        ("Livechat_registration_form", json!(true)),
        ("Livechat_name_field_registration_form", json!(true)),
        ("Livechat_email_field_registration_form", json!(true)),
        ("Livechat_allow_switching_departments", json!(true)),
        ("Livechat_display_offline_form", json!(true)),
        ("Livechat_offline_email", json!("")),
        ("Livechat_offline_title", json!("Leave a message")),
        ("Livechat_offline_title_color", json!("#666666")),
        ("Livechat_offline_message", json!("")),
        ("Livechat_offline_success_message", json!("")),
        ("Livechat_offline_form_unavailable", json!("")),
        ("Livechat_title", json!("Rocket.Chat")),
        ("Livechat_title_color", json!("#C1272D")),
        ("Livechat_widget_position", json!("right")),
        ("Livechat_hide_watermark", json!(false)),
        ("Livechat_background", json!("")),
        ("Livechat_history_monitor_type", json!("url")),
        ("Livechat_Visitor_navigation_as_a_message", json!(false)),
        (
            "Livechat_Allow_collect_and_store_HTTP_header_informations",
            json!(false),
        ),
        ("Livechat_enable_message_character_limit", json!(false)),
        ("Livechat_message_character_limit", json!(0)),
        ("Livechat_fileupload_enabled", json!(true)),
        ("Livechat_enable_transcript", json!(false)),
        ("Livechat_transcript_message", json!("")),
        ("Livechat_conversation_finished_message", json!("")),
        ("Livechat_conversation_finished_text", json!("")),
        ("Livechat_registration_form_message", json!("")),
        (
            "Livechat_force_accept_data_processing_consent",
            json!(false),
        ),
        ("Livechat_data_processing_consent_text", json!("")),
        ("Livechat_clear_local_storage_when_chat_ended", json!(false)),
        ("Livechat_videocall_enabled", json!(false)),
        // An agent's `room.closeByUser` must carry a comment (`error-comment-is-required`).
        (
            "Livechat_request_comment_when_closing_conversation",
            json!(false),
        ),
        // Rocket.Chat's MX check of the offline form's e-mail (reference §2.x). Rocket.Chat
        // defaults it to true; here it is off by default because a lookup needs a reachable
        // resolver, and when none answers the address is accepted (see `email_domain.rs`).
        ("Livechat_validate_offline_email", json!(false)),
        // The CRM webhooks (`webhook_events.rs`, sent by `outbox::webhook`): the URL and the
        // secret are read at each attempt; the switches when the cause happens.
        ("Livechat_webhookUrl", json!("")),
        ("Livechat_secret_token", json!("")),
        ("Livechat_http_timeout", json!(5000)),
        ("Livechat_webhook_on_start", json!(false)),
        ("Livechat_webhook_on_close", json!(false)),
        ("Livechat_webhook_on_chat_taken", json!(false)),
        ("Livechat_webhook_on_chat_queued", json!(false)),
        ("Livechat_webhook_on_forward", json!(false)),
        ("Livechat_webhook_on_offline_msg", json!(false)),
        ("Livechat_webhook_on_visitor_message", json!(false)),
        ("Livechat_webhook_on_agent_message", json!(false)),
        ("Livechat_webhook_on_capture", json!(false)),
        // Lead capture (`lead_capture.rs`): e-mails and phones found in visitor messages.
        (
            "Livechat_lead_email_regex",
            json!(super::lead_capture::DEFAULT_EMAIL_REGEX),
        ),
        (
            "Livechat_lead_phone_regex",
            json!(super::lead_capture::DEFAULT_PHONE_REGEX),
        ),
        // Page views in webhook payloads (with `Livechat_Visitor_navigation_as_a_message`).
        (
            "Send_visitor_navigation_history_livechat_webhook_request",
            json!(false),
        ),
        // The REST limiter of the visitor API (`http::rate_limit`): on/off, and its allowance of
        // calls per period. 0 calls means "as configured" (`rate_limit_per_minute` and
        // `rate_limit_burst`), so a fresh install keeps the configured limiter; Rocket.Chat's
        // defaults (10 per 60000 ms per route) would throttle the widget's own polling.
        ("API_Enable_Rate_Limiter", json!(true)),
        ("API_Enable_Rate_Limiter_Limit_Calls_Default", json!(0)),
        ("API_Enable_Rate_Limiter_Limit_Time_Default", json!(60000)),
        // Whether managers may delete departments (`DELETE livechat/department/:_id`).
        ("Omnichannel_enable_department_removal", json!(false)),
        // Outgoing mail (`crate::mail`). Empty (or port 0): the config file's / environment's
        // value. `SMTP_Password` is never shown by `GET settings/:id`.
        ("SMTP_Protocol", json!("")),
        ("SMTP_Host", json!("")),
        ("SMTP_Port", json!(0)),
        ("SMTP_Username", json!("")),
        ("SMTP_Password", json!("")),
        ("SMTP_IgnoreTLS", json!(false)),
        ("From_Email", json!("")),
        ("Language", json!("en")),
        ("Message_AllowEditing", json!(true)),
        ("Message_AllowDeleting", json!(true)),
        ("Message_MaxAllowedSize", json!(5000)),
        // Uploads (`livechat/upload`, `rooms.media`): on, at most 100 MiB (-1: no limit),
        // any type but SVG (a script-carrying image); `image/*`-style entries match families.
        ("FileUpload_Enabled", json!(true)),
        ("FileUpload_MaxFileSize", json!(104_857_600)),
        ("FileUpload_MediaTypeWhiteList", json!("")),
        ("FileUpload_MediaTypeBlackList", json!("image/svg+xml")),
    ]
}

/// A snapshot of every setting's effective value.
#[derive(Clone, Debug)]
pub struct Settings {
    values: HashMap<&'static str, Value>,
    /// Compiled at first use; a new snapshot (any settings change) compiles them again.
    lead_patterns: OnceLock<LeadPatterns>,
}

impl Settings {
    /// The defaults overlaid with stored values; stored values of unknown ids are ignored.
    pub fn from_stored(stored: Vec<(String, Value)>) -> Settings {
        let mut values: HashMap<&'static str, Value> = defaults().into_iter().collect();
        for (id, value) in stored {
            if let Some((key, _)) = values.get_key_value(id.as_str()) {
                let key = *key;
                values.insert(key, value);
            }
        }
        Settings {
            values,
            lead_patterns: OnceLock::new(),
        }
    }

    /// `Livechat_lead_email_regex` and `Livechat_lead_phone_regex`, compiled.
    pub fn lead_patterns(&self) -> &LeadPatterns {
        self.lead_patterns.get_or_init(|| LeadPatterns::of(self))
    }

    pub fn get(&self, id: &str) -> &Value {
        self.values.get(id).unwrap_or(&Value::Null)
    }

    pub fn bool(&self, id: &str) -> bool {
        self.get(id).as_bool().unwrap_or(false)
    }

    pub fn str(&self, id: &str) -> &str {
        self.get(id).as_str().unwrap_or("")
    }

    pub fn int(&self, id: &str) -> i64 {
        self.get(id).as_i64().unwrap_or(0)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_stored(Vec::new())
    }
}
