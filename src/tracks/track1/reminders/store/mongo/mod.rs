//! Reminder stores on MongoDB: `reminders` and `reminder_deliveries` (the plan's collections,
//! camelCase, analytics embedded), `reminder_inbox` and `reminder_delivery_events`.
//!
//! Encodings: UUIDs BSON binary subtype 4, timestamps BSON dates (milliseconds), enums by their
//! serde names. Claiming is one `findOneAndUpdate` per delivery (atomic per document, so two
//! claimers never get the same one). Idempotency: unique indexes on `idempotencyKey`,
//! `reminder_inbox.deliveryId` and the event key; duplicates are ignored. Without multi-document
//! transactions (a replica set), a delivery change and its reminder's counters are two writes:
//! the counters follow right after, and a crash between them leaves them one change behind (the
//! analytics fold of `rules::analytics` recomputes them from the deliveries).

mod docs;

#[cfg(test)]
#[path = "docs_tests.rs"]
mod docs_tests;

use std::sync::Arc;

use async_trait::async_trait;
use bson::{doc, Document, Uuid as BsonUuid};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::{
    error::{ErrorKind, WriteFailure},
    options::{FindOneAndUpdateOptions, InsertManyOptions, ReturnDocument},
    Collection, Database,
};

use self::docs::{
    bson_date, claim_update, claimable, counters_update, delivery_filter, edit_update, in_status, reminder_filter,
    state_update, unresolved_pipeline, DeliveryDoc, InboxDoc, ReminderDoc,
};
use super::{CounterDelta, DeliveryFilter, DeliveryStore, InboxStore, ReminderFilter, ReminderStore, ReminderStores};
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{
        mongo::{find_page, index},
        pick::BuildOn,
        StorageError, StoreResult,
    },
    tracks::track1::reminders::{
        domain::{
            delivery::{Delivery, DeliveryId},
            inbox::InboxItem,
            Reminder, ReminderId,
        },
        rules::status::DeliveryStatus,
    },
};

struct MongoReminders {
    reminders: Collection<ReminderDoc>,
    deliveries: Collection<DeliveryDoc>,
    inbox: Collection<InboxDoc>,
    events: Collection<Document>,
}

impl BuildOn<Database> for ReminderStores {
    /// The MongoDB reminder stores on `db`.
    fn build_on(db: &Database) -> Self {
        let store = Arc::new(MongoReminders {
            reminders: db.collection("reminders"),
            deliveries: db.collection("reminder_deliveries"),
            inbox: db.collection("reminder_inbox"),
            events: db.collection("reminder_delivery_events"),
        });
        Self { reminders: store.clone(), deliveries: store.clone(), inbox: store }
    }

    /// Creates the indexes (idempotent): uniqueness that makes the engine idempotent, and the
    /// engine's and lists' query paths.
    async fn ensure_indexes(db: &Database) -> StoreResult<()> {
        db.collection::<Document>("reminders")
            .create_indexes([
                index("reminders_id_unique", doc! { "reminderId": 1 }, true),
                index("reminders_user_created", doc! { "userId": 1, "createdAt": -1 }, false),
                index("reminders_due", doc! { "status": 1, "nextOccurrenceAt": 1 }, false),
            ])
            .await?;
        db.collection::<Document>("reminder_deliveries")
            .create_indexes([
                index("reminder_deliveries_id_unique", doc! { "deliveryId": 1 }, true),
                index("reminder_deliveries_idempotency_unique", doc! { "idempotencyKey": 1 }, true),
                index("reminder_deliveries_due", doc! { "dueAt": 1 }, false),
                index("reminder_deliveries_occurrence", doc! { "reminderId": 1, "occurrenceAt": 1 }, false),
                index("reminder_deliveries_user", doc! { "userId": 1, "scheduledFor": -1 }, false),
                index("reminder_deliveries_message", doc! { "provider.messageId": 1 }, false),
            ])
            .await?;
        db.collection::<Document>("reminder_inbox")
            .create_indexes([
                index("reminder_inbox_delivery_unique", doc! { "deliveryId": 1 }, true),
                index("reminder_inbox_user_created", doc! { "userId": 1, "createdAt": -1 }, false),
            ])
            .await?;
        db.collection::<Document>("reminder_delivery_events")
            .create_indexes([index("reminder_delivery_events_key_unique", doc! { "eventKey": 1 }, true)])
            .await?;
        Ok(())
    }
}

/// How many of a bulk insert were new, duplicates of a unique key being expected.
fn inserted_ignoring_duplicates(total: usize, result: Result<usize, mongodb::error::Error>) -> StoreResult<u64> {
    const DUPLICATE_KEY: i32 = 11000;
    match result {
        Ok(n) => Ok(n as u64),
        Err(e) => match e.kind.as_ref() {
            ErrorKind::InsertMany(failure)
                if failure.write_errors.as_ref().is_some_and(|w| w.iter().all(|e| e.code == DUPLICATE_KEY))
                    && failure.write_concern_error.is_none() =>
            {
                let duplicates = failure.write_errors.as_ref().map_or(0, Vec::len);
                Ok(total.saturating_sub(duplicates) as u64)
            }
            ErrorKind::Write(WriteFailure::WriteError(w)) if w.code == DUPLICATE_KEY => Ok(0),
            _ => Err(e.into()),
        },
    }
}

