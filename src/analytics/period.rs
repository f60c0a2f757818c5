//! Roll-up periods (the plan's `aggregationPeriod`) and the bucket an instant falls in.
//! Minutes and hours follow the clinic's UTC offset at that instant (so a +05:30 clinic gets
//! its own hours); days, ISO weeks (from Monday) and months follow its calendar, across DST.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Length of a roll-up bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = AnalyticsPeriod)]
pub enum Period {
    /// One minute.
    Minute,
    /// One hour.
    Hour,
    /// A calendar day.
    Day,
    /// An ISO week, from Monday.
    Week,
    /// A calendar month.
    Month,
}

impl Period {
    /// Every period, shortest first; each event is rolled up into all of them.
    pub const ALL: [Self; 5] = [Self::Minute, Self::Hour, Self::Day, Self::Week, Self::Month];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Nominal length, to bound how many buckets a query may span (months count 31 days).
    pub fn nominal(self) -> Duration {
        match self {
            Self::Minute => Duration::minutes(1),
            Self::Hour => Duration::hours(1),
            Self::Day => Duration::days(1),
            Self::Week => Duration::weeks(1),
            Self::Month => Duration::days(31),
        }
    }

    /// Start of the bucket holding `at`, as a UTC instant.
    pub fn bucket_start(self, at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        let local = at.with_timezone(&zone);
        match self {
            Self::Minute => at - Duration::seconds(i64::from(local.second())) - sub_second(at),
            Self::Hour => at - Duration::seconds(i64::from(local.minute() * 60 + local.second())) - sub_second(at),
            Self::Day => midnight(local.date_naive(), zone, at),
            Self::Week => {
                let date = local.date_naive() - Duration::days(i64::from(local.weekday().num_days_from_monday()));
                midnight(date, zone, at)
            }
            Self::Month => midnight(local.date_naive().with_day(1).unwrap_or(local.date_naive()), zone, at),
        }
    }
}

fn sub_second(at: DateTime<Utc>) -> Duration {
    Duration::nanoseconds(i64::from(at.nanosecond()))
}

/// The first instant of `date` in `zone` (a skipped midnight, as in some DST changes, starts
/// the day at the first local time that exists); `fallback` only if the zone has no such day.
fn midnight(date: NaiveDate, zone: Tz, fallback: DateTime<Utc>) -> DateTime<Utc> {
    let Some(start) = date.and_hms_opt(0, 0, 0) else { return fallback };
    match zone.from_local_datetime(&start) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // Midnight skipped: the day starts when the clock jumps, at most a few hours later.
        LocalResult::None => (1..=4)
            .find_map(|h| zone.from_local_datetime(&(start + Duration::minutes(30 * h))).earliest())
            .map_or(fallback, |t| t.with_timezone(&Utc)),
    }
}
