//! Blood units and their lifecycle. A unit is collected into quarantine, released to
//! `available` once its donation's screening clears, reserved for one request, issued, and
//! then transfused or returned (to stock in time, else to quarantine or the bin, see
//! [`ReturnOutcome`]); along the way it may expire or be discarded with a reason. [`UnitStatus::after`] is the whole transition table: anything it refuses is an
//! [`IllegalTransition`]. Every accepted change becomes a [`UnitTransition`], which the store
//! applies only if the unit is still in the status it was read in, and records as an audit
//! [`UnitEvent`] (who, when, from, to, why).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use super::reasons::{DiscardReason, QuarantineReason, ReturnDisposition, ReturnOutcome};
use super::{
    donation::DonationId,
    donor::DonorId,
    groups::{BloodGroup, Component},
    isbt::Din,
};

/// A unit's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitId(pub Uuid);

/// Where a unit is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    /// Not usable yet: awaiting screening, or held after a temperature excursion.
    Quarantined,
    /// In stock and usable.
    Available,
    /// Set aside for one blood request.
    Reserved,
    /// Left the blood bank for a patient.
    Issued,
    /// Given to the patient (final).
    Transfused,
    /// Past its expiry date.
    Expired,
    /// Destroyed, with a reason (final).
    Discarded,
}

impl UnitStatus {
    /// Every status.
    pub const ALL: [Self; 7] = [
        Self::Quarantined,
        Self::Available,
        Self::Reserved,
        Self::Issued,
        Self::Transfused,
        Self::Expired,
        Self::Discarded,
    ];

    /// Statuses a unit leaves for `expired` when its expiry passes: every status in which it is
    /// still in the blood bank's stock.
    pub const EXPIRABLE: [Self; 3] = [Self::Quarantined, Self::Available, Self::Reserved];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quarantined => "quarantined",
            Self::Available => "available",
            Self::Reserved => "reserved",
            Self::Issued => "issued",
            Self::Transfused => "transfused",
            Self::Expired => "expired",
            Self::Discarded => "discarded",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status `action` leads to from this one, or `None` when the table forbids it.
    pub fn after(self, action: &UnitAction) -> Option<Self> {
        use UnitStatus::*;
        match (action, self) {
            (UnitAction::Release, Quarantined) => Some(Available),
            (UnitAction::Quarantine(_), Quarantined | Available | Reserved) => Some(Quarantined),
            (UnitAction::Reserve { .. }, Available) => Some(Reserved),
            (UnitAction::Unreserve, Reserved) => Some(Available),
            (UnitAction::Issue, Reserved) => Some(Issued),
            (UnitAction::Return(ReturnOutcome::Restock), Issued) => Some(Available),
            (UnitAction::Return(ReturnOutcome::Quarantine(_)), Issued) => Some(Quarantined),
            (UnitAction::Return(ReturnOutcome::Discard(_)), Issued) => Some(Discarded),
            (UnitAction::Transfuse, Issued) => Some(Transfused),
            (UnitAction::Expire, Quarantined | Available | Reserved) => Some(Expired),
            (UnitAction::Discard(_), Quarantined | Available | Reserved | Expired) => Some(Discarded),
            _ => None,
        }
    }
}

/// Something done to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitAction {
    /// Out of quarantine into stock.
    Release,
    /// Into (or kept in) quarantine for a reason.
    Quarantine(QuarantineReason),
    /// Set aside for a blood request.
    Reserve {
        /// The request.
        request_id: Uuid,
    },
    /// Back to stock from a reservation.
    Unreserve,
    /// Handed out for a patient.
    Issue,
    /// Brought back unused; where it goes depends on how long it was out.
    Return(ReturnOutcome),
    /// Confirmed given to the patient.
    Transfuse,
    /// Its expiry passed.
    Expire,
    /// Destroyed.
    Discard(DiscardReason),
}

impl UnitAction {
    /// The name written to the audit trail (`collect` is the creation event).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Quarantine(_) => "quarantine",
            Self::Reserve { .. } => "reserve",
            Self::Unreserve => "unreserve",
            Self::Issue => "issue",
            Self::Return(_) => "return",
            Self::Transfuse => "transfuse",
            Self::Expire => "expire",
            Self::Discard(_) => "discard",
        }
    }

    /// The quarantine reason it sets, if any.
    fn quarantine_reason(&self) -> Option<QuarantineReason> {
        match self {
            Self::Quarantine(reason) | Self::Return(ReturnOutcome::Quarantine(reason)) => Some(*reason),
            _ => None,
        }
    }

    /// The discard reason it sets, if any.
    fn discard_reason(&self) -> Option<DiscardReason> {
        match self {
            Self::Discard(reason) | Self::Return(ReturnOutcome::Discard(reason)) => Some(*reason),
            _ => None,
        }
    }
}

/// A unit the action is not allowed on in its current status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unit {} is {}: it cannot {action}", unit.0, from.as_str())]
pub struct IllegalTransition {
    /// The unit.
    pub unit: UnitId,
    /// Its status.
    pub from: UnitStatus,
    /// The refused action.
    pub action: &'static str,
}

