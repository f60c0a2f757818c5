//! Track 2 domain values.

use serde::Serialize;
use utoipa::ToSchema;

/// The plan's `conversationType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationType {
    /// Free conversation with the assistant.
    Chat,
    /// Feedback given through chat; messages get a feedback analysis.
    Feedback,
    /// A patient's answer to a reminder.
    ReminderFeedback,
}

impl ConversationType {
    /// Every conversation type.
    pub const ALL: [Self; 3] = [Self::Chat, Self::Feedback, Self::ReminderFeedback];

    /// What a conversation of this type is for.
    pub fn description(self) -> &'static str {
        match self {
            Self::Chat => "Questions to the clinic's assistant",
            Self::Feedback => "Feedback about a visit or the service, analysed for sentiment and urgency",
            Self::ReminderFeedback => "Replies to medication or appointment reminders",
        }
    }
}
