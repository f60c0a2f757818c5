//! Donor eligibility: [`assess`] applies every rule of [`BloodRules`] to a donor on a day and
//! returns every reason they cannot give, not just the first, with the date each reason
//! clears. Age and donation intervals clear on a known date; a temporary deferral on its end
//! date; weight and hemoglobin clear when re-measured; age over the limit and permanent
//! deferrals never. [`EligibilityBounds`] expresses the same date rules as bounds a store can
//! filter donors on. Days are UTC calendar days.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use super::{
    donation::DonationType,
    donor::{Deferral, DeferralReason, Donor},
    rules::BloodRules,
};

/// A past donation, as far as the interval rule cares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PastDonation {
    /// Its type.
    pub donation_type: DonationType,
    /// When it was collected.
    pub collected_at: DateTime<Utc>,
}

/// One reason a donor cannot give.
#[derive(Debug, Clone, PartialEq)]
pub enum Ineligibility {
    /// Younger than the minimum age.
    TooYoung {
        /// Age in whole years (negative before birth).
        age: i32,
        /// Minimum age.
        minimum: u32,
        /// The day they reach it.
        eligible_on: NaiveDate,
    },
    /// Older than the maximum age (never clears).
    TooOld {
        /// Age in whole years.
        age: i32,
        /// Maximum age.
        maximum: u32,
    },
    /// Lighter than the minimum weight (clears when re-weighed).
    Underweight {
        /// Recorded weight.
        weight_kg: f64,
        /// Minimum.
        minimum_kg: f64,
    },
    /// Hemoglobin below the threshold for the donor's sex (clears when re-measured).
    LowHemoglobin {
        /// Measured value.
        measured_gdl: f64,
        /// Threshold.
        minimum_gdl: f64,
    },
    /// An active deferral.
    Deferred {
        /// The deferral.
        deferral_id: Uuid,
        /// Its reason code.
        reason: DeferralReason,
        /// Its end; `None` when permanent.
        until: Option<NaiveDate>,
    },
    /// Too soon after a previous donation.
    DonationInterval {
        /// Type of that donation.
        previous: DonationType,
        /// Day of that donation.
        donated_on: NaiveDate,
        /// Days required between it and the requested donation.
        required_days: u32,
        /// First day the requested donation is allowed.
        eligible_on: NaiveDate,
    },
}

impl Ineligibility {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooYoung { .. } => "too_young",
            Self::TooOld { .. } => "too_old",
            Self::Underweight { .. } => "underweight",
            Self::LowHemoglobin { .. } => "low_hemoglobin",
            Self::Deferred { .. } => "deferred",
            Self::DonationInterval { .. } => "donation_interval",
        }
    }

    /// The day it clears: `None` when it never does on its own (too old, permanent deferral,
    /// or a measurement to repeat).
    pub fn clears_on(&self) -> Option<NaiveDate> {
        match self {
            Self::TooYoung { eligible_on, .. } | Self::DonationInterval { eligible_on, .. } => Some(*eligible_on),
            Self::Deferred { until, .. } => *until,
            Self::TooOld { .. } | Self::Underweight { .. } | Self::LowHemoglobin { .. } => None,
        }
    }

    /// Whether it can never clear.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::TooOld { .. } | Self::Deferred { until: None, .. })
    }

    /// For a human.
    pub fn message(&self) -> String {
        match self {
            Self::TooYoung { age, minimum, eligible_on } => {
                format!("aged {age}, under the minimum age of {minimum}; old enough on {eligible_on}")
            }
            Self::TooOld { age, maximum } => format!("aged {age}, over the maximum age of {maximum}"),
            Self::Underweight { weight_kg, minimum_kg } => {
                format!("weighs {weight_kg} kg, under the minimum of {minimum_kg} kg")
            }
            Self::LowHemoglobin { measured_gdl, minimum_gdl } => {
                format!("hemoglobin {measured_gdl} g/dL, under the minimum of {minimum_gdl} g/dL")
            }
            Self::Deferred { reason, until: Some(until), .. } => {
                format!("deferred ({}) until {until}", reason.as_str())
            }
            Self::Deferred { reason, until: None, .. } => format!("permanently deferred ({})", reason.as_str()),
            Self::DonationInterval { previous, donated_on, required_days, eligible_on } => format!(
                "gave {} on {donated_on}; {required_days} days must pass, so not before {eligible_on}",
                previous.as_str()
            ),
        }
    }
}

/// The answer for one donor, day and donation type.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Every reason they cannot give (empty when eligible).
    pub reasons: Vec<Ineligibility>,
    /// The first day every date-bound reason has cleared (the assessed day when eligible);
    /// `None` when a reason is permanent. Weight and hemoglobin are re-measured at the visit.
    pub next_eligible_on: Option<NaiveDate>,
    /// Whether hemoglobin was part of the assessment.
    pub hemoglobin_assessed: bool,
}

impl Assessment {
    /// No reason against.
    pub fn is_eligible(&self) -> bool {
        self.reasons.is_empty()
    }

    /// Some reason never clears.
    pub fn is_permanent(&self) -> bool {
        self.reasons.iter().any(Ineligibility::is_permanent)
    }
}

/// Age in whole years on `on` (a 29 February birthday falls on 1 March in other years).
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> i32 {
    let had_birthday = (on.month(), on.day()) >= (date_of_birth.month(), date_of_birth.day());
    on.year() - date_of_birth.year() - i32::from(!had_birthday)
}

