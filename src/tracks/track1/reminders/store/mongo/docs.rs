//! Documents of the reminder collections (the plan's camelCase fields, `analytics` embedded)
//! and the pure filter/update builders the store uses.

use bson::{doc, to_bson, Bson, DateTime as BsonDate, Document, Uuid as BsonUuid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    gateway::identity::domain::UserId,
    storage::{StorageError, StoreResult},
    tracks::track1::reminders::{
        domain::{
            delivery::{Delivery, DeliveryContext, DeliveryId, DeliveryKind, Lease, ProviderReport, UserResponse},
            inbox::InboxItem,
            name_of, parse_name, DeliverySettings, Reminder, ReminderCounters, ReminderId, SmartFeatures,
        },
        rules::status::DeliveryStatus,
        schedule::ReminderSchedule,
        store::{CounterDelta, DeliveryFilter, ReminderFilter, Streak},
    },
};

fn date(at: DateTime<Utc>) -> BsonDate {
    BsonDate::from_chrono(at)
}

fn opt_date(at: Option<DateTime<Utc>>) -> Option<BsonDate> {
    at.map(date)
}

fn chrono(at: Option<BsonDate>) -> Option<DateTime<Utc>> {
    at.map(BsonDate::to_chrono)
}

fn parsed<T: serde::de::DeserializeOwned>(what: &str, value: &str) -> StoreResult<T> {
    parse_name(value).ok_or_else(|| StorageError::Corrupt(format!("{what} `{value}`")))
}

/// The plan's `analytics` of a reminder, as counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AnalyticsDoc {
    pub total_scheduled: i64,
    pub total_sent: i64,
    pub total_delivered: i64,
    pub total_acknowledged: i64,
    pub total_missed: i64,
    pub response_secs_sum: i64,
    pub missed_consecutive: i64,
    pub streak_started_at: Option<BsonDate>,
    pub last_missed_at: Option<BsonDate>,
}

/// A `reminders` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReminderDoc {
    pub reminder_id: BsonUuid,
    pub user_id: BsonUuid,
    pub title: String,
    pub message: String,
    pub reminder_type: String,
    pub category: Option<String>,
    pub schedule: ReminderSchedule,
    pub delivery: DeliverySettings,
    pub smart_features: SmartFeatures,
    pub status: String,
    pub next_occurrence_at: Option<BsonDate>,
    pub analytics: AnalyticsDoc,
    pub version: i64,
    pub created_at: BsonDate,
    pub updated_at: BsonDate,
    pub created_by: BsonUuid,
    pub last_modified_by: BsonUuid,
}

impl ReminderDoc {
    pub fn of(r: &Reminder) -> Self {
        let c = &r.counters;
        Self {
            reminder_id: r.id.0.into(),
            user_id: r.user_id.0.into(),
            title: r.title.clone(),
            message: r.message.clone(),
            reminder_type: name_of(&r.reminder_type),
            category: r.category.clone(),
            schedule: r.schedule.clone(),
            delivery: r.delivery.clone(),
            smart_features: r.smart_features.clone(),
            status: name_of(&r.status),
            next_occurrence_at: opt_date(r.next_occurrence_at),
            analytics: AnalyticsDoc {
                total_scheduled: c.total_scheduled,
                total_sent: c.total_sent,
                total_delivered: c.total_delivered,
                total_acknowledged: c.total_acknowledged,
                total_missed: c.total_missed,
                response_secs_sum: c.response_secs_sum,
                missed_consecutive: c.missed_consecutive,
                streak_started_at: opt_date(c.streak_started_at),
                last_missed_at: opt_date(c.last_missed_at),
            },
            version: r.version,
            created_at: date(r.created_at),
            updated_at: date(r.updated_at),
            created_by: r.created_by.0.into(),
            last_modified_by: r.last_modified_by.0.into(),
        }
    }
}

impl TryFrom<ReminderDoc> for Reminder {
    type Error = StorageError;

