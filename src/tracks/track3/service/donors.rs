//! Donor use cases: registration and changes, deferrals, eligibility, and recording a
//! donation with its units.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use uuid::Uuid;

use super::Track3;
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{self, StorageError},
    tracks::track3::{
        domain::{
            donation::{plan_units, Donation, DonationId, DonationType, NewDonation},
            donor::{reconcile_group, Deferral, DeferralReason, Donor, DonorChanges, DonorId, NewDonor},
            eligibility::{assess, Assessment, EligibilityBounds, EligibilityInput},
            groups::{Abo, BloodGroup, Component},
            isbt::Din,
            recall::DonorRecall,
            units::{Actor, BloodUnit},
            FieldError,
        },
        error::Track3Error,
        store::DonorFilter,
    },
};

type Result<T> = std::result::Result<T, Track3Error>;

/// Registers a donor.
pub async fn register(t3: &Track3, new: NewDonor) -> Result<Donor> {
    let donor = Donor::register(new, storage::now()).map_err(Track3Error::Invalid)?;
    t3.stores.donors.insert(&donor).await?;
    Ok(donor)
}

/// A donor, or `donor_not_found`.
pub async fn donor(t3: &Track3, id: DonorId) -> Result<Donor> {
    t3.stores.donors.find(id).await?.ok_or(Track3Error::DonorNotFound(id.0))
}

/// Changes a donor's name, contact or weight.
pub async fn update(t3: &Track3, id: DonorId, changes: DonorChanges) -> Result<Donor> {
    let mut current = donor(t3, id).await?;
    current.apply(changes, storage::now());
    t3.stores.donors.update(&current).await.map_err(|e| not_found(e, id))?;
    Ok(current)
}

fn not_found(err: StorageError, id: DonorId) -> Track3Error {
    match err {
        StorageError::NotFound => Track3Error::DonorNotFound(id.0),
        other => other.into(),
    }
}

/// Filters of the donor list as the API gives them.
#[derive(Debug, Clone, Default)]
pub struct DonorQuery {
    /// Text in the name, phone or national id.
    pub search: Option<String>,
    /// ABO group.
    pub abo: Option<Abo>,
    /// Rh type.
    pub rh_positive: Option<bool>,
    /// Eligible for whole blood today.
    pub eligible: Option<bool>,
}

/// A page of donors, newest first.
pub async fn list(t3: &Track3, query: DonorQuery, page: PageRequest) -> Result<Page<Donor>> {
    let today = storage::now().date_naive();
    let filter = DonorFilter {
        search: query.search,
        abo: query.abo,
        rh_positive: query.rh_positive,
        eligible: query.eligible,
        bounds: EligibilityBounds::new(&t3.rules, DonationType::WholeBlood, today),
    };
    Ok(t3.stores.donors.list(&filter, page).await?)
}

/// Defers a donor from today until `until` (after today), or permanently.
pub async fn defer(
    t3: &Track3,
    id: DonorId,
    reason: DeferralReason,
    until: Option<NaiveDate>,
    note: Option<String>,
    actor: &Actor,
) -> Result<Deferral> {
    let now = storage::now();
    if until.is_some_and(|day| day <= now.date_naive()) {
        return Err(Track3Error::Invalid(FieldError::new("/until", "must be after today (or null for permanent)")));
    }
    let recorded_by = actor.user_id.unwrap_or_default();
    let deferral = Deferral::new(id, reason, until, note, recorded_by, now);
    t3.stores.donors.add_deferral(&deferral).await.map_err(|e| not_found(e, id))?;
    Ok(deferral)
}

/// A donor's deferrals, newest first.
pub async fn deferrals(t3: &Track3, id: DonorId) -> Result<Vec<Deferral>> {
    donor(t3, id).await?;
    Ok(t3.stores.donors.deferrals(id).await?)
}

/// The donor and every reason they cannot give `donation_type` on `on`.
pub async fn eligibility(
    t3: &Track3,
    id: DonorId,
    donation_type: DonationType,
    on: NaiveDate,
    hemoglobin_gdl: Option<f64>,
) -> Result<(Donor, Assessment)> {
    let donor = donor(t3, id).await?;
    let assessment = assess_donor(t3, &donor, donation_type, on, hemoglobin_gdl).await?;
    Ok((donor, assessment))
}

async fn assess_donor(
    t3: &Track3,
    donor: &Donor,
    donation_type: DonationType,
    on: NaiveDate,
    hemoglobin_gdl: Option<f64>,
) -> Result<Assessment> {
    let deferrals = t3.stores.donors.deferrals(donor.id).await?;
    let longest = DonationType::ALL.iter().map(|t| t3.rules.interval_days(*t)).max().unwrap_or_default();
    let since = on.checked_sub_days(Days::new(u64::from(longest) + 1)).unwrap_or(NaiveDate::MIN);
    let donations = t3.stores.donations.recent(donor.id, since.and_time(NaiveTime::MIN).and_utc()).await?;
    let input =
        EligibilityInput { donor, deferrals: &deferrals, donations: &donations, donation_type, on, hemoglobin_gdl };
    Ok(assess(&t3.rules, input))
}

