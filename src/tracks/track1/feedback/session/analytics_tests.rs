use chrono::{Duration, TimeZone};

use super::{
    super::{answers::Answer, seeds::default_templates},
    *,
};
use crate::tracks::track1::feedback::analyzer::{FeedbackAnalysis, RedFlag};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 30, 8, 0, 0).single().unwrap()
}

fn at(seconds: i64) -> DateTime<Utc> {
    start() + Duration::seconds(seconds)
}

fn analysis(score: f64, urgency: Urgency, flags: &[&str], topics: &[&str]) -> FeedbackAnalysis {
    FeedbackAnalysis {
        rating: 3,
        sentiment: Sentiment::from_score(score),
        sentiment_score: score,
        topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        urgency,
        urgency_score: 0.0,
        action_required: !flags.is_empty() || urgency > Urgency::Low || score <= -0.5,
        department: None,
        category: None,
        red_flags: flags
            .iter()
            .map(|c| RedFlag {
                code: (*c).into(),
                label: format!("label of {c}"),
                department: None,
                evidence: String::new(),
            })
            .collect(),
        denied_red_flags: vec![],
        language: "en".into(),
        analyzer: "offline".into(),
    }
}

fn answer(id: &str, value: AnswerValue, seconds: i64) -> Answer {
    Answer { question_id: id.into(), value, answered_at: at(seconds), analysis: None }
}

fn text(id: &str, x: FeedbackAnalysis, seconds: i64) -> Answer {
    Answer { analysis: Some(x), ..answer(id, AnswerValue::Text("…".into()), seconds) }
}

fn post_visit() -> QuestionnaireTemplate {
    default_templates().remove(0)
}

#[test]
fn a_happy_complete_session() {
    let answers = [
        answer("overall", AnswerValue::Rating(5), 20),
        answer("wait_time", AnswerValue::Choice("under_15_min".into()), 40),
        answer("staff_courtesy", AnswerValue::Rating(5), 50),
        answer("explained_clearly", AnswerValue::Boolean(true), 60),
        answer("recommend", AnswerValue::Rating(10), 70),
        text("comments", analysis(0.8, Urgency::Low, &[], &["staff_attitude"]), 130),
    ];
    let a = assess(&post_visit(), &answers, start(), Some(at(140)));
    assert_eq!((a.overall_rating, a.recommendation_score), (Some(5.0), Some(10)));
    assert_eq!(a.overall_sentiment, Some(Sentiment::Positive));
    assert_eq!(a.sentiment_score, Some(0.933));
    let x = &a.analytics;
    assert_eq!((x.completion_rate, x.time_spent, x.abandoned_at.clone()), (100.0, 140, None));
    assert_eq!(x.satisfaction_index, Some(97.0));
    assert_eq!((x.escalation_level, x.follow_up_required), (0, false));
    assert!(x.action_items.is_empty());
}

#[test]
fn an_abandoned_session_records_where_it_stopped_and_caps_idle_time() {
    let answers =
        [answer("overall", AnswerValue::Rating(4), 30), answer("staff_courtesy", AnswerValue::Rating(4), 86_400)];
    let a = assess(&post_visit(), &answers, start(), None);
    assert_eq!(a.analytics.abandoned_at.as_deref(), Some("wait_time"));
    assert_eq!(a.analytics.completion_rate, 33.3);
    assert_eq!(a.analytics.time_spent, 30 + IDLE_CAP_SECONDS);
    assert_eq!(a.overall_rating, Some(4.0));
    assert_eq!(a.recommendation_score, None);
}

#[test]
fn overall_rating_falls_back_to_the_mean_of_other_ratings() {
    let t = &default_templates()[2];
    let answers = [
        answer("reception", AnswerValue::Rating(4), 1),
        answer("cleanliness", AnswerValue::Rating(5), 2),
        answer("waiting_time", AnswerValue::Rating(2), 3),
    ];
    let a = assess(t, &answers, start(), None);
    assert_eq!(a.overall_rating, Some(3.7));
    assert!(a.analytics.action_items.contains(&"Review the low rating 2/5 on `waiting_time`".to_owned()));
}

#[test]
fn a_red_flag_escalates_to_three_with_an_urgent_item_first() {
    let answers = [
        answer("overall", AnswerValue::Rating(4), 10),
        text("comments", analysis(-0.4, Urgency::High, &["fall"], &["facilities"]), 20),
    ];
    let a = assess(&post_visit(), &answers, start(), Some(at(30)));
    assert_eq!(a.analytics.escalation_level, 3);
    assert!(a.analytics.follow_up_required);
    assert_eq!(a.analytics.action_items[0], "Urgent clinical review: label of fall reported in `comments`");
    assert!(a.analytics.action_items.contains(&"Review the facilities complaint".to_owned()));
}

