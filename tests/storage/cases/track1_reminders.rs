//! Reminder store cases: reminders (versioned edits, lists, idempotent compare-and-set
//! materialising), deliveries (lease claims — never shared between concurrent claimers, taken
//! over when a lease lapses — attempts, conditional changes with deduplicated events and the
//! analytics counters they carry), and the in-app inbox.

use std::collections::HashSet;

use carechat::{
    gateway::identity::domain::{PageRequest, UserId},
    storage::{Backend, StorageError},
    tracks::track1::reminders::{
        domain::{
            delivery::{Delivery, DeliveryId},
            inbox::InboxItem,
            DeliverySettings, NewReminder, Reminder, ReminderStatus, ReminderType, SmartFeatures,
        },
        rules::{status::DeliveryStatus, DeliveryMethod},
        schedule::ReminderSchedule,
        store::{ensure_indexes, CounterDelta, DeliveryFilter, ReminderFilter, ReminderStores, Streak},
    },
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

async fn build(backend: &Backend) -> ReminderStores {
    ensure_indexes(backend).await.expect("indexes");
    ReminderStores::build(backend)
}

conformance!(
    build,
    [
        reminders_read_back_and_edits_are_versioned,
        reminder_lists_filter_and_page,
        materialising_is_idempotent_and_compare_and_set,
        concurrent_claimers_never_share_a_delivery,
        a_lapsed_lease_hands_the_delivery_to_another_instance,
        attempts_and_changes_keep_the_counters,
        provider_events_are_applied_once,
        closing_a_reminder_cancels_its_pending_deliveries,
        unresolved_occurrences_are_listed_until_acknowledged_or_missed,
        the_inbox_keeps_one_item_per_delivery,
    ]
);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 6, 0, 0).unwrap()
}

fn reminder(user: UserId, kind: ReminderType) -> Reminder {
    let schedule: ReminderSchedule = serde_json::from_value(json!({
        "type": "recurring", "timezone": "Europe/Paris", "startDate": "2026-11-01T00:00:00Z",
        "recurrence": {"pattern": "daily", "times": ["08:00"]}
    }))
    .unwrap();
    let delivery: DeliverySettings = serde_json::from_value(json!({
        "methods": ["in_app", "sms"], "preferences": {"sms": {"phone": "+250788123456"}},
        "retryPolicy": {"maxRetries": 2, "retryInterval": 5, "backoffMultiplier": 2.0}
    }))
    .unwrap();
    let new = NewReminder {
        user_id: user,
        title: "Metformin".into(),
        message: "Take 500 mg with breakfast".into(),
        reminder_type: kind,
        category: Some("prescription".into()),
        schedule,
        delivery,
        smart_features: SmartFeatures::default(),
    };
    Reminder::create(new, Some(t0() + Duration::hours(1)), UserId::generate(), t0())
}

async fn stored(s: &ReminderStores) -> Reminder {
    let r = reminder(UserId::generate(), ReminderType::Medication);
    s.reminders.insert(&r).await.unwrap();
    r
}

/// `n` deliveries of `r` due at `t0()`, one per minute before it.
async fn due_deliveries(s: &ReminderStores, r: &Reminder, n: i64) -> Vec<Delivery> {
    let all: Vec<Delivery> =
        (0..n).map(|i| Delivery::scheduled(r, t0() - Duration::minutes(i), DeliveryMethod::InApp, t0())).collect();
    assert_eq!(s.deliveries.insert_new(&all).await.unwrap(), n as u64);
    all
}

async fn reminders_read_back_and_edits_are_versioned(s: &ReminderStores) {
    let mut r = stored(s).await;
    assert_eq!(s.reminders.find(r.id).await.unwrap().unwrap(), r);
    let actor = UserId::generate();
    r.title = "Metformin 850".into();
    r.touch(actor, t0() + Duration::minutes(1));
    s.reminders.update(&r).await.unwrap();
    let back = s.reminders.find(r.id).await.unwrap().unwrap();
    assert_eq!((back.title.as_str(), back.version, back.last_modified_by), ("Metformin 850", 1, actor));
    // A stale edit (same version again) loses.
    assert!(matches!(s.reminders.update(&r).await, Err(StorageError::Conflict(_))));
    let ghost = reminder(UserId::generate(), ReminderType::Custom);
    let mut ghost_edit = ghost.clone();
    ghost_edit.touch(actor, t0());
    assert!(matches!(s.reminders.update(&ghost_edit).await, Err(StorageError::NotFound)));
}

