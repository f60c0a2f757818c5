//! Identity stores on MongoDB, in the plan's collections. `users` holds one document per
//! account with camelCase fields (`userId`, `phoneNumber`, `profile`, `loginHistory`, …) and a
//! server-assigned ObjectId `_id`; `refresh_tokens` and `audit_events` hold one document per
//! token and per event. Optional values (`email`, `lastLogin`, `migratedFrom`, `usedAt`,
//! `revokedAt`, …) are left out when `None`, so `{field: null}` filters match them.
//!
//! Encodings: UUIDs are BSON binary subtype 4 (`bson::Uuid`); timestamps are BSON dates, which
//! keep milliseconds (hence `storage::now()`); `profile` is the serde form of [`Profile`] except
//! `patientId`, a binary UUID too.
//! `loginHistory` is stored oldest first and capped by one `$push` with `$slice`; reads reverse
//! it. Filters and updates are built by the pure functions below so they can be unit-tested.

use std::sync::Arc;

use async_trait::async_trait;
use bson::{doc, Bson, DateTime as BsonDate, Document, Uuid as BsonUuid};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::{options::ReturnDocument, Collection, Database};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AuditStore, IdentityStores, TokenStore, UserStore};
use crate::{
    gateway::identity::domain::{
        AuditEvent, AuditFilter, Consumed, Email, LoginEvent, MigratedFrom, Page, PageRequest, PhoneNumber, Profile,
        RefreshToken, Role, TrackOrigin, User, UserFilter, UserId, UserType, LOGIN_HISTORY_LIMIT,
    },
    storage::{
        mongo::{find_page, index, page_limit, regex_escape, unique_when_present},
        pick::BuildOn,
        StorageError, StoreResult,
    },
};

/// A `users` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserDoc {
    user_id: BsonUuid,
    user_type: String,
    role: String,
    track_origin: String,
    full_name: String,
    phone_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    preferred_language: String,
    password_hash: String,
    #[serde(default)]
    profile: Document,
    is_active: bool,
    is_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_login: Option<BsonDate>,
    #[serde(default)]
    login_history: Vec<LoginDoc>,
    created_at: BsonDate,
    updated_at: BsonDate,
    /// A list; a single document (as written before merged accounts existed) is read as one.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "one_or_many")]
    migrated_from: Vec<MigratedDoc>,
}

/// One `loginHistory` entry; missing address or agent are stored as null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginDoc {
    timestamp: BsonDate,
    ip_address: Option<String>,
    user_agent: Option<String>,
}

/// The `migratedFrom` subdocument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MigratedDoc {
    source: String,
    original_id: BsonUuid,
    migrated_at: BsonDate,
}

/// Reads `migratedFrom` as a list, or as the single document older accounts hold.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<MigratedDoc>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(MigratedDoc),
        Many(Vec<MigratedDoc>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// A `refresh_tokens` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenDoc {
    token_id: BsonUuid,
    family_id: BsonUuid,
    user_id: BsonUuid,
    token_hash: String,
    issued_at: BsonDate,
    expires_at: BsonDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    used_at: Option<BsonDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revoked_at: Option<BsonDate>,
}

/// An `audit_events` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuditDoc {
    event_id: BsonUuid,
    actor_id: BsonUuid,
    actor_role: String,
    action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject_user_id: Option<BsonUuid>,
    resource: String,
    occurred_at: BsonDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

