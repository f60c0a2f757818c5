use super::*;
use EmergencyCategory::*;

fn category(text: &str) -> Option<EmergencyCategory> {
    detect_emergency(text).map(|e| e.category)
}

#[test]
fn finds_english_emergencies() {
    assert_eq!(category("I have had chest pain since this morning"), Some(ChestPain));
    assert_eq!(category("I CAN'T BREATHE"), Some(Breathing));
    assert_eq!(category("i cant breathe properly"), Some(Breathing));
    assert_eq!(category("I keep thinking I want to kill myself"), Some(SuicideOrSelfHarm));
    assert_eq!(category("My cut is bleeding heavily and won't stop bleeding"), Some(SevereBleeding));
    assert_eq!(category("Dad's face is drooping and he has slurred speech"), Some(Stroke));
    assert_eq!(category("my son took too many pills"), Some(Overdose));
    assert_eq!(category("I cannot stop the bleeding from my leg"), Some(SevereBleeding));
    assert_eq!(category("My wife passed out and is unresponsive"), Some(Unconscious));
    let e = detect_emergency("Chest pain and I feel dizzy").unwrap();
    assert_eq!(e.language, "en");
}

#[test]
fn finds_french_and_spanish_emergencies() {
    let fr = detect_emergency("J'ai une douleur à la poitrine depuis une heure").unwrap();
    assert_eq!((fr.category, fr.language), (ChestPain, "fr"));
    assert_eq!(category("je n'arrive pas à respirer"), Some(Breathing));
    assert_eq!(category("J'ai des idées suicidaires"), Some(SuicideOrSelfHarm));
    let es = detect_emergency("Tengo un dolor de pecho muy fuerte").unwrap();
    assert_eq!((es.category, es.language), (ChestPain, "es"));
    assert_eq!(category("No puedo respirar"), Some(Breathing));
    assert_eq!(category("mi hijo tomó demasiadas pastillas"), Some(Overdose));
    assert_eq!(category("creo que tiene un derrame cerebral"), Some(Stroke));
}

#[test]
fn negated_symptoms_are_not_emergencies() {
    assert_eq!(category("No chest pain, just a cough"), None);
    assert_eq!(category("I don't have any chest pain anymore"), None);
    assert_eq!(category("Je n'ai pas de douleur thoracique"), None);
    assert_eq!(category("sans douleur à la poitrine"), None);
    assert_eq!(category("No tengo dolor de pecho"), None);
    assert_eq!(category("sin dolor en el pecho"), None);
}

#[test]
fn ordinary_questions_are_not_emergencies() {
    for text in [
        "What are your opening hours?",
        "Can I get a refill of my blood pressure prescription?",
        "Je voudrais prendre rendez-vous",
        "¿Dónde puedo aparcar?",
        "I can breathe fine now, thanks",
        "",
    ] {
        assert_eq!(category(text), None, "{text}");
    }
}

#[test]
fn a_negation_in_another_clause_does_not_hide_the_cue() {
    assert_eq!(category("No fever. Chest pain since noon"), Some(ChestPain));
    assert_eq!(category("not sure, but chest pain again"), Some(ChestPain));
}

#[test]
fn replies_in_the_patients_language() {
    assert!(safety_reply("en").contains("emergency"));
    assert!(safety_reply("fr-FR").contains("urgence"));
    assert!(safety_reply("es").contains("emergencias"));
    assert_eq!(safety_reply("rw"), safety_reply("en"));
}

#[test]
fn category_names_are_their_serde_names() {
    for category in
        [ChestPain, Breathing, SuicideOrSelfHarm, SevereBleeding, Stroke, Overdose, Unconscious, AllergyOrSeizure]
    {
        assert_eq!(serde_json::to_value(category).unwrap(), category.as_str());
    }
}
