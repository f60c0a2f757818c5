//! Unit cases: conditional, audited transitions (and the race between two of them),
//! screening and excursions all-or-nothing, automatic expiry, filters and stock counts.

use carechat::{
    gateway::identity::domain::PageRequest,
    storage::{self, StorageError},
    tracks::track3::{
        domain::{
            groups::{Abo, Component},
            screening::{ScreeningRecord, ScreeningTest, TestResult},
            units::{DiscardReason, QuarantineReason, UnitAction, UnitStatus},
            TemperatureExcursion,
        },
        store::{Track3Stores, UnitFilter},
    },
};
use chrono::Duration;
use uuid::Uuid;

use super::{change, donor_with_units, group, red_cells};

sql_conformance!(
    build,
    [
        transitions_apply_once_and_are_audited,
        of_two_concurrent_transitions_exactly_one_wins,
        unknown_units_are_not_found,
        screening_and_its_transitions_are_all_or_nothing,
        excursions_quarantine_their_units,
        overdue_units_expire_once,
        unit_list_filters_first_expiring_first,
        stock_is_counted_by_component_group_and_status,
    ]
);

use super::build;

const PAGE: PageRequest = PageRequest { page: 1, per_page: 100 };

async fn transitions_apply_once_and_are_audited(s: &Track3Stores) {
    let unit = red_cells(&donor_with_units(s, 1, "O-", 0).await);
    let release = change(s, &unit, UnitAction::Release).await;
    s.units.transition(&release).await.unwrap();
    let stored = s.units.find(unit.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.quarantine_reason), (UnitStatus::Available, None));
    match s.units.transition(&release).await {
        Err(StorageError::Conflict(what)) => assert!(what.contains("available"), "{what}"),
        other => panic!("a replayed transition must conflict, got {other:?}"),
    }
    let discard = change(s, &unit, UnitAction::Discard(DiscardReason::Clotted)).await;
    s.units.transition(&discard).await.unwrap();
    let stored = s.units.find(unit.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.discard_reason), (UnitStatus::Discarded, Some(DiscardReason::Clotted)));
    let events = s.units.events(unit.id).await.unwrap();
    let trail: Vec<_> = events.iter().map(|e| (e.action.as_str(), e.from, e.to)).collect();
    assert_eq!(
        trail,
        [
            ("collect", None, UnitStatus::Quarantined),
            ("release", Some(UnitStatus::Quarantined), UnitStatus::Available),
            ("discard", Some(UnitStatus::Available), UnitStatus::Discarded),
        ]
    );
    assert_eq!(events[2].reason.as_deref(), Some("clotted"));
    assert_eq!((events[2].actor_id, events[2].request_id.as_deref()), (discard.actor.user_id, Some("req-t3")));
}

async fn of_two_concurrent_transitions_exactly_one_wins(s: &Track3Stores) {
    for round in 0..5u32 {
        let unit = red_cells(&donor_with_units(s, 100 + round, "A+", 0).await);
        let release = change(s, &unit, UnitAction::Release).await;
        s.units.transition(&release).await.unwrap();
        // Both read the unit as available; each tries a different change.
        let quarantine = change(s, &unit, UnitAction::Quarantine(QuarantineReason::TemperatureExcursion)).await;
        let discard = change(s, &unit, UnitAction::Discard(DiscardReason::DamagedBag)).await;
        let (a, b) = (s.clone(), s.clone());
        let first = tokio::spawn(async move { a.units.transition(&quarantine).await });
        let second = tokio::spawn(async move { b.units.transition(&discard).await });
        let outcomes = [first.await.unwrap(), second.await.unwrap()];
        let wins = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {outcomes:?}");
        assert!(outcomes.iter().any(|o| matches!(o, Err(StorageError::Conflict(_)))), "{outcomes:?}");
        let events = s.units.events(unit.id).await.unwrap();
        assert_eq!(events.len(), 3, "the loser wrote no event");
        let stored = s.units.find(unit.id).await.unwrap().unwrap();
        assert_eq!(Some(stored.status), events.last().map(|e| e.to));
    }
}

