//! The criteria language on real sentences, through the checker with the
//! shipped lexicon, ConText rules and policies: one test per general pattern
//! (the sentences are written for these tests, not copied from a labelled set).

use pa_evidence::criteria::{check_file, CriteriaSet};
use pa_evidence::Checker;
use pa_types::{CriterionStatus, DocKind, Sentence};

use crate::{load_criteria, new_checker};

fn checker() -> Checker {
    new_checker(&pa_config::Settings::embedded()).unwrap()
}

fn sentence(doc: &str, kind: DocKind, ordinal: u32, text: &str) -> Sentence {
    Sentence {
        span: pa_types::Citation {
            doc_id: doc.into(),
            page: 1,
            start: 0,
            end: text.chars().count() as u32,
            quote: text.into(),
        },
        kind,
        section: String::new(),
        ordinal,
    }
}

/// A case: a request letter, then clinical note sentences.
fn case(letter: &str, note: &[&str]) -> Vec<Sentence> {
    let mut v = vec![sentence("letter", DocKind::Lmn, 0, letter)];
    v.extend(
        note.iter()
            .enumerate()
            .map(|(i, t)| sentence("note", DocKind::ClinicalNote, i as u32, t)),
    );
    v
}

/// The statuses of a one-off policy's criteria on a case.
fn statuses(criteria: &str, sentences: &[Sentence]) -> Vec<(String, CriterionStatus, String)> {
    let checker = checker();
    let text =
        format!("version = 1\nid = \"t\"\ntitle = \"t\"\ndrugs = [\"erenumab\"]\n\n{criteria}");
    let policy = check_file("test", &text, &checker).unwrap_or_else(|e| panic!("{e:?}"));
    checker
        .check_policy(&policy, Some("erenumab"), &checker.case(sentences))
        .into_iter()
        .map(|r| (r.criterion_id, r.status, r.reason))
        .collect()
}

fn status(criteria: &str, sentences: &[Sentence]) -> CriterionStatus {
    statuses(criteria, sentences)[0].1
}

const LETTER: &str = "Date: 11/02/2026. I am requesting erenumab 70 mg monthly.";

#[test]
fn words_go_through_context() {
    let c = "[[criterion]]\nid = \"w\"\ndescription = \"w\"\nwords = [\"hematologic malignancy\"]";
    let negated = case(
        LETTER,
        &["There is no evidence of other hematologic malignancy."],
    );
    assert_eq!(status(c, &negated), CriterionStatus::MissingEvidence);
    let family = case(LETTER, &["Her father had a hematologic malignancy."]);
    assert_eq!(status(c, &family), CriterionStatus::MissingEvidence);
    let planned = case(
        LETTER,
        &["Will rule out hematologic malignancy if counts drop."],
    );
    assert_eq!(status(c, &planned), CriterionStatus::MissingEvidence);
    let affirmed = case(
        LETTER,
        &["Diagnosed with a hematologic malignancy in 2019."],
    );
    assert_eq!(status(c, &affirmed), CriterionStatus::Met);
}

#[test]
fn steroid_therapy_is_a_systemic_corticosteroid_trial() {
    let c = "[[criterion]]\nid = \"s\"\ndescription = \"s\"\nconcepts = [\"oral_corticosteroid\"]";
    let tried = case(
        LETTER,
        &["Symptoms persist despite current steroid therapy."],
    );
    assert_eq!(status(c, &tried), CriterionStatus::Met);
    let none = case(LETTER, &["She has had no steroid therapy so far."]);
    assert_ne!(status(c, &none), CriterionStatus::Met);
}

#[test]
fn distinct_drugs_of_a_class_are_counted_and_the_requested_one_never() {
    let c = "[[criterion]]\nid = \"n\"\ndescription = \"n\"\ncount_of = \"migraine_preventive\"\nmin = 2";
    let two = case(
        LETTER,
        &[
            "Headaches continue despite propranolol and amitriptyline.",
            "Start erenumab.",
        ],
    );
    let r = statuses(c, &two);
    assert_eq!(r[0].1, CriterionStatus::Met, "{r:?}");
    assert!(r[0].2.starts_with("2 distinct"), "{r:?}");
    // A planned drug and the requested drug do not count.
    let one = case(
        LETTER,
        &[
            "Failed propranolol.",
            "Plan to start topiramate next month.",
            "Erenumab was started in clinic.",
        ],
    );
    let r = statuses(c, &one);
    assert_eq!(r[0].1, CriterionStatus::NotMet, "{r:?}");
    assert!(r[0].2.contains("only 1 distinct"), "{r:?}");
}

