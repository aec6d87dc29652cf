//! Realtime-visitor sessions, one per visitor token.

use serde_json::json;

use super::error::StoreResult;
use super::primitives::params;
use super::streams::{SESSIONS_EVENT, VISITOR_SESSIONS};
use super::{dispatch, parse_doc, to_doc, Exec};
use crate::ejson::to_ejson;
use crate::model::VisitorSession;

const BY_TOKEN: &str = "SELECT doc FROM visitor_sessions WHERE token = $1";

impl Exec<'_> {
    pub async fn session_by_token(&mut self, token: &str) -> StoreResult<Option<VisitorSession>> {
        let doc = self.fetch_doc(BY_TOKEN, token).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The session of `token`, locked for a read-modify-write in this transaction.
    pub async fn session_for_update(&mut self, token: &str) -> StoreResult<Option<VisitorSession>> {
        let doc = self.fetch_doc_for_update(BY_TOKEN, token).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts or replaces the session of a token.
    pub async fn save_session(&mut self, session: &VisitorSession) -> StoreResult<()> {
        let owner = self.visitor_of_session(&session.token).await?;
        // Sessions saved before `visitorId` existed gain it on their next change.
        let filled;
        let session = match (&session.visitor_id, &owner) {
            (None, Some((visitor_id, _))) => {
                filled = VisitorSession {
                    visitor_id: Some(visitor_id.clone()),
                    ..session.clone()
                };
                &filled
            }
            _ => session,
        };
        let doc = to_doc(session)?;
        const SQL: &str = "INSERT INTO visitor_sessions (id, token, status, updated_at, doc) VALUES ($1, $2, $3, $4, $5) \
                           ON CONFLICT (token) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, doc = excluded.doc";
        self.execute(
            SQL,
            params![
                &session.id,
                &session.token,
                &session.status,
                session.updated_at.millis(),
                &doc
            ],
        )
        .await?;
        let mut event = to_ejson(serde_json::to_value(session)?);
        // The live-visitors stream shows a plain agent only the visitors of its departments
        // (and of none): the event names the visitor's department for that filter.
        if let Some((_, Some(department))) = owner {
            event["department"] = json!(department);
        }
        self.announce_session(json!([{ "type": "changed", "session": event }]))
            .await
    }

    pub async fn delete_session(&mut self, token: &str) -> StoreResult<()> {
        let ids: Vec<String> = dispatch!(self, c => {
            sqlx::query_scalar("DELETE FROM visitor_sessions WHERE token = $1 RETURNING id").bind(token).fetch_all(&mut **c).await?
        });
        for id in ids {
            self.announce_session(json!([{ "type": "removed", "session": { "_id": id } }]))
                .await?;
        }
        Ok(())
    }

    /// The id and department of the visitor with `token`, if there is one.
    async fn visitor_of_session(
        &mut self,
        token: &str,
    ) -> StoreResult<Option<(String, Option<String>)>> {
        let visitor = self.visitor_by_token(token).await?;
        Ok(visitor.map(|visitor| (visitor.id, visitor.department)))
    }

    /// The live-visitors view hears every session change.
    async fn announce_session(&mut self, args: serde_json::Value) -> StoreResult<()> {
        self.record_event(VISITOR_SESSIONS, SESSIONS_EVENT, &args)
            .await
    }
}
