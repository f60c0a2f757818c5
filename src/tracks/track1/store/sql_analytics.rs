//! The analytics statements of `sql.rs`: one `group by` over the sessions and one over the
//! topics of their answers. Only the period and JSON-unnesting expressions differ by dialect.

use std::collections::BTreeMap;

#[cfg(feature = "sqlite")]
use chrono::SecondsFormat;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::tracks::track1::analytics::{AnalyticsQuery, GroupBy, GroupCounts, Period};
#[cfg(feature = "sqlite")]
use crate::tracks::track1::zone_offsets::offsets;

/// The dialect: only local time and JSON unnesting are spelled differently.
#[derive(Clone, Copy)]
pub(super) enum Dialect {
    /// `created_at` is RFC 3339 TEXT in UTC; no time-zone database, so offsets are spelled out.
    #[cfg(feature = "sqlite")]
    Sqlite,
    /// `created_at` is `timestamptz`.
    #[cfg(feature = "postgres")]
    Postgres,
}

impl Dialect {
    /// Whether [`Dialect::local_time`] needs the first and last `created_at` of the window.
    pub(super) fn needs_span(self) -> bool {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite => true,
            #[cfg(feature = "postgres")]
            Self::Postgres => false,
        }
    }

    /// `created_at` as wall-clock time in the query's zone.
    #[cfg_attr(not(feature = "sqlite"), allow(unused_variables))] // only SQLite reads `span`
    fn local_time(self, q: &AnalyticsQuery, span: Span) -> String {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite => format!("datetime(created_at, {})", sqlite_offset(q.time_zone, span)),
            // chrono-tz names are IANA names (letters, digits, `_+-/`): safe to quote inline.
            #[cfg(feature = "postgres")]
            Self::Postgres => format!("(created_at at time zone '{}')", q.time_zone.name()),
        }
    }

    /// First day of the local day, ISO week or month, as `YYYY-MM-DD`.
    fn period(self, q: &AnalyticsQuery, span: Span) -> String {
        let local = self.local_time(q, span);
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite => match q.period {
                Period::Day => format!("substr({local}, 1, 10)"),
                Period::Week => format!("date({local}, 'weekday 0', '-6 days')"),
                Period::Month => format!("substr({local}, 1, 7) || '-01'"),
            },
            #[cfg(feature = "postgres")]
            Self::Postgres => match q.period {
                Period::Day => format!("to_char({local}, 'YYYY-MM-DD')"),
                Period::Week => format!("to_char(date_trunc('week', {local}), 'YYYY-MM-DD')"),
                Period::Month => format!("to_char(date_trunc('month', {local}), 'YYYY-MM-DD')"),
            },
        }
    }

    /// Joins every topic of every answer as `t.value`.
    fn topic_join(self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite => ", json_each(responses) r, json_each(r.value, '$.topics') t",
            #[cfg(feature = "postgres")]
            Self::Postgres => {
                " cross join lateral jsonb_array_elements(responses) r(value) \
                 cross join lateral jsonb_array_elements_text(r.value -> 'topics') t(value)"
            }
        }
    }
}

/// First and last `created_at` of the sessions in the window (`None` when there are none).
pub(super) type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The `datetime()` modifier shifting each `created_at` by its zone's offset at that instant:
/// a `case` over the DST changes between the first and last session.
#[cfg(feature = "sqlite")]
fn sqlite_offset(zone: chrono_tz::Tz, span: Span) -> String {
    let modifier = |secs: i32| format!("'{secs:+} seconds'");
    let (Some(first), Some(last)) = span else { return modifier(0) };
    let (initial, changes) = offsets(zone, first, last);
    if changes.is_empty() {
        return modifier(initial);
    }
    let mut sql = String::from("case");
    let mut current = initial;
    for change in changes {
        let at = change.at.to_rfc3339_opts(SecondsFormat::AutoSi, false);
        sql.push_str(&format!(" when created_at < '{at}' then {}", modifier(current)));
        current = change.offset_secs;
    }
    sql.push_str(&format!(" else {} end", modifier(current)));
    sql
}

