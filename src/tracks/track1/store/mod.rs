//! Track 1 storage: feedback sessions (with the staff notifications their submit raises) and
//! questionnaire templates, one trait per aggregate, implemented once for SQLite and PostgreSQL
//! (`sql.rs`) and for MongoDB (`mongo.rs`, the plan's `feedback_sessions` collection).
//!
//! Templates: the store holds only the templates staff created or edited; the seeded defaults
//! are served from code (`feedback::session::default_templates`) whenever the store has no
//! template of that id, so a new clinic works at once and nothing is inserted at start-up.
//! State changes are conditional updates: of two concurrent changes to a session, the one that
//! finds it in the expected state wins and the other gets `Conflict`.

#[cfg(feature = "mongodb")]
mod mongo;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    analytics::{AnalyticsQuery, GroupCounts},
    domain::{FeedbackSession, QueueFilter, ReviewStatus, SessionId, StaffNotification},
    feedback::session::QuestionnaireTemplate,
};
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{pick, Backend, StoreResult},
};

/// Feedback sessions and the notifications they raise.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session.
    async fn insert(&self, session: &FeedbackSession) -> StoreResult<()>;
    /// A session by id.
    async fn find(&self, id: SessionId) -> StoreResult<Option<FeedbackSession>>;
    /// Saves the answers and assessment of a session still in progress; `Conflict` when it is
    /// no longer in progress, `NotFound` when unknown.
    async fn save_progress(&self, session: &FeedbackSession) -> StoreResult<()>;
    /// Saves a submitted session and, atomically with it, its staff notification; `Conflict`
    /// when it was not in progress any more.
    async fn submit(&self, session: &FeedbackSession, notice: Option<&StaffNotification>) -> StoreResult<()>;
    /// Saves the review fields if the stored review status is still `from`; `Conflict` otherwise.
    async fn save_review(&self, session: &FeedbackSession, from: ReviewStatus) -> StoreResult<()>;
    /// A patient's sessions, newest first.
    async fn list_by_user(&self, user: UserId, page: PageRequest) -> StoreResult<Page<FeedbackSession>>;
    /// Submitted sessions, most escalated first, then oldest submitted first.
    async fn review_queue(&self, filter: &QueueFilter, page: PageRequest) -> StoreResult<Page<FeedbackSession>>;
    /// Counts and sums per group and period, aggregated by the store, ordered by key then period.
    async fn analytics(&self, query: &AnalyticsQuery) -> StoreResult<Vec<GroupCounts>>;
    /// The notifications raised for a session, oldest first.
    async fn notifications(&self, session: SessionId) -> StoreResult<Vec<StaffNotification>>;
}

/// Questionnaire templates created or edited by staff.
#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// Stores a new template; `Conflict` when its id is taken.
    async fn insert(&self, template: &QuestionnaireTemplate, now: DateTime<Utc>) -> StoreResult<()>;
    /// Creates or replaces the template with this id.
    async fn save(&self, template: &QuestionnaireTemplate, now: DateTime<Utc>) -> StoreResult<()>;
    /// A template by id.
    async fn find(&self, id: &str) -> StoreResult<Option<QuestionnaireTemplate>>;
    /// Every stored template, by id.
    async fn list(&self) -> StoreResult<Vec<QuestionnaireTemplate>>;
}

/// Track 1's stores on one backend.
#[derive(Clone)]
pub struct Track1Stores {
    /// Sessions and notifications.
    pub sessions: Arc<dyn SessionStore>,
    /// Templates.
    pub templates: Arc<dyn TemplateStore>,
}

impl Track1Stores {
    /// The implementations for `backend`.
    pub fn build(backend: &Backend) -> Self {
        pick::build(backend)
    }
}

/// Creates MongoDB collections' indexes (SQL schemas come from the migrations).
pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
    pick::ensure_indexes::<Track1Stores>(backend).await
}
