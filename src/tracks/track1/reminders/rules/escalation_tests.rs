use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{
    next_escalation_step, recipient_method, rules_to_fire, EscalationAction, EscalationLadder, EscalationRule,
    EscalationStep as S, OccurrenceState, PlannedStep,
};
use crate::tracks::track1::reminders::rules::DeliveryMethod;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap()
}

fn state() -> OccurrenceState {
    OccurrenceState { first_sent_at: t0(), repeats_sent: 0, failed_at: None, fallback_sent: false, resolved: false }
}

fn ladder(every: u32, repeats: u32, fallback: Option<DeliveryMethod>) -> EscalationLadder {
    EscalationLadder { repeat_every_minutes: every, max_repeats: repeats, fallback_method: fallback }
}

fn step(step: S, minutes: i64) -> Option<PlannedStep> {
    Some(PlannedStep { step, due_at: t0() + Duration::minutes(minutes) })
}

#[test]
fn repeats_then_fallback_then_missed_each_with_its_deadline() {
    let l = ladder(10, 2, Some(DeliveryMethod::Sms));
    let window = Duration::minutes(60);
    let mut s = state();
    assert_eq!(next_escalation_step(&l, &s, window), step(S::Repeat { number: 1 }, 10));
    s.repeats_sent = 1;
    assert_eq!(next_escalation_step(&l, &s, window), step(S::Repeat { number: 2 }, 20));
    s.repeats_sent = 2;
    assert_eq!(next_escalation_step(&l, &s, window), step(S::Fallback { method: DeliveryMethod::Sms }, 30));
    s.fallback_sent = true;
    assert_eq!(next_escalation_step(&l, &s, window), step(S::MarkMissed, 60));
    s.resolved = true;
    assert_eq!(next_escalation_step(&l, &s, window), None);
}

#[test]
fn a_step_is_due_only_at_its_deadline() {
    let planned = next_escalation_step(&ladder(10, 1, None), &state(), Duration::minutes(60)).unwrap();
    assert!(!planned.is_due(t0() + Duration::minutes(9)));
    assert!(planned.is_due(t0() + Duration::minutes(10)));
}

#[test]
fn a_final_failure_falls_back_at_once_without_repeating() {
    let l = ladder(10, 3, Some(DeliveryMethod::Sms));
    let failed_at = t0() + Duration::minutes(2);
    let s = OccurrenceState { failed_at: Some(failed_at), ..state() };
    let planned = next_escalation_step(&l, &s, Duration::minutes(60)).unwrap();
    assert_eq!(planned, PlannedStep { step: S::Fallback { method: DeliveryMethod::Sms }, due_at: failed_at });
    // Without a fallback, a failed occurrence is missed when the window closes.
    let planned = next_escalation_step(&ladder(10, 3, None), &s, Duration::minutes(60)).unwrap();
    assert_eq!(planned.step, S::MarkMissed);
}

#[test]
fn missed_waits_for_the_ladder_to_finish() {
    let l = ladder(30, 3, Some(DeliveryMethod::Sms));
    let s = OccurrenceState { repeats_sent: 3, fallback_sent: true, ..state() };
    assert_eq!(next_escalation_step(&l, &s, Duration::minutes(60)), step(S::MarkMissed, 120));
}

#[test]
fn no_ladder_means_missed_at_the_window() {
    assert_eq!(next_escalation_step(&ladder(0, 0, None), &state(), Duration::minutes(45)), step(S::MarkMissed, 45));
    // A fallback without repeats is used only on failure.
    let l = ladder(0, 0, Some(DeliveryMethod::Sms));
    assert_eq!(next_escalation_step(&l, &state(), Duration::minutes(45)), step(S::MarkMissed, 45));
}

#[test]
fn rules_fire_once_per_streak() {
    let rule = |missed_count, action| EscalationRule { missed_count, action, recipient: "+250788000000".into() };
    let rules = [rule(2, EscalationAction::NotifyCaregiver), rule(3, EscalationAction::CallPatient)];
    assert!(rules_to_fire(&rules, 0, 1).is_empty());
    assert_eq!(rules_to_fire(&rules, 1, 2), [&rules[0]]);
    assert_eq!(rules_to_fire(&rules, 2, 3), [&rules[1]]);
    assert!(rules_to_fire(&rules, 3, 4).is_empty(), "already fired in this streak");
    // An acknowledgement resets the count; the next streak fires again.
    assert_eq!(rules_to_fire(&rules, 1, 2), [&rules[0]]);
    // A catch-up that marks several missed at once fires each crossed rule, once.
    assert_eq!(rules_to_fire(&rules, 0, 5).len(), 2);
    assert_eq!(rules_to_fire(&rules, 1, 50), [&rules[0], &rules[1]], "a long outage: one notice per rule");
    assert!(rules_to_fire(&rules, 50, 60).is_empty(), "its next batch fires none again");
}

#[test]
fn notices_go_by_sms_to_phones_email_to_addresses_else_in_app() {
    assert_eq!(recipient_method(" +250788000111"), DeliveryMethod::Sms);
    assert_eq!(recipient_method("care@example.org"), DeliveryMethod::Email);
    assert_eq!(recipient_method("0190a3c2-7d4e-7000-8000-000000000000"), DeliveryMethod::InApp);
}

#[test]
fn rule_validation() {
    let ok = EscalationRule { missed_count: 2, action: EscalationAction::ScheduleVisit, recipient: "clinic".into() };
    assert!(ok.validate().is_ok());
    assert_eq!(EscalationRule { missed_count: 0, ..ok.clone() }.validate().unwrap_err().0, "/missedCount");
    assert_eq!(EscalationRule { recipient: "  ".into(), ..ok }.validate().unwrap_err().0, "/recipient");
    let json: EscalationRule =
        serde_json::from_str(r#"{"missedCount": 3, "action": "notify_caregiver", "recipient": "u1"}"#).unwrap();
    assert_eq!(json.action, EscalationAction::NotifyCaregiver);
}

#[test]
fn ladders_stay_within_the_documented_ranges() {
    let ok = EscalationLadder { repeat_every_minutes: 1440, max_repeats: 10, fallback_method: None };
    assert_eq!(ok.validate(), Ok(()));
    let too_often = EscalationLadder { repeat_every_minutes: 1441, ..ok };
    assert_eq!(too_often.validate().unwrap_err().0, "/repeatEveryMinutes");
    let too_many = EscalationLadder { max_repeats: 11, ..ok };
    assert_eq!(too_many.validate().unwrap_err().0, "/maxRepeats");
}
