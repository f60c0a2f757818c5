//! Documents of Track 1's MongoDB collections and the pure filter, sort and update builders.

use bson::{doc, Bson, DateTime as BsonDate, Document, Uuid as BsonUuid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    gateway::identity::domain::UserId,
    storage::{mongo::regex_escape, StorageError, StoreResult},
    tracks::track1::{
        domain::{
            parse_sentiment, urgency_name, FeedbackSession, QueueFilter, Review, ReviewStatus, SessionId,
            SessionResponse, SessionStatus, StaffNotification,
        },
        feedback::session::{QuestionnaireTemplate, SessionAnalytics, SessionAssessment, SessionType},
    },
};

/// A `feedback_sessions` document (the plan's fields, camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SessionDoc {
    pub session_id: BsonUuid,
    pub user_id: BsonUuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<BsonUuid>,
    pub session_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_type: Option<String>,
    pub questionnaire: Document,
    pub language: String,
    #[serde(default)]
    pub accessibility_features: Vec<String>,
    #[serde(flatten)]
    pub state: StateDoc,
    pub review_status: String,
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(default)]
    pub review_notes: Option<String>,
    #[serde(default)]
    pub reviewed_at: Option<BsonDate>,
    pub created_at: BsonDate,
}

/// The fields answering and submitting change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StateDoc {
    pub responses: Vec<Document>,
    #[serde(default)]
    pub overall_rating: Option<f64>,
    #[serde(default)]
    pub overall_sentiment: Option<String>,
    #[serde(default)]
    pub sentiment_score: Option<f64>,
    #[serde(default)]
    pub recommendation_score: Option<i32>,
    pub analytics: Document,
    pub urgency: String,
    pub status: String,
    pub updated_at: BsonDate,
    #[serde(default)]
    pub submitted_at: Option<BsonDate>,
    pub version: i64,
}

impl StateDoc {
    fn of(s: &FeedbackSession) -> StoreResult<Self> {
        let a = &s.assessment;
        Ok(Self {
            responses: s.responses.iter().map(bson::to_document).collect::<Result<_, _>>()?,
            overall_rating: a.overall_rating,
            overall_sentiment: a.overall_sentiment.map(|x| x.as_str().to_owned()),
            sentiment_score: a.sentiment_score,
            recommendation_score: a.recommendation_score.map(i32::from),
            analytics: bson::to_document(&a.analytics)?,
            urgency: urgency_name(s.urgency()).to_owned(),
            status: s.status.as_str().to_owned(),
            updated_at: BsonDate::from_chrono(s.updated_at),
            submitted_at: s.submitted_at.map(BsonDate::from_chrono),
            version: s.version,
        })
    }
}

impl SessionDoc {
    pub fn of(s: &FeedbackSession) -> StoreResult<Self> {
        Ok(Self {
            session_id: BsonUuid::from(s.id.0),
            user_id: BsonUuid::from(s.user_id.0),
            conversation_id: s.conversation_id.map(BsonUuid::from),
            session_type: s.session_type.as_str().to_owned(),
            department: s.department.clone(),
            visit_date: s.visit_date.map(|d| d.format("%Y-%m-%d").to_string()),
            visit_type: s.visit_type.clone(),
            questionnaire: bson::to_document(&s.template)?,
            language: s.language.clone(),
            accessibility_features: s.accessibility_features.clone(),
            state: StateDoc::of(s)?,
            review_status: s.review.status.as_str().to_owned(),
            assigned_to: s.review.assigned_to.clone(),
            review_notes: s.review.notes.clone(),
            reviewed_at: s.review.reviewed_at.map(BsonDate::from_chrono),
            created_at: BsonDate::from_chrono(s.created_at),
        })
    }
}

impl TryFrom<SessionDoc> for FeedbackSession {
    type Error = StorageError;

    fn try_from(d: SessionDoc) -> StoreResult<Self> {
        let id = d.session_id;
        let corrupt =
            |what: &str, value: &str| StorageError::Corrupt(format!("feedback session {id}: {what} `{value}`"));
        let st = d.state;
        let overall_sentiment = match &st.overall_sentiment {
            Some(s) => Some(parse_sentiment(s).ok_or_else(|| corrupt("overallSentiment", s))?),
            None => None,
        };
        let visit_date = match &d.visit_date {
            Some(v) => Some(NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| corrupt("visitDate", v))?),
            None => None,
        };
        let responses: Vec<SessionResponse> =
            st.responses.into_iter().map(bson::from_document).collect::<Result<_, _>>()?;
        let analytics: SessionAnalytics = bson::from_document(st.analytics)?;
        let template: QuestionnaireTemplate = bson::from_document(d.questionnaire)?;
        Ok(Self {
            id: SessionId(id.into()),
            user_id: UserId(d.user_id.into()),
            conversation_id: d.conversation_id.map(Into::into),
            session_type: SessionType::parse(&d.session_type).ok_or_else(|| corrupt("sessionType", &d.session_type))?,
            department: d.department,
            visit_date,
            visit_type: d.visit_type,
            template,
            language: d.language,
            accessibility_features: d.accessibility_features,
            responses,
            assessment: SessionAssessment {
                overall_rating: st.overall_rating,
                recommendation_score: st.recommendation_score.and_then(|n| u8::try_from(n).ok()),
                overall_sentiment,
                sentiment_score: st.sentiment_score,
                analytics,
            },
            status: SessionStatus::parse(&st.status).ok_or_else(|| corrupt("status", &st.status))?,
            review: Review {
                status: ReviewStatus::parse(&d.review_status)
                    .ok_or_else(|| corrupt("reviewStatus", &d.review_status))?,
                assigned_to: d.assigned_to,
                notes: d.review_notes,
                reviewed_at: d.reviewed_at.map(BsonDate::to_chrono),
            },
            version: st.version,
            created_at: d.created_at.to_chrono(),
            updated_at: st.updated_at.to_chrono(),
            submitted_at: st.submitted_at.map(BsonDate::to_chrono),
        })
    }
}

