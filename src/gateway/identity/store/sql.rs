//! Identity stores on SQLite and PostgreSQL. The schema and these statements are written in
//! the SQL both dialects share (`$n` parameters, `returning`, `limit/offset`), so one
//! implementation, instantiated per pool type by `impl_identity_stores!`, serves both
//! instead of two near-identical files.
//!
//! Encodings: UUIDs are native `uuid` on PostgreSQL and 16-byte BLOBs on SQLite; timestamps
//! are `timestamptz` and RFC 3339 TEXT; `profile` and `migrated_from` are `jsonb` and JSON TEXT.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{types::Json, FromRow, Pool};
use uuid::Uuid;

use super::{AuditStore, IdentityStores, TokenStore, UserStore};
use crate::{
    gateway::identity::domain::{
        AuditEvent, AuditFilter, Consumed, Email, LoginEvent, MigratedFrom, Page, PageRequest, PhoneNumber, Profile,
        RefreshToken, Role, TrackOrigin, User, UserFilter, UserId, UserType, LOGIN_HISTORY_LIMIT,
    },
    storage::{pick::BuildOn, StorageError, StoreResult},
};

const INSERT_USER: &str = "insert into users (user_id, user_type, role, track_origin, full_name, phone_number, email, \
    preferred_language, password_hash, profile, is_active, is_verified, last_login, created_at, updated_at, migrated_from) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
const SELECT_USER: &str = "select user_id, user_type, role, track_origin, full_name, phone_number, email, \
    preferred_language, password_hash, profile, is_active, is_verified, last_login, created_at, updated_at, migrated_from \
    from users";
const UPDATE_USER: &str = "update users set user_type = $2, role = $3, full_name = $4, phone_number = $5, email = $6, \
    preferred_language = $7, password_hash = $8, profile = $9, is_active = $10, is_verified = $11, updated_at = $12, \
    migrated_from = $13 where user_id = $1";
const USER_FILTER: &str = " where ($1 is null or lower(full_name) like $1 escape '\\' or phone_number like $1 escape '\\' \
    or lower(coalesce(email, '')) like $1 escape '\\') and ($2 is null or role = $2) and ($3 is null or is_active = $3)";
const SELECT_HISTORY: &str = "select occurred_at, ip_address, user_agent from login_events where user_id = $1 \
    order by occurred_at desc, id desc limit $2";
const TOUCH_LAST_LOGIN: &str = "update users set last_login = $2 where user_id = $1";
const INSERT_LOGIN: &str =
    "insert into login_events (user_id, occurred_at, ip_address, user_agent) values ($1, $2, $3, $4)";
const PRUNE_LOGINS: &str = "delete from login_events where user_id = $1 and id not in \
    (select id from login_events where user_id = $1 order by occurred_at desc, id desc limit $2)";

const INSERT_TOKEN: &str =
    "insert into refresh_tokens (token_id, family_id, user_id, token_hash, issued_at, expires_at, \
    used_at, revoked_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";
const TOKEN_COLUMNS: &str = "token_id, family_id, user_id, token_hash, issued_at, expires_at, used_at, revoked_at";
const REVOKE_FAMILY: &str = "update refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null";
const REVOKE_USER: &str = "update refresh_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null";

const INSERT_AUDIT: &str =
    "insert into audit_events (event_id, actor_id, actor_role, action, subject_user_id, resource, \
    occurred_at, request_id) values ($1, $2, $3, $4, $5, $6, $7, $8)";
const AUDIT_FILTER: &str = " where ($1 is null or actor_id = $1) and ($2 is null or subject_user_id = $2)";

#[derive(FromRow)]
struct UserRow {
    user_id: Uuid,
    user_type: String,
    role: String,
    track_origin: String,
    full_name: String,
    phone_number: String,
    email: Option<String>,
    preferred_language: String,
    password_hash: String,
    profile: Json<Profile>,
    is_active: bool,
    is_verified: bool,
    last_login: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    migrated_from: Option<Json<serde_json::Value>>,
}

