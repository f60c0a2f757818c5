//! The language of a chat message, as an ISO 639-1 code (shared detector: [`crate::text`]).

use crate::text::{language::Language, stopwords};

/// `en`, `fr` or `es` when the text shows enough function words of one of them.
pub fn detect(text: &str) -> Option<&'static str> {
    stopwords::detect(text).map(Language::code)
}

/// The primary subtag of a language tag (`fr-RW` → `fr`), lower case.
pub fn primary(tag: &str) -> String {
    tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_iso_codes() {
        assert_eq!(detect("Can I book an appointment for my son?"), Some("en"));
        assert_eq!(detect("Je voudrais renouveler mon ordonnance"), Some("fr"));
        assert_eq!(detect("Quiero una cita con el médico"), Some("es"));
        assert_eq!(detect("12345"), None);
        assert_eq!(primary(" FR_rw"), "fr");
    }
}
