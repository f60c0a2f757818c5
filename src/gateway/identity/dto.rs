//! Request and response bodies of the identity routes (camelCase JSON).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use super::{
    domain::{self, AuditEvent, LoginEvent, MigratedFrom, Profile, Role, TrackOrigin, User, UserType},
    password,
};

/// Largest page a list returns.
pub const MAX_PAGE_SIZE: u32 = 100;

pub(super) fn email_rule(email: &str) -> Result<(), ValidationError> {
    domain::Email::parse(email).map(drop).map_err(|m| ValidationError::new("email").with_message(m.into()))
}

pub(super) fn password_rule(password: &str) -> Result<(), ValidationError> {
    password::check_policy(password).map_err(|m| ValidationError::new("password_policy").with_message(m.into()))
}

/// Phone numbers are taken in strict E.164 (as the schema's pattern says), so what the API
/// accepts and what the document promises are the same set.
pub(super) fn phone_rule(phone: &str) -> Result<(), ValidationError> {
    domain::PhoneNumber::parse(phone).map(drop).map_err(|m| ValidationError::new("phone_e164").with_message(m.into()))
}

/// BCP 47-style tag: a 2–3 letter language, optionally followed by subtags (`en`, `fr-CA`).
pub(super) fn language_rule(tag: &str) -> Result<(), ValidationError> {
    let mut parts = tag.split('-');
    let primary_ok =
        parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(())
    } else {
        Err(ValidationError::new("language_tag").with_message("must be a language tag such as `en` or `fr-CA`".into()))
    }
}

/// Self-registration of a patient.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    /// Display name (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Amina Uwase")]
    pub full_name: String,
    /// Phone number in E.164 (separators allowed); unique.
    #[validate(custom(function = "phone_rule"))]
    #[schema(pattern = r"^\+[1-9][0-9]{7,14}$", example = "+250788123456")]
    pub phone_number: String,
    /// Email address; unique when given.
    #[validate(custom(function = "email_rule"))]
    #[schema(format = Email, max_length = 254, example = "amina@example.org")]
    pub email: Option<String>,
    /// 10–128 characters, not a common password.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 128, example = "tulip-river-42")]
    pub password: String,
    /// Language for messages and translations (default `en`).
    #[validate(custom(function = "language_rule"))]
    #[schema(pattern = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", example = "rw")]
    pub preferred_language: Option<String>,
}

/// Credentials.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// Phone number (E.164) or email address.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "+250788123456")]
    pub identifier: String,
    /// The password.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128, example = "tulip-river-42")]
    pub password: String,
}

/// A refresh token to exchange or revoke.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from login, registration or the previous refresh.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: String,
}

/// Tokens and the account they belong to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthResponse {
    /// JWT to send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Single-use token for `POST /api/v1/auth/refresh`.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: i64,
    /// The account.
    pub user: UserResponse,
}

/// Changes to the caller's own account; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// New display name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    /// New phone number (E.164); unique.
    #[validate(custom(function = "phone_rule"))]
    #[schema(pattern = r"^\+[1-9][0-9]{7,14}$", example = "+250788123456")]
    pub phone_number: Option<String>,
    /// New email; unique.
    #[validate(custom(function = "email_rule"))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// New language tag.
    #[validate(custom(function = "language_rule"))]
    #[schema(pattern = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    pub preferred_language: Option<String>,
    /// Replaces the profile.
    #[validate(nested)]
    pub profile: Option<Profile>,
}

