//! Donor groups per request (incl. the emergency rules) and the FEFO ranking.

use chrono::{Duration, TimeZone};

use super::*;
use crate::tracks::track3::domain::{
    requests::{RequestStatus, Urgency},
    units,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap()
}

fn g(text: &str) -> BloodGroup {
    BloodGroup::parse(text).unwrap()
}

fn groups(list: &[BloodGroup]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn patient(sex: Option<Sex>, born: Option<(i32, u32, u32)>) -> Patient {
    Patient {
        user_id: None,
        name: "Unknown trauma patient".into(),
        mrn: "TMP-001".into(),
        sex,
        date_of_birth: born.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
    }
}

fn request(blood_group: Option<&str>, component: Component, patient: Patient) -> BloodRequest {
    BloodRequest {
        id: RequestId(Uuid::now_v7()),
        patient,
        blood_group: blood_group.map(g),
        component,
        units_requested: 2,
        urgency: Urgency::Emergency,
        department: "Emergency".into(),
        clinician: "Dr. Mugisha".into(),
        needed_by: now(),
        indication: None,
        status: RequestStatus::Open,
        cancel_reason: None,
        created_by: Uuid::nil(),
        created_at: now(),
        updated_at: now(),
    }
}

fn unit(group: &str, component: Component, expires_in_days: i64, status: UnitStatus) -> BloodUnit {
    BloodUnit {
        unit_number: format!("U-{}", Uuid::now_v7()),
        component,
        blood_group: g(group),
        collected_at: now() - Duration::days(10),
        expires_at: now() + Duration::days(expires_in_days),
        status_changed_at: now(),
        ..units::tests::unit(status)
    }
}

fn plan_for(blood_group: Option<&str>, component: Component, patient: Patient) -> AllocationPlan {
    let r = request(blood_group, component, patient);
    let donors = donor_plan(&r, &BloodRules::default(), now().date_naive());
    AllocationPlan::new(&r, &donors, &Actor::default(), now())
}

#[test]
fn a_known_group_follows_the_compatibility_table() {
    let r = request(Some("A+"), Component::RedCells, patient(None, None));
    let donors = donor_plan(&r, &BloodRules::default(), now().date_naive());
    assert_eq!(groups(&donors.groups), ["A+", "A-", "O-", "O+"]);
    assert!(!donors.unknown_group && !donors.rh_positive_allowed);
    assert_eq!(AllocationPlan::new(&r, &donors, &Actor::default(), now()).note, None);
}

#[test]
fn an_unknown_group_gets_universal_donors_only() {
    assert_eq!(groups(&emergency_groups(Component::RedCells, false)), ["O-"]);
    assert_eq!(groups(&emergency_groups(Component::Plasma, false)), ["AB-", "AB+"]);
    assert_eq!(groups(&emergency_groups(Component::Cryoprecipitate, false)), ["AB-", "AB+"]);
    assert_eq!(groups(&emergency_groups(Component::Platelets, false)), ["AB-"]);
    assert!(emergency_groups(Component::WholeBlood, false).is_empty());
    assert!(emergency_groups(Component::WholeBlood, true).is_empty());
}

#[test]
fn rh_positive_red_cells_are_preferred_for_documented_men_and_older_women() {
    assert_eq!(groups(&emergency_groups(Component::RedCells, true)), ["O+", "O-"]);
    assert_eq!(groups(&emergency_groups(Component::Platelets, true)), ["AB+", "AB-"]);
    let rules = BloodRules::default();
    let today = now().date_naive();
    assert!(rh_positive_acceptable(&patient(Some(Sex::Male), None), &rules, today), "men at any age");
    assert!(rh_positive_acceptable(&patient(Some(Sex::Female), Some((1975, 6, 1))), &rules, today), "50 today");
    assert!(!rh_positive_acceptable(&patient(Some(Sex::Female), Some((1975, 6, 2))), &rules, today), "49");
    assert!(!rh_positive_acceptable(&patient(Some(Sex::Female), None), &rules, today), "age undocumented");
    assert!(!rh_positive_acceptable(&patient(None, Some((1940, 1, 1))), &rules, today), "sex undocumented");

    let man = plan_for(None, Component::RedCells, patient(Some(Sex::Male), None));
    assert_eq!(groups(&man.groups), ["O+", "O-"]);
    assert_eq!(man.note.as_deref(), Some("emergency release for unknown group: O+, O-"));
    let girl = plan_for(None, Component::RedCells, patient(Some(Sex::Female), Some((2010, 1, 1))));
    assert_eq!(groups(&girl.groups), ["O-"]);
}

#[test]
fn ranking_prefers_the_identical_group_then_first_expiring() {
    let plan = plan_for(Some("A+"), Component::RedCells, patient(None, None));
    let o_neg_soon = unit("O-", Component::RedCells, 1, UnitStatus::Available);
    let a_pos_late = unit("A+", Component::RedCells, 30, UnitStatus::Available);
    let a_pos_soon = unit("A+", Component::RedCells, 3, UnitStatus::Available);
    let a_neg = unit("A-", Component::RedCells, 2, UnitStatus::Available);
    let o_pos = unit("O+", Component::RedCells, 5, UnitStatus::Available);
    let ranked =
        plan.rank(vec![o_pos.clone(), o_neg_soon.clone(), a_pos_late.clone(), a_neg.clone(), a_pos_soon.clone()]);
    let ids: Vec<UnitId> = ranked.iter().map(|u| u.id).collect();
    assert_eq!(ids, [a_pos_soon.id, a_pos_late.id, a_neg.id, o_neg_soon.id, o_pos.id]);
}

#[test]
fn ranking_never_offers_unusable_units() {
    let plan = plan_for(Some("O-"), Component::RedCells, patient(None, None));
    let good = unit("O-", Component::RedCells, 10, UnitStatus::Available);
    let expiring_now = unit("O-", Component::RedCells, 0, UnitStatus::Available);
    let reserved = unit("O-", Component::RedCells, 10, UnitStatus::Reserved);
    let quarantined = unit("O-", Component::RedCells, 10, UnitStatus::Quarantined);
    let plasma = unit("O-", Component::Plasma, 10, UnitStatus::Available);
    let incompatible = unit("O+", Component::RedCells, 10, UnitStatus::Available);
    let ranked = plan.rank(vec![expiring_now, reserved, quarantined, plasma, incompatible, good.clone()]);
    assert_eq!(ranked.iter().map(|u| u.id).collect::<Vec<_>>(), [good.id]);
}

#[test]
fn emergency_ranking_spends_o_positive_first_when_allowed() {
    let plan = plan_for(None, Component::RedCells, patient(Some(Sex::Male), None));
    let o_neg = unit("O-", Component::RedCells, 1, UnitStatus::Available);
    let o_pos = unit("O+", Component::RedCells, 20, UnitStatus::Available);
    let a_pos = unit("A+", Component::RedCells, 1, UnitStatus::Available);
    let ranked = plan.rank(vec![o_neg.clone(), a_pos, o_pos.clone()]);
    assert_eq!(ranked.iter().map(|u| u.id).collect::<Vec<_>>(), [o_pos.id, o_neg.id]);
}

#[test]
fn allocation_states_hold_units_only_while_reserved_or_issued() {
    let holding: Vec<_> = AllocationState::ALL.into_iter().filter(|s| s.holds_unit()).collect();
    assert_eq!(holding, [AllocationState::Reserved, AllocationState::Issued]);
    for s in AllocationState::ALL {
        assert_eq!(AllocationState::parse(s.as_str()), Some(s));
    }
    for r in [CrossmatchResult::Compatible, CrossmatchResult::Incompatible] {
        assert_eq!(CrossmatchResult::parse(r.as_str()), Some(r));
    }
    let a = Allocation::reserve(RequestId(Uuid::nil()), UnitId(Uuid::nil()), &Actor::default(), now());
    assert_eq!((a.state, a.reserved_at, a.emergency_release), (AllocationState::Reserved, now(), false));
}
