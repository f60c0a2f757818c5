//! Identity storage: users (with their capped login history), refresh tokens and the audit
//! trail, one trait per aggregate, implemented for SQLite and PostgreSQL (`sql.rs`, one
//! implementation over both dialects) and MongoDB (`mongo.rs`).

#[cfg(feature = "mongodb")]
mod mongo;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::domain::{
    AuditEvent, AuditFilter, Consumed, Email, LoginEvent, Page, PageRequest, PhoneNumber, RefreshToken, User,
    UserFilter, UserId,
};
use crate::storage::{pick, Backend, StoreResult};

/// Users.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Stores a new user; `Conflict` names the phone or email constraint when taken.
    async fn insert(&self, user: &User) -> StoreResult<()>;
    /// A user by id, with login history.
    async fn find_by_id(&self, id: UserId) -> StoreResult<Option<User>>;
    /// A user by canonical phone number.
    async fn find_by_phone(&self, phone: &PhoneNumber) -> StoreResult<Option<User>>;
    /// A user by (lower-cased) email.
    async fn find_by_email(&self, email: &Email) -> StoreResult<Option<User>>;
    /// Replaces every mutable field (all but id, origin, creation time and login history).
    async fn update(&self, user: &User) -> StoreResult<()>;
    /// Appends a login event (keeping the last 20) and sets `lastLogin`, atomically.
    async fn record_login(&self, id: UserId, event: &LoginEvent) -> StoreResult<()>;
    /// A page of users, newest first (login history left empty).
    async fn list(&self, filter: &UserFilter, page: PageRequest) -> StoreResult<Page<User>>;
    /// How many accounts carry an origin (`migratedFrom[].source`) among `sources`: the legacy
    /// migration's verification counts its accounts with it.
    async fn count_migrated(&self, sources: &[&str]) -> StoreResult<u64>;
}

/// Refresh tokens.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a new token.
    async fn insert(&self, token: &RefreshToken) -> StoreResult<()>;
    /// Spends the token with this hash, atomically: of two concurrent calls only one gets
    /// [`Consumed::Fresh`].
    async fn consume(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Consumed>;
    /// The token with this hash, in whatever state.
    async fn find(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>>;
    /// Revokes every live token of a family.
    async fn revoke_family(&self, family_id: Uuid, now: DateTime<Utc>) -> StoreResult<()>;
    /// Revokes every live token of a user.
    async fn revoke_user(&self, user_id: UserId, now: DateTime<Utc>) -> StoreResult<()>;
}

/// The audit trail (append-only).
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an event.
    async fn record(&self, event: &AuditEvent) -> StoreResult<()>;
    /// A page of events, newest first.
    async fn list(&self, filter: &AuditFilter, page: PageRequest) -> StoreResult<Page<AuditEvent>>;
}

/// The identity stores on one backend.
#[derive(Clone)]
pub struct IdentityStores {
    /// Users.
    pub users: Arc<dyn UserStore>,
    /// Refresh tokens.
    pub tokens: Arc<dyn TokenStore>,
    /// Audit trail.
    pub audit: Arc<dyn AuditStore>,
}

impl IdentityStores {
    /// The implementations for `backend`.
    pub fn build(backend: &Backend) -> Self {
        pick::build(backend)
    }
}

/// Creates MongoDB collections' indexes (SQL schemas come from the migrations).
pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
    pick::ensure_indexes::<IdentityStores>(backend).await
}
