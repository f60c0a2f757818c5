//! Crossmatch, issue, the return time limit and transfusion, step by step.

use chrono::TimeZone;

use super::*;
use crate::tracks::track3::domain::{
    allocation::Allocation,
    donation::DonationId,
    donor::DonorId,
    groups::{BloodGroup, Component},
    isbt::Din,
    units::{BloodUnit, UnitStatus},
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

const REQUEST: RequestId = RequestId(Uuid::from_u128(9));

fn allocated(state: AllocationState, status: UnitStatus) -> AllocatedUnit {
    let unit = BloodUnit {
        id: UnitId(Uuid::now_v7()),
        donation_id: DonationId(Uuid::now_v7()),
        donor_id: DonorId::generate(),
        din: Din::new("A9999", 2025, 3).unwrap(),
        product_code: "E0224V00".into(),
        unit_number: "A999925000003X-E0224V00".into(),
        component: Component::RedCells,
        blood_group: BloodGroup::parse("O-").unwrap(),
        collected_at: now() - Duration::days(5),
        expires_at: now() + Duration::days(37),
        status,
        status_changed_at: now() - Duration::hours(1),
        quarantine_reason: None,
        discard_reason: None,
        reserved_for_request: Some(REQUEST.0),
    };
    let mut allocation = Allocation::reserve(REQUEST, unit.id, &Actor::default(), now() - Duration::hours(2));
    allocation.state = state;
    if state == AllocationState::Issued {
        allocation.issued_at = Some(now() - Duration::hours(1));
    }
    AllocatedUnit { allocation, unit }
}

fn reserved() -> AllocatedUnit {
    allocated(AllocationState::Reserved, UnitStatus::Reserved)
}

fn issued() -> AllocatedUnit {
    allocated(AllocationState::Issued, UnitStatus::Issued)
}

fn staff() -> Actor {
    Actor { user_id: Some(Uuid::from_u128(1)), request_id: None }
}

#[test]
fn the_return_window_decides_where_a_returned_unit_goes() {
    let rules = BloodRules::default();
    let issued_at = now();
    let expires = now() + Duration::days(10);
    let back = |minutes: i64, container: bool| {
        return_outcome(issued_at, issued_at + Duration::minutes(minutes), expires, container, &rules)
    };
    assert_eq!(back(0, false), ReturnOutcome::Restock);
    assert_eq!(back(30, false), ReturnOutcome::Restock, "the limit itself is within it");
    assert_eq!(back(31, false), ReturnOutcome::Discard(DiscardReason::ReturnedOutOfTime));
    assert_eq!(back(31, true), ReturnOutcome::Quarantine(QuarantineReason::TemperatureExcursion));
    assert_eq!(back(240, true), ReturnOutcome::Quarantine(QuarantineReason::TemperatureExcursion));
    let expired = return_outcome(issued_at, expires, expires, true, &rules);
    assert_eq!(expired, ReturnOutcome::Discard(DiscardReason::Expired), "past expiry nothing is restocked");
    let strict = BloodRules { return_window_minutes: 10, ..BloodRules::default() };
    let late = return_outcome(issued_at, issued_at + Duration::minutes(11), expires, false, &strict);
    assert_eq!(late, ReturnOutcome::Discard(DiscardReason::ReturnedOutOfTime), "the window is configurable");
}

#[test]
fn a_compatible_crossmatch_keeps_the_reservation_and_an_incompatible_one_releases_it() {
    let a = reserved();
    let ok = a.crossmatch(CrossmatchResult::Compatible, None, &staff(), now()).unwrap();
    assert_eq!((ok.from, ok.to, ok.unit.is_none()), (AllocationState::Reserved, AllocationState::Reserved, true));
    let bad = a.crossmatch(CrossmatchResult::Incompatible, Some("anti-K".into()), &staff(), now()).unwrap();
    assert_eq!(bad.to, AllocationState::Released);
    let unit = bad.unit.unwrap();
    assert_eq!((unit.to, unit.reserved_for_request), (UnitStatus::Available, None));
    assert!(unit.event().note.unwrap().contains("crossmatch incompatible"));

    let mut done = reserved();
    done.allocation.crossmatch =
        Some(Crossmatch { result: CrossmatchResult::Compatible, at: now(), by: None, note: None });
    let again = done.crossmatch(CrossmatchResult::Incompatible, None, &staff(), now());
    assert!(matches!(again, Err(StepError::AlreadyCrossmatched(_, CrossmatchResult::Compatible))));
    assert!(matches!(
        issued().crossmatch(CrossmatchResult::Compatible, None, &staff(), now()),
        Err(StepError::NotAllocated { state: AllocationState::Issued, .. })
    ));
}

#[test]
fn issue_needs_a_compatible_crossmatch_except_under_emergency_release() {
    let uncrossmatched = reserved();
    let refused = uncrossmatched.issue(Urgency::Urgent, "Porter A".into(), &staff(), now());
    assert!(matches!(refused, Err(StepError::CrossmatchRequired(_))));
    let emergency = uncrossmatched.issue(Urgency::Emergency, "Porter A".into(), &staff(), now()).unwrap();
    assert_eq!(emergency.step, AllocationStep::Issue { collected_by: "Porter A".into(), emergency_release: true });
    let unit = emergency.unit.unwrap();
    assert_eq!((unit.to, unit.reserved_for_request), (UnitStatus::Issued, Some(REQUEST.0)));
    assert!(unit.note.unwrap().starts_with("emergency release"));

    let mut matched = reserved();
    matched.allocation.crossmatch =
        Some(Crossmatch { result: CrossmatchResult::Compatible, at: now(), by: None, note: None });
    let normal = matched.issue(Urgency::Routine, "Nurse B".into(), &staff(), now()).unwrap();
    assert_eq!(normal.step, AllocationStep::Issue { collected_by: "Nurse B".into(), emergency_release: false });
    assert_eq!((normal.to, normal.by), (AllocationState::Issued, staff().user_id));
}

#[test]
fn returns_apply_the_rule_and_check_their_time() {
    let rules = BloodRules::default();
    let a = issued();
    let issued_at = a.allocation.issued_at.unwrap();
    let in_time = a.give_back(issued_at + Duration::minutes(20), false, &rules, &staff(), now()).unwrap();
    assert_eq!(
        (in_time.to, in_time.step.clone()),
        (AllocationState::Returned, AllocationStep::Return(ReturnDisposition::Restocked))
    );
    assert_eq!(in_time.unit.as_ref().map(|u| u.to), Some(UnitStatus::Available));
    assert_eq!(in_time.at, issued_at + Duration::minutes(20), "the allocation keeps the real return time");
    let late = a.give_back(issued_at + Duration::minutes(45), false, &rules, &staff(), now()).unwrap();
    let unit = late.unit.unwrap();
    assert_eq!((unit.to, unit.discard_reason), (UnitStatus::Discarded, Some(DiscardReason::ReturnedOutOfTime)));
    assert!(unit.note.unwrap().contains("45 min out (limit 30 min)"));
    for bad in [issued_at - Duration::minutes(1), now() + Duration::hours(1)] {
        let refused = a.give_back(bad, false, &rules, &staff(), now());
        assert!(matches!(refused, Err(StepError::Invalid(f)) if f.pointer == "/returnedAt"));
    }
    assert!(matches!(reserved().give_back(now(), false, &rules, &staff(), now()), Err(StepError::NotAllocated { .. })));
}

#[test]
fn transfusion_records_who_and_when() {
    let a = issued();
    let at = now() - Duration::minutes(10);
    let done = a.transfuse("Nurse C".into(), at, &staff(), now()).unwrap();
    assert_eq!((done.to, done.at), (AllocationState::Transfused, at));
    assert_eq!(done.step, AllocationStep::Transfuse { administered_by: "Nurse C".into() });
    assert_eq!(done.unit.map(|u| u.to), Some(UnitStatus::Transfused));
    let early = a.transfuse("Nurse C".into(), now() - Duration::hours(3), &staff(), now());
    assert!(matches!(early, Err(StepError::Invalid(f)) if f.pointer == "/transfusedAt"));
    assert!(matches!(reserved().transfuse("X".into(), now(), &staff(), now()), Err(StepError::NotAllocated { .. })));
    let stale = allocated(AllocationState::Issued, UnitStatus::Available);
    assert!(matches!(stale.transfuse("X".into(), now(), &staff(), now()), Err(StepError::Unit(_))));
}
