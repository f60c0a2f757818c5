//! Donor and donation cases: round trips, filters (including the SQL form of the eligibility
//! rules), deferrals, the donor-version guard, DIN numbering and unique numbers.

use std::collections::HashSet;

use carechat::{
    gateway::identity::domain::{Email, PageRequest, PhoneNumber},
    storage::{self, StorageError},
    tracks::track3::{
        domain::{
            donation::DonationType,
            donor::{Deferral, DeferralReason, DonorId},
            eligibility::{assess, EligibilityBounds, EligibilityInput},
            groups::Abo,
            rules::BloodRules,
            units::UnitStatus,
        },
        store::{DonorFilter, Track3Stores, UnitFilter},
    },
};
use chrono::{Duration, Utc};
use uuid::Uuid;

use super::{day, donation, donor, group};

sql_conformance!(
    build,
    [
        donors_read_back_as_written,
        updates_change_contact_and_weight,
        donor_list_filters_searches_and_pages,
        the_eligible_filter_agrees_with_the_rules,
        deferrals_bump_the_donor_version,
        a_donation_is_stored_with_its_units_and_events,
        a_stale_donor_version_stores_nothing,
        a_used_donation_number_stores_nothing,
        din_sequences_count_per_facility_and_year,
        donation_history_is_newest_first,
    ]
);

use super::build;

fn filter(on: chrono::NaiveDate) -> DonorFilter {
    DonorFilter {
        search: None,
        abo: None,
        rh_positive: None,
        eligible: None,
        bounds: EligibilityBounds::new(&BloodRules::default(), DonationType::WholeBlood, on),
    }
}

const PAGE: PageRequest = PageRequest { page: 1, per_page: 100 };

async fn donors_read_back_as_written(s: &Track3Stores) {
    let mut d = donor("Aline Mukamana — é", day(1988, 2, 29), 61.5, Some("AB-"));
    d.abo_confirmed = true;
    d.contact.phone = Some(PhoneNumber::parse("+250788111222").unwrap());
    d.contact.email = Some(Email::parse("aline@example.org").unwrap());
    d.contact.address = Some("KG 11 Ave, Kigali".into());
    s.donors.insert(&d).await.unwrap();
    assert_eq!(s.donors.find(d.id).await.unwrap(), Some(d.clone()));
    let unknown = donor("Nobody", day(1990, 1, 1), 70.0, None);
    s.donors.insert(&unknown).await.unwrap();
    assert_eq!(s.donors.find(unknown.id).await.unwrap().unwrap().blood_group, None);
    assert_eq!(s.donors.find(DonorId::generate()).await.unwrap(), None);
}

async fn updates_change_contact_and_weight(s: &Track3Stores) {
    let mut d = donor("Before", day(1990, 1, 1), 70.0, Some("O+"));
    s.donors.insert(&d).await.unwrap();
    d.full_name = "After".into();
    d.weight_kg = 72.25;
    d.contact.address = Some("Huye".into());
    d.updated_at = storage::now();
    s.donors.update(&d).await.unwrap();
    assert_eq!(s.donors.find(d.id).await.unwrap(), Some(d));
    let ghost = donor("Ghost", day(1990, 1, 1), 70.0, None);
    assert!(matches!(s.donors.update(&ghost).await, Err(StorageError::NotFound)));
}

async fn donor_list_filters_searches_and_pages(s: &Track3Stores) {
    for (name, g) in [("Alice 100%", "O-"), ("Bob_x", "O+"), ("Carol", "A-"), ("Dan", "AB+")] {
        s.donors.insert(&donor(name, day(1990, 1, 1), 70.0, Some(g))).await.unwrap();
    }
    s.donors.insert(&donor("Eve", day(1990, 1, 1), 70.0, None)).await.unwrap();
    let today = Utc::now().date_naive();
    let names = |page: &carechat::gateway::identity::domain::Page<_>| -> Vec<String> {
        let items: &Vec<carechat::tracks::track3::domain::donor::Donor> = &page.items;
        items.iter().map(|d| d.full_name.clone()).collect()
    };
    let all = s.donors.list(&filter(today), PAGE).await.unwrap();
    assert_eq!((all.total, names(&all)[0].as_str()), (5, "Eve"), "newest first");
    let o = DonorFilter { abo: Some(Abo::O), ..filter(today) };
    assert_eq!(s.donors.list(&o, PAGE).await.unwrap().total, 2);
    let o_neg = DonorFilter { abo: Some(Abo::O), rh_positive: Some(false), ..filter(today) };
    assert_eq!(names(&s.donors.list(&o_neg, PAGE).await.unwrap()), ["Alice 100%"]);
    let percent = DonorFilter { search: Some("100%".into()), ..filter(today) };
    assert_eq!(names(&s.donors.list(&percent, PAGE).await.unwrap()), ["Alice 100%"]);
    let underscore = DonorFilter { search: Some("B_X".into()), ..filter(today) };
    assert_eq!(names(&s.donors.list(&underscore, PAGE).await.unwrap()), ["Bob_x"], "case-insensitive, literal _");
    let by_id = DonorFilter { search: Some("id-carol".into()), ..filter(today) };
    assert_eq!(s.donors.list(&by_id, PAGE).await.unwrap().total, 1);
    let second = s.donors.list(&filter(today), PageRequest { page: 2, per_page: 2 }).await.unwrap();
    assert_eq!((second.total, second.items.len()), (5, 2));
}

