use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const API_KEY_PREFIX: &str = "kefu_";

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// High-entropy secrets need no slow hash: SHA-256 makes the stored value useless to a thief
/// and keeps lookups by hash indexable.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_token())
}

/// A readable, generated password shown once (initial admin, password resets).
pub fn generated_password() -> String {
    // Mixed classes so it passes the password policy whatever the random part is.
    format!("Kf-{}-9", &random_token()[..20])
}

/// A refresh token's successor sealed with the token itself: the successor's 32 bytes XOR
/// SHA-256 of a label and the sealing token, hex. Only the holder of the sealing token (the
/// table keeps only its hash) can open it, and each sealing token seals one successor.
pub fn seal_successor(sealing: &str, successor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(successor).ok()?;
    let pad = successor_pad(sealing);
    (bytes.len() == pad.len()).then(|| hex::encode(xor(&bytes, &pad)))
}

/// The successor [`seal_successor`] sealed with `sealing`.
pub fn open_successor(sealing: &str, sealed: &str) -> Option<String> {
    let bytes = hex::decode(sealed).ok()?;
    let pad = successor_pad(sealing);
    (bytes.len() == pad.len()).then(|| URL_SAFE_NO_PAD.encode(xor(&bytes, &pad)))
}

fn successor_pad(sealing: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"kefu refresh successor\0");
    hasher.update(sealing.as_bytes());
    hasher.finalize().into()
}

fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_differ_and_meet_the_policy() {
        assert_ne!(random_token(), random_token());
        assert!(new_api_key().starts_with("kefu_"));
        let p = generated_password();
        assert!(kefu_core::Password::parse(&p, "password").is_ok(), "{p}");
        assert_eq!(sha256_hex("abc").len(), 64);
    }

    #[test]
    fn a_sealed_successor_opens_only_with_its_sealing_token() {
        let (old, new) = (random_token(), random_token());
        let sealed = seal_successor(&old, &new).unwrap();
        assert!(!sealed.contains(&new));
        assert_eq!(open_successor(&old, &sealed).as_deref(), Some(new.as_str()));
        assert_ne!(
            open_successor(&random_token(), &sealed).as_deref(),
            Some(new.as_str())
        );
        assert_eq!(open_successor(&old, "zz"), None);
    }
}
