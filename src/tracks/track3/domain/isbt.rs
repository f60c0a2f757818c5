//! ISBT 128-style identification. A donation identification number (DIN) is 13 characters:
//! the facility identification number (a letter and four digits), the two-digit year of
//! collection and a six-digit sequence unique within facility and year, e.g. `A999925000042`.
//! It is printed with an ISO/IEC 7064 MOD 37-2 check character, which catches every
//! single-character typo and adjacent swap when a number is keyed in by hand. Each unit made
//! from the donation adds a product code (component code, donation type `V` for a volunteer
//! donor, and a division, `00` or `A0`, `B0`... for split products), so `DIN + product code`
//! names one unit. The component codes are illustrative; a site maps them to its licensed
//! ISBT 128 product descriptions.

use std::fmt;

use super::groups::Component;

/// Characters of MOD 37-2 in value order (`*` only ever appears as a check character).
const ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

/// JSON Schema pattern of a DIN, matching [`Din::parse`].
pub const DIN_PATTERN: &str = r"^[A-Z][0-9]{12}$";

/// The ISO/IEC 7064 MOD 37-2 check character of `data` (digits and upper-case letters), or
/// `None` when `data` holds another character.
pub fn check_character(data: &str) -> Option<char> {
    let mut sum: u32 = 0;
    for byte in data.bytes() {
        let value = ALPHABET[..36].iter().position(|c| *c == byte)?;
        sum = ((sum + u32::try_from(value).ok()?) * 2) % 37;
    }
    let check = (38 - sum) % 37;
    ALPHABET.get(usize::try_from(check).ok()?).map(|b| char::from(*b))
}

/// A donation identification number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Din(String);

impl Din {
    /// Builds the DIN of `facility` (a letter and four digits), the year of collection (its last
    /// two digits are used) and `sequence` (1 to 999 999).
    pub fn new(facility: &str, year: i32, sequence: u32) -> Option<Self> {
        let facility_ok = facility.len() == 5
            && facility.as_bytes()[0].is_ascii_uppercase()
            && facility.bytes().skip(1).all(|b| b.is_ascii_digit());
        if !facility_ok || !(1..=999_999).contains(&sequence) {
            return None;
        }
        Some(Self(format!("{facility}{:02}{sequence:06}", year.rem_euclid(100))))
    }

    /// Parses 13 characters: a letter then twelve digits (no check character).
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == 13
            && text.as_bytes()[0].is_ascii_uppercase()
            && text.bytes().skip(1).all(|b| b.is_ascii_digit());
        ok.then(|| Self(text.to_owned()))
    }

    /// The 13 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check character printed after the DIN.
    pub fn check_character(&self) -> char {
        check_character(&self.0).unwrap_or('*')
    }
}

impl fmt::Display for Din {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The product description code of a component (illustrative ISBT 128 E-codes).
pub fn component_code(component: Component) -> &'static str {
    match component {
        Component::WholeBlood => "E0001",
        Component::RedCells => "E0224",
        Component::Plasma => "E2555",
        Component::Platelets => "E3072",
        Component::Cryoprecipitate => "E3587",
    }
}

/// Product code of one unit: component code, `V` (volunteer donation) and the division:
/// `00` when the donation gives one unit of the component, `A0`, `B0`, `C0`... for the
/// `index`-th of several.
pub fn product_code(component: Component, index: usize, of: usize) -> String {
    let division = if of <= 1 {
        "00".to_owned()
    } else {
        let letter = b'A' + u8::try_from(index % 26).unwrap_or(0);
        format!("{}0", char::from(letter))
    };
    format!("{}V{division}", component_code(component))
}

/// The unit number printed on a unit's label and unique across the blood bank: DIN, check
/// character and product code, e.g. `A999925000042J-E0224V00`.
pub fn unit_number(din: &Din, product_code: &str) -> String {
    format!("{din}{}-{product_code}", din.check_character())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_valid(full: &str) -> bool {
        let (data, check) = full.split_at(full.len() - 1);
        check_character(data).map(String::from).as_deref() == Some(check)
    }

    #[test]
    fn check_character_satisfies_the_mod_37_2_equation() {
        // Pure-system check: the weighted sum of data and check is 1 modulo 37.
        for data in ["A999925000001", "W123425123456", "G151709123456", "Z000099999999"] {
            let check = check_character(data).unwrap();
            let mut sum = 0u32;
            for b in data.bytes() {
                sum = ((sum + ALPHABET.iter().position(|c| *c == b).unwrap() as u32) * 2) % 37;
            }
            let value = ALPHABET.iter().position(|c| *c == check as u8).unwrap() as u32;
            assert_eq!((sum + value) % 37, 1, "{data}{check}");
        }
        assert_eq!(check_character("A9999250000a1"), None, "lower case is not in the alphabet");
        assert_eq!(check_character(""), Some('1'));
    }

    #[test]
    fn single_substitutions_and_adjacent_swaps_are_caught() {
        let data = "A999925000042";
        let full = format!("{data}{}", check_character(data).unwrap());
        assert!(is_valid(&full));
        let bytes = full.as_bytes();
        for i in 0..data.len() {
            for replacement in ALPHABET[..36].iter().filter(|c| **c != bytes[i]) {
                let mut typo = bytes.to_vec();
                typo[i] = *replacement;
                assert!(!is_valid(std::str::from_utf8(&typo).unwrap()), "substitution at {i}");
            }
            if i + 1 < data.len() && bytes[i] != bytes[i + 1] {
                let mut swapped = bytes.to_vec();
                swapped.swap(i, i + 1);
                assert!(!is_valid(std::str::from_utf8(&swapped).unwrap()), "swap at {i}");
            }
        }
    }

    #[test]
    fn dins_are_built_and_parsed() {
        let din = Din::new("A9999", 2025, 42).unwrap();
        assert_eq!(din.as_str(), "A999925000042");
        assert_eq!(Din::parse("A999925000042"), Some(din.clone()));
        assert_eq!(Din::new("A9999", 2100, 1).unwrap().as_str(), "A999900000001");
        for bad_facility in ["a9999", "A999", "AA999", "A99999"] {
            assert!(Din::new(bad_facility, 2025, 1).is_none(), "{bad_facility}");
        }
        assert!(Din::new("A9999", 2025, 0).is_none());
        assert!(Din::new("A9999", 2025, 1_000_000).is_none());
        for bad in ["A99992500004", "A9999250000421", "a999925000042", "A99992500004X"] {
            assert!(Din::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn product_codes_and_unit_numbers() {
        assert_eq!(product_code(Component::RedCells, 0, 1), "E0224V00");
        assert_eq!(product_code(Component::RedCells, 0, 2), "E0224VA0");
        assert_eq!(product_code(Component::RedCells, 1, 2), "E0224VB0");
        let din = Din::new("A9999", 2025, 42).unwrap();
        let number = unit_number(&din, "E0224V00");
        assert!(number.starts_with("A999925000042"));
        assert!(number.ends_with("-E0224V00"));
        assert_eq!(number.len(), 13 + 1 + 1 + 8);
    }
}
