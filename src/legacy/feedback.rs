//! Feedback sessions with their answers: a session of a migrated patient becomes a
//! `feedback_sessions` record on the questionnaire template of its type, its legacy answers as
//! `responses[]` and the assessment recomputed from them. Answers travel with their session;
//! answers of a session that is missing or not migrated are reported as orphans.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use super::{
    normalise::{ms, target_id, Source},
    report::Action,
    source::{ResponseRow, SessionRow},
    written, Handle, Migration, Mode,
};
use crate::tracks::track1::{
    domain::{
        parse_sentiment, FeedbackSession, NewSession, Review, ReviewStatus, SessionId, SessionResponse, SessionStatus,
    },
    feedback::session::{assess, default_templates, ResponseType, SessionType},
};

const SESSIONS: &str = "feedback_sessions";
const RESPONSES: &str = "feedback_responses";

#[async_trait]
impl Handle<SessionRow> for Migration {
    async fn handle(&mut self, row: SessionRow) -> anyhow::Result<()> {
        self.report.tally(SESSIONS).read += 1;
        let responses: Vec<ResponseRow> = sqlx::query_as(&format!(
            "{} where session_id = $1 order by answered_at, response_id",
            <ResponseRow as super::source::LegacyRow>::SELECT
        ))
        .bind(row.session_id)
        .fetch_all(&self.track1)
        .await?;
        self.report.tally(RESPONSES).read += responses.len() as u64;
        let Some(session) = self.session(&row, &responses) else {
            for r in &responses {
                let detail = format!("its session {} was not migrated", row.session_id);
                self.skip(RESPONSES, r.response_id, "orphan", detail);
            }
            return Ok(());
        };
        let n = responses.len() as u64;
        self.expected.sessions += 1;
        match self.options.mode {
            Mode::Verify => {
                let found = self.targets.track1.sessions.find(session.id).await?;
                self.check(SESSIONS, row.session_id, fingerprint(&session), found.as_ref().map(fingerprint));
                self.report.tally(RESPONSES).already_present += n;
            }
            Mode::DryRun => {
                self.report.tally(SESSIONS).migrated += 1;
                self.report.tally(RESPONSES).migrated += n;
            }
            Mode::Write => {
                let outcome = written(self.targets.track1.sessions.insert(&session).await)?;
                let tally = self.report.tally(RESPONSES);
                match outcome {
                    super::Written::New => tally.migrated += n,
                    super::Written::Existing => tally.already_present += n,
                }
                self.count(SESSIONS, outcome);
            }
        }
        Ok(())
    }
}

/// The fields a verification compares.
fn fingerprint(s: &FeedbackSession) -> String {
    format!(
        "{:?}",
        (
            s.id,
            s.user_id,
            s.session_type,
            &s.department,
            s.visit_date,
            s.status,
            s.review.status,
            &s.responses,
            s.submitted_at,
            s.created_at
        )
    )
}

impl Migration {
    /// The session a legacy row gives, or `None` (reported) when it cannot be migrated.
    fn session(&mut self, row: &SessionRow, responses: &[ResponseRow]) -> Option<FeedbackSession> {
        let original = row.session_id;
        let Some(user_id) = row.patient_id.and_then(|p| self.users.get(&(Source::Track1, p)).copied()) else {
            self.skip(SESSIONS, original, "orphan", format!("patient {:?} does not exist", row.patient_id));
            return None;
        };
        let session_type = serde_json::from_value::<SessionType>(Value::String(row.session_type.clone())).ok();
        let template = session_type.and_then(|t| default_templates().into_iter().find(|tpl| tpl.session_type == t));
        let (Some(session_type), Some(template)) = (session_type, template) else {
            self.skip(SESSIONS, original, "bad_value", format!("unknown session type `{}`", row.session_type));
            return None;
        };
        let Some(status) = SessionStatus::parse(&row.status) else {
            self.skip(SESSIONS, original, "bad_value", format!("unknown status `{}`", row.status));
            return None;
        };
        let visit_date = row.visit_date.as_deref().map(str::trim).filter(|d| !d.is_empty()).and_then(|text| {
            let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            if parsed.is_none() {
                let detail = format!("visit_date `{text}` is not a date; left empty");
                self.report.find(SESSIONS, original, "bad_date", Action::MigratedFieldDropped, detail);
            }
            parsed
        });
        let new = NewSession {
            user_id,
            session_type,
            department: row.department.clone(),
            conversation_id: None,
            visit_date,
            visit_type: row.visit_type.clone(),
            language: row.language.clone().unwrap_or_else(|| "en".into()),
            accessibility_features: Vec::new(),
        };
        let created_at = ms(row.created_at);
        let mut session = FeedbackSession::start(new, template, created_at);
        session.id = SessionId(target_id(Source::Track1, SESSIONS, original));
        session.responses = responses.iter().map(response).collect();
        session.status = status;
        session.submitted_at = row.submitted_at.map(ms);
        session.updated_at = ms(row.updated_at);
        session.review = Review {
            status: row.review_status.as_deref().and_then(ReviewStatus::parse).unwrap_or(ReviewStatus::Pending),
            assigned_to: row.assigned_to.clone(),
            notes: None,
            reviewed_at: None,
        };
        session.assessment = assess(&session.template, &session.answers(), created_at, session.submitted_at);
        Some(session)
    }

    /// Answers whose session does not exist at all.
    pub(super) async fn orphan_responses(&mut self) -> anyhow::Result<()> {
        let orphans: Vec<(Uuid, Option<Uuid>)> = sqlx::query_as(
            "select response_id, session_id from feedback_responses r where session_id is null or not exists \
             (select 1 from feedback_sessions s where s.session_id = r.session_id) order by response_id",
        )
        .fetch_all(&self.track1)
        .await?;
        for (id, session) in orphans {
            self.report.tally(RESPONSES).read += 1;
            self.skip(RESPONSES, id, "orphan", format!("session {session:?} does not exist"));
        }
        Ok(())
    }
}

/// A legacy answer as the plan's `responses[]` entry (no analysis: legacy answers had none).
fn response(r: &ResponseRow) -> SessionResponse {
    let response_type = serde_json::from_value(Value::String(r.response_type.clone())).unwrap_or(ResponseType::Text);
    let text = r.response_text.clone().unwrap_or_default();
    let response = match response_type {
        ResponseType::Rating => r.rating.map_or(Value::Null, Value::from),
        ResponseType::Boolean => Value::Bool(matches!(text.trim().to_lowercase().as_str(), "true" | "yes" | "1")),
        ResponseType::Text | ResponseType::Choice => Value::String(text),
    };
    SessionResponse {
        question_id: r.question_id.clone(),
        question: r.question.clone(),
        response_type,
        response,
        rating: r.rating.and_then(|n| u8::try_from(n).ok()),
        sentiment: r.sentiment.as_deref().and_then(parse_sentiment),
        topics: Vec::new(),
        urgency: None,
        answered_at: ms(r.answered_at),
        analysis: None,
    }
}
