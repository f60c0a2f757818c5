//! Reminder delivery as system analytics, at the storage boundary: the reminder and delivery
//! stores are wrapped so that every counter change they save — the [`CounterDelta`] the engine,
//! the callbacks and the acknowledge route already compute — is also recorded as
//! `reminders_sent`, `reminders_delivered`, `reminders_acknowledged` and `reminders_missed`
//! (department: the delivery method), once the store has accepted it.
//!
//! Why here and not in the engine or the services: the engine (dispatch, follow-ups, catch-up),
//! the provider callbacks and the acknowledge route each save their change with a conditional
//! write, and only the store knows whether it took — a duplicate callback or a lost race saves
//! nothing and so records nothing. One decorator observes exactly what is persisted, where
//! recording in each writer would repeat that check in every one of them. Misses the catch-up rule
//! saves when materialising (one per occurrence, not per channel) carry no department.
//!
//! [`super::Track1::reminders`] is the one composition that installs it: the application builds
//! its reminders there, and the API tests step a `ManualClock` engine built by it too.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::reminders::{
    domain::{
        delivery::{Delivery, DeliveryId},
        Reminder, ReminderId,
    },
    rules::status::DeliveryStatus,
    store::{CounterDelta, DeliveryFilter, DeliveryStore, ReminderFilter, ReminderStore, ReminderStores},
};
use crate::{
    analytics::{Analytics, Dimensions, EventContext, Metric, UserSegment},
    gateway::identity::domain::{Page, PageRequest},
    storage::StoreResult,
};

/// `stores` with their counter changes recorded in `analytics`.
pub fn recorded(stores: ReminderStores, analytics: &Analytics) -> ReminderStores {
    ReminderStores {
        reminders: Arc::new(Recorded { inner: stores.reminders, analytics: analytics.clone() }),
        deliveries: Arc::new(Recorded { inner: stores.deliveries, analytics: analytics.clone() }),
        inbox: stores.inbox,
    }
}

struct Recorded<S: ?Sized> {
    inner: Arc<S>,
    analytics: Analytics,
}

/// Records what `delta` counted; `delivery` names the method and patient when there is one.
fn record(analytics: &Analytics, delta: &CounterDelta, delivery: Option<&Delivery>) {
    let context = EventContext { user_id: delivery.map(|d| d.user_id.0), ..EventContext::default() };
    let counts = [
        (Metric::RemindersSent, delta.sent, UserSegment::System),
        (Metric::RemindersDelivered, delta.delivered, UserSegment::System),
        (Metric::RemindersAcknowledged, delta.acknowledged, UserSegment::Patient),
        (Metric::RemindersMissed, delta.missed, UserSegment::System),
    ];
    for (metric, n, segment) in counts {
        let Ok(n @ 1..) = u64::try_from(n) else { continue };
        let mut dims = Dimensions::segment(segment);
        dims.department = delivery.map(|d| d.method.as_str().to_owned());
        analytics.counter(metric, n, dims, context.clone());
    }
}

#[async_trait]
impl ReminderStore for Recorded<dyn ReminderStore> {
    async fn insert(&self, reminder: &Reminder) -> StoreResult<()> {
        self.inner.insert(reminder).await
    }

    async fn find(&self, id: ReminderId) -> StoreResult<Option<Reminder>> {
        self.inner.find(id).await
    }

    async fn update(&self, reminder: &Reminder) -> StoreResult<()> {
        self.inner.update(reminder).await
    }

    async fn list(&self, filter: &ReminderFilter, page: PageRequest) -> StoreResult<Page<Reminder>> {
        self.inner.list(filter, page).await
    }

    async fn due(&self, until: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Reminder>> {
        self.inner.due(until, limit).await
    }

    async fn advance(
        &self,
        id: ReminderId,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
        deliveries: &[Delivery],
        delta: &CounterDelta,
    ) -> StoreResult<u64> {
        let new = self.inner.advance(id, from, to, deliveries, delta).await?;
        record(&self.analytics, delta, None);
        Ok(new)
    }
}

#[async_trait]
impl DeliveryStore for Recorded<dyn DeliveryStore> {
    async fn claim(
        &self,
        now: DateTime<Utc>,
        owner: &str,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>> {
        self.inner.claim(now, owner, lease_until, limit).await
    }

    async fn find(&self, id: DeliveryId) -> StoreResult<Option<Delivery>> {
        self.inner.find(id).await
    }

    async fn find_by_message_id(&self, message_id: &str) -> StoreResult<Option<Delivery>> {
        self.inner.find_by_message_id(message_id).await
    }

    async fn finish_attempt(&self, delivery: &Delivery, owner: &str, delta: &CounterDelta) -> StoreResult<()> {
        self.inner.finish_attempt(delivery, owner, delta).await?;
        record(&self.analytics, delta, Some(delivery));
        Ok(())
    }

    async fn apply(
        &self,
        delivery: &Delivery,
        from: DeliveryStatus,
        event_key: Option<&str>,
        delta: &CounterDelta,
    ) -> StoreResult<bool> {
        let applied = self.inner.apply(delivery, from, event_key, delta).await?;
        if applied {
            record(&self.analytics, delta, Some(delivery));
        }
        Ok(applied)
    }

    async fn insert_new(&self, deliveries: &[Delivery]) -> StoreResult<u64> {
        self.inner.insert_new(deliveries).await
    }

    async fn of_occurrence(&self, reminder: ReminderId, occurrence_at: DateTime<Utc>) -> StoreResult<Vec<Delivery>> {
        self.inner.of_occurrence(reminder, occurrence_at).await
    }

    async fn unresolved(&self, before: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Delivery>> {
        self.inner.unresolved(before, limit).await
    }

    async fn list(&self, filter: &DeliveryFilter, page: PageRequest) -> StoreResult<Page<Delivery>> {
        self.inner.list(filter, page).await
    }
}
