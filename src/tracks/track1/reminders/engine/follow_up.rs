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
            escalation::{next_escalation_step, rules_to_fire, EscalationStep, OccurrenceState},
            status::{transition, DeliveryEvent, DeliveryStatus},
            DeliveryMethod,
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
            Ok(marked + escalate(engine, r, &d, now).await?)
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

/// Escalation notifications for the run of misses this miss extends.
async fn escalate(engine: &Engine, r: &Reminder, d: &Delivery, now: DateTime<Utc>) -> StoreResult<u64> {
    let before = u32::try_from(r.counters.missed_consecutive).unwrap_or(u32::MAX);
    let run_start = r.counters.streak_started_at.unwrap_or(d.occurrence_at);
    let notices: Vec<Delivery> = rules_to_fire(&r.smart_features.escalation_rules, before, before.saturating_add(1))
        .into_iter()
        .map(|rule| {
            let index = r.smart_features.escalation_rules.iter().position(|x| x == rule).unwrap_or_default();
            let to = rule.recipient.trim().to_owned();
            let method = if to.starts_with('+') {
                DeliveryMethod::Sms
            } else if to.contains('@') {
                DeliveryMethod::Email
            } else {
                DeliveryMethod::InApp
            };
            Delivery::escalation(r, index, run_start, method, to, now)
        })
        .collect();
    if notices.is_empty() {
        return Ok(0);
    }
    engine.stores.deliveries.insert_new(&notices).await
}
