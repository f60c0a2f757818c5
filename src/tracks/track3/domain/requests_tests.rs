//! Request creation rules and the status lifecycle.

use chrono::TimeZone;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap()
}

fn new_request(blood_group: Option<&str>, component: Component, urgency: Urgency) -> NewBloodRequest {
    NewBloodRequest {
        patient: Patient {
            user_id: None,
            name: "Marie Uwase".into(),
            mrn: "MRN-0042".into(),
            sex: Some(Sex::Female),
            date_of_birth: NaiveDate::from_ymd_opt(1985, 3, 2),
        },
        blood_group: blood_group.map(|g| BloodGroup::parse(g).unwrap()),
        component,
        units_requested: 2,
        urgency,
        department: "Maternity".into(),
        clinician: "Dr. Habimana".into(),
        needed_by: now() + Duration::hours(4),
        indication: None,
    }
}

fn counts(reserved: u32, issued: u32, transfused: u32) -> AllocationCounts {
    AllocationCounts { reserved, issued, transfused }
}

#[test]
fn a_request_starts_open_and_trims_its_needed_by_time() {
    let mut new = new_request(Some("A+"), Component::RedCells, Urgency::Routine);
    new.needed_by += Duration::nanoseconds(123_456_789);
    let request = BloodRequest::create(new, Uuid::nil(), now()).unwrap();
    assert_eq!((request.status, request.created_at), (RequestStatus::Open, now()));
    assert_eq!(request.needed_by, now() + Duration::hours(4) + Duration::milliseconds(123));
}

#[test]
fn an_unknown_group_is_for_emergencies_with_a_universal_donor() {
    let refused = BloodRequest::create(new_request(None, Component::RedCells, Urgency::Urgent), Uuid::nil(), now());
    assert_eq!(refused.unwrap_err().pointer, "/bloodGroup");
    let emergency = new_request(None, Component::RedCells, Urgency::Emergency);
    assert!(BloodRequest::create(emergency, Uuid::nil(), now()).is_ok());
    let whole = BloodRequest::create(new_request(None, Component::WholeBlood, Urgency::Emergency), Uuid::nil(), now());
    assert_eq!(whole.unwrap_err().pointer, "/component");
}

#[test]
fn times_dates_and_quantities_are_checked() {
    let mut stale = new_request(Some("O+"), Component::Plasma, Urgency::Routine);
    stale.needed_by = now() - Duration::days(2);
    assert_eq!(BloodRequest::create(stale, Uuid::nil(), now()).unwrap_err().pointer, "/neededBy");
    let mut late_entry = new_request(Some("O+"), Component::Plasma, Urgency::Emergency);
    late_entry.needed_by = now() - Duration::hours(2);
    assert!(BloodRequest::create(late_entry, Uuid::nil(), now()).is_ok(), "entered after the fact");
    let mut unborn = new_request(Some("O+"), Component::Plasma, Urgency::Routine);
    unborn.patient.date_of_birth = NaiveDate::from_ymd_opt(2026, 1, 1);
    assert_eq!(BloodRequest::create(unborn, Uuid::nil(), now()).unwrap_err().pointer, "/patientDateOfBirth");
    let mut none = new_request(Some("O+"), Component::Plasma, Urgency::Routine);
    none.units_requested = 0;
    assert_eq!(BloodRequest::create(none, Uuid::nil(), now()).unwrap_err().pointer, "/units");
}

#[test]
fn the_status_follows_the_allocations() {
    use RequestStatus::*;
    let derive = |c| Open.derive(3, c);
    assert_eq!(derive(counts(0, 0, 0)), Open);
    assert_eq!(derive(counts(1, 0, 0)), PartiallyAllocated);
    assert_eq!(derive(counts(1, 1, 0)), PartiallyAllocated);
    assert_eq!(derive(counts(3, 0, 0)), FullyAllocated);
    assert_eq!(derive(counts(1, 2, 0)), FullyAllocated);
    assert_eq!(derive(counts(0, 3, 0)), Issued);
    assert_eq!(derive(counts(0, 1, 2)), Issued);
    assert_eq!(derive(counts(0, 0, 3)), Completed);
    assert_eq!(Issued.derive(3, counts(0, 2, 0)), PartiallyAllocated, "a returned unit reopens the need");
}

#[test]
fn final_statuses_stay_and_only_open_needs_allocate() {
    use RequestStatus::*;
    assert_eq!(Cancelled.derive(1, counts(0, 0, 1)), Cancelled);
    assert_eq!(Completed.derive(2, counts(0, 0, 0)), Completed);
    let allocating: Vec<_> = RequestStatus::ALL.into_iter().filter(|s| s.allows_allocation()).collect();
    assert_eq!(allocating, [Open, PartiallyAllocated]);
    for status in RequestStatus::ALL {
        assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
        assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
    }
    for urgency in Urgency::ALL {
        assert_eq!(Urgency::parse(urgency.as_str()), Some(urgency));
    }
}
