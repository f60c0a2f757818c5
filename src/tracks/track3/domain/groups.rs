//! Blood groups, components and the ABO/Rh compatibility rules, which differ by component:
//!
//! - **Red cells**: the donor's cells must carry no ABO antigen the recipient lacks (O is the
//!   universal donor, AB the universal recipient); Rh− recipients receive Rh− only.
//! - **Whole blood**: ABO- and Rh-identical only (it carries both cells and plasma).
//! - **Plasma and cryoprecipitate**: the reverse, since the donor's antibodies matter: the
//!   donor's plasma must have no antibody against the recipient's antigens (AB is the
//!   universal plasma donor, O the universal plasma recipient); Rh does not matter.
//! - **Platelets**: suspended in plasma, so plasma ABO compatibility applies; Rh− recipients
//!   receive Rh− platelets (to avoid anti-D sensitisation).
//!
//! Compatible donors are listed in order of preference: identical group first.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// ABO group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Abo {
    /// Group O: no A or B antigen; anti-A and anti-B in plasma.
    O,
    /// Group A.
    A,
    /// Group B.
    B,
    /// Group AB: both antigens; no antibodies in plasma.
    AB,
}

impl Abo {
    /// Every ABO group.
    pub const ALL: [Self; 4] = [Self::O, Self::A, Self::B, Self::AB];

    /// The stored and serialised name (`O`, `A`, `B`, `AB`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::O => "O",
            Self::A => "A",
            Self::B => "B",
            Self::AB => "AB",
        }
    }

    /// Parses a stored name (exact spelling).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    fn antigens(self) -> (bool, bool) {
        match self {
            Self::O => (false, false),
            Self::A => (true, false),
            Self::B => (false, true),
            Self::AB => (true, true),
        }
    }

    /// Whether every antigen of `self` is also on `other`'s cells.
    fn antigens_within(self, other: Self) -> bool {
        let (a, b) = self.antigens();
        let (oa, ob) = other.antigens();
        (!a || oa) && (!b || ob)
    }
}

/// An ABO group with its RhD type, written `O-`, `AB+`...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BloodGroup {
    /// ABO group.
    pub abo: Abo,
    /// RhD positive.
    pub rh_positive: bool,
}

impl BloodGroup {
    /// All eight groups.
    pub fn all() -> impl Iterator<Item = Self> {
        Abo::ALL.into_iter().flat_map(|abo| [false, true].map(|rh_positive| Self { abo, rh_positive }))
    }

    /// Position in [`BloodGroup::all`] (0..8), for per-group tables.
    pub fn index(self) -> usize {
        let abo = Abo::ALL.iter().position(|a| *a == self.abo).unwrap_or_default();
        abo * 2 + usize::from(self.rh_positive)
    }

    /// Parses exactly `O-`, `O+`, `A-`, `A+`, `B-`, `B+`, `AB-` or `AB+` (what the API's
    /// schema pattern [`BLOOD_GROUP_PATTERN`] allows).
    pub fn parse_exact(text: &str) -> Option<Self> {
        Self::all().find(|g| g.to_string() == text)
    }

    /// Parses `O-`, `AB+`... (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        let upper = text.trim().to_ascii_uppercase();
        let (abo, rh) = upper.split_at(upper.len().checked_sub(1)?);
        let rh_positive = match rh {
            "+" => true,
            "-" => false,
            _ => return None,
        };
        let abo = match abo {
            "O" => Abo::O,
            "A" => Abo::A,
            "B" => Abo::B,
            "AB" => Abo::AB,
            _ => return None,
        };
        Some(Self { abo, rh_positive })
    }
}

impl std::fmt::Display for BloodGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}{}", self.abo, if self.rh_positive { '+' } else { '-' })
    }
}

impl Serialize for BloodGroup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BloodGroup {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_exact(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"a blood group such as O- or AB+")
        })
    }
}

/// JSON Schema pattern of a blood group, matching [`BloodGroup::parse_exact`].
pub const BLOOD_GROUP_PATTERN: &str = r"^(O|A|B|AB)[+-]$";

/// A blood component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Whole blood.
    WholeBlood,
    /// Packed red cells.
    RedCells,
    /// Fresh frozen plasma.
    Plasma,
    /// Platelet concentrate.
    Platelets,
    /// Cryoprecipitate.
    Cryoprecipitate,
}

impl Component {
    /// Every component.
    pub const ALL: [Self; 5] = [Self::WholeBlood, Self::RedCells, Self::Plasma, Self::Platelets, Self::Cryoprecipitate];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WholeBlood => "whole_blood",
            Self::RedCells => "red_cells",
            Self::Plasma => "plasma",
            Self::Platelets => "platelets",
            Self::Cryoprecipitate => "cryoprecipitate",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Position in [`Component::ALL`], for per-component tables.
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).unwrap_or_default()
    }
}

/// Whether a unit of `component` from `donor` may be given to `recipient`.
pub fn is_compatible(component: Component, donor: BloodGroup, recipient: BloodGroup) -> bool {
    let rh_ok = donor.rh_positive <= recipient.rh_positive;
    match component {
        Component::WholeBlood => donor == recipient,
        Component::RedCells => donor.abo.antigens_within(recipient.abo) && rh_ok,
        Component::Plasma | Component::Cryoprecipitate => recipient.abo.antigens_within(donor.abo),
        Component::Platelets => recipient.abo.antigens_within(donor.abo) && rh_ok,
    }
}

