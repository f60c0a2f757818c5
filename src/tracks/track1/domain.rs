//! A feedback session as stored: the plan's `feedback_sessions` record, built on the pure
//! domain of [`super::feedback`]. The session keeps a snapshot of the questionnaire it was
//! started with, so later edits of a template never change how its answers are validated or
//! assessed; its assessment (ratings, sentiment, `analytics`) is recomputed from the answers
//! on every change and never taken from the client.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::feedback::{
    analyzer::{FeedbackAnalysis, Sentiment, Urgency},
    session::{
        assess, missing_required, Answer, AnswerValue, QuestionnaireTemplate, ResponseType, SessionAssessment,
        SessionType, Violation,
    },
};
use crate::gateway::identity::domain::UserId;

/// Escalation level from which a submit raises a staff notification.
pub const NOTIFY_FROM_LEVEL: u8 = 2;
/// `kind` of the notification raised by an escalated feedback session.
pub const ESCALATION_KIND: &str = "feedback_escalation";

/// Id of a feedback session (UUIDv7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(pub Uuid);

impl SessionId {
    /// A new time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

/// Where the patient is with the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Started, answers may still change.
    InProgress,
    /// Submitted.
    Completed,
    /// Left unfinished.
    Abandoned,
}

/// Where staff are with a submitted session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Not looked at yet.
    Pending,
    /// Read by staff.
    Reviewed,
    /// Followed up.
    ActedUpon,
}

macro_rules! names {
    ($ty:ty, $($variant:ident = $name:literal),+) => {
        impl $ty {
            /// The stored and serialized name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
            /// The value of a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($name => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}
names!(SessionStatus, InProgress = "in_progress", Completed = "completed", Abandoned = "abandoned");
names!(ReviewStatus, Pending = "pending", Reviewed = "reviewed", ActedUpon = "acted_upon");

impl ReviewStatus {
    /// The review workflow: pending → reviewed → acted_upon, one step at a time.
    pub fn can_become(self, next: Self) -> bool {
        matches!((self, next), (Self::Pending, Self::Reviewed) | (Self::Reviewed, Self::ActedUpon))
    }
}

/// Parses a stored urgency name.
pub fn parse_urgency(text: &str) -> Option<Urgency> {
    match text {
        "low" => Some(Urgency::Low),
        "medium" => Some(Urgency::Medium),
        "high" => Some(Urgency::High),
        _ => None,
    }
}

/// The name of an urgency.
pub fn urgency_name(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Low => "low",
        Urgency::Medium => "medium",
        Urgency::High => "high",
    }
}

/// Parses a stored sentiment name.
pub fn parse_sentiment(text: &str) -> Option<Sentiment> {
    [Sentiment::Positive, Sentiment::Negative, Sentiment::Neutral].into_iter().find(|s| s.as_str() == text)
}

/// One answer as stored: the plan's `responses[]` entry, with the full analysis of text answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// The question's id in the session's questionnaire.
    pub question_id: String,
    /// The question as shown, in the session's language.
    pub question: String,
    /// How it is answered.
    pub response_type: ResponseType,
    /// The answer: text, rating, choice value or boolean.
    pub response: Value,
    /// The rating given, or the one estimated from a text answer.
    pub rating: Option<u8>,
    /// Sentiment of a text answer.
    pub sentiment: Option<Sentiment>,
    /// Topics of a text answer.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Urgency of a text answer.
    pub urgency: Option<Urgency>,
    /// When it was (last) answered.
    pub answered_at: DateTime<Utc>,
    /// The analyzer's full result for a text answer.
    pub analysis: Option<FeedbackAnalysis>,
}

impl SessionResponse {
    /// A validated answer with its analysis (text answers only).
    pub fn new(
        template: &QuestionnaireTemplate,
        language: &str,
        question_id: String,
        value: &AnswerValue,
        analysis: Option<FeedbackAnalysis>,
        now: DateTime<Utc>,
    ) -> Self {
        let question = template.question(&question_id);
        let prompt = question.and_then(|q| q.prompt(language, &template.default_language)).unwrap_or_default();
        let rating = match value {
            AnswerValue::Rating(n) => Some(*n),
            _ => analysis.as_ref().map(|a| a.rating),
        };
        Self {
            question: prompt.to_owned(),
            response_type: question.map_or(ResponseType::Text, |q| q.response_type),
            response: value.to_json(),
            rating,
            sentiment: analysis.as_ref().map(|a| a.sentiment),
            topics: analysis.as_ref().map(|a| a.topics.clone()).unwrap_or_default(),
            urgency: analysis.as_ref().map(|a| a.urgency),
            answered_at: now,
            analysis,
            question_id,
        }
    }

    /// The answer as the domain's assessment reads it.
    pub fn to_answer(&self) -> Option<Answer> {
        let value = match self.response_type {
            ResponseType::Text => AnswerValue::Text(self.response.as_str()?.to_owned()),
            ResponseType::Choice => AnswerValue::Choice(self.response.as_str()?.to_owned()),
            ResponseType::Rating => AnswerValue::Rating(u8::try_from(self.response.as_u64()?).ok()?),
            ResponseType::Boolean => AnswerValue::Boolean(self.response.as_bool()?),
        };
        Some(Answer {
            question_id: self.question_id.clone(),
            value,
            answered_at: self.answered_at,
            analysis: self.analysis.clone(),
        })
    }
}

/// Staff follow-up of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// Workflow state.
    pub status: ReviewStatus,
    /// Staff member in charge of the follow-up.
    pub assigned_to: Option<String>,
    /// Reviewer's notes.
    pub notes: Option<String>,
    /// When it was last reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// What a patient gives to start a session.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The patient.
    pub user_id: UserId,
    /// Kind of questionnaire.
    pub session_type: SessionType,
    /// Department visited.
    pub department: Option<String>,
    /// Conversation the session is tied to.
    pub conversation_id: Option<Uuid>,
    /// Date of the visit.
    pub visit_date: Option<NaiveDate>,
    /// Kind of visit.
    pub visit_type: Option<String>,
    /// Language of the answers.
    pub language: String,
    /// Accessibility features in use.
    pub accessibility_features: Vec<String>,
}