async fn reminder_lists_filter_and_page(s: &ReminderStores) {
    let user = UserId::generate();
    for kind in [ReminderType::Medication, ReminderType::Appointment, ReminderType::Medication] {
        s.reminders.insert(&reminder(user, kind)).await.unwrap();
    }
    stored(s).await;
    let mine = ReminderFilter { user_id: Some(user), ..ReminderFilter::default() };
    let page = s.reminders.list(&mine, PageRequest { page: 1, per_page: 2 }).await.unwrap();
    assert_eq!((page.total, page.items.len()), (3, 2));
    assert!(page.items[0].created_at >= page.items[1].created_at);
    let meds = ReminderFilter { reminder_type: Some(ReminderType::Medication), ..mine.clone() };
    assert_eq!(s.reminders.list(&meds, PageRequest { page: 1, per_page: 20 }).await.unwrap().total, 2);
    let paused = ReminderFilter { status: Some(ReminderStatus::Paused), ..mine };
    assert_eq!(s.reminders.list(&paused, PageRequest { page: 1, per_page: 20 }).await.unwrap().total, 0);
}

async fn materialising_is_idempotent_and_compare_and_set(s: &ReminderStores) {
    let r = stored(s).await;
    let first = r.next_occurrence_at.unwrap();
    assert_eq!(s.reminders.due(first - Duration::seconds(1), 10).await.unwrap().len(), 0);
    assert_eq!(s.reminders.due(first, 10).await.unwrap()[0].id, r.id);
    let batch: Vec<Delivery> = r.delivery.methods.iter().map(|m| Delivery::scheduled(&r, first, *m, t0())).collect();
    let next = first + Duration::days(1);
    assert_eq!(s.reminders.advance(r.id, first, Some(next), &batch, &CounterDelta::default()).await.unwrap(), 2);
    // A second instance that read the same reminder loses, and creates nothing.
    let again: Vec<Delivery> = r.delivery.methods.iter().map(|m| Delivery::scheduled(&r, first, *m, t0())).collect();
    assert!(matches!(
        s.reminders.advance(r.id, first, Some(next), &again, &CounterDelta::default()).await,
        Err(StorageError::Conflict(_))
    ));
    // Re-materialising an occurrence whose deliveries exist inserts nothing new; the catch-up
    // misses it records count.
    let missed_two = CounterDelta { missed: 2, streak: Streak::Miss(next), ..CounterDelta::default() };
    assert_eq!(s.reminders.advance(r.id, next, Some(next + Duration::days(1)), &again, &missed_two).await.unwrap(), 0);
    let back = s.reminders.find(r.id).await.unwrap().unwrap();
    assert_eq!(back.next_occurrence_at, Some(next + Duration::days(1)));
    assert_eq!(back.counters.total_scheduled, 2);
    assert_eq!((back.counters.total_missed, back.counters.missed_consecutive), (2, 2));
    assert_eq!((back.counters.streak_started_at, back.counters.last_missed_at), (Some(next), Some(next)));
    let filter = DeliveryFilter { reminder_id: Some(r.id), ..DeliveryFilter::default() };
    assert_eq!(s.deliveries.list(&filter, PageRequest { page: 1, per_page: 50 }).await.unwrap().total, 2);
}

