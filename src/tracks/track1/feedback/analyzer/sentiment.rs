//! Lexicon-and-rules sentiment, in the manner of VADER (Hutto & Gilbert, 2014), per language:
//!
//! - each lexicon word or phrase adds its valence (the longest phrase at a position wins, so
//!   `never again`, `pas mal` or `no estuvo nada mal` are read as units);
//! - a negator up to 3 words before it (4 in French; same clause) flips it and damps it by
//!   [`NEGATION_SCALAR`]:
//!   "not helpful" is negative, "wasn't bad" mildly positive; `ne … pas` counts once;
//! - intensifiers and diminishers within the same reach multiply it ("extremely rude");
//! - in a sentence with a contrast word ("but", "mais", "pero") the words before the last one
//!   count [`BEFORE_CONTRAST`] and the words after it [`AFTER_CONTRAST`]; a clause opened by a
//!   concessive ("although", "bien que", "aunque") counts [`CONCESSIVE`];
//! - the sum is squashed to −1..1 by `x / √(x² + α)` with α = [`NORMALISATION_ALPHA`].

use super::{lexicon::Lexicon, text::Token};

/// How much a negated word keeps of its valence, with the sign flipped.
pub const NEGATION_SCALAR: f64 = -0.74;
/// Weight of the words before the last contrast word of a sentence.
pub const BEFORE_CONTRAST: f64 = 0.5;
/// Weight of the words after it.
pub const AFTER_CONTRAST: f64 = 1.5;
/// Weight of a concessive clause.
pub const CONCESSIVE: f64 = 0.5;
/// Squashing constant: a raw sum of ±2 gives about ±0.46, ±4 about ±0.72.
pub const NORMALISATION_ALPHA: f64 = 15.0;

/// The raw (unbounded) valence of a text.
pub fn raw_valence(lexicon: &Lexicon, tokens: &[Token]) -> f64 {
    tokens.split(|t| *t == Token::Sentence).map(|sentence| sentence_valence(lexicon, sentence)).sum()
}

/// Squashes a raw valence to −1..1.
pub fn normalise(raw: f64) -> f64 {
    if raw == 0.0 {
        0.0
    } else {
        raw / (raw * raw + NORMALISATION_ALPHA).sqrt()
    }
}

fn sentence_valence(lexicon: &Lexicon, tokens: &[Token]) -> f64 {
    let weights = clause_weights(lexicon, tokens);
    let mut sum = 0.0;
    let mut i = 0;
    while i < tokens.len() {
        match lexicon.sentiment_at(tokens, i) {
            Some((end, valence)) => {
                if valence != 0.0 {
                    sum += modified(lexicon, tokens, i, valence) * weights[i];
                }
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
    sum
}

/// The weight of each token position from the contrast and concessive rules.
fn clause_weights(lexicon: &Lexicon, tokens: &[Token]) -> Vec<f64> {
    let mut weights = vec![1.0; tokens.len()];
    let mut last_contrast = None;
    let mut i = 0;
    while i < tokens.len() {
        if let Some(end) = lexicon.contrast_at(tokens, i) {
            last_contrast = Some(end);
            i = end;
        } else if let Some(end) = lexicon.concessive_at(tokens, i) {
            let clause_end = (end..tokens.len()).find(|&j| tokens[j] == Token::Clause).unwrap_or(tokens.len());
            weights[i..clause_end].iter_mut().for_each(|w| *w *= CONCESSIVE);
            i = end;
        } else {
            i += 1;
        }
    }
    if let Some(split) = last_contrast {
        weights[..split].iter_mut().for_each(|w| *w *= BEFORE_CONTRAST);
        weights[split..].iter_mut().for_each(|w| *w *= AFTER_CONTRAST);
    }
    weights
}

/// Applies the negators and intensifiers found within the lexicon's lookback before `i`.
fn modified(lexicon: &Lexicon, tokens: &[Token], i: usize, valence: f64) -> f64 {
    let mut negated = false;
    let mut factor = 1.0;
    for back in 1..=lexicon.lookback() {
        let Some(word) = i.checked_sub(back).and_then(|j| tokens[j].word()) else {
            break;
        };
        if lexicon.is_negator(word) {
            negated = true;
        } else if let Some(f) = lexicon.intensity(word) {
            factor *= f;
        }
    }
    let valence = valence * factor;
    if negated {
        valence * NEGATION_SCALAR
    } else {
        valence
    }
}

#[cfg(test)]
mod tests {
    use super::{
        super::{language::Language, text::tokenize},
        *,
    };

    const LEX: &str = "@negators\tnot no never ne pas\n@intensifiers\tvery:1.5 slightly:0.5\n\
        @contrast\tbut\n@concessive\talthough\nhelpful\t2\nbad\t-2\nrude\t-2\nkind\t2\nnever again\t-3\n";

    fn raw(text: &str) -> f64 {
        let lexicon = Lexicon::parse(Language::En, "t", LEX).unwrap();
        raw_valence(&lexicon, &tokenize(text))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn negation_flips_and_damps() {
        assert!(close(raw("helpful"), 2.0));
        assert!(close(raw("not helpful"), -1.48));
        assert!(close(raw("it wasn't bad"), 1.48));
        assert!(close(raw("ne etait pas helpful"), -1.48), "ne … pas counts once");
        assert!(close(raw("not, helpful"), 2.0), "a clause boundary stops negation");
        assert!(close(raw("not one two three helpful"), 2.0), "beyond the lookback");
    }

    #[test]
    fn phrases_win_over_their_words() {
        assert!(close(raw("never again"), -3.0));
    }

    #[test]
    fn intensifiers_and_diminishers_scale() {
        assert!(close(raw("very rude"), -3.0));
        assert!(close(raw("slightly rude"), -1.0));
        assert!(close(raw("not very helpful"), -2.22));
    }

    #[test]
    fn the_clause_after_but_dominates() {
        assert!(close(raw("kind but rude"), 1.0 - 3.0));
        assert!(close(raw("rude. but kind"), -2.0 + 3.0), "only within the sentence");
        assert!(close(raw("although rude, kind"), -1.0 + 2.0));
    }

    #[test]
    fn normalises_into_the_unit_interval() {
        assert_eq!(normalise(0.0), 0.0);
        assert!(normalise(100.0) < 1.0 && normalise(-100.0) > -1.0);
        assert!(close(normalise(2.0), 2.0 / 19f64.sqrt()));
    }
}
