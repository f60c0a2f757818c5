use chrono::Duration;

use super::*;
use crate::{storage, tracks::track1::feedback::session::default_templates};

pub(crate) fn started() -> FeedbackSession {
    let new = NewSession {
        user_id: UserId::generate(),
        session_type: SessionType::PostVisit,
        department: Some("cardiology".into()),
        conversation_id: None,
        visit_date: None,
        visit_type: None,
        language: "en".into(),
        accessibility_features: Vec::new(),
    };
    FeedbackSession::start(new, default_templates().remove(0), storage::now())
}

fn rating(session: &FeedbackSession, id: &str, n: u8) -> SessionResponse {
    SessionResponse::new(&session.template, "en", id.into(), &AnswerValue::Rating(n), None, storage::now())
}

#[test]
fn answers_replace_and_keep_question_order() {
    let mut s = started();
    let now = s.created_at + Duration::seconds(30);
    s.record(vec![rating(&s, "recommend", 3), rating(&s, "overall", 2)], now);
    s.record(vec![rating(&s, "recommend", 10)], now);
    let ids: Vec<&str> = s.responses.iter().map(|r| r.question_id.as_str()).collect();
    assert_eq!(ids, ["overall", "recommend"]);
    assert_eq!(s.assessment.recommendation_score, Some(10));
    assert_eq!(s.responses[0].question, "Overall, how would you rate your experience? (1–5)");
    assert!(s.assessment.analytics.abandoned_at.is_some());
}

#[test]
fn submit_lists_missing_required_answers() {
    let mut s = started();
    let missing = s.submit(storage::now()).unwrap_err();
    assert_eq!(missing.len(), 2);
    assert_eq!(s.status, SessionStatus::InProgress);
    s.record(vec![rating(&s, "overall", 5), rating(&s, "recommend", 10)], storage::now());
    s.submit(storage::now()).unwrap();
    assert_eq!(s.status, SessionStatus::Completed);
    assert_eq!(s.assessment.analytics.abandoned_at, None);
    assert!(s.escalation_notice(storage::now()).is_none());
}

#[test]
fn review_moves_one_step_at_a_time_after_submit() {
    let mut s = started();
    let now = storage::now();
    assert_eq!(s.review(ReviewStatus::Reviewed, None, None, now), Err(ReviewStatus::Pending));
    s.record(vec![rating(&s, "overall", 1), rating(&s, "recommend", 0)], now);
    s.submit(now).unwrap();
    assert_eq!(s.review(ReviewStatus::ActedUpon, None, None, now), Err(ReviewStatus::Pending));
    s.review(ReviewStatus::Reviewed, Some("nurse-1".into()), Some("called".into()), now).unwrap();
    s.review(ReviewStatus::ActedUpon, None, None, now).unwrap();
    assert_eq!(s.review.assigned_to.as_deref(), Some("nurse-1"));
    assert_eq!(s.review.notes.as_deref(), Some("called"));
    assert_eq!(s.review(ReviewStatus::Reviewed, None, None, now), Err(ReviewStatus::ActedUpon));
}

#[test]
fn names_round_trip() {
    for s in [SessionStatus::InProgress, SessionStatus::Completed, SessionStatus::Abandoned] {
        assert_eq!(SessionStatus::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    for r in [ReviewStatus::Pending, ReviewStatus::Reviewed, ReviewStatus::ActedUpon] {
        assert_eq!(ReviewStatus::parse(r.as_str()), Some(r));
        assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
    }
    for u in [Urgency::Low, Urgency::Medium, Urgency::High] {
        assert_eq!(parse_urgency(urgency_name(u)), Some(u));
    }
}
