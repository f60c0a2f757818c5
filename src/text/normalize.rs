//! Turns free text into the tokens every other analyzer part reads: lower case, accents folded
//! (`é` → `e`, `ñ` → `n`, `œ` → `oe`), contractions and elisions expanded (`can't` → `can not`,
//! `wasnt` → `was not`, `n'est` → `ne est`, `j ai` → `je ai`), hyphens split (`rendez-vous` →
//! `rendez vous`), and punctuation kept as clause and sentence boundaries so that negation,
//! contrast and phrase gaps never reach across them.

/// One unit of normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A folded word: only `a`–`z` and `0`–`9`.
    Word(String),
    /// A comma, colon, bracket or dash: ends a clause.
    Clause,
    /// `.`, `!`, `?`, `;` or a line break: ends a sentence.
    Sentence,
}

impl Token {
    /// The word, when this token is one.
    pub fn word(&self) -> Option<&str> {
        match self {
            Self::Word(w) => Some(w),
            _ => None,
        }
    }
}

/// English contractions written without their apostrophe, as patients often type them.
const BARE_CONTRACTIONS: &[(&str, &str)] = &[
    ("dont", "do"),
    ("didnt", "did"),
    ("doesnt", "does"),
    ("cant", "can"),
    ("cannot", "can"),
    ("couldnt", "could"),
    ("wouldnt", "would"),
    ("shouldnt", "should"),
    ("isnt", "is"),
    ("wasnt", "was"),
    ("werent", "were"),
    ("arent", "are"),
    ("havent", "have"),
    ("hasnt", "has"),
    ("hadnt", "had"),
    ("wont", "will"),
    ("aint", "is"),
];

/// French elided words (`l'`, `j'`, `qu'`…), with or without their apostrophe.
const ELISIONS: &[(&str, &str)] = &[
    ("l", "le"),
    ("d", "de"),
    ("j", "je"),
    ("m", "me"),
    ("t", "te"),
    ("s", "se"),
    ("n", "ne"),
    ("c", "ce"),
    ("qu", "que"),
    ("jusqu", "jusque"),
    ("lorsqu", "lorsque"),
    ("puisqu", "puisque"),
];

/// Folds one lower-case character: accents removed, ligatures spelled out, typographic
/// apostrophes made plain. Characters without a folding come back unchanged.
pub fn fold_char(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        '\'' | '’' | '‘' | '`' | '´' | 'ʼ' => "'",
        _ => "",
    }
}

/// Lower-cases and folds a whole string (no tokenising).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match fold_char(c) {
            "" => out.push(c),
            folded => out.push_str(folded),
        }
    }
    out
}

/// Splits text into words and boundaries.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() || (c == '\'' && !word.is_empty()) {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut tokens);
        let boundary = match c {
            '.' | '!' | '?' | ';' | '\n' | '¿' | '¡' => Some(Token::Sentence),
            ',' | ':' | '(' | ')' | '—' | '–' | '"' | '«' | '»' => Some(Token::Clause),
            _ => None,
        };
        if let Some(b) = boundary {
            if tokens.last() != Some(&b) {
                tokens.push(b);
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

fn flush(word: &mut String, tokens: &mut Vec<Token>) {
    if word.is_empty() {
        return;
    }
    let raw = std::mem::take(word);
    for part in expand(raw.trim_end_matches('\'')) {
        tokens.push(Token::Word(part));
    }
}

/// Expands one raw word (which may hold apostrophes) into normalised words.
fn expand(raw: &str) -> Vec<String> {
    if let Some(base) = raw.strip_suffix("n't") {
        let base = match base {
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            "ai" => "is",
            other => other,
        };
        return vec![base.to_owned(), "not".to_owned()];
    }
    if let Some((head, rest)) = raw.split_once('\'') {
        let mut out = match ELISIONS.iter().find(|(short, _)| *short == head) {
            Some((_, full)) => vec![(*full).to_owned()],
            None => vec![head.to_owned()],
        };
        match rest {
            "" | "s" => {}
            "m" => out.push("am".to_owned()),
            "re" => out.push("are".to_owned()),
            "ve" => out.push("have".to_owned()),
            "ll" => out.push("will".to_owned()),
            "d" => out.push("would".to_owned()),
            _ => out.extend(expand(rest)),
        }
        return out;
    }
    if let Some((_, base)) = BARE_CONTRACTIONS.iter().find(|(bare, _)| *bare == raw) {
        return vec![(*base).to_owned(), "not".to_owned()];
    }
    match ELISIONS.iter().find(|(short, _)| *short == raw) {
        Some((_, full)) => vec![(*full).to_owned()],
        None => vec![raw.to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> String {
        tokenize(text)
            .iter()
            .map(|t| match t {
                Token::Word(w) => w.as_str(),
                Token::Clause => ",",
                Token::Sentence => ".",
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn folds_case_accents_and_ligatures() {
        assert_eq!(fold("Évanouie ÇA Œdème Niño"), "evanouie ca oedeme nino");
    }

    #[test]
    fn expands_english_contractions_with_and_without_apostrophe() {
        assert_eq!(joined("I can't breathe"), "i can not breathe");
        assert_eq!(joined("It wasn’t bad"), "it was not bad");
        assert_eq!(joined("they dont care, cannot wait"), "they do not care , can not wait");
        assert_eq!(joined("I've been told it's fine"), "i have been told it fine");
        assert_eq!(joined("won't"), "will not");
    }

    #[test]
    fn expands_french_elisions_with_and_without_apostrophe() {
        assert_eq!(joined("Il n'était pas là"), "il ne etait pas la");
        assert_eq!(joined("j ai fait une chute dans l escalier"), "je ai fait une chute dans le escalier");
        assert_eq!(joined("qu'il m'a dit"), "que il me a dit");
    }

    #[test]
    fn keeps_boundaries_once_and_splits_hyphens() {
        assert_eq!(joined("Rendez-vous, annulé!!! Encore..."), "rendez vous , annule . encore .");
        assert_eq!(joined("¿Pueden ayudarme?"), ". pueden ayudarme .");
    }
}
