//! Track 1 use cases: free functions over the store traits, without actix types. Callers have
//! checked who may act on the session before calling.

use super::{
    analytics::{AnalyticsGroup, AnalyticsQuery},
    domain::{FeedbackSession, NewSession, QueueFilter, ReviewStatus, SessionId, SessionResponse, SessionStatus},
    error::Track1Error,
    feedback::{
        analyzer::{AnalysisInput, FeedbackAnalyzer},
        session::{
            default_templates, select_template, validate_answers, AnswerValue, QuestionnaireTemplate, SessionType,
            SubmittedAnswer, Violation,
        },
    },
    store::{SessionStore, TemplateStore},
};
use crate::{
    analytics::{Analytics, Dimensions, EventContext, Metric, UserSegment},
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{self, StorageError},
};

type Result<T> = std::result::Result<T, Track1Error>;

/// Every template in force: the stored ones, then the seeded defaults whose id no stored
/// template replaces. Stored templates come first, so they win in [`select_template`].
pub async fn templates(store: &dyn TemplateStore) -> Result<Vec<QuestionnaireTemplate>> {
    let mut all = store.list().await?;
    let seeds: Vec<QuestionnaireTemplate> =
        default_templates().into_iter().filter(|seed| !all.iter().any(|t| t.id == seed.id)).collect();
    all.extend(seeds);
    Ok(all)
}

/// Templates matching the filters: with a session type, the one a session would use.
pub async fn find_templates(
    store: &dyn TemplateStore,
    session_type: Option<SessionType>,
    department: Option<&str>,
    language: Option<&str>,
) -> Result<Vec<QuestionnaireTemplate>> {
    let all = templates(store).await?;
    let mut found: Vec<QuestionnaireTemplate> = match session_type {
        Some(t) => select_template(&all, t, department).cloned().into_iter().collect(),
        None => all
            .into_iter()
            .filter(|t| department.is_none_or(|d| t.department.as_deref().is_none_or(|td| td.eq_ignore_ascii_case(d))))
            .collect(),
    };
    if let Some(language) = language {
        found.retain(|t| t.title.contains_key(language));
    }
    Ok(found)
}

fn check_template(template: &QuestionnaireTemplate) -> Result<()> {
    let violations = template.violations();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Track1Error::Invalid(violations))
    }
}

/// Stores a new template; its id must not be a stored or seeded one.
pub async fn create_template(store: &dyn TemplateStore, template: &QuestionnaireTemplate) -> Result<()> {
    check_template(template)?;
    if default_templates().iter().any(|t| t.id == template.id) {
        return Err(Track1Error::TemplateExists(template.id.clone()));
    }
    store.insert(template, storage::now()).await.map_err(|e| match e {
        StorageError::Conflict(_) => Track1Error::TemplateExists(template.id.clone()),
        other => other.into(),
    })
}

/// Replaces a stored or seeded template (a seeded one is then stored, and served instead).
pub async fn update_template(store: &dyn TemplateStore, id: &str, template: &QuestionnaireTemplate) -> Result<()> {
    if template.id != id {
        let message = format!("must be the id of the path, `{id}`");
        return Err(Track1Error::Invalid(vec![Violation::new("/id", "id_mismatch", message)]));
    }
    check_template(template)?;
    let known = default_templates().iter().any(|t| t.id == id) || store.find(id).await?.is_some();
    if !known {
        return Err(Track1Error::TemplateNotFound(id.to_owned()));
    }
    Ok(store.save(template, storage::now()).await?)
}

/// Starts a session on the template in force for its type and department.
pub async fn start_session(
    sessions: &dyn SessionStore,
    templates_store: &dyn TemplateStore,
    new: NewSession,
) -> Result<FeedbackSession> {
    let all = templates(templates_store).await?;
    let template = select_template(&all, new.session_type, new.department.as_deref())
        .cloned()
        .ok_or_else(|| Track1Error::TemplateNotFound(new.session_type.as_str().to_owned()))?;
    let session = FeedbackSession::start(new, template, storage::now());
    sessions.insert(&session).await?;
    Ok(session)
}

/// A session by id.
pub async fn get_session(sessions: &dyn SessionStore, id: SessionId) -> Result<FeedbackSession> {
    sessions.find(id).await?.ok_or(Track1Error::SessionNotFound(id.0))
}