#[test]
fn conditionals_apply_only_when_their_condition_is_affirmed() {
    let c = "[[criterion]]\nid = \"ph\"\ndescription = \"ph\"\nwhen = { concepts = [\"ph_positive\"] }\nthen = { concepts = [\"tki_second_generation\"] }";
    let negative = case(
        LETTER,
        &["Cytogenetics showed Philadelphia chromosome-negative disease."],
    );
    let r = statuses(c, &negative);
    assert_eq!(r[0].1, CriterionStatus::Met, "{r:?}");
    assert!(r[0].2.starts_with("does not apply"), "{r:?}");
    let first_gen = case(
        LETTER,
        &[
            "Philadelphia chromosome-positive ALL.",
            "Treated with imatinib during induction.",
        ],
    );
    assert_eq!(status(c, &first_gen), CriterionStatus::MissingEvidence);
    let second_gen = case(
        LETTER,
        &[
            "Philadelphia chromosome-positive ALL.",
            "Progressed on dasatinib.",
        ],
    );
    assert_eq!(status(c, &second_gen), CriterionStatus::Met);
    // A negative MRD result is not MRD-positive disease.
    let mrd = "[[criterion]]\nid = \"m\"\ndescription = \"m\"\nconcepts = [\"mrd_positive\"]";
    assert_ne!(
        status(mrd, &case(LETTER, &["Bone marrow was MRD negative."])),
        CriterionStatus::Met
    );
    assert_eq!(
        status(
            mrd,
            &case(LETTER, &["Flow cytometry: MRD positive at 0.1%."])
        ),
        CriterionStatus::Met
    );
}

#[test]
fn at_least_k_of_counts_met_and_undocumented_alternatives() {
    let c = "[[criterion]]\nid = \"k\"\ndescription = \"k\"\nat_least = 2\nof = [{ concepts = [\"triptan\"] }, { concepts = [\"nsaid\"] }, { measure = \"bmi\", min = 30 }]";
    let two = case(LETTER, &["Tried sumatriptan.", "Ibuprofen did not help."]);
    assert_eq!(status(c, &two), CriterionStatus::Met);
    // One met, one contradicted (BMI 24), one undocumented: two are still possible.
    let open = case(LETTER, &["Tried sumatriptan.", "BMI 24."]);
    assert_eq!(status(c, &open), CriterionStatus::MissingEvidence);
    // One met and two that are not: two cannot be reached.
    let closed = case(
        LETTER,
        &["Tried sumatriptan.", "BMI 24.", "Declined ibuprofen."],
    );
    assert_eq!(status(c, &closed), CriterionStatus::NotMet);
}

#[test]
fn exclusions_count_affirmed_and_current_mentions_only() {
    let absent = "[[criterion]]\nid = \"a\"\ndescription = \"a\"\nabsent = { concepts = [\"substance_use\"] }";
    assert_eq!(
        status(absent, &case(LETTER, &["No substance use disorder."])),
        CriterionStatus::Met
    );
    assert_eq!(
        status(absent, &case(LETTER, &["Active substance use disorder."])),
        CriterionStatus::NotMet
    );
    let concurrent = "[[criterion]]\nid = \"c\"\ndescription = \"c\"\nnot_concurrent = { concepts = [\"cgrp_antagonist\"] }";
    let past = case(
        LETTER,
        &["Galcanezumab was discontinued in 2024 for lack of effect."],
    );
    assert_eq!(status(concurrent, &past), CriterionStatus::Met);
    let now = case(LETTER, &["Currently on fremanezumab monthly."]);
    assert_eq!(status(concurrent, &now), CriterionStatus::NotMet);
    // The requested drug itself is never "another" concurrent drug.
    let requested = case(LETTER, &["Currently on erenumab monthly."]);
    assert_eq!(status(concurrent, &requested), CriterionStatus::Met);
}

