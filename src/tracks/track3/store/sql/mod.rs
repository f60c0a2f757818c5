//! Track 3 stores on SQLite and PostgreSQL: one implementation written in the SQL both
//! dialects share (`$n` parameters, `returning`, `on conflict`, `limit/offset`), instantiated
//! per pool type by the `impl_*!` macros of `donors.rs`, `donations.rs` and `units.rs`.
//!
//! Encodings: UUIDs are native `uuid` on PostgreSQL and 16-byte BLOBs on SQLite; timestamps
//! `timestamptz` and RFC 3339 TEXT (always UTC, so TEXT sorts in time order); dates `date` and
//! `YYYY-MM-DD` TEXT; enums as their snake_case names; a blood group as `abo` text plus
//! `rh_positive` boolean.

mod allocate;
mod donations;
mod donors;
mod reactions;
mod request_rows;
mod requests;
mod units;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, Pool};
use uuid::Uuid;

use super::{DonationStore, DonorStore, ReactionStore, RecallStore, RequestStore, Track3Stores, UnitStore};
use crate::{
    gateway::identity::domain::{Email, PageRequest, PhoneNumber},
    storage::{StorageError, StoreResult},
    tracks::track3::domain::{
        donation::{Donation, DonationId, DonationType},
        donor::{Contact, Deferral, DeferralId, DeferralReason, Donor, DonorId, Sex},
        groups::{Abo, BloodGroup, Component},
        isbt::Din,
        screening::{ScreeningRecord, ScreeningTest, TestResult},
        units::{BloodUnit, DiscardReason, QuarantineReason, UnitEvent, UnitId, UnitStatus},
    },
};

/// One store value implements every Track 3 trait over a pool.
pub(super) struct SqlBloodBank<DB: sqlx::Database> {
    pool: Pool<DB>,
}

pub(super) fn stores<DB: sqlx::Database>(pool: Pool<DB>) -> Track3Stores
where
    SqlBloodBank<DB>: DonorStore + DonationStore + UnitStore + RequestStore + ReactionStore + RecallStore,
{
    let store = Arc::new(SqlBloodBank { pool });
    Track3Stores {
        donors: store.clone(),
        donations: store.clone(),
        units: store.clone(),
        requests: store.clone(),
        reactions: store.clone(),
        recalls: store,
    }
}

fn corrupt(what: &str, id: Uuid, value: &str) -> StorageError {
    StorageError::Corrupt(format!("{what} of {id}: `{value}`"))
}

fn parsed<T>(parsed: Option<T>, what: &str, id: Uuid, value: &str) -> StoreResult<T> {
    parsed.ok_or_else(|| corrupt(what, id, value))
}

/// A nullable text column parsed with `parse`: NULL is `None`, text `parse` refuses is corrupt.
fn parsed_opt<T>(
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    id: Uuid,
) -> StoreResult<Option<T>> {
    value.map(|v| parsed(parse(v), what, id, v)).transpose()
}

