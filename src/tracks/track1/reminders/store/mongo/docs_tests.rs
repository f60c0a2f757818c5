use bson::doc;
use chrono::{TimeZone, Utc};

use super::docs::*;
use crate::{
    gateway::identity::domain::UserId,
    tracks::track1::reminders::{
        domain::{delivery::Delivery, DeliverySettings, NewReminder, Reminder, ReminderType, SmartFeatures},
        rules::{status::DeliveryStatus, DeliveryMethod},
        schedule::{ReminderSchedule, ScheduleType},
        store::{CounterDelta, ReminderFilter, Streak},
    },
};

fn reminder() -> Reminder {
    let at = Utc.with_ymd_and_hms(2026, 3, 29, 6, 0, 0).unwrap();
    let schedule = ReminderSchedule {
        schedule_type: ScheduleType::OneTime,
        timezone: "Europe/Paris".into(),
        start_date: None,
        end_date: None,
        scheduled_time: Some(at),
        recurrence: None,
    };
    let delivery: DeliverySettings = serde_json::from_value(serde_json::json!({"methods": ["in_app"]})).unwrap();
    let new = NewReminder {
        user_id: UserId::generate(),
        title: "Metformin".into(),
        message: "Take it with food".into(),
        reminder_type: ReminderType::Medication,
        category: Some("prescription".into()),
        schedule,
        delivery,
        smart_features: SmartFeatures::default(),
    };
    Reminder::create(new, Some(at), UserId::generate(), at - chrono::Duration::days(1))
}

#[test]
fn reminders_and_deliveries_round_trip_through_their_documents() {
    let r = reminder();
    let doc = bson::to_document(&ReminderDoc::of(&r)).unwrap();
    assert_eq!(doc.get_str("reminderType").unwrap(), "medication");
    assert_eq!(doc.get_document("analytics").unwrap().get_i64("totalSent").unwrap(), 0);
    let back: ReminderDoc = bson::from_document(doc).unwrap();
    assert_eq!(Reminder::try_from(back).unwrap(), r);

    let d = Delivery::scheduled(&r, r.next_occurrence_at.unwrap(), DeliveryMethod::InApp, r.created_at);
    let doc = bson::to_document(&DeliveryDoc::of(&d)).unwrap();
    assert_eq!(doc.get_str("status").unwrap(), "pending");
    assert_eq!(doc.get_str("method").unwrap(), "in_app");
    let back: DeliveryDoc = bson::from_document(doc).unwrap();
    assert_eq!(Delivery::try_from(back).unwrap(), d);
}

#[test]
fn claims_take_due_and_abandoned_deliveries_only() {
    let now = Utc.with_ymd_and_hms(2026, 3, 29, 6, 0, 0).unwrap();
    let filter = claimable(now);
    assert_eq!(filter.get_document("status").unwrap(), &doc! { "$in": ["pending", "sending"] });
    let update = claim_update("engine-a", now, now + chrono::Duration::seconds(60));
    let set = update.get_document("$set").unwrap();
    assert_eq!(set.get_str("status").unwrap(), "sending");
    assert_eq!(set.get_datetime("dueAt").unwrap(), set.get_datetime("leaseUntil").unwrap());
}

#[test]
fn counter_updates_open_a_run_of_misses_only_once() {
    let at = Utc.with_ymd_and_hms(2026, 3, 29, 6, 0, 0).unwrap();
    let miss = counters_update(&CounterDelta { missed: 1, streak: Streak::Miss(at), ..CounterDelta::default() });
    let set = miss[0].get_document("$set").unwrap();
    assert!(set.get_document("analytics.streakStartedAt").unwrap().contains_key("$ifNull"));
    assert_eq!(set.get_document("analytics.totalMissed").unwrap(), &doc! { "$add": ["$analytics.totalMissed", 1_i64] });
    let reset = counters_update(&CounterDelta { acknowledged: 1, streak: Streak::Reset, ..CounterDelta::default() });
    assert_eq!(reset[0].get_document("$set").unwrap().get_i64("analytics.missedConsecutive").unwrap(), 0);
}

#[test]
fn filters_name_only_what_is_asked() {
    assert!(reminder_filter(&ReminderFilter::default()).is_empty());
    let f = ReminderFilter { reminder_type: Some(ReminderType::Appointment), ..ReminderFilter::default() };
    assert_eq!(reminder_filter(&f), doc! { "reminderType": "appointment" });
    let open = unresolved_pipeline(Utc::now(), 10);
    assert_eq!(open[0].get_document("$match").unwrap().get_str("kind").unwrap(), "scheduled");
    let lookup = open[2].get_document("$lookup").unwrap();
    assert_eq!(lookup.get_str("from").unwrap(), "reminder_deliveries");
    assert_eq!(open[3], doc! { "$match": { "acknowledgedSiblings": { "$size": 0 } } });
    let _ = DeliveryStatus::Pending;
}
