//! Snooze: the patient pushes an occurrence back by 5 minutes to a day; the delivery is sent
//! again at `now + minutes`.

use chrono::{DateTime, Duration, Utc};

/// Shortest snooze.
pub const MIN_SNOOZE_MINUTES: u32 = 5;
/// Longest snooze (a day).
pub const MAX_SNOOZE_MINUTES: u32 = 24 * 60;

/// A snooze length out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a snooze lasts {MIN_SNOOZE_MINUTES} to {MAX_SNOOZE_MINUTES} minutes, not {0}")]
pub struct InvalidSnooze(pub u32);

/// When a delivery snoozed at `now` for `minutes` is due again.
pub fn snooze_until(now: DateTime<Utc>, minutes: u32) -> Result<DateTime<Utc>, InvalidSnooze> {
    if (MIN_SNOOZE_MINUTES..=MAX_SNOOZE_MINUTES).contains(&minutes) {
        Ok(now + Duration::minutes(i64::from(minutes)))
    } else {
        Err(InvalidSnooze(minutes))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn snoozes_within_range_push_the_time_back() {
        let now = Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap();
        assert_eq!(snooze_until(now, 5), Ok(now + Duration::minutes(5)));
        assert_eq!(snooze_until(now, 1440), Ok(now + Duration::days(1)));
        assert_eq!(snooze_until(now, 4), Err(InvalidSnooze(4)));
        assert_eq!(snooze_until(now, 1441), Err(InvalidSnooze(1441)));
        assert_eq!(snooze_until(now, 0), Err(InvalidSnooze(0)));
    }
}
