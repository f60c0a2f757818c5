//! The delivery state machine, and provider callback statuses mapped onto it.
//!
//! ```text
//! pending ─claim→ sending ─accepted→ sent ─delivered→ delivered ─acknowledge→ acknowledged
//!    │              │  └─rejected/failed→ failed ─retry→ pending        ↑
//!    │              └─lease_expired→ pending      (sent|delivered) ─miss→ missed ─acknowledge┘
//!    ├─cancel→ cancelled   ├─skip→ skipped   └─miss→ missed (catch-up)
//! ```
//! Provider callbacks arrive late, twice and out of order: an event that a delivery has already
//! passed (a `sent` callback after `delivered`, anything after `acknowledged`) leaves it where it
//! is ([`Transition::changed`] is false) instead of failing. A fallback channel is decided on
//! the real final status — `failed` (Twilio failed/undelivered, email bounce/dropped, a refused
//! send) — never on `sent`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderDeliveryStatus)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Due or waiting for its time (or its retry).
    Pending,
    /// Claimed by an engine instance, being handed to the provider.
    Sending,
    /// Accepted by the provider.
    Sent,
    /// The provider reports it reached the device or mailbox.
    Delivered,
    /// Refused or lost (see retryCount/nextRetryAt/finalAttempt).
    Failed,
    /// The patient confirmed it.
    Acknowledged,
    /// Not acknowledged in time, or too late to send.
    Missed,
    /// The reminder was cancelled first.
    Cancelled,
    /// Not sent by the catch-up rule (no longer useful).
    Skipped,
}

/// What happens to a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryEvent {
    /// An engine instance claims it (with a lease).
    Claim,
    /// The claim's lease ran out (crash): hand it back.
    LeaseExpired,
    /// The provider accepted it (or reports queued/sending/sent).
    Accepted,
    /// The provider refused the send request.
    Rejected,
    /// The provider reports it delivered (or read/opened).
    Delivered,
    /// The provider reports it finally failed (undelivered, bounce, dropped).
    Failed,
    /// A retry was scheduled for a failed attempt.
    Retry,
    /// The patient acknowledged it.
    Acknowledge,
    /// The acknowledgement window passed, or catch-up found it too late.
    Miss,
    /// The reminder was cancelled.
    Cancel,
    /// Catch-up decided not to send it.
    Skip,
}

/// The outcome of an allowed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The new status (the old one when nothing changed).
    pub to: DeliveryStatus,
    /// False for a duplicate or stale provider event: nothing to store.
    pub changed: bool,
}

/// An event that makes no sense in the current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a delivery cannot go through {event:?} while {from:?}")]
pub struct IllegalTransition {
    /// The current status.
    pub from: DeliveryStatus,
    /// The refused event.
    pub event: DeliveryEvent,
}

impl DeliveryStatus {
    /// No further change is expected (acknowledged, cancelled, skipped).
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Acknowledged | Self::Cancelled | Self::Skipped)
    }

    /// How far the provider has carried it; used to ignore stale callbacks.
    fn progress(self) -> u8 {
        match self {
            Self::Pending | Self::Cancelled | Self::Skipped => 0,
            Self::Sending => 1,
            Self::Sent => 2,
            Self::Delivered | Self::Failed | Self::Acknowledged | Self::Missed => 3,
        }
    }
}

/// Applies `event` to a delivery in `from`.
pub fn transition(from: DeliveryStatus, event: DeliveryEvent) -> Result<Transition, IllegalTransition> {
    use DeliveryEvent as E;
    use DeliveryStatus as S;
    let to = match (from, event) {
        (S::Pending, E::Claim) => S::Sending,
        (S::Pending | S::Failed, E::Cancel) => S::Cancelled,
        (S::Pending, E::Skip) => S::Skipped,
        (S::Pending | S::Sent | S::Delivered, E::Miss) => S::Missed,
        (S::Sending, E::LeaseExpired) => S::Pending,
        (S::Sending, E::Rejected) => S::Failed,
        (S::Failed, E::Retry) => S::Pending,
        (S::Sent | S::Delivered | S::Missed, E::Acknowledge) => S::Acknowledged,
        (S::Acknowledged, E::Acknowledge) | (S::Missed, E::Miss) => from,
        (_, E::Accepted | E::Delivered | E::Failed) => return provider_update(from, event),
        _ => return Err(IllegalTransition { from, event }),
    };
    Ok(Transition { to, changed: to != from })
}

/// A provider report: moves a delivery forward, never back.
fn provider_update(from: DeliveryStatus, event: DeliveryEvent) -> Result<Transition, IllegalTransition> {
    let target = match event {
        DeliveryEvent::Accepted => DeliveryStatus::Sent,
        DeliveryEvent::Delivered => DeliveryStatus::Delivered,
        _ => DeliveryStatus::Failed,
    };
    if from.progress() == 0 {
        // Nothing was handed to a provider: a callback naming it is not ours to apply.
        return Err(IllegalTransition { from, event });
    }
    let to = if target.progress() > from.progress() { target } else { from };
    Ok(Transition { to, changed: to != from })
}

/// A Twilio message status (`MessageStatus` of a status callback, `status` of the API).
/// `None`: informational (e.g. `receiving`), nothing to apply.
pub fn twilio_event(status: &str) -> Option<DeliveryEvent> {
    match status {
        "accepted" | "scheduled" | "queued" | "sending" | "sent" => Some(DeliveryEvent::Accepted),
        "delivered" | "read" => Some(DeliveryEvent::Delivered),
        "undelivered" | "failed" | "canceled" => Some(DeliveryEvent::Failed),
        _ => None,
    }
}

/// A SendGrid-style email event (`event` of a webhook item). `deferred` means the provider is
/// still retrying, so it changes nothing; `open`/`click` prove delivery.
pub fn email_event(event: &str) -> Option<DeliveryEvent> {
    match event {
        "processed" => Some(DeliveryEvent::Accepted),
        "delivered" | "open" | "click" => Some(DeliveryEvent::Delivered),
        "bounce" | "dropped" => Some(DeliveryEvent::Failed),
        _ => None,
    }
}

/// Whether a fallback channel should be tried: the delivery really failed and will not be
/// retried (its final attempt, or a failure no retry can mend).
pub fn needs_fallback(status: DeliveryStatus, final_attempt: bool) -> bool {
    status == DeliveryStatus::Failed && final_attempt
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
