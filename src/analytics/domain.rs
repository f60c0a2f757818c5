//! The analytics vocabulary: the metric catalogue (name, type, category, unit, track), the
//! dimensions every event carries (the plan's `dimensions`), the recorded event (one
//! `system_analytics` document) and the roll-up periods.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::gateway::identity::domain::Role;

/// The plan's `metricType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = AnalyticsMetricType)]
pub enum MetricType {
    /// A count of things that happened (value: how many, usually 1).
    Counter,
    /// A level at one instant (stock, queue length).
    Gauge,
    /// A distribution of observed values (tokens, scores).
    Histogram,
    /// A duration in milliseconds.
    Timer,
}

/// The plan's `category`, plus `blood_management` for Track 3 (the plan predates it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AnalyticsCategory)]
pub enum Category {
    /// Who uses the system and how.
    UserEngagement,
    /// Chat messages and the assistant's providers.
    MessageAnalytics,
    /// Feedback sessions and NPS.
    FeedbackAnalytics,
    /// Reminder delivery.
    ReminderPerformance,
    /// Blood units issued and expired.
    BloodManagement,
}

/// The module a metric comes from (dimension `trackOrigin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = AnalyticsTrackOrigin)]
pub enum TrackOrigin {
    /// Feedback and reminders.
    Track1,
    /// Chat.
    Track2,
    /// Blood bank.
    Track3,
}

/// Every metric the tracks record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AnalyticsMetricName)]
pub enum Metric {
    /// A chat message stored (patient's or assistant's; userSegment says whose).
    MessagesSent,
    /// Time a provider took to answer, in ms (department: the provider).
    ProviderLatencyMs,
    /// Tokens a provider answer used (department: the provider).
    ProviderTokens,
    /// A feedback session submitted.
    FeedbackSubmitted,
    /// A recommendation score 0–10 given in a submitted session (the NPS input).
    NpsScore,
    /// A reminder delivery attempt sent.
    RemindersSent,
    /// A reminder delivery confirmed delivered.
    RemindersDelivered,
    /// A reminder acknowledged by its patient.
    RemindersAcknowledged,
    /// A reminder occurrence missed.
    RemindersMissed,
    /// A blood unit issued to a patient.
    BloodUnitsIssued,
    /// A blood unit discarded as expired.
    BloodUnitsExpired,
}

/// A catalogue entry.
#[derive(Debug, Clone, Copy)]
pub struct MetricInfo {
    /// Type.
    pub metric_type: MetricType,
    /// Category.
    pub category: Category,
    /// Module recording it.
    pub track_origin: TrackOrigin,
    /// Unit of `value`.
    pub unit: &'static str,
    /// What one event means.
    pub description: &'static str,
}

impl Metric {
    /// The whole catalogue.
    pub const ALL: [Self; 11] = [
        Self::MessagesSent,
        Self::ProviderLatencyMs,
        Self::ProviderTokens,
        Self::FeedbackSubmitted,
        Self::NpsScore,
        Self::RemindersSent,
        Self::RemindersDelivered,
        Self::RemindersAcknowledged,
        Self::RemindersMissed,
        Self::BloodUnitsIssued,
        Self::BloodUnitsExpired,
    ];

