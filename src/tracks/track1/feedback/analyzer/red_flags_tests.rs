use super::{
    super::{language::Language, text::tokenize},
    *,
};

fn lexicon(language: Language) -> Lexicon {
    let (file, text) = match language {
        Language::En => ("lexicon-en.tsv", include_str!("data/lexicon-en.tsv")),
        Language::Fr => ("lexicon-fr.tsv", include_str!("data/lexicon-fr.tsv")),
        Language::Es => ("lexicon-es.tsv", include_str!("data/lexicon-es.tsv")),
    };
    Lexicon::parse(language, file, text).unwrap()
}

fn scan(text: &str, language: Language) -> FlagScan {
    RedFlags::builtin().unwrap().scan(&tokenize(text), Some(&lexicon(language)))
}

fn codes(text: &str, language: Language) -> Vec<String> {
    scan(text, language).flags.into_iter().map(|f| f.code).collect()
}

#[test]
fn builtin_flags_load_with_every_required_code() {
    let flags = RedFlags::builtin().unwrap();
    let all: Vec<&str> = flags.codes().collect();
    for code in [
        "chest_pain",
        "breathing_difficulty",
        "wrong_medication",
        "fall",
        "bleeding",
        "infection_after_surgery",
        "suicidal_ideation",
        "abuse",
        "allergic_reaction",
        "loss_of_consciousness",
    ] {
        assert!(all.contains(&code), "{code}");
    }
}

#[test]
fn finds_flags_in_each_language_whatever_the_case_and_accents() {
    assert_eq!(codes("CHEST PAIN since this morning", Language::En), ["chest_pain"]);
    assert_eq!(codes("Douleur Thoracique depuis hier", Language::Fr), ["chest_pain"]);
    assert_eq!(codes("dolor de pecho", Language::Es), ["chest_pain"]);
    assert_eq!(codes("Je me suis évanouie", Language::Fr), ["loss_of_consciousness"]);
    assert_eq!(codes("je me suis evanouie", Language::Fr), ["loss_of_consciousness"]);
    assert_eq!(codes("I cant breathe", Language::En), ["breathing_difficulty"]);
    assert_eq!(codes("they gave me the wrong dose", Language::En), ["wrong_medication"]);
    assert_eq!(codes("I have been thinking about killing myself", Language::En), ["suicidal_ideation"]);
}

#[test]
fn every_language_is_scanned_whatever_was_detected() {
    assert_eq!(codes("me caí en el baño", Language::En), ["fall"]);
    let undetected = RedFlags::builtin().unwrap().scan(&tokenize("je suis tombée"), None);
    assert_eq!(undetected.flags.len(), 1);
}

#[test]
fn a_negation_elsewhere_never_hides_an_event_or_a_symptom() {
    assert_eq!(codes("No one helped when I fell", Language::En), ["fall"]);
    assert_eq!(codes("Nobody came although I was bleeding", Language::En), ["bleeding"]);
    assert_eq!(codes("There was no nurse and I had chest pain", Language::En), ["chest_pain"]);
    assert_eq!(codes("Personne n'est venu alors que je saignais", Language::Fr), ["bleeding"]);
}

#[test]
fn events_are_never_denied() {
    assert_eq!(codes("I did not fall, but I'm not suicidal either", Language::En), ["fall", "suicidal_ideation"]);
    assert_eq!(codes("no wrong medication this time", Language::En), ["wrong_medication"]);
}

#[test]
fn a_direct_denial_lowers_a_symptom_flag() {
    let s = scan("No chest pain since the new tablets", Language::En);
    assert!(s.flags.is_empty());
    assert_eq!(s.denied, ["chest_pain"]);
    assert!(scan("I haven't had any bleeding", Language::En).flags.is_empty());
    assert!(scan("pas de douleur thoracique", Language::Fr).flags.is_empty());
    assert!(scan("sin dolor en el pecho", Language::Es).flags.is_empty());
}

#[test]
fn a_denial_carries_over_a_disjunction_only() {
    assert!(scan("No fever or bleeding after the operation", Language::En).flags.is_empty());
    assert_eq!(codes("No fever and bleeding after the operation", Language::En), ["bleeding"]);
    assert!(scan("Pas de fièvre ni de saignement depuis l'opération", Language::Fr).flags.is_empty());
}

#[test]
fn a_later_affirmed_mention_wins_over_a_denied_one() {
    let s = scan("No chest pain yesterday. Today chest pain again.", Language::En);
    assert_eq!(s.flags.len(), 1);
    assert!(s.denied.is_empty());
}

#[test]
fn fever_needs_a_surgical_context() {
    assert!(codes("my son had a fever, the doctor was great", Language::En).is_empty());
    assert_eq!(codes("a fever since the operation", Language::En), ["infection_after_surgery"]);
    assert_eq!(codes("fièvre depuis la césarienne", Language::Fr), ["infection_after_surgery"]);
}

#[test]
fn exclusions_remove_idioms_not_real_events() {
    assert!(codes("I fell asleep in the waiting room", Language::En).is_empty());
    assert!(codes("Ça tombe mal, c'était fermé", Language::Fr).is_empty());
    assert_eq!(codes("je suis tombé mal sur le bras", Language::Fr), ["fall"]);
    assert!(codes("a life-threatening delay", Language::En).is_empty());
}

#[test]
fn double_dosing_is_an_event_but_a_twice_daily_schedule_is_not() {
    assert_eq!(codes("the nurse gave me my insulin twice", Language::En), ["wrong_medication"]);
    assert_eq!(codes("On m'a donné deux fois mon traitement", Language::Fr), ["wrong_medication"]);
    assert!(codes("I take the tablets twice a day", Language::En).is_empty());
    assert!(codes("I asked twice about my tablets", Language::En).is_empty());
    assert!(codes("je prends mon traitement deux fois par jour", Language::Fr).is_empty());
    assert!(codes("tomo la medicación dos veces al día", Language::Es).is_empty());
}

#[test]
fn reports_evidence_department_and_label() {
    let flag = &scan("the wound keeps bleeding", Language::En).flags[0];
    assert_eq!(flag.evidence, "bleeding");
    assert_eq!(flag.department.as_deref(), Some("Nursing"));
    assert_eq!(flag.label, "Bleeding");
}

#[test]
fn a_clinic_adds_its_own_flags() {
    let mut flags = RedFlags::builtin().unwrap();
    flags.extend("custom", "@flag\tpregnancy_bleeding\tsymptom\tMaternity\tBleeding in pregnancy\nflag\tpregnancy_bleeding\t*\tspotting\n").unwrap();
    let found = flags.scan(&tokenize("some spotting"), None);
    assert_eq!(found.flags[0].code, "pregnancy_bleeding");
    assert!(flags.extend("custom", "flag\tunknown\ten\tx1\n").is_err());
    assert!(flags.extend("custom", "@flag\tx\tmaybe\t-\tX\n").is_err());
}
