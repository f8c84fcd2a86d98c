//! The clinical lexicon: concepts (drugs, drug classes, therapies, conditions,
//! measures) with their synonyms and abbreviations. Shipped as data in
//! `pipelines/lexicon.toml`; parsed here so every stage reads it the same way.

use rustc_hash::FxHashMap as HashMap;

use serde::Deserialize;

use crate::text::{char_slice, stem, tokenize, Token};
use crate::ConceptKind;

/// One concept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconEntry {
    /// Stable id, e.g. `naproxen`, `nsaid`, `physical_therapy`.
    pub id: String,
    /// What the concept is; an unknown kind fails the load.
    pub kind: ConceptKind,
    /// Human label, e.g. `NSAIDs`.
    #[serde(default)]
    pub label: Option<String>,
    /// Surface forms (case-insensitive, whole words; multi-word allowed).
    pub terms: Vec<String>,
    /// Ids of concepts that satisfy this one (a class's drugs).
    #[serde(default)]
    pub members: Vec<String>,
    /// Phrases whose presence says the concept is absent (e.g. `strength 5/5` for weakness).
    #[serde(default)]
    pub negative_forms: Vec<String>,
    /// The measure this one is the lowest value of (`o2_nadir` of `spo2`):
    /// a claim that the other fell to a value is borne out by this one's.
    #[serde(default)]
    pub lowest_of: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    version: u32,
    #[serde(rename = "concept")]
    concepts: Vec<LexiconEntry>,
}

/// A concept found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptHit {
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
    /// First token index.
    pub tok_start: usize,
    /// Last token index, exclusive.
    pub tok_end: usize,
}

/// The parsed lexicon with a phrase index.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// All concepts.
    pub entries: Vec<LexiconEntry>,
    /// First stemmed token -> (entry, stemmed phrase tokens), longest phrases first.
    phrases: HashMap<String, Vec<(usize, Vec<String>)>>,
    by_id: HashMap<String, usize>,
}

