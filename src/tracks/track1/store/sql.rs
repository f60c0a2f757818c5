//! Track 1 stores on SQLite and PostgreSQL: one implementation written in the SQL both
//! dialects share, instantiated per pool type by `impl_track1_stores!`.
//!
//! Encodings: UUIDs are native `uuid` on PostgreSQL and 16-byte BLOBs on SQLite; timestamps
//! `timestamptz` and RFC 3339 TEXT (UTC, so TEXT sorts in time order); `visit_date` `date` and
//! `YYYY-MM-DD` TEXT; the questionnaire snapshot, answers, analytics and accessibility features
//! `jsonb` and JSON TEXT; enums as their snake_case names.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{types::Json, FromRow, Pool};
use uuid::Uuid;

use super::{SessionStore, TemplateStore, Track1Stores};
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{pick::BuildOn, StorageError, StoreResult},
    tracks::track1::{
        analytics::{AnalyticsQuery, GroupCounts},
        domain::{
            parse_sentiment, urgency_name, FeedbackSession, QueueFilter, Review, ReviewStatus, SessionId,
            SessionResponse, SessionStatus, StaffNotification,
        },
        feedback::session::{QuestionnaireTemplate, SessionAnalytics, SessionAssessment, SessionType},
    },
};

const SESSION_COLUMNS: &str = "session_id, user_id, conversation_id, session_type, department, visit_date, \
    visit_type, template, language, accessibility_features, responses, overall_rating, overall_sentiment, \
    sentiment_score, recommendation_score, analytics, status, review_status, assigned_to, review_notes, \
    version, created_at, updated_at, submitted_at, reviewed_at";
const INSERT_SESSION: &str = "insert into feedback_sessions (session_id, user_id, conversation_id, session_type, \
    department, visit_date, visit_type, template, language, accessibility_features, created_at, review_status, \
    responses, overall_rating, overall_sentiment, sentiment_score, recommendation_score, analytics, \
    escalation_level, urgency, updated_at, status, submitted_at, completion_rate, version) \
    values ($14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, \
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
/// `$1`–`$13` are the state columns bound by `bind_state`, `$14` the version read (the
/// session's version before this change), `$15` the session id.
const SAVE_STATE: &str = "update feedback_sessions set responses = $1, overall_rating = $2, overall_sentiment = $3, \
    sentiment_score = $4, recommendation_score = $5, analytics = $6, escalation_level = $7, urgency = $8, \
    updated_at = $9, status = $10, submitted_at = $11, completion_rate = $12, version = $13 \
    where version = $14 and session_id = $15 and status = 'in_progress'";
const SAVE_REVIEW: &str = "update feedback_sessions set review_status = $2, assigned_to = $3, review_notes = $4, \
    reviewed_at = $5, updated_at = $6 where session_id = $1 and review_status = $7";
const COUNT_SESSION: &str = "select count(*) from feedback_sessions where session_id = $1";
const QUEUE_FILTER: &str = " where status = 'completed' and ($1 is null or lower(department) = lower($1)) \
    and ($2 is null or review_status = $2) and ($3 is null or urgency = $3) \
    and ($4 is null or submitted_at >= $4) and ($5 is null or submitted_at < $5)";
const INSERT_NOTICE: &str = "insert into staff_notifications (notification_id, kind, session_id, level, created_at, \
    consumed_at) values ($1, $2, $3, $4, $5, $6)";
const SELECT_NOTICES: &str = "select notification_id, kind, session_id, level, created_at, consumed_at \
    from staff_notifications where session_id = $1 order by created_at, notification_id";
const INSERT_TEMPLATE: &str = "insert into questionnaire_templates (template_id, session_type, department, template, \
    updated_at) values ($1, $2, $3, $4, $5)";
const SAVE_TEMPLATE: &str = "insert into questionnaire_templates (template_id, session_type, department, template, \
    updated_at) values ($1, $2, $3, $4, $5) on conflict (template_id) do update set \
    session_type = excluded.session_type, department = excluded.department, template = excluded.template, \
    updated_at = excluded.updated_at";

#[derive(FromRow)]
struct SessionRow {
    session_id: Uuid,
    user_id: Uuid,
    conversation_id: Option<Uuid>,
    session_type: String,
    department: Option<String>,
    visit_date: Option<NaiveDate>,
    visit_type: Option<String>,
    template: Json<QuestionnaireTemplate>,
    language: String,
    accessibility_features: Json<Vec<String>>,
    responses: Json<Vec<SessionResponse>>,
    overall_rating: Option<f64>,
    overall_sentiment: Option<String>,
    sentiment_score: Option<f64>,
    recommendation_score: Option<i32>,
    analytics: Json<SessionAnalytics>,
    status: String,
    review_status: String,
    assigned_to: Option<String>,
    review_notes: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    reviewed_at: Option<DateTime<Utc>>,
}

impl TryFrom<SessionRow> for FeedbackSession {
    type Error = StorageError;