async fn concurrent_claimers_never_share_a_delivery(s: &ReminderStores) {
    let r = stored(s).await;
    due_deliveries(s, &r, 40).await;
    let claimer = |owner: &'static str| {
        let deliveries = s.deliveries.clone();
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = deliveries.claim(t0(), owner, t0() + Duration::seconds(60), 3).await.unwrap();
                if batch.is_empty() {
                    break got;
                }
                assert!(batch.iter().all(|d| d.status == DeliveryStatus::Sending));
                got.extend(batch.into_iter().map(|d| d.id));
            }
        })
    };
    let (a, b) = (claimer("engine-a"), claimer("engine-b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let all: HashSet<DeliveryId> = a.iter().chain(&b).copied().collect();
    assert_eq!(a.len() + b.len(), 40, "every delivery claimed once");
    assert_eq!(all.len(), 40, "no delivery claimed twice");
}

async fn a_lapsed_lease_hands_the_delivery_to_another_instance(s: &ReminderStores) {
    let r = stored(s).await;
    due_deliveries(s, &r, 1).await;
    let lease = Duration::seconds(60);
    let claimed = s.deliveries.claim(t0(), "engine-a", t0() + lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(s
        .deliveries
        .claim(t0() + Duration::seconds(30), "engine-b", t0() + lease * 2, 10)
        .await
        .unwrap()
        .is_empty());
    let later = t0() + Duration::seconds(61);
    let retaken = s.deliveries.claim(later, "engine-b", later + lease, 10).await.unwrap();
    assert_eq!(retaken.len(), 1);
    assert_eq!(retaken[0].lease.as_ref().unwrap().owner, "engine-b");
    // The first instance, back from the dead, can no longer record its attempt.
    let mut stale = claimed[0].clone();
    stale.status = DeliveryStatus::Sent;
    stale.lease = None;
    stale.due_at = None;
    let err = s.deliveries.finish_attempt(&stale, "engine-a", &CounterDelta::default()).await;
    assert!(matches!(err, Err(StorageError::Conflict(_))));
}

async fn attempts_and_changes_keep_the_counters(s: &ReminderStores) {
    let r = stored(s).await;
    due_deliveries(s, &r, 1).await;
    let mut d = s.deliveries.claim(t0(), "engine-a", t0() + Duration::seconds(60), 1).await.unwrap().remove(0);
    d.status = DeliveryStatus::Sent;
    d.sent_at = Some(t0());
    d.lease = None;
    d.due_at = None;
    d.provider.message_id = Some("SM123".into());
    s.deliveries.finish_attempt(&d, "engine-a", &CounterDelta { sent: 1, ..CounterDelta::default() }).await.unwrap();
    assert_eq!(s.deliveries.find_by_message_id("SM123").await.unwrap().unwrap().id, d.id);
    let missed = CounterDelta { missed: 1, streak: Streak::Miss(t0()), ..CounterDelta::default() };
    let mut m = d.clone();
    m.status = DeliveryStatus::Missed;
    m.missed_at = Some(t0() + Duration::hours(1));
    assert!(s.deliveries.apply(&m, DeliveryStatus::Sent, None, &missed).await.unwrap());
    let c = s.reminders.find(r.id).await.unwrap().unwrap().counters;
    assert_eq!((c.total_sent, c.total_missed, c.missed_consecutive), (1, 1, 1));
    assert_eq!((c.streak_started_at, c.last_missed_at), (Some(t0()), Some(t0())));
    // A stale change (the status moved on) is refused.
    assert!(matches!(
        s.deliveries.apply(&m, DeliveryStatus::Sent, None, &missed).await,
        Err(StorageError::Conflict(_))
    ));
    let mut a = m.clone();
    a.status = DeliveryStatus::Acknowledged;
    let ack = CounterDelta { acknowledged: 1, response_secs: 90, streak: Streak::Reset, ..CounterDelta::default() };
    assert!(s.deliveries.apply(&a, DeliveryStatus::Missed, None, &ack).await.unwrap());
    let c = s.reminders.find(r.id).await.unwrap().unwrap().counters;
    assert_eq!(
        (c.total_acknowledged, c.response_secs_sum, c.missed_consecutive, c.streak_started_at),
        (1, 90, 0, None)
    );
    assert_eq!(c.last_missed_at, Some(t0()), "the last miss is history");
}

async fn provider_events_are_applied_once(s: &ReminderStores) {
    let r = stored(s).await;
    due_deliveries(s, &r, 1).await;
    let mut d = s.deliveries.claim(t0(), "engine-a", t0() + Duration::seconds(60), 1).await.unwrap().remove(0);
    d.status = DeliveryStatus::Sent;
    d.lease = None;
    d.due_at = None;
    s.deliveries.finish_attempt(&d, "engine-a", &CounterDelta { sent: 1, ..CounterDelta::default() }).await.unwrap();
    let mut delivered = d.clone();
    delivered.status = DeliveryStatus::Delivered;
    delivered.delivered_at = Some(t0());
    let delta = CounterDelta { delivered: 1, ..CounterDelta::default() };
    assert!(s.deliveries.apply(&delivered, DeliveryStatus::Sent, Some("twilio:SM1:delivered"), &delta).await.unwrap());
    assert!(!s.deliveries.apply(&delivered, DeliveryStatus::Sent, Some("twilio:SM1:delivered"), &delta).await.unwrap());
    assert_eq!(s.reminders.find(r.id).await.unwrap().unwrap().counters.total_delivered, 1);
}

async fn closing_a_reminder_cancels_its_pending_deliveries(s: &ReminderStores) {
    let mut r = stored(s).await;
    let ds = due_deliveries(s, &r, 3).await;
    s.deliveries.claim(t0(), "engine-a", t0() + Duration::seconds(60), 1).await.unwrap();
    r.transition(ReminderStatus::Cancelled, UserId::generate(), t0()).unwrap();
    s.reminders.update(&r).await.unwrap();
    let mut statuses = Vec::new();
    for d in &ds {
        statuses.push(s.deliveries.find(d.id).await.unwrap().unwrap().status);
    }
    statuses.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(statuses, [DeliveryStatus::Cancelled, DeliveryStatus::Cancelled, DeliveryStatus::Sending]);
    assert!(
        s.deliveries.claim(t0() + Duration::hours(1), "engine-b", t0() + Duration::hours(2), 10).await.unwrap().len()
            <= 1
    );
}

async fn unresolved_occurrences_are_listed_until_acknowledged_or_missed(s: &ReminderStores) {
    let r = stored(s).await;
    let (a, b) = (t0() - Duration::hours(1), t0() - Duration::minutes(30));
    let ds = [
        Delivery::scheduled(&r, a, DeliveryMethod::InApp, t0()),
        Delivery::scheduled(&r, a, DeliveryMethod::Sms, t0()),
        Delivery::scheduled(&r, b, DeliveryMethod::InApp, t0()),
    ];
    s.deliveries.insert_new(&ds).await.unwrap();
    for mut d in s.deliveries.claim(t0(), "engine-a", t0() + Duration::seconds(60), 10).await.unwrap() {
        d.status = DeliveryStatus::Sent;
        d.sent_at = Some(t0());
        d.lease = None;
        d.due_at = None;
        s.deliveries.finish_attempt(&d, "engine-a", &CounterDelta::default()).await.unwrap();
    }
    let open = s.deliveries.unresolved(t0(), 10).await.unwrap();
    assert_eq!(open.iter().map(|d| d.occurrence_at).collect::<Vec<_>>(), [a, a, b], "oldest first");
    assert_eq!(s.deliveries.of_occurrence(r.id, a).await.unwrap().len(), 2);
    // Acknowledging one channel of an occurrence resolves the occurrence.
    let mut acked = open[0].clone();
    acked.status = DeliveryStatus::Acknowledged;
    acked.acknowledged_at = Some(t0());
    s.deliveries.apply(&acked, DeliveryStatus::Sent, None, &CounterDelta::default()).await.unwrap();
    let open = s.deliveries.unresolved(t0(), 10).await.unwrap();
    assert_eq!(open.iter().map(|d| d.id).collect::<Vec<_>>(), [ds[2].id]);
    assert!(s.deliveries.unresolved(a - Duration::seconds(1), 10).await.unwrap().is_empty());
}

async fn the_inbox_keeps_one_item_per_delivery(s: &ReminderStores) {
    let r = stored(s).await;
    let ds = due_deliveries(s, &r, 2).await;
    let item = |d: &Delivery, at: DateTime<Utc>| InboxItem {
        id: uuid::Uuid::now_v7(),
        user_id: r.user_id,
        delivery_id: d.id,
        reminder_id: r.id,
        title: r.title.clone(),
        message: r.message.clone(),
        created_at: at,
        read_at: None,
    };
    assert!(s.inbox.put(&item(&ds[0], t0())).await.unwrap());
    assert!(!s.inbox.put(&item(&ds[0], t0())).await.unwrap(), "a re-dispatch adds nothing");
    assert!(s.inbox.put(&item(&ds[1], t0() + Duration::seconds(5))).await.unwrap());
    let page = s.inbox.list(r.user_id, PageRequest { page: 1, per_page: 10 }).await.unwrap();
    assert_eq!((page.total, page.items[0].delivery_id), (2, ds[1].id));
    let since = s.inbox.since(r.user_id, t0(), 10).await.unwrap();
    assert_eq!(since.iter().map(|i| i.delivery_id).collect::<Vec<_>>(), [ds[1].id]);
    assert!(s.inbox.list(UserId::generate(), PageRequest { page: 1, per_page: 10 }).await.unwrap().items.is_empty());
}
