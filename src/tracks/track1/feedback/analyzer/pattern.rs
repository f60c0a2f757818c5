//! The small pattern language of the lexicon, taxonomy and red-flag files. A pattern is a
//! sequence of positions separated by spaces, matched against consecutive words:
//!
//! - `pain` matches the word exactly; `pain*` any word starting with `pain` (at least 3 letters
//!   before the `*`); `lips|tongue|face` any of the alternatives;
//! - `~` skips up to 3 words, `~N` up to N (1–9), never across a clause or sentence boundary.
//!
//! Words are written as [`super::text`] produces them: lower case, accents optional (they are
//! folded), contractions expanded (`can not`, `ne est`, `de air`). Lists of patterns in the data
//! files are separated by `;`.

use super::text::{fold, Token};

/// Words a `~` gap skips when no count is given.
const DEFAULT_GAP: usize = 3;
/// Shortest stem a `*` prefix may have.
const MIN_PREFIX: usize = 3;

/// One compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    steps: Vec<Step>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Word(Vec<Term>),
    Gap(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Exact(String),
    Prefix(String),
}

impl Term {
    fn matches(&self, word: &str) -> bool {
        match self {
            Self::Exact(w) => w == word,
            Self::Prefix(p) => word.starts_with(p.as_str()),
        }
    }

    fn parse(alt: &str) -> Result<Self, String> {
        let (stem, prefix) = match alt.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (alt, false),
        };
        if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            return Err(format!("`{alt}` must be letters or digits, optionally ending in *"));
        }
        if prefix && stem.len() < MIN_PREFIX {
            return Err(format!("`{alt}`: a stem needs at least {MIN_PREFIX} letters before *"));
        }
        Ok(if prefix { Self::Prefix(stem.to_owned()) } else { Self::Exact(stem.to_owned()) })
    }
}

impl Pattern {
    /// Compiles one pattern.
    pub fn parse(text: &str) -> Result<Self, String> {
        let folded = fold(text);
        let mut steps = Vec::new();
        for position in folded.split_whitespace() {
            steps.push(match position.strip_prefix('~') {
                Some("") => Step::Gap(DEFAULT_GAP),
                Some(n) => match n.parse::<usize>() {
                    Ok(n @ 1..=9) => Step::Gap(n),
                    _ => return Err(format!("`{position}` in `{text}`: a gap is ~ or ~1 to ~9")),
                },
                None => Step::Word(position.split('|').map(Term::parse).collect::<Result<_, _>>()?),
            });
        }
        match (steps.first(), steps.last()) {
            (Some(Step::Word(_)), Some(Step::Word(_))) => Ok(Self { steps, source: text.trim().to_owned() }),
            (None, _) => Err("empty pattern".to_owned()),
            _ => Err(format!("`{text}` must start and end with a word, not a gap")),
        }
    }

    /// Compiles a `;`-separated list, skipping empty items.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        text.split(';').map(str::trim).filter(|p| !p.is_empty()).map(Self::parse).collect()
    }

    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The word, when the pattern is exactly one word without alternatives or stem.
    pub fn single_word(&self) -> Option<&str> {
        match self.steps.as_slice() {
            [Step::Word(terms)] => match terms.as_slice() {
                [Term::Exact(w)] => Some(w),
                _ => None,
            },
            _ => None,
        }
    }

    /// How many word positions the pattern has (longer patterns win over shorter ones).
    pub fn word_count(&self) -> usize {
        self.steps.iter().filter(|s| matches!(s, Step::Word(_))).count()
    }

    /// The end (exclusive) of a match starting exactly at `start`, preferring the shortest gaps.
    pub fn match_at(&self, tokens: &[Token], start: usize) -> Option<usize> {
        match_steps(&self.steps, tokens, start)
    }

    /// Every match, as `(start, end)`, scanning left to right without overlaps.
    pub fn find_all(&self, tokens: &[Token]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            match self.match_at(tokens, i) {
                Some(end) => {
                    found.push((i, end));
                    i = end;
                }
                None => i += 1,
            }
        }
        found
    }
}

/// Every match of any of `patterns` that overlaps no match of `exclusions`, sorted by start.
pub fn find_excluding<'p>(
    tokens: &[Token],
    patterns: impl IntoIterator<Item = &'p Pattern>,
    exclusions: impl IntoIterator<Item = &'p Pattern>,
) -> Vec<(usize, usize)> {
    let excluded: Vec<(usize, usize)> = exclusions.into_iter().flat_map(|p| p.find_all(tokens)).collect();
    let mut found: Vec<(usize, usize)> = patterns
        .into_iter()
        .flat_map(|p| p.find_all(tokens))
        .filter(|&(s, e)| !excluded.iter().any(|&(xs, xe)| s < xe && xs < e))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

fn match_steps(steps: &[Step], tokens: &[Token], pos: usize) -> Option<usize> {
    let Some((first, rest)) = steps.split_first() else {
        return Some(pos);
    };
    match first {
        Step::Word(terms) => {
            let word = tokens.get(pos)?.word()?;
            if terms.iter().any(|t| t.matches(word)) {
                match_steps(rest, tokens, pos + 1)
            } else {
                None
            }
        }
        Step::Gap(max) => {
            for skip in 0..=*max {
                if skip > 0 {
                    tokens.get(pos + skip - 1)?.word()?;
                }
                if let Some(end) = match_steps(rest, tokens, pos + skip) {
                    return Some(end);
                }
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{super::text::tokenize, *};

    fn matches(pattern: &str, text: &str) -> bool {
        let p = Pattern::parse(pattern).unwrap();
        !p.find_all(&tokenize(text)).is_empty()
    }

    #[test]
    fn exact_prefix_and_alternatives() {
        assert!(matches("chest pain*", "Chest pains all night"));
        assert!(matches("lips|tongue|face ~ swell*|swollen", "my lips swelled"));
        assert!(matches("douleur* thoracique*", "Douleurs thoraciques"));
        assert!(!matches("chest pain", "chest painful"));
    }

    #[test]
    fn gaps_skip_words_but_not_boundaries() {
        assert!(matches("pain ~ chest", "the pain in my chest"));
        assert!(!matches("pain ~ chest", "pain, chest"));
        assert!(!matches("pain ~1 chest", "pain in my chest"));
        assert!(matches("dose ~5 wrong", "the dose on my prescription was wrong"));
    }

    #[test]
    fn accents_in_patterns_are_folded() {
        assert!(matches("évanoui*", "elle s'est evanouie"));
        assert!(matches("reaccion alergica", "una reacción alérgica"));
    }

    #[test]
    fn rejects_malformed_patterns() {
        assert!(Pattern::parse("").is_err());
        assert!(Pattern::parse("~ pain").is_err());
        assert!(Pattern::parse("pain ~0 chest").is_err());
        assert!(Pattern::parse("ab*").is_err());
        assert!(Pattern::parse("chest-pain").is_err());
    }

    #[test]
    fn find_all_does_not_overlap_and_reports_spans() {
        let p = Pattern::parse("bleed*").unwrap();
        assert_eq!(p.find_all(&tokenize("bleeding, still bleeding")), vec![(0, 1), (3, 4)]);
        assert_eq!(Pattern::parse_list("a1; b2 ;").unwrap().len(), 2);
    }

    #[test]
    fn exclusions_drop_overlapping_matches_only() {
        let fall = Pattern::parse_list("fell; fall").unwrap();
        let asleep = Pattern::parse_list("fell asleep").unwrap();
        let tokens = tokenize("I fell asleep, then I fell");
        assert_eq!(find_excluding(&tokens, &fall, &asleep), vec![(6, 7)]);
    }
}
