//! Reminder stores on SQLite and PostgreSQL: one implementation in the SQL both dialects share,
//! instantiated per pool type by `impl_reminder_stores!` (`sql_impl.rs`); only claiming differs
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers, so one `UPDATE …
//! RETURNING` is atomic there).
//!
//! Encodings: UUIDs native `uuid` / 16-byte BLOB; timestamps `timestamptz` / RFC 3339 TEXT
//! (UTC, so TEXT sorts in time order); schedule, settings, provider report, user response and
//! context `jsonb` / JSON TEXT; enums by their serde names. A claimed delivery keeps its lease
//! expiry in `due_at`, so one index finds both due and abandoned deliveries.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{types::Json, FromRow, Pool};
use uuid::Uuid;

use super::{
    CounterDelta, DeliveryFilter, DeliveryStore, InboxStore, ReminderFilter, ReminderStore, ReminderStores, Streak,
};
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{pick::BuildOn, StorageError, StoreResult},
    tracks::track1::reminders::{
        domain::{
            delivery::{Delivery, DeliveryContext, DeliveryId, DeliveryKind, Lease, ProviderReport, UserResponse},
            inbox::InboxItem,
            name_of, parse_name, DeliverySettings, Reminder, ReminderCounters, ReminderId, SmartFeatures,
        },
        rules::status::DeliveryStatus,
        schedule::ReminderSchedule,
    },
};

pub(super) const REMINDER_COLUMNS: &str = "reminder_id, user_id, title, message, reminder_type, category, \
    schedule, delivery, smart_features, status, next_occurrence_at, total_scheduled, total_sent, total_delivered, \
    total_acknowledged, total_missed, response_secs_sum, missed_consecutive, streak_started_at, last_missed_at, \
    version, created_at, updated_at, created_by, last_modified_by";
pub(super) const INSERT_REMINDER: &str = "insert into reminders (reminder_id, user_id, title, message, reminder_type, \
    category, timezone, schedule, delivery, smart_features, status, next_occurrence_at, version, created_at, \
    updated_at, created_by, last_modified_by) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
pub(super) const UPDATE_REMINDER: &str = "update reminders set user_id = $2, title = $3, message = $4, \
    reminder_type = $5, category = $6, timezone = $7, schedule = $8, delivery = $9, smart_features = $10, \
    status = $11, next_occurrence_at = $12, version = $13, created_at = $14, updated_at = $15, created_by = $16, \
    last_modified_by = $17 where reminder_id = $1 and version = $18";
pub(super) const CANCEL_PENDING: &str = "update reminder_deliveries set status = 'cancelled', due_at = null, \
    updated_at = $2 where reminder_id = $1 and status = 'pending'";
pub(super) const REMINDER_FILTER: &str = " where ($1 is null or user_id = $1) and ($2 is null or status = $2) \
    and ($3 is null or reminder_type = $3) and ($4 is null or category = $4)";
pub(super) const ADVANCE: &str =
    "update reminders set next_occurrence_at = $3, total_scheduled = total_scheduled + $4 \
    where reminder_id = $1 and next_occurrence_at = $2 and status = 'active'";
pub(super) const BUMP_COUNTERS: &str = "update reminders set total_sent = total_sent + $2, \
    total_delivered = total_delivered + $3, total_acknowledged = total_acknowledged + $4, \
    response_secs_sum = response_secs_sum + $5, total_missed = total_missed + $6, \
    missed_consecutive = case $7 when 'reset' then 0 when 'miss' then missed_consecutive + $6 else missed_consecutive end, \
    streak_started_at = case $7 when 'reset' then null when 'miss' then coalesce(streak_started_at, $8) else streak_started_at end, \
    last_missed_at = case $7 when 'miss' then $8 else last_missed_at end where reminder_id = $1";
pub(super) const SCHEDULED_TOTAL: &str =
    "update reminders set total_scheduled = total_scheduled + $2 where reminder_id = $1";

pub(super) const DELIVERY_COLUMNS: &str = "delivery_id, reminder_id, user_id, idempotency_key, kind, recipient, \
    occurrence_at, scheduled_for, method, status, due_at, lease_owner, lease_until, sent_at, delivered_at, \
    acknowledged_at, missed_at, provider, user_response, retry_count, max_retries, next_retry_at, final_attempt, \
    context, created_at, updated_at";
