//! `carechat migrate-legacy`: moves the clinic's legacy Track 1 (patients, feedback,
//! reminders and deliveries) and Track 2 (chat users, conversations, messages) PostgreSQL
//! databases into the configured identity, Track 1 and Track 2 stores, through the stores' own
//! traits, so the same run targets SQLite, PostgreSQL or MongoDB.
//!
//! Every target id is a UUID v5 of the legacy row (`normalise::target_id`) and every write is
//! an insert that an existing id turns into "already present", so a second run changes nothing
//! and a run stopped anywhere finishes, when started again, exactly as an uninterrupted one.
//! Tables are read in primary-key order in batches; the persons of both databases are matched
//! by E.164 phone (see `users.rs` and docs/migration.md for the merge rule).

mod chat;
mod counts;
mod feedback;
mod normalise;
mod reminders;
mod report;
mod source;
mod users;

use std::{collections::HashMap, io::IsTerminal};

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::PgPool;
use uuid::Uuid;

use self::{counts::Expected, source::LegacyRow, users::Planned};
pub use self::{
    normalise::{target_id, Source},
    report::{Action, CollectionCount, Finding, Report, Tally},
};
use crate::{
    gateway::identity::{domain::UserId, store::IdentityStores},
    storage::{StorageError, StoreResult},
    tracks::{
        track1::{reminders::store::ReminderStores, store::Track1Stores},
        track2::store::Track2Stores,
    },
};

/// What a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Writes what is missing.
    Write,
    /// Reads both databases and the target, writes nothing, reports what a write would do.
    DryRun,
    /// Compares every migrated record with what its legacy row gives, and each target
    /// collection's count with what the legacy rows give.
    Verify,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Write, dry run or verify.
    pub mode: Mode,
    /// Rows per batch.
    pub batch_size: u32,
    /// Country calling code for legacy numbers written without one (e.g. `250`).
    pub country_code: String,
    /// Test hook: stop with an error after this many batches, as a killed run would.
    pub stop_after_batches: Option<u64>,
    /// Progress bar on a terminal; plain log lines otherwise.
    pub progress_bar: bool,
}

impl Options {
    /// Defaults: write, batches of 500, country code 1, a progress bar when stderr is a terminal.
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            batch_size: 500,
            country_code: "1".into(),
            stop_after_batches: None,
            progress_bar: std::io::stderr().is_terminal(),
        }
    }
}

/// The stores the migration writes to.
#[derive(Clone)]
pub struct Targets {
    /// Users.
    pub identity: IdentityStores,
    /// Feedback sessions.
    pub track1: Track1Stores,
    /// Reminders and deliveries.
    pub reminders: ReminderStores,
    /// Conversations and messages.
    pub track2: Track2Stores,
}

/// Error of a run stopped by the `stop_after_batches` test hook.
#[derive(Debug, thiserror::Error)]
#[error("stopped after {0} batches (test hook)")]
pub struct Interrupted(pub u64);

/// Runs the migration (or its dry run, or its verification) and returns the report.
pub async fn run(track1: PgPool, track2: PgPool, targets: Targets, options: Options) -> anyhow::Result<Report> {
    let mode = match options.mode {
        Mode::Write => "write",
        Mode::DryRun => "dry-run",
        Mode::Verify => "verify",
    };
    let mut migration = Migration {
        track1,
        track2,
        targets,
        options,
        report: Report { mode: mode.into(), ..Report::default() },
        migrated_at: crate::storage::now(),
        batches: 0,
        users: HashMap::new(),
        planned: Planned::default(),
        timezones: HashMap::new(),
        reminders: HashMap::new(),
        conversations: HashMap::new(),
        expected: Expected::default(),
    };
    migration.all().await?;
    if migration.options.mode == Mode::Verify {
        migration.collections().await?;
    }
    Ok(migration.report)
}

/// One run's state: the report so far, and where each legacy parent went.
struct Migration {
    track1: PgPool,
    track2: PgPool,
    targets: Targets,
    options: Options,
    report: Report,
    migrated_at: DateTime<Utc>,
    batches: u64,
    /// Legacy person → the account it became (its own, or the one it merged into).
    users: HashMap<(Source, Uuid), UserId>,
    /// Accounts this run has seen or planned (the dry run's stand-in for the target).
    planned: Planned,
    /// Legacy patient → their IANA time zone, the default of their reminders'.
    timezones: HashMap<Uuid, String>,
    /// Legacy reminder → (target reminder id, its user, its time zone).
    reminders: HashMap<Uuid, (Uuid, UserId, String)>,
    /// Legacy conversation → (target conversation id, its user).
    conversations: HashMap<Uuid, (Uuid, UserId)>,
    /// What the legacy rows give to each target collection (verification's counts).
    expected: Expected,
}

