//! Identity errors and their problem codes.

use actix_web::http::{header, StatusCode};
use uuid::Uuid;

use crate::{gateway::error::ApiErrorCode, storage::StorageError};

/// Everything registration, login, tokens and user administration can refuse.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// No bearer token.
    #[error("authentication required: send `Authorization: Bearer <access token>`")]
    Unauthenticated,
    /// Bad signature, issuer, audience or format.
    #[error("the access token is invalid")]
    InvalidToken,
    /// Past its expiry.
    #[error("the access token has expired; get a new one from /api/v1/auth/refresh")]
    TokenExpired,
    /// Role or ownership check failed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Unknown account or wrong password (deliberately indistinguishable).
    #[error("wrong phone number/email or password")]
    InvalidCredentials,
    /// The account was deactivated by an administrator.
    #[error("this account is deactivated; contact the clinic")]
    AccountDeactivated,
    /// Too many login attempts from this address or for this account.
    #[error("too many login attempts; retry in {0} seconds")]
    RateLimited(u64),
    /// Unique phone number taken.
    #[error("this phone number is already registered")]
    PhoneTaken,
    /// Unique email taken.
    #[error("this email is already registered")]
    EmailTaken,
    /// Unknown, expired or revoked refresh token.
    #[error("the refresh token is invalid, expired or revoked; log in again")]
    RefreshTokenInvalid,
    /// A spent refresh token was presented again: its whole family is now revoked.
    #[error("this refresh token was already used; every session of this login has been revoked")]
    RefreshTokenReused,
    /// No such user.
    #[error("no user with id {0}")]
    UserNotFound(Uuid),
    /// The current password given to change it was wrong.
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    /// An administrator tried to lock themselves out.
    #[error("administrators cannot deactivate or demote their own account")]
    SelfLockout,
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Hashing or signing failed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiErrorCode for IdentityError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated | Self::InvalidToken | Self::TokenExpired | Self::InvalidCredentials => {
                StatusCode::UNAUTHORIZED
            }
            Self::RefreshTokenInvalid | Self::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::AccountDeactivated => StatusCode::FORBIDDEN,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::PhoneTaken | Self::EmailTaken | Self::SelfLockout => StatusCode::CONFLICT,
            Self::UserNotFound(_) => StatusCode::NOT_FOUND,
            Self::WrongCurrentPassword => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Storage(e) => e.status(),
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "authentication_required",
            Self::InvalidToken => "invalid_token",
            Self::TokenExpired => "token_expired",
            Self::Forbidden(_) => "forbidden",
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountDeactivated => "account_deactivated",
            Self::RateLimited(_) => "rate_limited",
            Self::PhoneTaken => "phone_taken",
            Self::EmailTaken => "email_taken",
            Self::RefreshTokenInvalid => "refresh_token_invalid",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::UserNotFound(_) => "user_not_found",
            Self::WrongCurrentPassword => "wrong_current_password",
            Self::SelfLockout => "self_lockout",
            Self::Storage(e) => e.code(),
            Self::Internal(_) => "internal_error",
        }
    }

    fn headers(&self) -> Vec<(header::HeaderName, String)> {
        match self {
            Self::Unauthenticated => vec![(header::WWW_AUTHENTICATE, "Bearer".into())],
            Self::InvalidToken | Self::TokenExpired => {
                vec![(header::WWW_AUTHENTICATE, r#"Bearer error="invalid_token""#.into())]
            }
            Self::RateLimited(secs) => vec![(header::RETRY_AFTER, secs.to_string())],
            _ => Vec::new(),
        }
    }
}

impl IdentityError {
    /// Maps a unique violation to the field that caused it.
    pub fn from_conflict(err: StorageError) -> Self {
        match err {
            StorageError::Conflict(what) if what.contains("email") => Self::EmailTaken,
            StorageError::Conflict(what) if what.contains("phone") => Self::PhoneTaken,
            other => Self::Storage(other),
        }
    }
}