impl UserDoc {
    /// The document of `user`; fails only if the profile cannot be serialised.
    fn from_user(user: &User) -> StoreResult<Self> {
        Ok(Self {
            user_id: user.id.0.into(),
            user_type: user.user_type.as_str().to_owned(),
            role: user.role.as_str().to_owned(),
            track_origin: user.track_origin.as_str().to_owned(),
            full_name: user.full_name.clone(),
            phone_number: user.phone.as_str().to_owned(),
            email: user.email.as_ref().map(|e| e.as_str().to_owned()),
            preferred_language: user.preferred_language.clone(),
            password_hash: user.password_hash.clone(),
            profile: profile_doc(&user.profile)?,
            is_active: user.is_active,
            is_verified: user.is_verified,
            last_login: user.last_login.map(BsonDate::from),
            login_history: user.login_history.iter().take(LOGIN_HISTORY_LIMIT).rev().map(LoginDoc::from).collect(),
            created_at: user.created_at.into(),
            updated_at: user.updated_at.into(),
            migrated_from: user
                .migrated_from
                .iter()
                .map(|m| MigratedDoc {
                    source: m.source.clone(),
                    original_id: m.original_id.into(),
                    migrated_at: m.migrated_at.into(),
                })
                .collect(),
        })
    }
}

impl TryFrom<UserDoc> for User {
    type Error = StorageError;

    fn try_from(doc: UserDoc) -> StoreResult<Self> {
        let id = Uuid::from(doc.user_id);
        let corrupt = |what: &str, value: &str| StorageError::Corrupt(format!("user {id}: {what} `{value}`"));
        Ok(Self {
            id: UserId(id),
            user_type: UserType::parse(&doc.user_type).ok_or_else(|| corrupt("userType", &doc.user_type))?,
            role: Role::parse(&doc.role).ok_or_else(|| corrupt("role", &doc.role))?,
            track_origin: TrackOrigin::parse(&doc.track_origin)
                .ok_or_else(|| corrupt("trackOrigin", &doc.track_origin))?,
            phone: PhoneNumber::parse(&doc.phone_number).map_err(|_| corrupt("phoneNumber", &doc.phone_number))?,
            email: match &doc.email {
                Some(e) => Some(Email::parse(e).map_err(|_| corrupt("email", e))?),
                None => None,
            },
            profile: profile_from_doc(doc.profile)
                .map_err(|e| StorageError::Corrupt(format!("user {id}: profile: {e}")))?,
            full_name: doc.full_name,
            preferred_language: doc.preferred_language,
            password_hash: doc.password_hash,
            is_active: doc.is_active,
            is_verified: doc.is_verified,
            last_login: doc.last_login.map(BsonDate::to_chrono),
            login_history: doc.login_history.into_iter().rev().map(LoginEvent::from).collect(),
            created_at: doc.created_at.to_chrono(),
            updated_at: doc.updated_at.to_chrono(),
            migrated_from: doc
                .migrated_from
                .into_iter()
                .map(|m| MigratedFrom {
                    source: m.source,
                    original_id: m.original_id.into(),
                    migrated_at: m.migrated_at.to_chrono(),
                })
                .collect(),
        })
    }
}

impl From<&LoginEvent> for LoginDoc {
    fn from(event: &LoginEvent) -> Self {
        Self {
            timestamp: event.timestamp.into(),
            ip_address: event.ip_address.clone(),
            user_agent: event.user_agent.clone(),
        }
    }
}

impl From<LoginDoc> for LoginEvent {
    fn from(doc: LoginDoc) -> Self {
        Self { timestamp: doc.timestamp.to_chrono(), ip_address: doc.ip_address, user_agent: doc.user_agent }
    }
}

impl From<&RefreshToken> for TokenDoc {
    fn from(t: &RefreshToken) -> Self {
        Self {
            token_id: t.id.into(),
            family_id: t.family_id.into(),
            user_id: t.user_id.0.into(),
            token_hash: t.token_hash.clone(),
            issued_at: t.issued_at.into(),
            expires_at: t.expires_at.into(),
            used_at: t.used_at.map(BsonDate::from),
            revoked_at: t.revoked_at.map(BsonDate::from),
        }
    }
}

impl From<TokenDoc> for RefreshToken {
    fn from(doc: TokenDoc) -> Self {
        Self {
            id: doc.token_id.into(),
            family_id: doc.family_id.into(),
            user_id: UserId(doc.user_id.into()),
            token_hash: doc.token_hash,
            issued_at: doc.issued_at.to_chrono(),
            expires_at: doc.expires_at.to_chrono(),
            used_at: doc.used_at.map(BsonDate::to_chrono),
            revoked_at: doc.revoked_at.map(BsonDate::to_chrono),
        }
    }
}

