//! Every eligibility reason, alone and together, and the store bounds agreeing with them.

use chrono::{TimeZone, Utc};

use super::*;
use crate::tracks::track3::domain::donor::{Contact, DeferralId, DonorId, Sex};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn donor(dob: NaiveDate, sex: Sex, weight_kg: f64) -> Donor {
    let now = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    Donor {
        id: DonorId::generate(),
        full_name: "Test Donor".into(),
        national_id: None,
        date_of_birth: dob,
        sex,
        weight_kg,
        blood_group: None,
        abo_confirmed: false,
        contact: Contact::default(),
        last_donation_at: None,
        version: 0,
        created_at: now,
        updated_at: now,
    }
}

fn deferral(until: Option<NaiveDate>, reason: DeferralReason) -> Deferral {
    Deferral {
        id: DeferralId(Uuid::now_v7()),
        donor_id: DonorId::generate(),
        reason,
        starts_on: day(2025, 1, 1),
        until,
        note: None,
        recorded_by: Uuid::nil(),
        recorded_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
    }
}

fn gave(kind: DonationType, y: i32, m: u32, d: u32) -> PastDonation {
    PastDonation { donation_type: kind, collected_at: Utc.with_ymd_and_hms(y, m, d, 15, 0, 0).unwrap() }
}

fn check(d: &Donor, deferrals: &[Deferral], donations: &[PastDonation], on: NaiveDate, hb: Option<f64>) -> Assessment {
    let input = EligibilityInput {
        donor: d,
        deferrals,
        donations,
        donation_type: DonationType::WholeBlood,
        on,
        hemoglobin_gdl: hb,
    };
    assess(&BloodRules::default(), input)
}

fn codes(a: &Assessment) -> Vec<&'static str> {
    a.reasons.iter().map(Ineligibility::code).collect()
}

const ON: (i32, u32, u32) = (2025, 6, 1);

fn on() -> NaiveDate {
    day(ON.0, ON.1, ON.2)
}

#[test]
fn a_healthy_adult_is_eligible_today() {
    let a = check(&donor(day(1990, 5, 5), Sex::Female, 60.0), &[], &[], on(), Some(13.0));
    assert!(a.is_eligible() && a.hemoglobin_assessed);
    assert_eq!(a.next_eligible_on, Some(on()));
}

#[test]
fn too_young_until_the_eighteenth_birthday() {
    let a = check(&donor(day(2008, 2, 29), Sex::Male, 70.0), &[], &[], on(), None);
    assert_eq!(codes(&a), ["too_young"]);
    assert_eq!(a.next_eligible_on, Some(day(2026, 3, 1)), "29 February birthdays fall on 1 March");
    assert!(!a.hemoglobin_assessed);
    let born_later = check(&donor(day(2030, 1, 1), Sex::Male, 70.0), &[], &[], on(), None);
    assert_eq!(born_later.next_eligible_on, Some(day(2048, 1, 1)));
}

#[test]
fn age_limits_are_inclusive() {
    assert!(check(&donor(day(2007, 6, 1), Sex::Male, 70.0), &[], &[], on(), None).is_eligible(), "18 today");
    assert!(check(&donor(day(1959, 6, 2), Sex::Male, 70.0), &[], &[], on(), None).is_eligible(), "65 until tomorrow");
    let old = check(&donor(day(1959, 6, 1), Sex::Male, 70.0), &[], &[], on(), None);
    assert_eq!(codes(&old), ["too_old"]);
    assert!(old.is_permanent());
    assert_eq!(old.next_eligible_on, None);
}

#[test]
fn underweight_and_low_hemoglobin_clear_on_remeasurement() {
    let a = check(&donor(day(1990, 1, 1), Sex::Female, 49.9), &[], &[], on(), Some(12.4));
    assert_eq!(codes(&a), ["underweight", "low_hemoglobin"]);
    assert_eq!(a.next_eligible_on, Some(on()), "no date-bound reason: re-measure at the next visit");
    assert!(!a.is_permanent());
    assert!(a.reasons[1].message().contains("12.4 g/dL, under the minimum of 12.5"));
}

#[test]
fn hemoglobin_thresholds_differ_by_sex() {
    let female = check(&donor(day(1990, 1, 1), Sex::Female, 60.0), &[], &[], on(), Some(12.5));
    assert!(female.is_eligible(), "12.5 is enough for a woman");
    let male = check(&donor(day(1990, 1, 1), Sex::Male, 60.0), &[], &[], on(), Some(12.9));
    assert_eq!(codes(&male), ["low_hemoglobin"]);
    assert!(check(&donor(day(1990, 1, 1), Sex::Male, 60.0), &[], &[], on(), Some(13.0)).is_eligible());
}

#[test]
fn active_deferrals_each_count() {
    let d = donor(day(1990, 1, 1), Sex::Male, 70.0);
    let deferrals = [
        deferral(Some(day(2025, 7, 1)), DeferralReason::RecentTravel),
        deferral(Some(day(2025, 8, 15)), DeferralReason::TattooOrPiercing),
        deferral(Some(day(2025, 6, 1)), DeferralReason::Illness),
    ];
    let a = check(&d, &deferrals, &[], on(), None);
    assert_eq!(codes(&a), ["deferred", "deferred"], "the illness deferral ended today");
    assert_eq!(a.next_eligible_on, Some(day(2025, 8, 15)));
    let permanent = check(&d, &[deferral(None, DeferralReason::HighRiskBehaviour)], &[], on(), None);
    assert!(permanent.is_permanent());
    assert_eq!(permanent.next_eligible_on, None);
    assert_eq!(permanent.reasons[0].message(), "permanently deferred (high_risk_behaviour)");
}

