//! The mail an offline message becomes (reference §5): to the department's e-mail, else
//! `Livechat_offline_email`; from `"<name> - <email>"` at `From_Email`'s address, replying to
//! the visitor; Rocket.Chat's subject and body, with everything the visitor typed escaped.

use crate::mail::html::{escape, escape_lines};
use crate::mail::{recipients, Address, Mail};
use crate::model::Department;

/// Subject: the first characters of the message after the name, as Rocket.Chat cuts it.
const SUBJECT_PREVIEW_CHARS: usize = 20;

pub(super) struct OfflineForm<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub message: &'a str,
    pub host: Option<&'a str>,
}

/// Where the offline form's mail goes: the department's e-mail when it has one, else the
/// `Livechat_offline_email` setting. Empty: nobody to tell.
pub(super) fn offline_recipients(department: Option<&Department>, fallback: &str) -> Vec<String> {
    department
        .map(|d| recipients(&d.email))
        .filter(|to| !to.is_empty())
        .unwrap_or_else(|| recipients(fallback))
}

pub(super) fn offline_mail(form: &OfflineForm<'_>, to: Vec<String>) -> Mail {
    let preview: String = form.message.chars().take(SUBJECT_PREVIEW_CHARS).collect();
    let subject = format!("Livechat offline message from {}: {preview}", form.name)
        .replace(['\r', '\n'], " ");
    let mut text = String::from("New livechat message\n\n");
    let mut html = String::from("<h1>New livechat message</h1>");
    if let Some(host) = form.host.filter(|h| !h.is_empty()) {
        text.push_str(&format!("Sent from: {host}\n"));
        html.push_str(&format!(
            "<p><strong>Sent from:</strong> {}</p>",
            escape(host)
        ));
    }
    text.push_str(&format!(
        "Visitor name: {}\nVisitor email: {}\nMessage:\n{}\n",
        form.name, form.email, form.message
    ));
    html.push_str(&format!(
        "<p><strong>Visitor name:</strong> {}</p><p><strong>Visitor email:</strong> {}</p>\
         <p><strong>Message:</strong><br>{}</p>",
        escape(form.name),
        escape(form.email),
        escape_lines(form.message)
    ));
    Mail {
        to,
        from_name: Some(format!("{} - {}", form.name, form.email)),
        reply_to: Some(Address {
            name: Some(form.name.to_string()),
            address: form.email.to_string(),
        }),
        subject,
        text,
        html,
    }
}