/// A password change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub current_password: String,
    /// The new password: 10–128 characters, not a common password.
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// A user account as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserResponse {
    /// Id.
    pub user_id: Uuid,
    /// `patient` or `user`.
    pub user_type: UserType,
    /// Authorisation role.
    pub role: Role,
    /// Track the account was created in.
    pub track_origin: TrackOrigin,
    /// Display name.
    pub full_name: String,
    /// E.164 phone number.
    pub phone_number: String,
    /// Email, when given.
    pub email: Option<String>,
    /// Language tag.
    pub preferred_language: String,
    /// Track-specific details.
    pub profile: Profile,
    /// Whether the account may log in.
    pub is_active: bool,
    /// Whether phone/email were verified.
    pub is_verified: bool,
    /// Last successful login.
    pub last_login: Option<DateTime<Utc>>,
    /// Recent logins, newest first (at most 20; empty in lists).
    pub login_history: Vec<LoginEvent>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Origins of a migrated account (two when the person was in both legacy databases);
    /// empty for accounts created here.
    pub migrated_from: Vec<MigratedFrom>,
}

impl From<User> for UserResponse {
    fn from(user: User) -> Self {
        Self {
            user_id: user.id.0,
            user_type: user.user_type,
            role: user.role,
            track_origin: user.track_origin,
            full_name: user.full_name,
            phone_number: user.phone.as_str().to_owned(),
            email: user.email.map(|e| e.as_str().to_owned()),
            preferred_language: user.preferred_language,
            profile: user.profile,
            is_active: user.is_active,
            is_verified: user.is_verified,
            last_login: user.last_login,
            login_history: user.login_history,
            created_at: user.created_at,
            updated_at: user.updated_at,
            migrated_from: user.migrated_from,
        }
    }
}

/// An account created by an administrator (staff, lab, other admins, or a patient at the desk).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Display name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    /// E.164 phone number; unique.
    #[validate(custom(function = "phone_rule"))]
    #[schema(pattern = r"^\+[1-9][0-9]{7,14}$", example = "+250788123456")]
    pub phone_number: String,
    /// Email; unique when given.
    #[validate(custom(function = "email_rule"))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Initial password (10–128 characters).
    #[validate(custom(function = "password_rule"))]
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    /// Role of the new account.
    pub role: Role,
    /// Language tag (default `en`).
    #[validate(custom(function = "language_rule"))]
    #[schema(pattern = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    pub preferred_language: Option<String>,
}

/// Administrative changes to an account; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// New role.
    pub role: Option<Role>,
    /// `false` deactivates the account and revokes its sessions; `true` reactivates it.
    pub is_active: Option<bool>,
    /// Marks phone/email as verified or not.
    pub is_verified: Option<bool>,
}

/// Filters and paging of the user list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct UserListQuery {
    /// Case-insensitive text in the name, phone number or email.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only active (`true`) or deactivated (`false`) accounts.
    pub is_active: Option<bool>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// Filters and paging of the audit trail.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct AuditQuery {
    /// Only events by this actor.
    pub actor_id: Option<Uuid>,
    /// Only events about this user.
    pub subject_user_id: Option<Uuid>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserPage {
    /// The users of this page, newest first.
    pub items: Vec<UserResponse>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Users matching the filters across all pages.
    pub total: u64,
}

/// A page of audit events.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// The events of this page, newest first.
    pub items: Vec<AuditEvent>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Events matching the filters across all pages.
    pub total: u64,
}

/// The page request of optional `page`/`perPage` query values.
pub fn page_request(page: Option<u32>, per_page: Option<u32>) -> domain::PageRequest {
    domain::PageRequest { page: page.unwrap_or(1), per_page: per_page.unwrap_or(20).min(MAX_PAGE_SIZE) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en", "fr-CA", "rw", "zh-Hant-TW"] {
            assert!(language_rule(ok).is_ok(), "{ok}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "12"] {
            assert!(language_rule(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn registration_reports_every_bad_field() {
        let request = RegisterRequest {
            full_name: String::new(),
            phone_number: "0788123456".into(),
            email: Some("nope".into()),
            password: "short".into(),
            preferred_language: Some("english".into()),
        };
        let errors = request.validate().unwrap_err();
        let mut fields: Vec<_> = errors.field_errors().keys().map(ToString::to_string).collect();
        fields.sort();
        assert_eq!(fields, ["email", "full_name", "password", "phone_number", "preferred_language"]);
    }
}
