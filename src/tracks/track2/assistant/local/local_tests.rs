use std::path::PathBuf;

use futures_util::StreamExt;

use super::*;

pub(super) fn provider() -> LocalProvider {
    let settings = LocalSettings {
        knowledge_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/config/knowledge")),
        min_score: 2.0,
        max_passages: 2,
    };
    LocalProvider::load(&settings).unwrap()
}

/// The source of the best passage for a question, or "don't know".
fn source(provider: &LocalProvider, question: &str) -> String {
    let answer = provider.answer(question);
    match answer.split_once("(Source: ") {
        Some((_, rest)) => rest.split(')').next().unwrap().to_owned(),
        None => "don't know".to_owned(),
    }
}

#[test]
fn questions_hit_the_right_passage() {
    let p = provider();
    for (question, expected) in [
        ("Are you open on Saturday?", "Opening hours › Weekend hours"),
        ("What time do you open on weekdays?", "Opening hours › Weekday hours"),
        ("How do I get a refill of my prescription?", "Prescriptions › Repeat prescription refills"),
        ("I need to cancel my appointment", "Appointments › Cancelling or rescheduling"),
        ("When will my blood test results be ready?", "Lab results › Getting your results"),
        ("Where can I park my car?", "Parking and access › Parking"),
        ("How much does a consultation cost?", "Billing and insurance › Consultation fees"),
        ("Is the flu vaccine free for people over 65?", "Vaccinations › Flu vaccine"),
        ("Can I have a video consultation?", "Appointments › Telephone and video consultations"),
        ("Do I need to fast before my blood test?", "Lab results › Blood tests"),
        ("Is the building wheelchair accessible?", "Parking and access › Wheelchair access"),
    ] {
        assert_eq!(source(&p, question), expected, "{question}");
    }
}

#[test]
fn unrelated_questions_get_i_dont_know() {
    let p = provider();
    for question in [
        "What is the capital of Australia?",
        "Who won the football match yesterday?",
        "Can you recommend a good pizza recipe?",
        "My neighbour's dog keeps barking all night long, what should I do?",
        "hello",
        "",
    ] {
        assert_eq!(source(&p, question), "don't know", "{question}");
        assert!(p.answer(question).contains("contact the clinic"), "{question}");
    }
    assert!(p.answer("Quelle est la capitale de l'Australie ?").starts_with("Je ne sais pas"));
}

#[test]
fn a_wordy_question_still_finds_its_topic() {
    let question = "Hi there, I was wondering, as a new patient with a lot of questions, about your opening hours";
    assert!(source(&provider(), question).starts_with("Opening hours"), "{}", source(&provider(), question));
}

#[test]
fn answers_quote_the_passage_text() {
    let answer = provider().answer("Are you open on Sunday?");
    assert!(answer.contains("The clinic is closed on Sunday."), "{answer}");
}

#[tokio::test]
async fn streams_the_same_answer_word_by_word_with_estimated_usage() {
    let p = provider();
    let prompt = Prompt {
        system: "Be brief.".into(),
        messages: vec![PromptMessage::new(PromptRole::User, "Where can I park?")],
        temperature: None,
    };
    let whole = p.complete(&prompt).await.unwrap();
    assert_eq!((whole.provider, whole.model.as_str()), (ProviderName::Local, MODEL));
    assert!(whole.usage.prompt_tokens > 0 && whole.usage.completion_tokens > 0);
    assert_eq!(whole.usage.total_tokens, whole.usage.prompt_tokens + whole.usage.completion_tokens);
    let events: Vec<StreamEvent> = p.stream(&prompt).await.unwrap().map(Result::unwrap).collect().await;
    let (last, deltas) = events.split_last().unwrap();
    assert!(deltas.len() > 5);
    let text: String = deltas
        .iter()
        .map(|e| match e {
            StreamEvent::Delta(d) => d.as_str(),
            StreamEvent::Done(_) => panic!("Done before the end"),
        })
        .collect();
    assert_eq!(text, whole.content);
    assert!(matches!(last, StreamEvent::Done(c) if c.content == whole.content));
}