impl UserRow {
    fn into_user(self, login_history: Vec<LoginEvent>) -> StoreResult<User> {
        let corrupt =
            |what: &str, value: &str| StorageError::Corrupt(format!("user {}: {what} `{value}`", self.user_id));
        Ok(User {
            id: UserId(self.user_id),
            user_type: UserType::parse(&self.user_type).ok_or_else(|| corrupt("user_type", &self.user_type))?,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("role", &self.role))?,
            track_origin: TrackOrigin::parse(&self.track_origin)
                .ok_or_else(|| corrupt("track_origin", &self.track_origin))?,
            phone: PhoneNumber::parse(&self.phone_number).map_err(|_| corrupt("phone_number", &self.phone_number))?,
            email: match &self.email {
                Some(e) => Some(Email::parse(e).map_err(|_| corrupt("email", e))?),
                None => None,
            },
            full_name: self.full_name,
            preferred_language: self.preferred_language,
            password_hash: self.password_hash,
            profile: self.profile.0,
            is_active: self.is_active,
            is_verified: self.is_verified,
            last_login: self.last_login,
            login_history,
            created_at: self.created_at,
            updated_at: self.updated_at,
            migrated_from: match self.migrated_from {
                Some(json) => MigratedFrom::list_from_json(json.0)
                    .map_err(|e| StorageError::Corrupt(format!("user {}: migrated_from: {e}", self.user_id)))?,
                None => Vec::new(),
            },
        })
    }
}

#[derive(FromRow)]
struct LoginRow {
    occurred_at: DateTime<Utc>,
    ip_address: Option<String>,
    user_agent: Option<String>,
}

impl From<LoginRow> for LoginEvent {
    fn from(row: LoginRow) -> Self {
        Self { timestamp: row.occurred_at, ip_address: row.ip_address, user_agent: row.user_agent }
    }
}

#[derive(FromRow)]
struct TokenRow {
    token_id: Uuid,
    family_id: Uuid,
    user_id: Uuid,
    token_hash: String,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for RefreshToken {
    fn from(row: TokenRow) -> Self {
        Self {
            id: row.token_id,
            family_id: row.family_id,
            user_id: UserId(row.user_id),
            token_hash: row.token_hash,
            issued_at: row.issued_at,
            expires_at: row.expires_at,
            used_at: row.used_at,
            revoked_at: row.revoked_at,
        }
    }
}

#[derive(FromRow)]
struct AuditRow {
    event_id: Uuid,
    actor_id: Uuid,
    actor_role: String,
    action: String,
    subject_user_id: Option<Uuid>,
    resource: String,
    occurred_at: DateTime<Utc>,
    request_id: Option<String>,
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StorageError;

