//! Login throttling per client address and per account, so neither one address nor many
//! addresses can guess one account's password quickly. Counters live in this process: with
//! several instances each enforces its own share.

use std::num::NonZeroU32;

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keyed limiters for login attempts.
pub struct LoginLimiter {
    per_ip: DefaultKeyedRateLimiter<String>,
    per_account: DefaultKeyedRateLimiter<String>,
}

/// Keys remembered before stale ones are dropped.
const PRUNE_THRESHOLD: usize = 10_000;

impl LoginLimiter {
    /// Allows `per_ip` attempts a minute from one address and `per_account` for one account.
    pub fn new(per_ip: NonZeroU32, per_account: NonZeroU32) -> Self {
        Self {
            per_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
            per_account: RateLimiter::keyed(Quota::per_minute(per_account)),
        }
    }

    /// Takes one attempt for both keys; `Err(seconds)` says when to retry.
    pub fn check(&self, ip: &str, account: &str) -> Result<(), u64> {
        for (limiter, key) in [(&self.per_ip, ip), (&self.per_account, account)] {
            if limiter.len() > PRUNE_THRESHOLD {
                limiter.retain_recent();
            }
            if let Err(not_until) = limiter.check_key(&key.to_owned()) {
                let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
                return Err(wait.as_secs().max(1));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(ip: u32, account: u32) -> LoginLimiter {
        LoginLimiter::new(NonZeroU32::new(ip).unwrap(), NonZeroU32::new(account).unwrap())
    }

    #[test]
    fn an_account_is_limited_across_addresses() {
        let limiter = limiter(100, 3);
        for i in 0..3 {
            assert!(limiter.check(&format!("10.0.0.{i}"), "+15550001111").is_ok());
        }
        let retry = limiter.check("10.0.0.9", "+15550001111").unwrap_err();
        assert!((1..=60).contains(&retry));
        assert!(limiter.check("10.0.0.9", "+15550002222").is_ok(), "other accounts are unaffected");
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let limiter = limiter(2, 100);
        assert!(limiter.check("10.0.0.1", "a").is_ok());
        assert!(limiter.check("10.0.0.1", "b").is_ok());
        assert!(limiter.check("10.0.0.1", "c").is_err());
        assert!(limiter.check("10.0.0.2", "c").is_ok());
    }
}
