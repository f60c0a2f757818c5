//! The offline analyzer: language detection, lexicon sentiment, taxonomy topics, red flags and
//! an urgency score, with no network and no model files. Its data (lexicons, taxonomy, red
//! flags) is embedded; a clinic extends the taxonomy and red flags with its own rows.
//!
//! **Urgency.** With a red flag: high, score 0.9 plus 0.05 per further flag (at most 1).
//! Otherwise the score adds the distinct urgency cues of the language (`urgent`, `getting
//! worse`, `side effects`, `lawyer`…, at most [`MAX_CUES`]), half the negativity of the
//! sentiment score, [`CLINICAL_BUMP`] when negative text is about a clinical topic and
//! [`DENIED_FLAG_BUMP`] when a symptom was mentioned in denied form; high from 0.7, medium
//! from 0.35. **Action required**: a red flag, urgency medium or high, or a sentiment score at
//! or below [`ACTION_SENTIMENT`]. A red flag also counts as a strongly negative word
//! ([`RED_FLAG_VALENCE`]) in the sentiment: reporting harm is a negative experience.

use async_trait::async_trait;

use super::{
    data::DataError,
    language::{choose, Language, LanguageEvidence},
    lexicon::Lexicon,
    red_flags::{FlagScan, RedFlags},
    sentiment::{normalise, raw_valence},
    taxonomy::{Taxonomy, Topic},
    text::{tokenize, Token},
    AnalysisInput, AnalyzerError, FeedbackAnalysis, FeedbackAnalyzer, Sentiment, Urgency, PATIENT_SAFETY,
};

/// Valence a red flag adds to the sentiment sum.
pub const RED_FLAG_VALENCE: f64 = -2.0;
/// Urgency score of a single red flag.
pub const RED_FLAG_URGENCY: f64 = 0.9;
/// Most the urgency cues may add.
pub const MAX_CUES: f64 = 0.6;
/// Share of the negativity (−score) added to urgency.
pub const NEGATIVITY_WEIGHT: f64 = 0.5;
/// Added to urgency for negative text about a clinical topic.
pub const CLINICAL_BUMP: f64 = 0.1;
/// Added to urgency when a symptom flag was mentioned only as denied.
pub const DENIED_FLAG_BUMP: f64 = 0.1;
/// Sentiment score at or below which action is required even at low urgency.
pub const ACTION_SENTIMENT: f64 = -0.5;
/// Most topics reported.
pub const MAX_TOPICS: usize = 5;
/// Longest text analysed, in characters; the rest is ignored.
pub const MAX_ANALYZED_CHARS: usize = 10_000;
/// The category of topics that count as clinical.
const CLINICAL: &str = "clinical";

/// The name it reports in `analyzer`.
pub const OFFLINE: &str = "offline";

/// Lexicon, taxonomy and red-flag analyzer.
#[derive(Debug, Clone)]
pub struct OfflineAnalyzer {
    lexicons: Vec<Lexicon>,
    taxonomy: Taxonomy,
    red_flags: RedFlags,
}

impl OfflineAnalyzer {
    /// The analyzer with its built-in data.
    pub fn builtin() -> Result<Self, DataError> {
        let lexicons = vec![
            Lexicon::parse(Language::En, "lexicon-en.tsv", include_str!("data/lexicon-en.tsv"))?,
            Lexicon::parse(Language::Fr, "lexicon-fr.tsv", include_str!("data/lexicon-fr.tsv"))?,
            Lexicon::parse(Language::Es, "lexicon-es.tsv", include_str!("data/lexicon-es.tsv"))?,
        ];
        Ok(Self { lexicons, taxonomy: Taxonomy::builtin()?, red_flags: RedFlags::builtin()? })
    }

    /// The built-in analyzer with a clinic's own taxonomy and red-flag rows added.
    pub fn with_extensions(taxonomy_rows: Option<&str>, red_flag_rows: Option<&str>) -> Result<Self, DataError> {
        let mut analyzer = Self::builtin()?;
        if let Some(rows) = taxonomy_rows {
            analyzer.taxonomy.extend("custom taxonomy", rows)?;
        }
        if let Some(rows) = red_flag_rows {
            analyzer.red_flags.extend("custom red flags", rows)?;
        }
        Ok(analyzer)
    }

