//! Wall-clock time in a zone to instants, with the module's DST rules.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Longest span a gap search looks ahead (no zone jumps more than a day at once).
const MAX_GAP_MINUTES: i64 = 24 * 60;

/// The local calendar date of `at` in `tz`.
pub(super) fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// `date` 00:00 in floating time: the wall clock written as UTC, for the RRULE engine.
pub(super) fn floating(date: NaiveDate) -> DateTime<rrule::Tz> {
    rrule::Tz::UTC.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
}

/// The instant a wall-clock time stands for: a repeated time (fall back) is its first
/// occurrence; a time in a gap (spring forward) is the first valid instant after the gap.
pub(super) fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        // Gaps start and end on whole minutes in the time zone database.
        LocalResult::None => (1..=MAX_GAP_MINUTES)
            .find_map(|m| tz.from_local_datetime(&(local + Duration::minutes(m))).earliest())
            .map(|at| at.with_timezone(&Utc)),
    }
}
