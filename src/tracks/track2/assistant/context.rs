//! The conversation context a provider sees: the newest messages that fit a message count and
//! an estimated token budget.

use super::PromptMessage;

/// Tokens each message costs beyond its text (role markers, separators).
const PER_MESSAGE_OVERHEAD: usize = 4;

/// A provider-independent token estimate: about 4 characters per token for English prose, but
/// never fewer tokens than words (short words and other scripts tokenize denser).
pub fn estimate_tokens(text: &str) -> usize {
    let chars = text.chars().count();
    let words = text.split_whitespace().count();
    chars.div_ceil(4).max(words)
}

/// The estimate of one message within a context.
pub fn message_tokens(message: &PromptMessage) -> usize {
    estimate_tokens(&message.content) + PER_MESSAGE_OVERHEAD
}

/// The newest messages of `history` (kept in order) such that there are at most
/// `max_messages` of them and their estimated tokens stay within `max_tokens`. A message that
/// does not fit ends the context: older messages are never skipped over to fill the budget,
/// so the model never sees a conversation with holes in it.
pub fn bound(history: &[PromptMessage], max_messages: usize, max_tokens: usize) -> Vec<PromptMessage> {
    let mut used = 0;
    let mut kept = 0;
    for message in history.iter().rev().take(max_messages) {
        let cost = message_tokens(message);
        if used + cost > max_tokens {
            break;
        }
        used += cost;
        kept += 1;
    }
    history[history.len() - kept..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::{
        super::{PromptMessage, PromptRole},
        *,
    };

    fn history(n: usize) -> Vec<PromptMessage> {
        (0..n)
            .map(|i| {
                let role = if i % 2 == 0 { PromptRole::User } else { PromptRole::Assistant };
                PromptMessage::new(role, format!("message number {i}"))
            })
            .collect()
    }

    #[test]
    fn estimates_by_characters_or_words() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcdefgh"), 2);
        assert_eq!(estimate_tokens("a b c d e"), 5);
    }

    #[test]
    fn keeps_the_newest_within_the_message_count() {
        let kept = bound(&history(10), 3, 10_000);
        let texts: Vec<&str> = kept.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(texts, ["message number 7", "message number 8", "message number 9"]);
    }

    #[test]
    fn keeps_the_newest_within_the_token_budget() {
        let all = history(10);
        let one = message_tokens(&all[9]);
        assert_eq!(bound(&all, 100, one * 2 + 1).len(), 2);
        assert!(bound(&all, 100, one - 1).is_empty());
        assert_eq!(bound(&all, 100, 10_000), all);
        assert!(bound(&[], 5, 100).is_empty());
    }

    #[test]
    fn an_oversized_message_ends_the_context() {
        let mut all = history(3);
        all[1].content = "x".repeat(4_000);
        let kept = bound(&all, 10, 100);
        assert_eq!(kept, all[2..].to_vec());
    }
}
