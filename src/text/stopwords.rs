//! Function words of each supported language (folded: no accents), used as evidence for
//! language detection of short chat messages and as the words retrieval ignores.

use super::{
    language::{choose, Language, LanguageEvidence},
    normalize::{tokenize, Token},
};

const EN: &[&str] = &[
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
    "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in",
    "is", "it", "its", "me", "my", "of", "on", "or", "our", "she", "should", "so", "some", "than", "that", "the",
    "their", "them", "then", "there", "they", "this", "to", "was", "we", "were", "what", "when", "where", "which",
    "who", "why", "will", "with", "would", "you", "your",
];

const FR: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "cette", "dans", "de", "des", "du", "elle", "en", "est", "et", "etait", "eu",
    "il", "ils", "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "moi", "mon", "ne", "nous", "on",
    "ou", "par", "pas", "pour", "quand", "que", "quel", "quelle", "qui", "sa", "se", "ses", "son", "sont", "sur", "ta",
    "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "suis", "ai", "avez", "pouvez", "comment",
    "est", "etre",
];

const ES: &[&str] = &[
    "al", "como", "con", "cual", "cuando", "de", "del", "donde", "el", "ella", "ellos", "en", "es", "esta", "este",
    "estoy", "fue", "hay", "la", "las", "le", "les", "lo", "los", "mas", "me", "mi", "mis", "muy", "nos", "para",
    "pero", "por", "porque", "que", "se", "sin", "sobre", "su", "sus", "tengo", "tiene", "un", "una", "uno", "unos",
    "usted", "y", "ya", "yo", "puedo", "puede", "quiero",
];

/// One language's function words as detection evidence.
pub(super) struct Stopwords(pub Language, pub &'static [&'static str]);

impl LanguageEvidence for Stopwords {
    fn language(&self) -> Language {
        self.0
    }

    fn evidence(&self, word: &str) -> f64 {
        if self.1.contains(&word) {
            1.0
        } else {
            0.0
        }
    }
}

const LANGUAGES: [Stopwords; 3] =
    [Stopwords(Language::En, EN), Stopwords(Language::Fr, FR), Stopwords(Language::Es, ES)];

/// Whether a folded word is a function word of any supported language.
pub fn is_stopword(word: &str) -> bool {
    LANGUAGES.iter().any(|l| l.1.contains(&word))
}

/// The language of a text by its function words; `None` without evidence or on a tie.
pub fn detect(text: &str) -> Option<Language> {
    let words: Vec<String> = tokenize(text)
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w),
            _ => None,
        })
        .collect();
    choose(None, &words, &LANGUAGES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_short_chat_messages() {
        assert_eq!(detect("What are your opening hours on Saturday?"), Some(Language::En));
        assert_eq!(detect("Quels sont vos horaires d'ouverture le samedi ?"), Some(Language::Fr));
        assert_eq!(detect("¿Cuál es el horario de la clínica los sábados?"), Some(Language::Es));
        assert_eq!(detect("ok"), None);
        assert_eq!(detect(""), None);
    }

    #[test]
    fn stopwords_cover_every_language() {
        assert!(is_stopword("the") && is_stopword("vous") && is_stopword("usted"));
        assert!(!is_stopword("prescription"));
    }
}
