//! Delivery use cases: the patient's acknowledgement (response time computed here, on the
//! server's clock) and delivery lists.

use chrono::{DateTime, Utc};

use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::StorageError,
    tracks::track1::reminders::{
        domain::{
            delivery::{Delivery, DeliveryId, UserResponse},
            Reminder,
        },
        dto::deliveries::DeliveryAcknowledgeRequest,
        error::ReminderError,
        rules::{
            analytics::response_time_secs,
            status::{transition, DeliveryEvent, DeliveryStatus, IllegalTransition},
        },
        store::{CounterDelta, DeliveryFilter, DeliveryStore, Streak},
    },
};

type Result<T> = std::result::Result<T, ReminderError>;

/// A delivery by id.
pub async fn get(store: &dyn DeliveryStore, id: DeliveryId) -> Result<Delivery> {
    store.find(id).await?.ok_or(ReminderError::DeliveryNotFound(id.0))
}

/// Acknowledges a sent, delivered (or already missed) delivery; acknowledging twice changes
/// nothing the second time.
pub async fn acknowledge(
    store: &dyn DeliveryStore,
    mut d: Delivery,
    req: DeliveryAcknowledgeRequest,
    now: DateTime<Utc>,
) -> Result<Delivery> {
    let from = d.status;
    let step = transition(from, DeliveryEvent::Acknowledge)?;
    if !step.changed {
        return Ok(d);
    }
    let response_time = response_time_secs(d.sent_at, d.delivered_at, now);
    d.status = step.to;
    d.acknowledged_at = Some(now);
    d.due_at = None;
    d.updated_at = now;
    d.user_response = Some(UserResponse {
        acknowledged: true,
        response_time,
        feedback: req.feedback,
        rating: req.rating,
        action_taken: req.action_taken,
    });
    let delta = CounterDelta {
        acknowledged: 1,
        response_secs: response_time.unwrap_or_default(),
        streak: Streak::Reset,
        ..CounterDelta::default()
    };
    store.apply(&d, from, None, &delta).await.map_err(|e| match e {
        StorageError::Conflict(_) => ReminderError::Changed(d.reminder_id.0),
        other => other.into(),
    })?;
    Ok(d)
}

/// A page of deliveries.
pub async fn list(store: &dyn DeliveryStore, filter: &DeliveryFilter, page: PageRequest) -> Result<Page<Delivery>> {
    Ok(store.list(filter, page).await?)
}

/// Snoozes a sent (or missed) delivery: the same message goes out again on the same channel at
/// `until`, as a new delivery of the same occurrence.
pub async fn snooze(
    store: &dyn DeliveryStore,
    reminder: &Reminder,
    d: &Delivery,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Delivery> {
    if !matches!(d.status, DeliveryStatus::Sent | DeliveryStatus::Delivered | DeliveryStatus::Missed) {
        return Err(ReminderError::DeliveryState(IllegalTransition { from: d.status, event: DeliveryEvent::Retry }));
    }
    let earlier = store.of_occurrence(d.reminder_id, d.occurrence_at).await?;
    let number = earlier.iter().filter(|s| s.idempotency_key.contains(":snooze:")).count() as u32 + 1;
    let next = d.snoozed(reminder, number, until, now);
    store.insert_new(std::slice::from_ref(&next)).await?;
    Ok(next)
}
