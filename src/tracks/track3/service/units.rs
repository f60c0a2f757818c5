//! Unit use cases: reading (after marking overdue units expired), screening, discard,
//! release after an excursion assessment, temperature excursions and the inventory summary.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::Track3;
use crate::{
    analytics::{Dimensions, EventContext, Metric, UserSegment},
    gateway::identity::domain::{Page, PageRequest},
    storage,
    tracks::track3::{
        domain::{
            donation::DonationId,
            inventory::{summarize, InventoryLine},
            screening::{evaluate, ScreeningRecord, ScreeningStatus, ScreeningTest, TestResult},
            units::{Actor, BloodUnit, DiscardReason, QuarantineReason, UnitAction, UnitEvent, UnitId, UnitTransition},
            FieldError, TemperatureExcursion,
        },
        error::Track3Error,
        store::UnitFilter,
    },
};

type Result<T> = std::result::Result<T, Track3Error>;

/// Marks overdue units expired, so nothing past its expiry is ever shown as usable.
pub(super) async fn expire_due(t3: &Track3) -> Result<DateTime<Utc>> {
    let now = storage::now();
    let expired = t3.stores.units.expire_due(now).await?;
    if expired > 0 {
        log::info!("marked {expired} unit(s) expired");
        let dims = Dimensions::segment(UserSegment::System).department("blood_bank");
        t3.analytics.counter(Metric::BloodUnitsExpired, expired, dims, EventContext::default());
    }
    Ok(now)
}

/// A unit, or `unit_not_found`.
pub async fn unit(t3: &Track3, id: UnitId) -> Result<BloodUnit> {
    expire_due(t3).await?;
    find(t3, id).await
}

async fn find(t3: &Track3, id: UnitId) -> Result<BloodUnit> {
    t3.stores.units.find(id).await?.ok_or(Track3Error::UnitNotFound(id.0))
}

/// A page of units, first expiring first.
pub async fn list(
    t3: &Track3,
    mut filter: UnitFilter,
    within_days: Option<u32>,
    page: PageRequest,
) -> Result<Page<BloodUnit>> {
    let now = expire_due(t3).await?;
    filter.expires_before = within_days.map(|days| now + Duration::days(i64::from(days)));
    Ok(t3.stores.units.list(&filter, page).await?)
}

/// A unit's audit trail, oldest first.
pub async fn events(t3: &Track3, id: UnitId) -> Result<Vec<UnitEvent>> {
    unit(t3, id).await?;
    Ok(t3.stores.units.events(id).await?)
}

async fn donation_units(t3: &Track3, donation: DonationId) -> Result<Vec<BloodUnit>> {
    let filter = UnitFilter { donation_id: Some(donation), ..UnitFilter::default() };
    Ok(t3.stores.units.list(&filter, PageRequest { page: 1, per_page: 100 }).await?.items)
}

/// What recording screening results led to.
#[derive(Debug, Clone)]
pub struct ScreeningOutcome {
    /// The donation tested.
    pub donation_id: DonationId,
    /// Every result recorded for it, oldest first.
    pub results: Vec<ScreeningRecord>,
    /// What they allow.
    pub status: ScreeningStatus,
    /// Required tests still without a negative result.
    pub outstanding: Vec<ScreeningTest>,
    /// The donation's units after the change.
    pub units: Vec<BloodUnit>,
}

/// Records results for the donation `unit` came from: when every required test is negative its
/// units awaiting screening are released; when one is positive every unit still in stock is
/// discarded.
pub async fn record_screening(
    t3: &Track3,
    id: UnitId,
    results: &[(ScreeningTest, TestResult)],
    actor: &Actor,
) -> Result<ScreeningOutcome> {
    let now = expire_due(t3).await?;
    let unit = find(t3, id).await?;
    let recorded_by = actor.user_id.unwrap_or_default();
    let new: Vec<ScreeningRecord> = results
        .iter()
        .map(|(test, result)| ScreeningRecord {
            id: Uuid::now_v7(),
            donation_id: unit.donation_id,
            test: *test,
            result: *result,
            recorded_by,
            recorded_at: now,
        })
        .collect();
    let mut all = t3.stores.donations.screening(unit.donation_id).await?;
    all.extend(new.iter().cloned());
    let (status, outstanding) = evaluate(&all, &t3.rules.required_tests);
    let units = donation_units(t3, unit.donation_id).await?;
    let changes = screening_changes(&units, &status, actor, now);
    t3.stores.units.record_screening(&new, &changes).await.map_err(|e| Track3Error::changed(id.0, e))?;
    let units = donation_units(t3, unit.donation_id).await?;
    Ok(ScreeningOutcome { donation_id: unit.donation_id, results: all, status, outstanding, units })
}

