//! From reservation to the patient: crossmatch, issue, return and transfusion applied with
//! their unit transitions and the request's status; cancellation; reservations released when
//! a unit leaves stock otherwise; reactions; the donor recall outbox.

use carechat::{
    gateway::identity::domain::PageRequest,
    storage::{self, StorageError},
    tracks::track3::{
        domain::{
            allocation::{AllocatedUnit, AllocationState, CrossmatchResult},
            donation::DonationType,
            donor::{Deferral, DeferralReason},
            reactions::{NewReaction, ReactionType, Severity, TransfusionReaction},
            reasons::ReturnDisposition,
            recall::RecallStatus,
            requests::{BloodRequest, RequestStatus, Urgency},
            rules::BloodRules,
            units::{DiscardReason, UnitAction, UnitStatus},
        },
        store::{ReactionFilter, Track3Stores},
    },
};
use chrono::Duration;
use uuid::Uuid;

use super::{available_red_cells, change, day, donation, donor, plan, red_cell_request, staff};

sql_conformance!(
    build,
    [
        crossmatch_issue_and_transfusion_complete_the_request,
        an_incompatible_unit_goes_back_to_stock_for_good,
        returns_restock_or_discard_and_reopen_the_need,
        stale_steps_change_nothing,
        cancelling_releases_every_reservation,
        a_reserved_unit_leaving_stock_releases_its_reservation,
        reactions_are_listed_per_donor_unit_and_request,
        recalls_follow_donations,
    ]
);

use super::build;

const PAGE: PageRequest = PageRequest { page: 1, per_page: 100 };

async fn allocated(s: &Track3Stores, request: &BloodRequest) -> Vec<AllocatedUnit> {
    s.requests.allocations(request.id).await.unwrap()
}

async fn status(s: &Track3Stores, request: &BloodRequest) -> RequestStatus {
    s.requests.find(request.id).await.unwrap().unwrap().status
}

/// A request for `units` O- red cells with that many units reserved.
async fn reserved(s: &Track3Stores, first_sequence: u32, units: u32, urgency: Urgency) -> BloodRequest {
    for sequence in first_sequence..first_sequence + units {
        available_red_cells(s, sequence, "O-", 5).await;
    }
    let request = red_cell_request(s, Some("O-"), units, urgency).await;
    assert_eq!(s.requests.allocate(&plan(&request)).await.unwrap().len(), units as usize);
    request
}

