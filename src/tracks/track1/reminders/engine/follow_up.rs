//! Step 3: the escalation ladder of sent, unacknowledged occurrences (`rules::escalation`):
//! repeats, the fallback channel, then missed — which adds to the reminder's run of misses and
//! fires each escalation rule whose count the run reaches, once per run (the notification's
//! idempotency key names the rule and the run's start), delivered by this same engine.

use chrono::{DateTime, Utc};

use super::Engine;
use crate::{
    storage::{StorageError, StoreResult},
    tracks::track1::reminders::{
        domain::{
            delivery::{Delivery, DeliveryKind},
            Reminder,
        },
        rules::{
            escalation::{next_escalation_step, recipient_method, rules_to_fire, EscalationStep, OccurrenceState},
            status::{transition, DeliveryEvent, DeliveryStatus},
        },
        store::{CounterDelta, Streak},
    },
};

pub(super) async fn run(engine: &Engine, now: DateTime<Utc>) -> StoreResult<u64> {
    let open = engine.stores.deliveries.unresolved(now, engine.config.batch_size).await?;
    let mut done = 0;
    for d in open {
        let Some(r) = engine.stores.reminders.find(d.reminder_id).await? else { continue };
        match step(engine, &r, d, now).await {
            Ok(n) => done += n,
            Err(StorageError::Conflict(_)) => {} // acknowledged or moved on meanwhile
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

fn is_primary(r: &Reminder, d: &Delivery) -> bool {
    r.delivery.methods.first() == Some(&d.method)
}

async fn step(engine: &Engine, r: &Reminder, d: Delivery, now: DateTime<Utc>) -> StoreResult<u64> {
    let siblings = engine.stores.deliveries.of_occurrence(r.id, d.occurrence_at).await?;
    if !is_primary(r, &d) {
        // The primary delivery carries the occurrence's ladder; the others follow its end.
        let primary_missed = siblings.iter().any(|s| is_primary(r, s) && s.status == DeliveryStatus::Missed);
        return if primary_missed { mark_missed(engine, d, now, CounterDelta::default()).await } else { Ok(0) };
    }
    let state = OccurrenceState {
        first_sent_at: d.sent_at.unwrap_or(d.scheduled_for),
        repeats_sent: siblings.iter().filter(|s| s.kind == DeliveryKind::Repeat).count() as u32,
        failed_at: (d.status == DeliveryStatus::Failed && d.final_attempt).then_some(d.updated_at),
        fallback_sent: siblings.iter().any(|s| s.kind == DeliveryKind::Fallback),
        resolved: false,
    };
    let Some(planned) = next_escalation_step(&r.delivery.escalation, &state, engine.config.missed_after) else {
        return Ok(0);
    };
    if !planned.is_due(now) {
        return Ok(0);
    }
    match planned.step {
        EscalationStep::Repeat { number } => {
            let next = d.follow_up(r, DeliveryKind::Repeat, number, d.method, now);
            engine.stores.deliveries.insert_new(&[next]).await
        }
        EscalationStep::Fallback { method } => {
            let next = d.follow_up(r, DeliveryKind::Fallback, 1, method, now);
            engine.stores.deliveries.insert_new(&[next]).await
        }
        EscalationStep::MarkMissed => {
            let delta = CounterDelta { missed: 1, streak: Streak::Miss(d.occurrence_at), ..CounterDelta::default() };
            let marked = mark_missed(engine, d.clone(), now, delta).await?;
            Ok(marked + escalate(engine, r, 1, d.occurrence_at, now).await?)
        }
    }
}

async fn mark_missed(engine: &Engine, mut d: Delivery, now: DateTime<Utc>, delta: CounterDelta) -> StoreResult<u64> {
    let from = d.status;
    let Ok(t) = transition(from, DeliveryEvent::Miss) else {
        // A finally failed delivery cannot be "missed" by the patient; its run ends as failed.
        d.missed_at = Some(now);
        d.updated_at = now;
        return engine.stores.deliveries.apply(&d, from, None, &delta).await.map(u64::from);
    };
    d.status = t.to;
    d.missed_at = Some(now);
    d.updated_at = now;
    engine.stores.deliveries.apply(&d, from, None, &delta).await.map(u64::from)
}

/// Fires the escalation rules for `misses` new misses of `r` (its counters as they were before
/// them), the latest at `last_miss_at`: the rules whose `missedCount` the run of misses reaches
/// or passes ([`rules_to_fire`]), each once however many misses the batch has. Used for a miss
/// found by the ladder (one) and for those the catch-up rule records after downtime (several).
/// The notices' keys name the rule and the run's start — as the store records it: the open
/// run's, else `last_miss_at` (`Streak::Miss`) — so a rule never fires twice in one run.
pub(super) async fn escalate(
    engine: &Engine,
    r: &Reminder,
    misses: u32,
    last_miss_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let before = u32::try_from(r.counters.missed_consecutive).unwrap_or(u32::MAX);
    let run_start = r.counters.streak_started_at.unwrap_or(last_miss_at);
    let rules = &r.smart_features.escalation_rules;
    let notices: Vec<Delivery> = rules_to_fire(rules, before, before.saturating_add(misses))
        .into_iter()
        .map(|rule| {
            let index = rules.iter().position(|x| x == rule).unwrap_or_default();
            let to = rule.recipient.trim().to_owned();
            Delivery::escalation(r, index, run_start, recipient_method(&to), to, now)
        })
        .collect();
    if notices.is_empty() {
        return Ok(0);
    }
    engine.stores.deliveries.insert_new(&notices).await
}
