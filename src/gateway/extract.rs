//! Extractors that turn every malformed request into a problem: bodies and queries are
//! deserialised with the path of the failing field, then validated, and path parameters that
//! do not parse are rejected with 400.

use std::{future::Future, pin::Pin};

use actix_web::{
    dev::Payload,
    error::PathError,
    http::{header, StatusCode},
    web, FromRequest, HttpRequest,
};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use super::{
    error::{ApiError, FieldViolation},
    fallback::{method_not_allowed, RouteTable},
    strict_json::ObjectsOnly,
};

/// Largest JSON body accepted, in bytes (set from `server.json_limit_bytes`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body that parsed and passed its `validator` rules.
#[derive(Debug)]
pub struct ValidatedJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map_or(256 * 1024, |l| l.0);
        let content_type_ok = is_json(req);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with `Content-Type: application/json`",
                ));
            }
            if declared_length.is_some_and(|len| len > limit) {
                return Err(too_large(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "body_unreadable", e.to_string()))?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                body.extend_from_slice(&chunk);
            }
            if has_nul_escape(&body) {
                return Err(nul_rejected());
            }
            let value = parse_json::<T>(&body)?;
            validate(&value)?;
            Ok(Self(value))
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Whether a JSON text contains a `\u0000` escape (a raw NUL is not valid JSON anyway).
/// PostgreSQL cannot store NUL in text, so no store accepts it; rejecting it here keeps every
/// backend alike and turns what would be a 500 into a clear 400.
fn has_nul_escape(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(b"0000".as_slice()) {
                return true;
            }
            i += 2; // skip the escaped character, so `\\u0000` (a backslash, then text) is fine
        } else {
            i += 1;
        }
    }
    false
}

fn nul_rejected() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_character", "text must not contain the NUL character (U+0000)")
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", format!("the body exceeds {limit} bytes"))
}

/// Parses JSON, telling a syntax error (400) from a body of the wrong shape (422 naming the field).
/// A struct written as an array is refused (see [`strict_json`](super::strict_json)).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(|e| malformed(&e))?;
    // Without a `[` byte the body holds no array, so there is nothing more to check.
    if !bytes.contains(&b'[') {
        return Ok(value);
    }
    let tree: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| malformed(&e))?;
    serde_path_to_error::deserialize(ObjectsOnly(&tree)).map_err(json_error)
}

fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = err.inner();
    if inner.is_syntax() || inner.is_eof() {
        return malformed(inner);
    }
    let path = err.path().to_string();
    let pointer = if path == "." { String::new() } else { format!("/{}", path.replace('.', "/")) };
    let message = strip_position(&inner.to_string());
    ApiError::validation(vec![FieldViolation { pointer, code: "invalid_type".into(), message }])
}

fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("the body is not valid JSON: {err}"))
}

/// serde_json appends " at line 1 column 42"; the pointer already says where.
fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

/// A query string that parsed and passed its `validator` rules.
#[derive(Debug)]
pub struct ValidatedQuery<T>(pub T);

impl<T: DeserializeOwned + Validate> FromRequest for ValidatedQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Self))
    }
}

fn parse_query<T: DeserializeOwned + Validate>(query: &str) -> Result<T, ApiError> {
    if form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k.contains('\0') || v.contains('\0')) {
        return Err(nul_rejected());
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    let value: T = serde_path_to_error::deserialize(de).map_err(|err| {
        let name = err.path().to_string();
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", format!("query parameter `{name}`: {}", err.inner()))
    })?;
    validate(&value)?;
    Ok(value)
}

/// Runs the `validator` rules, reporting every failing field as a JSON pointer in camelCase.
pub fn validate<T: Validate>(value: &T) -> Result<(), ApiError> {
    value.validate().map_err(|errors| {
        let mut violations = Vec::new();
        collect_violations(&errors, "", &mut violations);
        ApiError::validation(violations)
    })
}

