//! Request and allocation cases: round trips and filters, group preference then FEFO, partial
//! allocation, and the concurrency proof — parallel allocations for several requests never
//! reserve more than the stock nor one unit twice, and parallel runs for one request never
//! reserve more than it asked for.

use std::collections::{HashMap, HashSet};

use carechat::{
    gateway::identity::domain::PageRequest,
    storage::StorageError,
    tracks::track3::{
        domain::{
            allocation::AllocationState,
            groups::Component,
            requests::{RequestId, RequestStatus, Urgency},
            units::{BloodUnit, UnitId, UnitStatus},
        },
        store::{RequestFilter, Track3Stores},
    },
};

use super::{available_red_cells, plan, red_cell_request};

sql_conformance!(
    build,
    [
        requests_read_back_and_filter,
        allocation_prefers_the_identical_group_then_first_expiring,
        allocation_reserves_what_it_can_and_is_audited,
        suggestions_reserve_nothing,
        parallel_allocations_never_share_a_unit,
        parallel_runs_for_one_request_never_overfill_it,
    ]
);

use super::build;

const PAGE: PageRequest = PageRequest { page: 1, per_page: 100 };

async fn requests_read_back_and_filter(s: &Track3Stores) {
    let routine = red_cell_request(s, Some("A+"), 2, Urgency::Routine).await;
    let emergency = red_cell_request(s, None, 1, Urgency::Emergency).await;
    assert_eq!(s.requests.find(routine.id).await.unwrap(), Some(routine.clone()));
    assert_eq!(s.requests.find(emergency.id).await.unwrap().unwrap().blood_group, None);
    assert_eq!(s.requests.find(RequestId(uuid::Uuid::now_v7())).await.unwrap(), None);
    let all = s.requests.list(&RequestFilter::default(), PAGE).await.unwrap();
    assert_eq!(all.total, 2);
    let urgent = RequestFilter { urgency: Some(Urgency::Emergency), ..RequestFilter::default() };
    assert_eq!(s.requests.list(&urgent, PAGE).await.unwrap().items[0].id, emergency.id);
    let by_patient = RequestFilter { patient_mrn: Some(routine.patient.mrn.clone()), ..RequestFilter::default() };
    assert_eq!(s.requests.list(&by_patient, PAGE).await.unwrap().total, 1);
    let open = RequestFilter {
        status: Some(RequestStatus::Open),
        component: Some(Component::RedCells),
        ..RequestFilter::default()
    };
    assert_eq!(s.requests.list(&open, PAGE).await.unwrap().total, 2);
    let plasma = RequestFilter { component: Some(Component::Plasma), ..RequestFilter::default() };
    assert_eq!(s.requests.list(&plasma, PAGE).await.unwrap().total, 0);
}

async fn allocation_prefers_the_identical_group_then_first_expiring(s: &Track3Stores) {
    // Red cells last 42 days: collected 30 days ago expires in 12, 10 days ago in 32.
    let a_pos_late = available_red_cells(s, 1, "A+", 10).await;
    let o_neg_soon = available_red_cells(s, 2, "O-", 35).await;
    let a_pos_soon = available_red_cells(s, 3, "A+", 30).await;
    let a_neg = available_red_cells(s, 4, "A-", 20).await;
    let _b_pos = available_red_cells(s, 5, "B+", 38).await;
    let request = red_cell_request(s, Some("A+"), 3, Urgency::Routine).await;
    let reserved = s.requests.allocate(&plan(&request)).await.unwrap();
    let ids: Vec<UnitId> = reserved.iter().map(|u| u.id).collect();
    assert_eq!(ids, [a_pos_soon.id, a_pos_late.id, a_neg.id], "A+ first-expiring first, then A-");
    let second = red_cell_request(s, Some("A+"), 2, Urgency::Routine).await;
    let rest = s.requests.allocate(&plan(&second)).await.unwrap();
    assert_eq!(rest.iter().map(|u| u.id).collect::<Vec<_>>(), [o_neg_soon.id], "O- last; never B+");
}

async fn allocation_reserves_what_it_can_and_is_audited(s: &Track3Stores) {
    let first = available_red_cells(s, 10, "O-", 5).await;
    let request = red_cell_request(s, Some("O-"), 2, Urgency::Urgent).await;
    let reserved = s.requests.allocate(&plan(&request)).await.unwrap();
    assert_eq!(reserved.len(), 1, "one of two in stock");
    let stored = s.units.find(first.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.reserved_for_request), (UnitStatus::Reserved, Some(request.id.0)));
    assert_eq!(reserved[0], stored);
    let last = s.units.events(first.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.from, last.to),
        ("reserve", Some(UnitStatus::Available), UnitStatus::Reserved)
    );
    assert_eq!(s.requests.find(request.id).await.unwrap().unwrap().status, RequestStatus::PartiallyAllocated);
    let allocations = s.requests.allocations(request.id).await.unwrap();
    assert_eq!(allocations.len(), 1);
    assert_eq!((allocations[0].allocation.state, allocations[0].unit.id), (AllocationState::Reserved, first.id));

    assert!(s.requests.allocate(&plan(&request)).await.unwrap().is_empty(), "nothing left");
    let second = available_red_cells(s, 11, "O-", 5).await;
    let more = s.requests.allocate(&plan(&request)).await.unwrap();
    assert_eq!(more.iter().map(|u| u.id).collect::<Vec<_>>(), [second.id]);
    assert_eq!(s.requests.find(request.id).await.unwrap().unwrap().status, RequestStatus::FullyAllocated);
    match s.requests.allocate(&plan(&request)).await {
        Err(StorageError::Conflict(what)) => assert!(what.starts_with("request_status: "), "{what}"),
        other => panic!("a fully allocated request must refuse, got {other:?}"),
    }
    let mut ghost = plan(&request);
    ghost.request_id = RequestId(uuid::Uuid::now_v7());
    assert!(matches!(s.requests.allocate(&ghost).await, Err(StorageError::NotFound)));
}

