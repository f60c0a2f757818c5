//! The session analytics of the plan, always derived from the answers and their analyses on
//! the server, never taken from the client:
//!
//! - `completionRate`: answered questions of the template ÷ all its questions, in percent;
//! - `timeSpent`: seconds from the start through each answer to the submission, each gap
//!   capped at [`IDLE_CAP_SECONDS`] so a session resumed the next day does not count the night;
//! - `abandonedAt`: while not submitted, the first question (in order) without an answer;
//! - `overallRating`: the overall-rating question, else the mean of the other 1–5 ratings;
//! - `recommendationScore`: the recommendation (NPS) question;
//! - `overallSentiment`: the mean of the text answers' sentiment scores, the overall rating
//!   mapped to −1..1 (`(r − 3) / 2`) and the recommendation mapped to −1..1 (`(n − 5) / 5`);
//! - `satisfactionIndex` (0–100): the weighted mean of the overall rating (0.4), the
//!   recommendation (0.3) and the text sentiment (0.3), over those present;
//! - `escalationLevel` (0–3), see [`escalation_level`]; `followUpRequired` from level 1;
//! - `actionItems`: one line per red flag, urgent answer, alert answer, complaint topic, low
//!   rating and detractor, at most [`MAX_ACTION_ITEMS`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    answers::{Answer, AnswerValue},
    template::{Question, QuestionPurpose, QuestionnaireTemplate, ResponseType},
};
use crate::tracks::track1::feedback::analyzer::{Sentiment, Urgency};

/// Longest gap between two answers that counts as time spent.
pub const IDLE_CAP_SECONDS: i64 = 600;
/// Session sentiment at or below which escalation is at least 2.
pub const STRONGLY_NEGATIVE: f64 = -0.6;
/// Ratings (1–5) at or below this are low.
pub const LOW_RATING: f64 = 2.0;
/// Recommendation answers at or below this are detractors.
pub const DETRACTOR_MAX: u8 = 6;
/// Most action items listed.
pub const MAX_ACTION_ITEMS: usize = 10;

/// The plan's `analytics` of a feedback session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionAnalytics {
    /// Percentage of the questions answered (0–100, one decimal).
    pub completion_rate: f64,
    /// Active seconds spent answering.
    pub time_spent: i64,
    /// The first unanswered question while the session is not submitted.
    pub abandoned_at: Option<String>,
    /// Satisfaction from 0 to 100 (one decimal), when anything measures it.
    pub satisfaction_index: Option<f64>,
    /// What staff should do, most urgent first.
    pub action_items: Vec<String>,
    /// Whether someone should follow up (escalation level 1 or more).
    pub follow_up_required: bool,
    /// 0 none, 1 low, 2 medium (staff notified at once), 3 high (red flag).
    pub escalation_level: u8,
}

/// Everything derived from a session's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionAssessment {
    /// 1–5 (one decimal when averaged).
    pub overall_rating: Option<f64>,
    /// 0–10.
    pub recommendation_score: Option<u8>,
    /// From the text sentiment and the ratings.
    pub overall_sentiment: Option<Sentiment>,
    /// The −1..1 score behind `overallSentiment` (three decimals).
    pub sentiment_score: Option<f64>,
    /// The plan's `analytics`.
    pub analytics: SessionAnalytics,
}

/// What decides the escalation level.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EscalationFacts {
    /// Red flags in the text answers.
    pub red_flags: usize,
    /// The highest urgency of the text answers.
    pub max_urgency: Option<Urgency>,
    /// Answers the template marks as needing follow-up (e.g. severe side effects).
    pub alerts: usize,
    /// Whether any text answer requires action.
    pub action_required: bool,
    /// The session sentiment score.
    pub sentiment_score: Option<f64>,
    /// The overall rating.
    pub overall_rating: Option<f64>,
    /// The recommendation score.
    pub recommendation_score: Option<u8>,
}

