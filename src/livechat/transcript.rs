//! Chat transcripts by e-mail (reference §2, REST §2.18): the visitor's `POST
//! livechat/transcript` (mailed now, open or closed room), an agent's request (`POST` /
//! `DELETE livechat/transcript/:rid`, `room.closeByUser`'s `transcriptEmail`) mailed when the
//! room closes, in the close transaction. Each mailing leaves a `livechat_transcript_history`
//! system message in the room.
//!
//! Bodies are in English and times in UTC (the server knows neither the visitor's language
//! nor time zone reliably); everything people wrote is escaped in the HTML part.

use serde_json::{json, Value};

use super::agent_chat::may_act_in;
use super::validate::{self, limits};
use super::{Livechat, Settings};
use crate::accounts::permissions::permission::VIEW_LIVECHAT_ROOMS;
use crate::error::{ApiError, ApiResult};
use crate::mail::html::{escape, escape_lines};
use crate::mail::Mail;
use crate::model::{Message, Room, User, UserRef, Visitor, ROCKET_CAT};
use crate::store::{Exec, HistoryQuery};
use crate::time::Timestamp;

pub const TRANSCRIPT_SENT: &str = "Livechat transcript sent";
/// Rocket.Chat's `Transcript_of_your_livechat_conversation`.
pub const DEFAULT_SUBJECT: &str = "Transcript of your livechat conversation";
/// The most messages a transcript holds (the latest ones).
const MAX_MESSAGES: i64 = 5000;
const SUBJECT_CHARS: usize = 1024;

/// `room.closeByUser`'s `transcriptEmail`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptEmail {
    pub send_to_visitor: bool,
    pub request_data: Option<TranscriptRequestData>,
}

#[derive(Debug, serde::Deserialize)]
pub struct TranscriptRequestData {
    pub email: Option<String>,
    pub subject: Option<String>,
}