/// One legacy row's handling.
#[async_trait]
trait Handle<R: Send + 'static> {
    async fn handle(&mut self, row: R) -> anyhow::Result<()>;

    /// A batch: row by row unless a table writes a batch at once.
    async fn handle_batch(&mut self, rows: Vec<R>) -> anyhow::Result<()> {
        for row in rows {
            self.handle(row).await?;
        }
        Ok(())
    }
}

/// What an insert found.
enum Written {
    New,
    Existing,
}

/// An insert's result: a taken id means an earlier run wrote the record.
fn written(result: StoreResult<()>) -> anyhow::Result<Written> {
    match result {
        Ok(()) => Ok(Written::New),
        Err(StorageError::Conflict(_)) => Ok(Written::Existing),
        Err(err) => Err(err.into()),
    }
}

impl Migration {
    async fn all(&mut self) -> anyhow::Result<()> {
        let (t1, t2) = (self.track1.clone(), self.track2.clone());
        self.table::<source::PatientRow>(&t1).await?;
        self.table::<source::ChatUserRow>(&t2).await?;
        self.table::<source::SessionRow>(&t1).await?;
        self.orphan_responses().await?;
        self.table::<source::ReminderRow>(&t1).await?;
        self.table::<source::DeliveryRow>(&t1).await?;
        self.table::<source::ConversationRow>(&t2).await?;
        self.table::<source::MessageRow>(&t2).await?;
        Ok(())
    }

    /// Reads `R`'s table batch by batch and handles every row.
    async fn table<R: LegacyRow + 'static>(&mut self, pool: &PgPool) -> anyhow::Result<()>
    where
        Self: Handle<R>,
    {
        let total = source::count(pool, R::TABLE).await.with_context(|| format!("counting {}", R::TABLE))?;
        let bar = self.progress(R::TABLE, total);
        let mut after = None;
        let mut done = 0u64;
        loop {
            let rows: Vec<R> = source::batch(pool, after, self.options.batch_size)
                .await
                .with_context(|| format!("reading {}", R::TABLE))?;
            let Some(last) = rows.last() else { break };
            after = Some(last.key());
            let n = rows.len() as u64;
            self.handle_batch(rows).await?;
            done += n;
            bar.inc(n);
            if !self.options.progress_bar {
                log::info!("{}: {done}/{total} rows", R::TABLE);
            }
            self.batches += 1;
            if self.options.stop_after_batches.is_some_and(|limit| self.batches >= limit) {
                bar.abandon();
                return Err(Interrupted(self.batches).into());
            }
        }
        bar.finish();
        Ok(())
    }

    fn progress(&self, table: &str, total: i64) -> ProgressBar {
        if !self.options.progress_bar {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0));
        if let Ok(style) = ProgressStyle::with_template("{msg:>20} [{bar:40}] {pos}/{len} {per_sec} eta {eta}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(table.to_owned());
        bar
    }

    /// Counts a write's outcome (or, in a dry run, what it would be).
    fn count(&mut self, table: &'static str, outcome: Written) {
        let tally = self.report.tally(table);
        match outcome {
            Written::New => tally.migrated += 1,
            Written::Existing => tally.already_present += 1,
        }
    }

    /// Counts a verification: `expected` and `found` are the compared fields of the record.
    fn check(&mut self, table: &'static str, original: Uuid, expected: String, found: Option<String>) {
        self.report.tally(table).already_present += 1;
        match found {
            Some(found) if found == expected => self.report.tally(table).verified += 1,
            Some(found) => {
                let detail = format!("expected {expected}, found {found}");
                self.report.find(table, original, "mismatch", Action::Mismatch, detail);
            }
            None => self.report.find(table, original, "mismatch", Action::Mismatch, "missing in the target".into()),
        }
    }

    fn skip(&mut self, table: &'static str, original: Uuid, reason: &'static str, detail: String) {
        self.report.find(table, original, reason, Action::Skipped, detail);
    }
}

impl Targets {
    /// The identity, Track 1 and Track 2 stores of a configured deployment.
    pub fn from_stores(stores: &crate::storage::Stores) -> Self {
        use crate::storage::StoreName;
        Self {
            identity: IdentityStores::build(stores.get(StoreName::Identity)),
            track1: Track1Stores::build(stores.get(StoreName::Track1)),
            reminders: ReminderStores::build(stores.get(StoreName::Track1)),
            track2: Track2Stores::build(stores.get(StoreName::Track2)),
        }
    }
}

impl Targets {
    /// The identity, Track 1 and Track 2 stores all on one backend.
    pub fn from_backend(backend: &crate::storage::Backend) -> Self {
        Self {
            identity: IdentityStores::build(backend),
            track1: Track1Stores::build(backend),
            reminders: ReminderStores::build(backend),
            track2: Track2Stores::build(backend),
        }
    }
}
