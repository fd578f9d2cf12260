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
}
