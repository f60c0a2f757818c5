//! The prompts behind translation and summaries, and reading the summary back.

use super::{context::estimate_tokens, provider::Prompt, AssistantError, Completion, PromptMessage, PromptRole};

/// Translations should be faithful, not creative.
const TRANSLATION_TEMPERATURE: f32 = 0.2;
/// Summaries likewise.
const SUMMARY_TEMPERATURE: f32 = 0.3;
/// Longest title kept, in characters.
const MAX_TITLE_CHARS: usize = 80;

/// A prompt asking for `text` in `target_language`, and nothing else.
pub fn translation(text: &str, target_language: &str) -> Prompt {
    let system = format!(
        "You translate messages between a clinic and its patients. Translate the user's message into the \
         language with the tag `{target_language}`. Keep the meaning, tone, names, numbers and medical terms \
         exact. Reply with the translation only, without quotes or comments."
    );
    Prompt {
        system,
        messages: vec![PromptMessage::new(PromptRole::User, text)],
        temperature: Some(TRANSLATION_TEMPERATURE),
    }
}

/// A prompt asking for a JSON title and summary of the newest part of `transcript` that fits
/// `max_tokens`.
pub fn summary(transcript: &[PromptMessage], max_tokens: usize) -> Prompt {
    let mut lines: Vec<String> = Vec::new();
    let mut used = 0;
    for message in transcript.iter().rev() {
        let line = format!("{}: {}", speaker(message.role), message.content);
        used += estimate_tokens(&line);
        if used > max_tokens && !lines.is_empty() {
            break;
        }
        lines.push(line);
    }
    lines.reverse();
    let system = "You summarise conversations between a clinic's assistant and a patient for the clinic's staff. \
                  Reply with a JSON object only: {\"title\": \"at most 8 words\", \"summary\": \"2 to 4 sentences: \
                  what the patient needed and what they were told\"}, in the conversation's language."
        .to_owned();
    Prompt {
        system,
        messages: vec![PromptMessage::new(PromptRole::User, lines.join("\n"))],
        temperature: Some(SUMMARY_TEMPERATURE),
    }
}

fn speaker(role: PromptRole) -> &'static str {
    match role {
        PromptRole::User => "Patient",
        PromptRole::Assistant => "Assistant",
        PromptRole::System => "System",
    }
}

/// The title and summary of a summary completion: the JSON asked for (also inside a Markdown
/// code fence), else a first line as title and the rest as summary.
pub fn parse_summary(completion: &Completion) -> Result<(String, String), AssistantError> {
    let text = completion.content.trim();
    let unfenced = text
        .strip_prefix("```json")
        .or_else(|| text.strip_prefix("```"))
        .and_then(|t| t.strip_suffix("```"))
        .unwrap_or(text)
        .trim();
    let (title, summary) = match serde_json::from_str::<serde_json::Value>(unfenced) {
        Ok(json) => (
            json["title"].as_str().unwrap_or_default().trim().to_owned(),
            json["summary"].as_str().unwrap_or_default().trim().to_owned(),
        ),
        Err(_) => {
            let (first, rest) = unfenced.split_once('\n').unwrap_or((unfenced, ""));
            (first.trim().trim_start_matches('#').trim().to_owned(), rest.trim().to_owned())
        }
    };
    if title.is_empty() || summary.is_empty() {
        return Err(AssistantError::malformed(completion.provider, "the summary has no title or no text"));
    }
    Ok((title.chars().take(MAX_TITLE_CHARS).collect(), summary))
}

/// "Emergency number" in the reply's language.
pub fn emergency_label(language: &str) -> &'static str {
    match super::language::primary(language).as_str() {
        "fr" => "numéro d'urgence",
        "es" => "número de emergencias",
        _ => "emergency number",
    }
}

#[cfg(test)]
mod tests {
    use super::{
        super::{ProviderName, TokenUsage},
        *,
    };

    fn completion(content: &str) -> Completion {
        Completion {
            content: content.to_owned(),
            provider: ProviderName::Groq,
            model: "m".into(),
            usage: TokenUsage::default(),
            response_time_ms: 1,
            temperature: 0.3,
            finish_reason: None,
        }
    }

    #[test]
    fn reads_json_fenced_json_and_plain_summaries() {
        let json = r#"{"title": "Prescription refill", "summary": "The patient asked for a refill."}"#;
        let expected = ("Prescription refill".to_owned(), "The patient asked for a refill.".to_owned());
        assert_eq!(parse_summary(&completion(json)).unwrap(), expected);
        assert_eq!(parse_summary(&completion(&format!("```json\n{json}\n```"))).unwrap(), expected);
        let plain = "# Prescription refill\nThe patient asked for a refill.";
        assert_eq!(parse_summary(&completion(plain)).unwrap(), expected);
    }

    #[test]
    fn an_empty_summary_is_malformed() {
        let err = parse_summary(&completion(r#"{"title": ""}"#)).unwrap_err();
        assert!(matches!(err, AssistantError::Malformed { provider: ProviderName::Groq, .. }));
    }

    #[test]
    fn the_summary_prompt_keeps_the_newest_lines_within_budget() {
        let transcript: Vec<PromptMessage> =
            (0..50).map(|i| PromptMessage::new(PromptRole::User, format!("question {i} {}", "x".repeat(40)))).collect();
        let prompt = summary(&transcript, 60);
        let text = &prompt.messages[0].content;
        assert!(text.ends_with(&format!("question 49 {}", "x".repeat(40))), "{text}");
        assert!(!text.contains("question 0 "));
    }
}