fn screening_changes(
    units: &[BloodUnit],
    status: &ScreeningStatus,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Vec<UnitTransition> {
    let action = match status {
        ScreeningStatus::Reactive => UnitAction::Discard(DiscardReason::PositiveScreening),
        ScreeningStatus::Cleared => UnitAction::Release,
        ScreeningStatus::Pending => return Vec::new(),
    };
    units
        .iter()
        .filter(|u| match action {
            UnitAction::Release => {
                u.quarantine_reason == Some(QuarantineReason::AwaitingScreening) && !u.is_expired_at(now)
            }
            _ => true,
        })
        .filter_map(|u| u.transition(action, None, actor, now).ok())
        .collect()
}

/// Discards a unit with a reason.
pub async fn discard(
    t3: &Track3,
    id: UnitId,
    reason: DiscardReason,
    note: Option<String>,
    actor: &Actor,
) -> Result<BloodUnit> {
    let now = expire_due(t3).await?;
    let unit = find(t3, id).await?;
    let change = unit.transition(UnitAction::Discard(reason), note, actor, now)?;
    t3.stores.units.transition(&change).await.map_err(|e| Track3Error::changed(id.0, e))?;
    find(t3, id).await
}

/// Releases a quarantined unit after assessment (a temperature excursion judged harmless):
/// only when its donation's screening is cleared and it has not expired.
pub async fn release(t3: &Track3, id: UnitId, note: Option<String>, actor: &Actor) -> Result<BloodUnit> {
    let now = expire_due(t3).await?;
    let unit = find(t3, id).await?;
    let change = unit.transition(UnitAction::Release, note, actor, now)?;
    let results = t3.stores.donations.screening(unit.donation_id).await?;
    let (status, outstanding) = evaluate(&results, &t3.rules.required_tests);
    if status != ScreeningStatus::Cleared {
        let missing: Vec<&str> = outstanding.iter().map(|t| t.as_str()).collect();
        let why = match status {
            ScreeningStatus::Reactive => "a screening test is positive".to_owned(),
            _ => format!("screening is incomplete (no negative result for {})", missing.join(", ")),
        };
        return Err(Track3Error::NotReleasable { unit: id.0, why });
    }
    t3.stores.units.transition(&change).await.map_err(|e| Track3Error::changed(id.0, e))?;
    find(t3, id).await
}

/// A temperature excursion to record.
#[derive(Debug, Clone)]
pub struct ExcursionInput {
    /// The units stored there (each is quarantined).
    pub unit_ids: Vec<Uuid>,
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
}

/// Records an excursion and quarantines every unit it names, all or nothing.
pub async fn record_excursion(
    t3: &Track3,
    input: ExcursionInput,
    actor: &Actor,
) -> Result<(TemperatureExcursion, Vec<BloodUnit>)> {
    let now = expire_due(t3).await?;
    if input.started_at > now + Duration::minutes(5) {
        return Err(Track3Error::Invalid(FieldError::new("/startedAt", "must not be in the future")));
    }
    if input.ended_at.is_some_and(|end| end < input.started_at) {
        return Err(Track3Error::Invalid(FieldError::new("/endedAt", "must not be before startedAt")));
    }
    let excursion = TemperatureExcursion {
        id: Uuid::now_v7(),
        location: input.location,
        temperature_c: input.temperature_c,
        started_at: chrono::SubsecRound::trunc_subsecs(input.started_at, 3),
        ended_at: input.ended_at.map(|e| chrono::SubsecRound::trunc_subsecs(e, 3)),
        note: input.note.clone(),
        recorded_by: actor.user_id.unwrap_or_default(),
        recorded_at: now,
    };
    let mut ids = input.unit_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let mut changes = Vec::with_capacity(ids.len());
    for id in &ids {
        let unit = find(t3, UnitId(*id)).await?;
        let action = UnitAction::Quarantine(QuarantineReason::TemperatureExcursion);
        let mut change = unit.transition(action, input.note.clone(), actor, now)?;
        change.excursion_id = Some(excursion.id);
        changes.push(change);
    }
    let first = ids.first().copied().unwrap_or_default();
    t3.stores.units.record_excursion(&excursion, &changes).await.map_err(|e| Track3Error::changed(first, e))?;
    let mut units = Vec::with_capacity(changes.len());
    for change in &changes {
        units.push(find(t3, change.unit_id).await?);
    }
    Ok((excursion, units))
}

/// The inventory summary with units expiring within `within_days` counted as expiring soon.
pub async fn inventory(t3: &Track3, within_days: u32) -> Result<(DateTime<Utc>, Vec<InventoryLine>)> {
    let now = expire_due(t3).await?;
    let counts = t3.stores.units.stock(now + Duration::days(i64::from(within_days))).await?;
    Ok((now, summarize(&counts, &t3.rules)))
}