fn collect_violations(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldViolation>) {
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by_key(|(name, _)| name.to_string());
    for (field, kind) in fields {
        let pointer = format!("{prefix}/{}", camel_case(field));
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| FieldViolation {
                pointer: pointer.clone(),
                code: e.code.to_string(),
                message: e.message.as_ref().map_or_else(|| describe(e), ToString::to_string),
            })),
            ValidationErrorsKind::Struct(inner) => collect_violations(inner, &pointer, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_violations(inner, &format!("{pointer}/{index}"), out);
                }
            }
        }
    }
}

fn describe(error: &validator::ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(ToString::to_string);
    match (error.code.as_ref(), param("min"), param("max")) {
        ("length", Some(min), Some(max)) => format!("length must be between {min} and {max}"),
        ("length", Some(min), None) => format!("length must be at least {min}"),
        ("length", None, Some(max)) => format!("length must be at most {max}"),
        ("range", Some(min), Some(max)) => format!("must be between {min} and {max}"),
        ("email", _, _) => "must be an email address".to_owned(),
        (code, _, _) => format!("failed rule `{code}`"),
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Path parameters that do not parse (a malformed UUID, say) are a 400 problem.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| {
        // `/reminders/inbox` also fits `/reminders/{id}`: a method the concrete path lacks is a
        // 405 there, not a malformed id.
        let table = req.app_data::<web::Data<RouteTable>>();
        if let Some(allowed) = table.and_then(|t| t.allowed(req.path())) {
            if !allowed.contains(req.method()) {
                return method_not_allowed(req.method(), req.path(), &allowed).into();
            }
        }
        let detail = match &err {
            PathError::Deserialize(e) => format!("invalid path parameter: {e}"),
            other => other.to_string(),
        };
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_path_parameter", detail).into()
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, Validate)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Sample {
        #[validate(length(min = 2, max = 5))]
        full_name: String,
        #[validate(range(min = 1, max = 100))]
        per_page: Option<u32>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Patient,
    }

    #[test]
    fn syntax_errors_are_400_and_shape_errors_name_the_field() {
        assert_eq!(parse_json::<Sample>(b"{\"fullName\": ").unwrap_err().code(), "malformed_json");
        let err = parse_json::<Sample>(br#"{"fullName": "ab", "kind": "robot"}"#).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert_eq!(err.problem().errors[0].pointer, "/kind");
        let err = parse_json::<Sample>(br#"{"fullName": 7}"#).unwrap_err();
        assert_eq!(err.problem().errors[0].pointer, "/fullName");
        assert!(parse_json::<Sample>(br#"{"fullName": "ab"} trailing"#).is_err());
        let err = parse_json::<Sample>(br#"["ab", 5]"#).unwrap_err();
        assert_eq!((err.code(), err.problem().errors[0].pointer.as_str()), ("validation_failed", ""));
        let ok = parse_json::<Sample>(br#"{"fullName": "ab", "kind": "patient"}"#).unwrap();
        assert!(matches!(ok.kind, Some(Kind::Patient)));
    }

    #[test]
    fn validation_reports_every_failing_field_in_camel_case() {
        let value = Sample { full_name: "a".into(), per_page: Some(500), kind: Some(Kind::Patient) };
        let problem = validate(&value).unwrap_err().problem();
        let pointers: Vec<_> = problem.errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/fullName", "/perPage"]);
        assert_eq!(problem.errors[0].message, "length must be between 2 and 5");
    }

    #[test]
    fn nul_characters_are_found_only_where_they_are() {
        assert!(has_nul_escape(br#"{"fullName": "a\u0000b"}"#));
        assert!(!has_nul_escape(br#"{"fullName": "a\\u0000b"}"#), "an escaped backslash then text");
        assert!(!has_nul_escape(br#"{"fullName": "a\u0001b \\"}"#));
        assert_eq!(parse_query::<Sample>("fullName=a%00b").unwrap_err().code(), "invalid_character");
    }

    #[test]
    fn empty_or_non_numeric_query_values_are_rejected() {
        assert_eq!(parse_query::<Sample>("fullName=abc&perPage=").unwrap_err().code(), "invalid_query");
        assert_eq!(parse_query::<Sample>("fullName=abc&perPage=ten").unwrap_err().code(), "invalid_query");
        assert!(parse_query::<Sample>("fullName=abc&perPage=10").is_ok());
    }
}
