//! The unit lifecycle table, exhaustively.

use chrono::{Duration, TimeZone};

use super::*;

const REQUEST: Uuid = Uuid::from_u128(7);

fn actions() -> Vec<UnitAction> {
    vec![
        UnitAction::Release,
        UnitAction::Quarantine(QuarantineReason::TemperatureExcursion),
        UnitAction::Reserve { request_id: REQUEST },
        UnitAction::Unreserve,
        UnitAction::Issue,
        UnitAction::Return(ReturnOutcome::Restock),
        UnitAction::Return(ReturnOutcome::Quarantine(QuarantineReason::TemperatureExcursion)),
        UnitAction::Return(ReturnOutcome::Discard(DiscardReason::ReturnedOutOfTime)),
        UnitAction::Transfuse,
        UnitAction::Expire,
        UnitAction::Discard(DiscardReason::DamagedBag),
    ]
}

/// The action's name, with a return told apart by where it sends the unit.
fn label(action: &UnitAction) -> &'static str {
    match action {
        UnitAction::Return(ReturnOutcome::Quarantine(_)) => "return to quarantine",
        UnitAction::Return(ReturnOutcome::Discard(_)) => "return to discard",
        other => other.name(),
    }
}

/// The allowed (from, action) → to pairs, written out independently of the implementation.
fn expected(from: UnitStatus, action: &UnitAction) -> Option<UnitStatus> {
    use UnitStatus::*;
    let allowed: &[(UnitStatus, &str, UnitStatus)] = &[
        (Quarantined, "release", Available),
        (Quarantined, "quarantine", Quarantined),
        (Available, "quarantine", Quarantined),
        (Reserved, "quarantine", Quarantined),
        (Available, "reserve", Reserved),
        (Reserved, "unreserve", Available),
        (Reserved, "issue", Issued),
        (Issued, "return", Available),
        (Issued, "return to quarantine", Quarantined),
        (Issued, "return to discard", Discarded),
        (Issued, "transfuse", Transfused),
        (Quarantined, "expire", Expired),
        (Available, "expire", Expired),
        (Reserved, "expire", Expired),
        (Quarantined, "discard", Discarded),
        (Available, "discard", Discarded),
        (Reserved, "discard", Discarded),
        (Expired, "discard", Discarded),
    ];
    allowed.iter().find(|(f, a, _)| *f == from && *a == label(action)).map(|(_, _, to)| *to)
}

/// A red-cell O− unit collected 2025-06-01 09:00 UTC, expiring 42 days later, in `status`:
/// the unit other tests of the domain start from.
pub(in crate::tracks::track3::domain) fn unit(status: UnitStatus) -> BloodUnit {
    let collected_at = Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap();
    BloodUnit {
        id: UnitId(Uuid::now_v7()),
        donation_id: DonationId(Uuid::now_v7()),
        donor_id: DonorId::generate(),
        din: Din::new("A9999", 2025, 1).unwrap(),
        product_code: "E0224V00".into(),
        unit_number: "A999925000001X-E0224V00".into(),
        component: Component::RedCells,
        blood_group: BloodGroup::parse("O-").unwrap(),
        collected_at,
        expires_at: collected_at + Duration::days(42),
        status,
        status_changed_at: collected_at,
        quarantine_reason: None,
        discard_reason: None,
        reserved_for_request: None,
    }
}

#[test]
fn the_transition_table_is_exactly_the_documented_one() {
    for from in UnitStatus::ALL {
        for action in actions() {
            assert_eq!(from.after(&action), expected(from, &action), "{} --{}-->", from.as_str(), label(&action));
        }
    }
}

#[test]
fn final_states_accept_nothing() {
    for from in [UnitStatus::Transfused, UnitStatus::Discarded] {
        assert!(actions().iter().all(|a| from.after(a).is_none()), "{from:?}");
    }
}

#[test]
fn illegal_transitions_name_the_unit_status_and_action() {
    let issued = unit(UnitStatus::Issued);
    let err =
        issued.transition(UnitAction::Discard(DiscardReason::Other), None, &Actor::default(), issued.collected_at);
    let err = err.unwrap_err();
    assert_eq!((err.from, err.action), (UnitStatus::Issued, "discard"));
    assert!(err.to_string().contains("is issued: it cannot discard"), "{err}");
}