/// A blood unit: one component from one donation.
#[derive(Debug, Clone, PartialEq)]
pub struct BloodUnit {
    /// Id.
    pub id: UnitId,
    /// The donation it was made from.
    pub donation_id: DonationId,
    /// The donor.
    pub donor_id: DonorId,
    /// Donation identification number.
    pub din: Din,
    /// ISBT 128-style product code.
    pub product_code: String,
    /// Label number (DIN, check character, product code); unique.
    pub unit_number: String,
    /// Component.
    pub component: Component,
    /// ABO/Rh group.
    pub blood_group: BloodGroup,
    /// Collection time of the donation.
    pub collected_at: DateTime<Utc>,
    /// End of its shelf life.
    pub expires_at: DateTime<Utc>,
    /// Lifecycle status.
    pub status: UnitStatus,
    /// When the status last changed.
    pub status_changed_at: DateTime<Utc>,
    /// Why it is quarantined (only while quarantined).
    pub quarantine_reason: Option<QuarantineReason>,
    /// Why it was discarded (only once discarded).
    pub discard_reason: Option<DiscardReason>,
    /// The blood request it is reserved or issued for.
    pub reserved_for_request: Option<Uuid>,
}

/// Who acts, for the audit trail: a staff member, or the system (automatic expiry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    /// The staff member's user id; `None` for the system.
    pub user_id: Option<Uuid>,
    /// The HTTP request id it happened in.
    pub request_id: Option<String>,
}

/// A status change to apply and audit: the store applies it only while the unit is still
/// `from` (with the same quarantine reason), so of two concurrent changes to one unit exactly
/// one succeeds.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitTransition {
    /// The unit.
    pub unit_id: UnitId,
    /// What is done.
    pub action: UnitAction,
    /// Status it was read in.
    pub from: UnitStatus,
    /// Quarantine reason it was read with.
    pub from_quarantine_reason: Option<QuarantineReason>,
    /// Status it moves to.
    pub to: UnitStatus,
    /// Quarantine reason after the change (set only while quarantined).
    pub quarantine_reason: Option<QuarantineReason>,
    /// Discard reason after the change (set only once discarded).
    pub discard_reason: Option<DiscardReason>,
    /// Blood request after the change (kept while reserved, issued or transfused).
    pub reserved_for_request: Option<Uuid>,
    /// Free-text detail for the audit trail.
    pub note: Option<String>,
    /// The temperature excursion that caused it, if any.
    pub excursion_id: Option<Uuid>,
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

impl UnitTransition {
    /// The audit event recording it.
    pub fn event(&self) -> UnitEvent {
        let reason = match (self.action.discard_reason(), self.action.quarantine_reason()) {
            (Some(reason), _) => Some(reason.as_str().to_owned()),
            (None, Some(reason)) => Some(reason.as_str().to_owned()),
            (None, None) => None,
        };
        UnitEvent {
            id: Uuid::now_v7(),
            unit_id: self.unit_id,
            action: self.action.name().to_owned(),
            from: Some(self.from),
            to: self.to,
            reason,
            note: self.note.clone(),
            actor_id: self.actor.user_id,
            request_id: self.actor.request_id.clone(),
            excursion_id: self.excursion_id,
            occurred_at: self.at,
        }
    }
}

impl BloodUnit {
    /// The change `action` makes to this unit, if its status allows it.
    pub fn transition(
        &self,
        action: UnitAction,
        note: Option<String>,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<UnitTransition, IllegalTransition> {
        let to = self.status.after(&action).ok_or(IllegalTransition {
            unit: self.id,
            from: self.status,
            action: action.name(),
        })?;
        let quarantine_reason = match (action.quarantine_reason(), to) {
            (Some(reason), _) => Some(reason),
            (None, UnitStatus::Quarantined) => self.quarantine_reason,
            _ => None,
        };
        let reserved_for_request = match (action, to) {
            (UnitAction::Reserve { request_id }, _) => Some(request_id),
            (_, UnitStatus::Reserved | UnitStatus::Issued | UnitStatus::Transfused) => self.reserved_for_request,
            _ => None,
        };
        let discard_reason = action.discard_reason();
        Ok(UnitTransition {
            unit_id: self.id,
            action,
            from: self.status,
            from_quarantine_reason: self.quarantine_reason,
            to,
            quarantine_reason,
            discard_reason,
            reserved_for_request,
            note,
            excursion_id: None,
            actor: actor.clone(),
            at,
        })
    }

    /// The audit event of its collection (the unit's creation).
    pub fn collection_event(&self, actor: &Actor) -> UnitEvent {
        UnitEvent {
            id: Uuid::now_v7(),
            unit_id: self.id,
            action: "collect".into(),
            from: None,
            to: self.status,
            reason: self.quarantine_reason.map(|r| r.as_str().to_owned()),
            note: None,
            actor_id: actor.user_id,
            request_id: actor.request_id.clone(),
            excursion_id: None,
            occurred_at: self.status_changed_at,
        }
    }

    /// Whether its shelf life has ended at `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }
}

/// One entry of a unit's audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitEvent {
    /// Id.
    pub id: Uuid,
    /// The unit.
    pub unit_id: UnitId,
    /// `collect`, `release`, `quarantine`, `discard`, `expire`...
    pub action: String,
    /// Status before (`None` for the collection that created the unit).
    pub from: Option<UnitStatus>,
    /// Status after.
    pub to: UnitStatus,
    /// Reason code (discard or quarantine reason).
    pub reason: Option<String>,
    /// Free-text detail.
    pub note: Option<String>,
    /// Who; `None` for the system.
    pub actor_id: Option<Uuid>,
    /// HTTP request id.
    pub request_id: Option<String>,
    /// The temperature excursion that caused it.
    pub excursion_id: Option<Uuid>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

#[cfg(test)]
#[path = "units_tests.rs"]
pub(super) mod tests;
