use crate::kernel::config::Config;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use kefu_core::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// Informational: authorisation always re-reads the user's current roles.
    pub roles: Vec<Role>,
    /// The user's session version when the token was issued: a token from before a logout,
    /// password change or disabling is refused although it has not expired.
    #[serde(default)]
    pub sv: i64,
}

/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: i64 = 30;

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: chrono::Duration,
}

impl JwtKeys {
    pub fn new(config: &Config) -> Self {
        crate::kernel::auth::hs256::install();
        let secret = config.jwt_secret.as_bytes();
        // Pinned to one algorithm: a token claiming any other `alg` is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // `exp` and `nbf` are judged in `verify` against the server's clock, the one that
        // issued the token (a test clock included), not the library's reading of system time.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            kid: crate::kernel::auth::secrets::sha256_hex(&config.jwt_secret)[..16].to_owned(),
            validation,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            ttl: chrono::Duration::from_std(config.access_token_ttl)
                .unwrap_or(chrono::Duration::minutes(15)),
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl.num_seconds()
    }

    pub fn issue(
        &self,
        user_id: &str,
        roles: &[Role],
        session_version: i64,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
            roles: roles.to_vec(),
            sv: session_version,
        };
        encode(&header, &claims, &self.encoding)
    }

    pub fn verify(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Claims, jsonwebtoken::errors::Error> {
        use jsonwebtoken::errors::{Error, ErrorKind};
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        let now = now.timestamp();
        if claims.exp + LEEWAY_SECS <= now {
            return Err(Error::from(ErrorKind::ExpiredSignature));
        }
        if claims.nbf - LEEWAY_SECS > now {
            return Err(Error::from(ErrorKind::ImmatureSignature));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> JwtKeys {
        let mut config = Config::from_lookup(|_| None).unwrap();
        config.jwt_secret = secret.to_owned();
        JwtKeys::new(&config)
    }

    #[test]
    fn issued_tokens_verify_and_carry_the_subject() {
        let k = keys("secret-one");
        let token = k.issue("u1", &[Role::Admin], 0, Utc::now()).unwrap();
        let claims = k.verify(&token, Utc::now()).unwrap();
        assert_eq!(claims.sub, "u1");
        assert_eq!(claims.roles, vec![Role::Admin]);
        assert_eq!(claims.exp - claims.nbf, 900);
    }

    #[test]
    fn other_keys_expired_tokens_and_alg_none_are_refused() {
        let k = keys("secret-one");
        let other = keys("secret-two").issue("u1", &[], 0, Utc::now()).unwrap();
        assert!(k.verify(&other, Utc::now()).is_err());
        let old = k
            .issue("u1", &[], 0, Utc::now() - chrono::Duration::hours(1))
            .unwrap();
        assert!(k.verify(&old, Utc::now()).is_err());
        // A hand-made unsigned token.
        let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ1MSJ9.";
        assert!(k.verify(unsigned, Utc::now()).is_err());
    }
}
