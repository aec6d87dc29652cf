//! The "leave a message" form (`POST livechat/offline.message`, reference §2.13). Messages are
//! stored durably with their department, and mailed (`offline_mail.rs`) through the outbox in
//! the same transaction.

use serde::Deserialize;
use serde_json::json;

use super::offline_mail::{offline_mail, offline_recipients, OfflineForm};
use super::validate::{self, limits};
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::time::Timestamp;

pub const OFFLINE_MESSAGE_SENT: &str = "Livechat offline message sent";

#[derive(Debug, Deserialize)]
pub struct OfflineMessage {
    pub name: Option<String>,
    pub email: Option<String>,
    pub message: Option<String>,
    pub department: Option<String>,
    pub host: Option<String>,
}

impl Livechat {
    pub async fn leave_offline_message(&self, input: &OfflineMessage) -> ApiResult<()> {
        let name = validate::required("name", input.name.as_deref(), limits::NAME)?;
        let email = validate::required("email", input.email.as_deref(), limits::EMAIL)?
            .trim()
            .to_lowercase();
        let text =
            validate::required("message", input.message.as_deref(), limits::OFFLINE_MESSAGE)?;
        let host = validate::optional("host", input.host.as_deref(), limits::URL)?;
        let department = validate::optional(
            "department",
            input.department.as_deref(),
            limits::DEPARTMENT,
        )?
        .filter(|d| !d.is_empty());
        if !self.settings().bool("Livechat_display_offline_form") {
            return Err(ApiError::meteor(
                "error-offline-form-disabled",
                "The offline form is disabled",
            ));
        }
        if !validate::is_email(&email) {
            return Err(ApiError::meteor(
                "error-invalid-email-address",
                "Invalid email address",
            ));
        }
        if self.settings().bool("Livechat_validate_offline_email") {
            self.check_mail_domain(&email).await?;
        }
        let mut tx = self.store().begin().await?;
        let department =
            match department {
                Some(key) => Some(tx.exec().department_by_id_or_name(key).await?.ok_or_else(
                    || {
                        ApiError::meteor(
                            "error-invalid-department",
                            "The provided department is invalid",
                        )
                    },
                )?),
                None => None,
            };
        let id = ids::random_id();
        let now = Timestamp::now();
        let doc = json!({
            "_id": id,
            "name": name,
            "email": email,
            "message": text,
            "department": department.as_ref().map(|d| &d.id),
            "host": host,
            "ts": now,
        });
        tx.exec()
            .insert_offline_message(&id, department.as_ref().map(|d| d.id.as_str()), now, &doc)
            .await?;
        let to = offline_recipients(
            department.as_ref(),
            self.settings().str("Livechat_offline_email"),
        );
        let mailed = !to.is_empty();
        if mailed {
            let form = OfflineForm {
                name,
                email: &email,
                message: text,
                host,
            };
            crate::mail::queue(&mut tx.exec(), &offline_mail(&form, to), "offline message").await?;
        }
        super::webhook_events::queue_offline_message(
            &mut tx.exec(),
            &self.settings(),
            name,
            &email,
            text,
            now,
        )
        .await?;
        tx.commit().await?;
        if mailed {
            tracing::info!(id, "offline message stored, mail queued");
        } else {
            tracing::info!(
                id,
                "offline message stored; not mailed: no department e-mail or Livechat_offline_email"
            );
        }
        Ok(())
    }
}

impl Livechat {
    /// Rocket.Chat's MX check: a domain the resolver says cannot receive mail is refused as
    /// an invalid address; without a resolver's answer the address is accepted.
    async fn check_mail_domain(&self, email: &str) -> ApiResult<()> {
        let (Some(resolver), Some((_, domain))) = (self.dns_resolver(), email.rsplit_once('@'))
        else {
            return Ok(());
        };
        match super::email_domain::check_domain(resolver, domain).await {
            super::email_domain::DomainVerdict::NoMailServer => Err(ApiError::meteor(
                "error-invalid-email-address",
                "Invalid email address",
            )),
            super::email_domain::DomainVerdict::Reachable => Ok(()),
            super::email_domain::DomainVerdict::Unknown => {
                tracing::debug!(
                    domain,
                    "offline e-mail domain not checked: no resolver answer"
                );
                Ok(())
            }
        }
    }
}
