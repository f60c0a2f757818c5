//! `migrate-legacy` end to end: two legacy PostgreSQL databases built from
//! migrations/legacy/*.sql and filled with every awkward case (persons in both databases,
//! conflicting persons, local phone formats, invalid phones and emails, orphans, unicode, long
//! texts, NULLs, time zones, bad dates) are migrated into SQLite, PostgreSQL and (with
//! `CARECHAT_TEST_MONGODB_URI`) MongoDB, verified, run again, and interrupted and resumed.
//!
//! Needs PostgreSQL for the legacy side (`CARECHAT_TEST_POSTGRES_URL`); skipped without it,
//! failed when `CARECHAT_REQUIRE_POSTGRES=1` (as in CI).

#![cfg(all(feature = "track1", feature = "track2", feature = "postgres"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod extra;
mod fixtures;
mod snapshot;

use carechat::{
    gateway::identity::domain::{Email, PhoneNumber, Role},
    legacy::{self, Action, Mode, Options, Report, Targets},
    storage::{testing::TestBackend, BackendKind},
};
use fixtures::{Legacy, AMINA_PATIENT, CLAIRE_PATIENT, CONFLICT_USER};

fn options(mode: Mode, batch_size: u32) -> Options {
    Options { batch_size, country_code: "250".into(), progress_bar: false, ..Options::new(mode) }
}

async fn run(legacy: &Legacy, target: &TestBackend, options: Options) -> anyhow::Result<Report> {
    let targets = Targets::from_backend(&target.backend);
    legacy::run(legacy.track1.clone(), legacy.track2.clone(), targets, options).await
}

fn findings(report: &Report, reason: &str) -> Vec<(&'static str, uuid::Uuid)> {
    report.findings.iter().filter(|f| f.reason == reason).map(|f| (f.table, f.original_id)).collect()
}

/// The whole story on one target backend.
async fn story(kind: BackendKind) {
    let Some(legacy) = Legacy::build().await else { return };
    let Some(target) = TestBackend::new(kind).await else { return };

    // A dry run writes nothing and announces what the real run does.
    let dry = run(&legacy, &target, options(Mode::DryRun, 7)).await.unwrap();
    assert!(dry.balanced(), "{}", dry.summary());
    assert!(snapshot::take(&target).await.is_empty(), "the dry run wrote something");

    let first = run(&legacy, &target, options(Mode::Write, 7)).await.unwrap();
    assert!(first.balanced(), "{}", first.summary());
    assert_eq!(
        dry.tables.iter().map(|(t, c)| (*t, c.migrated, c.merged, c.skipped)).collect::<Vec<_>>(),
        first.tables.iter().map(|(t, c)| (*t, c.migrated, c.merged, c.skipped)).collect::<Vec<_>>(),
        "the dry run predicted the run"
    );
    legacy.assert_expected(&first);
    assert_people(&target).await;

    let verified = run(&legacy, &target, options(Mode::Verify, 50)).await.unwrap();
    assert!(!verified.has_mismatches(), "{:#?}", verified.findings);
    assert!(verified.tables.values().map(|t| t.verified).sum::<u64>() > 0);
    assert_counts(&verified);

    // A second run changes nothing.
    let before = snapshot::take(&target).await;
    let again = run(&legacy, &target, options(Mode::Write, 50)).await.unwrap();
    assert!(again.tables.values().all(|t| t.migrated == 0 && t.merged == 0), "{}", again.summary());
    assert_eq!(snapshot::take(&target).await, before);

    // A run stopped half way and started again ends where the uninterrupted one did.
    let Some(resumed) = TestBackend::new(kind).await else { return };
    let stopped = run(&legacy, &resumed, Options { stop_after_batches: Some(9), ..options(Mode::Write, 7) }).await;
    assert!(stopped.unwrap_err().is::<legacy::Interrupted>());
    assert_ne!(snapshot::take(&resumed).await, before, "stopped before the end");
    let finished = run(&legacy, &resumed, options(Mode::Write, 7)).await.unwrap();
    assert!(finished.balanced());
    assert_eq!(snapshot::take(&resumed).await, before);
    let verified = run(&legacy, &resumed, options(Mode::Verify, 50)).await.unwrap();
    assert!(!verified.has_mismatches(), "{:#?}", verified.findings);
    assert_counts(&verified);

    // Verification's counts notice records besides the migrated ones, which no record check reads.
    let targets = Targets::from_backend(&resumed.backend);
    extra::duplicate_account(&targets).await;
    extra::extra_message(&targets).await;
    let counted = run(&legacy, &resumed, options(Mode::Verify, 50)).await.unwrap();
    assert!(counted.has_mismatches(), "{}", counted.summary());
    assert_eq!(findings(&counted, "mismatch"), [], "every migrated record is still as it was");
    assert_eq!(extra::differing(&counted), [("messages", 1), ("users", 1)], "{}", counted.summary());

    // Verification notices a record that differs from its legacy row.
    legacy.tamper().await;
    let tampered = run(&legacy, &target, options(Mode::Verify, 50)).await.unwrap();
    assert!(tampered.has_mismatches());
    assert_eq!(findings(&tampered, "mismatch").len(), 1, "{:#?}", tampered.findings);
}

