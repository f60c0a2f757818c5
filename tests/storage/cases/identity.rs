//! Identity store cases: users, login history, refresh tokens, audit trail.

use carechat::{
    gateway::identity::{
        domain::{
            AuditEvent, AuditFilter, ChatPreferences, Consumed, Email, LlmProvider, LoginEvent, MedicalInfo,
            MigratedFrom, PageRequest, PhoneNumber, Profile, RefreshToken, Role, TrackOrigin, User, UserFilter, UserId,
            UserType,
        },
        error::IdentityError,
        store::{ensure_indexes, IdentityStores},
    },
    storage::{self, Backend, StorageError},
};
use chrono::Duration;
use uuid::Uuid;

async fn build(backend: &Backend) -> IdentityStores {
    ensure_indexes(backend).await.expect("indexes");
    IdentityStores::build(backend)
}

conformance!(
    build,
    [
        users_read_back_as_written,
        duplicate_phone_is_a_phone_conflict,
        duplicate_email_is_an_email_conflict,
        many_users_may_have_no_email,
        updates_replace_mutable_fields,
        updating_an_unknown_user_is_not_found,
        login_history_keeps_the_newest_twenty,
        list_filters_searches_and_pages,
        migrated_accounts_are_counted_by_origin,
        refresh_tokens_are_spent_once,
        concurrent_refreshes_spend_a_token_once,
        revoked_expired_and_unknown_tokens_are_refused,
        revoking_a_user_ends_every_family,
        audit_trail_filters_newest_first,
    ]
);

fn user(phone: &str, email: Option<&str>, name: &str) -> User {
    let now = storage::now();
    User {
        id: UserId::generate(),
        user_type: UserType::Patient,
        role: Role::Patient,
        track_origin: TrackOrigin::Track1,
        full_name: name.to_owned(),
        phone: PhoneNumber::parse(phone).unwrap(),
        email: email.map(|e| Email::parse(e).unwrap()),
        preferred_language: "en".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        profile: Profile::default(),
        is_active: true,
        is_verified: false,
        last_login: None,
        login_history: Vec::new(),
        created_at: now,
        updated_at: now,
        migrated_from: Vec::new(),
    }
}

async fn users_read_back_as_written(s: &IdentityStores) {
    let mut u = user("+250788000001", Some("Amina@Example.org"), "Amina Uwase — ñ");
    u.profile = Profile {
        patient_id: Some(Uuid::new_v4()),
        medical_info: Some(MedicalInfo {
            conditions: vec!["asthma".into()],
            allergies: vec![],
            medications: vec!["salbutamol".into()],
        }),
        chat_preferences: Some(ChatPreferences {
            preferred_provider: LlmProvider::Groq,
            context_retention: false,
            analytics_opt_in: true,
        }),
    };
    // A person found in both legacy databases carries both origins.
    u.migrated_from = ["postgresql_track1", "postgresql_track2"]
        .into_iter()
        .map(|source| MigratedFrom { source: source.into(), original_id: Uuid::new_v4(), migrated_at: storage::now() })
        .collect();
    s.users.insert(&u).await.unwrap();
    assert_eq!(s.users.find_by_id(u.id).await.unwrap().as_ref(), Some(&u));
    assert_eq!(s.users.find_by_phone(&u.phone).await.unwrap().as_ref(), Some(&u));
    let email = Email::parse("amina@example.org").unwrap();
    assert_eq!(s.users.find_by_email(&email).await.unwrap().as_ref(), Some(&u));
    assert_eq!(s.users.find_by_id(UserId::generate()).await.unwrap(), None);
}

async fn migrated_accounts_are_counted_by_origin(s: &IdentityStores) {
    let origin =
        |source: &str| MigratedFrom { source: source.into(), original_id: Uuid::new_v4(), migrated_at: storage::now() };
    let mut both = user("+250788000040", None, "Both");
    both.migrated_from = vec![origin("postgresql_track1"), origin("postgresql_track2")];
    let mut chat = user("+250788000041", None, "Chat");
    chat.migrated_from = vec![origin("postgresql_track2")];
    let mut other = user("+250788000042", None, "Elsewhere");
    other.migrated_from = vec![origin("postgresql_track1x")];
    for u in [&both, &chat, &other, &user("+250788000043", None, "Registered")] {
        s.users.insert(u).await.unwrap();
    }
    assert_eq!(s.users.count_migrated(&["postgresql_track1", "postgresql_track2"]).await.unwrap(), 2);
    assert_eq!(s.users.count_migrated(&["postgresql_track1"]).await.unwrap(), 1);
    assert_eq!(s.users.count_migrated(&["postgresql_track_"]).await.unwrap(), 0, "`_` is no wildcard");
    assert_eq!(s.users.count_migrated(&[]).await.unwrap(), 0);
}

async fn duplicate_phone_is_a_phone_conflict(s: &IdentityStores) {
    s.users.insert(&user("+250788000002", None, "First")).await.unwrap();
    let err = s.users.insert(&user("+250788000002", None, "Second")).await.unwrap_err();
    assert!(matches!(IdentityError::from_conflict(err), IdentityError::PhoneTaken));
}