async fn unknown_units_are_not_found(s: &Track3Stores) {
    let unit = red_cells(&donor_with_units(s, 2, "O+", 0).await);
    let mut ghost = change(s, &unit, UnitAction::Release).await;
    ghost.unit_id = carechat::tracks::track3::domain::units::UnitId(Uuid::now_v7());
    assert!(matches!(s.units.transition(&ghost).await, Err(StorageError::NotFound)));
    assert_eq!(s.units.find(ghost.unit_id).await.unwrap(), None);
}

fn results(unit: &carechat::tracks::track3::domain::units::BloodUnit, result: TestResult) -> Vec<ScreeningRecord> {
    ScreeningTest::ALL
        .iter()
        .map(|test| ScreeningRecord {
            id: Uuid::now_v7(),
            donation_id: unit.donation_id,
            test: *test,
            result,
            recorded_by: Uuid::nil(),
            recorded_at: storage::now(),
        })
        .collect()
}

async fn screening_and_its_transitions_are_all_or_nothing(s: &Track3Stores) {
    let units = donor_with_units(s, 3, "B-", 0).await;
    let first = red_cells(&units);
    let mut changes = Vec::new();
    for unit in &units {
        changes.push(change(s, unit, UnitAction::Release).await);
    }
    // Another request discards one unit first: the whole screening must roll back.
    let discard = change(s, &first, UnitAction::Discard(DiscardReason::LabellingError)).await;
    s.units.transition(&discard).await.unwrap();
    let negatives = results(&first, TestResult::Negative);
    assert!(matches!(s.units.record_screening(&negatives, &changes).await, Err(StorageError::Conflict(_))));
    assert!(s.donations.screening(first.donation_id).await.unwrap().is_empty(), "no result was kept");
    for unit in units.iter().filter(|u| u.id != first.id) {
        assert_eq!(s.units.find(unit.id).await.unwrap().unwrap().status, UnitStatus::Quarantined);
    }
    let changes: Vec<_> = changes.into_iter().filter(|c| c.unit_id != first.id).collect();
    s.units.record_screening(&negatives, &changes).await.unwrap();
    assert_eq!(s.donations.screening(first.donation_id).await.unwrap(), negatives);
    for unit in units.iter().filter(|u| u.id != first.id) {
        assert_eq!(s.units.find(unit.id).await.unwrap().unwrap().status, UnitStatus::Available);
    }
}

async fn excursions_quarantine_their_units(s: &Track3Stores) {
    let units = donor_with_units(s, 4, "AB+", 0).await;
    let available = red_cells(&units);
    s.units.transition(&change(s, &available, UnitAction::Release).await).await.unwrap();
    let now = storage::now();
    let excursion = TemperatureExcursion {
        id: Uuid::now_v7(),
        location: Some("Fridge 2".into()),
        temperature_c: 9.5,
        started_at: now - Duration::hours(2),
        ended_at: Some(now - Duration::hours(1)),
        note: None,
        recorded_by: Uuid::nil(),
        recorded_at: now,
    };
    let mut changes = Vec::new();
    for unit in &units {
        let mut c = change(s, unit, UnitAction::Quarantine(QuarantineReason::TemperatureExcursion)).await;
        c.excursion_id = Some(excursion.id);
        changes.push(c);
    }
    s.units.record_excursion(&excursion, &changes).await.unwrap();
    for unit in &units {
        let stored = s.units.find(unit.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.status, stored.quarantine_reason),
            (UnitStatus::Quarantined, Some(QuarantineReason::TemperatureExcursion))
        );
        let last = s.units.events(unit.id).await.unwrap().pop().unwrap();
        assert_eq!((last.excursion_id, last.reason.as_deref()), (Some(excursion.id), Some("temperature_excursion")));
    }
    // A quarantine built from the old reason is stale now: releasing on it must fail.
    let stale_release = changes[0].clone();
    assert!(matches!(s.units.transition(&stale_release).await, Err(StorageError::Conflict(_))));
}