/// The day someone born on `date_of_birth` turns `years`.
pub fn birthday(date_of_birth: NaiveDate, years: u32) -> NaiveDate {
    let year = date_of_birth.year().saturating_add(i32::try_from(years).unwrap_or(i32::MAX));
    NaiveDate::from_ymd_opt(year, date_of_birth.month(), date_of_birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

/// Everything [`assess`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct EligibilityInput<'a> {
    /// The donor.
    pub donor: &'a Donor,
    /// Their deferrals.
    pub deferrals: &'a [Deferral],
    /// Their past donations.
    pub donations: &'a [PastDonation],
    /// The donation they want to give.
    pub donation_type: DonationType,
    /// The day.
    pub on: NaiveDate,
    /// Hemoglobin measured at the visit, when there is one.
    pub hemoglobin_gdl: Option<f64>,
}

/// Applies every rule; see the module documentation.
pub fn assess(rules: &BloodRules, input: EligibilityInput<'_>) -> Assessment {
    let donor = input.donor;
    let mut reasons = Vec::new();
    let age = age_on(donor.date_of_birth, input.on);
    if age < i32::try_from(rules.min_age_years).unwrap_or(i32::MAX) {
        let eligible_on = birthday(donor.date_of_birth, rules.min_age_years);
        reasons.push(Ineligibility::TooYoung { age, minimum: rules.min_age_years, eligible_on });
    } else if age > i32::try_from(rules.max_age_years).unwrap_or(i32::MAX) {
        reasons.push(Ineligibility::TooOld { age, maximum: rules.max_age_years });
    }
    if donor.weight_kg < rules.min_weight_kg {
        reasons.push(Ineligibility::Underweight { weight_kg: donor.weight_kg, minimum_kg: rules.min_weight_kg });
    }
    if let Some(measured_gdl) = input.hemoglobin_gdl {
        let minimum_gdl = rules.min_hemoglobin(donor.sex);
        if measured_gdl < minimum_gdl {
            reasons.push(Ineligibility::LowHemoglobin { measured_gdl, minimum_gdl });
        }
    }
    for deferral in input.deferrals.iter().filter(|d| d.is_active_on(input.on)) {
        reasons.push(Ineligibility::Deferred {
            deferral_id: deferral.id.0,
            reason: deferral.reason,
            until: deferral.until,
        });
    }
    reasons.extend(interval_reason(rules, input.donations, input.donation_type, input.on));
    let next_eligible_on = if reasons.iter().any(Ineligibility::is_permanent) {
        None
    } else {
        Some(reasons.iter().filter_map(Ineligibility::clears_on).fold(input.on, NaiveDate::max))
    };
    Assessment { reasons, next_eligible_on, hemoglobin_assessed: input.hemoglobin_gdl.is_some() }
}

/// The most restrictive interval still running on `on`, if any.
fn interval_reason(
    rules: &BloodRules,
    donations: &[PastDonation],
    next: DonationType,
    on: NaiveDate,
) -> Option<Ineligibility> {
    donations
        .iter()
        .map(|p| {
            let required_days = rules.days_between(p.donation_type, next);
            let donated_on = p.collected_at.date_naive();
            let eligible_on = donated_on.checked_add_days(Days::new(required_days.into())).unwrap_or(NaiveDate::MAX);
            Ineligibility::DonationInterval { previous: p.donation_type, donated_on, required_days, eligible_on }
        })
        .filter(|reason| reason.clears_on().is_some_and(|day| day > on))
        .max_by_key(|reason| reason.clears_on())
}

/// The date rules of [`assess`] (age, weight, deferrals, intervals; not hemoglobin, which is
/// measured at the visit) as bounds a store filters donors on.
#[derive(Debug, Clone, PartialEq)]
pub struct EligibilityBounds {
    /// The day.
    pub on: NaiveDate,
    /// Old enough: born on or before this day.
    pub born_on_or_before: NaiveDate,
    /// Young enough: born after this day.
    pub born_after: NaiveDate,
    /// Minimum weight.
    pub min_weight_kg: f64,
    /// For each previous donation type, donations collected at or after this instant are too
    /// recent for the requested type.
    pub too_recent_since: Vec<(DonationType, DateTime<Utc>)>,
}

impl EligibilityBounds {
    /// The bounds for giving `next` on `on`.
    pub fn new(rules: &BloodRules, next: DonationType, on: NaiveDate) -> Self {
        let years_before = |years: u32| on.checked_sub_months(Months::new(years * 12)).unwrap_or(NaiveDate::MIN);
        let too_recent_since = DonationType::ALL
            .into_iter()
            .map(|previous| {
                let days = u64::from(rules.days_between(previous, next));
                // Too recent when donated after `on - days`, i.e. from the next day on.
                let day = on.checked_sub_days(Days::new(days)).and_then(|d| d.succ_opt()).unwrap_or(NaiveDate::MIN);
                (previous, day.and_time(NaiveTime::MIN).and_utc())
            })
            .collect();
        Self {
            on,
            born_on_or_before: years_before(rules.min_age_years),
            born_after: years_before(rules.max_age_years + 1),
            min_weight_kg: rules.min_weight_kg,
            too_recent_since,
        }
    }
}

#[cfg(test)]
#[path = "eligibility_tests.rs"]
mod tests;
