//! Pure rules of the migration: deterministic target ids, phone normalisation to E.164, how
//! two legacy persons are compared, and timestamps at the precision every backend keeps.

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::gateway::identity::domain::PhoneNumber;

/// Namespace of every id the migration derives (UUID v5), fixed forever: changing it would
/// make a re-run insert everything a second time.
const NAMESPACE: Uuid = Uuid::from_u128(0x6c1f_0e2a_4b7d_5c3e_9a81_d2f4_7e60_b915);

/// The legacy database a row comes from, as `migratedFrom.source` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The feedback and reminders database.
    Track1,
    /// The chat database.
    Track2,
}

impl Source {
    /// `postgresql_track1` or `postgresql_track2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Track1 => "postgresql_track1",
            Self::Track2 => "postgresql_track2",
        }
    }
}

/// The target id of a legacy row: UUID v5 of source, table and original id, so every run
/// (and every backend) gives the same record the same id.
pub fn target_id(source: Source, table: &str, original: Uuid) -> Uuid {
    let name = format!("{}/{table}/{original}", source.as_str());
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

/// A legacy phone number in E.164, or why it cannot be one. Spaces, dashes, dots and
/// parentheses are dropped; `00` is the international prefix; a leading `0` is the national
/// trunk prefix, replaced by `country_code`; other numbers without `+` are national numbers of
/// `country_code`.
pub fn phone(raw: &str, country_code: &str) -> Result<PhoneNumber, String> {
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')).collect();
    let international = if let Some(rest) = compact.strip_prefix('+') {
        format!("+{rest}")
    } else if let Some(rest) = compact.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = compact.strip_prefix('0') {
        format!("+{country_code}{rest}")
    } else {
        format!("+{country_code}{compact}")
    };
    PhoneNumber::parse(&international).map_err(|_| format!("`{raw}` is not a phone number"))
}

/// A stand-in phone for an account whose own number cannot be kept (invalid, or another
/// person's): country code 999 is reserved and never assigned, so it reaches nobody, and it is
/// derived from the account id so every run gives the same one. The conflict report lists it.
pub fn placeholder_phone(id: Uuid) -> Result<PhoneNumber, String> {
    let digits = id.as_u128() % 1_000_000_000_000;
    PhoneNumber::parse(&format!("+999{digits:012}")).map_err(str::to_owned)
}

/// A name as compared: case-folded, whitespace collapsed.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether two legacy records sharing a phone number are the same person: the emails decide
/// when both have one (compared case-insensitively), otherwise the names must match.
pub fn same_person(a_name: &str, a_email: Option<&str>, b_name: &str, b_email: Option<&str>) -> bool {
    match (a_email.map(str::trim), b_email.map(str::trim)) {
        (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => a.to_lowercase() == b.to_lowercase(),
        _ => name_key(a_name) == name_key(b_name),
    }
}

/// A timestamp at millisecond precision, the finest every backend keeps (MongoDB dates).
pub fn ms(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_distinct_per_table_and_source() {
        let original = Uuid::from_u128(7);
        assert_eq!(target_id(Source::Track1, "patients", original), target_id(Source::Track1, "patients", original));
        assert_ne!(target_id(Source::Track1, "patients", original), target_id(Source::Track2, "users", original));
        assert_ne!(target_id(Source::Track1, "reminders", original), target_id(Source::Track1, "patients", original));
    }

    #[test]
    fn local_formats_become_e164() {
        for (raw, want) in [
            ("+250 788-123-456", "+250788123456"),
            ("0788 123 456", "+250788123456"),
            ("00250788123456", "+250788123456"),
            ("(078) 812.3456", "+250788123456"),
            ("788123456", "+250788123456"),
        ] {
            assert_eq!(phone(raw, "250").unwrap().as_str(), want, "{raw}");
        }
        for bad in ["", "n/a", "12", "+0788123456", "0788-12345678901234"] {
            assert!(phone(bad, "250").is_err(), "{bad}");
        }
    }

    #[test]
    fn placeholders_are_valid_reserved_and_stable() {
        let id = Uuid::from_u128(u128::MAX);
        let p = placeholder_phone(id).unwrap();
        assert!(p.as_str().starts_with("+999"));
        assert_eq!(p, placeholder_phone(id).unwrap());
    }

    #[test]
    fn persons_match_by_email_else_by_name() {
        assert!(same_person("Amina U", Some("A@x.org"), "Someone Else", Some("a@X.org")));
        assert!(!same_person("Amina U", Some("a@x.org"), "Amina U", Some("b@x.org")));
        assert!(same_person("amina  uwase", None, "Amina Uwase", Some("a@x.org")));
        assert!(!same_person("Amina", None, "Jean", None));
        assert!(same_person("Zoë Ñandú", None, "ZOË ÑANDÚ", None));
    }
}