async fn overdue_units_expire_once(s: &Track3Stores) {
    // Collected 6 days ago: platelets (5 days) would be overdue; whole blood gives red cells
    // (42 days) and plasma (365 days), so collect 43 days ago to make the red cells overdue.
    let units = donor_with_units(s, 5, "O-", 43).await;
    let overdue = red_cells(&units);
    let fresh = units.iter().find(|u| u.component == Component::Plasma).unwrap().clone();
    s.units.transition(&change(s, &overdue, UnitAction::Release).await).await.unwrap();
    let now = storage::now();
    let (a, b) = (s.clone(), s.clone());
    let first = tokio::spawn(async move { a.units.expire_due(now).await.unwrap() });
    let second = tokio::spawn(async move { b.units.expire_due(now).await.unwrap() });
    assert_eq!(first.await.unwrap() + second.await.unwrap(), 1, "expired exactly once");
    let stored = s.units.find(overdue.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.status_changed_at), (UnitStatus::Expired, now));
    let last = s.units.events(overdue.id).await.unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.from, last.actor_id), ("expire", Some(UnitStatus::Available), None));
    assert_eq!(s.units.find(fresh.id).await.unwrap().unwrap().status, UnitStatus::Quarantined);
    assert_eq!(s.units.expire_due(storage::now()).await.unwrap(), 0);
}

async fn unit_list_filters_first_expiring_first(s: &Track3Stores) {
    let o_neg = donor_with_units(s, 6, "O-", 10).await;
    let a_pos = donor_with_units(s, 7, "A+", 0).await;
    let all = s.units.list(&UnitFilter::default(), PAGE).await.unwrap();
    assert_eq!(all.total, 4);
    let expiries: Vec<_> = all.items.iter().map(|u| u.expires_at).collect();
    assert!(expiries.windows(2).all(|w| w[0] <= w[1]), "first expiring first");
    assert_eq!(all.items[0].id, red_cells(&o_neg).id);
    let by_group = UnitFilter { abo: Some(Abo::A), rh_positive: Some(true), ..UnitFilter::default() };
    assert_eq!(s.units.list(&by_group, PAGE).await.unwrap().total, 2);
    let red = UnitFilter { component: Some(Component::RedCells), ..UnitFilter::default() };
    assert_eq!(s.units.list(&red, PAGE).await.unwrap().total, 2);
    let soon = UnitFilter { expires_before: Some(storage::now() + Duration::days(40)), ..UnitFilter::default() };
    assert_eq!(
        s.units.list(&soon, PAGE).await.unwrap().items.iter().map(|u| u.id).collect::<Vec<_>>(),
        [red_cells(&o_neg).id]
    );
    s.units.transition(&change(s, &red_cells(&a_pos), UnitAction::Release).await).await.unwrap();
    let available = UnitFilter { status: Some(UnitStatus::Available), ..UnitFilter::default() };
    assert_eq!(s.units.list(&available, PAGE).await.unwrap().total, 1);
    let second_page = s.units.list(&UnitFilter::default(), PageRequest { page: 2, per_page: 3 }).await.unwrap();
    assert_eq!(second_page.items.len(), 1);
}

async fn stock_is_counted_by_component_group_and_status(s: &Track3Stores) {
    let first = donor_with_units(s, 8, "O-", 40).await;
    let second = donor_with_units(s, 9, "O-", 0).await;
    for unit in [red_cells(&first), red_cells(&second)] {
        s.units.transition(&change(s, &unit, UnitAction::Release).await).await.unwrap();
    }
    let discarded = second.iter().find(|u| u.component == Component::Plasma).unwrap();
    s.units.transition(&change(s, discarded, UnitAction::Discard(DiscardReason::Other)).await).await.unwrap();
    let stock = s.units.stock(storage::now() + Duration::days(3)).await.unwrap();
    let count = |c: Component, st: UnitStatus| {
        stock.iter().find(|x| x.component == c && x.status == st && x.blood_group == group("O-")).copied()
    };
    let red = count(Component::RedCells, UnitStatus::Available).unwrap();
    assert_eq!((red.units, red.expiring), (2, 1), "the 40-day-old unit expires within 3 days");
    assert_eq!(count(Component::Plasma, UnitStatus::Quarantined).map(|x| x.units), Some(1));
    assert!(stock.iter().all(|x| x.status != UnitStatus::Discarded), "discarded units are not stock");
}