#[test]
fn age_from_a_stated_age_or_the_birth_date_and_sex() {
    let adult = "[[criterion]]\nid = \"g\"\ndescription = \"g\"\nage_min = 18";
    let stated = case(LETTER, &["A 17-year-old with chronic migraine."]);
    assert_eq!(status(adult, &stated), CriterionStatus::NotMet);
    // Born 2008-11-03, the letter is dated 2026-11-02: 17, a day short of 18.
    let born = case(LETTER, &["Patient DOB: 11/03/2008"]);
    let r = statuses(adult, &born);
    assert_eq!(r[0].1, CriterionStatus::NotMet, "{r:?}");
    assert!(r[0].2.starts_with("age 17 (born 2008-11-03"), "{r:?}");
    let born = case(LETTER, &["Patient DOB: 11/02/2008"]);
    assert_eq!(status(adult, &born), CriterionStatus::Met);
    assert_eq!(
        status(adult, &case(LETTER, &["Headaches."])),
        CriterionStatus::MissingEvidence
    );
    let female = "[[criterion]]\nid = \"x\"\ndescription = \"x\"\nsex = \"female\"";
    assert_eq!(
        status(female, &case(LETTER, &["Sex: F"])),
        CriterionStatus::Met
    );
    assert_eq!(
        status(female, &case(LETTER, &["A 40-year-old man."])),
        CriterionStatus::NotMet
    );
}

#[test]
fn specialty_from_consults_signatures_and_the_form_field_only() {
    let c = "[[criterion]]\nid = \"p\"\ndescription = \"p\"\nspecialty = [\"hematology\", \"oncology\"]";
    let consult = case(
        LETTER,
        &["Hematology consulted; appreciate recommendations."],
    );
    assert_eq!(status(c, &consult), CriterionStatus::Met);
    let planned = case(LETTER, &["Will refer to hematology clinic if counts drop."]);
    assert_eq!(status(c, &planned), CriterionStatus::MissingEvidence);
    // A signature block on the request: the name, then the specialty.
    let mut signed = case(LETTER, &["Anemia."]);
    signed.push(sentence("form", DocKind::RequestForm, 0, "Dr. Rowan Vale"));
    signed.push(sentence(
        "form",
        DocKind::RequestForm,
        1,
        "Pediatric Hematology and Oncology",
    ));
    let r = statuses(c, &signed);
    assert_eq!(r[0].1, CriterionStatus::Met, "{r:?}");
    assert!(r[0].2.contains("the one place a form counts"), "{r:?}");
    // A form field naming another specialty.
    let mut other = case(LETTER, &["Anemia."]);
    other.push(sentence(
        "form",
        DocKind::RequestForm,
        0,
        "Specialty: Family Medicine",
    ));
    let r = statuses(c, &other);
    assert_eq!(r[0].1, CriterionStatus::NotMet, "{r:?}");
    // The letter's own words never count.
    let letter = case("I, an oncologist, am requesting erenumab.", &["Anemia."]);
    assert_eq!(status(c, &letter), CriterionStatus::MissingEvidence);
}

#[test]
fn dose_caps_read_the_request() {
    let c = "[[criterion]]\nid = \"d\"\ndescription = \"d\"\nconcepts = [\"erenumab\"]\ndose_max = 140\ndose_unit = \"mg\"";
    assert_eq!(
        status(c, &case(LETTER, &["Migraine."])),
        CriterionStatus::Met
    );
    let over = case("I am requesting erenumab 280 mg monthly.", &["Migraine."]);
    assert_eq!(status(c, &over), CriterionStatus::NotMet);
}

#[test]
fn a_policy_is_chosen_by_code_drug_and_indication_with_its_reason() {
    let checker = checker();
    let set = load_criteria(&pa_config::Settings::embedded(), &checker).unwrap();
    let letter = "I am requesting approval of Humira 40 mg every other week.";
    let choose = |note: &str| {
        let s = case(letter, &[note]);
        let c = set.choose(&checker.case(&s), None, Some("adalimumab"));
        (c.policy.map(|p| p.id.clone()), c.why, c.note)
    };
    let (id, why, _) = choose("Assessment: Crohn's disease of the ileum.");
    assert_eq!(id.as_deref(), Some("adalimumab-crohns"));
    assert_eq!(
        why,
        "adalimumab-crohns: drug adalimumab + diagnosis Crohn's disease"
    );
    // A suspected diagnosis still says what the request is for; a negated one does not.
    assert_eq!(
        choose("IBD, likely Crohn's disease.").0.as_deref(),
        Some("adalimumab-crohns")
    );
    let (id, _, note) = choose("No Crohn's disease; psoriasis.");
    assert_eq!(id, None);
    assert_eq!(note.as_deref(), Some("no policy matches adalimumab"));
    // The drug read from a brand name in the letter, for RA: the RA policy.
    let ra = case(
        letter,
        &["Assessment: seropositive rheumatoid arthritis (M05.79)."],
    );
    let drug = pa_summarize::requested_drug(&ra).map(|d| d.0);
    assert_eq!(drug, Some("adalimumab"));
    let (choice, results) = set.check(&checker.case(&ra), None, drug);
    assert_eq!(
        choice.why,
        "adalimumab-ra: drug adalimumab + diagnosis M05.79 (M05.x)"
    );
    assert!(!results.is_empty());
    // By code: the policy whose indication the case carries wins.
    let s = case(letter, &["Seropositive rheumatoid arthritis (M05.79)."]);
    let c = set.choose(&checker.case(&s), Some("J0135"), None);
    assert_eq!(
        c.why,
        "adalimumab-ra: code J0135 + diagnosis M05.79 (M05.x)"
    );
    // A code whose policies' indications are absent still finds one, and says so.
    let s = case(letter, &["Knee pain."]);
    let c = set.choose(&checker.case(&s), Some("J0135"), None);
    assert!(
        c.why.contains("no indication of this policy found"),
        "{}",
        c.why
    );
}

