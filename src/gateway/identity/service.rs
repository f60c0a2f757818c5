//! Identity use cases: registration, login, token rotation, the caller's own account and user
//! administration. No actix types here beyond the blocking pool used for hashing.

use actix_web::web;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    domain::{
        Consumed, Email, LoginEvent, PhoneNumber, Profile, RefreshToken, Role, TrackOrigin, User, UserId, UserType,
    },
    error::IdentityError,
    guard::AuthUser,
    password, Identity,
};
use crate::storage;

/// Where a request came from, for login history and throttling.
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    /// Peer address.
    pub ip: Option<String>,
    /// `User-Agent` header.
    pub user_agent: Option<String>,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Display name.
    pub full_name: String,
    /// Phone number.
    pub phone: PhoneNumber,
    /// Email.
    pub email: Option<Email>,
    /// Plain password (policy already checked).
    pub password: String,
    /// Language tag.
    pub preferred_language: String,
    /// Role.
    pub role: Role,
}

/// A logged-in session: the user and a fresh token pair.
#[derive(Debug)]
pub struct Session {
    /// The account.
    pub user: User,
    /// Signed JWT.
    pub access_token: String,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
    /// Refresh token text (only its hash is stored).
    pub refresh_token: String,
    /// Refresh token lifetime in seconds.
    pub refresh_expires_in: i64,
}

/// Changes a user makes to their own account.
#[derive(Debug, Default)]
pub struct OwnChanges {
    /// New display name.
    pub full_name: Option<String>,
    /// New phone number.
    pub phone: Option<PhoneNumber>,
    /// New email.
    pub email: Option<Email>,
    /// New language tag.
    pub preferred_language: Option<String>,
    /// New profile.
    pub profile: Option<Profile>,
}