/// A clean target holds exactly the records the legacy rows give, in every collection.
fn assert_counts(report: &Report) {
    // 43 persons less 3 merged; every row not reported as skipped (see `Legacy::assert_expected`).
    let counts: Vec<_> = report.collections.iter().map(|(name, c)| (*name, c.expected, c.found)).collect();
    assert_eq!(
        counts,
        [
            ("conversations", 11, 11),
            ("feedback_sessions", 13, 13),
            ("messages", 62, 62),
            ("reminder_deliveries", 32, 32),
            ("reminders", 9, 9),
            ("users", 40, 40),
        ],
        "{}",
        report.summary()
    );
}

/// What a person checks in the migrated accounts.
async fn assert_people(target: &TestBackend) {
    let users = Targets::from_backend(&target.backend).identity.users;
    // Amina is in both databases ("0788 123 456" and "+250788123456", same email in another case).
    let amina = users.find_by_phone(&PhoneNumber::parse("+250788123456").unwrap()).await.unwrap().unwrap();
    assert_eq!(amina.role, Role::Patient);
    assert_eq!(amina.profile.patient_id, Some(AMINA_PATIENT));
    let sources: Vec<_> = amina.migrated_from.iter().map(|m| m.source.as_str()).collect();
    assert_eq!(sources, ["postgresql_track1", "postgresql_track2"]);
    assert!(amina.profile.chat_preferences.is_some(), "Track 2's preferences joined the account");
    assert!(amina.password_hash.starts_with("$2b$"), "the legacy bcrypt hash is carried over");

    // Claire keeps her phone; the chat user sharing it (another person) is kept apart.
    let claire = users.find_by_phone(&PhoneNumber::parse("+250788000333").unwrap()).await.unwrap().unwrap();
    assert_eq!(claire.profile.patient_id, Some(CLAIRE_PATIENT));
    assert_eq!(claire.migrated_from.len(), 1);
    let other_id = legacy::target_id(legacy::Source::Track2, "users", CONFLICT_USER);
    let other = users.find_by_id(carechat::gateway::identity::domain::UserId(other_id)).await.unwrap().unwrap();
    assert!(other.phone.as_str().starts_with("+999"), "placeholder: {}", other.phone.as_str());
    assert_eq!(other.full_name, "Someone Else");

    // The email Claire owns stays hers.
    let email = Email::parse("claire@example.org").unwrap();
    assert_eq!(users.find_by_email(&email).await.unwrap().map(|u| u.id), Some(claire.id));
}

#[tokio::test]
async fn migrates_into_sqlite() {
    story(BackendKind::Sqlite).await;
}

#[tokio::test]
async fn migrates_into_postgres() {
    story(BackendKind::Postgres).await;
}

#[tokio::test]
async fn migrates_into_mongodb() {
    story(BackendKind::MongoDb).await;
}

#[tokio::test]
async fn every_finding_names_its_action() {
    let Some(legacy) = Legacy::build().await else { return };
    let Some(target) = TestBackend::new(BackendKind::Sqlite).await else { return };
    let report = run(&legacy, &target, options(Mode::Write, 100)).await.unwrap();
    let placeholder = report.findings.iter().filter(|f| f.action == Action::MigratedWithPlaceholderPhone).count();
    assert_eq!(placeholder, 3, "conflict, invalid phone, missing phone: {:#?}", report.findings);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["findings"][0]["action"].as_str().map(str::is_empty), Some(false));
    assert!(json["tables"]["messages"]["read"].as_u64().unwrap() > 0);
}