    /// The stored `metricName`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MessagesSent => "messages_sent",
            Self::ProviderLatencyMs => "provider_latency_ms",
            Self::ProviderTokens => "provider_tokens",
            Self::FeedbackSubmitted => "feedback_submitted",
            Self::NpsScore => "nps_score",
            Self::RemindersSent => "reminders_sent",
            Self::RemindersDelivered => "reminders_delivered",
            Self::RemindersAcknowledged => "reminders_acknowledged",
            Self::RemindersMissed => "reminders_missed",
            Self::BloodUnitsIssued => "blood_units_issued",
            Self::BloodUnitsExpired => "blood_units_expired",
        }
    }

    /// Its catalogue entry.
    pub fn info(self) -> MetricInfo {
        use {Category as C, MetricType as M, TrackOrigin as T};
        let (metric_type, category, track_origin, unit, description) = match self {
            Self::MessagesSent => (M::Counter, C::MessageAnalytics, T::Track2, "messages", "chat messages stored"),
            Self::ProviderLatencyMs => (M::Timer, C::MessageAnalytics, T::Track2, "ms", "provider answer time"),
            Self::ProviderTokens => (M::Histogram, C::MessageAnalytics, T::Track2, "tokens", "tokens per answer"),
            Self::FeedbackSubmitted => {
                (M::Counter, C::FeedbackAnalytics, T::Track1, "sessions", "feedback sessions submitted")
            }
            Self::NpsScore => (M::Histogram, C::FeedbackAnalytics, T::Track1, "score", "recommendation scores 0-10"),
            Self::RemindersSent => (M::Counter, C::ReminderPerformance, T::Track1, "deliveries", "reminders sent"),
            Self::RemindersDelivered => {
                (M::Counter, C::ReminderPerformance, T::Track1, "deliveries", "reminders delivered")
            }
            Self::RemindersAcknowledged => {
                (M::Counter, C::ReminderPerformance, T::Track1, "occurrences", "reminders acknowledged")
            }
            Self::RemindersMissed => (M::Counter, C::ReminderPerformance, T::Track1, "occurrences", "reminders missed"),
            Self::BloodUnitsIssued => (M::Counter, C::BloodManagement, T::Track3, "units", "blood units issued"),
            Self::BloodUnitsExpired => (M::Counter, C::BloodManagement, T::Track3, "units", "blood units expired"),
        };
        MetricInfo { metric_type, category, track_origin, unit, description }
    }

    /// The metric with this stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// Part of the day an event happened in, in the clinic's time zone (dimension `timeOfDay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = AnalyticsTimeOfDay)]
pub enum TimeOfDay {
    /// 00:00–05:59.
    Night,
    /// 06:00–11:59.
    Morning,
    /// 12:00–17:59.
    Afternoon,
    /// 18:00–23:59.
    Evening,
}

impl TimeOfDay {
    /// The part of the day `hour` (0–23) falls in.
    pub fn of_hour(hour: u32) -> Self {
        match hour {
            0..=5 => Self::Night,
            6..=11 => Self::Morning,
            12..=17 => Self::Afternoon,
            _ => Self::Evening,
        }
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Night => "night",
            Self::Morning => "morning",
            Self::Afternoon => "afternoon",
            Self::Evening => "evening",
        }
    }
}

/// Day of the week in the clinic's time zone (dimension `dayOfWeek`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = AnalyticsDayOfWeek)]
pub enum DayOfWeek {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl DayOfWeek {
    const ALL: [Self; 7] =
        [Self::Monday, Self::Tuesday, Self::Wednesday, Self::Thursday, Self::Friday, Self::Saturday, Self::Sunday];

    /// From chrono's weekday.
    pub fn of(day: chrono::Weekday) -> Self {
        Self::ALL[day.num_days_from_monday() as usize]
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monday => "monday",
            Self::Tuesday => "tuesday",
            Self::Wednesday => "wednesday",
            Self::Thursday => "thursday",
            Self::Friday => "friday",
            Self::Saturday => "saturday",
            Self::Sunday => "sunday",
        }
    }
}

/// Who caused an event (dimension `userSegment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = AnalyticsUserSegment)]
pub enum UserSegment {
    /// A patient.
    Patient,
    /// A chat user.
    User,
    /// Clinic staff.
    Staff,
    /// Laboratory / blood-bank staff.
    Lab,
    /// An administrator.
    Admin,
    /// The AI assistant (its chat replies).
    Assistant,
    /// The server itself (background jobs).
    System,
}

