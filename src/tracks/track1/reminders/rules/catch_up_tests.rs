use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{catch_up, CatchUpDecision as D, CatchUpPolicy};
use crate::tracks::track1::reminders::rules::ReminderType as T;

fn due() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap()
}

fn decide(kind: T, late_minutes: i64, appointment_at: Option<DateTime<Utc>>) -> D {
    catch_up(&CatchUpPolicy::default(), kind, due(), due() + Duration::minutes(late_minutes), appointment_at)
}

#[test]
fn on_time_within_the_tolerance_for_every_type() {
    for kind in [T::Medication, T::Appointment, T::Followup, T::Custom] {
        assert_eq!(decide(kind, 0, None), D::Send { late: false });
        assert_eq!(decide(kind, 5, None), D::Send { late: false });
    }
}

#[test]
fn medication_is_sent_late_within_grace_then_missed() {
    assert_eq!(decide(T::Medication, 6, None), D::Send { late: true });
    assert_eq!(decide(T::Medication, 60, None), D::Send { late: true });
    assert_eq!(decide(T::Medication, 61, None), D::Miss);
}

#[test]
fn appointment_is_sent_while_the_appointment_is_ahead() {
    let appointment = due() + Duration::hours(3);
    assert_eq!(decide(T::Appointment, 170, Some(appointment)), D::Send { late: true });
    assert_eq!(decide(T::Appointment, 180, Some(appointment)), D::Skip);
    assert_eq!(decide(T::Appointment, 30, None), D::Send { late: true });
    assert_eq!(decide(T::Appointment, 90, None), D::Skip);
}

#[test]
fn followup_and_custom_are_sent_late_up_to_a_day() {
    for kind in [T::Followup, T::Custom] {
        assert_eq!(decide(kind, 23 * 60, None), D::Send { late: true });
        assert_eq!(decide(kind, 24 * 60 + 1, None), D::Skip);
    }
}
