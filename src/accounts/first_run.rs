//! First run: creating the first administrator over the API when none exists.
//!
//! Whoever reaches a fresh server first must not get it: the set-up is accepted from the
//! server's own machine (a loopback peer with no proxy headers, decided by the HTTP layer), or
//! from elsewhere with a one-time code that only the server's log shows. The code is made at
//! start when no active administrator exists, kept in memory only (per `Accounts`, so several
//! apps in one process each have their own), and discarded once the set-up succeeds.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use rand::Rng;
use serde::Deserialize;

use super::permissions::{ADMIN, AGENT, MANAGER};
use super::{insert_account, Accounts, LoginSession, NewUser};
use crate::error::{ApiError, ApiResult};

/// Letters and digits that cannot be mistaken for one another when read from a log (no 0/O,
/// 1/I/L): 31 symbols, so 15 of them carry about 74 bits.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH: usize = 15;
const GROUP: usize = 5;

/// `POST /api/v1/setup`: the first administrator, and the set-up code when not local.
#[derive(Debug, Default, Deserialize)]
pub struct SetupRequest {
    pub name: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub code: Option<String>,
}

/// Where a set-up request comes from, as the HTTP layer judged it.
#[derive(Debug, Clone, Copy)]
pub enum SetupOrigin {
    /// This machine, not through a proxy: no code needed.
    Local,
    /// Anywhere else; the client IP (when known) is charged for each code tried.
    Remote(Option<IpAddr>),
}

/// The one-time code: its 15 symbols, upper-case, without dashes.
struct SetupCode(Vec<u8>);

impl SetupCode {
    /// Random symbols from the operating system's generator.
    fn generate() -> SetupCode {
        let mut rng = rand::rngs::OsRng;
        SetupCode(
            (0..CODE_LENGTH)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())])
                .collect(),
        )
    }

    /// `XXXXX-XXXXX-XXXXX`, as the log shows it.
    fn display(&self) -> String {
        self.0
            .chunks(GROUP)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Whether `typed` is this code, ignoring case, dashes and spaces. Compares every symbol
    /// whatever the first difference, so the time taken does not tell how much was right.
    fn matches(&self, typed: &str) -> bool {
        let typed: Vec<u8> = typed
            .bytes()
            .filter(|b| *b != b'-' && !b.is_ascii_whitespace())
            .map(|b| b.to_ascii_uppercase())
            .collect();
        if typed.len() != self.0.len() {
            return false;
        }
        let difference = typed
            .iter()
            .zip(&self.0)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(difference) == 0
    }
}

/// Where `Accounts` keeps the code; shared by its clones.
#[derive(Clone, Default)]
pub(super) struct SetupCodeSlot(Arc<Mutex<Option<SetupCode>>>);

impl SetupCodeSlot {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<SetupCode>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Accounts {
    /// At start, after any `LIVECHAT_ADMIN_*` bootstrap: when no active administrator exists,
    /// makes the set-up code and returns it (for the log line); `None` when set-up is done.
    pub async fn prepare_first_run(&self) -> ApiResult<Option<String>> {
        if !self.setup_needed().await? {
            return Ok(None);
        }
        let code = SetupCode::generate();
        let shown = code.display();
        *self.setup_code.lock() = Some(code);
        Ok(Some(shown))
    }

    /// The set-up code while it is valid, as the start-up log showed it. For the embedding
    /// program (and the tests, which run the app in-process and cannot read its log); no
    /// route exposes it.
    pub fn setup_code(&self) -> Option<String> {
        self.setup_code.lock().as_ref().map(SetupCode::display)
    }

    /// Whether no active administrator exists now. Read from the database each time, so an
    /// administrator made by another process, or by hand, ends the set-up here too.
    pub async fn setup_needed(&self) -> ApiResult<bool> {
        let mut conn = self.store.read().await?;
        Ok(!conn.exec().has_active_admin().await?)
    }

    /// `POST /api/v1/setup`: creates the first administrator (also a livechat manager and
    /// agent, so the first person can answer chats at once) and logs it in.
    pub async fn set_up_first_admin(
        &self,
        request: SetupRequest,
        origin: SetupOrigin,
    ) -> ApiResult<LoginSession> {
        // Answered first, whatever the code: once set up, there is nothing left to guess.
        if !self.setup_needed().await? {
            return Err(setup_done());
        }
        if let SetupOrigin::Remote(client) = origin {
            self.check_setup_code(request.code.as_deref(), client)?;
        }
        let input = NewUser {
            username: request.username,
            email: request.email,
            name: request.name,
            password: request.password,
            roles: Some(vec![ADMIN.into(), MANAGER.into(), AGENT.into()]),
            active: Some(true),
            verified: None,
        };
        let (user, hash) = self.new_account(input).await?;
        let mut tx = self.store.begin().await?;
        tx.exec().lock_first_run_setup().await?;
        // Checked again under the lock: a concurrent set-up may have won since the first look.
        if tx.exec().has_active_admin().await? {
            return Err(setup_done());
        }
        insert_account(&mut tx, &user, &hash).await?;
        tx.commit().await?;
        *self.setup_code.lock() = None;
        tracing::info!(username = %user.username, ?origin, "created the first administrator through the set-up");
        self.start_session(user).await
    }

    /// A remote set-up's code. Every code tried takes a unit of the client IP's login budget
    /// (so guessing is as slow as guessing passwords); the right one gives it back. A missing
    /// code and a wrong one get the same answer.
    fn check_setup_code(&self, typed: Option<&str>, client: Option<IpAddr>) -> ApiResult<()> {
        let Some(typed) = typed else {
            return Err(invalid_setup_code());
        };
        let attempt = self.limits.attempt(client, None)?;
        let right = self
            .setup_code
            .lock()
            .as_ref()
            .is_some_and(|code| code.matches(typed));
        if !right {
            // The unit stays taken: this was a failed guess.
            drop(attempt);
            return Err(invalid_setup_code());
        }
        self.limits.give_back(attempt);
        Ok(())
    }
}

fn setup_done() -> ApiError {
    ApiError::Refused {
        code: "error-setup-done",
        reason: "An administrator already exists".into(),
    }
}

fn invalid_setup_code() -> ApiError {
    ApiError::Refused {
        code: "error-invalid-setup-code",
        reason: "A set-up code is required from this address. The server printed it in its log at start.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_shown_in_groups_and_matches_in_any_case_with_or_without_dashes() {
        let code = SetupCode::generate();
        let shown = code.display();
        assert_eq!(shown.len(), 17, "{shown}");
        assert_eq!(shown.matches('-').count(), 2, "{shown}");
        assert!(shown.bytes().all(|b| b == b'-' || ALPHABET.contains(&b)));
        assert!(code.matches(&shown));
        assert!(code.matches(&shown.to_lowercase().replace('-', "")));
        assert!(code.matches(&format!(" {} ", shown.replace('-', " - "))));
        assert!(!code.matches(&shown[..16]));
        assert!(!code.matches(""));
        let mut wrong = shown.into_bytes();
        wrong[0] = if wrong[0] == b'2' { b'3' } else { b'2' };
        assert!(!code.matches(std::str::from_utf8(&wrong).unwrap()));
    }
}