async fn the_eligible_filter_agrees_with_the_rules(s: &Track3Stores) {
    let rules = BloodRules::default();
    let now = storage::now();
    let today = now.date_naive();
    let years_ago = |y: i32| today.checked_sub_months(chrono::Months::new(y as u32 * 12)).unwrap();
    let ok = donor("ok", years_ago(30), 70.0, Some("O+"));
    let just_18 = donor("just 18", years_ago(18), 70.0, Some("O+"));
    let young = donor("young", years_ago(18).succ_opt().unwrap(), 70.0, Some("O+"));
    let old = donor("old", years_ago(66), 70.0, Some("O+"));
    let light = donor("light", years_ago(30), 49.0, Some("O+"));
    let deferred = donor("deferred", years_ago(30), 70.0, Some("O+"));
    let recent = donor("recent", years_ago(30), 70.0, Some("O+"));
    let long_ago = donor("long ago", years_ago(30), 70.0, Some("O+"));
    for d in [&ok, &just_18, &young, &old, &light, &deferred, &recent, &long_ago] {
        s.donors.insert(d).await.unwrap();
    }
    let until = today + Duration::days(30);
    let deferral = Deferral::new(deferred.id, DeferralReason::Illness, Some(until), None, Uuid::nil(), now);
    s.donors.add_deferral(&deferral).await.unwrap();
    let mut fresh = recent.clone();
    fresh.version = 0;
    s.donations.record(&donation(&fresh, 1, DonationType::Platelets, now - Duration::days(10))).await.unwrap();
    s.donations.record(&donation(&long_ago, 2, DonationType::DoubleRedCells, now - Duration::days(113))).await.unwrap();

    let eligible = DonorFilter { eligible: Some(true), ..filter(today) };
    let mut got: Vec<String> =
        s.donors.list(&eligible, PAGE).await.unwrap().items.into_iter().map(|d| d.full_name).collect();
    got.sort();
    assert_eq!(got, ["just 18", "long ago", "ok"]);
    let not_eligible = DonorFilter { eligible: Some(false), ..filter(today) };
    assert_eq!(s.donors.list(&not_eligible, PAGE).await.unwrap().total, 5);

    // The same verdicts from the rules themselves.
    for d in s.donors.list(&filter(today), PAGE).await.unwrap().items {
        let deferrals = s.donors.deferrals(d.id).await.unwrap();
        let donations = s.donations.recent(d.id, now - Duration::days(400)).await.unwrap();
        let input = EligibilityInput {
            donor: &d,
            deferrals: &deferrals,
            donations: &donations,
            donation_type: DonationType::WholeBlood,
            on: today,
            hemoglobin_gdl: None,
        };
        let verdict = assess(&rules, input).is_eligible();
        assert_eq!(verdict, got.contains(&d.full_name), "{}", d.full_name);
    }
}

async fn deferrals_bump_the_donor_version(s: &Track3Stores) {
    let d = donor("Deferred", day(1990, 1, 1), 70.0, None);
    s.donors.insert(&d).await.unwrap();
    let now = storage::now();
    let first = Deferral::new(
        d.id,
        DeferralReason::RecentTravel,
        Some(now.date_naive() + Duration::days(28)),
        None,
        Uuid::nil(),
        now,
    );
    let second = Deferral::new(
        d.id,
        DeferralReason::HighRiskBehaviour,
        None,
        Some("note".into()),
        Uuid::nil(),
        now + Duration::seconds(1),
    );
    s.donors.add_deferral(&first).await.unwrap();
    s.donors.add_deferral(&second).await.unwrap();
    assert_eq!(s.donors.deferrals(d.id).await.unwrap(), [second, first]);
    assert_eq!(s.donors.find(d.id).await.unwrap().unwrap().version, 2);
    let ghost = Deferral::new(DonorId::generate(), DeferralReason::Other, None, None, Uuid::nil(), now);
    assert!(matches!(s.donors.add_deferral(&ghost).await, Err(StorageError::NotFound)));
}

