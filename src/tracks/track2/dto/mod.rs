//! Request and response bodies of the chat routes (camelCase JSON, the plan's field names).
//! Every `validator` rule is mirrored by the schema constraint beside it.

mod conversations;
mod messages;
mod stream;

use serde::Deserialize;
use utoipa::IntoParams;
use validator::{Validate, ValidationError};

pub use self::{conversations::*, messages::*, stream::*};

/// Language tags as requests give them: `en`, `fr`, `pt-br`.
pub const LANGUAGE_PATTERN: &str = r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$";

/// Checks [`LANGUAGE_PATTERN`]: such tags are safe as JSON keys and MongoDB field names.
fn language_tag(tag: &str) -> Result<(), ValidationError> {
    let (primary, region) = tag.split_once('-').map_or((tag, None), |(p, r)| (p, Some(r)));
    let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let region_ok = region
        .is_none_or(|r| (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if primary_ok && region_ok {
        Ok(())
    } else {
        Err(ValidationError::new("language").with_message(format!("must match {LANGUAGE_PATTERN}").into()))
    }
}

/// Metadata must be a JSON object (so stores and clients can add keys to it).
fn json_object(value: &serde_json::Value) -> Result<(), ValidationError> {
    if value.is_object() {
        Ok(())
    } else {
        Err(ValidationError::new("object").with_message("must be a JSON object".into()))
    }
}

/// Page of a list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MessagePageQuery {
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_follow_the_pattern() {
        for ok in ["en", "fr", "pt-br", "rw", "zh-hant"] {
            assert!(language_tag(ok).is_ok(), "{ok}");
        }
        for bad in ["", "e", "EN", "fr-CA", "en_us", "fr.x", "$fr", "english"] {
            assert!(language_tag(bad).is_err(), "{bad}");
        }
        assert!(json_object(&serde_json::json!({"a": 1})).is_ok());
        assert!(json_object(&serde_json::json!([1])).is_err());
    }
}
