//! Track 1 stores on MongoDB: `feedback_sessions` (the plan's collection, one document per
//! session, camelCase, with `responses`, `analytics` and the `staffNotifications` a submit
//! raises embedded) and `questionnaire_templates`.
//!
//! Encodings: UUIDs are BSON binary subtype 4; timestamps BSON dates (milliseconds, hence
//! `storage::now()`), except `responses[].answeredAt`, kept as the RFC 3339 string of the
//! answer's serde form; `visitDate` is `YYYY-MM-DD`. Multi-document transactions need a replica
//! set, so the notification lives in the session document: a submit is one conditional update
//! (atomic on any deployment) that sets the submitted state and pushes the notification.

mod docs;
mod pipelines;

use std::sync::Arc;

use async_trait::async_trait;
use bson::{doc, Document};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::{options::ReplaceOptions, Collection, Database};

use self::docs::{
    by_id, in_progress, in_review_status, queue_filter, queue_sort, review_update, state_update, submit_update,
    template_doc, template_of, NoticeDoc, SessionDoc,
};
use super::{SessionStore, TemplateStore, Track1Stores};
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{
        mongo::{find_page, index},
        pick::BuildOn,
        StorageError, StoreResult,
    },
    tracks::track1::{
        analytics::{AnalyticsQuery, GroupCounts},
        domain::{FeedbackSession, QueueFilter, ReviewStatus, SessionId, StaffNotification},
        feedback::session::QuestionnaireTemplate,
    },
};

struct MongoFeedback {
    sessions: Collection<SessionDoc>,
    templates: Collection<Document>,
}

impl BuildOn<Database> for Track1Stores {
    /// The MongoDB Track 1 stores on `db`.
    fn build_on(db: &Database) -> Self {
        let store = Arc::new(MongoFeedback {
            sessions: db.collection("feedback_sessions"),
            templates: db.collection("questionnaire_templates"),
        });
        Self { sessions: store.clone(), templates: store }
    }

    /// Creates Track 1's indexes (idempotent), among them the review queue's.
    async fn ensure_indexes(db: &Database) -> StoreResult<()> {
        db.collection::<Document>("feedback_sessions")
            .create_indexes([
                index("feedback_sessions_session_id_unique", doc! { "sessionId": 1 }, true),
                index("feedback_sessions_user_created", doc! { "userId": 1, "createdAt": -1 }, false),
                index(
                    "feedback_sessions_queue",
                    doc! { "status": 1, "reviewStatus": 1, "analytics.escalationLevel": -1, "submittedAt": 1 },
                    false,
                ),
                index("feedback_sessions_department_submitted", doc! { "department": 1, "submittedAt": 1 }, false),
            ])
            .await?;
        db.collection::<Document>("questionnaire_templates")
            .create_indexes([index("questionnaire_templates_id_unique", doc! { "templateId": 1 }, true)])
            .await?;
        Ok(())
    }
}

impl MongoFeedback {
    async fn missed(&self, id: SessionId, what: &str) -> StorageError {
        match self.sessions.count_documents(by_id(id)).await {
            Ok(0) => StorageError::NotFound,
            Ok(_) => StorageError::Conflict(format!("feedback session {}: {what}", id.0)),
            Err(e) => e.into(),
        }
    }

    async fn page(&self, filter: Document, sort: Document, page: PageRequest) -> StoreResult<Page<FeedbackSession>> {
        find_page(&self.sessions, filter, sort, page).await?.try_map(FeedbackSession::try_from)
    }
}

#[async_trait]
impl SessionStore for MongoFeedback {
    async fn insert(&self, session: &FeedbackSession) -> StoreResult<()> {
        self.sessions.insert_one(SessionDoc::of(session)?).await?;
        Ok(())
    }

    async fn find(&self, id: SessionId) -> StoreResult<Option<FeedbackSession>> {
        self.sessions.find_one(by_id(id)).await?.map(FeedbackSession::try_from).transpose()
    }

    async fn save_progress(&self, session: &FeedbackSession) -> StoreResult<()> {
        let done = self.sessions.update_one(in_progress(session), state_update(session)?).await?;
        if done.matched_count == 0 {
            return Err(self.missed(session.id, "submitted or changed meanwhile").await);
        }
        Ok(())
    }

    async fn submit(&self, session: &FeedbackSession, notice: Option<&StaffNotification>) -> StoreResult<()> {
        let done = self.sessions.update_one(in_progress(session), submit_update(session, notice)?).await?;
        if done.matched_count == 0 {
            return Err(self.missed(session.id, "submitted or changed meanwhile").await);
        }
        Ok(())
    }

    async fn save_review(&self, session: &FeedbackSession, from: ReviewStatus) -> StoreResult<()> {
        let done = self.sessions.update_one(in_review_status(session.id, from), review_update(session)).await?;
        if done.matched_count == 0 {
            return Err(self.missed(session.id, "its review status changed").await);
        }
        Ok(())
    }

    async fn list_by_user(&self, user: UserId, page: PageRequest) -> StoreResult<Page<FeedbackSession>> {
        let filter = doc! { "userId": bson::Uuid::from(user.0) };
        self.page(filter, doc! { "createdAt": -1, "sessionId": -1 }, page).await
    }

    async fn review_queue(&self, filter: &QueueFilter, page: PageRequest) -> StoreResult<Page<FeedbackSession>> {
        self.page(queue_filter(filter), queue_sort(), page).await
    }

    async fn analytics(&self, q: &AnalyticsQuery) -> StoreResult<Vec<GroupCounts>> {
        let counts: Vec<Document> = self.sessions.aggregate(pipelines::counts_pipeline(q)).await?.try_collect().await?;
        let topics: Vec<Document> = self.sessions.aggregate(pipelines::topics_pipeline(q)).await?.try_collect().await?;
        Ok(pipelines::merge(counts, topics))
    }

    async fn notifications(&self, session: SessionId) -> StoreResult<Vec<StaffNotification>> {
        let found = self
            .sessions
            .clone_with_type::<Document>()
            .find_one(by_id(session))
            .projection(doc! { "staffNotifications": 1 })
            .await?;
        let Some(Ok(notices)) = found.as_ref().map(|d| d.get_array("staffNotifications")) else { return Ok(vec![]) };
        let mut notices = notices
            .iter()
            .map(|n| bson::from_bson::<NoticeDoc>(n.clone()).map(StaffNotification::from))
            .collect::<Result<Vec<_>, _>>()?;
        notices.sort_by_key(|n| (n.created_at, n.id));
        Ok(notices)
    }
}

#[async_trait]
impl TemplateStore for MongoFeedback {
    async fn insert(&self, template: &QuestionnaireTemplate, now: DateTime<Utc>) -> StoreResult<()> {
        self.templates.insert_one(template_doc(template, now)?).await?;
        Ok(())
    }

    async fn save(&self, template: &QuestionnaireTemplate, now: DateTime<Utc>) -> StoreResult<()> {
        let upsert = ReplaceOptions::builder().upsert(true).build();
        self.templates
            .replace_one(doc! { "templateId": &template.id }, template_doc(template, now)?)
            .with_options(upsert)
            .await?;
        Ok(())
    }

    async fn find(&self, id: &str) -> StoreResult<Option<QuestionnaireTemplate>> {
        self.templates.find_one(doc! { "templateId": id }).await?.map(template_of).transpose()
    }

    async fn list(&self) -> StoreResult<Vec<QuestionnaireTemplate>> {
        let docs: Vec<Document> =
            self.templates.find(doc! {}).sort(doc! { "templateId": 1 }).await?.try_collect().await?;
        docs.into_iter().map(template_of).collect()
    }
}
