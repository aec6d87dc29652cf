//! Realtime-visitor sessions, one per visitor token.

use super::{dispatch, parse_doc, to_doc, Exec};
use crate::error::ApiResult;
use crate::model::VisitorSession;

const BY_TOKEN: &str = "SELECT doc FROM visitor_sessions WHERE token = $1";

impl Exec<'_> {
    pub async fn session_by_token(&mut self, token: &str) -> ApiResult<Option<VisitorSession>> {
        let doc = self.fetch_doc(BY_TOKEN, token).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The session of `token`, locked for a read-modify-write in this transaction.
    pub async fn session_for_update(&mut self, token: &str) -> ApiResult<Option<VisitorSession>> {
        let doc = self.fetch_doc_for_update(BY_TOKEN, token).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts or replaces the session of a token.
    pub async fn save_session(&mut self, session: &VisitorSession) -> ApiResult<()> {
        let doc = to_doc(session)?;
        const SQL: &str = "INSERT INTO visitor_sessions (id, token, status, updated_at, doc) VALUES ($1, $2, $3, $4, $5) \
                           ON CONFLICT (token) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, doc = excluded.doc";
        dispatch!(self, c => {
            sqlx::query(SQL)
                .bind(&session.id)
                .bind(&session.token)
                .bind(&session.status)
                .bind(session.updated_at.millis())
                .bind(&doc)
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn delete_session(&mut self, token: &str) -> ApiResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM visitor_sessions WHERE token = $1").bind(token).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }
}
