//! When to try a provider again, and how long to wait first.

use std::time::Duration;

use crate::config::RetrySettings;

/// Exponential backoff without jitter (few instances call a provider at once; determinism keeps
/// the policy testable), honouring a provider's `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per provider, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub base_delay: Duration,
    /// Longest delay; a longer `Retry-After` ends the retries.
    pub max_delay: Duration,
}

impl From<&RetrySettings> for RetryPolicy {
    fn from(s: &RetrySettings) -> Self {
        Self {
            max_attempts: s.max_attempts.max(1),
            base_delay: Duration::from_millis(s.base_delay_ms),
            max_delay: Duration::from_millis(s.max_delay_ms),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `failed + 1` after `failed` failed attempts, or `None` when no
    /// attempt is left or the provider asks to wait longer than `max_delay`.
    pub fn delay(&self, failed: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if failed == 0 || failed >= self.max_attempts {
            return None;
        }
        let backoff = self.base_delay.saturating_mul(2u32.saturating_pow(failed - 1)).min(self.max_delay);
        match retry_after {
            Some(asked) if asked > self.max_delay => None,
            Some(asked) => Some(asked.max(backoff)),
            None => Some(backoff),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy =
        RetryPolicy { max_attempts: 4, base_delay: Duration::from_millis(100), max_delay: Duration::from_millis(300) };

    #[test]
    fn doubles_up_to_the_cap_then_stops() {
        let ms = |failed| POLICY.delay(failed, None).map(|d| d.as_millis());
        assert_eq!([ms(1), ms(2), ms(3), ms(4)], [Some(100), Some(200), Some(300), None]);
        assert_eq!(POLICY.delay(0, None), None);
    }

    #[test]
    fn honours_retry_after_unless_too_long() {
        assert_eq!(POLICY.delay(1, Some(Duration::from_millis(250))), Some(Duration::from_millis(250)));
        assert_eq!(POLICY.delay(2, Some(Duration::from_millis(50))), Some(Duration::from_millis(200)));
        assert_eq!(POLICY.delay(1, Some(Duration::from_secs(60))), None);
    }

    #[test]
    fn one_attempt_means_no_retry() {
        let once = RetryPolicy { max_attempts: 1, ..POLICY };
        assert_eq!(once.delay(1, None), None);
    }
}
