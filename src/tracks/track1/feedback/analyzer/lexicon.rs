//! A language's sentiment lexicon and function words, read from a data file
//! (`data/lexicon-<code>.tsv`, see [`super::data`] for the row syntax). Rows:
//!
//! - `<pattern>\t<valence>`: a word, stem or phrase and its valence from −4 (very negative) to +4;
//!   valence 0 neutralises a phrase (`kind of` is not kindness);
//! - `@stopwords\tw w …`: function words, the evidence for language detection;
//! - `@negators\tw w …`: words that flip a sentiment word a few words after them;
//! - `@lookback\tn`: how many words before a sentiment word negators and intensifiers reach
//!   (default [`DEFAULT_LOOKBACK`]; French needs 4 for `personne ne m'a su expliquer`);
//! - `@intensifiers\tw:f w:f …`: multipliers of the next sentiment word (below 1 for diminishers);
//! - `@contrast\tp; p …`: "but" words; the clause after them outweighs the one before;
//! - `@concessive\tp; p …`: "although" words; the clause they open counts half;
//! - `@denial\tp; p …`: what may deny a symptom red flag right after it (`no`, `pas de`, `sin`);
//! - `@fillers\tw w …`: words allowed between a denial and the symptom (`any`, `had`, `de`);
//! - `@disjunctions\tw w …`: "or" words carrying a denial to the next symptom ("no fever or bleeding");
//! - `@urgency\t<pattern>\t<weight>`: a cue raising urgency by the weight (0–1).

use std::collections::{HashMap, HashSet};

use super::{
    data::{rows, DataError, Row},
    language::{Language, LanguageEvidence},
    pattern::Pattern,
    text::Token,
};

/// How far back negators and intensifiers reach unless the lexicon says otherwise.
pub const DEFAULT_LOOKBACK: usize = 3;
/// Largest valence a lexicon entry may have.
const MAX_VALENCE: f64 = 4.0;

/// One language's lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    language: Language,
    lookback: usize,
    entries: Vec<(Pattern, f64)>,
    vocabulary: HashSet<String>,
    stopwords: HashSet<String>,
    negators: HashSet<String>,
    intensifiers: HashMap<String, f64>,
    contrast: Vec<Pattern>,
    concessive: Vec<Pattern>,
    denials: Vec<Pattern>,
    fillers: HashSet<String>,
    disjunctions: HashSet<String>,
    urgency: Vec<(Pattern, f64)>,
}

impl Lexicon {
    /// Reads a lexicon file; `file` names it in errors.
    pub fn parse(language: Language, file: &str, text: &str) -> Result<Self, DataError> {
        let mut lexicon = Self {
            language,
            lookback: DEFAULT_LOOKBACK,
            entries: Vec::new(),
            vocabulary: HashSet::new(),
            stopwords: HashSet::new(),
            negators: HashSet::new(),
            intensifiers: HashMap::new(),
            contrast: Vec::new(),
            concessive: Vec::new(),
            denials: Vec::new(),
            fillers: HashSet::new(),
            disjunctions: HashSet::new(),
            urgency: Vec::new(),
        };
        for row in rows(text) {
            lexicon.read_row(file, &row)?;
        }
        Ok(lexicon)
    }

    fn read_row(&mut self, file: &str, row: &Row<'_>) -> Result<(), DataError> {
        let list = |i: usize| Pattern::parse_list(row.fields.get(i).copied().unwrap_or_default());
        let words = |i: usize| word_set(row.fields.get(i).copied().unwrap_or_default());
        let first = row.fields.first().copied().unwrap_or_default();
        match first {
            "@stopwords" => self.stopwords.extend(words(1)),
            "@negators" => self.negators.extend(words(1)),
            "@fillers" => self.fillers.extend(words(1)),
            "@disjunctions" => self.disjunctions.extend(words(1)),
            "@intensifiers" => self
                .intensifiers
                .extend(factors(row.fields.get(1).copied().unwrap_or_default()).map_err(|m| row.error(file, m))?),
            "@lookback" => {
                row.expect_fields(file, 2)?;
                self.lookback = number(row.fields[1], 1.0, 6.0).map_err(|m| row.error(file, m))? as usize;
            }
            "@contrast" => self.contrast.extend(list(1).map_err(|m| row.error(file, m))?),
            "@concessive" => self.concessive.extend(list(1).map_err(|m| row.error(file, m))?),
            "@denial" => self.denials.extend(list(1).map_err(|m| row.error(file, m))?),
            "@urgency" => {
                row.expect_fields(file, 3)?;
                let weight = number(row.fields[2], 0.0, 1.0).map_err(|m| row.error(file, m))?;
                self.urgency.push((Pattern::parse(row.fields[1]).map_err(|m| row.error(file, m))?, weight));
            }
            directive if directive.starts_with('@') => {
                return Err(row.error(file, format!("unknown directive `{directive}`")))
            }
            _ => {
                row.expect_fields(file, 2)?;
                let valence = number(row.fields[1], -MAX_VALENCE, MAX_VALENCE).map_err(|m| row.error(file, m))?;
                let pattern = Pattern::parse(first).map_err(|m| row.error(file, m))?;
                if let Some(word) = pattern.single_word() {
                    self.vocabulary.insert(word.to_owned());
                }
                self.entries.push((pattern, valence));
            }
        }
        Ok(())
    }

