//! The default questionnaires a new clinic starts with: one per session type, for every
//! department, in English and French. Staff may replace them or add department-specific ones.

use super::{
    template::{Choice, Question, QuestionPurpose, QuestionnaireTemplate, ResponseType, Translations},
    SessionType,
};

/// The seeded templates, one per session type.
pub fn default_templates() -> Vec<QuestionnaireTemplate> {
    vec![post_visit(), medication(), service_quality(), general()]
}

fn post_visit() -> QuestionnaireTemplate {
    template(
        SessionType::PostVisit,
        "How was your visit?",
        "Comment s'est passée votre visite ?",
        vec![
            overall(),
            choice(
                "wait_time",
                false,
                "How long did you wait before being seen?",
                "Combien de temps avez-vous attendu avant d'être reçu(e) ?",
                &WAIT_CHOICES,
            ),
            rating(
                "staff_courtesy",
                false,
                "How courteous and respectful were the staff?",
                "Le personnel a-t-il été courtois et respectueux ?",
            ),
            boolean(
                "explained_clearly",
                false,
                "Did the clinician explain your diagnosis and treatment clearly?",
                "Le soignant vous a-t-il expliqué clairement votre diagnostic et votre traitement ?",
            ),
            recommend(),
            comments(
                "Is there anything else you would like to tell us about your visit?",
                "Souhaitez-vous nous dire autre chose sur votre visite ?",
            ),
        ],
    )
}

fn medication() -> QuestionnaireTemplate {
    let mut taking = boolean(
        "taking_as_prescribed",
        true,
        "Are you taking the medication as prescribed?",
        "Prenez-vous le médicament comme il vous a été prescrit ?",
    );
    taking.alert_on = Some(false);
    template(
        SessionType::Medication,
        "Your medication",
        "Votre traitement",
        vec![
            taking,
            rating(
                "effectiveness",
                true,
                "How well is the medication working for you?",
                "Le médicament est-il efficace pour vous ?",
            ),
            choice(
                "side_effects",
                true,
                "Have you had any side effects?",
                "Avez-vous eu des effets secondaires ?",
                &SIDE_EFFECT_CHOICES,
            ),
            comments(
                "Please describe any side effects or concerns.",
                "Décrivez les effets secondaires ou vos inquiétudes.",
            ),
            boolean(
                "instructions_clear",
                false,
                "Were the instructions for taking it clear?",
                "Les instructions de prise étaient-elles claires ?",
            ),
        ],
    )
}

fn service_quality() -> QuestionnaireTemplate {
    template(
        SessionType::ServiceQuality,
        "Our service",
        "Notre service",
        vec![
            overall(),
            rating(
                "reception",
                false,
                "How were you welcomed at reception?",
                "Comment avez-vous été accueilli(e) à l'accueil ?",
            ),
            rating("cleanliness", false, "How clean were the premises?", "Les locaux étaient-ils propres ?"),
            rating(
                "waiting_time",
                false,
                "How satisfied are you with the waiting time?",
                "Êtes-vous satisfait(e) du temps d'attente ?",
            ),
            boolean(
                "billing_clear",
                false,
                "Was your bill clear and as expected?",
                "Votre facture était-elle claire et conforme ?",
            ),
            recommend(),
            comments("How could we improve our service?", "Comment pourrions-nous améliorer notre service ?"),
        ],
    )
}

fn general() -> QuestionnaireTemplate {
    let mut message = comments("Please tell us more.", "Dites-nous en plus.");
    message.required = true;
    template(
        SessionType::General,
        "Your feedback",
        "Votre avis",
        vec![
            choice("feedback_kind", true, "What is your feedback about?", "De quoi s'agit-il ?", &KIND_CHOICES),
            message,
            boolean(
                "contact_ok",
                false,
                "May we contact you about your feedback?",
                "Pouvons-nous vous contacter au sujet de votre avis ?",
            ),
        ],
    )
}

const WAIT_CHOICES: [(&str, &str, &str, bool); 4] = [
    ("under_15_min", "Less than 15 minutes", "Moins de 15 minutes", false),
    ("15_to_30_min", "15 to 30 minutes", "De 15 à 30 minutes", false),
    ("30_to_60_min", "30 minutes to an hour", "De 30 minutes à une heure", false),
    ("over_1_hour", "More than an hour", "Plus d'une heure", false),
];

