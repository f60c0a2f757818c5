use super::*;

fn analyze(text: &str) -> FeedbackAnalysis {
    OfflineAnalyzer::builtin().unwrap().analyze_text(&AnalysisInput { text, ..AnalysisInput::default() })
}

#[test]
fn a_red_flag_forces_high_urgency_action_and_safety_category() {
    let a = analyze("Great staff. I had chest pain in the waiting room.");
    assert_eq!(a.urgency, Urgency::High);
    assert!(a.urgency_score >= 0.9);
    assert!(a.action_required);
    assert_eq!(a.category.as_deref(), Some(PATIENT_SAFETY));
    assert_eq!(a.department.as_deref(), Some("Emergency"));
    assert_eq!(a.red_flags[0].code, "chest_pain");
}

#[test]
fn two_flags_score_higher_than_one() {
    let a = analyze("I fell and now my chest pain is back");
    assert_eq!(a.red_flags.len(), 2);
    assert!((a.urgency_score - 0.95).abs() < 1e-9);
}

#[test]
fn praise_is_positive_low_urgency_and_needs_no_action() {
    let a = analyze("The nurses were wonderful and very kind");
    assert_eq!(a.sentiment, Sentiment::Positive);
    assert!(a.rating >= 4);
    assert_eq!(a.urgency, Urgency::Low);
    assert!(!a.action_required);
    assert_eq!(a.topics, ["staff_attitude"]);
}

#[test]
fn strong_complaints_with_cues_reach_medium_or_high() {
    let a = analyze("Absolutely disgusting treatment, I am getting worse and will contact a lawyer");
    assert_eq!(a.sentiment, Sentiment::Negative);
    assert!(a.urgency >= Urgency::Medium, "{a:?}");
    assert!(a.action_required);
}

#[test]
fn a_denied_symptom_is_reported_apart_and_only_nudges_urgency() {
    let a = analyze("No chest pain since the new treatment");
    assert!(a.red_flags.is_empty());
    assert_eq!(a.denied_red_flags, ["chest_pain"]);
    assert_eq!(a.urgency, Urgency::Low);
}

#[test]
fn the_language_hint_wins_and_detection_works_without_it() {
    let analyzer = OfflineAnalyzer::builtin().unwrap();
    let fr =
        analyzer.analyze_text(&AnalysisInput { text: "Le personnel était très gentil", ..AnalysisInput::default() });
    assert_eq!((fr.language.as_str(), fr.sentiment), ("fr", Sentiment::Positive));
    let es = analyzer.analyze_text(&AnalysisInput { text: "El personal fue muy amable", ..AnalysisInput::default() });
    assert_eq!(es.language, "es");
    let hinted = analyzer.analyze_text(&AnalysisInput {
        text: "Le personnel était très gentil",
        language_hint: Some("es-MX"),
        department_hint: None,
    });
    assert_eq!(hinted.language, "es");
}

#[test]
fn department_comes_from_text_then_hint_then_flag_then_topic() {
    let analyzer = OfflineAnalyzer::builtin().unwrap();
    let input = |text, hint| AnalysisInput { text, language_hint: Some("en"), department_hint: hint };
    let named = analyzer.analyze_text(&input("The pharmacy lost my prescription", Some("Maternity")));
    assert_eq!(named.department.as_deref(), Some("Pharmacy"));
    let hinted = analyzer.analyze_text(&input("I fell in the corridor", Some("Maternity")));
    assert_eq!(hinted.department.as_deref(), Some("Maternity"));
    let flagged = analyzer.analyze_text(&input("I fell in the corridor", None));
    assert_eq!(flagged.department.as_deref(), Some("Nursing"));
    let topical = analyzer.analyze_text(&input("I was charged twice", None));
    assert_eq!(topical.department.as_deref(), Some("Billing"));
    assert_eq!(topical.category.as_deref(), Some("administrative"));
}

#[test]
fn empty_text_is_neutral_and_quiet() {
    let a = analyze("   ");
    assert_eq!((a.sentiment, a.urgency, a.action_required, a.rating), (Sentiment::Neutral, Urgency::Low, false, 3));
    assert!(a.topics.is_empty() && a.red_flags.is_empty());
}

#[test]
fn a_clinic_extension_is_used() {
    let analyzer = OfflineAnalyzer::with_extensions(
        Some("@topic\tinterpreter\tcommunication\tPatient Services\tInterpreter\ntopic\tinterpreter\t*\tinterpreter*\n"),
        Some("@flag\tpregnancy_bleeding\tsymptom\tMaternity\tBleeding in pregnancy\nflag\tpregnancy_bleeding\t*\tspotting\n"),
    )
    .unwrap();
    let a =
        analyzer.analyze_text(&AnalysisInput { text: "No interpreter and some spotting", ..AnalysisInput::default() });
    assert!(a.topics.contains(&"interpreter".to_owned()));
    assert_eq!(a.red_flags[0].code, "pregnancy_bleeding");
    assert!(OfflineAnalyzer::with_extensions(Some("topic\tnope\ten\tx1\n"), None).is_err());
}

#[test]
fn urgency_and_rating_rules() {
    assert_eq!(urgency_score(UrgencyFacts { flags: 5, ..UrgencyFacts::default() }), 1.0);
    let f = UrgencyFacts { cues: 2.0, sentiment_score: -1.0, clinical: true, flags: 0, denied: 1 };
    assert_eq!(urgency_score(f), 1.0);
    let mild = UrgencyFacts { cues: 0.0, sentiment_score: 0.8, clinical: true, flags: 0, denied: 0 };
    assert_eq!(urgency_score(mild), 0.0);
    assert_eq!(
        (estimated_rating(-1.0), estimated_rating(0.0), estimated_rating(1.0), estimated_rating(0.3)),
        (1, 3, 5, 4)
    );
}

#[test]
fn very_long_text_is_bounded() {
    let text = "the staff were rude. ".repeat(2_000);
    let a = analyze(&text);
    assert_eq!(a.sentiment, Sentiment::Negative);
}
