//! The one error type every handler returns, rendered as RFC 9457 `application/problem+json`
//! in one place. Module errors implement [`ApiErrorCode`] and convert with `?`.

use std::fmt;

use actix_web::{
    http::{
        header::{self, HeaderName, HeaderValue},
        StatusCode,
    },
    HttpResponse, ResponseError,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// Base of every problem `type` URI; the stable `code` completes it.
const PROBLEM_TYPE_BASE: &str = "urn:carechat:problem:";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// URI identifying the problem type: `urn:carechat:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(example = "urn:carechat:problem:not_found")]
    pub problem_type: String,
    /// Short summary of the status (the HTTP reason phrase).
    #[schema(example = "Not Found")]
    pub title: String,
    /// HTTP status code.
    #[schema(example = 404, minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, for a human.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "no resource at /api/v1/nothing")]
    pub detail: Option<String>,
    /// Stable machine-readable error code.
    #[schema(example = "not_found")]
    pub code: String,
    /// Every failing field, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldViolation>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldViolation {
    /// JSON pointer (body) or parameter name (query, path) of the field.
    pub pointer: String,
    /// Stable code of the rule that failed.
    pub code: String,
    /// What is wrong, for a human.
    pub message: String,
}

/// Implemented by every module error so it maps to a status and a stable code.
pub trait ApiErrorCode {
    /// HTTP status.
    fn status(&self) -> StatusCode;
    /// Stable machine-readable code.
    fn code(&self) -> &'static str;
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`, ...).
    fn headers(&self) -> Vec<(HeaderName, String)> {
        Vec::new()
    }
    /// Items for the problem's `errors` list: rules a schema cannot express, each with its
    /// pointer, or every reason a request was refused.
    fn violations(&self) -> Vec<FieldViolation> {
        Vec::new()
    }
}

/// An error on its way to the client.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: Option<String>,
    errors: Vec<FieldViolation>,
    headers: Vec<(HeaderName, String)>,
    source: Option<anyhow::Error>,
}

impl ApiError {
    /// A problem with a status, code and human-readable detail.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self { status, code, detail: Some(detail.into()), errors: Vec::new(), headers: Vec::new(), source: None }
    }

    /// 422 listing every failing field.
    pub fn validation(errors: Vec<FieldViolation>) -> Self {
        let detail = match errors.len() {
            1 => "the request has 1 invalid field".to_owned(),
            n => format!("the request has {n} invalid fields"),
        };
        Self { errors, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", detail) }
    }

    /// 500 whose cause is logged, never shown.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self { source: Some(source.into()), ..Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "") }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The problem document sent to the client. Server errors get a generic detail: their
    /// cause is for the log (see the request-id middleware), not for the caller.
    pub fn problem(&self) -> Problem {
        let detail = if self.status.is_server_error() {
            Some("the server could not complete the request; quote the X-Request-Id header when reporting it".into())
        } else {
            self.detail.clone().filter(|d| !d.is_empty())
        };
        Problem {
            problem_type: format!("{PROBLEM_TYPE_BASE}{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail,
            code: self.code.to_owned(),
            errors: self.errors.clone(),
        }
    }
}

impl<E> From<E> for ApiError
where
    E: ApiErrorCode + std::error::Error + Send + Sync + 'static,
{
    fn from(err: E) -> Self {
        let status = err.status();
        let mut api = Self::new(status, err.code(), err.to_string());
        api.headers = err.headers();
        api.errors = err.violations();
        if status.is_server_error() {
            api.source = Some(err.into());
        }
        api
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(source) = &self.source {
            // `{:#}` prints the whole cause chain.
            write!(f, " caused by: {source:#}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")));
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.insert_header((name.clone(), value));
            }
        }
        response.json(self.problem())
    }
}

/// Storage failures that reach a handler unchanged: services turn `NotFound` and `Conflict`
/// into module errors with better codes, so these are the fallbacks.
impl ApiErrorCode for crate::storage::StorageError {
    fn status(&self) -> StatusCode {
        use crate::storage::StorageError as E;
        match self {
            E::NotFound => StatusCode::NOT_FOUND,
            E::Conflict(_) => StatusCode::CONFLICT,
            E::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            E::Config(_) | E::Corrupt(_) | E::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        use crate::storage::StorageError as E;
        match self {
            E::NotFound => "not_found",
            E::Conflict(_) => "conflict",
            E::Unavailable(_) => "store_unavailable",
            E::Config(_) | E::Corrupt(_) | E::Other(_) => "internal_error",
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;
    use serde_json::{json, Value};

    use super::*;

    async fn body_of(err: ApiError) -> (StatusCode, String, Value) {
        let response = err.error_response();
        let status = response.status();
        let content_type = response.headers().get(header::CONTENT_TYPE).unwrap().to_str().unwrap().to_owned();
        let bytes = to_bytes(response.into_body()).await.unwrap();
        (status, content_type, serde_json::from_slice(&bytes).unwrap())
    }

    #[actix_rt::test]
    async fn validation_problem_lists_every_field() {
        let err = ApiError::validation(vec![
            FieldViolation { pointer: "/phoneNumber".into(), code: "phone_e164".into(), message: "bad".into() },
            FieldViolation { pointer: "/password".into(), code: "length".into(), message: "short".into() },
        ]);
        let (status, content_type, body) = body_of(err).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(
            body,
            json!({
                "type": "urn:carechat:problem:validation_failed",
                "title": "Unprocessable Entity",
                "status": 422,
                "detail": "the request has 2 invalid fields",
                "code": "validation_failed",
                "errors": [
                    {"pointer": "/phoneNumber", "code": "phone_e164", "message": "bad"},
                    {"pointer": "/password", "code": "length", "message": "short"}
                ]
            })
        );
    }

    #[actix_rt::test]
    async fn internal_errors_hide_their_cause() {
        let err = ApiError::internal(anyhow::anyhow!("password=hunter2 in connection string"));
        assert!(format!("{err:?}").contains("hunter2"), "the log keeps the cause");
        let (status, _, body) = body_of(err).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["code"], "internal_error");
        assert!(!body.to_string().contains("hunter2"));
    }

    #[actix_rt::test]
    async fn headers_travel_with_the_problem() {
        let err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "slow down")
            .with_header(header::RETRY_AFTER, "42");
        let response = err.error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "42");
        let (_, _, body) = body_of(err).await;
        assert_eq!(
            body,
            json!({"type": "urn:carechat:problem:rate_limited", "title": "Too Many Requests", "status": 429, "detail": "slow down", "code": "rate_limited"})
        );
    }
}