    fn try_from(row: AuditRow) -> StoreResult<Self> {
        Ok(Self {
            actor_role: Role::parse(&row.actor_role).ok_or_else(|| {
                StorageError::Corrupt(format!("audit event {}: role `{}`", row.event_id, row.actor_role))
            })?,
            event_id: row.event_id,
            actor_id: row.actor_id,
            action: row.action,
            subject_user_id: row.subject_user_id,
            resource: row.resource,
            occurred_at: row.occurred_at,
            request_id: row.request_id,
        })
    }
}

/// `%term%` for a case-insensitive LIKE, with the wildcards in the term escaped.
fn like_pattern(search: Option<&str>) -> Option<String> {
    search.map(|s| format!("%{}%", escape_like(&s.to_lowercase())))
}

/// `text` with LIKE's wildcards (and the escape character) escaped with a backslash.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The count of accounts whose `migratedFrom` names one of `sources`, and its LIKE patterns
/// (`$1`…): the JSON text with its spaces removed (PostgreSQL prints `jsonb` with them, SQLite
/// keeps the compact text it was given) holds `"source":"<name>"`, in a list or in the older
/// single object alike; no other member of an origin (an id, a time) can hold that text.
fn count_migrated_sql(sources: &[&str]) -> (String, Vec<String>) {
    let patterns = sources.iter().map(|s| format!("%\"source\":\"{}\"%", escape_like(s))).collect();
    let each = (1..=sources.len())
        .map(|n| format!("replace(cast(migrated_from as text), ' ', '') like ${n} escape '\\'"))
        .collect::<Vec<_>>();
    (format!("select count(*) from users where {}", each.join(" or ")), patterns)
}

fn limit(page: PageRequest) -> (i64, i64) {
    (i64::from(page.per_page), i64::try_from(page.offset()).unwrap_or(i64::MAX))
}

fn history_limit() -> i64 {
    i64::try_from(LOGIN_HISTORY_LIMIT).unwrap_or(20)
}

/// One store value implements the three identity traits over a pool.
pub(super) struct SqlIdentity<DB: sqlx::Database> {
    pool: Pool<DB>,
}

impl<DB: sqlx::Database> BuildOn<Pool<DB>> for IdentityStores
where
    SqlIdentity<DB>: UserStore + TokenStore + AuditStore,
{
    fn build_on(pool: &Pool<DB>) -> Self {
        let store = Arc::new(SqlIdentity { pool: pool.clone() });
        Self { users: store.clone(), tokens: store.clone(), audit: store }
    }
}

macro_rules! impl_identity_stores {
    ($db:ty) => {
        impl SqlIdentity<$db> {
            async fn with_history(&self, row: Option<UserRow>) -> StoreResult<Option<User>> {
                let Some(row) = row else { return Ok(None) };
                let history: Vec<LoginRow> = sqlx::query_as(SELECT_HISTORY)
                    .bind(row.user_id)
                    .bind(history_limit())
                    .fetch_all(&self.pool)
                    .await?;
                row.into_user(history.into_iter().map(Into::into).collect()).map(Some)
            }

            async fn find_user_where(&self, clause: &str, value: &str) -> StoreResult<Option<User>> {
                let sql = format!("{SELECT_USER} where {clause} = $1");
                let row: Option<UserRow> = sqlx::query_as(&sql).bind(value).fetch_optional(&self.pool).await?;
                self.with_history(row).await
            }
        }

        #[async_trait]
        impl UserStore for SqlIdentity<$db> {
            async fn insert(&self, user: &User) -> StoreResult<()> {
                sqlx::query(INSERT_USER)
                    .bind(user.id.0)
                    .bind(user.user_type.as_str())
                    .bind(user.role.as_str())
                    .bind(user.track_origin.as_str())
                    .bind(&user.full_name)
                    .bind(user.phone.as_str())
                    .bind(user.email.as_ref().map(Email::as_str))
                    .bind(&user.preferred_language)
                    .bind(&user.password_hash)
                    .bind(Json(&user.profile))
                    .bind(user.is_active)
                    .bind(user.is_verified)
                    .bind(user.last_login)
                    .bind(user.created_at)
                    .bind(user.updated_at)
                    .bind((!user.migrated_from.is_empty()).then_some(Json(&user.migrated_from)))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
                let sql = format!("{SELECT_USER} where user_id = $1");
                let row: Option<UserRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                self.with_history(row).await
            }

            async fn find_by_phone(&self, phone: &PhoneNumber) -> StoreResult<Option<User>> {
                self.find_user_where("phone_number", phone.as_str()).await
            }

            async fn find_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
                self.find_user_where("email", email.as_str()).await
            }

            async fn update(&self, user: &User) -> StoreResult<()> {
                let done = sqlx::query(UPDATE_USER)
                    .bind(user.id.0)
                    .bind(user.user_type.as_str())
                    .bind(user.role.as_str())
                    .bind(&user.full_name)
                    .bind(user.phone.as_str())
                    .bind(user.email.as_ref().map(Email::as_str))
                    .bind(&user.preferred_language)
                    .bind(&user.password_hash)
                    .bind(Json(&user.profile))
                    .bind(user.is_active)
                    .bind(user.is_verified)
                    .bind(user.updated_at)
                    .bind((!user.migrated_from.is_empty()).then_some(Json(&user.migrated_from)))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Ok(())
            }

            async fn record_login(&self, id: UserId, event: &LoginEvent) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let touched = sqlx::query(TOUCH_LAST_LOGIN).bind(id.0).bind(event.timestamp).execute(&mut *tx).await?;
                if touched.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                sqlx::query(INSERT_LOGIN)
                    .bind(id.0)
                    .bind(event.timestamp)
                    .bind(&event.ip_address)
                    .bind(&event.user_agent)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(PRUNE_LOGINS).bind(id.0).bind(history_limit()).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list(&self, filter: &UserFilter, page: PageRequest) -> StoreResult<Page<User>> {
                let pattern = like_pattern(filter.search.as_deref());
                let role = filter.role.map(Role::as_str);
                let count_sql = format!("select count(*) from users{USER_FILTER}");
                let (total,): (i64,) = sqlx::query_as(&count_sql)
                    .bind(&pattern)
                    .bind(role)
                    .bind(filter.is_active)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit(page);
                let page_sql = format!("{SELECT_USER}{USER_FILTER} order by created_at desc, user_id desc limit $4 offset $5");
                let rows: Vec<UserRow> = sqlx::query_as(&page_sql)
                    .bind(&pattern)
                    .bind(role)
                    .bind(filter.is_active)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(|r| r.into_user(Vec::new())).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: u64::try_from(total).unwrap_or_default() })
            }

