//! Answers checked against their question: a rating is an integer in 1–5 (0–10 for the
//! recommendation question), a choice one of the question's values, a boolean a boolean, a text
//! non-blank and within the length limit; unknown and repeated questions are refused, and
//! before submitting every required question must have an answer. Every violation is returned,
//! not just the first.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    template::{Question, QuestionnaireTemplate, ResponseType},
    Violation,
};
use crate::tracks::track1::feedback::analyzer::FeedbackAnalysis;

/// Longest text answer, in characters.
pub const TEXT_MAX_CHARS: usize = 2000;

/// A validated answer value (the plan's `response: Mixed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A text answer, trimmed.
    Text(String),
    /// A rating.
    Rating(u8),
    /// A choice value.
    Choice(String),
    /// Yes or no.
    Boolean(bool),
}

impl AnswerValue {
    /// The value as JSON, as the client sent it.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Text(s) | Self::Choice(s) => Value::from(s.as_str()),
            Self::Rating(n) => Value::from(*n),
            Self::Boolean(b) => Value::from(*b),
        }
    }
}

/// An answer as a client submits it, not yet validated.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmittedAnswer {
    /// The question answered.
    pub question_id: String,
    /// The answer: string, integer or boolean depending on the question.
    pub response: Value,
}

/// A stored answer of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The question answered.
    pub question_id: String,
    /// The validated value.
    pub value: AnswerValue,
    /// When the server accepted it (the last time, when answered again).
    pub answered_at: DateTime<Utc>,
    /// The analysis of a text answer.
    pub analysis: Option<FeedbackAnalysis>,
}

/// Validates a batch of answers against the template: the question ids with their values, or
/// every violation (pointers `/answers/{index}/…`).
pub fn validate_answers(
    template: &QuestionnaireTemplate,
    submitted: &[SubmittedAnswer],
) -> Result<Vec<(String, AnswerValue)>, Vec<Violation>> {
    let mut valid = Vec::with_capacity(submitted.len());
    let mut violations = Vec::new();
    let mut seen = HashSet::new();
    for (i, answer) in submitted.iter().enumerate() {
        let Some(question) = template.question(&answer.question_id) else {
            let message = format!("`{}` is not a question of this questionnaire", answer.question_id);
            violations.push(Violation::new(format!("/answers/{i}/questionId"), "unknown_question", message));
            continue;
        };
        if !seen.insert(question.id.as_str()) {
            let message = format!("`{}` is answered more than once", question.id);
            violations.push(Violation::new(format!("/answers/{i}/questionId"), "duplicate", message));
            continue;
        }
        match parse_answer(question, &answer.response) {
            Ok(value) => valid.push((question.id.clone(), value)),
            Err((code, message)) => violations.push(Violation::new(format!("/answers/{i}/response"), code, message)),
        }
    }
    if violations.is_empty() {
        Ok(valid)
    } else {
        Err(violations)
    }
}

/// The required questions without an answer, one violation each (pointer `/answers`).
pub fn missing_required<'a>(
    template: &QuestionnaireTemplate,
    answered: impl IntoIterator<Item = &'a str>,
) -> Vec<Violation> {
    let answered: HashSet<&str> = answered.into_iter().collect();
    template
        .questions
        .iter()
        .filter(|q| q.required && !answered.contains(q.id.as_str()))
        .map(|q| Violation::new("/answers", "required", format!("`{}` must be answered before submitting", q.id)))
        .collect()
}

/// Checks one response against its question.
pub fn parse_answer(question: &Question, response: &Value) -> Result<AnswerValue, (&'static str, String)> {
    match question.response_type {
        ResponseType::Text => {
            let text = response.as_str().ok_or_else(|| wrong_type("a string"))?.trim();
            let limit = question.text_limit();
            if text.is_empty() {
                Err(("empty", "must not be blank".to_owned()))
            } else if text.chars().count() > limit {
                Err(("too_long", format!("must be at most {limit} characters")))
            } else {
                Ok(AnswerValue::Text(text.to_owned()))
            }
        }
        ResponseType::Rating => {
            let range = question.rating_range().unwrap_or(super::template::RATING_RANGE);
            let n = response.as_i64().ok_or_else(|| wrong_type("an integer"))?;
            u8::try_from(n)
                .ok()
                .filter(|n| range.contains(n))
                .map(AnswerValue::Rating)
                .ok_or_else(|| ("out_of_range", format!("must be from {} to {}", range.start(), range.end())))
        }
        ResponseType::Choice => {
            let value = response.as_str().ok_or_else(|| wrong_type("a string"))?;
            if question.choices.iter().any(|c| c.value == value) {
                Ok(AnswerValue::Choice(value.to_owned()))
            } else {
                let allowed: Vec<&str> = question.choices.iter().map(|c| c.value.as_str()).collect();
                Err(("invalid_choice", format!("must be one of: {}", allowed.join(", "))))
            }
        }
        ResponseType::Boolean => {
            response.as_bool().map(AnswerValue::Boolean).ok_or_else(|| wrong_type("true or false"))
        }
    }
}

fn wrong_type(expected: &str) -> (&'static str, String) {
    ("wrong_type", format!("must be {expected}"))
}

#[cfg(test)]
#[path = "answers_tests.rs"]
mod tests;