    fn try_from(d: ReminderDoc) -> StoreResult<Self> {
        let a = d.analytics;
        Ok(Self {
            id: ReminderId(d.reminder_id.into()),
            user_id: UserId(d.user_id.into()),
            title: d.title,
            message: d.message,
            reminder_type: parsed("reminderType", &d.reminder_type)?,
            category: d.category,
            schedule: d.schedule,
            delivery: d.delivery,
            smart_features: d.smart_features,
            status: parsed("status", &d.status)?,
            next_occurrence_at: chrono(d.next_occurrence_at),
            counters: ReminderCounters {
                total_scheduled: a.total_scheduled,
                total_sent: a.total_sent,
                total_delivered: a.total_delivered,
                total_acknowledged: a.total_acknowledged,
                total_missed: a.total_missed,
                response_secs_sum: a.response_secs_sum,
                missed_consecutive: a.missed_consecutive,
                streak_started_at: chrono(a.streak_started_at),
                last_missed_at: chrono(a.last_missed_at),
            },
            version: d.version,
            created_at: d.created_at.to_chrono(),
            updated_at: d.updated_at.to_chrono(),
            created_by: UserId(d.created_by.into()),
            last_modified_by: UserId(d.last_modified_by.into()),
        })
    }
}

/// The fields of a reminder an edit replaces (not the engine's counters).
pub(super) fn edit_update(r: &Reminder) -> StoreResult<Document> {
    let mut set = bson::to_document(&ReminderDoc::of(r))?;
    set.remove("analytics");
    set.remove("reminderId");
    Ok(doc! { "$set": set })
}

/// A `reminder_deliveries` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DeliveryDoc {
    pub delivery_id: BsonUuid,
    pub reminder_id: BsonUuid,
    pub user_id: BsonUuid,
    pub idempotency_key: String,
    pub kind: String,
    pub recipient: Option<String>,
    pub occurrence_at: BsonDate,
    pub scheduled_for: BsonDate,
    pub method: String,
    pub max_retries: i64,
    pub context: DeliveryContext,
    pub created_at: BsonDate,
    #[serde(flatten)]
    pub state: StateDoc,
}

/// The fields attempts, callbacks and acknowledgements change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StateDoc {
    pub status: String,
    pub due_at: Option<BsonDate>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<BsonDate>,
    pub sent_at: Option<BsonDate>,
    pub delivered_at: Option<BsonDate>,
    pub acknowledged_at: Option<BsonDate>,
    pub missed_at: Option<BsonDate>,
    pub provider: ProviderReport,
    pub user_response: Option<UserResponse>,
    pub retry_count: i64,
    pub next_retry_at: Option<BsonDate>,
    pub final_attempt: bool,
    pub updated_at: BsonDate,
}

impl DeliveryDoc {
    pub fn of(d: &Delivery) -> Self {
        Self {
            delivery_id: d.id.0.into(),
            reminder_id: d.reminder_id.0.into(),
            user_id: d.user_id.0.into(),
            idempotency_key: d.idempotency_key.clone(),
            kind: name_of(&d.kind),
            recipient: d.recipient.clone(),
            occurrence_at: date(d.occurrence_at),
            scheduled_for: date(d.scheduled_for),
            method: d.method.as_str().to_owned(),
            max_retries: i64::from(d.max_retries),
            context: d.context.clone(),
            created_at: date(d.created_at),
            state: StateDoc::of(d),
        }
    }
}

impl StateDoc {
    pub fn of(d: &Delivery) -> Self {
        Self {
            status: name_of(&d.status),
            due_at: opt_date(d.due_at),
            lease_owner: d.lease.as_ref().map(|l| l.owner.clone()),
            lease_until: d.lease.as_ref().map(|l| date(l.until)),
            sent_at: opt_date(d.sent_at),
            delivered_at: opt_date(d.delivered_at),
            acknowledged_at: opt_date(d.acknowledged_at),
            missed_at: opt_date(d.missed_at),
            provider: d.provider.clone(),
            user_response: d.user_response.clone(),
            retry_count: i64::from(d.retry_count),
            next_retry_at: opt_date(d.next_retry_at),
            final_attempt: d.final_attempt,
            updated_at: date(d.updated_at),
        }
    }
}

impl TryFrom<DeliveryDoc> for Delivery {
    type Error = StorageError;