async fn a_donation_is_stored_with_its_units_and_events(s: &Track3Stores) {
    let d = donor("Giver", day(1990, 1, 1), 70.0, Some("B+"));
    s.donors.insert(&d).await.unwrap();
    let mut new = donation(&d, 42, DonationType::WholeBlood, storage::now());
    new.donor_group = (group("B+"), true);
    s.donations.record(&new).await.unwrap();
    assert_eq!(s.donations.find(new.donation.id).await.unwrap(), Some(new.donation.clone()));
    let filter = UnitFilter { donation_id: Some(new.donation.id), ..UnitFilter::default() };
    let mut stored = s.units.list(&filter, PAGE).await.unwrap().items;
    let mut expected = new.units.clone();
    stored.sort_by_key(|u| u.unit_number.clone());
    expected.sort_by_key(|u| u.unit_number.clone());
    assert_eq!(stored, expected);
    for unit in &new.units {
        let events = s.units.events(unit.id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            (events[0].action.as_str(), events[0].from, events[0].to),
            ("collect", None, UnitStatus::Quarantined)
        );
        assert_eq!(events[0].actor_id, new.actor.user_id);
    }
    let after = s.donors.find(d.id).await.unwrap().unwrap();
    assert_eq!(
        (after.version, after.abo_confirmed, after.last_donation_at),
        (1, true, Some(new.donation.collected_at))
    );
}

async fn a_stale_donor_version_stores_nothing(s: &Track3Stores) {
    let d = donor("Racing", day(1990, 1, 1), 70.0, Some("A+"));
    s.donors.insert(&d).await.unwrap();
    s.donations.record(&donation(&d, 1, DonationType::Plasma, storage::now())).await.unwrap();
    let stale = donation(&d, 2, DonationType::Plasma, storage::now());
    match s.donations.record(&stale).await {
        Err(StorageError::Conflict(what)) => assert!(what.contains("donor_version"), "{what}"),
        other => panic!("expected a version conflict, got {other:?}"),
    }
    assert_eq!(s.donations.find(stale.donation.id).await.unwrap(), None);
    assert_eq!(s.units.find(stale.units[0].id).await.unwrap(), None);
    let ghost = donor("Ghost", day(1990, 1, 1), 70.0, Some("A+"));
    assert!(matches!(
        s.donations.record(&donation(&ghost, 3, DonationType::Plasma, storage::now())).await,
        Err(StorageError::NotFound)
    ));
}

async fn a_used_donation_number_stores_nothing(s: &Track3Stores) {
    let a = donor("First", day(1990, 1, 1), 70.0, Some("O-"));
    let b = donor("Second", day(1990, 1, 1), 70.0, Some("O-"));
    s.donors.insert(&a).await.unwrap();
    s.donors.insert(&b).await.unwrap();
    s.donations.record(&donation(&a, 7, DonationType::WholeBlood, storage::now())).await.unwrap();
    let clash = donation(&b, 7, DonationType::WholeBlood, storage::now());
    match s.donations.record(&clash).await {
        Err(StorageError::Conflict(what)) => assert!(what.contains("din") || what.contains("unit_number"), "{what}"),
        other => panic!("expected a number conflict, got {other:?}"),
    }
    assert_eq!(s.units.find(clash.units[0].id).await.unwrap(), None);
    assert_eq!(s.donors.find(b.id).await.unwrap().unwrap().version, 0, "the donor update rolled back too");
}

async fn din_sequences_count_per_facility_and_year(s: &Track3Stores) {
    assert_eq!(s.donations.next_din_sequence("A9999", 2025).await.unwrap(), 1);
    assert_eq!(s.donations.next_din_sequence("A9999", 2025).await.unwrap(), 2);
    assert_eq!(s.donations.next_din_sequence("A9999", 2026).await.unwrap(), 1);
    assert_eq!(s.donations.next_din_sequence("B0001", 2025).await.unwrap(), 1);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.donations.next_din_sequence("C1234", 2025).await.unwrap() })
        })
        .collect();
    let mut seen = HashSet::new();
    for task in tasks {
        assert!(seen.insert(task.await.unwrap()), "a sequence number was handed out twice");
    }
    assert_eq!(seen, (1..=8).collect());
}

async fn donation_history_is_newest_first(s: &Track3Stores) {
    let mut d = donor("Regular", day(1990, 1, 1), 70.0, Some("O+"));
    s.donors.insert(&d).await.unwrap();
    let now = storage::now();
    let mut ids = Vec::new();
    for (i, days_ago) in [300, 200, 100].into_iter().enumerate() {
        let new = donation(&d, 10 + i as u32, DonationType::WholeBlood, now - Duration::days(days_ago));
        s.donations.record(&new).await.unwrap();
        ids.push(new.donation.id);
        d.version += 1;
    }
    let page = s.donations.list_for_donor(d.id, PageRequest { page: 1, per_page: 2 }).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items.iter().map(|x| x.id).collect::<Vec<_>>(), [ids[2], ids[1]]);
    let recent = s.donations.recent(d.id, now - Duration::days(250)).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(s.donors.find(d.id).await.unwrap().unwrap().last_donation_at, Some(now - Duration::days(100)));
}
