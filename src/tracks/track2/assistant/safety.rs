//! Emergency screening of a patient's message, before any provider sees it. A message that
//! describes an emergency gets a fixed reply pointing to emergency services (whatever the
//! provider) and is flagged for staff by the caller. Cues are matched on folded words
//! ([`crate::text::normalize`]) so accents, case and contractions do not matter; a cue right
//! after a negation in the same clause ("no chest pain", "pas de douleur thoracique", "sin dolor
//! de pecho") does not count.

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

/// An emergency found in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emergency {
    /// What kind.
    pub category: EmergencyCategory,
    /// The language of the words that described it (`en`, `fr`, `es`).
    pub language: &'static str,
}

use EmergencyCategory::*;

/// Cues by category and language, most urgent first; phrases are folded words.
const CUES: &[(EmergencyCategory, &str, &[&str])] = &[
    (SuicideOrSelfHarm, "en", &["suicide", "suicidal", "kill myself", "end my life", "want to die", "do not want to live", "hurt myself", "harm myself", "self harm", "cut myself"]),
    (SuicideOrSelfHarm, "fr", &["suicide", "suicidaire", "suicidaires", "me suicider", "me tuer", "envie de mourir", "veux mourir", "en finir avec la vie", "me faire du mal", "mettre fin a mes jours"]),
    (SuicideOrSelfHarm, "es", &["suicidio", "suicidarme", "matarme", "quiero morir", "quitarme la vida", "hacerme dano", "no quiero vivir"]),
    (ChestPain, "en", &["chest pain", "chest pains", "pain in my chest", "chest hurts", "chest is hurting", "chest pressure", "chest tightness", "tight chest", "heart attack"]),
    (ChestPain, "fr", &["douleur thoracique", "douleurs thoraciques", "douleur a la poitrine", "douleur dans la poitrine", "mal a la poitrine", "oppression thoracique", "crise cardiaque", "infarctus"]),
    (ChestPain, "es", &["dolor de pecho", "dolor en el pecho", "dolor toracico", "opresion en el pecho", "ataque al corazon", "infarto"]),
    (Breathing, "en", &["can not breathe", "unable to breathe", "struggling to breathe", "hard to breathe", "difficulty breathing", "trouble breathing", "not breathing", "stopped breathing", "choking"]),
    (Breathing, "fr", &["ne peux pas respirer", "ne peux plus respirer", "ne arrive pas a respirer", "ne arrive plus a respirer", "du mal a respirer", "je etouffe", "ne respire plus", "ne respire pas"]),
    (Breathing, "es", &["no puedo respirar", "me ahogo", "me estoy ahogando", "dificultad para respirar", "no respira", "falta de aire"]),
    (SevereBleeding, "en", &["bleeding heavily", "heavy bleeding", "severe bleeding", "bleeding a lot", "will not stop bleeding", "lot of blood", "lots of blood", "coughing up blood", "vomiting blood"]),
    (SevereBleeding, "fr", &["hemorragie", "saigne beaucoup", "saignement abondant", "saignement important", "arrete pas de saigner", "beaucoup de sang", "crache du sang", "vomis du sang"]),
    (SevereBleeding, "es", &["hemorragia", "sangrado abundante", "sangra mucho", "sangrando mucho", "no para de sangrar", "mucha sangre", "vomito sangre"]),
    (Stroke, "en", &["stroke", "face drooping", "face is drooping", "slurred speech", "slurring my words", "one side of my body", "can not move my arm", "can not move my leg"]),
    (Stroke, "fr", &["avc", "accident vasculaire", "visage paralyse", "bouche de travers", "paralyse d un cote", "ne peux plus parler"]),
    (Stroke, "es", &["derrame cerebral", "ictus", "cara caida", "paralizado de un lado", "no puedo hablar bien"]),
    (Overdose, "en", &["overdose", "overdosed", "too many pills", "too many tablets", "poisoned"]),
    (Overdose, "fr", &["overdose", "surdose", "trop de comprimes", "trop de cachets", "empoisonne"]),
    (Overdose, "es", &["sobredosis", "demasiadas pastillas", "envenenado", "envenenamiento"]),
    (Unconscious, "en", &["unconscious", "unresponsive", "passed out", "will not wake up", "lost consciousness"]),
    (Unconscious, "fr", &["inconscient", "inconsciente", "perdu connaissance", "evanoui", "evanouie", "se reveille pas"]),
    (Unconscious, "es", &["inconsciente", "perdio el conocimiento", "se desmayo", "no despierta", "no responde"]),
    (AllergyOrSeizure, "en", &["anaphylaxis", "anaphylactic", "throat is swelling", "throat closing", "seizure", "seizures", "convulsing"]),
    (AllergyOrSeizure, "fr", &["choc anaphylactique", "gorge qui gonfle", "convulsions", "crise d epilepsie"]),
    (AllergyOrSeizure, "es", &["anafilaxia", "choque anafilactico", "garganta se cierra", "convulsiones", "convulsionando"]),
];

/// Words that deny a symptom named right after them.
const NEGATORS: &[&str] = &[
    "no", "not", "never", "without", "denies", "deny", "pas", "sans", "jamais", "aucun", "aucune", "sin",
    "nunca", "ningun", "ninguna", "ni",
];
/// How many words before a cue a negator reaches.
const NEGATION_WINDOW: usize = 3;

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
    before
        .iter()
        .rev()
        .map_while(Token::word)
        .take(NEGATION_WINDOW)
        .any(|w| NEGATORS.contains(&w))
}

/// The fixed reply to an emergency message, in English, French or Spanish (English for any
/// other language).
pub fn safety_reply(language: &str) -> &'static str {
    match super::language::primary(language).as_str() {
        "fr" => "Ce que vous décrivez peut être une urgence. Appelez immédiatement le numéro d'urgence \
                 (15 ou 112 en France) ou rendez-vous aux urgences les plus proches. Si vous pensez à vous faire \
                 du mal, appelez les secours ou le 3114 maintenant. L'assistant ne peut pas gérer les urgences ; \
                 votre message a été signalé à l'équipe de la clinique.",
        "es" => "Lo que describe puede ser una emergencia. Llame ahora al número de emergencias (112 o 911) o \
                 acuda al servicio de urgencias más cercano. Si está pensando en hacerse daño, llame a emergencias \
                 o a una línea de crisis de inmediato. El asistente no puede atender emergencias; su mensaje se ha \
                 señalado al personal de la clínica.",
        _ => "What you describe may be an emergency. Call your local emergency number (such as 112 or 911) or go \
              to the nearest emergency department now. If you are thinking about harming yourself, call emergency \
              services or a crisis line right away. This assistant cannot handle emergencies; your message has been \
              flagged to the clinic's staff.",
    }
}

#[cfg(test)]
#[path = "safety_tests.rs"]
mod tests;