    fn try_from(d: DeliveryDoc) -> StoreResult<Self> {
        let s = d.state;
        let count = |what: &str, n: i64| u32::try_from(n).map_err(|_| StorageError::Corrupt(format!("{what} {n}")));
        let lease = match (s.lease_owner, s.lease_until) {
            (Some(owner), Some(until)) => Some(Lease { owner, until: until.to_chrono() }),
            _ => None,
        };
        Ok(Self {
            id: DeliveryId(d.delivery_id.into()),
            reminder_id: ReminderId(d.reminder_id.into()),
            user_id: UserId(d.user_id.into()),
            idempotency_key: d.idempotency_key,
            kind: parsed::<DeliveryKind>("kind", &d.kind)?,
            recipient: d.recipient,
            occurrence_at: d.occurrence_at.to_chrono(),
            scheduled_for: d.scheduled_for.to_chrono(),
            method: parsed("method", &d.method)?,
            status: parsed("status", &s.status)?,
            due_at: chrono(s.due_at),
            lease,
            sent_at: chrono(s.sent_at),
            delivered_at: chrono(s.delivered_at),
            acknowledged_at: chrono(s.acknowledged_at),
            missed_at: chrono(s.missed_at),
            provider: s.provider,
            user_response: s.user_response,
            retry_count: count("retryCount", s.retry_count)?,
            max_retries: count("maxRetries", d.max_retries)?,
            next_retry_at: chrono(s.next_retry_at),
            final_attempt: s.final_attempt,
            context: d.context,
            created_at: d.created_at.to_chrono(),
            updated_at: s.updated_at.to_chrono(),
        })
    }
}

/// `$set` of a delivery's state.
pub(super) fn state_update(d: &Delivery) -> StoreResult<Document> {
    Ok(doc! { "$set": bson::to_document(&StateDoc::of(d))? })
}

/// Deliveries due at `now`: pending, or claimed under a lapsed lease (its expiry is `dueAt`).
pub(super) fn claimable(now: DateTime<Utc>) -> Document {
    doc! { "dueAt": { "$lte": date(now) }, "status": { "$in": ["pending", "sending"] } }
}

