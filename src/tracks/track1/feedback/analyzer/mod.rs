//! Feedback analysis: what a free-text answer or chat message says, as the plan's
//! `feedbackAnalysis` (sentiment, topics, urgency, action required, department, category) plus
//! the clinical red flags that forced it. [`FeedbackAnalyzer`] is the seam: [`OfflineAnalyzer`]
//! (lexicons, rules and a taxonomy, no network) is the default, and an LLM-backed analyzer can be
//! put in front of it with [`FallbackAnalyzer`], which falls back on error and never lets the
//! primary drop a red flag the offline scan found.

mod data;
mod lexicon;
mod offline;
mod pattern;
mod red_flags;
mod sentiment;
mod taxonomy;

#[cfg(test)]
mod evaluation_tests;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// Shared with Track 2's assistant; the submodules keep reaching them as `super::language`/`super::text`.
use crate::text::{language, normalize as text};

pub use self::{
    data::DataError,
    language::Language,
    offline::OfflineAnalyzer,
    red_flags::{RedFlag, RedFlags},
    taxonomy::{Taxonomy, Topic},
};

/// Scores from this value up are positive, down to its negation negative.
pub const SENTIMENT_THRESHOLD: f64 = 0.05;
/// Urgency scores from this value up are high.
pub const HIGH_URGENCY: f64 = 0.7;
/// Urgency scores from this value up (and below high) are medium.
pub const MEDIUM_URGENCY: f64 = 0.35;
/// The category reported whenever a red flag is present.
pub const PATIENT_SAFETY: &str = "patient_safety";

/// The plan's `sentiment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// Praise or satisfaction.
    Positive,
    /// Complaint or harm.
    Negative,
    /// Neither.
    Neutral,
}

impl Sentiment {
    /// The label of a −1..1 score.
    pub fn from_score(score: f64) -> Self {
        if score >= SENTIMENT_THRESHOLD {
            Self::Positive
        } else if score <= -SENTIMENT_THRESHOLD {
            Self::Negative
        } else {
            Self::Neutral
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Negative => "negative",
            Self::Neutral => "neutral",
        }
    }
}

/// The plan's `urgency`, ordered `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    /// Routine.
    Low,
    /// Someone should look this week.
    Medium,
    /// Someone should look today.
    High,
}

impl Urgency {
    /// The level of a 0..1 score.
    pub fn from_score(score: f64) -> Self {
        if score >= HIGH_URGENCY {
            Self::High
        } else if score >= MEDIUM_URGENCY {
            Self::Medium
        } else {
            Self::Low
        }
    }
}

/// What to analyse.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnalysisInput<'a> {
    /// The patient's words.
    pub text: &'a str,
    /// The language the patient chose (a tag like `fr` or `fr-RW`); wins over detection when
    /// it names a supported language.
    pub language_hint: Option<&'a str>,
    /// The department the feedback is about, when the session says so.
    pub department_hint: Option<&'a str>,
}

/// The plan's `feedbackAnalysis`, plus the red flags behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackAnalysis {
    /// Estimated 1–5 rating from the sentiment score.
    pub rating: u8,
    /// Overall sentiment.
    pub sentiment: Sentiment,
    /// Sentiment score from −1 (very negative) to 1.
    pub sentiment_score: f64,
    /// Taxonomy topic keys, most mentioned first.
    pub topics: Vec<String>,
    /// How soon staff should look.
    pub urgency: Urgency,
    /// Urgency score from 0 to 1.
    pub urgency_score: f64,
    /// Whether someone must act on it.
    pub action_required: bool,
    /// The department it concerns, when the text, the session or a flag says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// `patient_safety` with red flags, else the category of the main topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Clinical red flags found; any forces urgency high and action required.
    #[serde(default)]
    pub red_flags: Vec<RedFlag>,
    /// Symptom flags mentioned only as denied ("no chest pain"): shown, not escalated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denied_red_flags: Vec<String>,
    /// The language the text was read as (`en`, `fr`, `es`).
    pub language: String,
    /// Which analyzer produced it (`offline`, or a provider name).
    pub analyzer: String,
}

impl FeedbackAnalysis {
    /// Clamps every number into its documented range (for results from outside, like an LLM).
    pub fn sanitised(mut self) -> Self {
        self.sentiment_score = clamp_or(self.sentiment_score, -1.0, 1.0, 0.0);
        self.urgency_score = clamp_or(self.urgency_score, 0.0, 1.0, 0.0);
        self.rating = self.rating.clamp(1, 5);
        self
    }
}

fn clamp_or(value: f64, min: f64, max: f64, nan: f64) -> f64 {
    if value.is_nan() {
        nan
    } else {
        value.clamp(min, max)
    }
}

/// Why an analyzer produced no result.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzerError {
    /// The provider could not be reached or refused.
    #[error("analyzer unavailable: {0}")]
    Unavailable(String),
    /// The provider answered something unusable.
    #[error("analyzer returned an invalid result: {0}")]
    InvalidResponse(String),
}

/// Something that can analyse feedback text.
#[async_trait]
pub trait FeedbackAnalyzer: Send + Sync {
    /// The name reported in `analyzer`.
    fn name(&self) -> &str;
    /// Analyses one text.
    async fn analyze(&self, input: &AnalysisInput<'_>) -> Result<FeedbackAnalysis, AnalyzerError>;
}

/// A primary analyzer (e.g. an LLM) with the offline analyzer behind it: the offline result is
/// used when the primary fails, and its red flags are always merged into the primary's result.
pub struct FallbackAnalyzer {
    primary: Arc<dyn FeedbackAnalyzer>,
    offline: Arc<OfflineAnalyzer>,
}

impl FallbackAnalyzer {
    /// Puts `primary` in front of `offline`.
    pub fn new(primary: Arc<dyn FeedbackAnalyzer>, offline: Arc<OfflineAnalyzer>) -> Self {
        Self { primary, offline }
    }
}

#[async_trait]
impl FeedbackAnalyzer for FallbackAnalyzer {
    fn name(&self) -> &str {
        self.primary.name()
    }

    async fn analyze(&self, input: &AnalysisInput<'_>) -> Result<FeedbackAnalysis, AnalyzerError> {
        let offline = self.offline.analyze_text(input);
        match self.primary.analyze(input).await {
            Ok(primary) => Ok(merge_safety(primary.sanitised(), &offline)),
            Err(err) => {
                log::warn!("feedback analyzer {} failed, using the offline result: {err}", self.primary.name());
                Ok(offline)
            }
        }
    }
}

/// Adds the offline red flags the primary missed and re-applies what red flags force.
pub fn merge_safety(mut primary: FeedbackAnalysis, offline: &FeedbackAnalysis) -> FeedbackAnalysis {
    for flag in &offline.red_flags {
        if !primary.red_flags.iter().any(|f| f.code == flag.code) {
            primary.red_flags.push(flag.clone());
        }
    }
    let flags = &primary.red_flags;
    primary.denied_red_flags.retain(|code| !flags.iter().any(|f| &f.code == code));
    if !primary.red_flags.is_empty() {
        primary.urgency = Urgency::High;
        primary.urgency_score = primary.urgency_score.max(offline.urgency_score).max(HIGH_URGENCY);
        primary.action_required = true;
        primary.category = Some(PATIENT_SAFETY.to_owned());
    }
    primary
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
