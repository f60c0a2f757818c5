//! Provider status reports (Twilio status callbacks, SendGrid-style email events) applied to
//! deliveries through the one state machine of `rules::status`: a report moves a delivery
//! forward, never back; a report seen before (same event key) changes nothing; a final failure
//! marks the attempt final, so the escalation ladder falls back on the real outcome, not on
//! "sent".

use chrono::{DateTime, Utc};

use crate::{
    storage::StorageError,
    tracks::track1::reminders::{
        error::ReminderError,
        rules::status::{transition, DeliveryEvent},
        store::{CounterDelta, DeliveryStore},
    },
};

/// One provider report.
#[derive(Debug, Clone)]
pub struct ProviderEvent {
    /// The provider's id of the message (Twilio `MessageSid`, the email's `Message-ID`).
    pub message_id: String,
    /// What happened.
    pub event: DeliveryEvent,
    /// Unique per report, to ignore duplicates (e.g. `twilio:{sid}:{status}`).
    pub key: String,
    /// The provider's error code of a failure.
    pub error_code: Option<String>,
}

/// What became of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The delivery moved on.
    Changed,
    /// Seen before, stale (the delivery is further along) or about no delivery of ours.
    Ignored,
}

/// Applies one report at `now`.
pub async fn apply(
    store: &dyn DeliveryStore,
    report: &ProviderEvent,
    now: DateTime<Utc>,
) -> Result<Applied, ReminderError> {
    for _ in 0..3 {
        let Some(mut d) = store.find_by_message_id(&report.message_id).await? else { return Ok(Applied::Ignored) };
        let from = d.status;
        let Ok(step) = transition(from, report.event).map_err(|e| log::info!("provider report ignored: {e}")) else {
            return Ok(Applied::Ignored);
        };
        if !step.changed {
            return Ok(Applied::Ignored);
        }
        let mut delta = CounterDelta::default();
        match report.event {
            DeliveryEvent::Accepted => d.sent_at = d.sent_at.or(Some(now)),
            DeliveryEvent::Delivered => {
                d.delivered_at = Some(now);
                delta.delivered = 1;
            }
            _ => {
                d.final_attempt = true;
                d.provider.error_code = report.error_code.clone().or(d.provider.error_code);
            }
        }
        d.status = step.to;
        d.updated_at = now;
        match store.apply(&d, from, Some(&report.key), &delta).await {
            Ok(true) => return Ok(Applied::Changed),
            Ok(false) => return Ok(Applied::Ignored),
            // Another report or the patient moved it meanwhile: read it again.
            Err(StorageError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Applied::Ignored)
}
