//! The analytics statements of `sql.rs`: one `group by` over the sessions and one over the
//! topics of their answers. Only the period and JSON-unnesting expressions differ by dialect.

use std::collections::BTreeMap;

use sqlx::FromRow;

use crate::tracks::track1::analytics::{AnalyticsQuery, GroupBy, GroupCounts, Period};

/// The dialect-specific expressions.
pub(super) struct Dialect {
    /// First day of the UTC day, ISO week and month of `created_at`, as `YYYY-MM-DD`.
    day: &'static str,
    week: &'static str,
    month: &'static str,
    /// Joins every topic of every answer as `t.value`.
    topic_join: &'static str,
}

/// SQLite: `created_at` is RFC 3339 TEXT in UTC.
#[cfg(feature = "sqlite")]
pub(super) const SQLITE: Dialect = Dialect {
    day: "substr(created_at, 1, 10)",
    week: "date(substr(created_at, 1, 10), 'weekday 0', '-6 days')",
    month: "substr(created_at, 1, 7) || '-01'",
    topic_join: ", json_each(responses) r, json_each(r.value, '$.topics') t",
};

/// PostgreSQL: `created_at` is `timestamptz`, read in UTC.
#[cfg(feature = "postgres")]
pub(super) const POSTGRES: Dialect = Dialect {
    day: "to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')",
    week: "to_char(date_trunc('week', created_at at time zone 'UTC'), 'YYYY-MM-DD')",
    month: "to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM-DD')",
    topic_join: " cross join lateral jsonb_array_elements(responses) r(value) \
        cross join lateral jsonb_array_elements_text(r.value -> 'topics') t(value)",
};

const WINDOW: &str = "($1 is null or created_at >= $1) and ($2 is null or created_at < $2)";
const DONE: &str = "status = 'completed'";

fn key(q: &AnalyticsQuery) -> &'static str {
    match q.group_by {
        GroupBy::Department => "department",
        GroupBy::SessionType => "session_type",
    }
}

fn period<'a>(d: &'a Dialect, q: &AnalyticsQuery) -> &'a str {
    match q.period {
        Period::Day => d.day,
        Period::Week => d.week,
        Period::Month => d.month,
    }
}

fn count_if(condition: &str, alias: &str) -> String {
    format!("sum(case when {DONE} and {condition} then 1 else 0 end) as {alias}")
}

/// Counts and sums per group and period; `$1`/`$2` bound to the window.
pub(super) fn counts_sql(d: &Dialect, q: &AnalyticsQuery) -> String {
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
        period(d, q),
        columns.join(", ")
    )
}

/// Topic mentions in submitted sessions per group and period.
pub(super) fn topics_sql(d: &Dialect, q: &AnalyticsQuery) -> String {
    format!(
        "select {} as grp, {} as bucket, t.value as topic, count(*) as mentions from feedback_sessions{} \
         where {DONE} and {WINDOW} group by grp, bucket, topic",
        key(q),
        period(d, q),
        d.topic_join
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