    fn try_from(row: SessionRow) -> StoreResult<Self> {
        let id = row.session_id;
        let corrupt =
            |what: &str, value: &str| StorageError::Corrupt(format!("feedback session {id}: {what} `{value}`"));
        let overall_sentiment = match &row.overall_sentiment {
            Some(s) => Some(parse_sentiment(s).ok_or_else(|| corrupt("overall_sentiment", s))?),
            None => None,
        };
        let recommendation_score = match row.recommendation_score {
            Some(n) => Some(u8::try_from(n).map_err(|_| corrupt("recommendation_score", &n.to_string()))?),
            None => None,
        };
        Ok(Self {
            id: SessionId(id),
            user_id: UserId(row.user_id),
            conversation_id: row.conversation_id,
            session_type: SessionType::parse(&row.session_type)
                .ok_or_else(|| corrupt("session_type", &row.session_type))?,
            department: row.department,
            visit_date: row.visit_date,
            visit_type: row.visit_type,
            template: row.template.0,
            language: row.language,
            accessibility_features: row.accessibility_features.0,
            responses: row.responses.0,
            assessment: SessionAssessment {
                overall_rating: row.overall_rating,
                recommendation_score,
                overall_sentiment,
                sentiment_score: row.sentiment_score,
                analytics: row.analytics.0,
            },
            status: SessionStatus::parse(&row.status).ok_or_else(|| corrupt("status", &row.status))?,
            review: Review {
                status: ReviewStatus::parse(&row.review_status)
                    .ok_or_else(|| corrupt("review_status", &row.review_status))?,
                assigned_to: row.assigned_to,
                notes: row.review_notes,
                reviewed_at: row.reviewed_at,
            },
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            submitted_at: row.submitted_at,
        })
    }
}

#[derive(FromRow)]
struct NoticeRow {
    notification_id: Uuid,
    kind: String,
    session_id: Uuid,
    level: i32,
    created_at: DateTime<Utc>,
    consumed_at: Option<DateTime<Utc>>,
}

impl From<NoticeRow> for StaffNotification {
    fn from(row: NoticeRow) -> Self {
        Self {
            id: row.notification_id,
            kind: row.kind,
            session_id: SessionId(row.session_id),
            level: u8::try_from(row.level).unwrap_or(u8::MAX),
            created_at: row.created_at,
            consumed_at: row.consumed_at,
        }
    }
}

/// The state columns of a session, owned for binding.
struct State<'a> {
    responses: Json<&'a Vec<SessionResponse>>,
    overall_rating: Option<f64>,
    overall_sentiment: Option<&'static str>,
    sentiment_score: Option<f64>,
    recommendation_score: Option<i32>,
    analytics: Json<&'a SessionAnalytics>,
    escalation_level: i32,
    urgency: &'static str,
    updated_at: DateTime<Utc>,
    status: &'static str,
    submitted_at: Option<DateTime<Utc>>,
    completion_rate: f64,
    version: i64,
}

impl<'a> State<'a> {
    fn of(s: &'a FeedbackSession) -> Self {
        let a = &s.assessment;
        Self {
            responses: Json(&s.responses),
            overall_rating: a.overall_rating,
            overall_sentiment: a.overall_sentiment.map(|x| x.as_str()),
            sentiment_score: a.sentiment_score,
            recommendation_score: a.recommendation_score.map(i32::from),
            analytics: Json(&a.analytics),
            escalation_level: i32::from(a.analytics.escalation_level),
            urgency: urgency_name(s.urgency()),
            updated_at: s.updated_at,
            status: s.status.as_str(),
            submitted_at: s.submitted_at,
            completion_rate: a.analytics.completion_rate,
            version: s.version,
        }
    }
}

fn limit(page: PageRequest) -> (i64, i64) {
    (i64::from(page.per_page), i64::try_from(page.offset()).unwrap_or(i64::MAX))
}

fn total(count: i64) -> u64 {
    u64::try_from(count).unwrap_or_default()
}

fn rows_to_page(rows: Vec<SessionRow>, count: i64) -> StoreResult<Page<FeedbackSession>> {
    let items = rows.into_iter().map(FeedbackSession::try_from).collect::<StoreResult<_>>()?;
    Ok(Page { items, total: total(count) })
}

/// One store value implements both Track 1 traits over a pool.
pub(super) struct SqlFeedback<DB: sqlx::Database> {
    pool: Pool<DB>,
}

impl<DB: sqlx::Database> BuildOn<Pool<DB>> for Track1Stores
where
    SqlFeedback<DB>: SessionStore + TemplateStore,
{
    fn build_on(pool: &Pool<DB>) -> Self {
        let store = Arc::new(SqlFeedback { pool: pool.clone() });
        Self { sessions: store.clone(), templates: store }
    }
}

#[path = "sql_analytics.rs"]
mod sql_analytics;
#[path = "sql_impl.rs"]
#[macro_use]
mod sql_impl;

use self::sql_analytics::{counts_sql, merge, topics_sql, CountRow, Span, TopicRow, SPAN_SQL};

#[cfg(feature = "sqlite")]
impl_track1_stores!(sqlx::Sqlite, sql_analytics::Dialect::Sqlite);
#[cfg(feature = "postgres")]
impl_track1_stores!(sqlx::Postgres, sql_analytics::Dialect::Postgres);
