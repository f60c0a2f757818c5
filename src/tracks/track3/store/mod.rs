//! Track 3 storage: one trait per aggregate — donors (with their deferrals), donations (with
//! the numbering of donation identification numbers and the donor recall they schedule),
//! units (with their audit trail, screening results and temperature excursions), blood
//! requests (with their allocations), transfusion reactions and donor recalls — and one SQL
//! implementation of them all for SQLite and PostgreSQL (`sql/`). The blood bank is relational by design: there is no
//! MongoDB implementation, and [`Track3Stores::build`] refuses a MongoDB backend. Every
//! multi-row change (a donation with its units; a transition with its audit event) is one
//! method and one transaction; unit transitions are conditional updates, so of two concurrent
//! changes to one unit exactly one succeeds and the other gets `Conflict`. Allocation reserves
//! with the same conditional update (`status = 'available'`) and moves on to the next
//! candidate when another request took a unit first, so no unit is ever held by two requests.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::domain::{
    allocation::{AllocatedUnit, AllocationPlan},
    donation::{Donation, DonationId, NewDonation},
    donor::{Deferral, Donor, DonorId},
    eligibility::{EligibilityBounds, PastDonation},
    groups::{Abo, Component},
    inventory::StockCount,
    reactions::TransfusionReaction,
    recall::{DonorRecall, DueRecall},
    requests::{BloodRequest, RequestId, RequestStatus, Urgency},
    screening::ScreeningRecord,
    transfusion::AllocationChange,
    units::{Actor, BloodUnit, UnitEvent, UnitId, UnitStatus, UnitTransition},
    TemperatureExcursion,
};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{Backend, StorageError, StoreResult},
};

/// Filters of the donor list.
#[derive(Debug, Clone)]
pub struct DonorFilter {
    /// Case-insensitive text in the name, phone number or national id.
    pub search: Option<String>,
    /// Only this ABO group.
    pub abo: Option<Abo>,
    /// Only this Rh type.
    pub rh_positive: Option<bool>,
    /// Only donors who are (`true`) or are not (`false`) eligible by `bounds`.
    pub eligible: Option<bool>,
    /// The eligibility rules as bounds (used only with `eligible`).
    pub bounds: EligibilityBounds,
}

/// Filters of the unit list.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Only this status.
    pub status: Option<UnitStatus>,
    /// Only this ABO group.
    pub abo: Option<Abo>,
    /// Only this Rh type.
    pub rh_positive: Option<bool>,
    /// Only this component.
    pub component: Option<Component>,
    /// Only units expiring at or before this instant.
    pub expires_before: Option<DateTime<Utc>>,
    /// Only units of this donation.
    pub donation_id: Option<DonationId>,
}

/// Filters of the request list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only this status.
    pub status: Option<RequestStatus>,
    /// Only this urgency.
    pub urgency: Option<Urgency>,
    /// Only this component.
    pub component: Option<Component>,
    /// Only this patient (medical record number, exact).
    pub patient_mrn: Option<String>,
}

/// Filters of the reaction list.
#[derive(Debug, Clone, Default)]
pub struct ReactionFilter {
    /// Only reactions to this donor's units.
    pub donor_id: Option<DonorId>,
    /// Only reactions to this unit.
    pub unit_id: Option<UnitId>,
    /// Only reactions under this request.
    pub request_id: Option<RequestId>,
}

/// Donors and their deferrals.
#[async_trait]
pub trait DonorStore: Send + Sync {
    /// Stores a new donor.
    async fn insert(&self, donor: &Donor) -> StoreResult<()>;
    /// A donor by id.
    async fn find(&self, id: DonorId) -> StoreResult<Option<Donor>>;
    /// Saves name, national id, contact, weight and `updated_at` (not the group or version,
    /// which only donations change); `NotFound` for an unknown donor.
    async fn update(&self, donor: &Donor) -> StoreResult<()>;
    /// A page of donors, newest first.
    async fn list(&self, filter: &DonorFilter, page: PageRequest) -> StoreResult<Page<Donor>>;
    /// Adds a deferral and bumps the donor's version, atomically; `NotFound` for an unknown donor.
    async fn add_deferral(&self, deferral: &Deferral) -> StoreResult<()>;
    /// A donor's deferrals, newest first.
    async fn deferrals(&self, donor: DonorId) -> StoreResult<Vec<Deferral>>;
}

