//! Throughput of the reminder engine (not a timed test): `scripts/bench-reminders.sh` runs it.
//! For each backend available — a temporary SQLite file, and PostgreSQL when
//! `CARECHAT_TEST_POSTGRES_URL` names a server — it stores `BENCH_REMINDERS` (default 100 000)
//! active daily reminders all due at the same instant, then times the engine stepping over them:
//! materialising their occurrences into deliveries, then dispatching those to the in-app inbox.
//! Prints deliveries per second for each phase.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::{sync::Arc, time::Instant};

use carechat::{
    gateway::identity::domain::UserId,
    storage::{testing::TestBackend, BackendKind},
    tracks::track1::reminders::{
        channels::ProviderChannels,
        domain::{DeliverySettings, NewReminder, Reminder, ReminderType, SmartFeatures},
        engine::{Engine, EngineConfig, InboxHub, ManualClock},
        rules::catch_up::CatchUpPolicy,
        schedule::ReminderSchedule,
        store::ReminderStores,
    },
};
use chrono::{Duration, TimeZone, Utc};
use futures_util::{stream, StreamExt};
use serde_json::json;

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn reminder(due: chrono::DateTime<Utc>) -> Reminder {
    let schedule: ReminderSchedule = serde_json::from_value(json!({
        "type": "recurring", "timezone": "Africa/Kigali", "startDate": "2030-01-01T00:00:00Z",
        "recurrence": {"pattern": "daily", "times": ["08:00"]}
    }))
    .unwrap();
    let delivery: DeliverySettings = serde_json::from_value(json!({"methods": ["in_app"]})).unwrap();
    let new = NewReminder {
        user_id: UserId::generate(),
        title: "Metformin 500 mg".into(),
        message: "Time for your metformin, with food.".into(),
        reminder_type: ReminderType::Medication,
        category: None,
        schedule,
        delivery,
        smart_features: SmartFeatures::default(),
    };
    Reminder::create(new, Some(due), UserId::generate(), due - Duration::days(1))
}

async fn run(kind: BackendKind, count: u32, batch: u32) {
    let Some(test) = TestBackend::new(kind).await else {
        println!("{kind}: skipped (no server)");
        return;
    };
    let stores = ReminderStores::build(&test.backend);
    let due = Utc.with_ymd_and_hms(2030, 1, 1, 6, 0, 0).unwrap();
    let started = Instant::now();
    let inserts = (0..count).map(|_| {
        let reminders = stores.reminders.clone();
        async move { reminders.insert(&reminder(due)).await.unwrap() }
    });
    stream::iter(inserts).buffer_unordered(16).collect::<Vec<()>>().await;
    println!("{kind}: stored {count} active reminders in {:.1}s", started.elapsed().as_secs_f64());

    let config = EngineConfig {
        lease: Duration::seconds(60),
        lookahead: Duration::seconds(60),
        missed_after: Duration::minutes(60),
        batch_size: batch,
        catch_up: CatchUpPolicy::default(),
    };
    let clock = ManualClock::at(due);
    let engine = Engine::new(stores.clone(), ProviderChannels::default(), InboxHub::new(), Arc::new(clock), config);
    let phase = |name: &'static str, total: u64, secs: f64| {
        println!(
            "{kind}: {name:<12} {total:>7} deliveries in {secs:>6.1}s = {:>7.0} deliveries/s",
            total as f64 / secs
        );
    };
    let started = Instant::now();
    let mut materialised = 0;
    loop {
        let n = engine.materialise().await.unwrap();
        if n == 0 {
            break;
        }
        materialised += n;
    }
    phase("materialised", materialised, started.elapsed().as_secs_f64());
    let started = Instant::now();
    let mut dispatched = 0;
    loop {
        let n = engine.dispatch().await.unwrap();
        if n == 0 {
            break;
        }
        dispatched += n;
    }
    phase("dispatched", dispatched, started.elapsed().as_secs_f64());
    assert_eq!((materialised, dispatched), (u64::from(count), u64::from(count)));
}

#[tokio::main]
async fn main() {
    let count = env_number("BENCH_REMINDERS", 100_000);
    let batch = env_number("BENCH_BATCH", 500);
    println!("reminder engine: {count} active reminders due at once, batches of {batch}");
    run(BackendKind::Sqlite, count, batch).await;
    run(BackendKind::Postgres, count, batch).await;
}