async fn crossmatch_issue_and_transfusion_complete_the_request(s: &Track3Stores) {
    let request = reserved(s, 1, 2, Urgency::Routine).await;
    let now = storage::now();
    let mut changes = Vec::new();
    for a in allocated(s, &request).await {
        changes.push(a.crossmatch(CrossmatchResult::Compatible, None, &staff(), now).unwrap());
    }
    s.requests.apply(&changes).await.unwrap();
    let issues: Vec<_> = allocated(s, &request)
        .await
        .iter()
        .map(|a| a.issue(Urgency::Routine, "Porter".into(), &staff(), now).unwrap())
        .collect();
    s.requests.apply(&issues).await.unwrap();
    assert_eq!(status(s, &request).await, RequestStatus::Issued);
    let after = allocated(s, &request).await;
    assert!(after.iter().all(|a| a.allocation.state == AllocationState::Issued
        && a.unit.status == UnitStatus::Issued
        && a.allocation.collected_by.as_deref() == Some("Porter")
        && !a.allocation.emergency_release));
    let first = after[0].transfuse("Nurse A".into(), now, &staff(), now).unwrap();
    s.requests.apply(&[first]).await.unwrap();
    assert_eq!(status(s, &request).await, RequestStatus::Issued, "one of two transfused");
    let second = after[1].transfuse("Nurse A".into(), now, &staff(), now).unwrap();
    s.requests.apply(&[second]).await.unwrap();
    assert_eq!(status(s, &request).await, RequestStatus::Completed);
    let done = allocated(s, &request).await;
    assert!(done.iter().all(|a| a.unit.status == UnitStatus::Transfused
        && a.allocation.transfused_at == Some(now)
        && a.allocation.administered_by.as_deref() == Some("Nurse A")
        && a.unit.reserved_for_request == Some(request.id.0)));
    let trail: Vec<String> = s.units.events(done[0].unit.id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(trail, ["collect", "release", "reserve", "issue", "transfuse"]);
}

async fn an_incompatible_unit_goes_back_to_stock_for_good(s: &Track3Stores) {
    let request = reserved(s, 10, 1, Urgency::Urgent).await;
    let a = allocated(s, &request).await.remove(0);
    let bad = a.crossmatch(CrossmatchResult::Incompatible, Some("anti-K".into()), &staff(), storage::now()).unwrap();
    s.requests.apply(&[bad]).await.unwrap();
    let after = allocated(s, &request).await.remove(0);
    assert_eq!(after.allocation.state, AllocationState::Released);
    assert_eq!(after.allocation.released.as_ref().map(|(_, why)| why.as_str()), Some("crossmatch_incompatible"));
    assert_eq!(after.allocation.crossmatch.map(|c| c.note), Some(Some("anti-K".into())));
    assert_eq!((after.unit.status, after.unit.reserved_for_request), (UnitStatus::Available, None));
    assert_eq!(status(s, &request).await, RequestStatus::Open);
    assert!(s.requests.candidates(&plan(&request)).await.unwrap().is_empty(), "not offered again");
    assert!(s.requests.allocate(&plan(&request)).await.unwrap().is_empty());
    let other = red_cell_request(s, Some("O-"), 1, Urgency::Urgent).await;
    assert_eq!(s.requests.allocate(&plan(&other)).await.unwrap()[0].id, a.unit.id, "other patients may have it");
}

async fn issued(s: &Track3Stores, first_sequence: u32, units: u32) -> BloodRequest {
    let request = reserved(s, first_sequence, units, Urgency::Emergency).await;
    let now = storage::now();
    let changes: Vec<_> = allocated(s, &request)
        .await
        .iter()
        .map(|a| a.issue(Urgency::Emergency, "Porter".into(), &staff(), now).unwrap())
        .collect();
    s.requests.apply(&changes).await.unwrap();
    request
}

async fn returns_restock_or_discard_and_reopen_the_need(s: &Track3Stores) {
    let request = issued(s, 20, 2).await;
    let rules = BloodRules::default();
    let now = storage::now();
    let out = allocated(s, &request).await;
    assert!(out.iter().all(|a| a.allocation.emergency_release), "issued uncrossmatched: flagged");
    let in_time = out[0].give_back(now, false, &rules, &staff(), now).unwrap();
    s.requests.apply(&[in_time]).await.unwrap();
    let issued_at = out[1].allocation.issued_at.unwrap();
    let late =
        out[1].give_back(issued_at + Duration::minutes(31), false, &rules, &staff(), now + Duration::minutes(31));
    s.requests.apply(&[late.unwrap()]).await.unwrap();
    let back = allocated(s, &request).await;
    assert_eq!(back[0].allocation.returned.map(|(_, d)| d), Some(ReturnDisposition::Restocked));
    assert_eq!((back[0].unit.status, back[0].unit.reserved_for_request), (UnitStatus::Available, None));
    assert_eq!(back[1].allocation.returned.map(|(_, d)| d), Some(ReturnDisposition::Discarded));
    assert_eq!(
        (back[1].unit.status, back[1].unit.discard_reason),
        (UnitStatus::Discarded, Some(DiscardReason::ReturnedOutOfTime))
    );
    assert_eq!(status(s, &request).await, RequestStatus::Open, "both units are needed again");
    let again = s.requests.allocate(&plan(&request)).await.unwrap();
    assert_eq!(again.iter().map(|u| u.id).collect::<Vec<_>>(), [back[0].unit.id], "the restocked unit");
}

async fn stale_steps_change_nothing(s: &Track3Stores) {
    let request = reserved(s, 30, 2, Urgency::Emergency).await;
    let now = storage::now();
    let a = allocated(s, &request).await;
    let issue = a[0].issue(Urgency::Emergency, "Porter".into(), &staff(), now).unwrap();
    s.requests.apply(std::slice::from_ref(&issue)).await.unwrap();
    let second = a[1].issue(Urgency::Emergency, "Porter".into(), &staff(), now).unwrap();
    // Replaying the first issue in a batch with a valid one: nothing of the batch is applied.
    assert!(matches!(s.requests.apply(&[second, issue]).await, Err(StorageError::Conflict(_))));
    let after = allocated(s, &request).await;
    assert_eq!((after[1].allocation.state, after[1].unit.status), (AllocationState::Reserved, UnitStatus::Reserved));
    // A crossmatch recorded concurrently: the issue built before it still needs its result.
    let routine = reserved(s, 40, 1, Urgency::Routine).await;
    let r = allocated(s, &routine).await.remove(0);
    let mut forged = r.issue(Urgency::Emergency, "Porter".into(), &staff(), now).unwrap();
    if let carechat::tracks::track3::domain::transfusion::AllocationStep::Issue { emergency_release, .. } =
        &mut forged.step
    {
        *emergency_release = false;
    }
    assert!(matches!(s.requests.apply(&[forged]).await, Err(StorageError::Conflict(_))), "no compatible crossmatch");
}

async fn cancelling_releases_every_reservation(s: &Track3Stores) {
    let request = reserved(s, 50, 2, Urgency::Urgent).await;
    let units: Vec<_> = allocated(s, &request).await.into_iter().map(|a| a.unit.id).collect();
    s.requests.cancel(request.id, "no longer needed", &staff(), storage::now()).await.unwrap();
    let stored = s.requests.find(request.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.cancel_reason.as_deref()), (RequestStatus::Cancelled, Some("no longer needed")));
    for a in allocated(s, &request).await {
        assert_eq!(a.allocation.released.map(|(_, why)| why), Some("request_cancelled".to_owned()));
        assert_eq!(a.unit.status, UnitStatus::Available);
    }
    let last = s.units.events(units[0]).await.unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.to), ("unreserve", UnitStatus::Available));
    let again = s.requests.cancel(request.id, "twice", &staff(), storage::now()).await;
    assert!(matches!(again, Err(StorageError::Conflict(what)) if what.contains("cancelled")));
    let out = issued(s, 60, 1).await;
    let refused = s.requests.cancel(out.id, "too late", &staff(), storage::now()).await;
    assert!(matches!(refused, Err(StorageError::Conflict(what)) if what.contains("out on issue")));
    let ghost = carechat::tracks::track3::domain::requests::RequestId(Uuid::now_v7());
    assert!(matches!(s.requests.cancel(ghost, "x", &staff(), storage::now()).await, Err(StorageError::NotFound)));
}