/// The escalation level:
/// - **3** any red flag;
/// - **2** a text answer of high urgency, an alert answer, or a session sentiment at or below
///   [`STRONGLY_NEGATIVE`];
/// - **1** a text answer of medium urgency or requiring action, a negative session sentiment,
///   an overall rating at or below [`LOW_RATING`], or a detractor (0–6);
/// - **0** otherwise.
pub fn escalation_level(f: &EscalationFacts) -> u8 {
    let sentiment = f.sentiment_score.unwrap_or(0.0);
    if f.red_flags > 0 {
        3
    } else if f.max_urgency == Some(Urgency::High) || f.alerts > 0 || sentiment <= STRONGLY_NEGATIVE {
        2
    } else if f.max_urgency == Some(Urgency::Medium)
        || f.action_required
        || Sentiment::from_score(sentiment) == Sentiment::Negative
        || f.overall_rating.is_some_and(|r| r <= LOW_RATING)
        || f.recommendation_score.is_some_and(|n| n <= DETRACTOR_MAX)
    {
        1
    } else {
        0
    }
}

/// Derives a session's ratings, sentiment and analytics. Answers to questions the template no
/// longer has are ignored.
pub fn assess(
    template: &QuestionnaireTemplate,
    answers: &[Answer],
    started_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
) -> SessionAssessment {
    let answered: Vec<(&Question, &Answer)> = template
        .questions
        .iter()
        .filter_map(|q| answers.iter().find(|a| a.question_id == q.id).map(|a| (q, a)))
        .collect();
    let overall_rating = overall_rating(&answered);
    let recommendation_score = answered.iter().find_map(|(q, a)| purpose_rating(q, a, QuestionPurpose::Recommendation));
    let text_scores: Vec<f64> =
        answered.iter().filter_map(|(_, a)| a.analysis.as_ref()).map(|x| x.sentiment_score).collect();
    let mut signals = text_scores.clone();
    signals.extend(overall_rating.map(|r| (r - 3.0) / 2.0));
    signals.extend(recommendation_score.map(|n| (f64::from(n) - 5.0) / 5.0));
    let sentiment_score = mean(&signals).map(|s| round(s, 3));
    let analyses = || answered.iter().filter_map(|(_, a)| a.analysis.as_ref());
    let facts = EscalationFacts {
        red_flags: analyses().map(|x| x.red_flags.len()).sum(),
        max_urgency: analyses().map(|x| x.urgency).max(),
        alerts: answered.iter().filter(|(q, a)| is_alert(q, a)).count(),
        action_required: analyses().any(|x| x.action_required),
        sentiment_score,
        overall_rating,
        recommendation_score,
    };
    let escalation_level = escalation_level(&facts);
    let answered_share = answered.len() as f64 / template.questions.len().max(1) as f64;
    SessionAssessment {
        overall_rating,
        recommendation_score,
        overall_sentiment: sentiment_score.map(Sentiment::from_score),
        sentiment_score,
        analytics: SessionAnalytics {
            completion_rate: round(answered_share * 100.0, 1),
            time_spent: time_spent(started_at, answers, submitted_at),
            abandoned_at: submitted_at.is_none().then(|| first_unanswered(template, &answered)).flatten(),
            satisfaction_index: satisfaction_index(overall_rating, recommendation_score, mean(&text_scores)),
            action_items: action_items(&answered, recommendation_score),
            follow_up_required: escalation_level >= 1,
            escalation_level,
        },
    }
}

fn overall_rating(answered: &[(&Question, &Answer)]) -> Option<f64> {
    if let Some(r) = answered.iter().find_map(|(q, a)| purpose_rating(q, a, QuestionPurpose::OverallRating)) {
        return Some(f64::from(r));
    }
    let others: Vec<f64> = answered
        .iter()
        .filter(|(q, _)| q.response_type == ResponseType::Rating && q.purpose.is_none())
        .filter_map(|(_, a)| rating(a).map(f64::from))
        .collect();
    mean(&others).map(|m| round(m, 1))
}