#[test]
fn a_later_file_with_the_same_id_replaces_the_earlier_one() {
    let checker = checker();
    let text = |title: &str| {
        format!("version = 1\nid = \"p\"\ntitle = \"{title}\"\ncodes = [\"E0601\"]\n\n[[criterion]]\nid = \"a\"\ndescription = \"a\"\nage_min = 18\n")
    };
    let (a, b) = (text("first"), text("second"));
    let set = CriteriaSet::load(
        [("built-in", a.as_str()), ("mine.toml", b.as_str())],
        &checker,
    )
    .unwrap();
    assert_eq!(set.len(), 1);
    assert_eq!(set.policies()[0].title, "second");
    assert_eq!(set.policies()[0].source, "mine.toml");
}

/// A negative result is a result: a test negated because it was never done, or
/// still pending, does not meet "negative screening" (it is not met: no result).
#[test]
fn a_test_not_done_is_not_a_negative_result() {
    let c = "[[criterion]]\nid = \"tb\"\ndescription = \"tb\"\nconcepts = [\"tb_screen\"]\nexpect_negative = true";
    for note in [
        "No tuberculosis screening has been done yet.",
        "QuantiFERON ordered today, result pending.",
    ] {
        assert_eq!(
            status(c, &case(LETTER, &[note])),
            CriterionStatus::NotMet,
            "{note}"
        );
    }
    for note in [
        "QuantiFERON-TB Gold: negative (10/01/2026).",
        "TB screening negative in September.",
    ] {
        assert_eq!(
            status(c, &case(LETTER, &[note])),
            CriterionStatus::Met,
            "{note}"
        );
    }
}

/// A drug class named as a modifier ("pre-biologic screening") is not a drug
/// in current use; the class with words of current use, or a member drug, is.
#[test]
fn a_class_named_as_a_modifier_is_not_concurrent_use() {
    let c = "[[criterion]]\nid = \"nc\"\ndescription = \"nc\"\n[criterion.not_concurrent]\nconcepts = [\"biologic\"]";
    let modifier = case(LETTER, &["Pre-biologic screening labs were drawn today."]);
    assert_ne!(status(c, &modifier), CriterionStatus::NotMet);
    for note in [
        "She is currently on a biologic for psoriasis.",
        "Continues etanercept 50 mg weekly.",
    ] {
        assert_eq!(
            status(c, &case(LETTER, &[note])),
            CriterionStatus::NotMet,
            "{note}"
        );
    }
}

/// The same drug for two indications the case carries: the indication the
/// request itself names decides, not which policy id sorts first.
#[test]
fn the_indication_the_request_names_chooses_among_equals() {
    let checker = checker();
    let set = load_criteria(&pa_config::Settings::embedded(), &checker).unwrap();
    let choose = |letter: &str, note: &str| {
        let s = case(letter, &[note]);
        set.choose(&checker.case(&s), None, Some("dupilumab"))
            .policy
            .map(|p| p.id.clone())
    };
    assert_eq!(
        choose(
            "Diagnosis: atopic dermatitis (L20.9). I am requesting Dupixent 300 mg every 2 weeks.",
            "History of mild intermittent asthma (J45.20), well controlled on albuterol as needed."
        )
        .as_deref(),
        Some("dupilumab-ad")
    );
    assert_eq!(
        choose(
            "Diagnosis: severe persistent asthma (J45.50). I am requesting Dupixent 300 mg every 2 weeks.",
            "Childhood eczema (L20.9), resolved, no current skin disease."
        )
        .as_deref(),
        Some("biologic-asthma")
    );
}
