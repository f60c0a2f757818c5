//! Users as the plan's `users` collection describes them, plus refresh tokens and audit
//! events. Values that have rules (phone numbers, emails, roles) validate on construction.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// How many login events a user keeps.
pub const LOGIN_HISTORY_LIMIT: usize = 20;

/// A user's id (UUIDv7, generated here so it is the same on every backend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserId(pub Uuid);

impl UserId {
    /// A fresh, time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The plan's `userType`: which kind of account this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UserType {
    /// A clinic patient (Track 1 origin).
    Patient,
    /// A chat user (Track 2 origin) or a staff account.
    User,
}

/// The plan's `trackOrigin`: where the account was first created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TrackOrigin {
    /// Feedback and reminders.
    Track1,
    /// Chat.
    Track2,
}

/// What a user may do. `patient` and `user` reach only their own records; `staff`, `lab` and
/// `admin` reach patients' records (audited); only `admin` manages users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A patient: own records only.
    Patient,
    /// A chat user: own records only.
    User,
    /// Clinic staff: review queues, reminders for patients.
    Staff,
    /// Laboratory / blood-bank staff.
    Lab,
    /// Administrator: everything, including user management.
    Admin,
}

impl Role {
    /// Staff-side roles that may act on other users' records.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Staff | Self::Lab | Self::Admin)
    }

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::User => "user",
            Self::Staff => "staff",
            Self::Lab => "lab",
            Self::Admin => "admin",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Patient, Self::User, Self::Staff, Self::Lab, Self::Admin].into_iter().find(|r| r.as_str() == text)
    }
}

impl UserType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::User => "user",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Patient, Self::User].into_iter().find(|t| t.as_str() == text)
    }
}

impl TrackOrigin {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Track1 => "track1",
            Self::Track2 => "track2",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Track1, Self::Track2].into_iter().find(|t| t.as_str() == text)
    }
}

/// A phone number in E.164 form (`+` then 8 to 15 digits, no leading zero).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts E.164 only: `+`, a country code not starting with 0, 8 to 15 digits in all.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let digits = text.strip_prefix('+').ok_or("must start with + and the country code (E.164)")?;
        let valid =
            (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err("must be an E.164 number such as +15551234567")
        }
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, stored lower-cased so uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Validates and lower-cases (no trimming: what the schema calls an email is what passes).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        if text.len() <= 254 && validator::ValidateEmail::validate_email(&text) {
            Ok(Self(text.to_lowercase()))
        } else {
            Err("must be an email address")
        }
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The plan's `profile`: track-specific details.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    /// The patient's id in the legacy Track 1 system, kept after migration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<Uuid>,
    /// Conditions, allergies and medications the patient chose to record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub medical_info: Option<MedicalInfo>,
    /// How the chat assistant should behave for this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_preferences: Option<ChatPreferences>,
}

/// The plan's `profile.medicalInfo`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicalInfo {
    /// Known conditions (at most 50).
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub conditions: Vec<String>,
    /// Allergies (at most 50).
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub allergies: Vec<String>,
    /// Current medications (at most 50).
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub medications: Vec<String>,
}

/// The plan's `profile.chatPreferences`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatPreferences {
    /// Which LLM provider answers this user.
    pub preferred_provider: LlmProvider,
    /// Whether earlier messages are sent to the provider as context.
    pub context_retention: bool,
    /// Whether the user's usage may feed analytics.
    pub analytics_opt_in: bool,
}

/// LLM providers a user may prefer; `local` answers offline from the clinic's knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LlmProvider {
    /// Google Gemini.
    Gemini,
    /// Groq (OpenAI-compatible).
    Groq,
    /// The offline knowledge-base provider.
    Local,
}

/// One successful login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoginEvent {
    /// When.
    pub timestamp: DateTime<Utc>,
    /// Client address as the server saw it.
    pub ip_address: Option<String>,
    /// Client `User-Agent`, truncated to 256 characters.
    pub user_agent: Option<String>,
}

/// Where a migrated account came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MigratedFrom {
    /// `postgresql_track1` or `postgresql_track2`.
    pub source: String,
    /// The id in the legacy database.
    pub original_id: Uuid,
    /// When it was migrated.
    pub migrated_at: DateTime<Utc>,
}