/// First and last `created_at` in the window; `$1`/`$2` bound to the window.
pub(super) const SPAN_SQL: &str = "select min(created_at), max(created_at) from feedback_sessions \
    where ($1 is null or created_at >= $1) and ($2 is null or created_at < $2)";

const WINDOW: &str = "($1 is null or created_at >= $1) and ($2 is null or created_at < $2)";
const DONE: &str = "status = 'completed'";

fn key(q: &AnalyticsQuery) -> &'static str {
    match q.group_by {
        GroupBy::Department => "department",
        GroupBy::SessionType => "session_type",
    }
}

fn count_if(condition: &str, alias: &str) -> String {
    format!("sum(case when {DONE} and {condition} then 1 else 0 end) as {alias}")
}

/// Counts and sums per group and period; `$1`/`$2` bound to the window.
pub(super) fn counts_sql(d: Dialect, q: &AnalyticsQuery, span: Span) -> String {
    let columns = [
        count_if("1 = 1", "completed"),
        count_if("recommendation_score >= 9", "promoters"),
        count_if("recommendation_score between 7 and 8", "passives"),
        count_if("recommendation_score <= 6", "detractors"),
        count_if("overall_rating is not null", "rated"),
        format!("coalesce(sum(case when {DONE} then overall_rating end), 0.0) as rating_sum"),
        format!("coalesce(sum(case when {DONE} then completion_rate end), 0.0) as completion_sum"),
        count_if("overall_sentiment = 'positive'", "positive"),
        count_if("overall_sentiment = 'negative'", "negative"),
        count_if("overall_sentiment = 'neutral'", "neutral"),
    ];
    format!(
        "select {} as grp, {} as bucket, count(*) as sessions, {} from feedback_sessions where {WINDOW} \
         group by grp, bucket order by grp, bucket",
        key(q),
        d.period(q, span),
        columns.join(", ")
    )
}

/// Topic mentions in submitted sessions per group and period.
pub(super) fn topics_sql(d: Dialect, q: &AnalyticsQuery, span: Span) -> String {
    format!(
        "select {} as grp, {} as bucket, t.value as topic, count(*) as mentions from feedback_sessions{} \
         where {DONE} and {WINDOW} group by grp, bucket, topic",
        key(q),
        d.period(q, span),
        d.topic_join()
    )
}

#[derive(FromRow)]
pub(super) struct CountRow {
    grp: Option<String>,
    bucket: String,
    sessions: i64,
    completed: i64,
    promoters: i64,
    passives: i64,
    detractors: i64,
    rated: i64,
    rating_sum: f64,
    completion_sum: f64,
    positive: i64,
    negative: i64,
    neutral: i64,
}

#[derive(FromRow)]
pub(super) struct TopicRow {
    grp: Option<String>,
    bucket: String,
    topic: String,
    mentions: i64,
}

fn n(x: i64) -> u64 {
    u64::try_from(x).unwrap_or_default()
}

/// The groups, ordered by key then period, with their topics.
pub(super) fn merge(rows: Vec<CountRow>, topics: Vec<TopicRow>) -> Vec<GroupCounts> {
    let mut groups: BTreeMap<(Option<String>, String), GroupCounts> = BTreeMap::new();
    for r in rows {
        let counts = GroupCounts {
            key: r.grp.clone(),
            period_start: r.bucket.clone(),
            sessions: n(r.sessions),
            completed: n(r.completed),
            promoters: n(r.promoters),
            passives: n(r.passives),
            detractors: n(r.detractors),
            rated: n(r.rated),
            rating_sum: r.rating_sum,
            completion_sum: r.completion_sum,
            positive: n(r.positive),
            negative: n(r.negative),
            neutral: n(r.neutral),
            topics: Vec::new(),
        };
        groups.insert((r.grp, r.bucket), counts);
    }
    for t in topics {
        if let Some(g) = groups.get_mut(&(t.grp, t.bucket)) {
            g.topics.push((t.topic, n(t.mentions)));
        }
    }
    groups.into_values().collect()
}
