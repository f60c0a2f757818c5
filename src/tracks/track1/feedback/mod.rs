//! Patient feedback, the plan's `feedback_sessions` and `messages.feedbackAnalysis`: the pure
//! domain, without storage or routes. [`analyzer`] reads free text (sentiment, topics, urgency,
//! clinical red flags) offline, behind a trait an LLM analyzer can sit in front of; [`session`]
//! holds questionnaire templates with seeded defaults, answer validation, the session analytics
//! derived from the answers (never trusted from the client) and NPS.

pub mod analyzer;
pub mod session;

pub use session::SessionType;
