//! Questionnaire templates: ordered questions with a response type, choices, a required flag
//! and their text in several languages, per session type and (optionally) department. Staff
//! define them; [`QuestionnaireTemplate::violations`] lists everything wrong with one.

use std::{
    collections::{BTreeMap, HashSet},
    ops::RangeInclusive,
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{answers::TEXT_MAX_CHARS, SessionType, Violation};

/// Text per language code (`en`, `fr`, `rw`, `en-gb`). Fields of this type name the map in
/// `#[schema(value_type = ..)]`: through the alias utoipa refers to a component called `BTreeMap`,
/// which any other map alias would silently share.
pub type Translations = BTreeMap<String, String>;

/// Most questions in a template.
pub const MAX_QUESTIONS: usize = 50;
/// Most choices of a choice question.
pub const MAX_CHOICES: usize = 20;
/// Longest question or choice text, in characters.
pub const MAX_PROMPT_CHARS: usize = 500;
/// Longest id (template, question, choice value).
pub const MAX_ID_LEN: usize = 64;
/// Ratings of ordinary rating questions.
pub const RATING_RANGE: RangeInclusive<u8> = 1..=5;
/// Ratings of the recommendation (NPS) question.
pub const RECOMMENDATION_RANGE: RangeInclusive<u8> = 0..=10;

/// The plan's `responseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResponseType {
    /// Free text, analysed for sentiment and red flags.
    Text,
    /// An integer: 1–5, or 0–10 for the recommendation question.
    Rating,
    /// One of the question's choices.
    Choice,
    /// Yes or no.
    Boolean,
}

/// What a rating question measures for the session analytics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionPurpose {
    /// Its answer (1–5) is the session's `overallRating`.
    OverallRating,
    /// Its answer (0–10) is the session's `recommendationScore`, counted in NPS.
    Recommendation,
}

/// One choice of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Choice {
    /// The stored value (`under_15_min`).
    pub value: String,
    /// What the patient sees, per language.
    #[schema(value_type = BTreeMap<String, String>)]
    pub label: Translations,
    /// Choosing it needs a staff follow-up (e.g. "severe side effects").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alert: bool,
}

/// One question of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Question {
    /// Stable id within the template (`wait_time`).
    pub id: String,
    /// How it is answered.
    pub response_type: ResponseType,
    /// Must be answered before the session is submitted.
    pub required: bool,
    /// The question, per language.
    #[schema(value_type = BTreeMap<String, String>)]
    pub text: Translations,
    /// The choices of a choice question, in display order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// What a rating question measures for the analytics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<QuestionPurpose>,
    /// Longest answer of a text question (default and maximum 2000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// The boolean answer that needs a staff follow-up (e.g. `false` to "taking it as prescribed?").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_on: Option<bool>,
}

impl Question {
    /// The accepted ratings of a rating question.
    pub fn rating_range(&self) -> Option<RangeInclusive<u8>> {
        match (self.response_type, self.purpose) {
            (ResponseType::Rating, Some(QuestionPurpose::Recommendation)) => Some(RECOMMENDATION_RANGE),
            (ResponseType::Rating, _) => Some(RATING_RANGE),
            _ => None,
        }
    }

    /// The longest accepted text answer, in characters.
    pub fn text_limit(&self) -> usize {
        self.max_length.map_or(TEXT_MAX_CHARS, |n| (n as usize).min(TEXT_MAX_CHARS))
    }

    /// The question in `language`, else in `fallback`.
    pub fn prompt(&self, language: &str, fallback: &str) -> Option<&str> {
        self.text.get(language).or_else(|| self.text.get(fallback)).map(String::as_str)
    }
}

/// A questionnaire for one session type, and optionally one department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuestionnaireTemplate {
    /// Stable id (`default-post-visit`).
    pub id: String,
    /// The session type it is for.
    pub session_type: SessionType,
    /// The department it is for; `None` for every department without its own template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The language every text must exist in, and the fallback for the others.
    pub default_language: String,
    /// The questionnaire's title, per language.
    #[schema(value_type = BTreeMap<String, String>)]
    pub title: Translations,
    /// The questions, in the order they are asked.
    pub questions: Vec<Question>,
}

impl QuestionnaireTemplate {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The question with this purpose.
    pub fn question_for(&self, purpose: QuestionPurpose) -> Option<&Question> {
        self.questions.iter().find(|q| q.purpose == Some(purpose))
    }

