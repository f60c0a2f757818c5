//! Request and response bodies of the feedback routes (camelCase JSON). Every `validator` rule
//! is mirrored by the schema constraint beside it, so what the document promises and what the
//! API accepts are the same set.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError, ValidationErrors};

use super::{
    analytics::{AnalyticsGroup, GroupBy, Period},
    domain::{FeedbackSession, ReviewStatus, SessionResponse, SessionStatus},
    feedback::{
        analyzer::{Sentiment, Urgency},
        session::{QuestionnaireTemplate, SessionAnalytics, SessionType, SubmittedAnswer},
    },
};
use crate::gateway::identity::domain::Page;

/// Language codes as the questionnaires use them: `en`, `fr`, `pt-br`.
const LANGUAGE_PATTERN: &str = r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$";

fn language_rule(code: &str) -> Result<(), ValidationError> {
    let (primary, region) = code.split_once('-').map_or((code, None), |(p, r)| (p, Some(r)));
    let ok = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| {
            (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("language").with_message(format!("must match {LANGUAGE_PATTERN}").into()))
    }
}

/// Templates are checked by the domain (`QuestionnaireTemplate::violations`), which lists every
/// violation with its pointer; the extractor only parses them.
impl Validate for QuestionnaireTemplate {
    fn validate(&self) -> Result<(), ValidationErrors> {
        Ok(())
    }
}

/// Filters of the template list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// Only the template a session of this type would use.
    pub session_type: Option<SessionType>,
    /// Department (case-insensitive); department-specific templates win over general ones.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub department: Option<String>,
    /// Only templates with a title in this language.
    #[validate(custom(function = "language_rule"))]
    #[param(pattern = r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")]
    pub language: Option<String>,
}

/// Accessibility features a patient may use while answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessibilityFeature {
    /// A screen reader.
    ScreenReader,
    /// High-contrast display.
    HighContrast,
    /// Enlarged text.
    LargeText,
    /// Spoken answers.
    VoiceInput,
    /// Plain-language wording.
    SimplifiedLanguage,
}

impl AccessibilityFeature {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ScreenReader => "screen_reader",
            Self::HighContrast => "high_contrast",
            Self::LargeText => "large_text",
            Self::VoiceInput => "voice_input",
            Self::SimplifiedLanguage => "simplified_language",
        }
    }
}

/// A patient starts a feedback session.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartSessionRequest {
    /// Kind of questionnaire.
    pub session_type: SessionType,
    /// Department visited (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "cardiology")]
    pub department: Option<String>,
    /// Date of the visit.
    pub visit_date: Option<NaiveDate>,
    /// Kind of visit (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "consultation")]
    pub visit_type: Option<String>,
    /// Conversation the feedback belongs to.
    pub conversation_id: Option<Uuid>,
    /// Language of the answers (default `en`).
    #[validate(custom(function = "language_rule"))]
    #[schema(pattern = r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", example = "fr")]
    pub language: Option<String>,
    /// Accessibility features in use (at most 5).
    #[validate(length(max = 5))]
    #[schema(max_items = 5)]
    pub accessibility_features: Option<Vec<AccessibilityFeature>>,
}

/// One answer.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerItem {
    /// Id of the question in the session's questionnaire.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, example = "overall")]
    pub question_id: String,
    /// Text, rating (integer), choice value or boolean, as the question asks.
    #[schema(example = 4)]
    pub response: Value,
}

/// One answer or many; each is checked against its question and every problem is listed.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerRequest {
    /// 1–50 answers; answering a question again replaces its answer.
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub answers: Vec<AnswerItem>,
}

impl AnswerRequest {
    /// The answers as the domain validates them.
    pub fn submitted(self) -> Vec<SubmittedAnswer> {
        self.answers.into_iter().map(|a| SubmittedAnswer { question_id: a.question_id, response: a.response }).collect()
    }
}

/// A review step by staff.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewRequest {
    /// The next state: `reviewed` after `pending`, `acted_upon` after `reviewed`.
    pub review_status: ReviewStatus,
    /// Staff member in charge of the follow-up (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Nurse Uwase")]
    pub assigned_to: Option<String>,
    /// Notes (1–2000 characters).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, example = "Called the patient; appointment booked.")]
    pub notes: Option<String>,
}

