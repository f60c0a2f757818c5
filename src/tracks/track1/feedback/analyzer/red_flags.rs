//! Clinical red flags in free text (chest pain, breathing difficulty, wrong medication, falls,
//! bleeding, infection after surgery, suicidal thoughts, abuse, allergic reactions, fainting,
//! stroke signs), as data (`data/red_flags.tsv` built in; a clinic adds rows with
//! [`RedFlags::extend`]). Rows:
//!
//! - `@flag\t<code>\t<symptom|event>\t<department or ->\t<label>` declares a flag;
//! - `flag\t<code>\t<lang or *>\t<patterns>`: what reports it;
//! - `context\t<code>\t<lang or *>\t<patterns>`: when present, the flag counts only if one of
//!   these also appears somewhere in the text (fever counts after surgery, not after a cold);
//! - `exclude\t<code>\t<lang or *>\t<patterns>`: matches overlapping these do not count
//!   ("fell asleep", "ça tombe mal").
//!
//! Patterns of every language are always scanned, whatever language was detected, so a wrong
//! detection never hides a red flag.
//!
//! **Negation rule.** Only a *symptom* flag can be denied, and only by an explicit denial
//! (`no`, `not`, `without`, `pas de`, `sans`, `aucun`, `sin`, `ni`… from the detected language's
//! lexicon) that ends at most [`MAX_FILLERS`] filler words (`any`, `had`, `de`, `tengo`…) before
//! the symptom, in the same clause: "no chest pain", "I haven't had any bleeding", "pas de
//! fièvre", "sin fiebre". A symptom right after a denied one and a disjunction ("no fever or
//! bleeding", "ni de saignement") is denied too. Anything else keeps the flag: "no one helped
//! when I started bleeding" is bleeding. *Event* flags (falls, wrong medication, abuse, suicidal
//! thoughts) are never denied: "I didn't fall" or "I'm not suicidal" still reach a human, because
//! a missed event costs far more than a needless review. Conditionals ("come back if you get
//! chest pain") are not recognised and keep the flag, for the same reason. A denied flag is
//! reported apart and does not force urgency.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    data::{rows, DataError, PatternRow, Row},
    lexicon::Lexicon,
    pattern::{find_excluding, Pattern},
    text::Token,
};

/// The built-in red-flag file.
const BUILTIN: &str = include_str!("data/red_flags.tsv");
/// Most filler words between a denial and the symptom it denies.
pub const MAX_FILLERS: usize = 3;
/// How far before a symptom a denial may start (its own words plus fillers).
const DENIAL_REACH: usize = 8;

/// Whether a flag can be denied by negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// A symptom: "no chest pain" denies it.
    Symptom,
    /// An event: never denied.
    Event,
}

/// A red flag found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RedFlag {
    /// Stable code (`chest_pain`, `fall`, `suicidal_ideation`…).
    pub code: String,
    /// What it is, for staff.
    pub label: String,
    /// The department that should look at it first, when the flag names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The words that triggered it, normalised.
    pub evidence: String,
}

/// What a scan found: flags reported, and symptom flags mentioned only as denied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagScan {
    /// Flags reported, in order of first mention.
    pub flags: Vec<RedFlag>,
    /// Codes of symptom flags mentioned only in denied form ("no chest pain").
    pub denied: Vec<String>,
}

#[derive(Debug, Clone)]
struct Definition {
    code: String,
    kind: FlagKind,
    department: Option<String>,
    label: String,
    patterns: Vec<Pattern>,
    contexts: Vec<Pattern>,
    exclusions: Vec<Pattern>,
}

/// Every red flag definition.
#[derive(Debug, Clone, Default)]
pub struct RedFlags {
    definitions: Vec<Definition>,
}

impl RedFlags {
    /// The built-in red flags.
    pub fn builtin() -> Result<Self, DataError> {
        let mut flags = Self::default();
        flags.extend("red_flags.tsv", BUILTIN)?;
        Ok(flags)
    }

    /// Adds the rows of another red-flag file.
    pub fn extend(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for row in rows(text) {
            if row.fields.first() == Some(&"@flag") {
                self.declare(file, &row)?;
                continue;
            }
            let parsed = PatternRow::parse(file, &row)?;
            let Some(def) = self.definitions.iter_mut().find(|d| d.code == parsed.key) else {
                return Err(row.error(file, format!("`{}` is used before it is declared", parsed.key)));
            };
            match parsed.kind.as_str() {
                "flag" => def.patterns.extend(parsed.patterns),
                "context" => def.contexts.extend(parsed.patterns),
                "exclude" => def.exclusions.extend(parsed.patterns),
                other => return Err(row.error(file, format!("unknown row kind `{other}`"))),
            }
        }
        Ok(())
    }

