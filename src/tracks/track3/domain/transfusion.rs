//! From reservation to the patient: crossmatch, issue, return and transfusion of an allocated
//! unit. Each step is checked against the allocation and the unit here and becomes an
//! [`AllocationChange`] — the allocation's new state plus the unit's lifecycle transition —
//! that the store applies only if both are still as read.
//!
//! - **Crossmatch** (reserved units, once): `compatible` keeps the reservation;
//!   `incompatible` releases it and puts the unit back in stock (audited), and that unit is
//!   never offered to the same request again.
//! - **Issue** (reserved units): only with a compatible crossmatch, except under emergency
//!   release (an `emergency` request), which issues uncrossmatched units and flags them.
//! - **Return** (issued units), by [`return_outcome`]: within the rules' window (default 30
//!   minutes out of controlled storage) back to stock; later but kept in a validated transport
//!   container, quarantined (`temperature_excursion`) until assessed and released; later
//!   otherwise, discarded (`returned_out_of_time`); past its expiry, discarded (`expired`).
//! - **Transfusion** (issued units): who administered it and when; the request completes
//!   when every unit asked for is transfused.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{
    allocation::{AllocatedUnit, AllocationState, Crossmatch, CrossmatchResult},
    reasons::{DiscardReason, QuarantineReason, ReturnDisposition, ReturnOutcome},
    requests::{RequestId, Urgency},
    rules::BloodRules,
    units::{Actor, IllegalTransition, UnitAction, UnitId, UnitTransition},
    FieldError,
};

/// What a step records on the allocation.
#[derive(Debug, Clone, PartialEq)]
pub enum AllocationStep {
    /// A crossmatch result (releasing the allocation when incompatible).
    Crossmatch(Crossmatch),
    /// Issued; who collected it and whether under emergency release.
    Issue {
        /// Who collected the unit.
        collected_by: String,
        /// Issued without a compatible crossmatch.
        emergency_release: bool,
    },
    /// Returned, and where the unit went.
    Return(ReturnDisposition),
    /// Transfused, by whom.
    Transfuse {
        /// Who administered it.
        administered_by: String,
    },
}