impl MongoReminders {
    async fn insert_deliveries(&self, deliveries: &[Delivery]) -> StoreResult<u64> {
        if deliveries.is_empty() {
            return Ok(0);
        }
        let docs: Vec<DeliveryDoc> = deliveries.iter().map(DeliveryDoc::of).collect();
        let unordered = InsertManyOptions::builder().ordered(false).build();
        let result = self.deliveries.insert_many(docs).with_options(unordered).await.map(|r| r.inserted_ids.len());
        inserted_ignoring_duplicates(deliveries.len(), result)
    }

    async fn bump(&self, id: ReminderId, delta: &CounterDelta) -> StoreResult<()> {
        if *delta != CounterDelta::default() {
            self.reminders.update_one(doc! { "reminderId": BsonUuid::from(id.0) }, counters_update(delta)).await?;
        }
        Ok(())
    }

    async fn deliveries(&self, filter: Document, sort: Document, limit: i64) -> StoreResult<Vec<Delivery>> {
        let docs: Vec<DeliveryDoc> = self.deliveries.find(filter).sort(sort).limit(limit).await?.try_collect().await?;
        docs.into_iter().map(Delivery::try_from).collect()
    }
}

#[async_trait]
impl ReminderStore for MongoReminders {
    async fn insert(&self, r: &Reminder) -> StoreResult<()> {
        self.reminders.insert_one(ReminderDoc::of(r)).await?;
        Ok(())
    }

    async fn find(&self, id: ReminderId) -> StoreResult<Option<Reminder>> {
        self.reminders.find_one(doc! { "reminderId": BsonUuid::from(id.0) }).await?.map(Reminder::try_from).transpose()
    }

    async fn update(&self, r: &Reminder) -> StoreResult<()> {
        let filter = doc! { "reminderId": BsonUuid::from(r.id.0), "version": r.version - 1 };
        let done = self.reminders.update_one(filter, edit_update(r)?).await?;
        if done.matched_count == 0 {
            return Err(match ReminderStore::find(self, r.id).await? {
                Some(_) => StorageError::Conflict(format!("reminder {} changed meanwhile", r.id.0)),
                None => StorageError::NotFound,
            });
        }
        if !r.status.is_open() {
            let pending = doc! { "reminderId": BsonUuid::from(r.id.0), "status": "pending" };
            let cancel =
                doc! { "$set": { "status": "cancelled", "dueAt": null, "updatedAt": bson_date(r.updated_at) } };
            self.deliveries.update_many(pending, cancel).await?;
        }
        Ok(())
    }

    async fn list(&self, f: &ReminderFilter, page: PageRequest) -> StoreResult<Page<Reminder>> {
        let filter = reminder_filter(f);
        find_page(&self.reminders, filter, doc! { "createdAt": -1, "reminderId": -1 }, page)
            .await?
            .try_map(Reminder::try_from)
    }

