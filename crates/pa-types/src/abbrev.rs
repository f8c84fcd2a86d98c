//! Clinical abbreviations and their senses, from a public inventory built from
//! clinical notes (`pipelines/vocab/abbreviations.tsv`, made by
//! `pipelines/vocab/build_abbreviations.py` from the CC BY 4.0 Columbia clinical
//! abbreviation metainventory: Vanderbilt, Stetson and Wikipedia inventories),
//! and the therapy shorthand no public inventory covers, reviewed by hand
//! (`pipelines/vocab/abbreviations_curated.tsv`: "SBA", "PLOF", and phrases
//! read only as written, "mod A", "w/o AD", see [`phrase_at`]).
//!
//! Each sense carries its share among the senses of that abbreviation, per written
//! form where the inventory counted forms ("PT" is physical therapy or prothrombin
//! time; "pt" is the patient) and for any case otherwise. [`expand`] gives the
//! senses worth reading a written token as; the caller decides by context when
//! several remain.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

const TSV: &str = include_str!("../../../pipelines/vocab/abbreviations.tsv");
/// Therapy and nursing shorthand no public inventory covers, reviewed by hand
/// (levels of assistance, mobility devices, weight-bearing orders): same
/// columns, `#` comments, and phrases ("mod A", "w/o AD") read as written.
const CURATED: &str = include_str!("../../../pipelines/vocab/abbreviations_curated.tsv");

/// Senses below this share of their abbreviation are not read into a token.
pub const MIN_SHARE: f32 = 0.2;

type Key = (String, String);

/// The rows of both files: (abbr, form, sense, share).
fn rows() -> impl Iterator<Item = (&'static str, &'static str, &'static str, f32)> {
    TSV.lines()
        .skip(1)
        .chain(CURATED.lines().filter(|l| !l.starts_with('#')).skip(1))
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (Some(abbr), Some(form), Some(sense), Some(share)) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                return None;
            };
            Some((abbr, form, sense, share.parse::<f32>().ok()?))
        })
}

/// Single-token abbreviations by (abbr, form).
fn table() -> &'static HashMap<Key, Vec<(&'static str, f32)>> {
    static T: OnceLock<HashMap<Key, Vec<(&'static str, f32)>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t: HashMap<Key, Vec<(&'static str, f32)>> = HashMap::default();
        for (abbr, form, sense, share) in rows().filter(|r| !r.0.contains(' ')) {
            t.entry((abbr.to_string(), form.to_string()))
                .or_default()
                .push((sense, share));
        }
        t
    })
}

/// The abbreviations [`table`] knows in any form (the first half of its keys):
/// most words are none, which one lookup tells.
fn abbreviations() -> &'static HashSet<String> {
    static A: OnceLock<HashSet<String>> = OnceLock::new();
    A.get_or_init(|| table().keys().map(|(abbr, _)| abbr.clone()).collect())
}

/// Phrases ("mod A", "w/o AD"): each written form with its senses, longest first.
fn phrases() -> &'static [(Vec<char>, Vec<&'static str>)] {
    static P: OnceLock<Vec<(Vec<char>, Vec<&'static str>)>> = OnceLock::new();
    P.get_or_init(|| {
        let mut p: Vec<(Vec<char>, Vec<&'static str>)> = Vec::new();
        for (_, form, sense, share) in rows().filter(|r| r.0.contains(' ')) {
            if share < MIN_SHARE {
                continue;
            }
            let form: Vec<char> = form.chars().collect();
            match p.iter_mut().find(|(f, _)| *f == form) {
                Some((_, senses)) => senses.push(sense),
                None => p.push((form, vec![sense])),
            }
        }
        p.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
        p
    })
}

/// A phrase abbreviation written at char `start` of `chars` exactly as the
/// inventory writes it ("mod A x1", "amb w/o AD"), ending before a letter or
/// digit: the char end of the phrase and its senses.
pub fn phrase_at(chars: &[char], start: usize) -> Option<(usize, Vec<&'static str>)> {
    if start > 0 && chars[start - 1].is_alphanumeric() {
        return None;
    }
    // Only the forms that begin with the char at `start`, in their order.
    static BY_FIRST: OnceLock<HashMap<char, Vec<usize>>> = OnceLock::new();
    let by_first = BY_FIRST.get_or_init(|| {
        let mut m: HashMap<char, Vec<usize>> = HashMap::default();
        for (i, (form, _)) in phrases().iter().enumerate() {
            if let Some(&c) = form.first() {
                m.entry(c).or_default().push(i);
            }
        }
        m
    });
    let first = chars.get(start)?;
    let candidates = by_first.get(first)?;
    candidates.iter().find_map(|&i| {
        let (form, senses) = &phrases()[i];
        let end = start + form.len();
        (chars.get(start..end) == Some(form.as_slice())
            && !chars.get(end).is_some_and(|c| c.is_alphanumeric()))
        .then(|| (end, senses.clone()))
    })
}

/// The senses (lowercase phrases) a written token may stand for, most frequent
/// first, each with at least [`MIN_SHARE`]. Empty when the token is not an
/// abbreviation the inventory knows in that form.
///
/// A token written in lowercase is read as an abbreviation only when the
/// inventory saw that lowercase form in notes ("hx", "pt"), so that ordinary
/// words are left alone; a token with capitals ("HA", "BMs", "DES"), or with a
/// slash ("s/p"), is looked up in any case. A plural `s` after capitals is
/// dropped ("ADLs").
pub fn expand(surface: &str) -> Vec<&'static str> {
    senses_of(surface, MIN_SHARE)
}

/// Every sense a written token may stand for, however rare ("LTG": long term
/// goals, and lamotrigine once in twenty), for a reader that has its own
/// reason to expect one of them.
pub fn rare_senses(surface: &str) -> Vec<&'static str> {
    senses_of(surface, 0.0)
}

