//! `sendSMTPTestEmail`: Rocket.Chat's "send a test e-mail" button. The mail goes to the
//! caller's own address straight away (not through the outbox), so the administrator reads
//! the mail server's answer at once. Here it needs `edit-privileged-setting`: it is part of
//! configuring SMTP, and should not let any account make the server send mail.

use serde_json::{json, Value};

use super::agent_methods::logged_in;
use super::connection::Connection;
use super::ddp_error::DdpError;
use crate::accounts::permissions::permission::EDIT_PRIVILEGED_SETTING;

/// `sendSMTPTestEmail []` → `{message: "Your_mail_was_sent_to_s", params: [address]}`.
pub async fn send_smtp_test_email(conn: &Connection) -> Result<Value, DdpError> {
    let user = logged_in(conn)
        .await?
        .ok_or_else(|| DdpError::new("error-invalid-user", "Invalid user"))?;
    if !conn
        .rt
        .livechat
        .permissions()
        .has(&user.roles, EDIT_PRIVILEGED_SETTING)
    {
        return Err(DdpError::new("error-not-allowed", "Not allowed"));
    }
    let Some(address) = user.email().map(str::to_string) else {
        return Err(DdpError::new("error-invalid-email", "Invalid email"));
    };
    crate::mail::smtp::send_test(&conn.rt.livechat, &address)
        .await
        .map_err(|reason| {
            tracing::warn!(%reason, "SMTP test mail failed");
            DdpError::new(
                "error-email-send-failed",
                format!("Error trying to send email: {reason}"),
            )
        })?;
    tracing::info!(to = %address, "SMTP test mail sent");
    Ok(json!({ "message": "Your_mail_was_sent_to_s", "params": [address] }))
}
