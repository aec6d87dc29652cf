//! Accounts and their login tokens.

use super::error::StoreResult;
use super::primitives::params;
use super::{dispatch, parse_doc, parse_docs, to_doc, Exec, Inserted};
use crate::model::User;
use crate::time::Timestamp;

const SELECT_BY_ID: &str = "SELECT doc FROM users WHERE id = $1";

/// The columns derived from a user document.
struct UserColumns {
    username_lower: String,
    email: Option<String>,
    is_agent: bool,
    max_chats: i64,
    roles: String,
}

impl UserColumns {
    fn of(user: &User) -> Self {
        UserColumns {
            username_lower: user.username.to_lowercase(),
            email: user.email().map(str::to_lowercase),
            is_agent: user.has_role(crate::accounts::permissions::AGENT),
            max_chats: user
                .livechat
                .as_ref()
                .and_then(|l| l.max_number_simultaneous_chat)
                .unwrap_or(0),
            roles: format!(",{},", user.roles.join(",")),
        }
    }
}

impl Exec<'_> {
    pub async fn user_by_id(&mut self, id: &str) -> StoreResult<Option<User>> {
        let doc = self.fetch_doc(SELECT_BY_ID, id).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The user `id`, locked until the transaction ends (PostgreSQL), for read-modify-write.
    pub async fn user_for_update(&mut self, id: &str) -> StoreResult<Option<User>> {
        let doc = self.fetch_doc_for_update(SELECT_BY_ID, id).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// The user whose username (case-insensitively) or e-mail address is `key`.
    pub async fn user_by_login_name(&mut self, key: &str) -> StoreResult<Option<User>> {
        const SQL: &str = "SELECT doc FROM users WHERE username_lower = $1 OR email = $1";
        let doc = self.fetch_doc(SQL, &key.trim().to_lowercase()).await?;
        doc.map(|d| parse_doc(&d)).transpose()
    }

    /// Inserts an account; `Duplicate` when its id, username or e-mail is taken.
    pub async fn insert_user(
        &mut self,
        user: &User,
        password_hash: Option<&str>,
    ) -> StoreResult<Inserted> {
        let doc = to_doc(user)?;
        let columns = UserColumns::of(user);
        const SQL: &str = "INSERT INTO users (id, username, username_lower, email, password_hash, active, is_agent, status, \
                           status_livechat, max_chats, created_at, updated_at, doc, roles) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
        self.insert(
            SQL,
            params![
                &user.id,
                &user.username,
                &columns.username_lower,
                &columns.email,
                password_hash,
                user.active,
                columns.is_agent,
                &user.status,
                &user.status_livechat,
                columns.max_chats,
                user.created_at.millis(),
                user.updated_at.millis(),
                &doc,
                &columns.roles
            ],
        )
        .await
    }

    /// Saves an account's document; `Duplicate` when a new username or e-mail is taken.
    pub async fn save_user(&mut self, user: &User) -> StoreResult<Inserted> {
        let doc = to_doc(user)?;
        let columns = UserColumns::of(user);
        const SQL: &str = "UPDATE users SET username = $2, username_lower = $3, email = $4, active = $5, is_agent = $6, \
                           status = $7, status_livechat = $8, max_chats = $9, updated_at = $10, doc = $11, roles = $12 WHERE id = $1";
        self.insert(
            SQL,
            params![
                &user.id,
                &user.username,
                &columns.username_lower,
                &columns.email,
                user.active,
                columns.is_agent,
                &user.status,
                &user.status_livechat,
                columns.max_chats,
                user.updated_at.millis(),
                &doc,
                &columns.roles
            ],
        )
        .await
    }

    /// Whether an active account has the `admin` role (the first-run set-up is over).
    pub async fn has_active_admin(&mut self) -> StoreResult<bool> {
        const SQL: &str = "SELECT COUNT(*) FROM users WHERE active AND roles LIKE $1";
        let pattern = format!(",{},", crate::accounts::permissions::ADMIN);
        let admins: i64 = dispatch!(self, c => {
            sqlx::query_scalar(SQL).bind(format!("%{pattern}%")).fetch_one(&mut **c).await?
        });
        Ok(admins > 0)
    }

    /// Makes concurrent first-run set-ups (in this process or another) take turns until this
    /// transaction ends, so "no administrator yet" is still true when this one inserts.
    ///
    /// SQLite needs nothing: write transactions begin IMMEDIATE and so already run one at a
    /// time. PostgreSQL's default READ COMMITTED would let two transactions both see no
    /// administrator and both insert one, and there is no row to lock while none exists (the
    /// check is about an absence), so a transaction-level advisory lock on a fixed key
    /// serialises them instead; it is released at commit or rollback, so it cannot leak.
    /// The next statement, run after the lock is granted, sees the winner's commit.
    pub async fn lock_first_run_setup(&mut self) -> StoreResult<()> {
        /// An arbitrary key that only the first-run set-up uses ("lcsetup" in ASCII).
        const FIRST_RUN_LOCK: i64 = 0x006c_6373_6574_7570;
        if let Exec::Postgres(c) = self {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(FIRST_RUN_LOCK)
                .execute(&mut **c)
                .await?;
        }
        Ok(())
    }

    pub async fn password_hash(&mut self, user_id: &str) -> StoreResult<Option<String>> {
        let hash: Option<Option<String>> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut **c)
                .await?
        });
        Ok(hash.flatten())
    }

    pub async fn set_password_hash(&mut self, user_id: &str, hash: &str) -> StoreResult<()> {
        self.execute(
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            params![user_id, hash],
        )
        .await?;
        Ok(())
    }

    pub async fn delete_user(&mut self, id: &str) -> StoreResult<bool> {
        let removed = self
            .execute("DELETE FROM users WHERE id = $1", params![id])
            .await?;
        Ok(removed > 0)
    }

    /// A page of accounts ordered by username, and how many there are in all.
    pub async fn users_page(&mut self, offset: i64, count: i64) -> StoreResult<(Vec<User>, i64)> {
        const PAGE: &str = "SELECT doc FROM users ORDER BY username_lower LIMIT $1 OFFSET $2";
        let (docs, total): (Vec<String>, i64) = dispatch!(self, c => {
            let docs = sqlx::query_scalar(PAGE).bind(count).bind(offset).fetch_all(&mut **c).await?;
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut **c).await?;
            (docs, total)
        });
        Ok((parse_docs(docs)?, total))
    }

    pub async fn insert_login_token(
        &mut self,
        token_hash: &str,
        user_id: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO login_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        self.execute(
            SQL,
            params![token_hash, user_id, now.millis(), expires.millis()],
        )
        .await?;
        Ok(())
    }

    /// The active user owning an unexpired login token with this hash (and, if given, this id).
    pub async fn user_by_login_token(
        &mut self,
        token_hash: &str,
        user_id: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        const SQL: &str = "SELECT u.doc FROM login_tokens t JOIN users u ON u.id = t.user_id \
                           WHERE t.token_hash = $1 AND t.expires_at > $2 AND u.active AND ($3 IS NULL OR u.id = $3)";
        let doc: Option<String> = dispatch!(self, c => {
            sqlx::query_scalar(SQL)
                .bind(token_hash)
                .bind(now.millis())
                .bind(user_id)
                .fetch_optional(&mut **c)
                .await?
        });
        doc.map(|d| parse_doc(&d)).transpose()
    }

    pub async fn login_token_expiry(&mut self, token_hash: &str) -> StoreResult<Option<Timestamp>> {
        let expires: Option<i64> = dispatch!(self, c => {
            sqlx::query_scalar("SELECT expires_at FROM login_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&mut **c)
                .await?
        });
        Ok(expires.map(Timestamp))
    }

    pub async fn delete_login_token(&mut self, token_hash: &str) -> StoreResult<()> {
        self.execute(
            "DELETE FROM login_tokens WHERE token_hash = $1",
            params![token_hash],
        )
        .await?;
        Ok(())
    }

    /// Revokes every login of a user (deactivation, password change).
    pub async fn delete_user_login_tokens(&mut self, user_id: &str) -> StoreResult<()> {
        self.execute(
            "DELETE FROM login_tokens WHERE user_id = $1",
            params![user_id],
        )
        .await?;
        Ok(())
    }
}
