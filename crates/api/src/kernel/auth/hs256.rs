//! HS256, the one JWT algorithm kefu signs and accepts, as jsonwebtoken's crypto provider.
//!
//! jsonwebtoken's RustCrypto provider brings every algorithm it knows, RSA included, and with
//! it the `rsa` crate (RUSTSEC-2023-0071, the Marvin timing attack, no fixed release). Access
//! tokens are signed with a shared secret only, so kefu installs this provider instead and
//! `rsa` is not in the build at all.

use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use sha2::Sha256;

struct Hs256(Hmac<Sha256>);

impl Hs256 {
    fn keyed(algorithm: &Algorithm, family: AlgorithmFamily, key: &[u8]) -> Result<Hs256> {
        if *algorithm != Algorithm::HS256 || family != AlgorithmFamily::Hmac {
            return Err(ErrorKind::InvalidAlgorithm.into());
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| ErrorKind::InvalidKeyFormat)?;
        Ok(Hs256(mac))
    }

    fn mac_of(&self, message: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(message);
        mac
    }
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        Ok(self.mac_of(message).finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), signature::Error> {
        // `verify_slice` compares in constant time.
        self.mac_of(message)
            .verify_slice(signature)
            .map_err(signature::Error::from_source)
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    Ok(Box::new(Hs256::keyed(
        algorithm,
        key.family(),
        key.as_bytes(),
    )?))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    Ok(Box::new(Hs256::keyed(
        algorithm,
        key.family(),
        key.try_get_as_bytes()?,
    )?))
}

static HS256_ONLY: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes HS256 the process's JWT crypto. Idempotent: installing it again changes nothing.
pub fn install() {
    // Err means a provider is installed already, and only this one ever is.
    let _ = HS256_ONLY.install_default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Header, Validation, decode, encode};

    /// The HS256 example of jwt.io (RFC 7519 style), signed with `your-256-bit-secret`.
    const EXAMPLE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
        eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.\
        SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    fn lenient() -> Validation {
        let mut v = Validation::new(Algorithm::HS256);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        v.validate_aud = false;
        v
    }

    #[test]
    fn it_verifies_the_reference_token_and_signs_it_identically() {
        install();
        let key = DecodingKey::from_secret(b"your-256-bit-secret");
        let claims = decode::<serde_json::Value>(EXAMPLE, &key, &lenient())
            .unwrap()
            .claims;
        assert_eq!(claims["name"], "John Doe");
        let wrong = DecodingKey::from_secret(b"another-secret");
        assert!(decode::<serde_json::Value>(EXAMPLE, &wrong, &lenient()).is_err());

        let (message, signature) = EXAMPLE.rsplit_once('.').unwrap();
        let signed = jsonwebtoken::crypto::sign(
            message.as_bytes(),
            &EncodingKey::from_secret(b"your-256-bit-secret"),
            Algorithm::HS256,
        )
        .unwrap();
        assert_eq!(signed, signature);
    }

    #[test]
    fn no_other_algorithm_is_offered() {
        install();
        let key = EncodingKey::from_secret(b"k");
        for algorithm in [Algorithm::HS384, Algorithm::HS512] {
            assert!(encode(&Header::new(algorithm), &serde_json::json!({}), &key).is_err());
        }
    }
}
