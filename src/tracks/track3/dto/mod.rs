//! Request and response bodies of the blood-bank routes (camelCase JSON). Every schema
//! constraint matches its `validator` rule exactly, so a request the document allows is never
//! refused for its shape, and one it forbids never gets through; the few rules no schema can
//! state (a date of birth in the past, an end after a start) are documented 422s.

pub mod donations;
pub mod donors;
pub mod requests;
pub mod transfusion;
pub mod units;

use serde::{Deserialize, Deserializer};
use validator::ValidationError;

use super::domain::isbt::Din;
use crate::gateway::identity::domain::{Email, PhoneNumber};

/// E.164, as the schema pattern `^\+[1-9][0-9]{7,14}$` says.
pub(crate) fn phone_rule(phone: &str) -> Result<(), ValidationError> {
    PhoneNumber::parse(phone).map(drop).map_err(|m| ValidationError::new("phone_e164").with_message(m.into()))
}

/// An email address (at most 254 characters).
pub(crate) fn email_rule(email: &str) -> Result<(), ValidationError> {
    Email::parse(email).map(drop).map_err(|m| ValidationError::new("email").with_message(m.into()))
}

/// A donation identification number, as the schema pattern `^[A-Z][0-9]{12}$` says.
pub(crate) fn din_rule(din: &str) -> Result<(), ValidationError> {
    Din::parse(din)
        .map(drop)
        .ok_or_else(|| ValidationError::new("din").with_message("must be a letter followed by 12 digits".into()))
}

/// A field that must be present but may be `null` (`#[serde(deserialize_with = "present")]`).
pub(crate) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

/// Query numbers are parsed from text, where `NaN` would slip past a range check.
pub(crate) fn finite(value: f64) -> Result<(), ValidationError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ValidationError::new("finite").with_message("must be a number".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_their_patterns() {
        assert!(phone_rule("+250788123456").is_ok());
        assert!(phone_rule("0788123456").is_err());
        assert!(din_rule("A999925000042").is_ok());
        for bad in ["a999925000042", "A99992500004", "A9999250000421"] {
            assert!(din_rule(bad).is_err(), "{bad}");
        }
        assert!(finite(f64::NAN).is_err() && finite(12.5).is_ok());
        assert!(email_rule("donor@example.org").is_ok() && email_rule("nope").is_err());
    }
}