async fn a_reserved_unit_leaving_stock_releases_its_reservation(s: &Track3Stores) {
    let request = reserved(s, 70, 2, Urgency::Urgent).await;
    let a = allocated(s, &request).await;
    let discard = change(s, &a[0].unit, UnitAction::Discard(DiscardReason::DamagedBag)).await;
    s.units.transition(&discard).await.unwrap();
    assert_eq!(status(s, &request).await, RequestStatus::PartiallyAllocated);
    assert_eq!(allocated(s, &request).await[0].allocation.released.as_ref().map(|(_, w)| w.as_str()), Some("discard"));
    // Expiry: run the sweep as if the second unit's expiry had passed.
    s.units.expire_due(a[1].unit.expires_at).await.unwrap();
    let after = allocated(s, &request).await;
    assert_eq!((after[1].allocation.state, after[1].unit.status), (AllocationState::Released, UnitStatus::Expired));
    assert_eq!(status(s, &request).await, RequestStatus::Open);
}

async fn reactions_are_listed_per_donor_unit_and_request(s: &Track3Stores) {
    let request = issued(s, 80, 2).await;
    let units: Vec<_> = allocated(s, &request).await.into_iter().map(|a| a.unit).collect();
    let now = storage::now();
    let mut reports = Vec::new();
    for (unit, severity) in units.iter().zip([Severity::Mild, Severity::Severe]) {
        let new = NewReaction {
            reaction_type: ReactionType::FebrileNonHaemolytic,
            severity,
            occurred_at: now,
            description: "fever".into(),
        };
        let reaction = TransfusionReaction::report(unit, new, staff().user_id, now).unwrap();
        s.reactions.insert(&reaction).await.unwrap();
        reports.push(reaction);
    }
    let by_donor = ReactionFilter { donor_id: Some(units[0].donor_id), ..ReactionFilter::default() };
    assert_eq!(s.reactions.list(&by_donor, PAGE).await.unwrap().items, [reports[0].clone()]);
    let by_unit = ReactionFilter { unit_id: Some(units[1].id), ..ReactionFilter::default() };
    assert_eq!(s.reactions.list(&by_unit, PAGE).await.unwrap().items, [reports[1].clone()]);
    let by_request = ReactionFilter { request_id: Some(request.id), ..ReactionFilter::default() };
    assert_eq!(s.reactions.list(&by_request, PAGE).await.unwrap().total, 2);
    assert_eq!(
        s.reactions.list(&ReactionFilter::default(), PageRequest { page: 2, per_page: 1 }).await.unwrap().items.len(),
        1
    );
}

