//! Outgoing e-mail: what a queued mail holds ([`Mail`], the outbox payload of kind `"mail"`),
//! how it is queued in the transaction of its cause ([`queue`]), the SMTP connection built
//! from the settings of the moment ([`smtp::Mailer`]) and the outbox courier that sends it
//! ([`courier::MailCourier`]).
//!
//! A mail is rendered completely when it is queued (recipients, subject, both bodies): what
//! the visitor or agent asked for is what leaves, even if the room changes later. Only the
//! sender address (`From_Email`) and the server are read at send time, so an administrator
//! who fixes the SMTP settings lets the waiting mail through without re-queueing it.

pub mod courier;
pub mod html;
pub mod smtp;

use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::store::{Exec, NewDelivery};

/// The outbox kind of mail.
pub const KIND: &str = "mail";

/// A name and an address (`"name" <address>` once sent).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub address: String,
}

/// One mail as queued: everything but the sender's address (`From_Email`, read when sent).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mail {
    pub to: Vec<String>,
    /// The display name put before `From_Email`'s address (the offline form's
    /// `"<name> - <email>"`); `None`: `From_Email` as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Address>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues `mail` in the current transaction: it leaves only if the transaction commits.
/// `what` says what it is to administrators (`GET livechat/outbox`'s `summary`).
pub async fn queue(exec: &mut Exec<'_>, mail: &Mail, what: &str) -> ApiResult<()> {
    let payload = serde_json::to_value(mail)?;
    let summary = format!("{what} to {}", mail.to.join(", "));
    Ok(exec
        .queue_delivery(&NewDelivery {
            kind: KIND,
            ordering_key: None,
            summary: &summary,
            payload: &payload,
        })
        .await?)
}

/// The addresses of a recipient setting such as `Livechat_offline_email` or a department's
/// e-mail: comma or semicolon separated, blanks ignored.
pub fn recipients(list: &str) -> Vec<String> {
    list.split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}