impl From<&AuditEvent> for AuditDoc {
    fn from(e: &AuditEvent) -> Self {
        Self {
            event_id: e.event_id.into(),
            actor_id: e.actor_id.into(),
            actor_role: e.actor_role.as_str().to_owned(),
            action: e.action.clone(),
            subject_user_id: e.subject_user_id.map(BsonUuid::from),
            resource: e.resource.clone(),
            occurred_at: e.occurred_at.into(),
            request_id: e.request_id.clone(),
        }
    }
}

impl TryFrom<AuditDoc> for AuditEvent {
    type Error = StorageError;

    fn try_from(doc: AuditDoc) -> StoreResult<Self> {
        let event_id = Uuid::from(doc.event_id);
        Ok(Self {
            actor_role: Role::parse(&doc.actor_role)
                .ok_or_else(|| StorageError::Corrupt(format!("audit event {event_id}: role `{}`", doc.actor_role)))?,
            event_id,
            actor_id: doc.actor_id.into(),
            action: doc.action,
            subject_user_id: doc.subject_user_id.map(Uuid::from),
            resource: doc.resource,
            occurred_at: doc.occurred_at.to_chrono(),
            request_id: doc.request_id,
        })
    }
}

/// `profile` as stored: serde's form, with `patientId` as a binary UUID like every other id.
fn profile_doc(profile: &Profile) -> StoreResult<Document> {
    let mut doc = bson::to_document(profile)?;
    if let Some(id) = profile.patient_id {
        doc.insert("patientId", BsonUuid::from(id));
    }
    Ok(doc)
}

/// The inverse of [`profile_doc`] (a `patientId` stored as a string reads too).
fn profile_from_doc(mut doc: Document) -> Result<Profile, bson::de::Error> {
    let patient_id = match doc.get("patientId") {
        Some(Bson::Binary(bin)) => bin.to_uuid().ok(),
        _ => None,
    };
    if let Some(id) = patient_id {
        doc.insert("patientId", id.to_string());
    }
    bson::from_document(doc)
}

/// The user with this id.
fn by_user_id(id: UserId) -> Document {
    doc! { "userId": BsonUuid::from(id.0) }
}

/// The admin list's filter: case-insensitive substring of name, phone or email, role, status.
fn user_filter(filter: &UserFilter) -> Document {
    let mut out = Document::new();
    if let Some(search) = &filter.search {
        let pattern = || doc! { "$regex": regex_escape(search), "$options": "i" };
        out.insert(
            "$or",
            vec![doc! { "fullName": pattern() }, doc! { "phoneNumber": pattern() }, doc! { "email": pattern() }],
        );
    }
    if let Some(role) = filter.role {
        out.insert("role", role.as_str());
    }
    if let Some(active) = filter.is_active {
        out.insert("isActive", active);
    }
    out
}

/// Accounts with an origin among `sources`: the dotted path matches inside a `migratedFrom`
/// list and in the single document older accounts hold alike.
fn migrated_filter(sources: &[&str]) -> Document {
    doc! { "migratedFrom.source": { "$in": sources } }
}

/// Newest users first, ties broken by id (as the SQL stores order them).
fn user_sort() -> Document {
    doc! { "createdAt": -1, "userId": -1 }
}

/// Replaces every mutable field; `email` and `migratedFrom` are unset when `None`.
fn update_user_doc(user: &User) -> StoreResult<Document> {
    let d = UserDoc::from_user(user)?;
    let mut set = doc! {
        "userType": d.user_type,
        "role": d.role,
        "fullName": d.full_name,
        "phoneNumber": d.phone_number,
        "preferredLanguage": d.preferred_language,
        "passwordHash": d.password_hash,
        "profile": d.profile,
        "isActive": d.is_active,
        "isVerified": d.is_verified,
        "updatedAt": d.updated_at,
    };
    let mut unset = Document::new();
    match d.email {
        Some(email) => set.insert("email", email),
        None => unset.insert("email", ""),
    };
    if d.migrated_from.is_empty() {
        unset.insert("migratedFrom", "");
    } else {
        set.insert("migratedFrom", bson::to_bson(&d.migrated_from)?);
    }
    let mut update = doc! { "$set": set };
    if !unset.is_empty() {
        update.insert("$unset", unset);
    }
    Ok(update)
}

