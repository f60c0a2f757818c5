//! Emergency screening of a patient's message, before any provider sees it. A message that
//! describes an emergency gets a fixed reply pointing to emergency services (whatever the
//! provider) and is flagged for staff by the caller. Cues are matched on folded words
//! ([`crate::text::normalize`]) so accents, case and contractions do not matter; a cue right
//! after a negation in the same clause ("no chest pain", "pas de douleur thoracique", "sin dolor
//! de pecho") does not count.

mod cues;

use serde::Serialize;

use crate::text::normalize::{tokenize, Token};

/// The kind of emergency a message describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyCategory {
    /// Chest pain or pressure.
    ChestPain,
    /// Cannot breathe, choking.
    Breathing,
    /// Suicidal thoughts or self-harm.
    SuicideOrSelfHarm,
    /// Heavy bleeding.
    SevereBleeding,
    /// Stroke signs.
    Stroke,
    /// Overdose or poisoning.
    Overdose,
    /// Someone unconscious or unresponsive.
    Unconscious,
    /// A severe allergic reaction or a seizure.
    AllergyOrSeizure,
}

impl EmergencyCategory {
    /// The snake_case name (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChestPain => "chest_pain",
            Self::Breathing => "breathing",
            Self::SuicideOrSelfHarm => "suicide_or_self_harm",
            Self::SevereBleeding => "severe_bleeding",
            Self::Stroke => "stroke",
            Self::Overdose => "overdose",
            Self::Unconscious => "unconscious",
            Self::AllergyOrSeizure => "allergy_or_seizure",
        }
    }
}

/// An emergency found in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emergency {
    /// What kind.
    pub category: EmergencyCategory,
    /// The language of the words that described it (`en`, `fr`, `es`).
    pub language: &'static str,
}

use self::cues::{CUES, NEGATION_WINDOW, NEGATORS};

/// The first (most urgent) emergency the text describes, if any.
pub fn detect_emergency(text: &str) -> Option<Emergency> {
    let tokens = tokenize(text);
    CUES.iter().find_map(|(category, language, phrases)| {
        phrases
            .iter()
            .any(|phrase| affirmed(&tokens, phrase))
            // A cue shared by two languages ("suicide") takes the message's language.
            .then(|| Emergency { category: *category, language: super::language::detect(text).unwrap_or(language) })
    })
}

/// Whether the phrase occurs in the tokens, at least once without a negation before it.
fn affirmed(tokens: &[Token], phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split(' ').collect();
    (0..tokens.len()).any(|start| {
        let matches = words.iter().enumerate().all(|(i, w)| tokens.get(start + i).and_then(Token::word) == Some(w));
        matches && !negated(&tokens[..start])
    })
}

/// Whether one of the last few words before a cue (within its clause) is a negator.
fn negated(before: &[Token]) -> bool {
    before.iter().rev().map_while(Token::word).take(NEGATION_WINDOW).any(|w| NEGATORS.contains(&w))
}

/// The fixed reply to an emergency message, in English, French or Spanish (English for any
/// other language).
pub fn safety_reply(language: &str) -> &'static str {
    match super::language::primary(language).as_str() {
        "fr" => {
            "Ce que vous décrivez peut être une urgence. Appelez immédiatement le numéro d'urgence \
                 (15 ou 112 en France) ou rendez-vous aux urgences les plus proches. Si vous pensez à vous faire \
                 du mal, appelez les secours ou le 3114 maintenant. L'assistant ne peut pas gérer les urgences ; \
                 votre message a été signalé à l'équipe de la clinique."
        }
        "es" => {
            "Lo que describe puede ser una emergencia. Llame ahora al número de emergencias (112 o 911) o \
                 acuda al servicio de urgencias más cercano. Si está pensando en hacerse daño, llame a emergencias \
                 o a una línea de crisis de inmediato. El asistente no puede atender emergencias; su mensaje se ha \
                 señalado al personal de la clínica."
        }
        _ => {
            "What you describe may be an emergency. Call your local emergency number (such as 112 or 911) or go \
              to the nearest emergency department now. If you are thinking about harming yourself, call emergency \
              services or a crisis line right away. This assistant cannot handle emergencies; your message has been \
              flagged to the clinic's staff."
        }
    }
}

#[cfg(test)]
#[path = "safety_tests.rs"]
mod tests;