    fn declare(&mut self, file: &str, row: &Row<'_>) -> Result<(), DataError> {
        row.expect_fields(file, 5)?;
        let f = &row.fields;
        let kind = match f[2] {
            "symptom" => FlagKind::Symptom,
            "event" => FlagKind::Event,
            other => return Err(row.error(file, format!("kind `{other}` must be symptom or event"))),
        };
        let department = (f[3] != "-").then(|| f[3].to_owned());
        match self.definitions.iter_mut().find(|d| d.code == f[1]) {
            Some(def) => (def.kind, def.department, def.label) = (kind, department, f[4].to_owned()),
            None => self.definitions.push(Definition {
                code: f[1].to_owned(),
                kind,
                department,
                label: f[4].to_owned(),
                patterns: Vec::new(),
                contexts: Vec::new(),
                exclusions: Vec::new(),
            }),
        }
        Ok(())
    }

    /// The declared flag codes, in declaration order.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.definitions.iter().map(|d| d.code.as_str())
    }

    /// Scans a text. `denials` is the lexicon of the detected language; `None` (undetected)
    /// denies nothing.
    pub fn scan(&self, tokens: &[Token], denials: Option<&Lexicon>) -> FlagScan {
        let mut occurrences: Vec<(usize, usize, &Definition)> = Vec::new();
        for def in &self.definitions {
            if !def.contexts.is_empty() && find_excluding(tokens, &def.contexts, []).is_empty() {
                continue;
            }
            occurrences
                .extend(find_excluding(tokens, &def.patterns, &def.exclusions).into_iter().map(|(s, e)| (s, e, def)));
        }
        occurrences.sort_by_key(|&(s, e, _)| (s, e));
        let mut scan = FlagScan::default();
        let mut last_denied_end = None;
        for (start, end, def) in occurrences {
            let denied = def.kind == FlagKind::Symptom
                && denials.is_some_and(|lex| {
                    denied_by_cue(tokens, start, lex) || chained(tokens, last_denied_end, start, lex)
                });
            if denied {
                last_denied_end = Some(end);
                if !scan.denied.contains(&def.code) {
                    scan.denied.push(def.code.clone());
                }
            } else if !scan.flags.iter().any(|f| f.code == def.code) {
                scan.flags.push(RedFlag {
                    code: def.code.clone(),
                    label: def.label.clone(),
                    department: def.department.clone(),
                    evidence: evidence(&tokens[start..end]),
                });
            }
        }
        scan.denied.retain(|code| !scan.flags.iter().any(|f| &f.code == code));
        scan
    }
}

/// A denial cue ends at most [`MAX_FILLERS`] filler words before `start`.
fn denied_by_cue(tokens: &[Token], start: usize, lexicon: &Lexicon) -> bool {
    (start.saturating_sub(DENIAL_REACH)..start).any(|from| {
        lexicon.denials().iter().any(|cue| {
            cue.match_at(tokens, from).is_some_and(|end| {
                end <= start && start - end <= MAX_FILLERS && only_fillers(&tokens[end..start], lexicon)
            })
        })
    })
}

/// The previous symptom was denied and only a disjunction (plus fillers) stands between.
fn chained(tokens: &[Token], last_denied_end: Option<usize>, start: usize, lexicon: &Lexicon) -> bool {
    let Some(end) = last_denied_end.filter(|&e| e < start && start - e <= MAX_FILLERS + 1) else {
        return false;
    };
    let between = &tokens[end..start];
    let disjunctions = between.iter().filter(|t| t.word().is_some_and(|w| lexicon.is_disjunction(w))).count();
    disjunctions == 1
        && between.iter().all(|t| t.word().is_some_and(|w| lexicon.is_disjunction(w) || lexicon.is_filler(w)))
}

fn only_fillers(tokens: &[Token], lexicon: &Lexicon) -> bool {
    tokens.iter().all(|t| t.word().is_some_and(|w| lexicon.is_filler(w)))
}

fn evidence(tokens: &[Token]) -> String {
    tokens.iter().filter_map(Token::word).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[path = "red_flags_tests.rs"]
mod tests;
