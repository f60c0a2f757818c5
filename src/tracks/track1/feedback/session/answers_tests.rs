use serde_json::json;

use super::{super::seeds::default_templates, *};

fn post_visit() -> QuestionnaireTemplate {
    default_templates().remove(0)
}

fn submitted(id: &str, response: Value) -> SubmittedAnswer {
    SubmittedAnswer { question_id: id.into(), response }
}

#[test]
fn accepts_valid_answers_of_every_type() {
    let answers = [
        submitted("overall", json!(5)),
        submitted("wait_time", json!("under_15_min")),
        submitted("explained_clearly", json!(true)),
        submitted("recommend", json!(0)),
        submitted("comments", json!("  Very kind staff  ")),
    ];
    let valid = validate_answers(&post_visit(), &answers).unwrap();
    let values: Vec<AnswerValue> = valid.into_iter().map(|(_, v)| v).collect();
    assert_eq!(
        values,
        [
            AnswerValue::Rating(5),
            AnswerValue::Choice("under_15_min".into()),
            AnswerValue::Boolean(true),
            AnswerValue::Rating(0),
            AnswerValue::Text("Very kind staff".into()),
        ]
    );
}

#[test]
fn returns_every_violation_with_its_pointer() {
    let answers = [
        submitted("overall", json!(6)),
        submitted("staff_courtesy", json!(0)),
        submitted("recommend", json!(11)),
        submitted("wait_time", json!("forever")),
        submitted("explained_clearly", json!("yes")),
        submitted("comments", json!("   ")),
        submitted("nope", json!(1)),
        submitted("overall", json!(3)),
    ];
    let violations = validate_answers(&post_visit(), &answers).unwrap_err();
    let found: Vec<(&str, &str)> = violations.iter().map(|v| (v.pointer.as_str(), v.code)).collect();
    assert_eq!(
        found,
        [
            ("/answers/0/response", "out_of_range"),
            ("/answers/1/response", "out_of_range"),
            ("/answers/2/response", "out_of_range"),
            ("/answers/3/response", "invalid_choice"),
            ("/answers/4/response", "wrong_type"),
            ("/answers/5/response", "empty"),
            ("/answers/6/questionId", "unknown_question"),
            ("/answers/7/questionId", "duplicate"),
        ]
    );
    assert_eq!(violations[0].message, "must be from 1 to 5");
    assert_eq!(violations[2].message, "must be from 0 to 10");
    assert!(violations[3].message.contains("under_15_min, 15_to_30_min"));
}

#[test]
fn ratings_must_be_integers() {
    let t = post_visit();
    for bad in [json!(4.5), json!("4"), json!(null), json!(-1), json!(300)] {
        assert!(validate_answers(&t, &[submitted("overall", bad.clone())]).is_err(), "{bad}");
    }
    assert!(validate_answers(&t, &[submitted("overall", json!(4.0))]).is_err(), "4.0 is a float");
}

#[test]
fn text_answers_respect_the_length_limit_in_characters() {
    let mut t = post_visit();
    let at_limit = "é".repeat(TEXT_MAX_CHARS);
    assert!(validate_answers(&t, &[submitted("comments", json!(at_limit))]).is_ok());
    let over = "a".repeat(TEXT_MAX_CHARS + 1);
    let err = validate_answers(&t, &[submitted("comments", json!(over))]).unwrap_err();
    assert_eq!(err[0].code, "too_long");
    t.questions.iter_mut().find(|q| q.id == "comments").unwrap().max_length = Some(10);
    let err = validate_answers(&t, &[submitted("comments", json!("eleven chars"))]).unwrap_err();
    assert_eq!(err[0].message, "must be at most 10 characters");
}

#[test]
fn required_questions_must_be_answered_before_submitting() {
    let t = post_visit();
    let missing = missing_required(&t, ["overall", "comments"]);
    assert_eq!(missing.len(), 1);
    assert_eq!((missing[0].pointer.as_str(), missing[0].code), ("/answers", "required"));
    assert!(missing[0].message.contains("recommend"));
    assert!(missing_required(&t, ["overall", "recommend"]).is_empty());
    assert_eq!(missing_required(&t, []).len(), 2);
}

#[test]
fn values_serialise_as_plain_json() {
    assert_eq!(serde_json::to_value(AnswerValue::Rating(4)).unwrap(), json!(4));
    assert_eq!(serde_json::to_value(AnswerValue::Choice("mild".into())).unwrap(), json!("mild"));
    assert_eq!(AnswerValue::Boolean(false).to_json(), json!(false));
    assert_eq!(AnswerValue::Text("x".into()).to_json(), json!("x"));
}

#[test]
fn submitted_answers_refuse_unknown_fields() {
    let ok: SubmittedAnswer = serde_json::from_value(json!({"questionId": "overall", "response": 3})).unwrap();
    assert_eq!(ok.question_id, "overall");
    assert!(serde_json::from_value::<SubmittedAnswer>(json!({"questionId": "o", "response": 3, "rating": 3})).is_err());
}
