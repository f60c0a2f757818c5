//! Persons: Track 1 patients become `patient` accounts, Track 2 users `user` accounts. A person
//! whose E.164 phone already belongs to an account (an earlier patient, or a user of the other
//! database) is merged into it when `same_person` says so — one account, both origins in
//! `migratedFrom`; otherwise they are migrated as their own account with a placeholder phone
//! and reported, so the unique phone index neither fails the run nor drops anyone.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    normalise::{self, ms, Source},
    report::Action,
    source::{ChatUserRow, PatientRow},
    Handle, Migration, Mode,
};
use crate::{
    gateway::identity::domain::{
        ChatPreferences, Email, LlmProvider, MedicalInfo, MigratedFrom, PhoneNumber, Profile, Role, TrackOrigin, User,
        UserId, UserType,
    },
    storage::StorageError,
};

/// A stored hash no password matches: legacy accounts without a password must reset it.
const NO_PASSWORD: &str = "!legacy-account-without-password";

/// Accounts seen or planned during this run, by id, phone and email.
#[derive(Default)]
pub(super) struct Planned {
    by_id: HashMap<UserId, User>,
    by_phone: HashMap<String, UserId>,
    by_email: HashMap<String, UserId>,
}

impl Planned {
    fn put(&mut self, user: User) {
        self.by_phone.insert(user.phone.as_str().to_owned(), user.id);
        if let Some(email) = &user.email {
            self.by_email.insert(email.as_str().to_owned(), user.id);
        }
        self.by_id.insert(user.id, user);
    }
}

