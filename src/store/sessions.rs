//! Realtime-visitor sessions, one per visitor token.

use super::error::StoreResult;
use super::primitives::params;
use super::{parse_doc, to_doc, Exec};
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

    /// Inserts or replaces the session of a token; the id and department of its visitor, if
    /// it has one.
    pub async fn save_session_row(
        &mut self,
        session: &VisitorSession,
    ) -> StoreResult<Option<(String, Option<String>)>> {
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
        Ok(owner)
    }

    /// Deletes the session of a token; the ids of the deleted sessions (none or one).
    pub async fn delete_session_rows(&mut self, token: &str) -> StoreResult<Vec<String>> {
        const SQL: &str = "DELETE FROM visitor_sessions WHERE token = $1 RETURNING id";
        self.fetch_texts(SQL, params![token]).await
    }

    /// The id and department of the visitor with `token`, if there is one.
    async fn visitor_of_session(
        &mut self,
        token: &str,
    ) -> StoreResult<Option<(String, Option<String>)>> {
        let visitor = self.visitor_by_token(token).await?;
        Ok(visitor.map(|visitor| (visitor.id, visitor.department)))
    }
}
