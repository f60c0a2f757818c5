//! HTTP plumbing shared by the network providers: one attempt with a deadline, and every
//! failure classified into an [`AssistantError`] the retry policy understands.

use std::time::{Duration, Instant};

use reqwest::{header, RequestBuilder, Response, StatusCode};
use secrecy::SecretString;
use serde::de::DeserializeOwned;

use super::{
    sse::{self, ChunkReader},
    AssistantError, Completion, CompletionStream, ProviderName,
};
use crate::config::ProviderSettings;

/// Longest excerpt of an unreadable provider body kept in an error.
const MAX_DETAIL_CHARS: usize = 300;

/// One network provider's connection settings and client.
pub struct Endpoint {
    /// Connection set-up is bounded by `timeout` too.
    pub client: reqwest::Client,
    base_url: String,
    /// API key.
    pub api_key: SecretString,
    /// Model name.
    pub model: String,
    /// Configured temperature.
    pub temperature: f32,
    /// Longest answer, in tokens.
    pub max_output_tokens: u32,
    /// Deadline for the headers, and between two streamed chunks.
    pub timeout: Duration,
}

impl Endpoint {
    /// From `[chat.<provider>]`.
    pub fn new(settings: &ProviderSettings) -> anyhow::Result<Self> {
        let timeout = Duration::from_millis(settings.timeout_ms);
        Ok(Self {
            client: reqwest::Client::builder().connect_timeout(timeout).build()?,
            base_url: settings.base_url.clone(),
            api_key: settings.api_key.clone(),
            model: settings.model.clone(),
            temperature: settings.temperature,
            max_output_tokens: settings.max_output_tokens,
            timeout,
        })
    }

    /// The base URL joined with an absolute API path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }

    /// One non-streaming call: the whole JSON body read by `reader`.
    pub async fn complete<R: ChunkReader>(
        &self,
        request: RequestBuilder,
        mut reader: R,
    ) -> Result<Completion, AssistantError> {
        let started = Instant::now();
        let response = send(R::PROVIDER, self.timeout, request).await?;
        let body: R::Body = read_json(R::PROVIDER, self.timeout, response).await?;
        let text = reader.absorb(body);
        reader.finish(text, elapsed_ms(started))
    }

    /// One streaming call, returned once the response headers arrived.
    pub async fn stream<R: ChunkReader>(
        &self,
        request: RequestBuilder,
        reader: R,
    ) -> Result<CompletionStream, AssistantError> {
        let started = Instant::now();
        let response = send(R::PROVIDER, self.timeout, request).await?;
        Ok(sse::completion_stream(R::PROVIDER, response, reader, self.timeout, started))
    }
}

/// Milliseconds since `started`.
pub fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Sends the request and waits at most `timeout` for the response headers; a non-success
/// status becomes an error carrying the provider's own message.
pub async fn send(
    provider: ProviderName,
    timeout: Duration,
    request: RequestBuilder,
) -> Result<Response, AssistantError> {
    let response = tokio::time::timeout(timeout, request.send())
        .await
        .map_err(|_| AssistantError::Timeout { provider })?
        .map_err(|e| transport(provider, &e))?;
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let retry_after = retry_after(response.headers());
    let body = tokio::time::timeout(timeout, response.text()).await.ok().and_then(Result::ok).unwrap_or_default();
    Err(status_error(provider, status, retry_after, &body))
}

/// Reads the whole body as JSON within `timeout`.
pub async fn read_json<T: DeserializeOwned>(
    provider: ProviderName,
    timeout: Duration,
    response: Response,
) -> Result<T, AssistantError> {
    let bytes = tokio::time::timeout(timeout, response.bytes())
        .await
        .map_err(|_| AssistantError::Timeout { provider })?
        .map_err(|e| transport(provider, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| AssistantError::malformed(provider, format!("unreadable JSON: {e}")))
}

/// A failure below HTTP: a timeout, or a connection that failed or broke.
pub fn transport(provider: ProviderName, err: &reqwest::Error) -> AssistantError {
    if err.is_timeout() {
        return AssistantError::Timeout { provider };
    }
    AssistantError::Unavailable { provider, detail: format!("connection failed: {err}"), retry_after: None }
}

/// A non-success status: 429 and 5xx may pass (retryable), other 4xx will not.
pub fn status_error(
    provider: ProviderName,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &str,
) -> AssistantError {
    let detail = error_detail(status, body);
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        AssistantError::Unavailable { provider, detail, retry_after }
    } else {
        AssistantError::Rejected { provider, status: status.as_u16(), detail }
    }
}

/// The message of an error body: Gemini `{error:{code,message,status}}` and Groq
/// `{error:{message,type,code}}` alike; otherwise the start of the body.
pub fn error_detail(status: StatusCode, body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let error = &json["error"];
    let kind = error["status"].as_str().or_else(|| error["type"].as_str()).or_else(|| error["code"].as_str());
    match (error["message"].as_str(), kind) {
        (Some(message), Some(kind)) => format!("{status}: {kind}: {message}"),
        (Some(message), None) => format!("{status}: {message}"),
        _ => format!("{status}: {}", body.chars().take(MAX_DETAIL_CHARS).collect::<String>()),
    }
}

/// `Retry-After` in delay-seconds form (the form both providers send); dates are ignored.
pub fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses() {
        let busy = status_error(ProviderName::Groq, StatusCode::TOO_MANY_REQUESTS, Some(Duration::from_secs(2)), "");
        assert!(busy.is_retryable() && busy.retry_after() == Some(Duration::from_secs(2)));
        assert!(status_error(ProviderName::Groq, StatusCode::BAD_GATEWAY, None, "").is_retryable());
        let rejected = status_error(ProviderName::Gemini, StatusCode::BAD_REQUEST, None, "");
        assert!(matches!(rejected, AssistantError::Rejected { status: 400, .. }));
        assert!(!rejected.is_retryable());
    }

    #[test]
    fn reads_both_providers_error_bodies() {
        let gemini = r#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}"#;
        assert_eq!(
            error_detail(StatusCode::TOO_MANY_REQUESTS, gemini),
            "429 Too Many Requests: RESOURCE_EXHAUSTED: Resource has been exhausted"
        );
        let groq = r#"{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}"#;
        assert_eq!(
            error_detail(StatusCode::UNAUTHORIZED, groq),
            "401 Unauthorized: invalid_request_error: Invalid API Key"
        );
        assert_eq!(error_detail(StatusCode::BAD_GATEWAY, "<html>oops"), "502 Bad Gateway: <html>oops");
    }

    #[test]
    fn reads_retry_after_seconds() {
        let mut headers = header::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&headers), None);
    }
}