impl MigratedFrom {
    /// Reads a stored `migratedFrom`: a list, or the single object written before merged
    /// accounts existed.
    pub fn list_from_json(value: serde_json::Value) -> Result<Vec<Self>, serde_json::Error> {
        if value.is_array() {
            serde_json::from_value(value)
        } else {
            serde_json::from_value(value).map(|one| vec![one])
        }
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// The plan's userType.
    pub user_type: UserType,
    /// Authorisation role.
    pub role: Role,
    /// The plan's trackOrigin.
    pub track_origin: TrackOrigin,
    /// Display name.
    pub full_name: String,
    /// Unique phone number.
    pub phone: PhoneNumber,
    /// Unique (when present) email.
    pub email: Option<Email>,
    /// BCP 47 language tag, `en` by default.
    pub preferred_language: String,
    /// PHC string of the password hash.
    pub password_hash: String,
    /// Track-specific details.
    pub profile: Profile,
    /// Deactivated users can neither log in nor refresh.
    pub is_active: bool,
    /// Whether the phone/email was verified.
    pub is_verified: bool,
    /// Last successful login.
    pub last_login: Option<DateTime<Utc>>,
    /// Most recent logins first, at most [`LOGIN_HISTORY_LIMIT`].
    pub login_history: Vec<LoginEvent>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Origins of an account migrated from the legacy databases (two when one person was in
    /// both); empty for accounts created here.
    pub migrated_from: Vec<MigratedFrom>,
}

/// Filters of the admin user list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Case-insensitive substring of name, phone or email.
    pub search: Option<String>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only active (or only inactive) users.
    pub is_active: Option<bool>,
}

/// A page request: 1-based page number and page size.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

impl PageRequest {
    /// Rows to skip.
    pub fn offset(self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// One page of results with the total count.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Items matching the filter across all pages.
    pub total: u64,
}

impl<T> Page<T> {
    /// The same page with every item converted by `convert` (stored documents into domain
    /// values); the first failure fails the page.
    pub fn try_map<U, E>(self, convert: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        let items = self.items.into_iter().map(convert).collect::<Result<_, _>>()?;
        Ok(Page { items, total: self.total })
    }
}

/// A refresh token as stored: only its SHA-256 hash is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshToken {
    /// Id of this token.
    pub id: Uuid,
    /// Every token rotated from one login shares the family; reuse of a spent token revokes it.
    pub family_id: Uuid,
    /// Owner.
    pub user_id: UserId,
    /// Hex SHA-256 of the token text.
    pub token_hash: String,
    /// Issue time.
    pub issued_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for a new one.
    pub used_at: Option<DateTime<Utc>>,
    /// When it was revoked (logout, reuse, deactivation).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What happened when a refresh token was presented.
#[derive(Debug, Clone, PartialEq)]
pub enum Consumed {
    /// It was live and is now spent.
    Fresh(RefreshToken),
    /// It had been exchanged before: a replay, which revokes its family.
    Spent(RefreshToken),
    /// It was revoked (logout, deactivation) and never exchanged.
    Revoked,
    /// It had expired.
    Expired,
    /// No such token.
    Unknown,
}

impl Consumed {
    /// Classifies a token the atomic spend has just marked used.
    pub fn spent_now(token: RefreshToken, now: DateTime<Utc>) -> Self {
        if token.expires_at <= now {
            Self::Expired
        } else {
            Self::Fresh(token)
        }
    }

    /// Classifies a token the atomic spend did not match: replayed, revoked or unknown.
    pub fn not_spendable(token: Option<RefreshToken>) -> Self {
        match token {
            Some(token) if token.used_at.is_some() => Self::Spent(token),
            Some(_) => Self::Revoked,
            None => Self::Unknown,
        }
    }
}

/// One entry of the audit trail: who did what to whose data.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// Id (UUIDv7).
    pub event_id: Uuid,
    /// Who acted.
    pub actor_id: Uuid,
    /// The actor's role at the time.
    pub actor_role: Role,
    /// What they did, e.g. `user.read`, `user.role_changed`.
    pub action: String,
    /// Whose data it concerned.
    pub subject_user_id: Option<Uuid>,
    /// The resource touched, e.g. `users/0193…`.
    pub resource: String,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// The request that did it.
    pub request_id: Option<String>,
}

/// Filters of the audit trail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events by this actor.
    pub actor_id: Option<Uuid>,
    /// Only events about this user.
    pub subject_user_id: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_canonical_e164() {
        assert_eq!(PhoneNumber::parse("+250788123456").unwrap().as_str(), "+250788123456");
        for bad in ["5551234567", "+0123456789", "+1555", "+1555123456789012", "+1555abc4567", "+1 555 123 4567", ""] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(Email::parse("Nurse@Clinic.ORG").unwrap().as_str(), "nurse@clinic.org");
        assert!(Email::parse(" nurse@clinic.org").is_err());
        assert!(Email::parse("not-an-email").is_err());
        assert!(Email::parse(&format!("{}@x.org", "a".repeat(260))).is_err());
    }

    #[test]
    fn only_staff_side_roles_are_staff() {
        assert!(!Role::Patient.is_staff() && !Role::User.is_staff());
        assert!(Role::Staff.is_staff() && Role::Lab.is_staff() && Role::Admin.is_staff());
        for role in [Role::Patient, Role::User, Role::Staff, Role::Lab, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn refresh_outcomes() {
        let now = crate::storage::now();
        let token = RefreshToken {
            id: Uuid::now_v7(),
            family_id: Uuid::now_v7(),
            user_id: UserId::generate(),
            token_hash: "h".into(),
            issued_at: now,
            expires_at: now + chrono::Duration::days(1),
            used_at: None,
            revoked_at: None,
        };
        assert_eq!(Consumed::spent_now(token.clone(), now), Consumed::Fresh(token.clone()));
        assert_eq!(Consumed::spent_now(token.clone(), token.expires_at), Consumed::Expired);
        assert_eq!(Consumed::not_spendable(Some(token.clone())), Consumed::Revoked);
        let replayed = RefreshToken { used_at: Some(now), ..token };
        assert!(matches!(Consumed::not_spendable(Some(replayed)), Consumed::Spent(_)));
        assert_eq!(Consumed::not_spendable(None), Consumed::Unknown);
    }

    #[test]
    fn migrated_from_reads_a_list_or_the_older_single_object() {
        let one = serde_json::json!({"source": "postgresql_track1", "originalId": Uuid::nil(), "migratedAt": "2024-01-01T00:00:00Z"});
        let single = MigratedFrom::list_from_json(one.clone()).unwrap();
        assert_eq!(single.len(), 1);
        assert_eq!(MigratedFrom::list_from_json(serde_json::json!([one.clone(), one])).unwrap().len(), 2);
        assert!(MigratedFrom::list_from_json(serde_json::json!("nope")).is_err());
    }

    #[test]
    fn pages_skip_whole_pages() {
        assert_eq!(PageRequest { page: 1, per_page: 20 }.offset(), 0);
        assert_eq!(PageRequest { page: 3, per_page: 20 }.offset(), 40);
    }
}