/// One step on one allocation, to apply atomically with its unit transition.
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationChange {
    /// The allocation.
    pub allocation_id: Uuid,
    /// Its request.
    pub request_id: RequestId,
    /// State it was read in (the store applies the change only from it).
    pub from: AllocationState,
    /// State after.
    pub to: AllocationState,
    /// What is recorded.
    pub step: AllocationStep,
    /// When it happened (a return or transfusion may be recorded after the fact).
    pub at: DateTime<Utc>,
    /// Who recorded it.
    pub by: Option<Uuid>,
    /// The unit's transition (none for a compatible crossmatch).
    pub unit: Option<UnitTransition>,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StepError {
    /// The allocation is not in a state the step applies to.
    #[error("unit {} is {} for this request: it must be {expected}", unit.0, state.as_str())]
    NotAllocated {
        /// The unit.
        unit: UnitId,
        /// The allocation's state.
        state: AllocationState,
        /// The state required.
        expected: &'static str,
    },
    /// A crossmatch was already recorded.
    #[error("unit {} already has a crossmatch result ({})", .0.0, .1.as_str())]
    AlreadyCrossmatched(UnitId, CrossmatchResult),
    /// Issue needs a compatible crossmatch outside emergencies.
    #[error("unit {} has no compatible crossmatch; only an emergency request may issue it uncrossmatched", .0.0)]
    CrossmatchRequired(UnitId),
    /// The unit's lifecycle refuses.
    #[error(transparent)]
    Unit(#[from] IllegalTransition),
    /// A time given is impossible.
    #[error("{}", .0.message)]
    Invalid(FieldError),
}

/// Where an issued unit goes when brought back (see the module documentation).
pub fn return_outcome(
    issued_at: DateTime<Utc>,
    returned_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    validated_container: bool,
    rules: &BloodRules,
) -> ReturnOutcome {
    if returned_at >= expires_at {
        ReturnOutcome::Discard(DiscardReason::Expired)
    } else if returned_at - issued_at <= rules.return_window() {
        ReturnOutcome::Restock
    } else if validated_container {
        ReturnOutcome::Quarantine(QuarantineReason::TemperatureExcursion)
    } else {
        ReturnOutcome::Discard(DiscardReason::ReturnedOutOfTime)
    }
}

/// Clock skew tolerated on times given by clients.
const SKEW: Duration = Duration::minutes(5);

impl AllocatedUnit {
    fn require_state(&self, state: AllocationState, expected: &'static str) -> Result<(), StepError> {
        if self.allocation.state == state {
            Ok(())
        } else {
            Err(StepError::NotAllocated { unit: self.unit.id, state: self.allocation.state, expected })
        }
    }

    fn change(&self, to: AllocationState, step: AllocationStep, at: DateTime<Utc>, actor: &Actor) -> AllocationChange {
        AllocationChange {
            allocation_id: self.allocation.id,
            request_id: self.allocation.request_id,
            from: self.allocation.state,
            to,
            step,
            at,
            by: actor.user_id,
            unit: None,
        }
    }

    /// Records a crossmatch on a reserved unit; an incompatible one releases it to stock.
    pub fn crossmatch(
        &self,
        result: CrossmatchResult,
        note: Option<String>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<AllocationChange, StepError> {
        self.require_state(AllocationState::Reserved, "reserved")?;
        if let Some(done) = &self.allocation.crossmatch {
            return Err(StepError::AlreadyCrossmatched(self.unit.id, done.result));
        }
        let crossmatch = Crossmatch { result, at: now, by: actor.user_id, note };
        if result == CrossmatchResult::Compatible {
            return Ok(self.change(AllocationState::Reserved, AllocationStep::Crossmatch(crossmatch), now, actor));
        }
        let why = format!("crossmatch incompatible for request {}", self.allocation.request_id.0);
        let unit = self.unit.transition(UnitAction::Unreserve, Some(why), actor, now)?;
        let mut change = self.change(AllocationState::Released, AllocationStep::Crossmatch(crossmatch), now, actor);
        change.unit = Some(unit);
        Ok(change)
    }

    /// Issues a reserved unit: crossmatched compatible, or uncrossmatched under emergency
    /// release (flagged, and noted in the unit's audit trail).
    pub fn issue(
        &self,
        urgency: Urgency,
        collected_by: String,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<AllocationChange, StepError> {
        self.require_state(AllocationState::Reserved, "reserved")?;
        let compatible = self.allocation.crossmatch.as_ref().is_some_and(|c| c.result == CrossmatchResult::Compatible);
        if !compatible && urgency != Urgency::Emergency {
            return Err(StepError::CrossmatchRequired(self.unit.id));
        }
        let note = (!compatible).then(|| "emergency release: issued without a compatible crossmatch".to_owned());
        let unit = self.unit.transition(UnitAction::Issue, note, actor, now)?;
        let step = AllocationStep::Issue { collected_by, emergency_release: !compatible };
        let mut change = self.change(AllocationState::Issued, step, now, actor);
        change.unit = Some(unit);
        Ok(change)
    }

    /// Takes back an issued unit returned at `returned_at` (see [`return_outcome`]).
    pub fn give_back(
        &self,
        returned_at: DateTime<Utc>,
        validated_container: bool,
        rules: &BloodRules,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<AllocationChange, StepError> {
        self.require_state(AllocationState::Issued, "issued")?;
        let issued_at = self.allocation.issued_at.unwrap_or(self.unit.status_changed_at);
        if returned_at < issued_at || returned_at > now + SKEW {
            return Err(StepError::Invalid(FieldError::new("/returnedAt", "must lie between the issue and now")));
        }
        let outcome = return_outcome(issued_at, returned_at, self.unit.expires_at, validated_container, rules);
        let minutes = (returned_at - issued_at).num_minutes();
        let note = format!("returned after {minutes} min out (limit {} min)", rules.return_window_minutes);
        let unit = self.unit.transition(UnitAction::Return(outcome), Some(note), actor, now)?;
        let mut change =
            self.change(AllocationState::Returned, AllocationStep::Return(outcome.disposition()), returned_at, actor);
        change.unit = Some(unit);
        Ok(change)
    }

    /// Confirms an issued unit was transfused at `transfused_at` by `administered_by`.
    pub fn transfuse(
        &self,
        administered_by: String,
        transfused_at: DateTime<Utc>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<AllocationChange, StepError> {
        self.require_state(AllocationState::Issued, "issued")?;
        let issued_at = self.allocation.issued_at.unwrap_or(self.unit.status_changed_at);
        if transfused_at < issued_at || transfused_at > now + SKEW {
            return Err(StepError::Invalid(FieldError::new("/transfusedAt", "must lie between the issue and now")));
        }
        let note = format!("administered by {administered_by}");
        let unit = self.unit.transition(UnitAction::Transfuse, Some(note), actor, now)?;
        let step = AllocationStep::Transfuse { administered_by };
        let mut change = self.change(AllocationState::Transfused, step, transfused_at, actor);
        change.unit = Some(unit);
        Ok(change)
    }
}

#[cfg(test)]
#[path = "transfusion_tests.rs"]
mod tests;