#[test]
fn alerts_urgency_and_strong_negativity_escalate_to_two() {
    let med = &default_templates()[1];
    let severe = [answer("side_effects", AnswerValue::Choice("severe".into()), 5)];
    let a = assess(med, &severe, start(), None);
    assert_eq!(a.analytics.escalation_level, 2);
    assert_eq!(a.analytics.action_items, ["Follow up on `side_effects`: answered \"severe\""]);
    let not_taking = [answer("taking_as_prescribed", AnswerValue::Boolean(false), 5)];
    assert_eq!(assess(med, &not_taking, start(), None).analytics.escalation_level, 2);

    let urgent = [text("comments", analysis(-0.3, Urgency::High, &[], &[]), 5)];
    let a = assess(&post_visit(), &urgent, start(), None);
    assert_eq!(a.analytics.escalation_level, 2);
    assert_eq!(a.analytics.action_items, ["Contact the patient today about `comments`"]);

    let furious =
        [answer("overall", AnswerValue::Rating(1), 1), text("comments", analysis(-0.7, Urgency::Low, &[], &[]), 2)];
    assert_eq!(assess(&post_visit(), &furious, start(), None).analytics.escalation_level, 2);
}

#[test]
fn detractors_low_ratings_and_mild_complaints_escalate_to_one() {
    let t = post_visit();
    let detractor = [answer("overall", AnswerValue::Rating(4), 1), answer("recommend", AnswerValue::Rating(6), 2)];
    let a = assess(&t, &detractor, start(), None);
    assert_eq!(a.analytics.escalation_level, 1);
    assert_eq!(a.analytics.action_items, ["Contact the detractor (recommendation 6/10)"]);
    let low = [answer("overall", AnswerValue::Rating(2), 1)];
    assert_eq!(assess(&t, &low, start(), None).analytics.escalation_level, 1);
    let medium = [text("comments", analysis(0.1, Urgency::Medium, &[], &[]), 1)];
    assert_eq!(assess(&t, &medium, start(), None).analytics.escalation_level, 1);
    let passive = [answer("overall", AnswerValue::Rating(4), 1), answer("recommend", AnswerValue::Rating(8), 2)];
    assert_eq!(assess(&t, &passive, start(), None).analytics.escalation_level, 0);
}

#[test]
fn escalation_rule_table() {
    let base = EscalationFacts::default();
    assert_eq!(escalation_level(&base), 0);
    assert_eq!(escalation_level(&EscalationFacts { red_flags: 1, ..base }), 3);
    assert_eq!(escalation_level(&EscalationFacts { sentiment_score: Some(-0.6), ..base }), 2);
    assert_eq!(escalation_level(&EscalationFacts { sentiment_score: Some(-0.59), ..base }), 1);
    assert_eq!(escalation_level(&EscalationFacts { sentiment_score: Some(-0.04), ..base }), 0);
    assert_eq!(escalation_level(&EscalationFacts { action_required: true, ..base }), 1);
    assert_eq!(escalation_level(&EscalationFacts { recommendation_score: Some(7), ..base }), 0);
    assert_eq!(escalation_level(&EscalationFacts { overall_rating: Some(2.5), ..base }), 0);
}

#[test]
fn nothing_answered_measures_nothing() {
    let a = assess(&post_visit(), &[], start(), None);
    assert_eq!((a.overall_rating, a.overall_sentiment, a.analytics.satisfaction_index), (None, None, None));
    assert_eq!((a.analytics.completion_rate, a.analytics.time_spent), (0.0, 0));
    assert_eq!(a.analytics.abandoned_at.as_deref(), Some("overall"));
}

#[test]
fn unknown_questions_and_clock_skew_are_ignored() {
    let answers =
        [answer("removed_question", AnswerValue::Rating(1), 5), answer("overall", AnswerValue::Rating(5), -50)];
    let a = assess(&post_visit(), &answers, start(), None);
    assert_eq!(a.overall_rating, Some(5.0));
    assert_eq!(a.analytics.completion_rate, 16.7);
    assert_eq!(a.analytics.time_spent, 5);
}

#[test]
fn action_items_are_deduplicated_and_capped() {
    let many: Vec<&str> = vec!["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
    let answers = [text("comments", analysis(-0.9, Urgency::High, &many, &["billing", "billing"]), 1)];
    let a = assess(&post_visit(), &answers, start(), None);
    assert_eq!(a.analytics.action_items.len(), MAX_ACTION_ITEMS);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["analytics"]["escalationLevel"], 3);
    assert!(json["analytics"]["abandonedAt"].is_string());
}
