//! Step 1: occurrences due within the lookahead become deliveries, idempotently. Occurrences
//! the catch-up rule records as missed count for the reminder's escalation rules like any miss:
//! after the batch is stored, each rule its run of misses reaches fires once for the batch
//! (`follow_up::escalate`), not once per missed occurrence.

use chrono::{DateTime, Utc};
use futures_util::{stream, StreamExt};

use super::{follow_up, Engine, CONCURRENCY};
use crate::{
    storage::{StorageError, StoreResult},
    tracks::track1::reminders::{
        domain::{delivery::Delivery, Reminder},
        rules::{
            catch_up::{catch_up, CatchUpDecision},
            status::DeliveryStatus,
        },
        store::{CounterDelta, Streak},
    },
};

/// Most occurrences of one reminder materialised per tick (a long outage catches up over
/// several ticks).
const MAX_OCCURRENCES_PER_TICK: usize = 50;

pub(super) async fn run(engine: &Engine, now: DateTime<Utc>) -> StoreResult<u64> {
    let until = now + engine.config.lookahead;
    let due = engine.stores.reminders.due(until, engine.config.batch_size).await?;
    // Futures built by a plain iterator: a stream `map` closure over borrowed items trips the
    // compiler's `Send` inference for the spawned engine loop.
    let runs = due.into_iter().map(|r| async move { one(engine, &r, now, until).await });
    let mut runs = stream::iter(runs).buffer_unordered(CONCURRENCY);
    let mut created = 0;
    while let Some(n) = runs.next().await {
        created += n?;
    }
    Ok(created)
}

async fn one(engine: &Engine, r: &Reminder, now: DateTime<Utc>, until: DateTime<Utc>) -> StoreResult<u64> {
    let Some(from) = r.next_occurrence_at else { return Ok(0) };
    let schedule = match r.schedule.clone().validate() {
        Ok(valid) => valid,
        Err(e) => {
            log::error!("reminder {}: stored schedule no longer valid, not materialised: {e}", r.id.0);
            return Ok(0);
        }
    };
    let mut occurrences = vec![from];
    let mut next = schedule.next_after(from);
    while let Some(at) = next.filter(|at| *at <= until && occurrences.len() < MAX_OCCURRENCES_PER_TICK) {
        occurrences.push(at);
        next = schedule.next_after(at);
    }
    let deliveries: Vec<Delivery> = occurrences
        .iter()
        .flat_map(|at| r.delivery.methods.iter().map(move |m| (at, m)))
        .map(|(at, method)| caught_up(engine, r, Delivery::scheduled(r, *at, *method, now), now))
        .collect();
    let missed = caught_up_misses(&deliveries);
    let delta = missed.map_or_else(CounterDelta::default, |(n, last)| CounterDelta {
        missed: i64::from(n),
        streak: Streak::Miss(last),
        ..CounterDelta::default()
    });
    let created = match engine.stores.reminders.advance(r.id, from, next, &deliveries, &delta).await {
        Ok(n) => n,
        // Another instance materialised it first: its deliveries (and escalations) stand.
        Err(StorageError::Conflict(_)) => return Ok(0),
        Err(e) => return Err(e),
    };
    // After the misses are stored, as for a miss found by the ladder: a crash in between loses
    // the notice (at most once), never sends one for misses that were not recorded.
    let escalated = match missed {
        Some((n, last)) => follow_up::escalate(engine, r, n, last, now).await?,
        None => 0,
    };
    Ok(created + escalated)
}

/// The occurrences the catch-up rule recorded as missed: how many (one per occurrence, not
/// per channel) and the latest, or `None`.
fn caught_up_misses(deliveries: &[Delivery]) -> Option<(u32, DateTime<Utc>)> {
    let mut missed: Vec<DateTime<Utc>> =
        deliveries.iter().filter(|d| d.status == DeliveryStatus::Missed).map(|d| d.occurrence_at).collect();
    missed.dedup();
    missed.last().map(|last| (u32::try_from(missed.len()).unwrap_or(u32::MAX), *last))
}

/// Applies the catch-up rule to an occurrence already in the past.
fn caught_up(engine: &Engine, r: &Reminder, mut d: Delivery, now: DateTime<Utc>) -> Delivery {
    if d.scheduled_for >= now {
        return d;
    }
    match catch_up(&engine.config.catch_up, r.reminder_type, d.scheduled_for, now, None) {
        CatchUpDecision::Send { .. } => {}
        CatchUpDecision::Miss => {
            d.status = DeliveryStatus::Missed;
            d.missed_at = Some(now);
            d.due_at = None;
        }
        CatchUpDecision::Skip => {
            d.status = DeliveryStatus::Skipped;
            d.due_at = None;
        }
    }
    d
}
