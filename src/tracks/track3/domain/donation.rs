//! Donations and the units they yield. A donation has a type (whole blood, or an apheresis
//! procedure), one donation identification number, and the components it was separated into;
//! [`plan_units`] makes one quarantined unit per component with its product code and an expiry
//! from the component's shelf life.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    donor::DonorId,
    groups::{BloodGroup, Component},
    isbt::{self, Din},
    recall::DonorRecall,
    rules::BloodRules,
    units::{Actor, BloodUnit, QuarantineReason, UnitId, UnitStatus},
};

/// A donation's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DonationId(pub Uuid);

/// How the blood was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DonationType {
    /// About 450 mL of whole blood.
    #[default]
    WholeBlood,
    /// Two red cell units by apheresis.
    DoubleRedCells,
    /// Plasma by apheresis.
    Plasma,
    /// Platelets by apheresis.
    Platelets,
}

impl DonationType {
    /// Every type.
    pub const ALL: [Self; 4] = [Self::WholeBlood, Self::DoubleRedCells, Self::Plasma, Self::Platelets];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WholeBlood => "whole_blood",
            Self::DoubleRedCells => "double_red_cells",
            Self::Plasma => "plasma",
            Self::Platelets => "platelets",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// How many units of each component one donation of this type can yield, in
    /// [`Component::ALL`] order. Whole blood is either kept whole or separated, never both.
    fn yields(self) -> [usize; 5] {
        match self {
            Self::WholeBlood => [1, 1, 1, 1, 1],
            Self::DoubleRedCells => [0, 2, 0, 0, 0],
            Self::Plasma => [0, 0, 3, 0, 1],
            Self::Platelets => [0, 0, 1, 3, 0],
        }
    }

    /// The components made when the request names none.
    pub fn default_components(self) -> Vec<Component> {
        match self {
            Self::WholeBlood => vec![Component::RedCells, Component::Plasma],
            Self::DoubleRedCells => vec![Component::RedCells, Component::RedCells],
            Self::Plasma => vec![Component::Plasma],
            Self::Platelets => vec![Component::Platelets],
        }
    }

    /// Checks that a donation of this type can yield `components`.
    pub fn check_components(self, components: &[Component]) -> Result<(), String> {
        let yields = self.yields();
        for component in Component::ALL {
            let count = components.iter().filter(|c| **c == component).count();
            if count > yields[component.index()] {
                return Err(match yields[component.index()] {
                    0 => format!("a {} donation yields no {}", self.as_str(), component.as_str()),
                    n => format!("a {} donation yields at most {n} {} unit(s)", self.as_str(), component.as_str()),
                });
            }
        }
        if components.contains(&Component::WholeBlood) && components.len() > 1 {
            return Err("whole blood is kept whole or separated into components, not both".into());
        }
        Ok(())
    }
}