#[test]
fn transitions_carry_their_reasons_and_request() {
    let actor = Actor { user_id: Some(Uuid::nil()), request_id: Some("req-1".into()) };
    let at = Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0).unwrap();
    let quarantined = unit(UnitStatus::Available)
        .transition(UnitAction::Quarantine(QuarantineReason::TemperatureExcursion), None, &actor, at)
        .unwrap();
    assert_eq!(quarantined.quarantine_reason, Some(QuarantineReason::TemperatureExcursion));
    let event = quarantined.event();
    assert_eq!(event.reason.as_deref(), Some("temperature_excursion"));
    assert_eq!((event.from, event.to), (Some(UnitStatus::Available), UnitStatus::Quarantined));
    assert_eq!((event.actor_id, event.request_id.as_deref()), (Some(Uuid::nil()), Some("req-1")));

    let mut awaiting = unit(UnitStatus::Quarantined);
    awaiting.quarantine_reason = Some(QuarantineReason::AwaitingScreening);
    let released = awaiting.transition(UnitAction::Release, None, &actor, at).unwrap();
    assert_eq!(released.from_quarantine_reason, Some(QuarantineReason::AwaitingScreening));
    assert_eq!(released.quarantine_reason, None);
    let kept =
        awaiting.transition(UnitAction::Quarantine(QuarantineReason::TemperatureExcursion), None, &actor, at).unwrap();
    assert_eq!(kept.quarantine_reason, Some(QuarantineReason::TemperatureExcursion), "the stricter hold wins");

    let discarded =
        unit(UnitStatus::Expired).transition(UnitAction::Discard(DiscardReason::Expired), None, &actor, at).unwrap();
    assert_eq!((discarded.discard_reason, discarded.to), (Some(DiscardReason::Expired), UnitStatus::Discarded));
    assert_eq!(discarded.event().reason.as_deref(), Some("expired"));

    let reserved =
        unit(UnitStatus::Available).transition(UnitAction::Reserve { request_id: REQUEST }, None, &actor, at).unwrap();
    assert_eq!(reserved.reserved_for_request, Some(REQUEST));
    let mut reserved_unit = unit(UnitStatus::Reserved);
    reserved_unit.reserved_for_request = Some(REQUEST);
    let issued = reserved_unit.transition(UnitAction::Issue, None, &actor, at).unwrap();
    assert_eq!(issued.reserved_for_request, Some(REQUEST));
    let unreserved = reserved_unit.transition(UnitAction::Unreserve, None, &actor, at).unwrap();
    assert_eq!(unreserved.reserved_for_request, None);
}

#[test]
fn late_returns_carry_their_reason_and_leave_the_request() {
    let actor = Actor::default();
    let at = Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0).unwrap();
    let mut issued = unit(UnitStatus::Issued);
    issued.reserved_for_request = Some(REQUEST);
    let held = ReturnOutcome::Quarantine(QuarantineReason::TemperatureExcursion);
    let quarantined = issued.transition(UnitAction::Return(held), None, &actor, at).unwrap();
    assert_eq!((quarantined.to, quarantined.quarantine_reason), (UnitStatus::Quarantined, Some(held_reason())));
    assert_eq!(
        (quarantined.reserved_for_request, quarantined.event().reason.as_deref()),
        (None, Some("temperature_excursion"))
    );
    let late = ReturnOutcome::Discard(DiscardReason::ReturnedOutOfTime);
    let discarded = issued.transition(UnitAction::Return(late), None, &actor, at).unwrap();
    assert_eq!(
        (discarded.to, discarded.discard_reason),
        (UnitStatus::Discarded, Some(DiscardReason::ReturnedOutOfTime))
    );
    assert_eq!(discarded.event().action, "return");
    let restocked = issued.transition(UnitAction::Return(ReturnOutcome::Restock), None, &actor, at).unwrap();
    assert_eq!(
        (restocked.to, restocked.reserved_for_request, restocked.discard_reason),
        (UnitStatus::Available, None, None)
    );
    assert_eq!(late.disposition(), ReturnDisposition::Discarded);
    assert_eq!(ReturnDisposition::parse(held.disposition().as_str()), Some(ReturnDisposition::Quarantined));
}

fn held_reason() -> QuarantineReason {
    QuarantineReason::TemperatureExcursion
}

#[test]
fn collection_is_the_first_event() {
    let mut u = unit(UnitStatus::Quarantined);
    u.quarantine_reason = Some(QuarantineReason::AwaitingScreening);
    let event = u.collection_event(&Actor::default());
    assert_eq!((event.action.as_str(), event.from, event.to), ("collect", None, UnitStatus::Quarantined));
    assert_eq!(event.reason.as_deref(), Some("awaiting_screening"));
}

#[test]
fn expiry_is_inclusive_of_the_expiry_instant() {
    let u = unit(UnitStatus::Available);
    assert!(!u.is_expired_at(u.expires_at - Duration::milliseconds(1)));
    assert!(u.is_expired_at(u.expires_at));
}

#[test]
fn names_round_trip() {
    for s in UnitStatus::ALL {
        assert_eq!(UnitStatus::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    for r in DiscardReason::ALL {
        assert_eq!(DiscardReason::parse(r.as_str()), Some(r));
    }
    for r in [QuarantineReason::AwaitingScreening, QuarantineReason::TemperatureExcursion] {
        assert_eq!(QuarantineReason::parse(r.as_str()), Some(r));
    }
}