const SIDE_EFFECT_CHOICES: [(&str, &str, &str, bool); 4] = [
    ("none", "None", "Aucun", false),
    ("mild", "Mild", "Légers", false),
    ("moderate", "Moderate", "Modérés", false),
    ("severe", "Severe", "Graves", true),
];

const KIND_CHOICES: [(&str, &str, &str, bool); 5] = [
    ("compliment", "A compliment", "Un compliment", false),
    ("complaint", "A complaint", "Une plainte", false),
    ("suggestion", "A suggestion", "Une suggestion", false),
    ("question", "A question", "Une question", false),
    ("other", "Something else", "Autre chose", false),
];

fn template(session_type: SessionType, en: &str, fr: &str, questions: Vec<Question>) -> QuestionnaireTemplate {
    QuestionnaireTemplate {
        id: format!("default-{}", session_type.as_str().replace('_', "-")),
        session_type,
        department: None,
        default_language: "en".to_owned(),
        title: texts(en, fr),
        questions,
    }
}

fn texts(en: &str, fr: &str) -> Translations {
    Translations::from([("en".to_owned(), en.to_owned()), ("fr".to_owned(), fr.to_owned())])
}

fn question(id: &str, response_type: ResponseType, required: bool, en: &str, fr: &str) -> Question {
    Question {
        id: id.to_owned(),
        response_type,
        required,
        text: texts(en, fr),
        choices: Vec::new(),
        purpose: None,
        max_length: None,
        alert_on: None,
    }
}

fn rating(id: &str, required: bool, en: &str, fr: &str) -> Question {
    question(id, ResponseType::Rating, required, en, fr)
}

fn boolean(id: &str, required: bool, en: &str, fr: &str) -> Question {
    question(id, ResponseType::Boolean, required, en, fr)
}

fn choice(id: &str, required: bool, en: &str, fr: &str, choices: &[(&str, &str, &str, bool)]) -> Question {
    let mut q = question(id, ResponseType::Choice, required, en, fr);
    q.choices = choices
        .iter()
        .map(|(value, en, fr, alert)| Choice { value: (*value).to_owned(), label: texts(en, fr), alert: *alert })
        .collect();
    q
}

fn overall() -> Question {
    let mut q = rating(
        "overall",
        true,
        "Overall, how would you rate your experience? (1–5)",
        "Dans l'ensemble, comment évaluez-vous votre expérience ? (1 à 5)",
    );
    q.purpose = Some(QuestionPurpose::OverallRating);
    q
}

fn recommend() -> Question {
    let mut q = rating(
        "recommend",
        true,
        "How likely are you to recommend us to a friend or relative? (0–10)",
        "Quelle est la probabilité que vous nous recommandiez à un proche ? (0 à 10)",
    );
    q.purpose = Some(QuestionPurpose::Recommendation);
    q
}

fn comments(en: &str, fr: &str) -> Question {
    question("comments", ResponseType::Text, false, en, fr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_valid_template_per_session_type_in_english_and_french() {
        let templates = default_templates();
        for session_type in SessionType::ALL {
            let matching: Vec<_> = templates.iter().filter(|t| t.session_type == session_type).collect();
            assert_eq!(matching.len(), 1, "{session_type:?}");
            let t = matching[0];
            assert_eq!(t.violations(), vec![], "{}", t.id);
            assert!(t.department.is_none());
            for q in &t.questions {
                assert!(q.text.contains_key("en") && q.text.contains_key("fr"), "{}", q.id);
                assert!(q.choices.iter().all(|c| c.label.contains_key("en") && c.label.contains_key("fr")));
            }
        }
    }

    #[test]
    fn ids_are_stable() {
        let ids: Vec<String> = default_templates().into_iter().map(|t| t.id).collect();
        assert_eq!(ids, ["default-post-visit", "default-medication", "default-service-quality", "default-general"]);
    }

    #[test]
    fn nps_templates_have_the_recommendation_question() {
        for t in default_templates() {
            let has_nps = t.question_for(QuestionPurpose::Recommendation).is_some();
            let expected = matches!(t.session_type, SessionType::PostVisit | SessionType::ServiceQuality);
            assert_eq!(has_nps, expected, "{}", t.id);
        }
    }
}
