//! Lead capture (Rocket.Chat's `afterSaveMessage` hook): e-mail addresses and phone numbers a
//! visitor writes in a message are added to the visitor (`visitorEmails`, `phone`), and the CRM
//! hears of it (`LeadCapture`, `Livechat_webhook_on_capture`). The patterns are the settings
//! `Livechat_lead_email_regex` (matched ignoring case) and `Livechat_lead_phone_regex`; one
//! that does not compile (Rocket.Chat's are JavaScript) captures nothing.

use regex::Regex;

use super::Settings;
use crate::model::{EmailAddress, PhoneNumber, Visitor};
use crate::time::Timestamp;

/// Rocket.Chat's default e-mail pattern.
pub const DEFAULT_EMAIL_REGEX: &str = r"\b[A-Z0-9._%+-]+@(?:[A-Z0-9-]+\.)+[A-Z]{2,4}\b";
/// Rocket.Chat's default phone pattern without its look-ahead (`(?=[^0-9])|$`), which the
/// `regex` crate lacks: [`found`] drops a match followed by a digit instead.
pub const DEFAULT_PHONE_REGEX: &str = r"((?:\([0-9]{1,3}\)|[0-9]{2})[ \-]*?[0-9]{4,5}(?:[\-\s_]{1,2})?[0-9]{4}|[0-9]{4,5}(?:[\-\s_]{1,2})?[0-9]{4})";

/// What a message held.
#[derive(Debug, Default)]
pub struct Lead {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
}

/// The two patterns, compiled once per settings snapshot ([`Settings::lead_patterns`]): a
/// visitor message is matched against them inside the write that stores it, and compiling
/// them there cost more than the rest of the message's work.
#[derive(Clone, Debug, Default)]
pub struct LeadPatterns {
    email: Option<Regex>,
    phone: Option<Regex>,
}

impl LeadPatterns {
    /// The patterns of `settings`; a blank or unusable one is left out.
    pub fn of(settings: &Settings) -> LeadPatterns {
        let pattern = |id: &str, ignore_case: bool| {
            let source = settings.str(id);
            if source.trim().is_empty() {
                return None;
            }
            let source = if ignore_case {
                format!("(?i){source}")
            } else {
                source.to_string()
            };
            Regex::new(&source)
                .inspect_err(
                    |err| tracing::warn!(setting = id, error = %err, "lead pattern unusable"),
                )
                .ok()
        };
        LeadPatterns {
            email: pattern("Livechat_lead_email_regex", true),
            phone: pattern("Livechat_lead_phone_regex", false),
        }
    }
}

/// The e-mail addresses and phone numbers in `text`; `None` when there are none.
pub fn found(settings: &Settings, text: &str) -> Option<Lead> {
    let patterns = settings.lead_patterns();
    let mut lead = Lead::default();
    if let Some(email) = &patterns.email {
        lead.emails = email
            .find_iter(text)
            .map(|m| m.as_str().trim().to_lowercase())
            .collect();
    }
    if let Some(phone) = &patterns.phone {
        lead.phones = phone
            .find_iter(text)
            .filter(|m| !text[m.end()..].starts_with(|c: char| c.is_ascii_digit()))
            .map(|m| m.as_str().split_whitespace().collect::<String>())
            .collect();
    }
    (!lead.emails.is_empty() || !lead.phones.is_empty()).then_some(lead)
}

/// Adds what is new of `lead` to the visitor (Rocket.Chat's `$addToSet`); whether it changed.
pub fn add_to_visitor(visitor: &mut Visitor, lead: &Lead, now: Timestamp) -> bool {
    let mut changed = false;
    let emails = visitor.visitor_emails.get_or_insert_with(Vec::new);
    for email in &lead.emails {
        if !emails.iter().any(|e| e.address.eq_ignore_ascii_case(email)) {
            emails.push(EmailAddress {
                address: email.clone(),
            });
            changed = true;
        }
    }
    if emails.is_empty() {
        visitor.visitor_emails = None;
    }
    let phones = visitor.phone.get_or_insert_with(Vec::new);
    for phone in &lead.phones {
        if !phones.iter().any(|p| &p.phone_number == phone) {
            phones.push(PhoneNumber {
                phone_number: phone.clone(),
            });
            changed = true;
        }
    }
    if phones.is_empty() {
        visitor.phone = None;
    }
    if changed {
        visitor.updated_at = now;
    }
    changed
}