impl Livechat {
    /// `POST livechat/transcript {token, rid, email}`.
    pub async fn send_visitor_transcript(
        &self,
        token: Option<&str>,
        rid: Option<&str>,
        email: Option<&str>,
    ) -> ApiResult<()> {
        let token = validate::required("token", token, limits::TOKEN)?;
        let rid = validate::required("rid", rid, limits::ID)?;
        let email = validate::required("email", email, limits::EMAIL)?.trim();
        if !validate::is_email(email) {
            return Err(ApiError::meteor(
                "error-invalid-email",
                "Invalid email address",
            ));
        }
        let settings = self.settings();
        let mut tx = self.store().begin().await?;
        let visitor = tx
            .exec()
            .visitor_by_token(token)
            .await?
            .ok_or(ApiError::Code("error-invalid-token"))?;
        let room = tx
            .exec()
            .room_for_update(rid)
            .await?
            .filter(|r| r.t == "l" && r.v.token == token)
            .ok_or(ApiError::Code("error-invalid-room"))?;
        let request_data = json!({
            "type": "visitor",
            "visitor": visitor_ref(&visitor),
            "user": { "_id": ROCKET_CAT, "username": ROCKET_CAT },
        });
        mail_transcript(
            &mut tx.exec(),
            &settings,
            &room,
            email,
            DEFAULT_SUBJECT,
            request_data,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(rid, "visitor transcript queued");
        Ok(())
    }

    /// `POST livechat/transcript/:rid {email, subject}`: mail the transcript when it closes.
    pub async fn request_transcript(
        &self,
        user: &User,
        rid: &str,
        email: Option<&str>,
        subject: Option<&str>,
    ) -> ApiResult<()> {
        let email = validate::required("email", email, limits::EMAIL)?.trim();
        let subject = validate::required("subject", subject, SUBJECT_CHARS)?;
        if !validate::is_email(email) {
            return Err(ApiError::meteor("error-invalid-email", "Invalid email"));
        }
        let mut tx = self.store().begin().await?;
        let mut room = open_room(&mut tx.exec(), rid)
            .await?
            .ok_or_else(|| ApiError::meteor("error-invalid-room", "Invalid room"))?;
        if !may_act_in(self.permissions(), user, &room, VIEW_LIVECHAT_ROOMS) {
            return Err(ApiError::Code("error-not-allowed"));
        }
        if room.transcript_request.is_some() {
            return Err(ApiError::meteor(
                "error-transcript-already-requested",
                "Transcript already requested",
            ));
        }
        room.transcript_request = Some(transcript_request(user, email, subject));
        room.updated_at = Timestamp::now();
        tx.exec().save_room(&room).await?;
        tx.commit().await?;
        tracing::info!(rid, by = %user.username, "transcript requested");
        Ok(())
    }

    /// `DELETE livechat/transcript/:rid`.
    pub async fn cancel_transcript_request(&self, user: &User, rid: &str) -> ApiResult<()> {
        let mut tx = self.store().begin().await?;
        let mut room = open_room(&mut tx.exec(), rid)
            .await?
            .ok_or(ApiError::Code("error-invalid-room"))?;
        if !may_act_in(self.permissions(), user, &room, VIEW_LIVECHAT_ROOMS) {
            return Err(ApiError::Code("error-not-allowed"));
        }
        if room.transcript_request.take().is_none() {
            return Err(ApiError::Code("error-transcript-not-requested"));
        }
        room.updated_at = Timestamp::now();
        tx.exec().save_room(&room).await?;
        tx.commit().await?;
        tracing::info!(rid, by = %user.username, "transcript request cancelled");
        Ok(())
    }
}

/// `room.closeByUser`'s `transcriptEmail` applied to the room before it closes:
/// `sendToVisitor: false` cancels a request, `true` makes one (to `requestData`'s address, or
/// the visitor's first e-mail).
pub(super) fn apply_close_option(
    room: &mut Room,
    visitor: Option<&Visitor>,
    user: &User,
    option: &TranscriptEmail,
) -> ApiResult<()> {
    if !option.send_to_visitor {
        room.transcript_request = None;
        return Ok(());
    }
    let data = option.request_data.as_ref();
    let email = match data.and_then(|d| d.email.as_deref()) {
        Some(email) => Some(
            validate::required(
                "transcriptEmail.requestData.email",
                Some(email),
                limits::EMAIL,
            )?
            .trim()
            .to_string(),
        ),
        None => visitor.and_then(Visitor::email).map(str::to_string),
    };
    let Some(email) = email.filter(|e| validate::is_email(e)) else {
        return Err(ApiError::meteor("error-invalid-email", "Invalid email"));
    };
    let subject = match data.and_then(|d| d.subject.as_deref()) {
        Some(subject) => validate::required(
            "transcriptEmail.requestData.subject",
            Some(subject),
            SUBJECT_CHARS,
        )?,
        None => DEFAULT_SUBJECT,
    };
    room.transcript_request = Some(transcript_request(user, &email, subject));
    Ok(())
}

/// At close (in its transaction): mails the transcript an agent asked for, if any.
pub(super) async fn mail_requested_transcript(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &Room,
) -> ApiResult<()> {
    let Some(request) = &room.transcript_request else {
        return Ok(());
    };
    let (Some(email), subject) = (
        request["email"].as_str(),
        request["subject"].as_str().unwrap_or(DEFAULT_SUBJECT),
    ) else {
        return Ok(());
    };
    let visitor = exec.visitor_by_token(&room.v.token).await?;
    let request_data = json!({
        "type": "user",
        "visitor": visitor.as_ref().map(visitor_ref),
        "user": request["requestedBy"],
    });
    mail_transcript(exec, settings, room, email, subject, request_data).await?;
    tracing::info!(rid = %room.id, "requested transcript queued at close");
    Ok(())
}

fn transcript_request(user: &User, email: &str, subject: &str) -> Value {
    json!({
        "email": email,
        "subject": subject,
        "requestedAt": Timestamp::now(),
        "requestedBy": {
            "_id": user.id,
            "username": user.username,
            "name": user.name,
            "utcOffset": 0,
        },
    })
}

fn visitor_ref(visitor: &Visitor) -> Value {
    json!({ "_id": visitor.id, "username": visitor.username, "name": visitor.name })
}

async fn open_room(exec: &mut Exec<'_>, rid: &str) -> ApiResult<Option<Room>> {
    Ok(exec
        .room_for_update(rid)
        .await?
        .filter(|r| r.t == "l" && r.is_open()))
}

/// Queues the transcript of `room` to `email` and records the `livechat_transcript_history`
/// message, in the caller's transaction.
async fn mail_transcript(
    exec: &mut Exec<'_>,
    settings: &Settings,
    room: &Room,
    email: &str,
    subject: &str,
    request_data: Value,
) -> ApiResult<()> {
    let mut messages = exec
        .room_history(&HistoryQuery {
            rid: &room.id,
            before: None,
            offset: 0,
            limit: MAX_MESSAGES,
        })
        .await?;
    messages.reverse();
    let lines: Vec<Line> = messages
        .iter()
        .filter(|m| m.t.is_none() && !m.msg.is_empty())
        .map(|m| Line {
            author: author_label(m, settings.bool("Livechat_show_agent_info")),
            time: format_time(m.ts),
            text: &m.msg,
        })
        .collect();
    let mail = Mail {
        to: vec![email.to_string()],
        from_name: None,
        reply_to: None,
        subject: subject.replace(['\r', '\n'], " "),
        text: render_text(&lines),
        html: render_html(&lines),
    };
    crate::mail::queue(exec, &mail, "chat transcript").await?;
    let now = Timestamp::now();
    let mut history = Message::system(
        "livechat_transcript_history",
        &room.id,
        String::new(),
        UserRef {
            id: ROCKET_CAT.into(),
            username: ROCKET_CAT.into(),
            name: None,
        },
        now,
    );
    history.request_data = Some(request_data);
    exec.insert_message(&history).await?;
    Ok(())
}

struct Line<'a> {
    author: String,
    time: String,
    text: &'a str,
}

/// Visitor messages are "You"; an agent's carry its name unless `Livechat_show_agent_info`
/// hides who answered.
fn author_label(message: &Message, show_agent_info: bool) -> String {
    if message.token.is_some() {
        "You".into()
    } else if show_agent_info {
        message
            .u
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| message.u.username.clone())
    } else {
        "Agent".into()
    }
}

/// Like moment's `LLL` in English, in UTC: "March 5, 2026 2:07 PM UTC".
fn format_time(ts: Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(ts.millis())
        .map(|t| t.format("%B %-d, %Y %-I:%M %p UTC").to_string())
        .unwrap_or_default()
}

fn render_text(lines: &[Line<'_>]) -> String {
    let mut text = format!("{DEFAULT_SUBJECT}\n\n");
    for line in lines {
        text.push_str(&format!(
            "{} ({}):\n{}\n\n",
            line.author, line.time, line.text
        ));
    }
    text
}

fn render_html(lines: &[Line<'_>]) -> String {
    let mut html = String::from("<div>");
    for line in lines {
        html.push_str(&format!(
            "<p><strong>{}</strong> <em>{}</em></p><p>{}</p>",
            escape(&line.author),
            escape(&line.time),
            escape_lines(line.text)
        ));
    }
    html.push_str("</div>");
    html
}