/// Changes an administrator makes to an account.
#[derive(Debug, Default)]
pub struct AdminChanges {
    /// New role.
    pub role: Option<Role>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
    /// Mark verified or not.
    pub is_verified: Option<bool>,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, IdentityError> {
    web::block(f).await.map_err(|e| IdentityError::Internal(e.to_string()))
}

async fn hash_password(plain: String) -> Result<String, IdentityError> {
    blocking(move || password::hash(&plain)).await?.map_err(|e| IdentityError::Internal(e.to_string()))
}

async fn password_matches(plain: String, phc: String) -> Result<bool, IdentityError> {
    blocking(move || password::verify(&plain, &phc)).await
}

/// Creates an account (patients register themselves; staff accounts are made by admins).
pub async fn create_account(identity: &Identity, account: NewAccount) -> Result<User, IdentityError> {
    let now = storage::now();
    let (user_type, track_origin) = match account.role {
        Role::User => (UserType::User, TrackOrigin::Track2),
        Role::Patient => (UserType::Patient, TrackOrigin::Track1),
        Role::Staff | Role::Lab | Role::Admin => (UserType::User, TrackOrigin::Track1),
    };
    let user = User {
        id: UserId::generate(),
        user_type,
        role: account.role,
        track_origin,
        full_name: account.full_name,
        phone: account.phone,
        email: account.email,
        preferred_language: account.preferred_language,
        password_hash: hash_password(account.password).await?,
        profile: Profile::default(),
        is_active: true,
        is_verified: false,
        last_login: None,
        login_history: Vec::new(),
        created_at: now,
        updated_at: now,
        migrated_from: Vec::new(),
    };
    identity.stores.users.insert(&user).await.map_err(IdentityError::from_conflict)?;
    Ok(user)
}

/// Registers a patient and logs them in.
pub async fn register(identity: &Identity, account: NewAccount, meta: ClientMeta) -> Result<Session, IdentityError> {
    let user = create_account(identity, NewAccount { role: Role::Patient, ..account }).await?;
    start_session(identity, user, meta).await
}

/// Checks credentials (phone number or email) and opens a session.
pub async fn login(
    identity: &Identity,
    identifier: &str,
    password: String,
    meta: ClientMeta,
) -> Result<Session, IdentityError> {
    let account_key = identifier.trim().to_lowercase();
    identity
        .limiter
        .check(meta.ip.as_deref().unwrap_or("unknown"), &account_key)
        .map_err(IdentityError::RateLimited)?;
    let found = find_by_identifier(identity, &account_key).await?;
    let Some(user) = found else {
        blocking(move || password::verify_against_dummy(&password)).await?;
        return Err(IdentityError::InvalidCredentials);
    };
    if !password_matches(password.clone(), user.password_hash.clone()).await? {
        return Err(IdentityError::InvalidCredentials);
    }
    if !user.is_active {
        return Err(IdentityError::AccountDeactivated);
    }
    let user = upgrade_legacy_hash(identity, user, password).await?;
    start_session(identity, user, meta).await
}

/// Replaces a bcrypt hash carried over from the legacy databases by argon2id, now that the
/// password is known to match it.
async fn upgrade_legacy_hash(identity: &Identity, mut user: User, password: String) -> Result<User, IdentityError> {
    if !password::is_legacy(&user.password_hash) {
        return Ok(user);
    }
    user.password_hash = hash_password(password).await?;
    user.updated_at = storage::now();
    identity.stores.users.update(&user).await?;
    Ok(user)
}

async fn find_by_identifier(identity: &Identity, identifier: &str) -> Result<Option<User>, IdentityError> {
    let users = &identity.stores.users;
    if identifier.contains('@') {
        match Email::parse(identifier) {
            Ok(email) => Ok(users.find_by_email(&email).await?),
            Err(_) => Ok(None),
        }
    } else {
        match PhoneNumber::parse(identifier) {
            Ok(phone) => Ok(users.find_by_phone(&phone).await?),
            Err(_) => Ok(None),
        }
    }
}

async fn start_session(identity: &Identity, mut user: User, meta: ClientMeta) -> Result<Session, IdentityError> {
    let event = LoginEvent {
        timestamp: storage::now(),
        ip_address: meta.ip,
        user_agent: meta.user_agent.map(|ua| ua.chars().take(256).collect()),
    };
    identity.stores.users.record_login(user.id, &event).await?;
    user.last_login = Some(event.timestamp);
    user.login_history.insert(0, event);
    user.login_history.truncate(super::domain::LOGIN_HISTORY_LIMIT);
    issue_tokens(identity, user, Uuid::now_v7()).await
}

async fn issue_tokens(identity: &Identity, user: User, family_id: Uuid) -> Result<Session, IdentityError> {
    let now = storage::now();
    let access_token =
        identity.keys.issue(user.id, user.role, now).map_err(|e| IdentityError::Internal(e.to_string()))?;
    let secret = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let token = RefreshToken {
        id: Uuid::now_v7(),
        family_id,
        user_id: user.id,
        token_hash: token_hash(&secret),
        issued_at: now,
        expires_at: now + identity.refresh_ttl,
        used_at: None,
        revoked_at: None,
    };
    identity.stores.tokens.insert(&token).await?;
    Ok(Session {
        user,
        access_token,
        expires_in: identity.keys.ttl_secs(),
        refresh_token: secret,
        refresh_expires_in: identity.refresh_ttl.num_seconds(),
    })
}

/// Hex SHA-256: refresh tokens are stored only as hashes.
fn token_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Exchanges a refresh token for a new pair; presenting a spent token revokes its family.
pub async fn refresh(identity: &Identity, secret: &str) -> Result<Session, IdentityError> {
    let now = storage::now();
    let tokens = &identity.stores.tokens;
    match tokens.consume(&token_hash(secret), now).await? {
        Consumed::Fresh(token) => {
            let user = identity.stores.users.find_by_id(token.user_id).await?;
            match user {
                Some(user) if user.is_active => issue_tokens(identity, user, token.family_id).await,
                _ => {
                    tokens.revoke_family(token.family_id, now).await?;
                    Err(IdentityError::RefreshTokenInvalid)
                }
            }
        }
        Consumed::Spent(token) => {
            log::warn!("refresh token reuse for user {}: revoking family {}", token.user_id, token.family_id);
            tokens.revoke_family(token.family_id, now).await?;
            Err(IdentityError::RefreshTokenReused)
        }
        Consumed::Revoked | Consumed::Expired | Consumed::Unknown => Err(IdentityError::RefreshTokenInvalid),
    }
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent).
pub async fn logout(identity: &Identity, secret: &str) -> Result<(), IdentityError> {
    let now = storage::now();
    // Revoke without spending, so a later use reads as "revoked", not as a replay.
    if let Some(token) = identity.stores.tokens.find(&token_hash(secret)).await? {
        identity.stores.tokens.revoke_family(token.family_id, now).await?;
    }
    Ok(())
}

/// A user by id.
pub async fn get_user(identity: &Identity, id: UserId) -> Result<User, IdentityError> {
    identity.stores.users.find_by_id(id).await?.ok_or(IdentityError::UserNotFound(id.0))
}

/// Applies a user's changes to their own account.
pub async fn update_own(identity: &Identity, id: UserId, changes: OwnChanges) -> Result<User, IdentityError> {
    let mut user = get_user(identity, id).await?;
    user.full_name = changes.full_name.unwrap_or(user.full_name);
    user.phone = changes.phone.unwrap_or(user.phone);
    user.email = changes.email.or(user.email);
    user.preferred_language = changes.preferred_language.unwrap_or(user.preferred_language);
    user.profile = changes.profile.unwrap_or(user.profile);
    user.updated_at = storage::now();
    identity.stores.users.update(&user).await.map_err(IdentityError::from_conflict)?;
    Ok(user)
}

/// Changes the password after checking the current one, and ends every other session.
pub async fn change_password(
    identity: &Identity,
    id: UserId,
    current: String,
    new: String,
) -> Result<(), IdentityError> {
    let mut user = get_user(identity, id).await?;
    if !password_matches(current, user.password_hash.clone()).await? {
        return Err(IdentityError::WrongCurrentPassword);
    }
    user.password_hash = hash_password(new).await?;
    user.updated_at = storage::now();
    identity.stores.users.update(&user).await?;
    identity.stores.tokens.revoke_user(user.id, user.updated_at).await?;
    Ok(())
}

/// An administrator's view of an account (audited).
pub async fn read_user(identity: &Identity, admin: &AuthUser, id: UserId) -> Result<User, IdentityError> {
    let user = get_user(identity, id).await?;
    admin.authorize_record(id, identity.stores.audit.as_ref(), "user.read", &format!("users/{id}")).await?;
    Ok(user)
}

/// Applies an administrator's changes; deactivation revokes the account's sessions. Every
/// change is audited; administrators cannot deactivate or demote themselves.
pub async fn administer(
    identity: &Identity,
    admin: &AuthUser,
    id: UserId,
    changes: AdminChanges,
) -> Result<User, IdentityError> {
    let mut user = get_user(identity, id).await?;
    let demotes_self = changes.role.is_some_and(|r| r != Role::Admin) || changes.is_active == Some(false);
    if id == admin.id && demotes_self {
        return Err(IdentityError::SelfLockout);
    }
    let mut actions = Vec::new();
    if let Some(role) = changes.role.filter(|r| *r != user.role) {
        actions.push(format!("user.role_changed:{}->{}", user.role.as_str(), role.as_str()));
        user.role = role;
    }
    if let Some(active) = changes.is_active.filter(|a| *a != user.is_active) {
        actions.push(if active { "user.reactivated" } else { "user.deactivated" }.to_owned());
        user.is_active = active;
    }
    if let Some(verified) = changes.is_verified.filter(|v| *v != user.is_verified) {
        actions.push(if verified { "user.verified" } else { "user.unverified" }.to_owned());
        user.is_verified = verified;
    }
    if actions.is_empty() {
        return Ok(user);
    }
    user.updated_at = storage::now();
    identity.stores.users.update(&user).await?;
    if !user.is_active {
        identity.stores.tokens.revoke_user(user.id, user.updated_at).await?;
    }
    let resource = format!("users/{id}");
    for action in actions {
        admin.audit(identity.stores.audit.as_ref(), &action, Some(id), &resource).await?;
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::token_hash;

    #[test]
    fn token_hashes_are_hex_sha256() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