            async fn count_migrated(&self, sources: &[&str]) -> StoreResult<u64> {
                if sources.is_empty() {
                    return Ok(0);
                }
                let (sql, patterns) = count_migrated_sql(sources);
                let mut query = sqlx::query_as::<_, (i64,)>(&sql);
                for pattern in patterns {
                    query = query.bind(pattern);
                }
                let (total,) = query.fetch_one(&self.pool).await?;
                Ok(u64::try_from(total).unwrap_or_default())
            }
        }

        #[async_trait]
        impl TokenStore for SqlIdentity<$db> {
            async fn insert(&self, token: &RefreshToken) -> StoreResult<()> {
                sqlx::query(INSERT_TOKEN)
                    .bind(token.id)
                    .bind(token.family_id)
                    .bind(token.user_id.0)
                    .bind(&token.token_hash)
                    .bind(token.issued_at)
                    .bind(token.expires_at)
                    .bind(token.used_at)
                    .bind(token.revoked_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn consume(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Consumed> {
                let spend = format!(
                    "update refresh_tokens set used_at = $2 where token_hash = $1 and used_at is null \
                     and revoked_at is null returning {TOKEN_COLUMNS}"
                );
                let row: Option<TokenRow> =
                    sqlx::query_as(&spend).bind(token_hash).bind(now).fetch_optional(&self.pool).await?;
                match row {
                    Some(row) => Ok(Consumed::spent_now(row.into(), now)),
                    None => Ok(Consumed::not_spendable(TokenStore::find(self, token_hash).await?)),
                }
            }

            async fn find(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
                let lookup = format!("select {TOKEN_COLUMNS} from refresh_tokens where token_hash = $1");
                let row: Option<TokenRow> = sqlx::query_as(&lookup).bind(token_hash).fetch_optional(&self.pool).await?;
                Ok(row.map(Into::into))
            }

            async fn revoke_family(&self, family_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(REVOKE_FAMILY).bind(family_id).bind(now).execute(&self.pool).await?;
                Ok(())
            }

            async fn revoke_user(&self, user_id: UserId, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(REVOKE_USER).bind(user_id.0).bind(now).execute(&self.pool).await?;
                Ok(())
            }
        }

        #[async_trait]
        impl AuditStore for SqlIdentity<$db> {
            async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
                sqlx::query(INSERT_AUDIT)
                    .bind(event.event_id)
                    .bind(event.actor_id)
                    .bind(event.actor_role.as_str())
                    .bind(&event.action)
                    .bind(event.subject_user_id)
                    .bind(&event.resource)
                    .bind(event.occurred_at)
                    .bind(&event.request_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list(&self, filter: &AuditFilter, page: PageRequest) -> StoreResult<Page<AuditEvent>> {
                let count_sql = format!("select count(*) from audit_events{AUDIT_FILTER}");
                let (total,): (i64,) = sqlx::query_as(&count_sql)
                    .bind(filter.actor_id)
                    .bind(filter.subject_user_id)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit(page);
                let page_sql = format!(
                    "select event_id, actor_id, actor_role, action, subject_user_id, resource, occurred_at, request_id \
                     from audit_events{AUDIT_FILTER} order by occurred_at desc, event_id desc limit $3 offset $4"
                );
                let rows: Vec<AuditRow> = sqlx::query_as(&page_sql)
                    .bind(filter.actor_id)
                    .bind(filter.subject_user_id)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(AuditEvent::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: u64::try_from(total).unwrap_or_default() })
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_identity_stores!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_identity_stores!(sqlx::Postgres);

#[cfg(test)]
mod tests {
    use super::{count_migrated_sql, like_pattern};

    #[test]
    fn migrated_accounts_match_any_source_with_wildcards_escaped() {
        let (sql, patterns) = count_migrated_sql(&["postgresql_track1", "x%"]);
        assert_eq!(
            sql,
            "select count(*) from users where replace(cast(migrated_from as text), ' ', '') like $1 escape '\\' \
             or replace(cast(migrated_from as text), ' ', '') like $2 escape '\\'"
        );
        assert_eq!(patterns, ["%\"source\":\"postgresql\\_track1\"%", "%\"source\":\"x\\%\"%"]);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(Some("Ann_50%")).as_deref(), Some("%ann\\_50\\%%"));
        assert_eq!(like_pattern(None), None);
    }
}