/// A donation to record.
#[derive(Debug, Clone)]
pub struct DonationInput {
    /// How it was collected.
    pub donation_type: DonationType,
    /// Pre-donation hemoglobin.
    pub hemoglobin_gdl: f64,
    /// Volume collected.
    pub volume_ml: u32,
    /// Collection time (now when absent).
    pub collected_at: Option<DateTime<Utc>>,
    /// Group typed on this donation's sample.
    pub blood_group: Option<BloodGroup>,
    /// Components to make (the type's default when absent).
    pub components: Option<Vec<Component>>,
    /// A pre-printed donation identification number (one is assigned when absent).
    pub donation_number: Option<String>,
}

fn collection_time(given: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let Some(at) = given else { return Ok(now) };
    let earliest = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MIN_UTC);
    if at < earliest || at > now + chrono::Duration::minutes(5) {
        return Err(Track3Error::Invalid(FieldError::new("/collectedAt", "must be between 2000-01-01 and now")));
    }
    Ok(chrono::SubsecRound::trunc_subsecs(at, 3))
}

async fn donation_number(t3: &Track3, given: Option<&str>, collected_at: DateTime<Utc>) -> Result<Din> {
    if let Some(text) = given {
        return Din::parse(text)
            .ok_or_else(|| Track3Error::Invalid(FieldError::new("/donationNumber", "must be a letter and 12 digits")));
    }
    let year = collected_at.year();
    let sequence = t3.stores.donations.next_din_sequence(&t3.rules.facility_code, year).await?;
    Din::new(&t3.rules.facility_code, year, sequence).ok_or_else(|| {
        StorageError::Config(format!("cannot number donation {sequence} of facility {}", t3.rules.facility_code)).into()
    })
}

/// Checks eligibility on the collection day, reconciles the group, numbers the donation and
/// stores it with one quarantined unit per component — atomically, and only if the donor did
/// not change meanwhile.
pub async fn record_donation(
    t3: &Track3,
    id: DonorId,
    input: DonationInput,
    actor: &Actor,
) -> Result<(Donation, Vec<BloodUnit>)> {
    let now = storage::now();
    let components = input.components.clone().unwrap_or_else(|| input.donation_type.default_components());
    input
        .donation_type
        .check_components(&components)
        .map_err(|m| Track3Error::Invalid(FieldError::new("/components", m)))?;
    let collected_at = collection_time(input.collected_at, now)?;
    let donor = donor(t3, id).await?;
    let day = collected_at.date_naive();
    let assessment = assess_donor(t3, &donor, input.donation_type, day, Some(input.hemoglobin_gdl)).await?;
    if !assessment.is_eligible() {
        let next_eligible_on = assessment.next_eligible_on;
        return Err(Track3Error::DonorNotEligible { reasons: assessment.reasons, next_eligible_on });
    }
    let donor_group =
        reconcile_group(donor.blood_group, donor.abo_confirmed, input.blood_group).map_err(Track3Error::from_group)?;
    let din = donation_number(t3, input.donation_number.as_deref(), collected_at).await?;
    let donation = Donation {
        id: DonationId(Uuid::now_v7()),
        donor_id: id,
        donation_type: input.donation_type,
        din,
        collected_at,
        volume_ml: input.volume_ml,
        hemoglobin_gdl: input.hemoglobin_gdl,
        blood_group: donor_group.0,
        recorded_by: actor.user_id.unwrap_or_default(),
        recorded_at: now,
    };
    let units = plan_units(&donation, &components, &t3.rules);
    let recall = DonorRecall::after(&donation, &t3.rules);
    let new = NewDonation { donation, units, donor_version: donor.version, donor_group, actor: actor.clone(), recall };
    t3.stores.donations.record(&new).await.map_err(|e| donation_conflict(e, &new))?;
    Ok((new.donation, new.units))
}

fn donation_conflict(err: StorageError, new: &NewDonation) -> Track3Error {
    match err {
        StorageError::Conflict(what) if what.contains("donor_version") => Track3Error::DonorChanged,
        StorageError::Conflict(what) if what.contains("din") || what.contains("unit_number") => {
            Track3Error::UnitNumberTaken(new.donation.din.to_string())
        }
        StorageError::NotFound => Track3Error::DonorNotFound(new.donation.donor_id.0),
        other => other.into(),
    }
}

/// A page of a donor's donations, newest first.
pub async fn donations(t3: &Track3, id: DonorId, page: PageRequest) -> Result<Page<Donation>> {
    donor(t3, id).await?;
    Ok(t3.stores.donations.list_for_donor(id, page).await?)
}