#[test]
fn intervals_by_donation_type() {
    let d = donor(day(1990, 1, 1), Sex::Male, 70.0);
    let cases = [
        (DonationType::WholeBlood, 56),
        (DonationType::DoubleRedCells, 112),
        (DonationType::Plasma, 56),
        (DonationType::Platelets, 56),
    ];
    for (previous, days) in cases {
        let last = on() - Days::new(10);
        let history = [gave(previous, last.year(), last.month(), last.day())];
        let a = check(&d, &[], &history, on(), None);
        assert_eq!(codes(&a), ["donation_interval"], "{previous:?}");
        assert_eq!(a.next_eligible_on, Some(last + Days::new(days)), "{previous:?} then whole blood");
    }
    let platelets = [gave(DonationType::Platelets, 2025, 5, 25)];
    let input = EligibilityInput {
        donor: &d,
        deferrals: &[],
        donations: &platelets,
        donation_type: DonationType::Platelets,
        on: day(2025, 6, 1),
        hemoglobin_gdl: None,
    };
    assert!(assess(&BloodRules::default(), input).is_eligible(), "7 days after platelets");
    let plasma = EligibilityInput { donation_type: DonationType::Plasma, ..input };
    assert_eq!(assess(&BloodRules::default(), plasma).next_eligible_on, Some(day(2025, 6, 22)));
}

#[test]
fn the_interval_ends_exactly_on_the_day() {
    let d = donor(day(1990, 1, 1), Sex::Male, 70.0);
    let history = [gave(DonationType::WholeBlood, 2025, 4, 6)];
    assert_eq!(codes(&check(&d, &[], &history, day(2025, 5, 31), None)), ["donation_interval"]);
    assert!(check(&d, &[], &history, day(2025, 6, 1), None).is_eligible(), "56 days after 6 April");
}

#[test]
fn every_reason_is_reported_at_once() {
    let d = donor(day(2008, 9, 1), Sex::Female, 45.0);
    let history = [gave(DonationType::DoubleRedCells, 2025, 5, 1), gave(DonationType::WholeBlood, 2025, 3, 1)];
    let deferrals = [deferral(Some(day(2025, 12, 24)), DeferralReason::Medication)];
    let a = check(&d, &deferrals, &history, on(), Some(11.0));
    assert_eq!(codes(&a), ["too_young", "underweight", "low_hemoglobin", "deferred", "donation_interval"]);
    assert_eq!(a.next_eligible_on, Some(day(2026, 9, 1)), "the latest date-bound reason");
    let interval = a.reasons.last().unwrap();
    assert_eq!(interval.clears_on(), Some(day(2025, 8, 21)), "double red cells: 112 days");
}

#[test]
fn ages_and_birthdays() {
    assert_eq!(age_on(day(2000, 2, 29), day(2018, 2, 28)), 17);
    assert_eq!(age_on(day(2000, 2, 29), day(2018, 3, 1)), 18);
    assert_eq!(age_on(day(2000, 2, 29), day(2020, 2, 29)), 20);
    assert_eq!(birthday(day(2000, 2, 29), 18), day(2018, 3, 1));
    assert_eq!(birthday(day(2000, 2, 29), 20), day(2020, 2, 29));
}

#[test]
fn store_bounds_agree_with_the_rules() {
    let rules = BloodRules::default();
    let mut on = day(2023, 12, 20);
    while on < day(2024, 3, 10) {
        let bounds = EligibilityBounds::new(&rules, DonationType::WholeBlood, on);
        let mut dob = day(1957, 1, 1);
        while dob < day(1961, 1, 1) {
            let old_enough_and_not_too_old = age_on(dob, on) >= 18 && age_on(dob, on) <= 65;
            assert_eq!(dob <= bounds.born_on_or_before && dob > bounds.born_after, old_enough_and_not_too_old);
            dob = dob.succ_opt().unwrap();
        }
        let mut dob = day(2005, 1, 1);
        while dob < day(2007, 1, 1) {
            assert_eq!(dob <= bounds.born_on_or_before, age_on(dob, on) >= 18, "{dob} on {on}");
            dob = dob.succ_opt().unwrap();
        }
        for previous in DonationType::ALL {
            let (_, since) = bounds.too_recent_since.iter().find(|(t, _)| *t == previous).unwrap();
            for back in 0..130 {
                let when = (on - Days::new(back)).and_hms_opt(23, 59, 0).unwrap().and_utc();
                let past = PastDonation { donation_type: previous, collected_at: when };
                let d = donor(day(1990, 1, 1), Sex::Male, 70.0);
                let blocked = !check(&d, &[], &[past], on, None).is_eligible();
                assert_eq!(when >= *since, blocked, "{previous:?} {back} days before {on}");
            }
        }
        on = on.succ_opt().unwrap();
    }
}