/// A feedback session.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackSession {
    /// Id.
    pub id: SessionId,
    /// The patient.
    pub user_id: UserId,
    /// Conversation the session is tied to.
    pub conversation_id: Option<Uuid>,
    /// Kind of questionnaire.
    pub session_type: SessionType,
    /// Department visited.
    pub department: Option<String>,
    /// Date of the visit.
    pub visit_date: Option<NaiveDate>,
    /// Kind of visit.
    pub visit_type: Option<String>,
    /// The questionnaire, as it was when the session started.
    pub template: QuestionnaireTemplate,
    /// Language of the answers.
    pub language: String,
    /// Accessibility features in use.
    pub accessibility_features: Vec<String>,
    /// Answers, in question order.
    pub responses: Vec<SessionResponse>,
    /// Derived from the answers (provisional until submitted).
    pub assessment: SessionAssessment,
    /// Patient-side state.
    pub status: SessionStatus,
    /// Staff-side state.
    pub review: Review,
    /// Bumped by every change of the answers or status; saves are conditional on it, so of two
    /// concurrent changes one wins and the other is told to read again.
    pub version: i64,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
}

impl FeedbackSession {
    /// A session started now on `template`.
    pub fn start(new: NewSession, template: QuestionnaireTemplate, now: DateTime<Utc>) -> Self {
        let assessment = assess(&template, &[], now, None);
        Self {
            id: SessionId::generate(),
            user_id: new.user_id,
            conversation_id: new.conversation_id,
            session_type: new.session_type,
            department: new.department,
            visit_date: new.visit_date,
            visit_type: new.visit_type,
            template,
            language: new.language,
            accessibility_features: new.accessibility_features,
            responses: Vec::new(),
            assessment,
            status: SessionStatus::InProgress,
            review: Review { status: ReviewStatus::Pending, assigned_to: None, notes: None, reviewed_at: None },
            version: 0,
            created_at: now,
            updated_at: now,
            submitted_at: None,
        }
    }

