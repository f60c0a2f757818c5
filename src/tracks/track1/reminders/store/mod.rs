//! Reminder storage: reminders, their deliveries (with leases for claiming and the provider
//! events already applied) and the in-app inbox — one trait per aggregate, implemented once for
//! SQLite and PostgreSQL (`sql.rs`) and for MongoDB (`mongo/`, the plan's `reminders` and
//! `reminder_deliveries` collections).
//!
//! Every change the engine makes to a delivery carries the [`CounterDelta`] it causes to the
//! reminder's analytics, applied in the same transaction on SQL (on MongoDB right after, see
//! `mongo/mod.rs`), so the counters follow the deliveries. Materialising is idempotent: a
//! delivery whose idempotency key exists is not inserted again, and the reminder's
//! `nextOccurrenceAt` only moves by compare-and-set.

#[cfg(feature = "mongodb")]
mod mongo;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    domain::{
        delivery::{Delivery, DeliveryId},
        inbox::InboxItem,
        Reminder, ReminderId, ReminderStatus, ReminderType,
    },
    rules::status::DeliveryStatus,
};
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{pick, Backend, StoreResult},
};

/// Filters of the reminder list.
#[derive(Debug, Clone, Default)]
pub struct ReminderFilter {
    /// Only this patient's.
    pub user_id: Option<UserId>,
    /// Only in this status.
    pub status: Option<ReminderStatus>,
    /// Only of this type.
    pub reminder_type: Option<ReminderType>,
    /// Only in this category (exact).
    pub category: Option<String>,
}

/// Filters of delivery lists and reports.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only this reminder's.
    pub reminder_id: Option<ReminderId>,
    /// Only this patient's.
    pub user_id: Option<UserId>,
    /// Scheduled at or after.
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    pub to: Option<DateTime<Utc>>,
}

/// How a change moves the reminder's run of missed occurrences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Streak {
    /// Unchanged.
    #[default]
    Keep,
    /// An acknowledgement ends the run.
    Reset,
    /// `missed` more misses, the last at this time (a new run starts if none is open).
    Miss(DateTime<Utc>),
}

/// What a delivery change adds to its reminder's analytics counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterDelta {
    /// Deliveries handed to a provider.
    pub sent: i64,
    /// Deliveries confirmed.
    pub delivered: i64,
    /// Deliveries acknowledged.
    pub acknowledged: i64,
    /// Seconds of response time added.
    pub response_secs: i64,
    /// Missed occurrences (with [`Streak::Miss`], also added to the run of misses).
    pub missed: i64,
    /// The run of misses.
    pub streak: Streak,
}

/// Reminders.
#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// Stores a new reminder.
    async fn insert(&self, reminder: &Reminder) -> StoreResult<()>;
    /// A reminder by id.
    async fn find(&self, id: ReminderId) -> StoreResult<Option<Reminder>>;
    /// Saves an edit (content, schedule, settings, status, next occurrence) if the stored
    /// version is `reminder.version - 1`, else `Conflict`; `NotFound` when unknown. Completing
    /// or cancelling also cancels its pending deliveries, atomically on SQL.
    async fn update(&self, reminder: &Reminder) -> StoreResult<()>;
    /// A page of reminders, newest first.
    async fn list(&self, filter: &ReminderFilter, page: PageRequest) -> StoreResult<Page<Reminder>>;
    /// Active reminders whose next occurrence is at or before `until`, soonest first.
    async fn due(&self, until: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Reminder>>;
    /// Inserts `deliveries` (skipping keys that exist), moves the next occurrence from `from`
    /// to `to` and applies `delta` (occurrences the catch-up rule recorded as missed); returns
    /// how many deliveries were new. `Conflict` when the next occurrence is no longer `from`
    /// (another instance advanced it), in which case nothing is written on SQL.
    async fn advance(
        &self,
        id: ReminderId,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
        deliveries: &[Delivery],
        delta: &CounterDelta,
    ) -> StoreResult<u64>;
}

/// Deliveries.
#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Claims up to `limit` deliveries due at `now` — pending ones, and those whose lease
    /// lapsed — for `owner` until `lease_until`. Two concurrent claimers never get the same one.
    async fn claim(
        &self,
        now: DateTime<Utc>,
        owner: &str,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;
    /// A delivery by id.
    async fn find(&self, id: DeliveryId) -> StoreResult<Option<Delivery>>;
    /// The delivery a provider knows by `message_id`.
    async fn find_by_message_id(&self, message_id: &str) -> StoreResult<Option<Delivery>>;
    /// Saves the outcome of an attempt if `owner` still holds the lease (else `Conflict`), with
    /// its counter delta.
    async fn finish_attempt(&self, delivery: &Delivery, owner: &str, delta: &CounterDelta) -> StoreResult<()>;
    /// Saves a change if the stored status is still `from`, with its counter delta; with an
    /// `event_key`, records it too and returns `false` (changing nothing) when it was seen
    /// before. `Conflict` when the status moved meanwhile.
    async fn apply(
        &self,
        delivery: &Delivery,
        from: DeliveryStatus,
        event_key: Option<&str>,
        delta: &CounterDelta,
    ) -> StoreResult<bool>;
    /// Inserts follow-up deliveries, skipping keys that exist; returns how many were new.
    async fn insert_new(&self, deliveries: &[Delivery]) -> StoreResult<u64>;
    /// Every delivery of one occurrence of a reminder.
    async fn of_occurrence(&self, reminder: ReminderId, occurrence_at: DateTime<Utc>) -> StoreResult<Vec<Delivery>>;
    /// Scheduled deliveries sent, delivered or finally failed, neither acknowledged nor missed,
    /// first sent at or before `before`, oldest first.
    async fn unresolved(&self, before: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Delivery>>;
    /// A page of deliveries, newest scheduled first.
    async fn list(&self, filter: &DeliveryFilter, page: PageRequest) -> StoreResult<Page<Delivery>>;
}

/// The in-app inbox.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Stores an item unless its delivery already has one; `true` when stored.
    async fn put(&self, item: &InboxItem) -> StoreResult<bool>;
    /// A patient's items, newest first.
    async fn list(&self, user: UserId, page: PageRequest) -> StoreResult<Page<InboxItem>>;
    /// A patient's items created after `after`, oldest first.
    async fn since(&self, user: UserId, after: DateTime<Utc>, limit: u32) -> StoreResult<Vec<InboxItem>>;
}

/// The reminder stores on one backend.
#[derive(Clone)]
pub struct ReminderStores {
    /// Reminders.
    pub reminders: Arc<dyn ReminderStore>,
    /// Deliveries.
    pub deliveries: Arc<dyn DeliveryStore>,
    /// Inbox.
    pub inbox: Arc<dyn InboxStore>,
}

impl ReminderStores {
    /// The implementations for `backend`.
    pub fn build(backend: &Backend) -> Self {
        pick::build(backend)
    }
}

/// Creates the MongoDB indexes (SQL schemas come from the migrations).
pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
    pick::ensure_indexes::<ReminderStores>(backend).await
}
