use super::{
    email_event, needs_fallback, transition, twilio_event, DeliveryEvent as E, DeliveryStatus as S, IllegalTransition,
};

fn to(from: S, event: E) -> S {
    transition(from, event).unwrap().to
}

#[test]
fn the_happy_path() {
    let mut status = S::Pending;
    for (event, expected) in [
        (E::Claim, S::Sending),
        (E::Accepted, S::Sent),
        (E::Delivered, S::Delivered),
        (E::Acknowledge, S::Acknowledged),
    ] {
        let t = transition(status, event).unwrap();
        assert!(t.changed);
        assert_eq!(t.to, expected);
        status = t.to;
    }
    assert!(status.is_terminal());
}

#[test]
fn failure_retry_and_crash_recovery() {
    assert_eq!(to(S::Sending, E::Rejected), S::Failed);
    assert_eq!(to(S::Failed, E::Retry), S::Pending);
    assert_eq!(to(S::Sending, E::LeaseExpired), S::Pending);
    assert_eq!(to(S::Sent, E::Failed), S::Failed);
    assert_eq!(to(S::Failed, E::Cancel), S::Cancelled);
}

#[test]
fn missing_skipping_and_late_acknowledgement() {
    assert_eq!(to(S::Pending, E::Skip), S::Skipped);
    assert_eq!(to(S::Pending, E::Miss), S::Missed);
    assert_eq!(to(S::Delivered, E::Miss), S::Missed);
    assert_eq!(to(S::Missed, E::Acknowledge), S::Acknowledged);
    assert_eq!(to(S::Sent, E::Acknowledge), S::Acknowledged);
}

#[test]
fn stale_and_duplicate_provider_events_change_nothing() {
    for (from, event) in [
        (S::Delivered, E::Accepted),
        (S::Delivered, E::Delivered),
        (S::Delivered, E::Failed),
        (S::Failed, E::Delivered),
        (S::Acknowledged, E::Delivered),
        (S::Acknowledged, E::Failed),
        (S::Missed, E::Delivered),
        (S::Acknowledged, E::Acknowledge),
    ] {
        let t = transition(from, event).unwrap();
        assert_eq!((t.to, t.changed), (from, false), "{from:?} {event:?}");
    }
    // A delivered callback may beat the send request's own answer.
    assert_eq!(to(S::Sending, E::Delivered), S::Delivered);
}

#[test]
fn nonsense_is_refused() {
    for (from, event) in [
        (S::Pending, E::Acknowledge),
        (S::Pending, E::Delivered),
        (S::Sent, E::Claim),
        (S::Acknowledged, E::Cancel),
        (S::Cancelled, E::Claim),
        (S::Skipped, E::Accepted),
        (S::Failed, E::Acknowledge),
        (S::Sending, E::Cancel),
    ] {
        assert_eq!(transition(from, event), Err(IllegalTransition { from, event }), "{from:?} {event:?}");
    }
}

#[test]
fn twilio_statuses_map_onto_the_machine() {
    for s in ["queued", "accepted", "sending", "sent", "scheduled"] {
        assert_eq!(twilio_event(s), Some(E::Accepted), "{s}");
    }
    assert_eq!(twilio_event("delivered"), Some(E::Delivered));
    assert_eq!(twilio_event("undelivered"), Some(E::Failed));
    assert_eq!(twilio_event("failed"), Some(E::Failed));
    assert_eq!(twilio_event("receiving"), None);
}

#[test]
fn email_events_map_onto_the_machine() {
    assert_eq!(email_event("processed"), Some(E::Accepted));
    assert_eq!(email_event("delivered"), Some(E::Delivered));
    assert_eq!(email_event("open"), Some(E::Delivered));
    assert_eq!(email_event("bounce"), Some(E::Failed));
    assert_eq!(email_event("dropped"), Some(E::Failed));
    assert_eq!(email_event("deferred"), None);
    assert_eq!(email_event("spamreport"), None);
}

#[test]
fn fallback_waits_for_the_real_final_failure() {
    // "sent" is not a reason to fall back; an undelivered SMS on its last attempt is.
    let sent = to(to(S::Sending, twilio_event("sent").unwrap()), twilio_event("queued").unwrap());
    assert!(!needs_fallback(sent, true));
    let undelivered = to(sent, twilio_event("undelivered").unwrap());
    assert!(needs_fallback(undelivered, true));
    assert!(!needs_fallback(undelivered, false), "a retry comes first");
}