    /// The answers as the domain reads them.
    pub fn answers(&self) -> Vec<Answer> {
        self.responses.iter().filter_map(SessionResponse::to_answer).collect()
    }

    /// Adds or replaces answers, keeps them in question order and reassesses.
    pub fn record(&mut self, responses: Vec<SessionResponse>, now: DateTime<Utc>) {
        for response in responses {
            self.responses.retain(|r| r.question_id != response.question_id);
            self.responses.push(response);
        }
        let position = |id: &str| self.template.questions.iter().position(|q| q.id == id);
        let mut ordered = std::mem::take(&mut self.responses);
        ordered.sort_by_key(|r| position(&r.question_id));
        self.responses = ordered;
        self.updated_at = now;
        self.version += 1;
        self.assessment = assess(&self.template, &self.answers(), self.created_at, None);
    }

    /// Completes the session; every unanswered required question is listed.
    pub fn submit(&mut self, now: DateTime<Utc>) -> Result<(), Vec<Violation>> {
        let missing = missing_required(&self.template, self.responses.iter().map(|r| r.question_id.as_str()));
        if !missing.is_empty() {
            return Err(missing);
        }
        self.assessment = assess(&self.template, &self.answers(), self.created_at, Some(now));
        self.status = SessionStatus::Completed;
        self.submitted_at = Some(now);
        self.updated_at = now;
        self.version += 1;
        Ok(())
    }

    /// Moves the review on one step; `Err` with the current state when the step is illegal.
    pub fn review(
        &mut self,
        to: ReviewStatus,
        assigned_to: Option<String>,
        notes: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<(), ReviewStatus> {
        if self.status != SessionStatus::Completed || !self.review.status.can_become(to) {
            return Err(self.review.status);
        }
        self.review.status = to;
        self.review.assigned_to = assigned_to.or(self.review.assigned_to.take());
        self.review.notes = notes.or(self.review.notes.take());
        self.review.reviewed_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// The highest urgency of its answers (low without text answers).
    pub fn urgency(&self) -> Urgency {
        self.responses.iter().filter_map(|r| r.urgency).max().unwrap_or(Urgency::Low)
    }

    /// Escalation level of the current assessment.
    pub fn escalation_level(&self) -> u8 {
        self.assessment.analytics.escalation_level
    }

    /// The notification a submit raises, for escalation level 2 and above.
    pub fn escalation_notice(&self, now: DateTime<Utc>) -> Option<StaffNotification> {
        (self.escalation_level() >= NOTIFY_FROM_LEVEL).then(|| StaffNotification {
            id: Uuid::now_v7(),
            kind: ESCALATION_KIND.to_owned(),
            session_id: self.id,
            level: self.escalation_level(),
            created_at: now,
            consumed_at: None,
        })
    }
}

/// A record for staff, consumed later by the reminders and notification work.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffNotification {
    /// Id.
    pub id: Uuid,
    /// What happened (`feedback_escalation`).
    pub kind: String,
    /// The session concerned.
    pub session_id: SessionId,
    /// Escalation level.
    pub level: u8,
    /// Raised.
    pub created_at: DateTime<Utc>,
    /// Consumed by the notification work (`None` until then).
    pub consumed_at: Option<DateTime<Utc>>,
}

/// Filters of the staff review queue (submitted sessions only).
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only this department.
    pub department: Option<String>,
    /// Only this review state.
    pub review_status: Option<ReviewStatus>,
    /// Only this urgency (highest of the answers).
    pub urgency: Option<Urgency>,
    /// Submitted at or after.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub to: Option<DateTime<Utc>>,
}

#[cfg(test)]
#[path = "domain_tests.rs"]
mod tests;
