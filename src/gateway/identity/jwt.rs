//! Short-lived JWT access tokens (HS256, algorithm pinned; `exp`, `iss`, `aud`, `sub` required).

use chrono::{DateTime, Utc};
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::domain::{Role, UserId};

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The user's role when the token was issued.
    pub role: Role,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Token id.
    pub jti: Uuid,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejection {
    /// Well formed and signed by us, but past its expiry.
    Expired,
    /// Anything else: bad signature, wrong issuer/audience, garbage.
    Invalid,
}

/// Signs and verifies access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl JwtKeys {
    /// Keys from the shared secret, with the issuer, audience and lifetime tokens carry.
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl_secs: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_secs,
        }
    }

    /// Lifetime of the tokens issued, in seconds.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// Issues a token for `user` valid from `now`.
    pub fn issue(&self, user: UserId, role: Role, now: DateTime<Utc>) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user.0,
            role,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_secs,
            jti: Uuid::new_v4(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Verifies signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenRejection> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|e| {
            match e.kind() {
                ErrorKind::ExpiredSignature => TokenRejection::Expired,
                _ => TokenRejection::Invalid,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"test-secret-of-decent-length-0123456789", "carechat", "carechat-api", 900)
    }

    #[test]
    fn issued_tokens_verify() {
        let user = UserId::generate();
        let token = keys().issue(user, Role::Staff, Utc::now()).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!((claims.sub, claims.role), (user.0, Role::Staff));
    }

    #[test]
    fn expired_forged_and_foreign_tokens_are_refused() {
        let user = UserId::generate();
        let old = keys().issue(user, Role::Patient, Utc::now() - Duration::hours(1)).unwrap();
        assert_eq!(keys().verify(&old), Err(TokenRejection::Expired));

        let forged = JwtKeys::new(b"another-secret-entirely-0123456789", "carechat", "carechat-api", 900)
            .issue(user, Role::Admin, Utc::now())
            .unwrap();
        assert_eq!(keys().verify(&forged), Err(TokenRejection::Invalid));

        let other_audience = JwtKeys::new(b"test-secret-of-decent-length-0123456789", "carechat", "elsewhere", 900)
            .issue(user, Role::Patient, Utc::now())
            .unwrap();
        assert_eq!(keys().verify(&other_audience), Err(TokenRejection::Invalid));
        assert_eq!(keys().verify("not.a.jwt"), Err(TokenRejection::Invalid));
    }
}
