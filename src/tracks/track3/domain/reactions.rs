//! Transfusion reactions (haemovigilance): an adverse reaction in a patient reported against
//! the unit given, and through it its donation and donor, so reactions can be listed per unit
//! or per donor (a donor implicated in two TRALI cases, say, is investigated and deferred).
//! A reaction can only be reported for a unit that was issued to a patient.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    donation::DonationId,
    donor::DonorId,
    requests::RequestId,
    units::{BloodUnit, UnitId, UnitStatus},
    FieldError,
};

/// Kind of reaction (ISBT haemovigilance categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReactionType {
    /// Febrile non-haemolytic reaction.
    FebrileNonHaemolytic,
    /// Allergic (urticaria, itching).
    Allergic,
    /// Anaphylaxis.
    Anaphylactic,
    /// Acute haemolytic reaction (often ABO incompatibility).
    AcuteHaemolytic,
    /// Delayed haemolytic reaction.
    DelayedHaemolytic,
    /// Transfusion-related acute lung injury.
    Trali,
    /// Transfusion-associated circulatory overload.
    Taco,
    /// Bacterial contamination / septic reaction.
    Septic,
    /// Hypotensive reaction.
    Hypotensive,
    /// Anything else (see the description).
    Other,
}

impl ReactionType {
    /// Every type.
    pub const ALL: [Self; 10] = [
        Self::FebrileNonHaemolytic,
        Self::Allergic,
        Self::Anaphylactic,
        Self::AcuteHaemolytic,
        Self::DelayedHaemolytic,
        Self::Trali,
        Self::Taco,
        Self::Septic,
        Self::Hypotensive,
        Self::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FebrileNonHaemolytic => "febrile_non_haemolytic",
            Self::Allergic => "allergic",
            Self::Anaphylactic => "anaphylactic",
            Self::AcuteHaemolytic => "acute_haemolytic",
            Self::DelayedHaemolytic => "delayed_haemolytic",
            Self::Trali => "trali",
            Self::Taco => "taco",
            Self::Septic => "septic",
            Self::Hypotensive => "hypotensive",
            Self::Other => "other",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// How severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReactionSeverity)]
pub enum Severity {
    /// Resolved without treatment beyond symptomatic care.
    Mild,
    /// Needed treatment; no lasting harm.
    Moderate,
    /// Needed hospitalisation or prolonged it, or caused lasting harm.
    Severe,
    /// Needed major intervention to prevent death.
    LifeThreatening,
    /// The patient died.
    Fatal,
}

impl Severity {
    /// Every severity, mildest first.
    pub const ALL: [Self; 5] = [Self::Mild, Self::Moderate, Self::Severe, Self::LifeThreatening, Self::Fatal];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mild => "mild",
            Self::Moderate => "moderate",
            Self::Severe => "severe",
            Self::LifeThreatening => "life_threatening",
            Self::Fatal => "fatal",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A reported reaction.
#[derive(Debug, Clone, PartialEq)]
pub struct TransfusionReaction {
    /// Id.
    pub id: Uuid,
    /// The unit given.
    pub unit_id: UnitId,
    /// The request it was issued for.
    pub request_id: Option<RequestId>,
    /// The unit's donation.
    pub donation_id: DonationId,
    /// The unit's donor.
    pub donor_id: DonorId,
    /// Kind.
    pub reaction_type: ReactionType,
    /// Severity.
    pub severity: Severity,
    /// When it began.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub description: String,
    /// Who reported it.
    pub reported_by: Option<Uuid>,
    /// When.
    pub reported_at: DateTime<Utc>,
}

/// What a report gives.
#[derive(Debug, Clone)]
pub struct NewReaction {
    /// Kind.
    pub reaction_type: ReactionType,
    /// Severity.
    pub severity: Severity,
    /// When it began.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub description: String,
}

/// Why a report is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ReactionError {
    /// The unit never reached a patient.
    NotIssued(UnitId, UnitStatus),
    /// A field rule.
    Invalid(FieldError),
}

impl TransfusionReaction {
    /// A report on `unit` (issued or transfused), which happened after its collection and not
    /// in the future.
    pub fn report(
        unit: &BloodUnit,
        new: NewReaction,
        reported_by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Self, ReactionError> {
        if !matches!(unit.status, UnitStatus::Issued | UnitStatus::Transfused) {
            return Err(ReactionError::NotIssued(unit.id, unit.status));
        }
        if new.occurred_at < unit.collected_at || new.occurred_at > now + Duration::minutes(5) {
            let message = "must lie between the unit's collection and now";
            return Err(ReactionError::Invalid(FieldError::new("/occurredAt", message)));
        }
        Ok(Self {
            id: Uuid::now_v7(),
            unit_id: unit.id,
            request_id: unit.reserved_for_request.map(RequestId),
            donation_id: unit.donation_id,
            donor_id: unit.donor_id,
            reaction_type: new.reaction_type,
            severity: new.severity,
            occurred_at: chrono::SubsecRound::trunc_subsecs(new.occurred_at, 3),
            description: new.description,
            reported_by,
            reported_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracks::track3::domain::units;

    /// A unit given under request 4.
    fn unit(status: UnitStatus) -> BloodUnit {
        BloodUnit { reserved_for_request: Some(Uuid::from_u128(4)), ..units::tests::unit(status) }
    }

    fn new(occurred_at: DateTime<Utc>) -> NewReaction {
        NewReaction {
            reaction_type: ReactionType::Trali,
            severity: Severity::Severe,
            occurred_at,
            description: "dyspnoea 1 h into transfusion".into(),
        }
    }

    #[test]
    fn reactions_link_the_unit_donation_donor_and_request() {
        let u = unit(UnitStatus::Transfused);
        let now = u.collected_at + Duration::days(3);
        let r = TransfusionReaction::report(&u, new(now - Duration::hours(1)), None, now).unwrap();
        assert_eq!((r.unit_id, r.donation_id, r.donor_id), (u.id, u.donation_id, u.donor_id));
        assert_eq!(r.request_id, Some(RequestId(Uuid::from_u128(4))));
        assert!(TransfusionReaction::report(&unit(UnitStatus::Issued), new(now), None, now).is_ok());
    }

    #[test]
    fn only_units_given_to_a_patient_and_plausible_times() {
        let now = unit(UnitStatus::Issued).collected_at + Duration::days(3);
        let stock = TransfusionReaction::report(&unit(UnitStatus::Available), new(now), None, now);
        assert!(matches!(stock, Err(ReactionError::NotIssued(_, UnitStatus::Available))));
        let u = unit(UnitStatus::Transfused);
        for bad in [u.collected_at - Duration::hours(1), now + Duration::hours(1)] {
            let refused = TransfusionReaction::report(&u, new(bad), None, now);
            assert!(matches!(refused, Err(ReactionError::Invalid(f)) if f.pointer == "/occurredAt"));
        }
        for t in ReactionType::ALL {
            assert_eq!(ReactionType::parse(t.as_str()), Some(t));
        }
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.as_str()), Some(s));
        }
    }
}