/// Donor groups that may give `component` to `recipient`, identical group first, then same
/// ABO, then the rest in table order.
pub fn compatible_donors(component: Component, recipient: BloodGroup) -> Vec<BloodGroup> {
    let mut donors: Vec<BloodGroup> = BloodGroup::all().filter(|d| is_compatible(component, *d, recipient)).collect();
    donors.sort_by_key(|d| (*d != recipient, d.abo != recipient.abo));
    donors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str) -> BloodGroup {
        BloodGroup::parse(text).unwrap()
    }

    fn donors(component: Component, recipient: &str) -> Vec<String> {
        compatible_donors(component, g(recipient)).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn groups_parse_and_print() {
        for text in ["O-", "O+", "A-", "A+", "B-", "B+", "AB-", "AB+"] {
            assert_eq!(g(text).to_string(), text);
        }
        assert_eq!(g("ab+"), g("AB+"));
        for bad in ["", "+", "C+", "AB", "O*", "ABO+"] {
            assert!(BloodGroup::parse(bad).is_none(), "{bad}");
        }
        assert!(BloodGroup::parse_exact("ab+").is_none(), "the API takes the exact spelling only");
        assert_eq!(BloodGroup::parse_exact("AB+"), Some(g("AB+")));
        let parsed: BloodGroup = serde_json::from_str("\"O-\"").unwrap();
        assert_eq!(parsed, g("O-"));
        assert!(serde_json::from_str::<BloodGroup>("\" O-\"").is_err());
    }

    #[test]
    fn indexes_and_names_round_trip() {
        let indexes: Vec<usize> = BloodGroup::all().map(BloodGroup::index).collect();
        assert_eq!(indexes, (0..8).collect::<Vec<_>>());
        for c in Component::ALL {
            assert_eq!(Component::parse(c.as_str()), Some(c));
            assert_eq!(Component::ALL[c.index()], c);
        }
        for a in Abo::ALL {
            assert_eq!(Abo::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn red_cell_table_is_complete() {
        let expected = [
            ("O-", vec!["O-"]),
            ("O+", vec!["O+", "O-"]),
            ("A-", vec!["A-", "O-"]),
            ("A+", vec!["A+", "A-", "O-", "O+"]),
            ("B-", vec!["B-", "O-"]),
            ("B+", vec!["B+", "B-", "O-", "O+"]),
            ("AB-", vec!["AB-", "O-", "A-", "B-"]),
            ("AB+", vec!["AB+", "AB-", "O-", "O+", "A-", "A+", "B-", "B+"]),
        ];
        for (recipient, want) in expected {
            assert_eq!(donors(Component::RedCells, recipient), want, "red cells for {recipient}");
        }
    }

    #[test]
    fn plasma_and_cryo_tables_are_complete() {
        let expected = [
            ("O-", vec!["O-", "O+", "A-", "A+", "B-", "B+", "AB-", "AB+"]),
            ("O+", vec!["O+", "O-", "A-", "A+", "B-", "B+", "AB-", "AB+"]),
            ("A-", vec!["A-", "A+", "AB-", "AB+"]),
            ("A+", vec!["A+", "A-", "AB-", "AB+"]),
            ("B-", vec!["B-", "B+", "AB-", "AB+"]),
            ("B+", vec!["B+", "B-", "AB-", "AB+"]),
            ("AB-", vec!["AB-", "AB+"]),
            ("AB+", vec!["AB+", "AB-"]),
        ];
        for component in [Component::Plasma, Component::Cryoprecipitate] {
            for (recipient, want) in &expected {
                assert_eq!(donors(component, recipient), *want, "{component:?} for {recipient}");
            }
        }
    }

    #[test]
    fn platelets_follow_plasma_abo_and_protect_rh_negative_recipients() {
        assert_eq!(donors(Component::Platelets, "O-"), ["O-", "A-", "B-", "AB-"]);
        assert_eq!(donors(Component::Platelets, "A+"), ["A+", "A-", "AB-", "AB+"]);
        assert_eq!(donors(Component::Platelets, "AB-"), ["AB-"]);
    }

    #[test]
    fn whole_blood_is_identical_only() {
        for recipient in BloodGroup::all() {
            assert_eq!(compatible_donors(Component::WholeBlood, recipient), [recipient]);
        }
    }

    #[test]
    fn universal_donors_and_recipients() {
        let all: Vec<_> = BloodGroup::all().collect();
        assert!(all.iter().all(|r| is_compatible(Component::RedCells, g("O-"), *r)), "O- red cells for all");
        assert!(all.iter().all(|d| is_compatible(Component::RedCells, *d, g("AB+"))), "AB+ receives all red cells");
        assert!(
            all.iter()
                .all(|r| is_compatible(Component::Plasma, g("AB-"), *r)
                    && is_compatible(Component::Plasma, g("AB+"), *r)),
            "AB plasma for all"
        );
        assert!(all.iter().all(|d| is_compatible(Component::Plasma, *d, g("O+"))), "O receives all plasma");
    }
}
