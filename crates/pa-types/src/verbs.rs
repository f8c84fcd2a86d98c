//! Irregular English verb forms and their lemmas, from WordNet 3.0's verb
//! exception list (`pipelines/vocab/verbs.tsv`, built by
//! `pipelines/vocab/build_verbs.py`; WordNet 3.0 license): "drove" is a form of
//! "drive", "fell" of "fall", "underwent" of "undergo", "running" of "run".
//!
//! Forms that are also words of their own, used often enough as such ("left",
//! "wound", "ground", "lay", "bound"), are not in the file: the build script
//! leaves them out by a rule on WordNet's sense-tagged counts, so they keep their
//! own meaning (laterality, wound care).
//!
//! [`lemma`] reads a word as its verb's lemma when the word is one of the listed
//! forms, one of their lemmas, or a regular form of such a lemma ("drives",
//! "driving", "takes"); [`crate::text::stem`] uses it so that every form of such
//! a verb gets one stem.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const TSV: &str = include_str!("../../../pipelines/vocab/verbs.tsv");

struct Table {
    /// Irregular form -> lemma.
    lemma_of: HashMap<&'static str, &'static str>,
    /// Every lemma of the file.
    lemmas: HashSet<&'static str>,
    /// Lemma -> its irregular forms.
    forms_of: HashMap<&'static str, Vec<&'static str>>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut lemma_of = HashMap::new();
        let mut forms_of: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for line in TSV.lines().skip(1) {
            let Some((form, lemma)) = line.split_once('\t') else {
                continue;
            };
            lemma_of.insert(form, lemma);
            forms_of.entry(lemma).or_default().push(form);
        }
        let lemmas = forms_of.keys().copied().collect();
        Table {
            lemma_of,
            lemmas,
            forms_of,
        }
    })
}

/// Regular suffixes and what replaces them, in the order WordNet's own
/// morphology tries them for verbs ("drives" -> "drive", "goes" -> "go",
/// "driving" -> "drive", "wearing" -> "wear").
const DETACH: &[(&str, &str)] = &[
    ("ies", "y"),
    ("es", "e"),
    ("es", ""),
    ("s", ""),
    ("ing", "e"),
    ("ing", ""),
    ("ed", "e"),
    ("ed", ""),
];

/// The lemma of a lowercase word that is a form of a verb of the table: an
/// irregular form ("drove", "fell", "underwent"), the lemma itself ("drive"),
/// or a regular form of it ("drives", "driving"). `None` for any other word,
/// which keeps its own stem.
pub fn lemma(word: &str) -> Option<&'static str> {
    let t = table();
    if let Some(l) = t.lemma_of.get(word) {
        return Some(l);
    }
    if let Some(l) = t.lemmas.get(word) {
        return Some(l);
    }
    for (suffix, add) in DETACH {
        let Some(base) = word.strip_suffix(suffix) else {
            continue;
        };
        if base.len() < 2 {
            continue;
        }
        let candidate = format!("{base}{add}");
        if let Some(l) = t.lemmas.get(candidate.as_str()) {
            return Some(l);
        }
    }
    None
}

/// The irregular forms of a lemma ("drive": "driven", "drove"), for a search
/// that must find a note written in any of them. Empty for other words.
pub fn irregular_forms(lemma: &str) -> &'static [&'static str] {
    table()
        .forms_of
        .get(lemma)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irregular_and_regular_forms_meet_at_the_lemma() {
        for (w, l) in [
            ("drove", "drive"),
            ("driven", "drive"),
            ("driving", "drive"),
            ("drives", "drive"),
            ("drive", "drive"),
            ("fell", "fall"),
            ("fallen", "fall"),
            ("falls", "fall"),
            ("took", "take"),
            ("taking", "take"),
            ("began", "begin"),
            ("begun", "begin"),
            ("underwent", "undergo"),
            ("undergone", "undergo"),
            ("undergoes", "undergo"),
            ("ran", "run"),
            ("running", "run"),
            ("runs", "run"),
            ("wore", "wear"),
            ("worn", "wear"),
            ("wears", "wear"),
        ] {
            assert_eq!(lemma(w), Some(l), "{w}");
        }
    }

    #[test]
    fn forms_that_are_words_of_their_own_are_left_alone() {
        // Laterality, wound care, and nouns and adjectives that are also
        // forms of a verb are never read as another word ("lay" and "shed" are
        // lemmas of their own: "laid", "shedding").
        for w in [
            "left", "wound", "ground", "lay", "bound", "rose", "shed", "bit", "bore", "lost",
            "led", "thought", "broken",
        ] {
            assert!(lemma(w).is_none_or(|l| l == w), "{w}");
        }
        // Auxiliaries, and words that are no verb form of the table.
        for w in [
            "was",
            "had",
            "did",
            "been",
            "right",
            "patient",
            "12",
            "headaches",
        ] {
            assert_eq!(lemma(w), None, "{w}");
        }
    }

    #[test]
    fn a_lemma_lists_its_irregular_forms() {
        let f = irregular_forms("drive");
        assert!(f.contains(&"drove") && f.contains(&"driven"));
        assert!(irregular_forms("leave").is_empty());
    }
}