    /// Everything wrong with the template; empty when it is usable.
    pub fn violations(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        check_id(&mut out, "/id", &self.id);
        if !is_language_code(&self.default_language) {
            out.push(Violation::new(
                "/defaultLanguage",
                "invalid_language",
                "must be a language code such as en or fr",
            ));
        }
        if self.department.as_deref().is_some_and(|d| d.trim().is_empty() || d.chars().count() > 100) {
            out.push(Violation::new("/department", "invalid_length", "must be 1 to 100 characters"));
        }
        check_translations(&mut out, "/title", &self.title, &self.default_language);
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            out.push(Violation::new(
                "/questions",
                "invalid_length",
                format!("must have 1 to {MAX_QUESTIONS} questions"),
            ));
        }
        let mut ids = HashSet::new();
        for (i, question) in self.questions.iter().enumerate() {
            if !ids.insert(question.id.as_str()) {
                out.push(Violation::new(format!("/questions/{i}/id"), "duplicate", "question ids must be unique"));
            }
            check_question(&mut out, &format!("/questions/{i}"), question, &self.default_language);
        }
        for purpose in [QuestionPurpose::OverallRating, QuestionPurpose::Recommendation] {
            if self.questions.iter().filter(|q| q.purpose == Some(purpose)).count() > 1 {
                out.push(Violation::new(
                    "/questions",
                    "duplicate_purpose",
                    format!("at most one {purpose:?} question"),
                ));
            }
        }
        out
    }
}

/// The template for a session: the one for its type and department, else the one for its type
/// with no department.
pub fn select_template<'a>(
    templates: &'a [QuestionnaireTemplate],
    session_type: SessionType,
    department: Option<&str>,
) -> Option<&'a QuestionnaireTemplate> {
    let of_type = || templates.iter().filter(move |t| t.session_type == session_type);
    department
        .and_then(|d| of_type().find(|t| t.department.as_deref().is_some_and(|td| td.eq_ignore_ascii_case(d))))
        .or_else(|| of_type().find(|t| t.department.is_none()))
}

fn check_question(out: &mut Vec<Violation>, at: &str, q: &Question, language: &str) {
    check_id(out, &format!("{at}/id"), &q.id);
    check_translations(out, &format!("{at}/text"), &q.text, language);
    let is = |t: ResponseType| q.response_type == t;
    if is(ResponseType::Choice) {
        if !(2..=MAX_CHOICES).contains(&q.choices.len()) {
            out.push(Violation::new(
                format!("{at}/choices"),
                "invalid_length",
                format!("needs 2 to {MAX_CHOICES} choices"),
            ));
        }
        let mut values = HashSet::new();
        for (j, choice) in q.choices.iter().enumerate() {
            check_id(out, &format!("{at}/choices/{j}/value"), &choice.value);
            if !values.insert(choice.value.as_str()) {
                out.push(Violation::new(
                    format!("{at}/choices/{j}/value"),
                    "duplicate",
                    "choice values must be unique",
                ));
            }
            check_translations(out, &format!("{at}/choices/{j}/label"), &choice.label, language);
        }
    } else if !q.choices.is_empty() {
        out.push(Violation::new(format!("{at}/choices"), "not_allowed", "only choice questions have choices"));
    }
    if q.purpose.is_some() && !is(ResponseType::Rating) {
        out.push(Violation::new(format!("{at}/purpose"), "not_allowed", "only rating questions have a purpose"));
    }
    match q.max_length {
        Some(_) if !is(ResponseType::Text) => {
            out.push(Violation::new(format!("{at}/maxLength"), "not_allowed", "only text questions have a maxLength"))
        }
        Some(n) if n == 0 || n as usize > TEXT_MAX_CHARS => out.push(Violation::new(
            format!("{at}/maxLength"),
            "out_of_range",
            format!("must be from 1 to {TEXT_MAX_CHARS}"),
        )),
        _ => {}
    }
    if q.alert_on.is_some() && !is(ResponseType::Boolean) {
        out.push(Violation::new(format!("{at}/alertOn"), "not_allowed", "only boolean questions have alertOn"));
    }
}

fn check_id(out: &mut Vec<Violation>, at: &str, id: &str) {
    let valid = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !valid {
        out.push(Violation::new(at, "invalid_id", format!("must be 1 to {MAX_ID_LEN} of a-z, 0-9, _ and -")));
    }
}

fn check_translations(out: &mut Vec<Violation>, at: &str, texts: &Translations, default_language: &str) {
    if texts.get(default_language).is_none_or(|t| t.trim().is_empty()) {
        out.push(Violation::new(at, "missing_translation", format!("needs a text in {default_language}")));
    }
    for (language, text) in texts {
        if !is_language_code(language) {
            out.push(Violation::new(format!("{at}/{language}"), "invalid_language", "must be a language code"));
        } else if text.trim().is_empty() || text.chars().count() > MAX_PROMPT_CHARS {
            out.push(Violation::new(
                format!("{at}/{language}"),
                "invalid_length",
                format!("must be 1 to {MAX_PROMPT_CHARS} characters"),
            ));
        }
    }
}

/// `xx` or `xxx`, optionally `-` and 2 to 8 letters or digits, lower case.
fn is_language_code(code: &str) -> bool {
    let (primary, region) = code.split_once('-').map_or((code, None), |(p, r)| (p, Some(r)));
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| {
            (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