async fn suggestions_reserve_nothing(s: &Track3Stores) {
    let unit = available_red_cells(s, 20, "O+", 5).await;
    let request = red_cell_request(s, Some("O+"), 1, Urgency::Routine).await;
    let suggested = s.requests.candidates(&plan(&request)).await.unwrap();
    assert_eq!(suggested.iter().map(|u| u.id).collect::<Vec<_>>(), [unit.id]);
    assert_eq!(s.units.find(unit.id).await.unwrap().unwrap().status, UnitStatus::Available);
    assert!(s.requests.allocations(request.id).await.unwrap().is_empty());
}

/// Reserved units of each request, checked against the units table and the allocations.
async fn reservations(s: &Track3Stores, requests: &[RequestId]) -> HashMap<RequestId, Vec<UnitId>> {
    let mut by_request = HashMap::new();
    for id in requests {
        let allocations = s.requests.allocations(*id).await.unwrap();
        let mut units = Vec::new();
        for a in allocations.iter().filter(|a| a.allocation.state == AllocationState::Reserved) {
            assert_eq!((a.unit.status, a.unit.reserved_for_request), (UnitStatus::Reserved, Some(id.0)));
            units.push(a.unit.id);
        }
        by_request.insert(*id, units);
    }
    by_request
}

async fn parallel_allocations_never_share_a_unit(s: &Track3Stores) {
    let mut sequence = 100;
    for round in 0..4 {
        // 5 units in stock, 3 requests wanting 3 each, from overlapping groups in different
        // preference orders (O+ wants O+ then O-; A- wants A- then O-; AB+ wants anything).
        let mut stock: Vec<BloodUnit> = Vec::new();
        for (group, days_ago) in [("O-", 3), ("O-", 6), ("O+", 4), ("O+", 8), ("A-", 2)] {
            sequence += 1;
            stock.push(available_red_cells(s, sequence, group, days_ago).await);
        }
        let mut requests = Vec::new();
        for group in ["O+", "A-", "AB+"] {
            requests.push(red_cell_request(s, Some(group), 3, Urgency::Urgent).await);
        }
        let runs: Vec<_> = requests
            .iter()
            .map(|r| {
                let (store, plan) = (s.clone(), plan(r));
                tokio::spawn(async move { store.requests.allocate(&plan).await })
            })
            .collect();
        let mut reserved_total = 0;
        for run in runs {
            reserved_total += run.await.unwrap().unwrap().len();
        }
        assert_eq!(reserved_total, 5, "round {round}: every unit in stock is reserved, no more");
        let ids: Vec<RequestId> = requests.iter().map(|r| r.id).collect();
        let by_request = reservations(s, &ids).await;
        let all: Vec<UnitId> = by_request.values().flatten().copied().collect();
        let distinct: HashSet<UnitId> = all.iter().copied().collect();
        assert_eq!((all.len(), distinct.len()), (5, 5), "round {round}: no unit in two requests");
        assert!(by_request.values().all(|units| units.len() <= 3), "round {round}: {by_request:?}");
        for unit in &stock {
            assert_eq!(s.units.find(unit.id).await.unwrap().unwrap().status, UnitStatus::Reserved);
            let reserves = s.units.events(unit.id).await.unwrap().iter().filter(|e| e.action == "reserve").count();
            assert_eq!(reserves, 1, "round {round}: one reservation event per unit");
        }
    }
}

async fn parallel_runs_for_one_request_never_overfill_it(s: &Track3Stores) {
    for sequence in 200..206 {
        available_red_cells(s, sequence, "B+", 5).await;
    }
    let request = red_cell_request(s, Some("B+"), 3, Urgency::Emergency).await;
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (store, plan) = (s.clone(), plan(&request));
            tokio::spawn(async move { store.requests.allocate(&plan).await })
        })
        .collect();
    let mut reserved = 0;
    for run in runs {
        match run.await.unwrap() {
            Ok(units) => reserved += units.len(),
            // A run that finds the request already fully allocated is refused.
            Err(StorageError::Conflict(what)) => assert!(what.starts_with("request_status: "), "{what}"),
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(reserved, 3);
    assert_eq!(reservations(s, &[request.id]).await[&request.id].len(), 3);
    assert_eq!(s.requests.find(request.id).await.unwrap().unwrap().status, RequestStatus::FullyAllocated);
}