impl UserSegment {
    /// The segment of a caller's role.
    pub fn of_role(role: Role) -> Self {
        match role {
            Role::Patient => Self::Patient,
            Role::User => Self::User,
            Role::Staff => Self::Staff,
            Role::Lab => Self::Lab,
            Role::Admin => Self::Admin,
        }
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::User => "user",
            Self::Staff => "staff",
            Self::Lab => "lab",
            Self::Admin => "admin",
            Self::Assistant => "assistant",
            Self::System => "system",
        }
    }
}

/// The dimensions a track chooses; `timeOfDay` and `dayOfWeek` are derived from the time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dimensions {
    /// Department, provider or other grouping the metric documents.
    pub department: Option<String>,
    /// Who caused it.
    pub user_segment: Option<UserSegment>,
}

impl Dimensions {
    /// Only a user segment.
    pub fn segment(segment: UserSegment) -> Self {
        Self { department: None, user_segment: Some(segment) }
    }

    /// Adds a department.
    pub fn department(mut self, department: impl Into<String>) -> Self {
        self.department = Some(department.into());
        self
    }
}

/// The plan's `metadata`: whom and what an event is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventContext {
    /// The user concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    /// The feedback session or other session concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<Uuid>,
    /// The conversation concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<Uuid>,
    /// The component that recorded it.
    #[serde(default)]
    pub source: String,
    /// The server version that recorded it.
    #[serde(default)]
    pub version: String,
}

/// One recorded metric event: a raw `system_analytics` document.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricEvent {
    /// `analyticsId` (UUIDv7).
    pub id: Uuid,
    /// What was measured.
    pub metric: Metric,
    /// Its value (counters: the increment).
    pub value: f64,
    /// Department, segment and the derived time dimensions.
    pub dimensions: EventDimensions,
    /// When it happened (milliseconds, UTC).
    pub timestamp: DateTime<Utc>,
    /// Context.
    pub metadata: EventContext,
}

/// Every dimension of a stored event; absent ones are stored as `""` so roll-up keys match
/// on every backend.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventDimensions {
    /// `trackOrigin`.
    pub track_origin: String,
    /// `department`.
    pub department: String,
    /// `userSegment`.
    pub user_segment: String,
    /// `timeOfDay`.
    pub time_of_day: String,
    /// `dayOfWeek`.
    pub day_of_week: String,
}

impl EventDimensions {
    /// The stored dimensions of `metric` recorded at `at` with `dims`, the time ones read in `zone`.
    pub fn derive(metric: Metric, dims: Dimensions, at: DateTime<Utc>, zone: Tz) -> Self {
        let local = at.with_timezone(&zone);
        Self {
            track_origin: track_name(metric.info().track_origin).to_owned(),
            department: dims.department.unwrap_or_default(),
            user_segment: dims.user_segment.map(UserSegment::as_str).unwrap_or_default().to_owned(),
            time_of_day: TimeOfDay::of_hour(local.hour()).as_str().to_owned(),
            day_of_week: DayOfWeek::of(local.weekday()).as_str().to_owned(),
        }
    }
}

/// Stored name of a track.
pub fn track_name(track: TrackOrigin) -> &'static str {
    match track {
        TrackOrigin::Track1 => "track1",
        TrackOrigin::Track2 => "track2",
        TrackOrigin::Track3 => "track3",
    }
}

/// A metric type's stored name.
pub fn type_name(t: MetricType) -> &'static str {
    match t {
        MetricType::Counter => "counter",
        MetricType::Gauge => "gauge",
        MetricType::Histogram => "histogram",
        MetricType::Timer => "timer",
    }
}

/// A category's stored name.
pub fn category_name(c: Category) -> &'static str {
    match c {
        Category::UserEngagement => "user_engagement",
        Category::MessageAnalytics => "message_analytics",
        Category::FeedbackAnalytics => "feedback_analytics",
        Category::ReminderPerformance => "reminder_performance",
        Category::BloodManagement => "blood_management",
    }
}
