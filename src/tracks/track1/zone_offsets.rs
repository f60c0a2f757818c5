//! A time zone's UTC offsets over a window, for stores that cannot convert to local time
//! themselves (SQLite knows only fixed offsets): the offset in force at the start and every
//! change (DST transition) inside the window.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// From `at` on, local time is UTC + `offset_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetChange {
    /// First instant of the new offset.
    pub at: DateTime<Utc>,
    /// Local minus UTC, in seconds.
    pub offset_secs: i32,
}

fn offset_at(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()
}

fn at_second(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The offset at `from`, then each change up to `to` (inclusive), in order. Zones change offset
/// at most once a day, so a daily scan finds every change and a bisection pins it to the second.
pub fn offsets(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> (i32, Vec<OffsetChange>) {
    let initial = offset_at(tz, from);
    let mut changes = Vec::new();
    let (mut day_start, mut current) = (from, initial);
    while day_start < to {
        let day_end = (day_start + Duration::days(1)).min(to);
        let next = offset_at(tz, day_end);
        if next != current {
            // Whole seconds: offsets change on the second.
            let (mut before, mut after) = (day_start.timestamp(), day_end.timestamp());
            while after - before > 1 {
                let mid = before + (after - before) / 2;
                if offset_at(tz, at_second(mid)) == current {
                    before = mid;
                } else {
                    after = mid;
                }
            }
            let after = at_second(after);
            changes.push(OffsetChange { at: after, offset_secs: next });
            current = next;
        }
        day_start = day_end;
    }
    (initial, changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn paris_changes_twice_a_year_at_one_utc() {
        let (initial, changes) =
            offsets(chrono_tz::Europe::Paris, utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"));
        assert_eq!(initial, 3600);
        assert_eq!(
            changes,
            [
                OffsetChange { at: utc("2026-03-29T01:00:00Z"), offset_secs: 7200 },
                OffsetChange { at: utc("2026-10-25T01:00:00Z"), offset_secs: 3600 },
            ]
        );
    }

    #[test]
    fn zones_without_dst_and_short_windows_have_no_changes() {
        assert_eq!(offsets(chrono_tz::UTC, utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z")), (0, vec![]));
        let tokyo = offsets(chrono_tz::Asia::Tokyo, utc("2026-06-01T00:00:00Z"), utc("2026-06-01T00:00:00Z"));
        assert_eq!(tokyo, (9 * 3600, vec![]));
    }

    #[test]
    fn new_york_spring_forward_is_found_to_the_second() {
        let (initial, changes) =
            offsets(chrono_tz::America::New_York, utc("2026-03-01T12:34:56Z"), utc("2026-04-01T00:00:00Z"));
        assert_eq!(initial, -5 * 3600);
        assert_eq!(changes, [OffsetChange { at: utc("2026-03-08T07:00:00Z"), offset_secs: -4 * 3600 }]);
    }
}