/// A legacy person, whichever database it comes from.
struct Person {
    source: Source,
    table: &'static str,
    original_id: Uuid,
    full_name: String,
    phone: Option<String>,
    email: Option<String>,
    password_hash: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    profile: Profile,
    is_active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[async_trait]
impl Handle<PatientRow> for Migration {
    async fn handle(&mut self, row: PatientRow) -> anyhow::Result<()> {
        let full_name = match row.last_name.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some(last) => format!("{} {last}", row.first_name.trim()),
            None => row.first_name.trim().to_owned(),
        };
        let listed = |v: Option<Vec<String>>| v.unwrap_or_default().into_iter().take(50).collect::<Vec<_>>();
        let medical = MedicalInfo {
            conditions: listed(row.conditions),
            allergies: listed(row.allergies),
            medications: listed(row.medications),
        };
        let has_medical = medical != MedicalInfo::default();
        let profile = Profile {
            patient_id: Some(row.patient_id),
            medical_info: has_medical.then_some(medical),
            chat_preferences: None,
        };
        self.person(Person {
            source: Source::Track1,
            table: "patients",
            original_id: row.patient_id,
            full_name,
            phone: row.phone,
            email: row.email,
            password_hash: row.password_hash,
            language: row.language,
            timezone: row.timezone,
            profile,
            is_active: row.is_active,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
        .await
    }
}

#[async_trait]
impl Handle<ChatUserRow> for Migration {
    async fn handle(&mut self, row: ChatUserRow) -> anyhow::Result<()> {
        let provider = match row.preferred_provider.as_deref() {
            Some("groq") => Some(LlmProvider::Groq),
            Some("gemini") => Some(LlmProvider::Gemini),
            _ => None,
        };
        let chat_preferences = provider.map(|preferred_provider| ChatPreferences {
            preferred_provider,
            context_retention: row.context_retention.unwrap_or(true),
            analytics_opt_in: row.analytics_opt_in.unwrap_or(false),
        });
        self.person(Person {
            source: Source::Track2,
            table: "users",
            original_id: row.user_id,
            full_name: row.full_name.trim().to_owned(),
            phone: row.phone_number,
            email: row.email,
            password_hash: row.password_hash,
            language: row.preferred_language,
            timezone: None,
            profile: Profile { chat_preferences, ..Profile::default() },
            is_active: row.is_active,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
        .await
    }
}

impl Migration {
    async fn person(&mut self, p: Person) -> anyhow::Result<()> {
        self.report.tally(p.table).read += 1;
        let own = UserId(normalise::target_id(p.source, p.table, p.original_id));
        if let Some(zone) = p.timezone.as_ref().filter(|z| !z.trim().is_empty()) {
            self.timezones.insert(p.original_id, zone.trim().to_owned());
        }
        if let Some(existing) = self.account(own).await? {
            self.users.insert((p.source, p.original_id), own);
            return self.already(&p, existing, true);
        }
        let phone = p.phone.as_deref().map(|raw| normalise::phone(raw, &self.options.country_code));
        let phone = match phone {
            Some(Ok(phone)) => phone,
            Some(Err(why)) => return self.insert_own(p, own, Some(("invalid_phone", why))).await,
            None => return self.insert_own(p, own, Some(("invalid_phone", "no phone number".into()))).await,
        };
        let Some(holder) = self.account_by_phone(&phone).await? else {
            return self.insert_own_with(p, own, phone, None).await;
        };
        let origin_known =
            holder.migrated_from.iter().any(|m| m.original_id == p.original_id && m.source == p.source.as_str());
        if origin_known {
            self.users.insert((p.source, p.original_id), holder.id);
            return self.already(&p, holder, false);
        }
        let holder_email = holder.email.as_ref().map(Email::as_str);
        if normalise::same_person(&holder.full_name, holder_email, &p.full_name, p.email.as_deref()) {
            return self.merge(p, holder).await;
        }
        let why = format!("{} already belongs to account {} ({})", phone.as_str(), holder.id, holder.full_name);
        self.insert_own(p, own, Some(("phone_conflict", why))).await
    }

    /// A person an earlier run wrote: counted, or checked when verifying — the account holds
    /// the origin and, when it is the person's own account, their name, creation time and
    /// password (the legacy hash, or the argon2id hash a login replaced it with).
    fn already(&mut self, p: &Person, user: User, own: bool) -> anyhow::Result<()> {
        if self.options.mode != Mode::Verify {
            self.report.tally(p.table).already_present += 1;
            return Ok(());
        }
        let holds = user.migrated_from.iter().any(|m| m.original_id == p.original_id && m.source == p.source.as_str());
        let legacy_hash = p.password_hash.as_deref().filter(|h| !h.is_empty()).unwrap_or(NO_PASSWORD);
        let password_kept = user.password_hash == legacy_hash
            || (crate::gateway::identity::password::is_legacy(legacy_hash)
                && user.password_hash.starts_with("$argon2"));
        let fields =
            |name: &str, created: DateTime<Utc>, password: bool| own.then(|| (name.to_owned(), created, password));
        let expected = format!("{:?}", (true, fields(&p.full_name, ms(p.created_at), true)));
        let found = format!("{:?}", (holds, fields(&user.full_name, user.created_at, password_kept)));
        self.check(p.table, p.original_id, expected, Some(found));
        Ok(())
    }

    /// Inserts a person whose phone cannot be kept, with a placeholder, and reports why.
    async fn insert_own(&mut self, p: Person, own: UserId, why: Option<(&'static str, String)>) -> anyhow::Result<()> {
        let phone = normalise::placeholder_phone(own.0).map_err(anyhow::Error::msg)?;
        self.insert_own_with(p, own, phone, why).await
    }

    async fn insert_own_with(
        &mut self,
        p: Person,
        own: UserId,
        phone: PhoneNumber,
        why: Option<(&'static str, String)>,
    ) -> anyhow::Result<()> {
        let (table, original, source) = (p.table, p.original_id, p.source);
        if self.options.mode == Mode::Verify {
            // Missing: its records are still derived (and found missing), and its account expected.
            self.users.insert((source, original), own);
            self.check(table, original, format!("{own}"), None);
            return Ok(());
        }
        if let Some((reason, detail)) = why {
            let detail = format!("{detail}; migrated as {own} with placeholder {}", phone.as_str());
            self.report.find(table, original, reason, Action::MigratedWithPlaceholderPhone, detail);
        }
        let mut email = self.usable_email(&p).await?;
        let mut user = self.new_user(p, own, phone, email.take());
        if let Some(taken) = &user.email {
            if self.account_by_email(taken).await?.is_some() {
                let detail = format!("{} belongs to another account; migrated without it", taken.as_str());
                self.report.find(table, original, "email_taken", Action::MigratedWithoutEmail, detail);
                user.email = None;
            }
        }
        if self.options.mode == Mode::Write {
            match self.targets.identity.users.insert(&user).await {
                Ok(()) => {}
                Err(StorageError::Conflict(what)) => anyhow::bail!("account {own} for {table} {original}: {what}"),
                Err(err) => return Err(err.into()),
            }
        }
        self.users.insert((source, original), own);
        self.planned.put(user);
        self.report.tally(table).migrated += 1;
        Ok(())
    }

    /// The legacy email, when it is one; a malformed one is reported and dropped.
    async fn usable_email(&mut self, p: &Person) -> anyhow::Result<Option<Email>> {
        let Some(raw) = p.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
        match Email::parse(raw) {
            Ok(email) => Ok(Some(email)),
            Err(_) => {
                let detail = format!("`{raw}` is not an email address; migrated without it");
                self.report.find(p.table, p.original_id, "bad_value", Action::MigratedFieldDropped, detail);
                Ok(None)
            }
        }
    }

    fn new_user(&self, p: Person, id: UserId, phone: PhoneNumber, email: Option<Email>) -> User {
        let (user_type, role, track_origin) = match p.source {
            Source::Track1 => (UserType::Patient, Role::Patient, TrackOrigin::Track1),
            Source::Track2 => (UserType::User, Role::User, TrackOrigin::Track2),
        };
        User {
            id,
            user_type,
            role,
            track_origin,
            full_name: p.full_name,
            phone,
            email,
            preferred_language: p.language.filter(|l| !l.trim().is_empty()).unwrap_or_else(|| "en".into()),
            password_hash: p.password_hash.filter(|h| !h.is_empty()).unwrap_or_else(|| NO_PASSWORD.into()),
            profile: p.profile,
            is_active: p.is_active,
            is_verified: false,
            last_login: None,
            login_history: Vec::new(),
            created_at: ms(p.created_at),
            updated_at: ms(p.updated_at),
            migrated_from: vec![self.origin(p.source, p.original_id)],
        }
    }

    fn origin(&self, source: Source, original_id: Uuid) -> MigratedFrom {
        MigratedFrom { source: source.as_str().into(), original_id, migrated_at: self.migrated_at }
    }

    /// Folds a person into the account holding their phone: the account keeps its name and
    /// password, gains the origin, the Track 1 patient id and medical details or the Track 2
    /// chat preferences it lacks, and the email if it had none. A patient stays a patient.
    async fn merge(&mut self, p: Person, mut holder: User) -> anyhow::Result<()> {
        if self.options.mode == Mode::Verify {
            self.users.insert((p.source, p.original_id), holder.id);
            self.check(p.table, p.original_id, format!("{}", holder.id), None);
            return Ok(());
        }
        holder.migrated_from.push(self.origin(p.source, p.original_id));
        holder.profile.patient_id = holder.profile.patient_id.or(p.profile.patient_id);
        holder.profile.medical_info = holder.profile.medical_info.take().or(p.profile.medical_info.clone());
        holder.profile.chat_preferences = holder.profile.chat_preferences.take().or(p.profile.chat_preferences.clone());
        if p.source == Source::Track1 && holder.role == Role::User {
            (holder.user_type, holder.role) = (UserType::Patient, Role::Patient);
        }
        if holder.email.is_none() {
            if let Some(email) = self.usable_email(&p).await? {
                if self.account_by_email(&email).await?.is_none() {
                    holder.email = Some(email);
                }
            }
        }
        holder.updated_at = holder.updated_at.max(ms(p.updated_at));
        if self.options.mode == Mode::Write {
            self.targets.identity.users.update(&holder).await?;
        }
        self.users.insert((p.source, p.original_id), holder.id);
        self.planned.put(holder);
        self.report.tally(p.table).merged += 1;
        Ok(())
    }

    async fn account(&mut self, id: UserId) -> anyhow::Result<Option<User>> {
        if let Some(user) = self.planned.by_id.get(&id) {
            return Ok(Some(user.clone()));
        }
        Ok(self.targets.identity.users.find_by_id(id).await?)
    }

    async fn account_by_phone(&mut self, phone: &PhoneNumber) -> anyhow::Result<Option<User>> {
        if let Some(id) = self.planned.by_phone.get(phone.as_str()).copied() {
            return self.account(id).await;
        }
        Ok(self.targets.identity.users.find_by_phone(phone).await?)
    }

    async fn account_by_email(&mut self, email: &Email) -> anyhow::Result<Option<User>> {
        if let Some(id) = self.planned.by_email.get(email.as_str()).copied() {
            return self.account(id).await;
        }
        Ok(self.targets.identity.users.find_by_email(email).await?)
    }
}