/// Filters of the review queue.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only this department (case-insensitive).
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub department: Option<String>,
    /// Only this review state.
    pub status: Option<ReviewStatus>,
    /// Only sessions whose most urgent answer has this urgency.
    pub urgency: Option<Urgency>,
    /// Submitted at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before this instant.
    pub to: Option<DateTime<Utc>>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// Paging of a patient's own sessions.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MineQuery {
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A feedback session: the plan's `feedback_sessions` record.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// Id.
    pub session_id: Uuid,
    /// The patient.
    pub user_id: Uuid,
    /// Conversation the feedback belongs to.
    pub conversation_id: Option<Uuid>,
    /// Kind of questionnaire.
    pub session_type: SessionType,
    /// Department visited.
    pub department: Option<String>,
    /// Date of the visit.
    pub visit_date: Option<NaiveDate>,
    /// Kind of visit.
    pub visit_type: Option<String>,
    /// The questionnaire being answered (as it was when the session started).
    pub questionnaire: QuestionnaireTemplate,
    /// Overall rating 1–5 (computed).
    pub overall_rating: Option<f64>,
    /// Overall sentiment (computed).
    pub overall_sentiment: Option<Sentiment>,
    /// Sentiment score −1..1 (computed).
    pub sentiment_score: Option<f64>,
    /// Recommendation 0–10 (from the answer to the recommendation question).
    pub recommendation_score: Option<u8>,
    /// Answers with their analyses, in question order.
    pub responses: Vec<SessionResponse>,
    /// Derived from the answers on the server.
    pub analytics: SessionAnalytics,
    /// Highest urgency of the answers.
    pub urgency: Urgency,
    /// Language of the answers.
    pub language: String,
    /// Accessibility features in use.
    pub accessibility_features: Vec<String>,
    /// Patient-side state.
    pub status: SessionStatus,
    /// Staff-side state.
    pub review_status: ReviewStatus,
    /// Staff member in charge of the follow-up.
    pub assigned_to: Option<String>,
    /// Reviewer's notes.
    pub review_notes: Option<String>,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Last reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl From<FeedbackSession> for SessionView {
    fn from(s: FeedbackSession) -> Self {
        let urgency = s.urgency();
        let a = s.assessment;
        Self {
            session_id: s.id.0,
            user_id: s.user_id.0,
            conversation_id: s.conversation_id,
            session_type: s.session_type,
            department: s.department,
            visit_date: s.visit_date,
            visit_type: s.visit_type,
            questionnaire: s.template,
            overall_rating: a.overall_rating,
            overall_sentiment: a.overall_sentiment,
            sentiment_score: a.sentiment_score,
            recommendation_score: a.recommendation_score,
            responses: s.responses,
            analytics: a.analytics,
            urgency,
            language: s.language,
            accessibility_features: s.accessibility_features,
            status: s.status,
            review_status: s.review.status,
            assigned_to: s.review.assigned_to,
            review_notes: s.review.notes,
            created_at: s.created_at,
            updated_at: s.updated_at,
            submitted_at: s.submitted_at,
            reviewed_at: s.review.reviewed_at,
        }
    }
}

/// A page of sessions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionPage {
    /// The sessions of this page.
    pub items: Vec<SessionView>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Sessions matching the filters across all pages.
    pub total: u64,
}

impl SessionPage {
    /// The page's sessions as views.
    pub fn of(page: Page<FeedbackSession>, number: u32, per_page: u32) -> Self {
        Self { items: page.items.into_iter().map(Into::into).collect(), page: number, per_page, total: page.total }
    }
}

/// What the analytics aggregate.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsParams {
    /// Grouping (default `department`).
    pub group_by: Option<GroupBy>,
    /// Period length, in UTC (default `month`).
    pub period: Option<Period>,
    /// Sessions started at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Sessions started before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// Feedback analytics per group and period.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsReport {
    /// Grouping used.
    pub group_by: GroupBy,
    /// Period length used.
    pub period: Period,
    /// The IANA time zone whose calendar the periods follow (the clinic's).
    #[schema(example = "Europe/Paris")]
    pub time_zone: String,
    /// One entry per group and period, by key then period.
    pub groups: Vec<AnalyticsGroup>,
}
