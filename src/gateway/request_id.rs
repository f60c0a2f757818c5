//! Request ids: taken from `X-Request-Id` when the caller sends a sane one, generated
//! otherwise, echoed on the response, and printed with every server error logged.

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    Error, HttpMessage,
};
use uuid::Uuid;

use super::error::ApiError;

/// The request header and response header carrying the id.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served (in request extensions).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Middleware: assigns the id, echoes it, logs 5xx causes with it.
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_acceptable(v))
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.call(req).await?;
    if response.status().is_server_error() {
        if let Some(err) = response.response().error() {
            match err.as_error::<ApiError>() {
                Some(api) => log::error!("[{id}] {api:?}"),
                None => log::error!("[{id}] {err:?}"),
            }
        }
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    Ok(response)
}

/// Caller-supplied ids end up in logs: accept only short, plain tokens.
fn is_acceptable(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::is_acceptable;

    #[test]
    fn only_plain_ids_are_reused() {
        assert!(is_acceptable("3f2a9c1e-0b4d-4e0a-9f1b-1c2d3e4f5a6b"));
        assert!(!is_acceptable(""));
        assert!(!is_acceptable("a b"));
        assert!(!is_acceptable("x\ninjected log line"));
        assert!(!is_acceptable(&"a".repeat(129)));
    }
}