/// Records answers (validated against the session's questionnaire; text answers analysed)
/// and the provisional assessment.
pub async fn answer(
    sessions: &dyn SessionStore,
    analyzer: &dyn FeedbackAnalyzer,
    mut session: FeedbackSession,
    submitted: &[SubmittedAnswer],
) -> Result<FeedbackSession> {
    if session.status != SessionStatus::InProgress {
        return Err(Track1Error::SessionClosed(session.id.0));
    }
    let valid = validate_answers(&session.template, submitted).map_err(Track1Error::Invalid)?;
    let now = storage::now();
    let mut responses = Vec::with_capacity(valid.len());
    for (question_id, value) in valid {
        let analysis = match &value {
            AnswerValue::Text(text) => analyze(analyzer, &session, text).await,
            _ => None,
        };
        responses.push(SessionResponse::new(&session.template, &session.language, question_id, &value, analysis, now));
    }
    session.record(responses, now);
    let id = session.id.0;
    sessions.save_progress(&session).await.map_err(|e| Track1Error::lost(id, e, Track1Error::SessionChanged(id)))?;
    Ok(session)
}

async fn analyze(
    analyzer: &dyn FeedbackAnalyzer,
    session: &FeedbackSession,
    text: &str,
) -> Option<super::feedback::analyzer::FeedbackAnalysis> {
    let input =
        AnalysisInput { text, language_hint: Some(&session.language), department_hint: session.department.as_deref() };
    match analyzer.analyze(&input).await {
        Ok(analysis) => Some(analysis),
        Err(err) => {
            log::warn!("feedback session {}: answer left unanalysed: {err}", session.id.0);
            None
        }
    }
}

/// Submits: required answers present, final assessment computed here, and a staff
/// notification stored with the session when the escalation level is 2 or more.
pub async fn submit(
    sessions: &dyn SessionStore,
    analytics: &Analytics,
    mut session: FeedbackSession,
) -> Result<FeedbackSession> {
    let id = session.id.0;
    if session.status != SessionStatus::InProgress {
        return Err(Track1Error::SessionClosed(id));
    }
    let now = storage::now();
    session.submit(now).map_err(Track1Error::Invalid)?;
    let notice = session.escalation_notice(now);
    sessions
        .submit(&session, notice.as_ref())
        .await
        .map_err(|e| Track1Error::lost(id, e, Track1Error::SessionChanged(id)))?;
    record_submit(analytics, &session);
    Ok(session)
}

/// The submitted session as system analytics: one `feedback_submitted`, and its
/// recommendation (the NPS input) as an `nps_score` observation, by department.
fn record_submit(analytics: &Analytics, session: &FeedbackSession) {
    let mut dims = Dimensions::segment(UserSegment::Patient);
    dims.department.clone_from(&session.department);
    let context =
        EventContext { user_id: Some(session.user_id.0), session_id: Some(session.id.0), ..EventContext::default() };
    analytics.counter(Metric::FeedbackSubmitted, 1, dims.clone(), context.clone());
    if let Some(score) = session.assessment.recommendation_score {
        analytics.histogram(Metric::NpsScore, f64::from(score), dims, context);
    }
}

/// A patient's own sessions, newest first.
pub async fn mine(sessions: &dyn SessionStore, user: UserId, page: PageRequest) -> Result<Page<FeedbackSession>> {
    Ok(sessions.list_by_user(user, page).await?)
}

/// The staff review queue.
pub async fn queue(
    sessions: &dyn SessionStore,
    filter: &QueueFilter,
    page: PageRequest,
) -> Result<Page<FeedbackSession>> {
    Ok(sessions.review_queue(filter, page).await?)
}

/// Moves a review on one step (pending → reviewed → acted_upon).
pub async fn review(
    sessions: &dyn SessionStore,
    mut session: FeedbackSession,
    to: ReviewStatus,
    assigned_to: Option<String>,
    notes: Option<String>,
) -> Result<FeedbackSession> {
    let from = session.review.status;
    let id = session.id.0;
    session
        .review(to, assigned_to, notes, storage::now())
        .map_err(|from| Track1Error::IllegalTransition { from, to })?;
    sessions
        .save_review(&session, from)
        .await
        .map_err(|e| Track1Error::lost(id, e, Track1Error::IllegalTransition { from, to }))?;
    Ok(session)
}

/// NPS and the other figures per group and period, aggregated by the store.
pub async fn analytics(sessions: &dyn SessionStore, query: &AnalyticsQuery) -> Result<Vec<AnalyticsGroup>> {
    Ok(sessions.analytics(query).await?.into_iter().map(AnalyticsGroup::from).collect())
}
