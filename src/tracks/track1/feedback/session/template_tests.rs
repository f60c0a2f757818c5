use super::{super::seeds::default_templates, *};

fn base() -> QuestionnaireTemplate {
    default_templates().remove(0)
}

fn codes(t: &QuestionnaireTemplate) -> Vec<(String, &'static str)> {
    t.violations().into_iter().map(|v| (v.pointer, v.code)).collect()
}

#[test]
fn rating_ranges_depend_on_purpose() {
    let t = base();
    assert_eq!(t.question("overall").unwrap().rating_range(), Some(1..=5));
    assert_eq!(t.question("staff_courtesy").unwrap().rating_range(), Some(1..=5));
    assert_eq!(t.question("recommend").unwrap().rating_range(), Some(0..=10));
    assert_eq!(t.question("comments").unwrap().rating_range(), None);
}

#[test]
fn prompts_fall_back_to_the_default_language() {
    let q = base().questions.remove(0);
    assert!(q.prompt("fr", "en").unwrap().starts_with("Dans l'ensemble"));
    assert!(q.prompt("rw", "en").unwrap().starts_with("Overall"));
}

#[test]
fn reports_every_problem_at_once() {
    let mut t = base();
    t.id = "Bad Id".into();
    t.default_language = "english".into();
    t.questions[1].choices.truncate(1);
    t.questions[2].id = "overall".into();
    t.questions[2].choices = t.questions[1].choices.clone();
    t.questions[3].purpose = Some(QuestionPurpose::OverallRating);
    t.questions[4].max_length = Some(10);
    t.questions[5].max_length = Some(0);
    t.questions[5].alert_on = Some(true);
    t.questions[5].text.insert("fr".into(), " ".into());
    let found = codes(&t);
    for expected in [
        ("/id", "invalid_id"),
        ("/defaultLanguage", "invalid_language"),
        ("/questions/1/choices", "invalid_length"),
        ("/questions/2/id", "duplicate"),
        ("/questions/2/choices", "not_allowed"),
        ("/questions/3/purpose", "not_allowed"),
        ("/questions/4/maxLength", "not_allowed"),
        ("/questions/5/maxLength", "out_of_range"),
        ("/questions/5/alertOn", "not_allowed"),
        ("/questions/5/text/fr", "invalid_length"),
    ] {
        assert!(found.contains(&(expected.0.to_owned(), expected.1)), "{expected:?} not in {found:?}");
    }
}

#[test]
fn needs_the_default_language_questions_and_unique_choices() {
    let mut t = base();
    t.title.remove("en");
    t.questions[1].choices[1].value = t.questions[1].choices[0].value.clone();
    t.questions[1].choices[2].label.remove("en");
    let found = codes(&t);
    assert!(found.contains(&("/title".into(), "missing_translation")));
    assert!(found.contains(&("/questions/1/choices/1/value".into(), "duplicate")));
    assert!(found.contains(&("/questions/1/choices/2/label".into(), "missing_translation")));
    t.questions.clear();
    assert!(codes(&t).contains(&("/questions".into(), "invalid_length")));
}

#[test]
fn at_most_one_question_per_purpose() {
    let mut t = base();
    let extra = t.question("overall").unwrap().clone();
    t.questions.push(Question { id: "overall_2".into(), ..extra });
    assert!(codes(&t).contains(&("/questions".into(), "duplicate_purpose")));
}

#[test]
fn language_codes() {
    assert!(
        is_language_code("en") && is_language_code("kin") && is_language_code("en-gb") && is_language_code("es-419")
    );
    assert!(
        !is_language_code("EN") && !is_language_code("e") && !is_language_code("en-") && !is_language_code("en_gb")
    );
}

#[test]
fn selects_the_department_template_then_the_generic_one() {
    let mut templates = default_templates();
    let mut maternity = templates[0].clone();
    maternity.id = "maternity-post-visit".into();
    maternity.department = Some("Maternity".into());
    templates.push(maternity);
    let pick = |d| select_template(&templates, SessionType::PostVisit, d).map(|t| t.id.as_str());
    assert_eq!(pick(Some("maternity")), Some("maternity-post-visit"));
    assert_eq!(pick(Some("Radiology")), Some("default-post-visit"));
    assert_eq!(pick(None), Some("default-post-visit"));
    assert_eq!(select_template(&[], SessionType::General, None), None);
}

#[test]
fn templates_round_trip_through_json() {
    for t in default_templates() {
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["sessionType"], t.session_type.as_str());
        let back: QuestionnaireTemplate = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
    }
    let unknown = serde_json::json!({"id": "x", "sessionType": "general", "defaultLanguage": "en", "title": {}, "questions": [], "extra": 1});
    assert!(serde_json::from_value::<QuestionnaireTemplate>(unknown).is_err());
}
