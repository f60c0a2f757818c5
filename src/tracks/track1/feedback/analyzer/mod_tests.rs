use super::*;

struct Failing;

#[async_trait]
impl FeedbackAnalyzer for Failing {
    fn name(&self) -> &str {
        "failing"
    }
    async fn analyze(&self, _: &AnalysisInput<'_>) -> Result<FeedbackAnalysis, AnalyzerError> {
        Err(AnalyzerError::Unavailable("offline for the test".into()))
    }
}

/// A primary that sees nothing wrong, ever, and returns numbers out of range.
struct Careless;

#[async_trait]
impl FeedbackAnalyzer for Careless {
    fn name(&self) -> &str {
        "careless"
    }
    async fn analyze(&self, _: &AnalysisInput<'_>) -> Result<FeedbackAnalysis, AnalyzerError> {
        Ok(FeedbackAnalysis {
            rating: 9,
            sentiment: Sentiment::Positive,
            sentiment_score: 3.0,
            topics: vec!["staff_attitude".into()],
            urgency: Urgency::Low,
            urgency_score: f64::NAN,
            action_required: false,
            department: None,
            category: Some("staff".into()),
            red_flags: vec![],
            denied_red_flags: vec!["fall".into()],
            language: "en".into(),
            analyzer: "careless".into(),
        })
    }
}

fn offline() -> Arc<OfflineAnalyzer> {
    Arc::new(OfflineAnalyzer::builtin().unwrap())
}

const INPUT: AnalysisInput<'static> =
    AnalysisInput { text: "Lovely nurse but I fell in the shower", language_hint: Some("en"), department_hint: None };

#[actix_rt::test]
async fn falls_back_to_offline_when_the_primary_fails() {
    let analyzer = FallbackAnalyzer::new(Arc::new(Failing), offline());
    let result = analyzer.analyze(&INPUT).await.unwrap();
    assert_eq!(result.analyzer, "offline");
    assert_eq!(result.red_flags[0].code, "fall");
    assert_eq!(analyzer.name(), "failing");
}

#[actix_rt::test]
async fn merges_offline_red_flags_into_the_primary_result() {
    let analyzer = FallbackAnalyzer::new(Arc::new(Careless), offline());
    let result = analyzer.analyze(&INPUT).await.unwrap();
    assert_eq!(result.analyzer, "careless");
    assert_eq!(result.red_flags[0].code, "fall");
    assert!(result.denied_red_flags.is_empty());
    assert_eq!(result.urgency, Urgency::High);
    assert!(result.urgency_score >= HIGH_URGENCY);
    assert!(result.action_required);
    assert_eq!(result.category.as_deref(), Some(PATIENT_SAFETY));
    assert_eq!((result.rating, result.sentiment_score), (5, 1.0));
}

#[test]
fn labels_follow_the_thresholds() {
    assert_eq!(Sentiment::from_score(0.05), Sentiment::Positive);
    assert_eq!(Sentiment::from_score(0.049), Sentiment::Neutral);
    assert_eq!(Sentiment::from_score(-0.05), Sentiment::Negative);
    assert_eq!(Urgency::from_score(0.7), Urgency::High);
    assert_eq!(Urgency::from_score(0.35), Urgency::Medium);
    assert_eq!(Urgency::from_score(0.349), Urgency::Low);
    assert!(Urgency::High > Urgency::Medium && Urgency::Medium > Urgency::Low);
}

#[test]
fn serialises_in_the_plan_shape() {
    let analysis = offline().analyze_text(&AnalysisInput { text: "The bill was wrong", ..AnalysisInput::default() });
    let json = serde_json::to_value(&analysis).unwrap();
    for key in [
        "rating",
        "sentiment",
        "sentimentScore",
        "topics",
        "urgency",
        "urgencyScore",
        "actionRequired",
        "category",
        "redFlags",
        "language",
        "analyzer",
    ] {
        assert!(json.get(key).is_some(), "{key} missing in {json}");
    }
    assert_eq!(json["sentiment"], "negative");
    let back: FeedbackAnalysis = serde_json::from_value(json).unwrap();
    assert_eq!(back, analysis);
}