async fn recalls_follow_donations(s: &Track3Stores) {
    let rules = BloodRules::default();
    let mut d = donor("Recall Donor", day(1990, 1, 1), 70.0, Some("O+"));
    s.donors.insert(&d).await.unwrap();
    let first = donation(&d, 900, DonationType::Platelets, storage::now() - Duration::days(20));
    s.donations.record(&first).await.unwrap();
    let today = storage::now().date_naive();
    let due = s.recalls.due(today, PAGE).await.unwrap();
    assert_eq!(due.items.len(), 1);
    assert_eq!((due.items[0].recall.id, due.items[0].donor_name.as_str()), (first.recall.id, "Recall Donor"));
    assert_eq!(due.items[0].recall.due_on, first.donation.collected_at.date_naive() + Duration::days(7));
    assert_eq!(s.recalls.due(first.recall.due_on.pred_opt().unwrap(), PAGE).await.unwrap().total, 0, "not yet due");

    d.version += 1;
    let second = donation(&d, 901, DonationType::WholeBlood, storage::now());
    s.donations.record(&second).await.unwrap();
    let later = today + Duration::days(i64::from(rules.intervals.whole_blood));
    let due = s.recalls.due(later, PAGE).await.unwrap();
    assert_eq!(
        due.items.iter().map(|r| r.recall.id).collect::<Vec<_>>(),
        [second.recall.id],
        "the first was superseded"
    );
    let superseded = s.recalls.complete(first.recall.id, storage::now()).await;
    assert!(matches!(superseded, Err(StorageError::Conflict(what)) if what.contains("superseded")));

    let deferral = Deferral::new(
        d.id,
        DeferralReason::Illness,
        Some(later + Duration::days(1)),
        None,
        Uuid::nil(),
        storage::now(),
    );
    s.donors.add_deferral(&deferral).await.unwrap();
    assert_eq!(s.recalls.due(later, PAGE).await.unwrap().total, 0, "deferred that day");
    assert_eq!(s.recalls.due(later + Duration::days(1), PAGE).await.unwrap().total, 1, "deferral over");

    let done = s.recalls.complete(second.recall.id, storage::now()).await.unwrap();
    assert_eq!(done.status, RecallStatus::Done);
    assert!(done.completed_at.is_some());
    assert_eq!(s.recalls.due(later + Duration::days(1), PAGE).await.unwrap().total, 0);
    assert!(matches!(s.recalls.complete(second.recall.id, storage::now()).await, Err(StorageError::Conflict(_))));
    assert!(matches!(s.recalls.complete(Uuid::now_v7(), storage::now()).await, Err(StorageError::NotFound)));
}