fn senses_of(surface: &str, min_share: f32) -> Vec<&'static str> {
    if surface.chars().nth(1).is_none() || surface.chars().all(|c| c.is_ascii_digit()) {
        return Vec::new();
    }
    let t = table();
    let has_upper = surface.chars().any(|c| c.is_uppercase());
    let singular = match surface.strip_suffix('s') {
        Some(stem) if stem.len() >= 2 && stem.chars().all(|c| !c.is_lowercase()) => stem,
        _ => surface,
    };
    let lower = singular.to_lowercase();
    if !abbreviations().contains(&lower) {
        return Vec::new();
    }
    let by_form = t
        .get(&(lower.clone(), singular.to_string()))
        .filter(|v| !v.is_empty());
    let senses = match by_form {
        Some(v) => v,
        None if has_upper || singular.contains('/') => match t.get(&(lower, "*".to_string())) {
            Some(v) => v,
            None => return Vec::new(),
        },
        None => return Vec::new(),
    };
    senses
        .iter()
        .filter(|(_, share)| *share >= min_share)
        .map(|(s, _)| *s)
        .collect()
}

/// The abbreviations (lowercase) whose main sense is `phrase` (lowercase, as
/// the inventory writes it: "headache", "shortness of breath"), so that a search
/// for the phrase also finds notes that abbreviate it. Only senses of at least
/// [`MIN_SHARE`], for any case or for one casing, count.
pub fn abbreviations_for(phrase: &str) -> &'static [String] {
    static R: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let r = R.get_or_init(|| {
        let mut r: HashMap<String, Vec<String>> = HashMap::default();
        // (A sense main only as the abbreviation is cased counts too: "AF"
        // is atrial fibrillation in 29% of its uses in capitals, "af" mostly
        // afebrile. The search ignores case.)
        for ((abbr, _form), senses) in table() {
            for (sense, share) in senses {
                if *share >= MIN_SHARE {
                    let v = r.entry(sense.replace('-', " ")).or_default();
                    if !v.contains(abbr) {
                        v.push(abbr.clone());
                    }
                }
            }
        }
        r
    });
    // (A hyphen is a space: "six-minute walk test" is "six minute walk test".)
    r.get(&phrase.replace('-', " "))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_note_abbreviations_read_as_their_sense() {
        assert_eq!(expand("HA"), vec!["headache"]);
        assert_eq!(expand("SOB"), vec!["shortness of breath"]);
        assert!(abbreviations_for("six minute walk test").contains(&"6mwt".to_string()));
        assert!(abbreviations_for("atrial fibrillation").contains(&"af".to_string()));
        assert_eq!(expand("hx"), vec!["history"]);
        assert_eq!(expand("s/p"), vec!["status post"]);
        assert!(expand("BMs").contains(&"bowel movement"));
        assert!(expand("DES").contains(&"drug-eluting stent"));
    }

    #[test]
    fn curated_drug_acronyms_name_generics_of_the_drug_vocabulary() {
        let group = CURATED
            .split("# Pattern: antiviral drug acronyms")
            .nth(1)
            .expect("the antiviral acronyms' group");
        let rows: Vec<&str> = group
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("# Pattern"))
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        assert!(rows.len() >= 5);
        for row in rows {
            let sense = row.split('\t').nth(2).unwrap();
            assert_eq!(crate::drugs::generic_of(sense), Some(sense), "{row}");
        }
        assert_eq!(expand("TDF"), vec!["tenofovir"]);
    }

    #[test]
    fn case_decides_between_patient_and_therapy() {
        assert_eq!(expand("pt"), vec!["patient"]);
        let upper = expand("PT");
        assert!(upper.contains(&"physical therapy"));
        assert!(upper.contains(&"prothrombin time"));
        assert!(!upper.contains(&"patient"));
    }

    #[test]
    fn a_phrase_finds_its_abbreviations() {
        assert!(abbreviations_for("shortness of breath").contains(&"sob".to_string()));
        assert!(abbreviations_for("headache").contains(&"ha".to_string()));
        assert!(abbreviations_for("no such sense at all").is_empty());
    }

    #[test]
    fn therapy_shorthand_reads_as_its_sense() {
        assert_eq!(expand("SBA"), vec!["stand-by assistance"]);
        assert_eq!(expand("indep"), vec!["independent"]);
        assert_eq!(expand("amb"), vec!["ambulate"]);
        assert!(expand("FWW").contains(&"rolling walker"));
        assert_eq!(expand("PLOF"), vec!["prior level of function"]);
        let at = |s: &str, i: usize| {
            let c: Vec<char> = s.chars().collect();
            phrase_at(&c, i)
        };
        assert_eq!(
            at("Gait: mod A x1", 6),
            Some((11, vec!["moderate assistance"]))
        );
        assert_eq!(
            at("amb w/o AD", 4),
            Some((10, vec!["without assistive device"]))
        );
        // Minutes a day, a word that goes on, a lowercase letter: not a phrase.
        assert_eq!(at("30 min a day", 3), None);
        assert_eq!(at("mod Assist", 0), None);
        assert_eq!(at("no ADL deficits", 0), None);
        // A phrase starts at a word's start.
        assert_eq!(at("demo AD", 2), None);
    }

    #[test]
    fn ordinary_words_are_not_abbreviations() {
        for w in ["the", "and", "walks", "daily", "12"] {
            assert!(expand(w).is_empty(), "{w}");
        }
    }
}
