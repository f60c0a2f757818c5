//! Offline titles and summaries: extractive, from what the patient asked. The title is the
//! knowledge-base topic of the patient's first answerable question (else their first words);
//! the summary lists the topics asked about and quotes the latest question.

use super::LocalProvider;
use crate::tracks::track2::assistant::{PromptMessage, PromptRole};

/// Words of a message kept in a fallback title.
const TITLE_WORDS: usize = 8;
/// The title of a conversation without patient messages.
const EMPTY_TITLE: &str = "New conversation";
/// Characters of the latest question quoted in a summary.
const QUOTE_CHARS: usize = 160;

impl LocalProvider {
    /// A title and summary of the conversation.
    pub fn summary(&self, transcript: &[PromptMessage]) -> (String, String) {
        let questions: Vec<&str> = transcript
            .iter()
            .filter(|m| m.role == PromptRole::User)
            .map(|m| m.content.trim())
            .filter(|c| !c.is_empty())
            .collect();
        let (Some(first), Some(last)) = (questions.first(), questions.last()) else {
            return (EMPTY_TITLE.to_owned(), "The patient has not written yet.".to_owned());
        };
        let mut topics: Vec<&str> = Vec::new();
        for question in &questions {
            if let Some(heading) = self.topic(question) {
                if !topics.contains(&heading) {
                    topics.push(heading);
                }
            }
        }
        let title = match topics.first() {
            Some(topic) => (*topic).to_owned(),
            None => first.split_whitespace().take(TITLE_WORDS).collect::<Vec<_>>().join(" "),
        };
        let asked = match topics.as_slice() {
            [] => format!("The patient wrote {} message(s) the clinic's information does not cover.", questions.len()),
            _ => format!("The patient asked about: {}.", topics.join(", ")),
        };
        (title, format!("{asked} Latest question: \"{}\"", quote(last)))
    }

    /// The heading of the passage answering a question, if one scores high enough.
    fn topic(&self, question: &str) -> Option<&str> {
        let best = *self.index.search(question).first()?;
        best.answers(self.min_score).then(|| self.passages[best.passage].heading.as_str())
    }
}

fn quote(text: &str) -> String {
    let mut quoted: String = text.chars().take(QUOTE_CHARS).collect();
    if text.chars().count() > QUOTE_CHARS {
        quoted.push('…');
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::{super::tests::provider, *};

    fn user(text: &str) -> PromptMessage {
        PromptMessage::new(PromptRole::User, text)
    }

    #[test]
    fn titles_by_the_first_topic_and_lists_every_topic() {
        let transcript = [
            user("How do I get a refill of my prescription?"),
            PromptMessage::new(PromptRole::Assistant, "Through the portal."),
            user("And where can I park my car?"),
            user("Can I get a refill sooner?"),
        ];
        let (title, summary) = provider().summary(&transcript);
        assert_eq!(title, "Repeat prescription refills");
        assert_eq!(
            summary,
            "The patient asked about: Repeat prescription refills, Parking. Latest question: \"Can I get a refill sooner?\""
        );
    }

    #[test]
    fn without_a_topic_the_title_is_the_first_words() {
        let transcript = [user("My neighbour's dog keeps barking all night long, what should I do?")];
        let (title, summary) = provider().summary(&transcript);
        assert_eq!(title, "My neighbour's dog keeps barking all night long,");
        assert!(summary.starts_with("The patient wrote 1 message(s)"), "{summary}");
        let (title, _) = provider().summary(&[PromptMessage::new(PromptRole::Assistant, "Hi")]);
        assert_eq!(title, EMPTY_TITLE);
    }
}