async fn duplicate_email_is_an_email_conflict(s: &IdentityStores) {
    s.users.insert(&user("+250788000003", Some("same@example.org"), "First")).await.unwrap();
    let err = s.users.insert(&user("+250788000004", Some("SAME@example.org"), "Second")).await.unwrap_err();
    assert!(matches!(IdentityError::from_conflict(err), IdentityError::EmailTaken));
}

async fn many_users_may_have_no_email(s: &IdentityStores) {
    for phone in ["+250788000005", "+250788000006", "+250788000007"] {
        s.users.insert(&user(phone, None, "No Email")).await.unwrap();
    }
}

async fn updates_replace_mutable_fields(s: &IdentityStores) {
    let mut u = user("+250788000008", None, "Before");
    s.users.insert(&u).await.unwrap();
    let other = user("+250788000009", Some("taken@example.org"), "Other");
    s.users.insert(&other).await.unwrap();
    u.full_name = "After".into();
    u.role = Role::Staff;
    u.email = Some(Email::parse("after@example.org").unwrap());
    u.is_active = false;
    u.preferred_language = "fr".into();
    u.updated_at = storage::now();
    s.users.update(&u).await.unwrap();
    assert_eq!(s.users.find_by_id(u.id).await.unwrap(), Some(u.clone()));
    u.email = other.email.clone();
    let err = s.users.update(&u).await.unwrap_err();
    assert!(matches!(IdentityError::from_conflict(err), IdentityError::EmailTaken));
}

async fn updating_an_unknown_user_is_not_found(s: &IdentityStores) {
    let ghost = user("+250788000010", None, "Ghost");
    assert!(matches!(s.users.update(&ghost).await, Err(StorageError::NotFound)));
    let event = LoginEvent { timestamp: storage::now(), ip_address: None, user_agent: None };
    assert!(matches!(s.users.record_login(ghost.id, &event).await, Err(StorageError::NotFound)));
}

async fn login_history_keeps_the_newest_twenty(s: &IdentityStores) {
    let u = user("+250788000011", None, "Frequent");
    s.users.insert(&u).await.unwrap();
    let start = storage::now();
    for i in 0..25 {
        let event = LoginEvent {
            timestamp: start + Duration::seconds(i),
            ip_address: Some(format!("10.0.0.{i}")),
            user_agent: Some("test".into()),
        };
        s.users.record_login(u.id, &event).await.unwrap();
    }
    let found = s.users.find_by_id(u.id).await.unwrap().unwrap();
    assert_eq!(found.login_history.len(), 20);
    assert_eq!(found.login_history[0].ip_address.as_deref(), Some("10.0.0.24"), "newest first");
    assert_eq!(found.login_history[19].ip_address.as_deref(), Some("10.0.0.5"));
    assert_eq!(found.last_login, Some(start + Duration::seconds(24)));
}

async fn list_filters_searches_and_pages(s: &IdentityStores) {
    let base = storage::now();
    let people = [
        ("+250788000021", "Alice Mukamana", Role::Patient),
        ("+250788000022", "Bob Habimana", Role::Staff),
        ("+250788000023", "ALICIA Keza", Role::Patient),
    ];
    for (i, (phone, name, role)) in people.into_iter().enumerate() {
        let mut u = user(phone, None, name);
        u.role = role;
        u.created_at = base + Duration::seconds(i64::try_from(i).unwrap());
        s.users.insert(&u).await.unwrap();
    }
    let page = |page, per_page| PageRequest { page, per_page };
    let all = s.users.list(&UserFilter::default(), page(1, 10)).await.unwrap();
    assert_eq!(all.total, 3);
    let names: Vec<_> = all.items.iter().map(|u| u.full_name.as_str()).collect();
    assert_eq!(names, ["ALICIA Keza", "Bob Habimana", "Alice Mukamana"], "newest first");

    let search = UserFilter { search: Some("alic".into()), ..UserFilter::default() };
    assert_eq!(s.users.list(&search, page(1, 10)).await.unwrap().total, 2, "case-insensitive");
    let by_phone = UserFilter { search: Some("000022".into()), ..UserFilter::default() };
    assert_eq!(s.users.list(&by_phone, page(1, 10)).await.unwrap().items[0].full_name, "Bob Habimana");
    let wildcard = UserFilter { search: Some("%".into()), ..UserFilter::default() };
    assert_eq!(s.users.list(&wildcard, page(1, 10)).await.unwrap().total, 0, "wildcards are literal");
    let staff = UserFilter { role: Some(Role::Staff), ..UserFilter::default() };
    assert_eq!(s.users.list(&staff, page(1, 10)).await.unwrap().total, 1);
    let inactive = UserFilter { is_active: Some(false), ..UserFilter::default() };
    assert_eq!(s.users.list(&inactive, page(1, 10)).await.unwrap().total, 0);

    let second = s.users.list(&UserFilter::default(), page(2, 2)).await.unwrap();
    assert_eq!((second.total, second.items.len()), (3, 1));
    assert_eq!(second.items[0].full_name, "Alice Mukamana");
}

