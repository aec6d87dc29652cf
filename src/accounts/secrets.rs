//! Passwords (argon2id) and login tokens (random, stored only as a SHA-256 hash, as Rocket.Chat
//! stores `hashedToken`, so a database leak does not leak usable tokens).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The memory one argon2 computation fills (19 MiB with the default parameters). Each
/// password-check thread keeps one while it has checks queued and gives it back when idle
/// (see `password_checks`).
///
/// It is reserved as one allocation of at least 32 MiB, of which only the part argon2 uses is
/// ever touched (so resident). glibc serves an allocation that large with a mapping of its own
/// and unmaps it when freed (32 MiB is the most its adaptive mmap threshold grows to); a
/// 19 MiB allocation, once one has been freed, comes from the thread's arena instead and stays
/// there, which is how each login thread used to keep its 19 MiB for good.
#[derive(Default)]
pub struct Argon2Memory(Vec<Block>);

/// 32 MiB, in argon2 blocks of 1 KiB (see `Argon2Memory`).
const MAPPED_BLOCKS: usize = 32 * 1024 * 1024 / Block::SIZE;

impl Argon2Memory {
    /// Enough blocks for `params`.
    fn blocks_for(&mut self, params: &Params) -> &mut [Block] {
        let needed = params.block_count();
        if self.0.capacity() < needed {
            self.0 = Vec::with_capacity(needed.max(MAPPED_BLOCKS));
        }
        if self.0.len() < needed {
            self.0.resize(needed, Block::default());
        }
        &mut self.0[..needed]
    }

    /// Returns the memory to the operating system.
    pub fn release(&mut self) {
        self.0 = Vec::new();
    }
}

/// Hashes a password with argon2id (default parameters) and a random salt, in PHC string form.
pub fn hash_password(memory: &mut Argon2Memory, password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let output = compute(
        memory,
        password.digest().as_bytes(),
        Algorithm::Argon2id,
        Version::V0x13,
        &params,
        salt.as_salt(),
    )
    .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))?;
    phc_string(&params, salt, output)
}

/// Checks a password against a stored hash. Rocket.Chat's clients may send the SHA-256 hex
/// digest of the password instead of the password (`{digest, algorithm: "sha-256"}`); the
/// stored hash is of that digest, so both forms verify.
pub fn verify_password(memory: &mut Argon2Memory, password: &Password, stored_hash: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored_hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(hash.algorithm), Params::try_from(&hash))
    else {
        return false;
    };
    let version = hash
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let Ok(version) = version else {
        return false;
    };
    let digest = password.digest();
    match compute(memory, digest.as_bytes(), algorithm, version, &params, salt) {
        // `Output`'s equality is constant-time.
        Ok(output) => output == expected,
        Err(_) => false,
    }
}

/// A hash no password matches, with the default parameters: logins of unknown or inactive
/// users are checked against it, so they take as long as a real check and the time a login
/// takes does not tell whether the account exists. Made once at start (random salt and
/// output; no hashing needed).
pub fn dummy_hash() -> String {
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut output);
    let output = Output::new(&output).expect("a 32-byte output is valid");
    phc_string(&Params::default(), SaltString::generate(&mut OsRng), output)
        .expect("the default parameters form a PHC string")
}

fn compute(
    memory: &mut Argon2Memory,
    password: &[u8],
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    salt: argon2::password_hash::Salt<'_>,
) -> argon2::password_hash::Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let blocks = memory.blocks_for(params);
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    Output::init_with(output_len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut *blocks)?)
    })
}

fn phc_string(params: &Params, salt: SaltString, output: Output) -> anyhow::Result<String> {
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|err| anyhow::anyhow!("{err}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
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
        let memory = &mut Argon2Memory::default();
        let stored = hash_password(memory, &Password::Plain("s3cret".into())).unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify_password(
            memory,
            &Password::Plain("s3cret".into()),
            &stored
        ));
        assert!(verify_password(
            memory,
            &Password::Sha256Digest(sha256_hex("s3cret")),
            &stored
        ));
        assert!(!verify_password(
            memory,
            &Password::Plain("wrong".into()),
            &stored
        ));
    }

    #[test]
    fn hashes_of_the_argon2_crate_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let digest = sha256_hex("s3cret");
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::default()
            .hash_password(digest.as_bytes(), &salt)
            .unwrap()
            .to_string();
        let memory = &mut Argon2Memory::default();
        assert!(verify_password(
            memory,
            &Password::Sha256Digest(digest),
            &stored
        ));
    }

    #[test]
    fn the_dummy_hash_has_the_real_parameters_and_matches_nothing() {
        let memory = &mut Argon2Memory::default();
        let real = hash_password(memory, &Password::Plain("x".into())).unwrap();
        let dummy = dummy_hash();
        let prefix = |h: &str| h.rsplitn(3, '$').nth(2).unwrap().to_string();
        assert_eq!(prefix(&dummy), prefix(&real));
        assert!(!verify_password(
            memory,
            &Password::Plain("x".into()),
            &dummy
        ));
        assert_ne!(dummy, dummy_hash());
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
