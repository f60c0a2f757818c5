//! Unit, screening, discard, excursion and inventory bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::donors::RhType;
use crate::tracks::track3::{
    domain::{
        groups::{Abo, BloodGroup, Component},
        inventory::InventoryLine,
        screening::{ScreeningRecord, ScreeningStatus, ScreeningTest, TestResult},
        units::{BloodUnit, DiscardReason, QuarantineReason, UnitEvent, UnitStatus},
        TemperatureExcursion,
    },
    service::units::ScreeningOutcome,
};

/// A blood unit.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnitResponse {
    /// Id.
    pub unit_id: Uuid,
    /// Label number: donation number, check character and product code; unique.
    #[schema(example = "A999925000042J-E0224V00")]
    pub unit_number: String,
    /// Donation identification number.
    #[schema(example = "A999925000042")]
    pub donation_number: String,
    /// Check character of the donation number.
    pub check_character: String,
    /// Product code (component, donation type, division).
    #[schema(example = "E0224V00")]
    pub product_code: String,
    /// Component.
    pub component: Component,
    /// ABO/Rh group.
    #[schema(value_type = String, example = "O-")]
    pub blood_group: BloodGroup,
    /// The donation it came from.
    pub donation_id: Uuid,
    /// The donor.
    pub donor_id: Uuid,
    /// Collection time.
    pub collected_at: DateTime<Utc>,
    /// End of its shelf life.
    pub expires_at: DateTime<Utc>,
    /// Lifecycle status.
    pub status: UnitStatus,
    /// When the status last changed.
    pub status_changed_at: DateTime<Utc>,
    /// Why it is quarantined (while quarantined).
    pub quarantine_reason: Option<QuarantineReason>,
    /// Why it was discarded (once discarded).
    pub discard_reason: Option<DiscardReason>,
    /// The blood request it is reserved or issued for.
    pub reserved_for_request: Option<Uuid>,
}

impl From<BloodUnit> for UnitResponse {
    fn from(u: BloodUnit) -> Self {
        Self {
            unit_id: u.id.0,
            unit_number: u.unit_number,
            check_character: u.din.check_character().to_string(),
            donation_number: u.din.to_string(),
            product_code: u.product_code,
            component: u.component,
            blood_group: u.blood_group,
            donation_id: u.donation_id.0,
            donor_id: u.donor_id.0,
            collected_at: u.collected_at,
            expires_at: u.expires_at,
            status: u.status,
            status_changed_at: u.status_changed_at,
            quarantine_reason: u.quarantine_reason,
            discard_reason: u.discard_reason,
            reserved_for_request: u.reserved_for_request,
        }
    }
}

/// Filters and paging of the unit list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct UnitListQuery {
    /// Only this status.
    pub status: Option<UnitStatus>,
    /// Only this ABO group.
    #[param(inline)]
    pub abo: Option<Abo>,
    /// Only this Rh type.
    #[param(inline)]
    pub rh: Option<RhType>,
    /// Only this component.
    pub component: Option<Component>,
    /// Only units expiring within this many days from now (0–365).
    #[validate(range(min = 0, max = 365))]
    #[param(minimum = 0, maximum = 365)]
    pub expiring_within_days: Option<u32>,
    /// Only the units of this donation.
    pub donation_id: Option<Uuid>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of units.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnitPage {
    /// The units of this page, first expiring first.
    pub items: Vec<UnitResponse>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Units matching the filters across all pages.
    pub total: u64,
}

/// One test result.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScreeningResultInput {
    /// The test.
    pub test: ScreeningTest,
    /// Its result.
    pub result: TestResult,
}

/// Results for the donation a unit came from (they apply to all of its units).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScreeningRequest {
    /// 1–20 results, applied in order.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub results: Vec<ScreeningResultInput>,
}

/// A recorded test result.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScreeningResultResponse {
    /// The test.
    pub test: ScreeningTest,
    /// Its result.
    pub result: TestResult,
    /// Who recorded it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl From<ScreeningRecord> for ScreeningResultResponse {
    fn from(r: ScreeningRecord) -> Self {
        Self { test: r.test, result: r.result, recorded_by: r.recorded_by, recorded_at: r.recorded_at }
    }
}

/// A donation's screening and the state of its units.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScreeningResponse {
    /// The donation tested.
    pub donation_id: Uuid,
    /// `cleared` (units released), `reactive` (units discarded) or `pending`.
    pub status: ScreeningStatus,
    /// Required tests still without a negative result.
    pub outstanding_tests: Vec<ScreeningTest>,
    /// Every result recorded, oldest first.
    pub results: Vec<ScreeningResultResponse>,
    /// The donation's units after the change.
    pub units: Vec<UnitResponse>,
}

impl From<ScreeningOutcome> for ScreeningResponse {
    fn from(o: ScreeningOutcome) -> Self {
        Self {
            donation_id: o.donation_id.0,
            status: o.status,
            outstanding_tests: o.outstanding,
            results: o.results.into_iter().map(Into::into).collect(),
            units: o.units.into_iter().map(Into::into).collect(),
        }
    }
}