fn purpose_rating(q: &Question, a: &Answer, purpose: QuestionPurpose) -> Option<u8> {
    (q.purpose == Some(purpose)).then(|| rating(a)).flatten()
}

fn rating(a: &Answer) -> Option<u8> {
    match a.value {
        AnswerValue::Rating(n) => Some(n),
        _ => None,
    }
}

fn is_alert(q: &Question, a: &Answer) -> bool {
    match &a.value {
        AnswerValue::Choice(v) => q.choices.iter().any(|c| c.alert && &c.value == v),
        AnswerValue::Boolean(b) => q.alert_on == Some(*b),
        _ => false,
    }
}

fn satisfaction_index(overall: Option<f64>, recommendation: Option<u8>, text: Option<f64>) -> Option<f64> {
    let parts: Vec<(f64, f64)> = [
        overall.map(|r| ((r - 1.0) / 4.0, 0.4)),
        recommendation.map(|n| (f64::from(n) / 10.0, 0.3)),
        text.map(|s| ((s + 1.0) / 2.0, 0.3)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let weight: f64 = parts.iter().map(|(_, w)| w).sum();
    (weight > 0.0).then(|| round(parts.iter().map(|(v, w)| v * w).sum::<f64>() / weight * 100.0, 1))
}

fn time_spent(started_at: DateTime<Utc>, answers: &[Answer], submitted_at: Option<DateTime<Utc>>) -> i64 {
    let mut times: Vec<DateTime<Utc>> = answers.iter().map(|a| a.answered_at).chain(submitted_at).collect();
    times.sort();
    let mut last = started_at;
    let mut total = 0;
    for t in times {
        total += (t - last).num_seconds().clamp(0, IDLE_CAP_SECONDS);
        last = last.max(t);
    }
    total
}

fn first_unanswered(template: &QuestionnaireTemplate, answered: &[(&Question, &Answer)]) -> Option<String> {
    template.questions.iter().find(|q| !answered.iter().any(|(a, _)| a.id == q.id)).map(|q| q.id.clone())
}

fn action_items(answered: &[(&Question, &Answer)], recommendation: Option<u8>) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut push = |item: String| {
        if !items.contains(&item) {
            items.push(item);
        }
    };
    for (q, a) in answered {
        for flag in a.analysis.iter().flat_map(|x| &x.red_flags) {
            push(format!("Urgent clinical review: {} reported in `{}`", flag.label, q.id));
        }
    }
    for (q, a) in answered {
        match &a.analysis {
            Some(x) if x.red_flags.is_empty() && x.urgency == Urgency::High => {
                push(format!("Contact the patient today about `{}`", q.id))
            }
            _ => {}
        }
        if is_alert(q, a) {
            push(format!("Follow up on `{}`: answered {}", q.id, a.value.to_json()));
        }
    }
    for x in answered.iter().filter_map(|(_, a)| a.analysis.as_ref()).filter(|x| x.sentiment == Sentiment::Negative) {
        for topic in &x.topics {
            push(format!("Review the {} complaint", topic.replace('_', " ")));
        }
    }
    for (q, a) in answered {
        match rating(a) {
            Some(n) if q.purpose != Some(QuestionPurpose::Recommendation) && f64::from(n) <= LOW_RATING => {
                push(format!("Review the low rating {n}/5 on `{}`", q.id))
            }
            _ => {}
        }
    }
    if let Some(n) = recommendation.filter(|n| *n <= DETRACTOR_MAX) {
        push(format!("Contact the detractor (recommendation {n}/10)"));
    }
    items.truncate(MAX_ACTION_ITEMS);
    items
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn round(x: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (x * factor).round() / factor
}

#[cfg(test)]
#[path = "analytics_tests.rs"]
mod tests;