/// `$1`–`$16` are the state bound by `bind_state`; the identity columns follow.
pub(super) const INSERT_DELIVERY: &str = "insert into reminder_deliveries (status, due_at, lease_owner, lease_until, \
    sent_at, delivered_at, acknowledged_at, missed_at, provider_name, provider_message_id, provider, user_response, \
    retry_count, next_retry_at, final_attempt, updated_at, delivery_id, reminder_id, user_id, idempotency_key, kind, \
    recipient, occurrence_at, scheduled_for, method, max_retries, context, created_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
    $23, $24, $25, $26, $27, $28) on conflict (idempotency_key) do nothing";
const SET_STATE: &str = "update reminder_deliveries set status = $1, due_at = $2, lease_owner = $3, \
    lease_until = $4, sent_at = $5, delivered_at = $6, acknowledged_at = $7, missed_at = $8, provider_name = $9, \
    provider_message_id = $10, provider = $11, user_response = $12, retry_count = $13, next_retry_at = $14, \
    final_attempt = $15, updated_at = $16 where delivery_id = $17";
pub(super) fn finish_sql() -> String {
    format!("{SET_STATE} and lease_owner = $18 and status = 'sending'")
}
pub(super) fn apply_sql() -> String {
    format!("{SET_STATE} and status = $18")
}
pub(super) const INSERT_EVENT: &str = "insert into reminder_delivery_events (event_key, delivery_id, status, \
    received_at) values ($1, $2, $3, $4) on conflict (event_key) do nothing";
pub(super) const DELIVERY_FILTER: &str = " where ($1 is null or reminder_id = $1) and ($2 is null or user_id = $2) \
    and ($3 is null or scheduled_for >= $3) and ($4 is null or scheduled_for < $4)";
/// Scheduled deliveries still on their escalation ladder: sent (or finally failed), neither
/// acknowledged nor missed, and no other delivery of their occurrence acknowledged.
pub(super) const UNRESOLVED: &str = "kind = 'scheduled' and status in ('sent', 'delivered', 'failed') \
    and acknowledged_at is null and missed_at is null and due_at is null and scheduled_for <= $1 \
    and not exists (select 1 from reminder_deliveries a where a.reminder_id = reminder_deliveries.reminder_id \
    and a.occurrence_at = reminder_deliveries.occurrence_at and a.status = 'acknowledged')";

pub(super) const INBOX_COLUMNS: &str =
    "item_id, user_id, delivery_id, reminder_id, title, message, created_at, read_at";

/// Claims on PostgreSQL: rows locked by a concurrent claimer are skipped, not waited for.
#[cfg(feature = "postgres")]
pub(super) const CLAIM_POSTGRES: &str = "for update skip locked";
/// SQLite has no row locks; its single writer makes the statement atomic.
#[cfg(feature = "sqlite")]
pub(super) const CLAIM_SQLITE: &str = "";

pub(super) fn claim_sql(lock: &str) -> String {
    format!(
        "update reminder_deliveries set status = 'sending', lease_owner = $2, lease_until = $3, due_at = $3, \
         updated_at = $1 where delivery_id in (select delivery_id from reminder_deliveries \
         where due_at <= $1 and status in ('pending', 'sending') order by due_at, delivery_id limit $4 {lock}) \
         returning {DELIVERY_COLUMNS}"
    )
}

fn corrupt(what: &str, id: Uuid, value: &str) -> StorageError {
    StorageError::Corrupt(format!("{what} of {id}: `{value}`"))
}

fn parsed<T: serde::de::DeserializeOwned>(what: &str, id: Uuid, value: &str) -> StoreResult<T> {
    parse_name(value).ok_or_else(|| corrupt(what, id, value))
}

#[derive(FromRow)]
pub(super) struct ReminderRow {
    reminder_id: Uuid,
    user_id: Uuid,
    title: String,
    message: String,
    reminder_type: String,
    category: Option<String>,
    schedule: Json<ReminderSchedule>,
    delivery: Json<DeliverySettings>,
    smart_features: Json<SmartFeatures>,
    status: String,
    next_occurrence_at: Option<DateTime<Utc>>,
    total_scheduled: i64,
    total_sent: i64,
    total_delivered: i64,
    total_acknowledged: i64,
    total_missed: i64,
    response_secs_sum: i64,
    missed_consecutive: i64,
    streak_started_at: Option<DateTime<Utc>>,
    last_missed_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    created_by: Uuid,
    last_modified_by: Uuid,
}