    /// The longest sentiment entry matching at `i`: its end (exclusive) and valence.
    pub fn sentiment_at(&self, tokens: &[Token], i: usize) -> Option<(usize, f64)> {
        let mut best: Option<(usize, usize, f64)> = None;
        for (pattern, valence) in &self.entries {
            if let Some(end) = pattern.match_at(tokens, i) {
                let words = pattern.word_count();
                if best.is_none_or(|(w, _, _)| words > w) {
                    best = Some((words, end, *valence));
                }
            }
        }
        best.map(|(_, end, valence)| (end, valence))
    }

    /// How many words before a sentiment word negators and intensifiers reach.
    pub fn lookback(&self) -> usize {
        self.lookback
    }

    /// Whether the word negates what follows.
    pub fn is_negator(&self, word: &str) -> bool {
        self.negators.contains(word)
    }

    /// The multiplier of an intensifier or diminisher.
    pub fn intensity(&self, word: &str) -> Option<f64> {
        self.intensifiers.get(word).copied()
    }

    /// The end of a contrast marker ("but") starting at `i`.
    pub fn contrast_at(&self, tokens: &[Token], i: usize) -> Option<usize> {
        self.contrast.iter().find_map(|p| p.match_at(tokens, i))
    }

    /// The end of a concessive marker ("although") starting at `i`.
    pub fn concessive_at(&self, tokens: &[Token], i: usize) -> Option<usize> {
        self.concessive.iter().find_map(|p| p.match_at(tokens, i))
    }

    /// The denial patterns.
    pub fn denials(&self) -> &[Pattern] {
        &self.denials
    }

    /// Whether a word may stand between a denial and a symptom.
    pub fn is_filler(&self, word: &str) -> bool {
        self.fillers.contains(word)
    }

    /// Whether a word is an "or" that carries a denial on.
    pub fn is_disjunction(&self, word: &str) -> bool {
        self.disjunctions.contains(word)
    }

    /// Sum of the weights of the distinct urgency cues in the text.
    pub fn urgency_cues(&self, tokens: &[Token]) -> f64 {
        self.urgency.iter().filter(|(p, _)| !p.find_all(tokens).is_empty()).map(|(_, w)| w).sum()
    }
}

impl LanguageEvidence for Lexicon {
    fn language(&self) -> Language {
        self.language
    }

    fn evidence(&self, word: &str) -> f64 {
        if self.stopwords.contains(word) {
            1.0
        } else if self.vocabulary.contains(word) {
            0.5
        } else {
            0.0
        }
    }
}

fn word_set(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_whitespace().map(super::text::fold)
}

fn factors(text: &str) -> Result<Vec<(String, f64)>, String> {
    text.split_whitespace()
        .map(|item| {
            let (word, factor) = item.split_once(':').ok_or_else(|| format!("`{item}` must be word:factor"))?;
            Ok((super::text::fold(word), number(factor, 0.1, 3.0)?))
        })
        .collect()
}

fn number(text: &str, min: f64, max: f64) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` must be a number from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::{super::text::tokenize, *};

    const SAMPLE: &str = "# test\n@stopwords\tthe was\n@negators\tnot no\n@intensifiers\tvery:1.3 slightly:0.6\n\
        @lookback\t4\n@contrast\tbut; however\n@denial\tno; free of\n@fillers\tany\n@urgency\turgent*\t0.3\n\
        good\t1.9\nkind of\t0\nkind\t2\nwaste of time\t-2.8\n";

    #[test]
    fn reads_every_row_kind() {
        let lex = Lexicon::parse(Language::En, "t", SAMPLE).unwrap();
        let tokens = tokenize("kind of good, a waste of time but URGENT");
        assert_eq!(lex.sentiment_at(&tokens, 0), Some((2, 0.0)));
        assert_eq!(lex.sentiment_at(&tokens, 2), Some((3, 1.9)));
        assert_eq!(lex.sentiment_at(&tokens, 5), Some((8, -2.8)));
        assert_eq!(lex.contrast_at(&tokens, 8), Some(9));
        assert!(lex.is_negator("no") && lex.is_filler("any"));
        assert_eq!(lex.intensity("slightly"), Some(0.6));
        assert!((lex.urgency_cues(&tokens) - 0.3).abs() < 1e-9);
        assert_eq!(lex.denials().len(), 2);
        assert_eq!(lex.lookback(), 4);
        assert_eq!(lex.evidence("the"), 1.0);
        assert_eq!(lex.evidence("good"), 0.5);
        assert_eq!(lex.evidence("kind of"), 0.0);
    }

    #[test]
    fn reports_bad_rows_with_their_line() {
        let err = Lexicon::parse(Language::En, "t", "good\t9\n").unwrap_err();
        assert_eq!((err.line, err.message.contains("-4")), (1, true));
        assert!(Lexicon::parse(Language::En, "t", "\n@bogus\tx\n").unwrap_err().message.contains("@bogus"));
        assert!(Lexicon::parse(Language::En, "t", "@intensifiers\tvery\n").is_err());
        assert!(Lexicon::parse(Language::En, "t", "@urgency\turgent\n").is_err());
        assert!(Lexicon::parse(Language::En, "t", "@lookback\t9\n").is_err());
    }
}