/// A column list with every column qualified by `alias` (for joins).
fn qualified(columns: &str, alias: &str) -> String {
    columns.split(", ").map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

fn group(id: Uuid, abo: &str, rh_positive: bool) -> StoreResult<BloodGroup> {
    Ok(BloodGroup { abo: parsed(Abo::parse(abo), "abo", id, abo)?, rh_positive })
}

/// A group in nullable columns: unknown unless both ABO and Rh are there.
fn group_opt(id: Uuid, abo: Option<&str>, rh_positive: Option<bool>) -> StoreResult<Option<BloodGroup>> {
    match (abo, rh_positive) {
        (Some(abo), Some(rh)) => group(id, abo, rh).map(Some),
        _ => Ok(None),
    }
}

/// `%term%` for a case-insensitive LIKE, with the wildcards in the term escaped.
fn like_pattern(search: Option<&str>) -> Option<String> {
    search.map(|s| {
        let escaped = s.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    })
}

fn limit(page: PageRequest) -> (i64, i64) {
    (i64::from(page.per_page), i64::try_from(page.offset()).unwrap_or(i64::MAX))
}

fn total(count: i64) -> u64 {
    u64::try_from(count).unwrap_or_default()
}

const DONOR_COLUMNS: &str = "donor_id, full_name, national_id, date_of_birth, sex, weight_kg, abo, rh_positive, \
    abo_confirmed, phone_number, email, address, last_donation_at, version, created_at, updated_at";

#[derive(FromRow)]
struct DonorRow {
    donor_id: Uuid,
    full_name: String,
    national_id: Option<String>,
    date_of_birth: NaiveDate,
    sex: String,
    weight_kg: f64,
    abo: Option<String>,
    rh_positive: Option<bool>,
    abo_confirmed: bool,
    phone_number: Option<String>,
    email: Option<String>,
    address: Option<String>,
    last_donation_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DonorRow> for Donor {
    type Error = StorageError;

    fn try_from(row: DonorRow) -> StoreResult<Self> {
        let id = row.donor_id;
        let blood_group = group_opt(id, row.abo.as_deref(), row.rh_positive)?;
        let phone = parsed_opt(row.phone_number.as_deref(), |p| PhoneNumber::parse(p).ok(), "phone_number", id)?;
        let email = parsed_opt(row.email.as_deref(), |e| Email::parse(e).ok(), "email", id)?;
        Ok(Self {
            id: DonorId(id),
            sex: parsed(Sex::parse(&row.sex), "sex", id, &row.sex)?,
            full_name: row.full_name,
            national_id: row.national_id,
            date_of_birth: row.date_of_birth,
            weight_kg: row.weight_kg,
            blood_group,
            abo_confirmed: row.abo_confirmed,
            contact: Contact { phone, email, address: row.address },
            last_donation_at: row.last_donation_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const DEFERRAL_COLUMNS: &str = "deferral_id, donor_id, reason, starts_on, ends_on, note, recorded_by, recorded_at";

#[derive(FromRow)]
struct DeferralRow {
    deferral_id: Uuid,
    donor_id: Uuid,
    reason: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    note: Option<String>,
    recorded_by: Uuid,
    recorded_at: DateTime<Utc>,
}

impl TryFrom<DeferralRow> for Deferral {
    type Error = StorageError;

    fn try_from(row: DeferralRow) -> StoreResult<Self> {
        Ok(Self {
            reason: parsed(DeferralReason::parse(&row.reason), "reason", row.deferral_id, &row.reason)?,
            id: DeferralId(row.deferral_id),
            donor_id: DonorId(row.donor_id),
            starts_on: row.starts_on,
            until: row.ends_on,
            note: row.note,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        })
    }
}

const DONATION_COLUMNS: &str = "donation_id, donor_id, donation_type, din, collected_at, volume_ml, hemoglobin_gdl, \
    abo, rh_positive, recorded_by, recorded_at";

#[derive(FromRow)]
struct DonationRow {
    donation_id: Uuid,
    donor_id: Uuid,
    donation_type: String,
    din: String,
    collected_at: DateTime<Utc>,
    volume_ml: i32,
    hemoglobin_gdl: f64,
    abo: String,
    rh_positive: bool,
    recorded_by: Uuid,
    recorded_at: DateTime<Utc>,
}

impl TryFrom<DonationRow> for Donation {
    type Error = StorageError;

    fn try_from(row: DonationRow) -> StoreResult<Self> {
        let id = row.donation_id;
        Ok(Self {
            id: DonationId(id),
            donor_id: DonorId(row.donor_id),
            donation_type: parsed(DonationType::parse(&row.donation_type), "donation_type", id, &row.donation_type)?,
            din: parsed(Din::parse(&row.din), "din", id, &row.din)?,
            collected_at: row.collected_at,
            volume_ml: u32::try_from(row.volume_ml)
                .map_err(|_| corrupt("volume_ml", id, &row.volume_ml.to_string()))?,
            hemoglobin_gdl: row.hemoglobin_gdl,
            blood_group: group(id, &row.abo, row.rh_positive)?,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        })
    }
}

const UNIT_COLUMNS: &str = "unit_id, donation_id, donor_id, din, product_code, unit_number, component, abo, \
    rh_positive, collected_at, expires_at, status, status_changed_at, quarantine_reason, discard_reason, \
    reserved_for_request";

#[derive(FromRow)]
struct UnitRow {
    unit_id: Uuid,
    donation_id: Uuid,
    donor_id: Uuid,
    din: String,
    product_code: String,
    unit_number: String,
    component: String,
    abo: String,
    rh_positive: bool,
    collected_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    status: String,
    status_changed_at: DateTime<Utc>,
    quarantine_reason: Option<String>,
    discard_reason: Option<String>,
    reserved_for_request: Option<Uuid>,
}

impl TryFrom<UnitRow> for BloodUnit {
    type Error = StorageError;

    fn try_from(row: UnitRow) -> StoreResult<Self> {
        let id = row.unit_id;
        let quarantine_reason =
            parsed_opt(row.quarantine_reason.as_deref(), QuarantineReason::parse, "quarantine_reason", id)?;
        let discard_reason = parsed_opt(row.discard_reason.as_deref(), DiscardReason::parse, "discard_reason", id)?;
        Ok(Self {
            id: UnitId(id),
            donation_id: DonationId(row.donation_id),
            donor_id: DonorId(row.donor_id),
            din: parsed(Din::parse(&row.din), "din", id, &row.din)?,
            product_code: row.product_code,
            unit_number: row.unit_number,
            component: parsed(Component::parse(&row.component), "component", id, &row.component)?,
            blood_group: group(id, &row.abo, row.rh_positive)?,
            collected_at: row.collected_at,
            expires_at: row.expires_at,
            status: parsed(UnitStatus::parse(&row.status), "status", id, &row.status)?,
            status_changed_at: row.status_changed_at,
            quarantine_reason,
            discard_reason,
            reserved_for_request: row.reserved_for_request,
        })
    }
}

const SCREENING_COLUMNS: &str = "result_id, donation_id, test, result, recorded_by, recorded_at";

#[derive(FromRow)]
struct ScreeningRow {
    result_id: Uuid,
    donation_id: Uuid,
    test: String,
    result: String,
    recorded_by: Uuid,
    recorded_at: DateTime<Utc>,
}

impl TryFrom<ScreeningRow> for ScreeningRecord {
    type Error = StorageError;

    fn try_from(row: ScreeningRow) -> StoreResult<Self> {
        let id = row.result_id;
        Ok(Self {
            id,
            donation_id: DonationId(row.donation_id),
            test: parsed(ScreeningTest::parse(&row.test), "test", id, &row.test)?,
            result: parsed(TestResult::parse(&row.result), "result", id, &row.result)?,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        })
    }
}

const EVENT_COLUMNS: &str = "event_id, unit_id, action, from_status, to_status, reason, note, actor_id, \
    http_request_id, excursion_id, occurred_at";

#[derive(FromRow)]
struct EventRow {
    event_id: Uuid,
    unit_id: Uuid,
    action: String,
    from_status: Option<String>,
    to_status: String,
    reason: Option<String>,
    note: Option<String>,
    actor_id: Option<Uuid>,
    http_request_id: Option<String>,
    excursion_id: Option<Uuid>,
    occurred_at: DateTime<Utc>,
}

impl TryFrom<EventRow> for UnitEvent {
    type Error = StorageError;

    fn try_from(row: EventRow) -> StoreResult<Self> {
        let id = row.event_id;
        let from = parsed_opt(row.from_status.as_deref(), UnitStatus::parse, "from_status", id)?;
        Ok(Self {
            id,
            unit_id: UnitId(row.unit_id),
            from,
            to: parsed(UnitStatus::parse(&row.to_status), "to_status", id, &row.to_status)?,
            action: row.action,
            reason: row.reason,
            note: row.note,
            actor_id: row.actor_id,
            request_id: row.http_request_id,
            excursion_id: row.excursion_id,
            occurred_at: row.occurred_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(Some("Jean_50%")).as_deref(), Some("%jean\\_50\\%%"));
        assert_eq!(like_pattern(None), None);
    }
}