impl Lexicon {
    /// Parse the TOML text of a lexicon file.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.version != 1 {
            return Err(format!("unsupported lexicon version {}", file.version));
        }
        let mut phrases: HashMap<String, Vec<(usize, Vec<String>)>> = HashMap::default();
        let mut by_id = HashMap::default();
        for (i, e) in file.concepts.iter().enumerate() {
            if by_id.insert(e.id.clone(), i).is_some() {
                return Err(format!("duplicate lexicon id `{}`", e.id));
            }
            for term in &e.terms {
                let toks: Vec<String> = tokenize(term).into_iter().map(|t| stem(&t.norm)).collect();
                if toks.is_empty() {
                    return Err(format!("empty term in lexicon entry `{}`", e.id));
                }
                phrases.entry(toks[0].clone()).or_default().push((i, toks));
            }
        }
        for list in phrases.values_mut() {
            list.sort_by_key(|e| std::cmp::Reverse(e.1.len()));
        }
        // A class member is a lexicon id, or a generic of the drug vocabulary
        // (written as the vocabulary writes it: `valproic acid`).
        for e in &file.concepts {
            for m in &e.members {
                let generic = crate::drugs::generic_of(m).is_some_and(|g| g == m);
                if !by_id.contains_key(m) && !generic {
                    return Err(format!(
                        "lexicon entry `{}` names unknown member `{m}` (neither a lexicon id nor a generic name of the drug vocabulary)",
                        e.id
                    ));
                }
            }
        }
        // The measure a lowest value is of is a measure of the lexicon.
        for e in &file.concepts {
            if let Some(of) = &e.lowest_of {
                let is_measure = by_id
                    .get(of)
                    .is_some_and(|&i| file.concepts[i].kind == ConceptKind::Measure);
                if e.kind != ConceptKind::Measure || !is_measure {
                    return Err(format!(
                        "lexicon entry `{}`: `lowest_of = \"{of}\"` must name a measure, from a measure",
                        e.id
                    ));
                }
            }
        }
        Ok(Lexicon {
            entries: file.concepts,
            phrases,
            by_id,
        })
    }

    /// Add a `drug` concept for every generic of the drug vocabulary
    /// ([`crate::drugs`]) that the lexicon does not define under that id. They
    /// have no terms: text finds them through [`crate::drugs::find_drugs`], and a
    /// lexicon class may still name only lexicon ids as members.
    pub fn with_drug_vocabulary(mut self) -> Self {
        for g in crate::drugs::generics() {
            if self.by_id.contains_key(*g) {
                continue;
            }
            self.by_id.insert(g.to_string(), self.entries.len());
            self.entries.push(LexiconEntry {
                id: g.to_string(),
                kind: ConceptKind::Drug,
                label: None,
                terms: Vec::new(),
                members: Vec::new(),
                negative_forms: Vec::new(),
                lowest_of: None,
            });
        }
        self
    }

    /// The entry index for an id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Concepts mentioned in stemmed tokens, longest match first, non-overlapping.
    pub fn find(&self, stems: &[String]) -> Vec<ConceptHit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            let mut matched = 0;
            if let Some(cands) = self.phrases.get(&stems[i]) {
                for (entry, toks) in cands {
                    if stems.len() - i >= toks.len() && stems[i..i + toks.len()] == toks[..] {
                        hits.push(ConceptHit {
                            entry: *entry,
                            tok_start: i,
                            tok_end: i + toks.len(),
                        });
                        matched = toks.len();
                        break;
                    }
                }
            }
            i += matched.max(1);
        }
        hits
    }

    /// Concepts mentioned in a tokenized text, as [`Lexicon::find`] finds them,
    /// less the one-word abbreviations written in a case that the clinical
    /// abbreviation inventory ([`crate::abbrev`]) reads as something else, when
    /// it reads the capitalized form as the concept: "PT" is physical therapy
    /// (or prothrombin time), but "pt" and "Pt" are the patient ("pt declined",
    /// "Pt independent with HEP"); "HR" is the heart rate, "hr" an hour.
    pub fn find_written(&self, text: &str, tokens: &[Token], stems: &[String]) -> Vec<ConceptHit> {
        let mut hits = self.find(stems);
        hits.retain(|h| {
            h.tok_end - h.tok_start != 1
                || char_slice(text, tokens[h.tok_start].start, tokens[h.tok_start].end)
                    .is_none_or(|written| !self.read_otherwise(h.entry, written))
        });
        hits
    }

    /// Does the inventory read `written` as other senses only, and the same
    /// letters in capitals as the concept `entry`?
    fn read_otherwise(&self, entry: usize, written: &str) -> bool {
        let upper = written.to_uppercase();
        if upper == written || written.chars().count() > 5 {
            return false;
        }
        let names_entry = |sense: &&str| {
            let stems: Vec<String> = tokenize(sense).into_iter().map(|t| stem(&t.norm)).collect();
            self.find(&stems).iter().any(|h| h.entry == entry)
        };
        let senses = crate::abbrev::expand(written);
        !senses.is_empty()
            && !senses.iter().any(names_entry)
            && crate::abbrev::expand(&upper).iter().any(names_entry)
    }

    /// True when a mention of `found` satisfies a claim about `wanted`: the same
    /// concept, or a member (transitively) of the wanted class.
    pub fn satisfies(&self, wanted: usize, found: usize) -> bool {
        if wanted == found {
            return true;
        }
        if self.entries[wanted].members.is_empty() {
            return false;
        }
        let mut stack = vec![wanted];
        let mut seen = std::collections::HashSet::new();
        while let Some(w) = stack.pop() {
            if w == found {
                return true;
            }
            if !seen.insert(w) {
                continue;
            }
            stack.extend(
                self.entries[w]
                    .members
                    .iter()
                    .filter_map(|m| self.index_of(m)),
            );
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abbreviation_written_as_another_words_is_not_the_concept() {
        let lex = Lexicon::from_toml(
            "version = 1\n[[concept]]\nid = \"physical_therapy\"\nkind = \"therapy\"\nterms = [\"physical therapy\", \"pt\"]\n",
        )
        .unwrap();
        let found = |text: &str| {
            let w = crate::SentenceWords::of(text);
            lex.find_written(text, &w.tokens, &w.stems).len()
        };
        // The patient, as notes write it.
        assert_eq!(found("pt declined the injection"), 0);
        assert_eq!(found("Pt independent with home exercises"), 0);
        // The therapy, in capitals or by name.
        assert_eq!(found("PT 12 visits, minimal gains"), 1);
        assert_eq!(found("six weeks of physical therapy"), 1);
        assert_eq!(
            lex.find(&crate::SentenceWords::of("pt declined").stems)
                .len(),
            1
        );
    }

    #[test]
    fn a_lowest_value_names_a_measure() {
        let ok = "version = 1\n[[concept]]\nid = \"spo2\"\nkind = \"measure\"\nterms = [\"spo2\"]\n[[concept]]\nid = \"o2_nadir\"\nkind = \"measure\"\nlowest_of = \"spo2\"\nterms = [\"nadir spo2\"]\n";
        let lex = Lexicon::from_toml(ok).unwrap();
        let nadir = lex.index_of("o2_nadir").unwrap();
        assert_eq!(lex.entries[nadir].lowest_of.as_deref(), Some("spo2"));
        let bad = ok.replace("lowest_of = \"spo2\"", "lowest_of = \"sp02\"");
        let err = Lexicon::from_toml(&bad).unwrap_err();
        assert!(err.contains("o2_nadir") && err.contains("sp02"), "{err}");
    }

    #[test]
    fn an_unknown_kind_fails_the_load_naming_it() {
        let text = "version = 1\n[[concept]]\nid = \"x\"\nkind = \"drgu\"\nterms = [\"x\"]\n";
        let err = Lexicon::from_toml(text).unwrap_err();
        assert!(err.contains("drgu"), "{err}");
        let ok = text.replace("drgu", "drug");
        assert_eq!(
            Lexicon::from_toml(&ok).unwrap().entries[0].kind,
            ConceptKind::Drug
        );
    }
}