/// A staff notification, embedded in its session's `staffNotifications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NoticeDoc {
    pub notification_id: BsonUuid,
    pub kind: String,
    pub session_id: BsonUuid,
    pub level: i32,
    pub created_at: BsonDate,
    pub consumed_at: Option<BsonDate>,
}

impl From<&StaffNotification> for NoticeDoc {
    fn from(n: &StaffNotification) -> Self {
        Self {
            notification_id: n.id.into(),
            kind: n.kind.clone(),
            session_id: n.session_id.0.into(),
            level: i32::from(n.level),
            created_at: BsonDate::from_chrono(n.created_at),
            consumed_at: n.consumed_at.map(BsonDate::from_chrono),
        }
    }
}

impl From<NoticeDoc> for StaffNotification {
    fn from(d: NoticeDoc) -> Self {
        Self {
            id: d.notification_id.into(),
            kind: d.kind,
            session_id: SessionId(d.session_id.into()),
            level: u8::try_from(d.level).unwrap_or(u8::MAX),
            created_at: d.created_at.to_chrono(),
            consumed_at: d.consumed_at.map(BsonDate::to_chrono),
        }
    }
}

/// Selects one session.
pub(super) fn by_id(id: SessionId) -> Document {
    doc! { "sessionId": BsonUuid::from(id.0) }
}

/// Selects one session if it is still in progress at the version `s` was read at.
pub(super) fn in_progress(s: &FeedbackSession) -> Document {
    doc! {
        "sessionId": BsonUuid::from(s.id.0),
        "status": SessionStatus::InProgress.as_str(),
        "version": s.version - 1,
    }
}

/// Sets the answer-and-submit fields.
pub(super) fn state_update(s: &FeedbackSession) -> StoreResult<Document> {
    Ok(doc! { "$set": bson::to_document(&StateDoc::of(s)?)? })
}

/// Submits: the answer-and-submit fields and, in the same single-document (atomic) update, the
/// staff notification the submit raises.
pub(super) fn submit_update(s: &FeedbackSession, notice: Option<&StaffNotification>) -> StoreResult<Document> {
    let mut update = state_update(s)?;
    if let Some(n) = notice {
        update.insert("$push", doc! { "staffNotifications": bson::to_bson(&NoticeDoc::from(n))? });
    }
    Ok(update)
}

/// Selects one session if its review status is still `from`.
pub(super) fn in_review_status(id: SessionId, from: ReviewStatus) -> Document {
    doc! { "sessionId": BsonUuid::from(id.0), "reviewStatus": from.as_str() }
}

/// Sets the review fields.
pub(super) fn review_update(s: &FeedbackSession) -> Document {
    let opt = |v: &Option<String>| v.clone().map_or(Bson::Null, Bson::String);
    doc! { "$set": {
        "reviewStatus": s.review.status.as_str(),
        "assignedTo": opt(&s.review.assigned_to),
        "reviewNotes": opt(&s.review.notes),
        "reviewedAt": s.review.reviewed_at.map_or(Bson::Null, |t| Bson::DateTime(BsonDate::from_chrono(t))),
        "updatedAt": BsonDate::from_chrono(s.updated_at),
    } }
}

/// The review queue's filter: submitted sessions matching every given criterion.
pub(super) fn queue_filter(f: &QueueFilter) -> Document {
    let mut filter = doc! { "status": SessionStatus::Completed.as_str() };
    if let Some(d) = &f.department {
        filter.insert("department", doc! { "$regex": format!("^{}$", regex_escape(d)), "$options": "i" });
    }
    if let Some(r) = f.review_status {
        filter.insert("reviewStatus", r.as_str());
    }
    if let Some(u) = f.urgency {
        filter.insert("urgency", urgency_name(u));
    }
    let mut submitted = Document::new();
    if let Some(from) = f.from {
        submitted.insert("$gte", BsonDate::from_chrono(from));
    }
    if let Some(to) = f.to {
        submitted.insert("$lt", BsonDate::from_chrono(to));
    }
    if !submitted.is_empty() {
        filter.insert("submittedAt", submitted);
    }
    filter
}

/// The review queue's order: most escalated, then oldest submitted, then id.
pub(super) fn queue_sort() -> Document {
    doc! { "analytics.escalationLevel": -1, "submittedAt": 1, "sessionId": 1 }
}

/// A `questionnaire_templates` document: the template itself plus its id and kind at the top.
pub(super) fn template_doc(t: &QuestionnaireTemplate, now: chrono::DateTime<chrono::Utc>) -> StoreResult<Document> {
    Ok(doc! {
        "templateId": &t.id,
        "sessionType": t.session_type.as_str(),
        "department": t.department.clone().map_or(Bson::Null, Bson::String),
        "template": bson::to_document(t)?,
        "updatedAt": BsonDate::from_chrono(now),
    })
}

/// The template of a `questionnaire_templates` document.
pub(super) fn template_of(d: Document) -> StoreResult<QuestionnaireTemplate> {
    let inner =
        d.get_document("template").map_err(|e| StorageError::Corrupt(format!("questionnaire template: {e}")))?;
    Ok(bson::from_document(inner.clone())?)
}

#[cfg(test)]
#[path = "docs_tests.rs"]
mod tests;