async fn stored_user(s: &IdentityStores, phone: &str) -> UserId {
    let u = user(phone, None, "Token Owner");
    s.users.insert(&u).await.unwrap();
    u.id
}

fn token(user_id: UserId, family_id: Uuid, hash: &str, ttl: Duration) -> RefreshToken {
    let now = storage::now();
    RefreshToken {
        id: Uuid::now_v7(),
        family_id,
        user_id,
        token_hash: hash.to_owned(),
        issued_at: now,
        expires_at: now + ttl,
        used_at: None,
        revoked_at: None,
    }
}

async fn refresh_tokens_are_spent_once(s: &IdentityStores) {
    let owner = stored_user(s, "+250788000031").await;
    let t = token(owner, Uuid::now_v7(), "hash-once", Duration::days(1));
    s.tokens.insert(&t).await.unwrap();
    match s.tokens.consume("hash-once", storage::now()).await.unwrap() {
        Consumed::Fresh(found) => assert_eq!((found.id, found.family_id, found.user_id), (t.id, t.family_id, owner)),
        other => panic!("expected a fresh token, got {other:?}"),
    }
    assert!(
        matches!(s.tokens.consume("hash-once", storage::now()).await.unwrap(), Consumed::Spent(found) if found.family_id == t.family_id)
    );
}

async fn concurrent_refreshes_spend_a_token_once(s: &IdentityStores) {
    let owner = stored_user(s, "+250788000032").await;
    s.tokens.insert(&token(owner, Uuid::now_v7(), "hash-race", Duration::days(1))).await.unwrap();
    let attempts = (0..8).map(|_| {
        let tokens = s.tokens.clone();
        tokio::spawn(async move { tokens.consume("hash-race", storage::now()).await.unwrap() })
    });
    let mut fresh = 0;
    for attempt in attempts {
        if matches!(attempt.await.unwrap(), Consumed::Fresh(_)) {
            fresh += 1;
        }
    }
    assert_eq!(fresh, 1, "exactly one concurrent refresh wins");
}

async fn revoked_expired_and_unknown_tokens_are_refused(s: &IdentityStores) {
    let owner = stored_user(s, "+250788000033").await;
    let family = Uuid::now_v7();
    s.tokens.insert(&token(owner, family, "hash-revoked", Duration::days(1))).await.unwrap();
    s.tokens.revoke_family(family, storage::now()).await.unwrap();
    assert_eq!(s.tokens.consume("hash-revoked", storage::now()).await.unwrap(), Consumed::Revoked);
    s.tokens.insert(&token(owner, Uuid::now_v7(), "hash-expired", Duration::seconds(-1))).await.unwrap();
    assert_eq!(s.tokens.consume("hash-expired", storage::now()).await.unwrap(), Consumed::Expired);
    assert_eq!(s.tokens.consume("hash-unknown", storage::now()).await.unwrap(), Consumed::Unknown);
}

async fn revoking_a_user_ends_every_family(s: &IdentityStores) {
    let owner = stored_user(s, "+250788000034").await;
    let bystander = stored_user(s, "+250788000035").await;
    s.tokens.insert(&token(owner, Uuid::now_v7(), "hash-a", Duration::days(1))).await.unwrap();
    s.tokens.insert(&token(owner, Uuid::now_v7(), "hash-b", Duration::days(1))).await.unwrap();
    s.tokens.insert(&token(bystander, Uuid::now_v7(), "hash-c", Duration::days(1))).await.unwrap();
    s.tokens.revoke_user(owner, storage::now()).await.unwrap();
    assert_eq!(s.tokens.consume("hash-a", storage::now()).await.unwrap(), Consumed::Revoked);
    assert_eq!(s.tokens.consume("hash-b", storage::now()).await.unwrap(), Consumed::Revoked);
    assert!(matches!(s.tokens.consume("hash-c", storage::now()).await.unwrap(), Consumed::Fresh(_)));
}

async fn audit_trail_filters_newest_first(s: &IdentityStores) {
    let (admin, patient, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let start = storage::now();
    let events: Vec<AuditEvent> = [
        (admin, Some(patient), "user.read"),
        (admin, Some(other), "user.read"),
        (admin, Some(patient), "user.deactivated"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (actor, subject, action))| AuditEvent {
        event_id: Uuid::now_v7(),
        actor_id: actor,
        actor_role: Role::Admin,
        action: action.into(),
        subject_user_id: subject,
        resource: format!("users/{}", subject.unwrap()),
        occurred_at: start + Duration::seconds(i64::try_from(i).unwrap()),
        request_id: Some(format!("req-{i}")),
    })
    .collect();
    for event in &events {
        s.audit.record(event).await.unwrap();
    }
    let about_patient = AuditFilter { subject_user_id: Some(patient), ..AuditFilter::default() };
    let page = s.audit.list(&about_patient, PageRequest { page: 1, per_page: 10 }).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items, vec![events[2].clone(), events[0].clone()]);
    let by_admin = AuditFilter { actor_id: Some(admin), ..AuditFilter::default() };
    assert_eq!(s.audit.list(&by_admin, PageRequest { page: 1, per_page: 2 }).await.unwrap().total, 3);
}