/// Sets `lastLogin` and appends the event, keeping the newest [`LOGIN_HISTORY_LIMIT`].
fn login_update(event: &LoginEvent) -> Document {
    let keep = -i64::try_from(LOGIN_HISTORY_LIMIT).unwrap_or(20);
    doc! {
        "$set": { "lastLogin": BsonDate::from(event.timestamp) },
        "$push": { "loginHistory": {
            "$each": [{
                "timestamp": BsonDate::from(event.timestamp),
                "ipAddress": event.ip_address.clone(),
                "userAgent": event.user_agent.clone(),
            }],
            "$slice": keep,
        } },
    }
}

/// The token with this hash, if it is neither spent nor revoked.
fn spend_filter(token_hash: &str) -> Document {
    doc! { "tokenHash": token_hash, "usedAt": null, "revokedAt": null }
}

/// Live (unrevoked) tokens whose `field` is `id`.
fn live_tokens(field: &str, id: Uuid) -> Document {
    doc! { field: BsonUuid::from(id), "revokedAt": null }
}

/// Sets `field` to `now`.
fn stamp(field: &str, now: DateTime<Utc>) -> Document {
    doc! { "$set": { field: BsonDate::from(now) } }
}

/// The audit trail's filter.
fn audit_filter(filter: &AuditFilter) -> Document {
    let mut out = Document::new();
    if let Some(actor) = filter.actor_id {
        out.insert("actorId", BsonUuid::from(actor));
    }
    if let Some(subject) = filter.subject_user_id {
        out.insert("subjectUserId", BsonUuid::from(subject));
    }
    out
}

/// Newest events first, ties broken by id.
fn audit_sort() -> Document {
    doc! { "occurredAt": -1, "eventId": -1 }
}

/// The three identity collections of one database.
struct MongoIdentity {
    users: Collection<UserDoc>,
    tokens: Collection<TokenDoc>,
    audit: Collection<AuditDoc>,
}

impl BuildOn<Database> for IdentityStores {
    /// The MongoDB identity stores on `db`.
    fn build_on(db: &Database) -> Self {
        let store = Arc::new(MongoIdentity {
            users: db.collection("users"),
            tokens: db.collection("refresh_tokens"),
            audit: db.collection("audit_events"),
        });
        Self { users: store.clone(), tokens: store.clone(), audit: store }
    }

    /// Creates the identity collections' indexes (idempotent). The unique indexes' names carry
    /// `phone` and `email`, which the identity service reads in duplicate-key conflicts.
    async fn ensure_indexes(db: &Database) -> StoreResult<()> {
        db.collection::<Document>("users")
            .create_indexes([
                index("users_user_id_unique", doc! { "userId": 1 }, true),
                index("users_phone_number_unique", doc! { "phoneNumber": 1 }, true),
                unique_when_present("users_email_unique", "email"),
                index("users_created_at", doc! { "createdAt": -1 }, false),
                index("users_role", doc! { "role": 1 }, false),
            ])
            .await?;
        db.collection::<Document>("refresh_tokens")
            .create_indexes([
                index("refresh_tokens_token_hash_unique", doc! { "tokenHash": 1 }, true),
                index("refresh_tokens_family_id", doc! { "familyId": 1 }, false),
                index("refresh_tokens_user_id", doc! { "userId": 1 }, false),
            ])
            .await?;
        db.collection::<Document>("audit_events")
            .create_indexes([
                index("audit_events_subject_occurred", doc! { "subjectUserId": 1, "occurredAt": -1 }, false),
                index("audit_events_actor_occurred", doc! { "actorId": 1, "occurredAt": -1 }, false),
            ])
            .await?;
        Ok(())
    }
}