/// A recorded donation.
#[derive(Debug, Clone, PartialEq)]
pub struct Donation {
    /// Id.
    pub id: DonationId,
    /// The donor.
    pub donor_id: DonorId,
    /// How it was collected.
    pub donation_type: DonationType,
    /// Donation identification number, shared by its units.
    pub din: Din,
    /// When it was collected.
    pub collected_at: DateTime<Utc>,
    /// Volume collected in millilitres.
    pub volume_ml: u32,
    /// Pre-donation hemoglobin in g/dL.
    pub hemoglobin_gdl: f64,
    /// ABO/Rh group its units carry.
    pub blood_group: BloodGroup,
    /// Staff member who recorded it.
    pub recorded_by: Uuid,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// What recording a donation stores, atomically: the donation, its units (each with a
/// `collect` audit event), the donor's updated group and the donor's recall for the next
/// eligible day (superseding an earlier pending one), provided the donor is still at the
/// version its eligibility was assessed on.
#[derive(Debug, Clone)]
pub struct NewDonation {
    /// The donation.
    pub donation: Donation,
    /// Its units, quarantined.
    pub units: Vec<BloodUnit>,
    /// The donor's version when eligibility was assessed.
    pub donor_version: i64,
    /// The donor's group after this donation's typing, and whether it is now confirmed.
    pub donor_group: (BloodGroup, bool),
    /// Who recorded it.
    pub actor: Actor,
    /// The recall it schedules.
    pub recall: DonorRecall,
}

/// One quarantined unit per component, in request order, numbered from the donation's DIN
/// (several units of one component get divisions A0, B0...), expiring after its shelf life.
pub fn plan_units(donation: &Donation, components: &[Component], rules: &BloodRules) -> Vec<BloodUnit> {
    let mut seen = [0usize; 5];
    components
        .iter()
        .map(|component| {
            let of = components.iter().filter(|c| *c == component).count();
            let index = seen[component.index()];
            seen[component.index()] += 1;
            let product_code = isbt::product_code(*component, index, of);
            BloodUnit {
                id: UnitId(Uuid::now_v7()),
                donation_id: donation.id,
                donor_id: donation.donor_id,
                unit_number: isbt::unit_number(&donation.din, &product_code),
                din: donation.din.clone(),
                product_code,
                component: *component,
                blood_group: donation.blood_group,
                collected_at: donation.collected_at,
                expires_at: donation.collected_at + rules.shelf_life(*component),
                status: UnitStatus::Quarantined,
                status_changed_at: donation.recorded_at,
                quarantine_reason: Some(QuarantineReason::AwaitingScreening),
                discard_reason: None,
                reserved_for_request: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn donation(kind: DonationType) -> Donation {
        let collected_at = Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0).unwrap();
        Donation {
            id: DonationId(Uuid::now_v7()),
            donor_id: DonorId::generate(),
            donation_type: kind,
            din: Din::new("A9999", 2025, 7).unwrap(),
            collected_at,
            volume_ml: 450,
            hemoglobin_gdl: 14.0,
            blood_group: BloodGroup::parse("B+").unwrap(),
            recorded_by: Uuid::nil(),
            recorded_at: collected_at,
        }
    }

    #[test]
    fn units_expire_after_their_components_shelf_life() {
        let d = donation(DonationType::WholeBlood);
        let all = [Component::RedCells, Component::Plasma, Component::Platelets, Component::Cryoprecipitate];
        let units = plan_units(&d, &all, &BloodRules::default());
        let days: Vec<i64> = units.iter().map(|u| (u.expires_at - d.collected_at).num_days()).collect();
        assert_eq!(days, [42, 365, 5, 365]);
        let whole = plan_units(&d, &[Component::WholeBlood], &BloodRules::default());
        assert_eq!(whole[0].expires_at, d.collected_at + Duration::days(35));
        assert!(units.iter().all(|u| u.status == UnitStatus::Quarantined
            && u.quarantine_reason == Some(QuarantineReason::AwaitingScreening)
            && u.blood_group == d.blood_group
            && u.din == d.din));
    }

    #[test]
    fn unit_numbers_are_distinct_within_a_donation() {
        let d = donation(DonationType::DoubleRedCells);
        let units = plan_units(&d, &[Component::RedCells, Component::RedCells], &BloodRules::default());
        assert_eq!(units[0].product_code, "E0224VA0");
        assert_eq!(units[1].product_code, "E0224VB0");
        assert_ne!(units[0].unit_number, units[1].unit_number);
    }

    #[test]
    fn each_donation_type_yields_only_its_components() {
        use Component::*;
        let ok = |t: DonationType, c: &[Component]| t.check_components(c).is_ok();
        assert!(ok(DonationType::WholeBlood, &[WholeBlood]));
        assert!(ok(DonationType::WholeBlood, &[RedCells, Plasma, Platelets, Cryoprecipitate]));
        assert!(!ok(DonationType::WholeBlood, &[WholeBlood, Plasma]));
        assert!(!ok(DonationType::WholeBlood, &[RedCells, RedCells]));
        assert!(ok(DonationType::DoubleRedCells, &[RedCells, RedCells]));
        assert!(!ok(DonationType::DoubleRedCells, &[RedCells, RedCells, RedCells]));
        assert!(!ok(DonationType::DoubleRedCells, &[Plasma]));
        assert!(ok(DonationType::Plasma, &[Plasma, Plasma, Plasma, Cryoprecipitate]));
        assert!(!ok(DonationType::Plasma, &[Platelets]));
        assert!(ok(DonationType::Platelets, &[Platelets, Platelets, Plasma]));
        assert!(!ok(DonationType::Platelets, &[RedCells]));
        for kind in DonationType::ALL {
            assert!(kind.check_components(&kind.default_components()).is_ok(), "{kind:?}");
            assert_eq!(DonationType::parse(kind.as_str()), Some(kind));
        }
    }
}