    /// The taxonomy in use.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    fn lexicon(&self, language: Language) -> Option<&Lexicon> {
        self.lexicons.iter().find(|l| l.language() == language)
    }

    /// Analyses one text.
    pub fn analyze_text(&self, input: &AnalysisInput<'_>) -> FeedbackAnalysis {
        let text: String = input.text.chars().take(MAX_ANALYZED_CHARS).collect();
        let tokens = tokenize(&text);
        let words: Vec<String> = tokens.iter().filter_map(Token::word).map(str::to_owned).collect();
        let detected = choose(input.language_hint, &words, &self.lexicons);
        let language = detected.unwrap_or(Language::ALL[0]);
        let lexicon = self.lexicon(language);
        let scan = self.red_flags.scan(&tokens, detected.and_then(|l| self.lexicon(l)));

        let raw = lexicon.map_or(0.0, |lex| raw_valence(lex, &tokens)) + RED_FLAG_VALENCE * scan.flags.len() as f64;
        let sentiment_score = round3(normalise(raw));
        let topics = self.taxonomy.match_topics(&tokens, language);
        let clinical = topics.iter().any(|t| t.category == CLINICAL);
        let urgency_score = round3(urgency_score(UrgencyFacts {
            cues: lexicon.map_or(0.0, |lex| lex.urgency_cues(&tokens)),
            sentiment_score,
            clinical,
            flags: scan.flags.len(),
            denied: scan.denied.len(),
        }));
        let urgency = if scan.flags.is_empty() { Urgency::from_score(urgency_score) } else { Urgency::High };
        let department = self.department(&tokens, language, input.department_hint, &scan, &topics);
        let category = if scan.flags.is_empty() {
            topics.first().map(|t| t.category.clone())
        } else {
            Some(PATIENT_SAFETY.to_owned())
        };
        FeedbackAnalysis {
            rating: estimated_rating(sentiment_score),
            sentiment: Sentiment::from_score(sentiment_score),
            sentiment_score,
            topics: topics.iter().take(MAX_TOPICS).map(|t| t.key.clone()).collect(),
            urgency,
            urgency_score,
            action_required: !scan.flags.is_empty()
                || urgency >= Urgency::Medium
                || sentiment_score <= ACTION_SENTIMENT,
            department,
            category,
            red_flags: scan.flags,
            denied_red_flags: scan.denied,
            language: language.code().to_owned(),
            analyzer: OFFLINE.to_owned(),
        }
    }
}

impl OfflineAnalyzer {
    /// Where the text names a department, else the session's, else the first flag's, else the
    /// first topic's.
    fn department(
        &self,
        tokens: &[Token],
        language: Language,
        hint: Option<&str>,
        scan: &FlagScan,
        topics: &[&Topic],
    ) -> Option<String> {
        self.taxonomy
            .match_department(tokens, language)
            .or(hint)
            .or_else(|| scan.flags.iter().find_map(|f| f.department.as_deref()))
            .or_else(|| topics.iter().find_map(|t| t.department.as_deref()))
            .map(str::to_owned)
    }
}

#[async_trait]
impl FeedbackAnalyzer for OfflineAnalyzer {
    fn name(&self) -> &str {
        OFFLINE
    }

    async fn analyze(&self, input: &AnalysisInput<'_>) -> Result<FeedbackAnalysis, AnalyzerError> {
        Ok(self.analyze_text(input))
    }
}

/// What the urgency score is computed from.
#[derive(Debug, Clone, Copy, Default)]
pub struct UrgencyFacts {
    /// Sum of the urgency cue weights found.
    pub cues: f64,
    /// The sentiment score.
    pub sentiment_score: f64,
    /// Whether a clinical topic was found.
    pub clinical: bool,
    /// Red flags found.
    pub flags: usize,
    /// Symptom flags mentioned only as denied.
    pub denied: usize,
}

/// The urgency score (see the module documentation).
pub fn urgency_score(facts: UrgencyFacts) -> f64 {
    if facts.flags > 0 {
        return (RED_FLAG_URGENCY + 0.05 * (facts.flags - 1) as f64).min(1.0);
    }
    let negativity = (-facts.sentiment_score).max(0.0);
    let mut score = facts.cues.min(MAX_CUES) + negativity * NEGATIVITY_WEIGHT;
    if facts.clinical && negativity > 0.0 {
        score += CLINICAL_BUMP;
    }
    if facts.denied > 0 {
        score += DENIED_FLAG_BUMP;
    }
    score.clamp(0.0, 1.0)
}

/// A 1–5 rating from a −1..1 score: −1 → 1, 0 → 3, 1 → 5.
pub fn estimated_rating(score: f64) -> u8 {
    (3.0 + 2.0 * score).round().clamp(1.0, 5.0) as u8
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
#[path = "offline_tests.rs"]
mod tests;
