//! Passwords (argon2id) and login tokens (random, stored only as a SHA-256 hash, as Rocket.Chat
//! stores `hashedToken`, so a database leak does not leak usable tokens).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.digest().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))
}

/// Checks a password against a stored hash. Rocket.Chat's clients may send the SHA-256 hex
/// digest of the password instead of the password (`{digest, algorithm: "sha-256"}`); the
/// stored hash is of that digest, so both forms verify.
pub fn verify_password(password: &Password, stored_hash: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored_hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.digest().as_bytes(), &hash)
        .is_ok()
}

/// A password as a client sent it.
pub enum Password {
    Plain(String),
    /// Lower-case hex SHA-256 of the password.
    Sha256Digest(String),
}

impl Password {
    /// What is hashed and stored: the SHA-256 hex digest, whatever form the client used.
    pub fn digest(&self) -> String {
        match self {
            Password::Plain(text) => sha256_hex(text),
            Password::Sha256Digest(digest) => digest.to_ascii_lowercase(),
        }
    }
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new login token: 32 random bytes, URL-safe base64 (43 characters).
pub fn new_login_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `base64(sha256(token))`: what is stored and looked up (Rocket.Chat's `hashedToken`).
pub fn hash_login_token(token: &str) -> String {
    STANDARD.encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_in_both_client_forms() {
        let stored = hash_password(&Password::Plain("s3cret".into())).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password(&Password::Plain("s3cret".into()), &stored));
        assert!(verify_password(
            &Password::Sha256Digest(sha256_hex("s3cret")),
            &stored
        ));
        assert!(!verify_password(&Password::Plain("wrong".into()), &stored));
    }

    #[test]
    fn login_tokens_are_random_and_hashed_stably() {
        let token = new_login_token();
        assert_eq!(token.len(), 43);
        assert_ne!(token, new_login_token());
        assert_eq!(hash_login_token(&token), hash_login_token(&token));
        assert_ne!(hash_login_token(&token), token);
    }
}