/// The claim of one delivery by `owner` until `until`.
pub(super) fn claim_update(owner: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> Document {
    doc! { "$set": {
        "status": "sending", "leaseOwner": owner, "leaseUntil": date(until), "dueAt": date(until), "updatedAt": date(now)
    } }
}

/// The counters a delta changes, as an update pipeline (so a miss can start a run only when
/// none is open: `$ifNull`).
pub(super) fn counters_update(delta: &CounterDelta) -> Vec<Document> {
    let add = |field: &str, n: i64| doc! { "$add": [format!("$analytics.{field}"), n] };
    let mut set = doc! {
        "analytics.totalSent": add("totalSent", delta.sent),
        "analytics.totalDelivered": add("totalDelivered", delta.delivered),
        "analytics.totalAcknowledged": add("totalAcknowledged", delta.acknowledged),
        "analytics.responseSecsSum": add("responseSecsSum", delta.response_secs),
        "analytics.totalMissed": add("totalMissed", delta.missed),
    };
    match delta.streak {
        Streak::Keep => {}
        Streak::Reset => {
            set.insert("analytics.missedConsecutive", 0_i64);
            set.insert("analytics.streakStartedAt", Bson::Null);
        }
        Streak::Miss(at) => {
            set.insert("analytics.missedConsecutive", add("missedConsecutive", delta.missed));
            set.insert("analytics.streakStartedAt", doc! { "$ifNull": ["$analytics.streakStartedAt", date(at)] });
            set.insert("analytics.lastMissedAt", date(at));
        }
    }
    vec![doc! { "$set": set }]
}

/// The reminder list filter.
pub(super) fn reminder_filter(f: &ReminderFilter) -> Document {
    let mut filter = Document::new();
    if let Some(user) = f.user_id {
        filter.insert("userId", BsonUuid::from(user.0));
    }
    if let Some(status) = f.status {
        filter.insert("status", name_of(&status));
    }
    if let Some(kind) = f.reminder_type {
        filter.insert("reminderType", name_of(&kind));
    }
    if let Some(category) = &f.category {
        filter.insert("category", category.clone());
    }
    filter
}

/// The delivery list filter.
pub(super) fn delivery_filter(f: &DeliveryFilter) -> Document {
    let mut filter = Document::new();
    if let Some(r) = f.reminder_id {
        filter.insert("reminderId", BsonUuid::from(r.0));
    }
    if let Some(u) = f.user_id {
        filter.insert("userId", BsonUuid::from(u.0));
    }
    let mut range = Document::new();
    if let Some(from) = f.from {
        range.insert("$gte", date(from));
    }
    if let Some(to) = f.to {
        range.insert("$lt", date(to));
    }
    if !range.is_empty() {
        filter.insert("scheduledFor", range);
    }
    filter
}

/// Scheduled deliveries still on their escalation ladder: sent (or finally failed), neither
/// acknowledged nor missed, and no other delivery of their occurrence acknowledged — oldest
/// first, at most `limit`.
pub(super) fn unresolved_pipeline(before: DateTime<Utc>, limit: u32) -> Vec<Document> {
    let same_occurrence_acknowledged = doc! { "$expr": { "$and": [
        { "$eq": ["$reminderId", "$$reminder"] },
        { "$eq": ["$occurrenceAt", "$$occurrence"] },
        { "$eq": ["$status", "acknowledged"] },
    ] } };
    vec![
        doc! { "$match": {
            "kind": "scheduled",
            "status": { "$in": ["sent", "delivered", "failed"] },
            "acknowledgedAt": Bson::Null,
            "missedAt": Bson::Null,
            "dueAt": Bson::Null,
            "scheduledFor": { "$lte": date(before) },
        } },
        doc! { "$sort": { "scheduledFor": 1, "deliveryId": 1 } },
        doc! { "$lookup": {
            "from": "reminder_deliveries",
            "let": { "reminder": "$reminderId", "occurrence": "$occurrenceAt" },
            "pipeline": [ { "$match": same_occurrence_acknowledged }, { "$limit": 1 } ],
            "as": "acknowledgedSiblings",
        } },
        doc! { "$match": { "acknowledgedSiblings": { "$size": 0 } } },
        doc! { "$limit": i64::from(limit) },
        doc! { "$project": { "acknowledgedSiblings": 0 } },
    ]
}

/// A `reminder_inbox` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct InboxDoc {
    pub item_id: BsonUuid,
    pub user_id: BsonUuid,
    pub delivery_id: BsonUuid,
    pub reminder_id: BsonUuid,
    pub title: String,
    pub message: String,
    pub created_at: BsonDate,
    pub read_at: Option<BsonDate>,
}

impl From<&InboxItem> for InboxDoc {
    fn from(i: &InboxItem) -> Self {
        Self {
            item_id: i.id.into(),
            user_id: i.user_id.0.into(),
            delivery_id: i.delivery_id.0.into(),
            reminder_id: i.reminder_id.0.into(),
            title: i.title.clone(),
            message: i.message.clone(),
            created_at: date(i.created_at),
            read_at: opt_date(i.read_at),
        }
    }
}

impl From<InboxDoc> for InboxItem {
    fn from(d: InboxDoc) -> Self {
        Self {
            id: d.item_id.into(),
            user_id: UserId(d.user_id.into()),
            delivery_id: DeliveryId(d.delivery_id.into()),
            reminder_id: ReminderId(d.reminder_id.into()),
            title: d.title,
            message: d.message,
            created_at: d.created_at.to_chrono(),
            read_at: chrono(d.read_at),
        }
    }
}

/// The status name filter of a conditional delivery change.
pub(super) fn in_status(id: DeliveryId, status: DeliveryStatus) -> Document {
    doc! { "deliveryId": BsonUuid::from(id.0), "status": name_of(&status) }
}

/// A date as BSON (for builders in `mod.rs`).
pub(super) fn bson_date(at: DateTime<Utc>) -> Bson {
    to_bson(&date(at)).unwrap_or(Bson::Null)
}