impl TryFrom<ReminderRow> for Reminder {
    type Error = StorageError;

    fn try_from(r: ReminderRow) -> StoreResult<Self> {
        let id = r.reminder_id;
        Ok(Self {
            id: ReminderId(id),
            user_id: UserId(r.user_id),
            title: r.title,
            message: r.message,
            reminder_type: parsed("reminder_type", id, &r.reminder_type)?,
            category: r.category,
            schedule: r.schedule.0,
            delivery: r.delivery.0,
            smart_features: r.smart_features.0,
            status: parsed("status", id, &r.status)?,
            next_occurrence_at: r.next_occurrence_at,
            counters: ReminderCounters {
                total_scheduled: r.total_scheduled,
                total_sent: r.total_sent,
                total_delivered: r.total_delivered,
                total_acknowledged: r.total_acknowledged,
                total_missed: r.total_missed,
                response_secs_sum: r.response_secs_sum,
                missed_consecutive: r.missed_consecutive,
                streak_started_at: r.streak_started_at,
                last_missed_at: r.last_missed_at,
            },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            created_by: UserId(r.created_by),
            last_modified_by: UserId(r.last_modified_by),
        })
    }
}

#[derive(FromRow)]
pub(super) struct DeliveryRow {
    delivery_id: Uuid,
    reminder_id: Uuid,
    user_id: Uuid,
    idempotency_key: String,
    kind: String,
    recipient: Option<String>,
    occurrence_at: DateTime<Utc>,
    scheduled_for: DateTime<Utc>,
    method: String,
    status: String,
    due_at: Option<DateTime<Utc>>,
    lease_owner: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    sent_at: Option<DateTime<Utc>>,
    delivered_at: Option<DateTime<Utc>>,
    acknowledged_at: Option<DateTime<Utc>>,
    missed_at: Option<DateTime<Utc>>,
    provider: Option<Json<ProviderReport>>,
    user_response: Option<Json<UserResponse>>,
    retry_count: i32,
    max_retries: i32,
    next_retry_at: Option<DateTime<Utc>>,
    final_attempt: bool,
    context: Json<DeliveryContext>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StorageError;

