//! The seam through which feedback conversations get their messages analysed. Track 2 builds
//! alone, so it names only this trait; `tracks/mod.rs` plugs Track 1's analyzer in when both
//! tracks are built.

use async_trait::async_trait;

use super::domain::MessageAnalysis;

/// Reads a feedback message: sentiment, topics, urgency, whether staff must act.
#[async_trait]
pub trait MessageAnalyzer: Send + Sync {
    /// The analysis of `text`, written in `language` when known; `None` when it cannot say.
    async fn analyze(&self, text: &str, language: Option<&str>) -> Option<MessageAnalysis>;
}