/// Discarding a unit.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscardRequest {
    /// Reason code.
    pub reason: DiscardReason,
    /// Detail (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// Releasing a quarantined unit after assessment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseRequest {
    /// The assessment that justifies the release (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, example = "Logger shows 6.5 °C for 20 minutes; within tolerance")]
    pub note: String,
}

/// A temperature excursion to record; every unit it names is quarantined (all or nothing).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExcursionRequest {
    /// The units stored there: 1–200 ids (a repeated id counts once).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub unit_ids: Vec<Uuid>,
    /// Refrigerator, freezer or agitator (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Fridge 2")]
    pub location: Option<String>,
    /// The most extreme temperature recorded, °C (−100 to 100).
    #[validate(range(min = -100.0, max = 100.0))]
    #[schema(minimum = -100, maximum = 100, example = 9.5)]
    pub temperature_c: f64,
    /// When it began (not in the future: 422).
    pub started_at: DateTime<Utc>,
    /// When it ended (not before `startedAt`: 422).
    pub ended_at: Option<DateTime<Utc>>,
    /// Detail (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// A recorded excursion and the units it quarantined.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExcursionResponse {
    /// Id.
    pub excursion_id: Uuid,
    /// Where.
    pub location: Option<String>,
    /// The most extreme temperature, °C.
    pub temperature_c: f64,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Detail.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// The units, now quarantined.
    pub units: Vec<UnitResponse>,
}

impl ExcursionResponse {
    /// The response for an excursion and its units.
    pub fn new(e: TemperatureExcursion, units: Vec<BloodUnit>) -> Self {
        Self {
            excursion_id: e.id,
            location: e.location,
            temperature_c: e.temperature_c,
            started_at: e.started_at,
            ended_at: e.ended_at,
            note: e.note,
            recorded_by: e.recorded_by,
            recorded_at: e.recorded_at,
            units: units.into_iter().map(Into::into).collect(),
        }
    }
}

/// One entry of a unit's audit trail.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnitEventResponse {
    /// Id.
    pub event_id: Uuid,
    /// `collect`, `release`, `quarantine`, `reserve`, `unreserve`, `issue`, `return`,
    /// `transfuse`, `expire` or `discard`.
    pub action: String,
    /// Status before (`null` for the collection).
    pub from_status: Option<UnitStatus>,
    /// Status after.
    pub to_status: UnitStatus,
    /// Reason code (discard or quarantine reason).
    pub reason: Option<String>,
    /// Detail.
    pub note: Option<String>,
    /// Who; `null` for the system (automatic expiry).
    pub actor_id: Option<Uuid>,
    /// `X-Request-Id` of the request it happened in.
    pub request_id: Option<String>,
    /// The temperature excursion that caused it.
    pub excursion_id: Option<Uuid>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

impl From<UnitEvent> for UnitEventResponse {
    fn from(e: UnitEvent) -> Self {
        Self {
            event_id: e.id,
            action: e.action,
            from_status: e.from,
            to_status: e.to,
            reason: e.reason,
            note: e.note,
            actor_id: e.actor_id,
            request_id: e.request_id,
            excursion_id: e.excursion_id,
            occurred_at: e.occurred_at,
        }
    }
}

/// The inventory question.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct InventoryQuery {
    /// Horizon of "expiring soon", in days (1–365, default 3).
    #[validate(range(min = 1, max = 365))]
    #[param(minimum = 1, maximum = 365)]
    pub expiring_within_days: Option<u32>,
}

/// Stock of one component and group.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InventoryLineResponse {
    /// Component.
    pub component: Component,
    /// ABO/Rh group.
    #[schema(value_type = String, example = "O-")]
    pub blood_group: BloodGroup,
    /// Units in stock and usable.
    pub available: u64,
    /// Units reserved for requests.
    pub reserved: u64,
    /// Units in quarantine.
    pub quarantined: u64,
    /// Available units expiring within the horizon.
    pub expiring_soon: u64,
    /// Minimum stock of available units.
    pub minimum: u32,
    /// Available stock is under the minimum (an alert).
    pub below_minimum: bool,
}

impl From<InventoryLine> for InventoryLineResponse {
    fn from(l: InventoryLine) -> Self {
        Self {
            below_minimum: l.below_minimum(),
            component: l.component,
            blood_group: l.blood_group,
            available: l.available,
            reserved: l.reserved,
            quarantined: l.quarantined,
            expiring_soon: l.expiring_soon,
            minimum: l.minimum,
        }
    }
}

/// The inventory summary.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InventoryResponse {
    /// When it was computed (units past expiry were marked expired first).
    pub generated_at: DateTime<Utc>,
    /// Horizon of `expiringSoon`, in days.
    pub expiring_within_days: u32,
    /// Every component and group, in component then group order (O−, O+, A−, A+, B−, B+, AB−, AB+).
    pub lines: Vec<InventoryLineResponse>,
    /// The lines below their minimum stock.
    pub alerts: Vec<InventoryLineResponse>,
}