impl MongoIdentity {
    async fn find_user(&self, filter: Document) -> StoreResult<Option<User>> {
        self.users.find_one(filter).await?.map(User::try_from).transpose()
    }
}

#[async_trait]
impl UserStore for MongoIdentity {
    async fn insert(&self, user: &User) -> StoreResult<()> {
        self.users.insert_one(UserDoc::from_user(user)?).await?;
        Ok(())
    }

    async fn find_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        self.find_user(by_user_id(id)).await
    }

    async fn find_by_phone(&self, phone: &PhoneNumber) -> StoreResult<Option<User>> {
        self.find_user(doc! { "phoneNumber": phone.as_str() }).await
    }

    async fn find_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        self.find_user(doc! { "email": email.as_str() }).await
    }

    async fn update(&self, user: &User) -> StoreResult<()> {
        let done = self.users.update_one(by_user_id(user.id), update_user_doc(user)?).await?;
        if done.matched_count == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    async fn record_login(&self, id: UserId, event: &LoginEvent) -> StoreResult<()> {
        let done = self.users.update_one(by_user_id(id), login_update(event)).await?;
        if done.matched_count == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    async fn list(&self, filter: &UserFilter, page: PageRequest) -> StoreResult<Page<User>> {
        let filter = user_filter(filter);
        let total = self.users.count_documents(filter.clone()).await?;
        let Some(limit) = page_limit(page) else { return Ok(Page { items: Vec::new(), total }) };
        let docs: Vec<UserDoc> = self
            .users
            .find(filter)
            .sort(user_sort())
            .projection(doc! { "loginHistory": 0 })
            .skip(page.offset())
            .limit(limit)
            .await?
            .try_collect()
            .await?;
        let items = docs.into_iter().map(User::try_from).collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    async fn count_migrated(&self, sources: &[&str]) -> StoreResult<u64> {
        Ok(self.users.count_documents(migrated_filter(sources)).await?)
    }
}

#[async_trait]
impl TokenStore for MongoIdentity {
    async fn insert(&self, token: &RefreshToken) -> StoreResult<()> {
        self.tokens.insert_one(TokenDoc::from(token)).await?;
        Ok(())
    }

    async fn consume(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Consumed> {
        let spent = self
            .tokens
            .find_one_and_update(spend_filter(token_hash), stamp("usedAt", now))
            .return_document(ReturnDocument::After)
            .await?;
        match spent {
            Some(doc) => Ok(Consumed::spent_now(doc.into(), now)),
            None => Ok(Consumed::not_spendable(self.find(token_hash).await?)),
        }
    }

    async fn find(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
        Ok(self.tokens.find_one(doc! { "tokenHash": token_hash }).await?.map(RefreshToken::from))
    }

    async fn revoke_family(&self, family_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        self.tokens.update_many(live_tokens("familyId", family_id), stamp("revokedAt", now)).await?;
        Ok(())
    }

    async fn revoke_user(&self, user_id: UserId, now: DateTime<Utc>) -> StoreResult<()> {
        self.tokens.update_many(live_tokens("userId", user_id.0), stamp("revokedAt", now)).await?;
        Ok(())
    }
}

#[async_trait]
impl AuditStore for MongoIdentity {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        self.audit.insert_one(AuditDoc::from(event)).await?;
        Ok(())
    }

    async fn list(&self, filter: &AuditFilter, page: PageRequest) -> StoreResult<Page<AuditEvent>> {
        find_page(&self.audit, audit_filter(filter), audit_sort(), page).await?.try_map(AuditEvent::try_from)
    }
}

#[cfg(test)]
mod tests {
    use bson::spec::BinarySubtype;

    use super::*;
    use crate::{
        gateway::identity::domain::{ChatPreferences, LlmProvider, MedicalInfo},
        storage::now,
    };

    fn user(email: Option<&str>) -> User {
        let t = now();
        let login = |ip: &str| LoginEvent { timestamp: t, ip_address: Some(ip.into()), user_agent: None };
        User {
            id: UserId::generate(),
            user_type: UserType::Patient,
            role: Role::Patient,
            track_origin: TrackOrigin::Track1,
            full_name: "Ann Lee".into(),
            phone: PhoneNumber::parse("+15551234567").unwrap(),
            email: email.map(|e| Email::parse(e).unwrap()),
            preferred_language: "en".into(),
            password_hash: "$argon2id$v=19$x".into(),
            profile: Profile {
                patient_id: Some(Uuid::now_v7()),
                medical_info: Some(MedicalInfo { allergies: vec!["penicillin".into()], ..MedicalInfo::default() }),
                chat_preferences: Some(ChatPreferences {
                    preferred_provider: LlmProvider::Groq,
                    context_retention: true,
                    analytics_opt_in: false,
                }),
            },
            is_active: true,
            is_verified: false,
            last_login: Some(t),
            login_history: vec![login("10.0.0.2"), login("10.0.0.1")],
            created_at: t,
            updated_at: t,
            migrated_from: email
                .map(|_| MigratedFrom {
                    source: "postgresql_track1".into(),
                    original_id: Uuid::new_v4(),
                    migrated_at: t,
                })
                .into_iter()
                .collect(),
        }
    }

    /// Through the driver's encoding (raw BSON bytes) and back.
    fn through_bson<T: Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
        let raw = bson::to_raw_document_buf(value).unwrap();
        bson::from_slice(raw.as_bytes()).unwrap()
    }

    #[test]
    fn users_round_trip_through_bson() {
        for email in [None, Some("Ann@Clinic.org")] {
            let original = user(email);
            let doc = UserDoc::from_user(&original).unwrap();
            let stored = bson::to_document(&doc).unwrap();
            assert_eq!(stored.contains_key("email"), email.is_some());
            assert_eq!(stored.contains_key("migratedFrom"), email.is_some());
            let is_uuid = |v: Option<&Bson>| matches!(v, Some(Bson::Binary(b)) if b.subtype == BinarySubtype::Uuid);
            assert!(is_uuid(stored.get("userId")) && is_uuid(stored.get_document("profile").unwrap().get("patientId")));
            assert!(matches!(stored.get("createdAt"), Some(Bson::DateTime(_))));
            let history = stored.get_array("loginHistory").unwrap();
            assert_eq!(history[1].as_document().unwrap().get_str("ipAddress").unwrap(), "10.0.0.2");
            assert_eq!(User::try_from(through_bson(&doc)).unwrap(), original);
        }
    }

    #[test]
    fn bad_enums_and_phones_are_corrupt() {
        let mut doc = UserDoc::from_user(&user(None)).unwrap();
        doc.role = "root".into();
        assert!(matches!(User::try_from(doc.clone()), Err(StorageError::Corrupt(m)) if m.contains("root")));
        doc.role = "staff".into();
        doc.phone_number = "0800".into();
        assert!(matches!(User::try_from(doc), Err(StorageError::Corrupt(_))));
    }

    #[test]
    fn search_filter_is_escaped_and_case_insensitive() {
        let filter = UserFilter { search: Some("a.b+(c)".into()), role: Some(Role::Staff), is_active: Some(false) };
        let re = doc! { "$regex": r"a\.b\+\(c\)", "$options": "i" };
        let expected = doc! {
            "$or": [{ "fullName": re.clone() }, { "phoneNumber": re.clone() }, { "email": re }],
            "role": "staff",
            "isActive": false,
        };
        assert_eq!(user_filter(&filter), expected);
        assert_eq!(user_filter(&UserFilter::default()), doc! {});
        assert_eq!(user_sort().keys().collect::<Vec<_>>(), ["createdAt", "userId"]);
    }

    #[test]
    fn login_is_one_capped_push() {
        let t = now();
        let event = LoginEvent { timestamp: t, ip_address: None, user_agent: Some("curl".into()) };
        let expected = doc! {
            "$set": { "lastLogin": BsonDate::from(t) },
            "$push": { "loginHistory": {
                "$each": [{ "timestamp": BsonDate::from(t), "ipAddress": null, "userAgent": "curl" }],
                "$slice": -20_i64,
            } },
        };
        assert_eq!(login_update(&event), expected);
    }

    #[test]
    fn user_updates_set_mutable_fields_and_unset_absent_ones() {
        let with_email = user(Some("ann@clinic.org"));
        let update = update_user_doc(&with_email).unwrap();
        let set = update.get_document("$set").unwrap();
        assert_eq!(set.get_str("email").unwrap(), "ann@clinic.org");
        assert!(set.get_array("migratedFrom").is_ok_and(|list| list.len() == 1) && !update.contains_key("$unset"));
        for immutable in ["userId", "trackOrigin", "createdAt", "lastLogin", "loginHistory"] {
            assert!(!set.contains_key(immutable), "{immutable} must not change");
        }
        let update = update_user_doc(&user(None)).unwrap();
        assert_eq!(update.get_document("$unset").unwrap(), &doc! { "email": "", "migratedFrom": "" });
    }

    #[test]
    fn a_single_migrated_from_document_reads_as_a_list() {
        let original = user(Some("ann@clinic.org"));
        let mut doc = bson::to_document(&UserDoc::from_user(&original).unwrap()).unwrap();
        let first = doc.get_array("migratedFrom").unwrap()[0].clone();
        doc.insert("migratedFrom", first);
        let back: UserDoc = bson::from_document(doc).unwrap();
        assert_eq!(User::try_from(back).unwrap().migrated_from, original.migrated_from);
    }

    #[test]
    fn tokens_round_trip_and_spend_atomically() {
        let t = now();
        let token = RefreshToken {
            id: Uuid::now_v7(),
            family_id: Uuid::now_v7(),
            user_id: UserId::generate(),
            token_hash: "ab12".into(),
            issued_at: t,
            expires_at: t + chrono::Duration::days(30),
            used_at: None,
            revoked_at: Some(t),
        };
        let doc = TokenDoc::from(&token);
        assert!(!bson::to_document(&doc).unwrap().contains_key("usedAt"));
        assert_eq!(RefreshToken::from(through_bson(&doc)), token);
        assert_eq!(spend_filter("ab12"), doc! { "tokenHash": "ab12", "usedAt": null, "revokedAt": null });
        assert_eq!(stamp("usedAt", t), doc! { "$set": { "usedAt": BsonDate::from(t) } });
        let family = live_tokens("familyId", token.family_id);
        assert_eq!(family, doc! { "familyId": BsonUuid::from(token.family_id), "revokedAt": null });

        let replayed = TokenDoc { used_at: Some(t.into()), ..doc };
        assert_eq!(RefreshToken::from(replayed).used_at, Some(t));
    }

    #[test]
    fn migrated_accounts_are_found_by_any_of_their_origins() {
        let filter = migrated_filter(&["postgresql_track1", "postgresql_track2"]);
        assert_eq!(filter, doc! { "migratedFrom.source": { "$in": ["postgresql_track1", "postgresql_track2"] } });
    }

    #[test]
    fn audit_events_round_trip_and_filter() {
        let event = AuditEvent {
            event_id: Uuid::now_v7(),
            actor_id: Uuid::now_v7(),
            actor_role: Role::Lab,
            action: "user.read".into(),
            subject_user_id: Some(Uuid::now_v7()),
            resource: "users/x".into(),
            occurred_at: now(),
            request_id: None,
        };
        assert_eq!(AuditEvent::try_from(through_bson(&AuditDoc::from(&event))).unwrap(), event);
        let filter = AuditFilter { actor_id: Some(event.actor_id), subject_user_id: None };
        assert_eq!(audit_filter(&filter), doc! { "actorId": BsonUuid::from(event.actor_id) });
        assert_eq!(page_limit(PageRequest { page: 2, per_page: 0 }), None);
    }
}
