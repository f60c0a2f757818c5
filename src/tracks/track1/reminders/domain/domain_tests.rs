use chrono::{Duration, TimeZone, Utc};

use super::{
    delivery::{occurrence_key, Delivery, DeliveryKind},
    *,
};
use crate::tracks::track1::reminders::{
    rules::{status::DeliveryStatus, DeliveryMethod},
    schedule::ScheduleType,
};

fn reminder() -> Reminder {
    let at = Utc.with_ymd_and_hms(2026, 10, 25, 7, 0, 0).unwrap();
    let schedule = ReminderSchedule {
        schedule_type: ScheduleType::OneTime,
        timezone: "Africa/Kigali".into(),
        start_date: None,
        end_date: None,
        scheduled_time: Some(at),
        recurrence: None,
    };
    let delivery: DeliverySettings = serde_json::from_value(
        serde_json::json!({"methods": ["in_app", "sms"], "preferences": {"sms": {"phone": "+250788123456"}}}),
    )
    .unwrap();
    let new = NewReminder {
        user_id: UserId::generate(),
        title: "Clinic visit".into(),
        message: "See you at 9".into(),
        reminder_type: ReminderType::Appointment,
        category: None,
        schedule,
        delivery,
        smart_features: SmartFeatures::default(),
    };
    Reminder::create(new, Some(at), UserId::generate(), at - Duration::days(2))
}

#[test]
fn the_life_cycle_allows_only_its_transitions() {
    use ReminderStatus::{Active, Cancelled, Completed, Paused};
    let allowed = [
        (Active, Paused),
        (Paused, Active),
        (Active, Completed),
        (Active, Cancelled),
        (Paused, Completed),
        (Paused, Cancelled),
    ];
    for from in [Active, Paused, Completed, Cancelled] {
        for to in [Active, Paused, Completed, Cancelled] {
            assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from:?} -> {to:?}");
        }
    }
    let mut r = reminder();
    let actor = UserId::generate();
    assert!(r.transition(Paused, actor, r.created_at).is_ok());
    assert_eq!((r.version, r.last_modified_by), (1, actor));
    r.transition(Cancelled, actor, r.created_at).unwrap();
    assert_eq!(r.transition(Active, actor, r.created_at), Err(Cancelled));
    assert_eq!(r.version, 2, "a refused change is not an edit");
}

#[test]
fn deliveries_carry_one_key_per_reminder_occurrence_and_method() {
    let r = reminder();
    let at = r.next_occurrence_at.unwrap();
    let a = Delivery::scheduled(&r, at, DeliveryMethod::InApp, r.created_at);
    let b = Delivery::scheduled(&r, at, DeliveryMethod::InApp, r.created_at + Duration::hours(1));
    assert_ne!(a.id, b.id);
    assert_eq!(a.idempotency_key, b.idempotency_key, "a re-run builds the same key");
    assert_eq!(a.idempotency_key, occurrence_key(r.id, at, DeliveryMethod::InApp));
    assert!(a.idempotency_key.ends_with("2026-10-25T07:00:00.000Z:in_app"));
    assert_ne!(a.idempotency_key, Delivery::scheduled(&r, at, DeliveryMethod::Sms, r.created_at).idempotency_key);
    assert_eq!((a.status, a.due_at, a.max_retries), (DeliveryStatus::Pending, Some(at), 3));
    assert_eq!(a.context.user_timezone, "Africa/Kigali");

    let repeat = a.follow_up(&r, DeliveryKind::Repeat, 1, DeliveryMethod::InApp, at + Duration::minutes(10));
    assert_eq!(
        (repeat.kind, repeat.occurrence_at, repeat.due_at),
        (DeliveryKind::Repeat, at, Some(at + Duration::minutes(10)))
    );
    assert_ne!(repeat.idempotency_key, a.idempotency_key);
    let run = at - Duration::days(1);
    let e1 = Delivery::escalation(&r, 0, run, DeliveryMethod::Sms, "+250788000111".into(), at);
    let e2 = Delivery::escalation(&r, 0, run, DeliveryMethod::Sms, "+250788000111".into(), at + Duration::hours(3));
    assert_eq!(e1.idempotency_key, e2.idempotency_key, "once per run of misses");
    assert_eq!(e1.recipient.as_deref(), Some("+250788000111"));
}

#[test]
fn enum_names_are_their_serde_names() {
    assert_eq!(name_of(&DeliveryMethod::InApp), "in_app");
    assert_eq!(parse_name::<DeliveryStatus>("acknowledged"), Some(DeliveryStatus::Acknowledged));
    assert_eq!(parse_name::<ReminderStatus>("paused"), Some(ReminderStatus::Paused));
    assert_eq!(parse_name::<ReminderStatus>("gone"), None);
}
