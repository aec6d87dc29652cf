//! Document ids in Meteor's format: 17 characters from an alphabet without look-alike characters,
//! drawn from a cryptographically secure generator so ids can't be guessed or enumerated.

use rand::Rng;

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
const ID_LENGTH: usize = 17;

pub fn random_id() -> String {
    let mut rng = rand::thread_rng();
    (0..ID_LENGTH)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Client-chosen ids (message `_id`, visitor `id`) are stored as given, so they are limited to
/// characters that are safe in URLs and logs.
pub fn is_acceptable_client_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_meteor_shape_and_differ() {
        let a = random_id();
        assert_eq!(a.len(), 17);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(a, random_id());
    }
}
