//! Feedback analytics per group (department or session type) and period: what the store
//! aggregates ([`GroupCounts`], SQL `group by` or a MongoDB pipeline) and what the API reports
//! ([`AnalyticsGroup`]: NPS, average rating, sentiment distribution, top topics, response and
//! completion rates, thin-sample flag). Sessions count in the period they were started in;
//! periods are calendar days, ISO weeks (from Monday) and months in the clinic's time zone
//! (`[clinic] time_zone`), named by their first day.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::feedback::session::{Nps, THIN_SAMPLE};

/// How many topics a group reports.
pub const TOP_TOPICS: usize = 5;

/// What the sessions are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum GroupBy {
    /// The department visited (sessions without one form their own group).
    Department,
    /// The kind of questionnaire.
    SessionType,
}

/// Length of the periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar day.
    Day,
    /// ISO week, from Monday.
    Week,
    /// Calendar month.
    Month,
}

impl Period {
    /// The unit name MongoDB's `$dateTrunc` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// What to aggregate.
#[derive(Debug, Clone, Copy)]
pub struct AnalyticsQuery {
    /// Grouping.
    pub group_by: GroupBy,
    /// Period length.
    pub period: Period,
    /// Sessions started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Sessions started before.
    pub to: Option<DateTime<Utc>>,
    /// The zone whose calendar the periods follow.
    pub time_zone: Tz,
}

/// One group and period as the store aggregates it (sums, so averages are divided once, the
/// same way, whatever the backend).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupCounts {
    /// Department or session type (`None`: no department).
    pub key: Option<String>,
    /// First day of the period, `YYYY-MM-DD`.
    pub period_start: String,
    /// Sessions started.
    pub sessions: u64,
    /// Sessions submitted.
    pub completed: u64,
    /// Submitted with a recommendation of 9–10.
    pub promoters: u64,
    /// … of 7–8.
    pub passives: u64,
    /// … of 0–6.
    pub detractors: u64,
    /// Submitted with an overall rating.
    pub rated: u64,
    /// Sum of those ratings.
    pub rating_sum: f64,
    /// Sum of the submitted sessions' completion rates (percent).
    pub completion_sum: f64,
    /// Submitted sessions by overall sentiment.
    pub positive: u64,
    /// …
    pub negative: u64,
    /// …
    pub neutral: u64,
    /// Topic mentions in submitted answers, most frequent first (ties by name).
    pub topics: Vec<(String, u64)>,
}

/// Sessions per overall sentiment.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SentimentCounts {
    /// Positive.
    pub positive: u64,
    /// Negative.
    pub negative: u64,
    /// Neutral.
    pub neutral: u64,
}

/// How often a topic came up.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TopicCount {
    /// Topic of the clinic taxonomy.
    pub topic: String,
    /// Answers mentioning it.
    pub count: u64,
}

/// The analytics of one group and period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsGroup {
    /// Department or session type (`null`: no department given).
    pub key: Option<String>,
    /// First day of the period, in the clinic's time zone.
    pub period_start: String,
    /// Sessions started.
    pub sessions: u64,
    /// Sessions submitted.
    pub completed: u64,
    /// Submitted / started, percent.
    pub response_rate: f64,
    /// Mean share of questions answered in submitted sessions, percent.
    pub completion_rate: Option<f64>,
    /// Mean overall rating (1–5) of submitted sessions.
    pub average_rating: Option<f64>,
    /// NPS of submitted sessions with a recommendation.
    pub nps: Nps,
    /// Submitted sessions by overall sentiment.
    pub sentiment: SentimentCounts,
    /// The most mentioned topics.
    pub top_topics: Vec<TopicCount>,
    /// Fewer than 30 submitted sessions: read with care.
    pub thin_sample: bool,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn ratio(part: f64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round2(part / whole as f64))
}

impl From<GroupCounts> for AnalyticsGroup {
    fn from(c: GroupCounts) -> Self {
        let mut topics = c.topics;
        topics.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        topics.truncate(TOP_TOPICS);
        Self {
            response_rate: ratio(c.completed as f64 * 100.0, c.sessions).unwrap_or(0.0),
            completion_rate: ratio(c.completion_sum, c.completed),
            average_rating: ratio(c.rating_sum, c.rated),
            nps: Nps::from_counts(c.promoters, c.passives, c.detractors),
            sentiment: SentimentCounts { positive: c.positive, negative: c.negative, neutral: c.neutral },
            top_topics: topics.into_iter().map(|(topic, count)| TopicCount { topic, count }).collect(),
            thin_sample: c.completed < THIN_SAMPLE,
            key: c.key,
            period_start: c.period_start,
            sessions: c.sessions,
            completed: c.completed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_derive_rates_and_nps_from_sums() {
        let counts = GroupCounts {
            key: Some("cardiology".into()),
            period_start: "2026-11-02".into(),
            sessions: 4,
            completed: 3,
            promoters: 2,
            detractors: 1,
            rated: 3,
            rating_sum: 11.0,
            completion_sum: 250.0,
            positive: 2,
            negative: 1,
            topics: vec![("billing".into(), 1), ("waiting_time".into(), 3), ("cleanliness".into(), 1)],
            ..GroupCounts::default()
        };
        let g = AnalyticsGroup::from(counts);
        assert_eq!(g.response_rate, 75.0);
        assert_eq!(g.completion_rate, Some(83.33));
        assert_eq!(g.average_rating, Some(3.67));
        assert_eq!(g.nps.score, Some(33.3));
        assert!(g.thin_sample);
        let topics: Vec<&str> = g.top_topics.iter().map(|t| t.topic.as_str()).collect();
        assert_eq!(topics, ["waiting_time", "billing", "cleanliness"]);
    }

    #[test]
    fn empty_groups_have_no_averages() {
        let g = AnalyticsGroup::from(GroupCounts { sessions: 2, ..GroupCounts::default() });
        assert_eq!((g.response_rate, g.completion_rate, g.average_rating, g.nps.score), (0.0, None, None, None));
    }
}