    fn try_from(r: DeliveryRow) -> StoreResult<Self> {
        let id = r.delivery_id;
        let count = |what: &str, n: i32| u32::try_from(n).map_err(|_| corrupt(what, id, &n.to_string()));
        let lease = match (r.lease_owner, r.lease_until) {
            (Some(owner), Some(until)) => Some(Lease { owner, until }),
            _ => None,
        };
        Ok(Self {
            id: DeliveryId(id),
            reminder_id: ReminderId(r.reminder_id),
            user_id: UserId(r.user_id),
            idempotency_key: r.idempotency_key,
            kind: parsed::<DeliveryKind>("kind", id, &r.kind)?,
            recipient: r.recipient,
            occurrence_at: r.occurrence_at,
            scheduled_for: r.scheduled_for,
            method: parsed("method", id, &r.method)?,
            status: parsed("status", id, &r.status)?,
            due_at: r.due_at,
            lease,
            sent_at: r.sent_at,
            delivered_at: r.delivered_at,
            acknowledged_at: r.acknowledged_at,
            missed_at: r.missed_at,
            provider: r.provider.map(|p| p.0).unwrap_or_default(),
            user_response: r.user_response.map(|u| u.0),
            retry_count: count("retry_count", r.retry_count)?,
            max_retries: count("max_retries", r.max_retries)?,
            next_retry_at: r.next_retry_at,
            final_attempt: r.final_attempt,
            context: r.context.0,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(FromRow)]
pub(super) struct InboxRow {
    item_id: Uuid,
    user_id: Uuid,
    delivery_id: Uuid,
    reminder_id: Uuid,
    title: String,
    message: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl From<InboxRow> for InboxItem {
    fn from(r: InboxRow) -> Self {
        Self {
            id: r.item_id,
            user_id: UserId(r.user_id),
            delivery_id: DeliveryId(r.delivery_id),
            reminder_id: ReminderId(r.reminder_id),
            title: r.title,
            message: r.message,
            created_at: r.created_at,
            read_at: r.read_at,
        }
    }
}

/// The streak change as bound into `BUMP_COUNTERS`.
pub(super) fn streak_of(delta: &CounterDelta) -> (&'static str, Option<DateTime<Utc>>) {
    match delta.streak {
        Streak::Keep => ("keep", None),
        Streak::Reset => ("reset", None),
        Streak::Miss(at) => ("miss", Some(at)),
    }
}

pub(super) fn limit_offset(page: PageRequest) -> (i64, i64) {
    (i64::from(page.per_page), i64::try_from(page.offset()).unwrap_or(i64::MAX))
}

pub(super) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

/// The mutable state of a delivery, owned for binding as `$1`–`$16`.
pub(super) struct State<'a> {
    status: String,
    due_at: Option<DateTime<Utc>>,
    lease_owner: Option<&'a str>,
    lease_until: Option<DateTime<Utc>>,
    sent_at: Option<DateTime<Utc>>,
    delivered_at: Option<DateTime<Utc>>,
    acknowledged_at: Option<DateTime<Utc>>,
    missed_at: Option<DateTime<Utc>>,
    provider_name: Option<&'a str>,
    provider_message_id: Option<&'a str>,
    provider: Json<&'a ProviderReport>,
    user_response: Option<Json<&'a UserResponse>>,
    retry_count: i32,
    next_retry_at: Option<DateTime<Utc>>,
    final_attempt: bool,
    updated_at: DateTime<Utc>,
}

impl<'a> State<'a> {
    pub(super) fn of(d: &'a Delivery) -> Self {
        Self {
            status: name_of(&d.status),
            due_at: d.due_at,
            lease_owner: d.lease.as_ref().map(|l| l.owner.as_str()),
            lease_until: d.lease.as_ref().map(|l| l.until),
            sent_at: d.sent_at,
            delivered_at: d.delivered_at,
            acknowledged_at: d.acknowledged_at,
            missed_at: d.missed_at,
            provider_name: d.provider.name.as_deref(),
            provider_message_id: d.provider.message_id.as_deref(),
            provider: Json(&d.provider),
            user_response: d.user_response.as_ref().map(Json),
            retry_count: i32::try_from(d.retry_count).unwrap_or(i32::MAX),
            next_retry_at: d.next_retry_at,
            final_attempt: d.final_attempt,
            updated_at: d.updated_at,
        }
    }
}

/// Binds a [`State`] as `$1`–`$16` (a macro: the query type differs per backend).
macro_rules! bind_state {
    ($query:expr, $st:expr) => {{
        let st = &$st;
        $query
            .bind(st.status.clone())
            .bind(st.due_at)
            .bind(st.lease_owner)
            .bind(st.lease_until)
            .bind(st.sent_at)
            .bind(st.delivered_at)
            .bind(st.acknowledged_at)
            .bind(st.missed_at)
            .bind(st.provider_name)
            .bind(st.provider_message_id)
            .bind(st.provider)
            .bind(st.user_response)
            .bind(st.retry_count)
            .bind(st.next_retry_at)
            .bind(st.final_attempt)
            .bind(st.updated_at)
    }};
}

/// One value implements every reminder trait over a pool.
pub(super) struct SqlReminders<DB: sqlx::Database> {
    pool: Pool<DB>,
}

impl<DB: sqlx::Database> BuildOn<Pool<DB>> for ReminderStores
where
    SqlReminders<DB>: super::ReminderStore + super::DeliveryStore + super::InboxStore,
{
    fn build_on(pool: &Pool<DB>) -> Self {
        let store = Arc::new(SqlReminders { pool: pool.clone() });
        Self { reminders: store.clone(), deliveries: store.clone(), inbox: store }
    }
}

#[path = "sql_impl.rs"]
#[macro_use]
mod sql_impl;
#[path = "sql_deliveries.rs"]
#[macro_use]
mod sql_deliveries;

#[cfg(feature = "sqlite")]
impl_reminder_stores!(sqlx::Sqlite, CLAIM_SQLITE);
#[cfg(feature = "postgres")]
impl_reminder_stores!(sqlx::Postgres, CLAIM_POSTGRES);
#[cfg(feature = "sqlite")]
impl_delivery_store!(sqlx::Sqlite, CLAIM_SQLITE);
#[cfg(feature = "postgres")]
impl_delivery_store!(sqlx::Postgres, CLAIM_POSTGRES);
