//! Chat as system analytics: every stored message counts in `messages_sent` (by author:
//! `assistant`, `system`, or no segment for the person chatting, whose role the message does
//! not carry), and a provider's reply adds its latency and tokens, by provider.

use std::time::Duration;

use crate::{
    analytics::{Analytics, Dimensions, EventContext, Metric, UserSegment},
    tracks::track2::domain::{Message, MessageRole},
};

/// Records a message just stored.
pub(super) fn message_stored(analytics: &Analytics, m: &Message) {
    let segment = match m.role {
        MessageRole::User => None,
        MessageRole::Assistant => Some(UserSegment::Assistant),
        MessageRole::System => Some(UserSegment::System),
    };
    let context = EventContext {
        user_id: Some(m.user_id.0),
        conversation_id: Some(m.conversation_id.0),
        ..EventContext::default()
    };
    let dims = Dimensions { department: None, user_segment: segment };
    analytics.counter(Metric::MessagesSent, 1, dims, context.clone());
    if let Some(llm) = &m.llm_metadata {
        let dims = Dimensions::segment(UserSegment::Assistant).department(llm.provider.as_str());
        let took = Duration::from_millis(u64::try_from(llm.response_time).unwrap_or_default());
        analytics.timer(Metric::ProviderLatencyMs, took, dims.clone(), context.clone());
        #[allow(clippy::cast_precision_loss)] // token counts stay far below 2^53
        analytics.histogram(Metric::ProviderTokens, llm.token_count as f64, dims, context);
    }
}