/// Donations.
#[async_trait]
pub trait DonationStore: Send + Sync {
    /// The next sequence number of donation identification numbers for a facility and
    /// two-digit year (1, 2, 3...), atomically even across instances.
    async fn next_din_sequence(&self, facility: &str, year: i32) -> StoreResult<u32>;
    /// Records a donation with its units and their `collect` events, and sets the donor's
    /// group and last donation, in one transaction — only if the donor is still at
    /// `donor_version` (`Conflict` naming `donor_version` otherwise; `Conflict` naming the
    /// `din` or `unit_number` constraint for a number already used; `NotFound` for an unknown
    /// donor).
    async fn record(&self, donation: &NewDonation) -> StoreResult<()>;
    /// A donation by id.
    async fn find(&self, id: DonationId) -> StoreResult<Option<Donation>>;
    /// A donor's donations collected at or after `since`, for the interval rule.
    async fn recent(&self, donor: DonorId, since: DateTime<Utc>) -> StoreResult<Vec<PastDonation>>;
    /// A page of a donor's donations, newest first.
    async fn list_for_donor(&self, donor: DonorId, page: PageRequest) -> StoreResult<Page<Donation>>;
    /// Every screening result recorded for a donation, oldest first.
    async fn screening(&self, donation: DonationId) -> StoreResult<Vec<ScreeningRecord>>;
}

/// Blood units, their audit trail, screening and temperature excursions.
#[async_trait]
pub trait UnitStore: Send + Sync {
    /// A unit by id.
    async fn find(&self, id: UnitId) -> StoreResult<Option<BloodUnit>>;
    /// A page of units, first expiring first.
    async fn list(&self, filter: &UnitFilter, page: PageRequest) -> StoreResult<Page<BloodUnit>>;
    /// Applies one transition and writes its event, atomically. `Conflict` when the unit is
    /// no longer in the status (and quarantine reason) the transition was built from,
    /// `NotFound` when there is no such unit.
    async fn transition(&self, change: &UnitTransition) -> StoreResult<()>;
    /// Stores screening results and applies the transitions they cause, in one transaction
    /// (all or nothing, as [`UnitStore::transition`]).
    async fn record_screening(&self, results: &[ScreeningRecord], changes: &[UnitTransition]) -> StoreResult<()>;
    /// Stores a temperature excursion and applies the quarantines it causes, in one transaction.
    async fn record_excursion(&self, excursion: &TemperatureExcursion, changes: &[UnitTransition]) -> StoreResult<()>;
    /// Marks every unit still in stock whose expiry is at or before `now` as expired, with a
    /// system event each; returns how many. Safe to run concurrently from several instances.
    async fn expire_due(&self, now: DateTime<Utc>) -> StoreResult<u64>;
    /// A unit's audit trail, oldest first.
    async fn events(&self, id: UnitId) -> StoreResult<Vec<UnitEvent>>;
    /// Units in stock (quarantined, available, reserved) counted by component, group and
    /// status, with how many expire at or before `expiring_before`.
    async fn stock(&self, expiring_before: DateTime<Utc>) -> StoreResult<Vec<StockCount>>;
}

