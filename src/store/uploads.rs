//! Uploaded files' records (`uploads`); their bytes live in the file storage (`crate::files`).

use super::error::StoreResult;
use super::{dispatch, Exec};
use crate::model::Upload;
use crate::time::Timestamp;

const COLUMNS: &str = "id, rid, visitor_token, user_id, name, type, size, storage_key, created_at";

type Row = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    String,
    i64,
);

fn from_row(row: Row) -> Upload {
    let (id, rid, visitor_token, user_id, name, content_type, size, storage_key, created_at) = row;
    Upload {
        id,
        rid,
        visitor_token,
        user_id,
        name,
        content_type,
        size,
        storage_key,
        created_at: Timestamp(created_at),
    }
}

impl Exec<'_> {
    pub async fn insert_upload(&mut self, upload: &Upload) -> StoreResult<()> {
        let sql =
            format!("INSERT INTO uploads ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        dispatch!(self, c => {
            sqlx::query(&sql)
                .bind(&upload.id)
                .bind(&upload.rid)
                .bind(&upload.visitor_token)
                .bind(&upload.user_id)
                .bind(&upload.name)
                .bind(&upload.content_type)
                .bind(upload.size)
                .bind(&upload.storage_key)
                .bind(upload.created_at.millis())
                .execute(&mut **c)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn upload_by_id(&mut self, id: &str) -> StoreResult<Option<Upload>> {
        let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = $1");
        let row: Option<Row> = dispatch!(self, c => {
            sqlx::query_as(&sql).bind(id).fetch_optional(&mut **c).await?
        });
        Ok(row.map(from_row))
    }

    pub async fn delete_upload(&mut self, id: &str) -> StoreResult<()> {
        dispatch!(self, c => {
            sqlx::query("DELETE FROM uploads WHERE id = $1")
                .bind(id).execute(&mut **c).await?.rows_affected()
        });
        Ok(())
    }

    /// Deletes the records of room `rid`'s files; answers their storage keys, for the caller
    /// to remove the bytes once its transaction has committed.
    pub async fn delete_room_uploads(&mut self, rid: &str) -> StoreResult<Vec<String>> {
        Ok(dispatch!(self, c => {
            sqlx::query_scalar("DELETE FROM uploads WHERE rid = $1 RETURNING storage_key")
                .bind(rid).fetch_all(&mut **c).await?
        }))
    }

    /// [`Exec::delete_room_uploads`] for every file the visitor `token` uploaded, wherever.
    pub async fn delete_visitor_uploads(&mut self, token: &str) -> StoreResult<Vec<String>> {
        Ok(dispatch!(self, c => {
            sqlx::query_scalar("DELETE FROM uploads WHERE visitor_token = $1 RETURNING storage_key")
                .bind(token).fetch_all(&mut **c).await?
        }))
    }
}
