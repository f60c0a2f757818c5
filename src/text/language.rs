//! The languages CareChat reads (English, French, Spanish), and detection between them by the
//! evidence each language gives: Track 1's analyzer counts its lexicons' stopwords and, with half
//! the weight, sentiment words; Track 2's assistant counts function words
//! ([`super::stopwords`]). An explicit hint naming a supported language always wins.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A supported language (Track 1 has a lexicon, taxonomy terms and red-flag patterns for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
}

impl Language {
    /// Every supported language; the first is the default when nothing can be detected.
    pub const ALL: [Self; 3] = [Self::En, Self::Fr, Self::Es];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::Es => "es",
        }
    }

    /// Reads a language tag (`fr`, `fr-RW`, `FR_fr`): only the primary subtag counts.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What a language contributes to detection.
pub trait LanguageEvidence {
    /// The language.
    fn language(&self) -> Language;
    /// Weight of one word as evidence: 1 for a stopword, 0.5 for a sentiment word, 0 otherwise.
    fn evidence(&self, word: &str) -> f64;
}

/// Picks the language for a text: the hint when it names a supported language, else the language
/// with the most evidence, else `None` (no evidence, or a tie between the best two).
pub fn choose<E: LanguageEvidence>(hint: Option<&str>, words: &[String], languages: &[E]) -> Option<Language> {
    if let Some(language) = hint.and_then(Language::parse) {
        return Some(language);
    }
    let mut scores: Vec<(Language, f64)> =
        languages.iter().map(|l| (l.language(), words.iter().map(|w| l.evidence(w)).sum())).collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    match scores.as_slice() {
        [(best, score), rest @ ..] if *score > 0.0 && rest.first().is_none_or(|(_, second)| second < score) => {
            Some(*best)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{super::stopwords::Stopwords as Stops, *};

    fn langs() -> Vec<Stops> {
        vec![Stops(Language::En, &["the", "was"]), Stops(Language::Fr, &["le", "etait", "tres"])]
    }

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn parses_tags_by_primary_subtag() {
        assert_eq!(Language::parse("fr-RW"), Some(Language::Fr));
        assert_eq!(Language::parse(" ES_es"), Some(Language::Es));
        assert_eq!(Language::parse("rw"), None);
        assert_eq!(Language::parse(""), None);
    }

    #[test]
    fn detects_by_evidence_and_hint_wins() {
        assert_eq!(choose(None, &words("le medecin etait tres bien"), &langs()), Some(Language::Fr));
        assert_eq!(choose(None, &words("the doctor was fine"), &langs()), Some(Language::En));
        assert_eq!(choose(Some("es"), &words("the doctor was fine"), &langs()), Some(Language::Es));
        assert_eq!(choose(Some("rw"), &words("the doctor was fine"), &langs()), Some(Language::En));
    }

    #[test]
    fn no_evidence_or_a_tie_is_undecided() {
        assert_eq!(choose(None, &words("ok"), &langs()), None);
        assert_eq!(choose(None, &words("the le"), &langs()), None);
    }
}