    async fn due(&self, until: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Reminder>> {
        let filter = doc! { "status": "active", "nextOccurrenceAt": { "$lte": bson_date(until) } };
        let docs: Vec<ReminderDoc> = self
            .reminders
            .find(filter)
            .sort(doc! { "nextOccurrenceAt": 1, "reminderId": 1 })
            .limit(i64::from(limit))
            .await?
            .try_collect()
            .await?;
        docs.into_iter().map(Reminder::try_from).collect()
    }

    async fn advance(
        &self,
        id: ReminderId,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
        deliveries: &[Delivery],
        delta: &CounterDelta,
    ) -> StoreResult<u64> {
        // Deliveries first: a crash after this insert leaves the occurrence to be materialised
        // again, and the keys make the second insert a no-op.
        let inserted = self.insert_deliveries(deliveries).await?;
        let filter =
            doc! { "reminderId": BsonUuid::from(id.0), "nextOccurrenceAt": bson_date(from), "status": "active" };
        let next = to.map_or(bson::Bson::Null, bson_date);
        let update = doc! {
            "$set": { "nextOccurrenceAt": next },
            "$inc": { "analytics.totalScheduled": i64::try_from(inserted).unwrap_or(i64::MAX) },
        };
        if self.reminders.update_one(filter, update).await?.matched_count == 0 {
            return Err(StorageError::Conflict(format!("reminder {} advanced meanwhile", id.0)));
        }
        self.bump(id, delta).await?;
        Ok(inserted)
    }
}

#[async_trait]
impl DeliveryStore for MongoReminders {
    async fn claim(
        &self,
        now: DateTime<Utc>,
        owner: &str,
        until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>> {
        let options = FindOneAndUpdateOptions::builder()
            .sort(doc! { "dueAt": 1, "deliveryId": 1 })
            .return_document(ReturnDocument::After)
            .build();
        let mut claimed = Vec::new();
        while claimed.len() < limit as usize {
            let found = self
                .deliveries
                .find_one_and_update(claimable(now), claim_update(owner, now, until))
                .with_options(options.clone())
                .await?;
            match found {
                Some(doc) => claimed.push(Delivery::try_from(doc)?),
                None => break,
            }
        }
        Ok(claimed)
    }

    async fn find(&self, id: DeliveryId) -> StoreResult<Option<Delivery>> {
        self.deliveries.find_one(doc! { "deliveryId": BsonUuid::from(id.0) }).await?.map(Delivery::try_from).transpose()
    }

    async fn find_by_message_id(&self, message_id: &str) -> StoreResult<Option<Delivery>> {
        self.deliveries.find_one(doc! { "provider.messageId": message_id }).await?.map(Delivery::try_from).transpose()
    }

    async fn finish_attempt(&self, d: &Delivery, owner: &str, delta: &CounterDelta) -> StoreResult<()> {
        let filter = doc! { "deliveryId": BsonUuid::from(d.id.0), "leaseOwner": owner, "status": "sending" };
        if self.deliveries.update_one(filter, state_update(d)?).await?.matched_count == 0 {
            return Err(StorageError::Conflict(format!("delivery {}: the lease was lost", d.id.0)));
        }
        self.bump(d.reminder_id, delta).await
    }

    async fn apply(
        &self,
        d: &Delivery,
        from: DeliveryStatus,
        event_key: Option<&str>,
        delta: &CounterDelta,
    ) -> StoreResult<bool> {
        if let Some(key) = event_key {
            let event =
                doc! { "eventKey": key, "deliveryId": BsonUuid::from(d.id.0), "receivedAt": bson_date(d.updated_at) };
            match self.events.insert_one(event).await.map_err(StorageError::from) {
                Err(StorageError::Conflict(_)) => return Ok(false),
                other => other.map(drop)?,
            }
        }
        if self.deliveries.update_one(in_status(d.id, from), state_update(d)?).await?.matched_count == 0 {
            if let Some(key) = event_key {
                // Not applied: let the caller retry the same event on the fresh state.
                self.events.delete_one(doc! { "eventKey": key }).await?;
            }
            return Err(StorageError::Conflict(format!("delivery {} changed meanwhile", d.id.0)));
        }
        self.bump(d.reminder_id, delta).await?;
        Ok(true)
    }

    async fn insert_new(&self, deliveries: &[Delivery]) -> StoreResult<u64> {
        let mut inserted = 0;
        for d in deliveries {
            if self.insert_deliveries(std::slice::from_ref(d)).await? == 1 {
                let filter = doc! { "reminderId": BsonUuid::from(d.reminder_id.0) };
                self.reminders.update_one(filter, doc! { "$inc": { "analytics.totalScheduled": 1_i64 } }).await?;
                inserted += 1;
            }
        }
        Ok(inserted)
    }

    async fn of_occurrence(&self, reminder: ReminderId, at: DateTime<Utc>) -> StoreResult<Vec<Delivery>> {
        let filter = doc! { "reminderId": BsonUuid::from(reminder.0), "occurrenceAt": bson_date(at) };
        self.deliveries(filter, doc! { "createdAt": 1, "deliveryId": 1 }, 1000).await
    }

    async fn unresolved(&self, before: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Delivery>> {
        let docs: Vec<Document> =
            self.deliveries.aggregate(unresolved_pipeline(before, limit)).await?.try_collect().await?;
        docs.into_iter().map(|d| Delivery::try_from(bson::from_document::<DeliveryDoc>(d)?)).collect()
    }

    async fn list(&self, f: &DeliveryFilter, page: PageRequest) -> StoreResult<Page<Delivery>> {
        let filter = delivery_filter(f);
        find_page(&self.deliveries, filter, doc! { "scheduledFor": -1, "deliveryId": -1 }, page)
            .await?
            .try_map(Delivery::try_from)
    }
}

#[async_trait]
impl InboxStore for MongoReminders {
    async fn put(&self, item: &InboxItem) -> StoreResult<bool> {
        match self.inbox.insert_one(InboxDoc::from(item)).await.map_err(StorageError::from) {
            Ok(_) => Ok(true),
            Err(StorageError::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn list(&self, user: UserId, page: PageRequest) -> StoreResult<Page<InboxItem>> {
        let filter = doc! { "userId": BsonUuid::from(user.0) };
        let page = find_page(&self.inbox, filter, doc! { "createdAt": -1, "itemId": -1 }, page).await?;
        Ok(Page { items: page.items.into_iter().map(Into::into).collect(), total: page.total })
    }

    async fn since(&self, user: UserId, after: DateTime<Utc>, limit: u32) -> StoreResult<Vec<InboxItem>> {
        let filter = doc! { "userId": BsonUuid::from(user.0), "createdAt": { "$gt": bson_date(after) } };
        let docs: Vec<InboxDoc> = self
            .inbox
            .find(filter)
            .sort(doc! { "createdAt": 1, "itemId": 1 })
            .limit(i64::from(limit))
            .await?
            .try_collect()
            .await?;
        Ok(docs.into_iter().map(Into::into).collect())
    }
}