/// Blood requests and their allocations.
#[async_trait]
pub trait RequestStore: Send + Sync {
    /// Stores a new request.
    async fn insert(&self, request: &BloodRequest) -> StoreResult<()>;
    /// A request by id.
    async fn find(&self, id: RequestId) -> StoreResult<Option<BloodRequest>>;
    /// A page of requests, soonest needed first.
    async fn list(&self, filter: &RequestFilter, page: PageRequest) -> StoreResult<Page<BloodRequest>>;
    /// Every allocation of a request with its unit, oldest first.
    async fn allocations(&self, id: RequestId) -> StoreResult<Vec<AllocatedUnit>>;
    /// The units the plan would reserve, best first (read-only): available and unexpired
    /// units of its component and groups that were not crossmatched incompatible for its
    /// request, ranked by [`AllocationPlan::rank`].
    async fn candidates(&self, plan: &AllocationPlan) -> StoreResult<Vec<BloodUnit>>;
    /// Reserves candidates in rank order, up to what the request still needs, in one
    /// transaction: each with `update units ... where unit_id = $ and status = 'available'`
    /// (a unit another request took first is skipped for the next), its allocation and its
    /// audit event; then updates the request's status. Returns the units reserved (possibly
    /// none). `NotFound` for an unknown request, `Conflict` naming `request_status` when its
    /// status allows no allocation.
    async fn allocate(&self, plan: &AllocationPlan) -> StoreResult<Vec<BloodUnit>>;
    /// Applies allocation steps (crossmatch, issue, return, transfusion) with their unit
    /// transitions and updates the requests' status, all or nothing; `Conflict` when an
    /// allocation or unit is no longer as read.
    async fn apply(&self, changes: &[AllocationChange]) -> StoreResult<()>;
    /// Cancels a request and puts its reserved units back in stock (audited), atomically;
    /// `NotFound` for an unknown request, `Conflict` naming `request_status` when it is not
    /// cancellable or a unit is out on issue.
    async fn cancel(&self, id: RequestId, reason: &str, actor: &Actor, at: DateTime<Utc>) -> StoreResult<()>;
}

/// Transfusion reactions.
#[async_trait]
pub trait ReactionStore: Send + Sync {
    /// Stores a report.
    async fn insert(&self, reaction: &TransfusionReaction) -> StoreResult<()>;
    /// A page of reports, most recent first.
    async fn list(&self, filter: &ReactionFilter, page: PageRequest) -> StoreResult<Page<TransfusionReaction>>;
}

/// The donor recall outbox (written with each donation by [`DonationStore::record`]); the
/// interface a reminders engine consumes (see `track3::api`).
#[async_trait]
pub trait RecallStore: Send + Sync {
    /// Pending recalls due on or before `on` of donors with no deferral active on `on`,
    /// earliest due first.
    async fn due(&self, on: NaiveDate, page: PageRequest) -> StoreResult<Page<DueRecall>>;
    /// Marks a pending recall done; `NotFound` for an unknown recall, `Conflict` when it is
    /// not pending (done already, or superseded by a later donation).
    async fn complete(&self, id: Uuid, at: DateTime<Utc>) -> StoreResult<DonorRecall>;
}

/// Track 3's stores on one backend.
#[derive(Clone)]
pub struct Track3Stores {
    /// Donors and deferrals.
    pub donors: Arc<dyn DonorStore>,
    /// Donations.
    pub donations: Arc<dyn DonationStore>,
    /// Units.
    pub units: Arc<dyn UnitStore>,
    /// Blood requests and allocations.
    pub requests: Arc<dyn RequestStore>,
    /// Transfusion reactions.
    pub reactions: Arc<dyn ReactionStore>,
    /// Donor recalls.
    pub recalls: Arc<dyn RecallStore>,
}

impl Track3Stores {
    /// The implementations for `backend`; a MongoDB backend is refused.
    pub fn build(backend: &Backend) -> StoreResult<Self> {
        match backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(pool) => Ok(sql::stores(pool.clone())),
            #[cfg(feature = "postgres")]
            Backend::Postgres(pool) => Ok(sql::stores(pool.clone())),
            #[allow(unreachable_patterns)]
            other => Err(StorageError::Config(format!(
                "Track 3 (blood bank) is relational: storage.track3 must be sqlite: or postgres://, not {}",
                other.kind()
            ))),
        }
    }
}
