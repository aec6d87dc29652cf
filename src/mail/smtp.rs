//! The SMTP connection: built from the `SMTP_*` settings of the moment (an empty setting falls
//! back to the config file / environment), and rebuilt only when they change, so a
//! `POST settings/:id` takes effect at the next attempt with no restart.

use std::sync::Mutex;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Mail;
use crate::livechat::Livechat;
use crate::outbox::Undelivered;

/// Longest wait for the server at each step of a conversation (connect, each command).
const SERVER_TIMEOUT: Duration = Duration::from_secs(20);

/// What mail is sent with: the effective SMTP settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Implicit TLS from the first byte (`smtps`), else plain SMTP that upgrades with STARTTLS
    /// when the server offers it, unless `ignore_tls`.
    pub implicit_tls: bool,
    pub ignore_tls: bool,
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
    /// `From_Email` as set (a bare address or `Name <address>`).
    pub from_email: String,
}

impl SmtpSettings {
    /// The settings in effect, or why mail cannot be sent with them (retrying may help once
    /// an administrator sets them).
    pub fn current(livechat: &Livechat) -> Result<SmtpSettings, String> {
        let settings = livechat.settings();
        let config = livechat.smtp_config();
        let text = |id: &str, fallback: &Option<String>| -> String {
            let value = settings.str(id).trim();
            if value.is_empty() {
                fallback.as_deref().unwrap_or("").trim().to_string()
            } else {
                value.to_string()
            }
        };
        let host = text("SMTP_Host", &config.host);
        if host.is_empty() {
            return Err("SMTP is not configured (no SMTP_Host)".into());
        }
        let protocol = text("SMTP_Protocol", &config.protocol).to_lowercase();
        let implicit_tls = match protocol.as_str() {
            "" | "smtp" => false,
            "smtps" => true,
            other => return Err(format!("SMTP_Protocol {other:?} is neither smtp nor smtps")),
        };
        let port = match settings.int("SMTP_Port") {
            0 => config.port.unwrap_or(if implicit_tls { 465 } else { 25 }),
            n => u16::try_from(n).map_err(|_| format!("SMTP_Port {n} is not a port"))?,
        };
        let username = text("SMTP_Username", &config.username);
        let password = match settings.str("SMTP_Password") {
            "" => config.password.clone().unwrap_or_default(),
            set => set.to_string(),
        };
        let from_email = text("From_Email", &config.from_email);
        if from_email.is_empty() {
            return Err("SMTP is not configured (no From_Email)".into());
        }
        Ok(SmtpSettings {
            implicit_tls,
            ignore_tls: settings.bool("SMTP_IgnoreTLS") || config.ignore_tls == Some(true),
            host,
            port,
            credentials: (!username.is_empty()).then_some((username, password)),
            from_email,
        })
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let tls_parameters = || {
            TlsParameters::new(self.host.clone())
                .map_err(|err| format!("TLS for {}: {err}", self.host))
        };
        let tls = if self.implicit_tls {
            Tls::Wrapper(tls_parameters()?)
        } else if self.ignore_tls {
            Tls::None
        } else {
            Tls::Opportunistic(tls_parameters()?)
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(SERVER_TIMEOUT));
        if let Some((username, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        Ok(builder.build())
    }

    /// The sender: `From_Email`'s first address, under `name` when given.
    fn sender(&self, name: Option<&str>) -> Result<Mailbox, String> {
        let first = first_address(&self.from_email)
            .ok_or_else(|| format!("From_Email {:?} holds no address", self.from_email))?;
        Ok(match name {
            Some(name) => Mailbox::new(Some(name.to_string()), first.email),
            None => first,
        })
    }
}

/// The first address of a setting like `From_Email` (`a@x`, `Name <a@x>`, `a@x, b@y`).
fn first_address(list: &str) -> Option<Mailbox> {
    if let Ok(mailbox) = list.trim().parse::<Mailbox>() {
        return Some(mailbox);
    }
    list.split(',').find_map(|part| part.trim().parse().ok())
}

/// Sends mail with the current settings; keeps the transport while they stay the same.
pub struct Mailer {
    livechat: Livechat,
    cached: Mutex<Option<(SmtpSettings, AsyncSmtpTransport<Tokio1Executor>)>>,
}

impl Mailer {
    pub fn new(livechat: Livechat) -> Mailer {
        Mailer {
            livechat,
            cached: Mutex::new(None),
        }
    }

    /// One attempt to send `mail`.
    pub async fn send(&self, mail: &Mail) -> Result<(), Undelivered> {
        let smtp = SmtpSettings::current(&self.livechat).map_err(Undelivered::retry)?;
        let message = build_message(&smtp, mail)?;
        let transport = self.transport(&smtp).map_err(Undelivered::retry)?;
        match transport.send(message).await {
            Ok(_) => Ok(()),
            // A 5xx answer (unknown mailbox, refused sender...) will not change by retrying.
            Err(err) if err.is_permanent() => Err(Undelivered::permanent(format!(
                "{}:{} refused the mail: {err}",
                smtp.host, smtp.port
            ))),
            Err(err) => Err(Undelivered::retry(format!(
                "{}:{}: {err}",
                smtp.host, smtp.port
            ))),
        }
    }

    fn transport(&self, smtp: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let mut cached = match self.cached.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((settings, transport)) = cached.as_ref() {
            if settings == smtp {
                return Ok(transport.clone());
            }
        }
        let transport = smtp.transport()?;
        *cached = Some((smtp.clone(), transport.clone()));
        Ok(transport)
    }
}

/// The MIME message of `mail` (plain text and HTML alternatives). An address that cannot be
/// parsed never will be: permanent.
fn build_message(smtp: &SmtpSettings, mail: &Mail) -> Result<Message, Undelivered> {
    let sender = smtp
        .sender(mail.from_name.as_deref())
        .map_err(Undelivered::retry)?;
    let mut builder = Message::builder().from(sender).subject(&mail.subject);
    if let Some(reply_to) = &mail.reply_to {
        let address = reply_to
            .address
            .parse()
            .map_err(|_| Undelivered::permanent(format!("bad Reply-To {:?}", reply_to.address)))?;
        builder = builder.reply_to(Mailbox::new(reply_to.name.clone(), address));
    }
    if mail.to.is_empty() {
        return Err(Undelivered::permanent("no recipient"));
    }
    for to in &mail.to {
        let mailbox: Mailbox = to
            .parse()
            .map_err(|_| Undelivered::permanent(format!("bad recipient {to:?}")))?;
        builder = builder.to(mailbox);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|err| Undelivered::permanent(format!("cannot build the mail: {err}")))
}

/// The settings ids whose values `GET settings/:id` never shows.
pub const SECRET_SETTINGS: [&str; 1] = ["SMTP_Password"];

/// Sends a test mail now, outside the outbox, so the caller sees the server's answer
/// (`sendSMTPTestEmail`).
pub async fn send_test(livechat: &Livechat, to: &str) -> Result<(), String> {
    let mail = Mail {
        to: vec![to.to_string()],
        from_name: None,
        reply_to: None,
        subject: "SMTP Test Email".into(),
        text: "You have successfully sent an email".into(),
        html: "<p>You have successfully sent an email</p>".into(),
    };
    let mailer = Mailer::new(livechat.clone());
    match tokio::time::timeout(super::courier::ATTEMPT_LIMIT, mailer.send(&mail)).await {
        Ok(outcome) => outcome.map_err(|undelivered| undelivered.reason),
        Err(_) => Err("the mail server did not answer in time".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_address_of_from_email() {
        assert_eq!(
            first_address("Desk <desk@example.com>")
                .unwrap()
                .email
                .to_string(),
            "desk@example.com"
        );
        assert_eq!(
            first_address("a@example.com, b@example.com")
                .unwrap()
                .email
                .to_string(),
            "a@example.com"
        );
        assert!(first_address("nobody").is_none());
    }
}
