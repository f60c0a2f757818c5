//! What can go wrong talking to a provider, and the problem each becomes.
//!
//! | variant | status | code |
//! |---|---|---|
//! | [`AssistantError::Unavailable`] (429/5xx/connection, after retries and fallback) | 503 + `Retry-After` when known | `assistant_unavailable` |
//! | [`AssistantError::Rejected`] (the provider refused our request: 4xx other than 429) | 502 | `assistant_bad_gateway` |
//! | [`AssistantError::Malformed`] (an answer we cannot read) | 502 | `assistant_bad_gateway` |
//! | [`AssistantError::Timeout`] (no headers or no next chunk in time) | 504 | `assistant_timeout` |
//! | [`AssistantError::NotAvailableOffline`] (translation without a network provider) | 422 | `not_available_offline` |
//!
//! `not_available_offline` is a 4xx on purpose: the server works as configured, the request
//! asks for something this deployment cannot do.

use std::time::Duration;

use actix_web::http::{header, StatusCode};

use super::ProviderName;
use crate::gateway::error::ApiErrorCode;

/// A failed assistant call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssistantError {
    /// The provider is overloaded, down or unreachable.
    #[error("{provider} is unavailable: {detail}")]
    Unavailable {
        /// The provider.
        provider: ProviderName,
        /// What it said.
        detail: String,
        /// How long it asked us to wait.
        retry_after: Option<Duration>,
    },
    /// The provider refused the request (bad key, bad argument...).
    #[error("{provider} refused the request ({status}): {detail}")]
    Rejected {
        /// The provider.
        provider: ProviderName,
        /// Its HTTP status.
        status: u16,
        /// What it said.
        detail: String,
    },
    /// The provider's answer could not be read.
    #[error("{provider} sent an invalid answer: {detail}")]
    Malformed {
        /// The provider.
        provider: ProviderName,
        /// What is wrong with it.
        detail: String,
    },
    /// The provider did not answer in time.
    #[error("{provider} did not answer in time")]
    Timeout {
        /// The provider.
        provider: ProviderName,
    },
    /// The feature needs a network provider and none is configured.
    #[error("{feature} is not available offline: configure a Gemini or Groq API key")]
    NotAvailableOffline {
        /// `translation`, ...
        feature: &'static str,
    },
}

impl AssistantError {
    /// Whether trying the same provider again may help (429, 5xx, timeouts, connection errors).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. } | Self::Timeout { .. })
    }

    /// The delay the provider asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Shorthand for a malformed answer.
    pub(crate) fn malformed(provider: ProviderName, detail: impl Into<String>) -> Self {
        Self::Malformed { provider, detail: detail.into() }
    }
}

impl ApiErrorCode for AssistantError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Rejected { .. } | Self::Malformed { .. } => StatusCode::BAD_GATEWAY,
            Self::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            Self::NotAvailableOffline { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Unavailable { .. } => "assistant_unavailable",
            Self::Rejected { .. } | Self::Malformed { .. } => "assistant_bad_gateway",
            Self::Timeout { .. } => "assistant_timeout",
            Self::NotAvailableOffline { .. } => "not_available_offline",
        }
    }

    fn headers(&self) -> Vec<(header::HeaderName, String)> {
        match self.retry_after() {
            // Whole seconds, rounded up so a client never comes back too early.
            Some(wait) => vec![(header::RETRY_AFTER, wait.as_millis().div_ceil(1000).max(1).to_string())],
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_to_status_code_and_retry_after() {
        let busy = AssistantError::Unavailable {
            provider: ProviderName::Groq,
            detail: "rate limited".into(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        assert_eq!((busy.status(), busy.code()), (StatusCode::SERVICE_UNAVAILABLE, "assistant_unavailable"));
        assert_eq!(busy.headers(), vec![(header::RETRY_AFTER, "2".to_owned())]);
        let bad = AssistantError::malformed(ProviderName::Gemini, "no candidates");
        assert_eq!((bad.status(), bad.code()), (StatusCode::BAD_GATEWAY, "assistant_bad_gateway"));
        assert!(bad.headers().is_empty() && !bad.is_retryable());
        let slow = AssistantError::Timeout { provider: ProviderName::Gemini };
        assert_eq!(
            (slow.status(), slow.code(), slow.is_retryable()),
            (StatusCode::GATEWAY_TIMEOUT, "assistant_timeout", true)
        );
        let offline = AssistantError::NotAvailableOffline { feature: "translation" };
        assert_eq!(offline.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(offline.code(), "not_available_offline");
    }
}
