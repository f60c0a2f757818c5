//! Feedback sessions: questionnaire templates per session type and department (with seeded
//! defaults in English and French), validation of answers against their question, the session
//! analytics derived from the answers and their analyses, and NPS.

mod analytics;
mod answers;
mod nps;
mod seeds;
mod session_type;
mod template;

use serde::Serialize;

pub use self::{
    analytics::{assess, escalation_level, EscalationFacts, SessionAnalytics, SessionAssessment, IDLE_CAP_SECONDS},
    answers::{missing_required, validate_answers, Answer, AnswerValue, SubmittedAnswer, TEXT_MAX_CHARS},
    nps::{Nps, NpsCategory, NpsScore, THIN_SAMPLE},
    seeds::default_templates,
    session_type::SessionType,
    template::{select_template, Choice, Question, QuestionPurpose, QuestionnaireTemplate, ResponseType, Translations},
};

/// One broken rule, with where it is; every validation returns all of them at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer of the offending value (`/answers/2/response`, `/questions/0/choices`).
    pub pointer: String,
    /// Stable code of the rule (`out_of_range`, `required`…).
    pub code: &'static str,
    /// What is wrong, for a human.
    pub message: String,
}

impl Violation {
    /// A violation at `pointer`.
    pub fn new(pointer: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), code, message: message.into() }
    }
}
