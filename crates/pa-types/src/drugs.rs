//! Drug names in free text: a public vocabulary of about 51,000 brand, generic and
//! synonym names for 13,000 drugs (`pipelines/vocab/drugs.tsv`, built from the MIT
//! `drug-named-entity-recognition` data by `pipelines/vocab/build_drugs.py`),
//! embedded in the binary.
//!
//! [`find_drugs`] reports each mention with char offsets and its generic name;
//! [`generic_of`] normalizes one name. The index is built on first use (a few
//! milliseconds: one sort and one hash map over the embedded text, no copies)
//! and shared by every thread.
//!
//! Matching is case-insensitive and whole-word: a mention neither starts nor ends
//! inside a word. Text is read through the same normalization the build script
//! applies to names: lowercase, Unicode dashes as `-`, any run of whitespace
//! (line breaks included) as one space, and soft hyphens, zero-width characters
//! and `®`/`™`/`©` ignored. Overlapping mentions resolve leftmost-longest, so
//! "insulin glargine" wins over "insulin".
//!
//! How: every name is at least 4 bytes long. Names are keyed by their first 8
//! bytes (shorter names by all of theirs), and within a key sorted longest first.
//! At each word start of the text, the next 8, 7, 6, 5 and 4 bytes are looked up
//! in turn, and the first name the text continues with that ends on a word
//! boundary is the mention. An Aho-Corasick automaton over the same names
//! measured 150-300 ms to build (as a DFA 2 s and 240 MB) and searched at about
//! the same speed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

/// The vocabulary: `name \t generic \t mesh_id \t drugbank_id`, a header line,
/// sorted by name; names are unique, normalized and at least 4 chars long.
const DRUGS_TSV: &str = include_str!("../../../pipelines/vocab/drugs.tsv");

/// One drug name found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DrugMention {
    /// First char of the mention (Unicode scalar values, 0-based).
    pub start: usize,
    /// Char end, exclusive.
    pub end: usize,
    /// The canonical generic name, lowercase (`adalimumab` for "Humira").
    pub generic: &'static str,
    /// The vocabulary name that matched, lowercase (`humira`).
    pub name: &'static str,
}

/// Names are keyed by up to this many leading bytes.
const KEY_BYTES: usize = 8;
/// The shortest name, in bytes.
const MIN_NAME_BYTES: usize = 4;

struct Vocab {
    /// (name, generic) sorted by name, as in the file.
    by_name: Vec<(&'static str, &'static str)>,
    /// Every generic, sorted, once.
    generics: Vec<&'static str>,
    /// (name, generic) sorted by key, longest name first within a key.
    keyed: Vec<(&'static str, &'static str)>,
    /// Key -> its run in `keyed`.
    by_key: HashMap<u64, Range<u32>, BuildHasherDefault<KeyHasher>>,
    /// The non-alphanumeric chars some name starts with (`(`, `[`, ...).
    punct_starts: Vec<char>,
    /// Each generic's other names (brands, synonyms), in file order.
    names: HashMap<&'static str, Vec<&'static str>>,
}

impl Vocab {
    fn build() -> Vocab {
        let mut by_name: Vec<(&'static str, &'static str)> =
            Vec::with_capacity(DRUGS_TSV.len() / 40);
        for line in DRUGS_TSV.lines().skip(1) {
            let mut fields = line.split('\t');
            let (Some(name), Some(generic)) = (fields.next(), fields.next()) else {
                continue;
            };
            if name.len() >= MIN_NAME_BYTES && !generic.is_empty() {
                by_name.push((name, generic));
            }
        }
        let mut generics: Vec<&'static str> = by_name.iter().map(|e| e.1).collect();
        generics.sort_unstable();
        generics.dedup();

        let mut keyed: Vec<(u64, (&'static str, &'static str))> = by_name
            .iter()
            .map(|&e| (key_of(e.0.as_bytes()), e))
            .collect();
        keyed.sort_unstable_by(|a, b| {
            (a.0, std::cmp::Reverse(a.1 .0.len())).cmp(&(b.0, std::cmp::Reverse(b.1 .0.len())))
        });
        let mut by_key = HashMap::with_capacity_and_hasher(keyed.len(), Default::default());
        let mut i = 0;
        while i < keyed.len() {
            let mut j = i + 1;
            while j < keyed.len() && keyed[j].0 == keyed[i].0 {
                j += 1;
            }
            by_key.insert(keyed[i].0, i as u32..j as u32);
            i = j;
        }
        let mut punct_starts: Vec<char> = by_name
            .iter()
            .filter_map(|e| e.0.chars().next())
            .filter(|c| !c.is_alphanumeric())
            .collect();
        punct_starts.sort_unstable();
        punct_starts.dedup();
        let mut names: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for &(name, generic) in &by_name {
            if name != generic {
                names.entry(generic).or_default().push(name);
            }
        }
        Vocab {
            names,
            by_name,
            generics,
            keyed: keyed.into_iter().map(|(_, e)| e).collect(),
            by_key,
            punct_starts,
        }
    }

    fn get() -> &'static Vocab {
        static VOCAB: OnceLock<Vocab> = OnceLock::new();
        VOCAB.get_or_init(Vocab::build)
    }

    /// The names whose key is that of `bytes`.
    fn group(&self, bytes: &[u8]) -> &[(&'static str, &'static str)] {
        match self.by_key.get(&key_of(bytes)) {
            Some(r) => &self.keyed[r.start as usize..r.end as usize],
            None => &[],
        }
    }

    /// The longest name that `rest` starts with and that ends on a word boundary.
    fn longest_at(&self, rest: &str) -> Option<(&'static str, &'static str)> {
        let bytes = rest.as_bytes();
        let ends_on_boundary = |name: &str| {
            !(name.ends_with(char::is_alphanumeric)
                && is_word_char(rest[name.len()..].chars().next()))
        };
        if bytes.len() >= KEY_BYTES {
            let hit = self
                .group(&bytes[..KEY_BYTES])
                .iter()
                .find(|(name, _)| rest.starts_with(name) && ends_on_boundary(name));
            if hit.is_some() {
                return hit.copied();
            }
        }
        // Names shorter than a key are keyed by all their bytes: one each.
        for k in (MIN_NAME_BYTES..KEY_BYTES.min(bytes.len() + 1)).rev() {
            if k < bytes.len()
                && bytes[k].is_ascii_alphanumeric()
                && bytes[k - 1].is_ascii_alphanumeric()
            {
                continue; // would end inside a word
            }
            if let Some(&(name, generic)) = self.group(&bytes[..k]).first() {
                if name.as_bytes() == &bytes[..k] && ends_on_boundary(name) {
                    return Some((name, generic));
                }
            }
        }
        None
    }
}

/// The first `KEY_BYTES` bytes, or all of fewer with their count in the top byte.
fn key_of(bytes: &[u8]) -> u64 {
    let k = bytes.len().min(KEY_BYTES);
    let mut buf = [0u8; KEY_BYTES];
    buf[..k].copy_from_slice(&bytes[..k]);
    let key = u64::from_le_bytes(buf);
    if k < KEY_BYTES {
        key | (k as u64) << 56
    } else {
        key
    }
}

/// splitmix64's finalizer: the keys are raw bytes, and a hash table wants all
/// 64 bits mixed; std's SipHash is several times slower on this hot path.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.0 = z ^ (z >> 31);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Chars read as a hyphen.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Chars that are not there for matching.
fn is_ignored(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AE}' | '\u{2122}' | '\u{00A9}'
    )
}

/// The matching form of `text` and, for each of its bytes, the char index in
/// `text` that byte came from (plus one entry for the end).
fn normalize_with_map(text: &str) -> (String, Vec<u32>) {
    let mut norm: Vec<u8> = Vec::with_capacity(text.len());
    let mut map: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let mut in_space = false;
    let mut ci: u32 = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            // The hot path: one byte, one char.
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
                if !in_space {
                    norm.push(b' ');
                    map.push(ci);
                    in_space = true;
                }
            } else {
                norm.push(b.to_ascii_lowercase());
                map.push(ci);
                in_space = false;
            }
            i += 1;
            ci += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("i is on a char boundary");
        if c.is_whitespace() {
            if !in_space {
                norm.push(b' ');
                map.push(ci);
                in_space = true;
            }
        } else if is_dash(c) {
            norm.push(b'-');
            map.push(ci);
            in_space = false;
        } else if !is_ignored(c) {
            let mut buf = [0u8; 4];
            for lc in c.to_lowercase() {
                let enc = lc.encode_utf8(&mut buf).as_bytes();
                norm.extend_from_slice(enc);
                map.extend(std::iter::repeat_n(ci, enc.len()));
            }
            in_space = false;
        }
        i += c.len_utf8();
        ci += 1;
    }
    map.push(ci);
    let norm = String::from_utf8(norm).expect("whole chars were copied");
    (norm, map)
}

/// The matching form of one name: as [`normalize_with_map`], trimmed.
fn normalize_name(name: &str) -> String {
    let (norm, _) = normalize_with_map(name.trim());
    norm
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Every drug name in `text`: case-insensitive, whole words, leftmost-longest,
/// non-overlapping, in text order. Offsets are chars of `text`.
pub fn find_drugs(text: &str) -> Vec<DrugMention> {
    let vocab = Vocab::get();
    let (norm, map) = normalize_with_map(text);
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut pos = 0;
    while pos < norm.len() {
        let rest = &norm[pos..];
        let c = rest.chars().next().expect("pos is on a char boundary");
        // A name begins at a word start, or at a punctuation char ("(+)-menthol").
        let candidate = if c.is_alphanumeric() {
            !is_word_char(prev)
        } else {
            vocab.punct_starts.contains(&c)
        };
        if candidate {
            if let Some((name, generic)) = vocab.longest_at(rest) {
                let end = pos + name.len();
                out.push(DrugMention {
                    start: map[pos] as usize,
                    end: map[end - 1] as usize + 1,
                    generic,
                    name,
                });
                prev = name.chars().next_back();
                pos = end;
                continue;
            }
        }
        prev = Some(c);
        pos += c.len_utf8();
    }
    out
}

/// Every generic name of the vocabulary, sorted, once each.
pub fn generics() -> &'static [&'static str] {
    &Vocab::get().generics
}

/// The other names of a generic (brands and synonyms, lowercase, without the
/// generic itself): `"pyridostigmine"` -> `["mestinon", ...]`.
pub fn names_of(generic: &str) -> &'static [&'static str] {
    Vocab::get()
        .names
        .get(generic)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The generic name of one drug name, brand or generic, in any case
/// (`"Humira"` -> `"adalimumab"`); `None` when the vocabulary does not have it.
/// Names the build script filtered out as ambiguous ("plan b") are not there.
pub fn generic_of(name: &str) -> Option<&'static str> {
    let vocab = Vocab::get();
    let name = normalize_name(name);
    if let Ok(i) = vocab.by_name.binary_search_by(|e| e.0.cmp(name.as_str())) {
        return Some(vocab.by_name[i].1);
    }
    let i = vocab.generics.binary_search(&name.as_str()).ok()?;
    Some(vocab.generics[i])
}

/// The active moiety of a generic named as one of its salts or hydrates
/// ("lithium carbonate" -> "lithium", "metoprolol succinate" ->
/// "metoprolol", "doxycycline hyclate" -> "doxycycline"): the generic without
/// its last word when that word names a salt, an ester's acid or a hydrate
/// and what is left is a generic of the vocabulary itself. A chart that
/// writes "lithium" writes the same drug. Otherwise the generic as given.
pub fn active_moiety(generic: &str) -> &str {
    // Counter-ions and hydrates of the USP's salt nomenclature.
    const SALTS: &[&str] = &[
        "acetate",
        "besylate",
        "bitartrate",
        "bromide",
        "calcium",
        "carbonate",
        "chloride",
        "citrate",
        "dihydrate",
        "dipropionate",
        "disodium",
        "fumarate",
        "hcl",
        "hyclate",
        "hydrobromide",
        "hydrochloride",
        "lactate",
        "magnesium",
        "maleate",
        "mesylate",
        "monohydrate",
        "phosphate",
        "potassium",
        "sodium",
        "succinate",
        "sulfate",
        "tartrate",
        "tosylate",
        "trihydrate",
    ];
    let Some((base, last)) = generic.rsplit_once(' ') else {
        return generic;
    };
    if !SALTS.contains(&last) {
        return generic;
    }
    match generic_of(base) {
        Some(g) if g == base => base,
        _ => generic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_salt_names_its_active_moiety() {
        assert_eq!(active_moiety("lithium carbonate"), "lithium");
        assert_eq!(active_moiety("metoprolol succinate"), "metoprolol");
        // (Not a word of a name that is no salt, nor a base the vocabulary lacks.)
        assert_eq!(active_moiety("adalimumab"), "adalimumab");
        assert_eq!(active_moiety("zzzmab sodium"), "zzzmab sodium");
    }
    use crate::text::char_slice;

    /// (quoted text, generic) for each mention.
    fn mentions(text: &str) -> Vec<(&str, &'static str)> {
        find_drugs(text)
            .into_iter()
            .map(|m| {
                let quote = char_slice(text, m.start, m.end).expect("offsets in range");
                (quote, m.generic)
            })
            .collect()
    }

    #[test]
    fn a_generics_other_names_are_its_brands() {
        assert!(names_of("pyridostigmine").contains(&"mestinon"));
        assert!(names_of("adalimumab").contains(&"humira"));
        assert!(!names_of("adalimumab").contains(&"adalimumab"));
        assert!(names_of("no such drug").is_empty());
    }

    #[test]
    fn brands_resolve_to_generics() {
        let cases = [
            ("Humira", "adalimumab"),
            ("Zepbound", "tirzepatide"),
            ("Skyrizi", "risankizumab"),
            ("Xolair", "omalizumab"),
            ("Repatha", "evolocumab"),
            ("Rinvoq", "upadacitinib"),
            ("Ocrevus", "ocrelizumab"),
            ("Epidiolex", "cannabidiol"),
            ("Blincyto", "blinatumomab"),
            ("Dupixent", "dupilumab"),
        ];
        for (brand, generic) in cases {
            let text = format!("Plan: start {brand} after the loading dose is approved.");
            assert_eq!(mentions(&text), [(brand, generic)], "{text}");
            assert_eq!(generic_of(brand), Some(generic), "{brand}");
            assert_eq!(generic_of(&brand.to_uppercase()), Some(generic), "{brand}");
        }
    }

    #[test]
    fn generics_and_case() {
        let text = "Failed METFORMIN 1000 mg BID and then Methotrexate 15 mg weekly; \
                    currently on adalimumab 40 mg q2wk.";
        assert_eq!(
            mentions(text),
            [
                ("METFORMIN", "metformin"),
                ("Methotrexate", "methotrexate"),
                ("adalimumab", "adalimumab"),
            ]
        );
        assert_eq!(generic_of("adalimumab"), Some("adalimumab"));
        assert_eq!(generic_of("  Risankizumab-RZAA "), Some("risankizumab"));
        assert_eq!(generic_of("Lantus"), Some("insulin glargine"));
        assert_eq!(generic_of("not a drug at all"), None);
    }

    #[test]
    fn multi_word_names_win_over_their_parts() {
        let text = "Basal insulin glargine 20 units nightly, then insulin\nglargine; \
                    Insulin  Lispro with meals; 5-FU and Retin-A; Humira-treated.";
        assert_eq!(
            mentions(text),
            [
                ("insulin glargine", "insulin glargine"),
                // A line break inside the name still matches; the quote keeps it.
                ("insulin\nglargine", "insulin glargine"),
                ("Insulin  Lispro", "insulin lispro"),
                ("5-FU", "fluorouracil"),
                ("Retin-A", "tretinoin"),
                // A hyphen is a word boundary.
                ("Humira", "adalimumab"),
            ]
        );
    }

    #[test]
    fn offsets_are_chars_after_non_ascii_text() {
        let text = "Pt. Zoë Müller — señal: “Dupixent” 300 mg; naïve to Xolair™.";
        let found = find_drugs(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            char_slice(text, found[0].start, found[0].end),
            Some("Dupixent")
        );
        assert_eq!(found[0].start, text.chars().position(|c| c == 'D').unwrap());
        assert_eq!(found[0].name, "dupixent");
        assert_eq!(
            char_slice(text, found[1].start, found[1].end),
            Some("Xolair")
        );
        assert_eq!(found[1].generic, "omalizumab");
        // A lowercase form longer than the original in bytes keeps offsets right.
        let text = "İİ Humira";
        let found = find_drugs(text);
        assert_eq!((found[0].start, found[0].end), (3, 9));
    }

    #[test]
    fn no_match_inside_a_word() {
        // "humira" inside longer words, "insulin" inside "insulinoma".
        assert!(find_drugs("prehumira humiras xhumira").is_empty());
        assert!(mentions("History of insulinoma resected.").is_empty());
        // Punctuation is a boundary.
        assert_eq!(
            mentions("(Humira), Humira's, Humira/MTX."),
            [
                ("Humira", "adalimumab"),
                ("Humira", "adalimumab"),
                ("Humira", "adalimumab"),
            ]
        );
    }

    #[test]
    fn a_longer_name_ending_inside_a_word_does_not_hide_a_shorter_one() {
        let got = mentions("Continue insulin glargines.");
        assert_eq!(got, [("insulin", "insulin")]);
    }

    #[test]
    fn common_words_do_not_match() {
        let text = "Today we discussed the care plan: all options, focus on cure of the \
                    pain, vitamin intake, patient Camila Kendrick, PT 9 visits at 10 am, \
                    AM cortisol and glucose checks; tried generics.";
        assert!(mentions(text).is_empty(), "{:?}", mentions(text));
        for word in [
            "plan", "today", "care", "all", "focus", "cure", "pain", "vitamin",
        ] {
            assert_eq!(generic_of(word), None, "{word}");
        }
    }

    #[test]
    fn vocabulary_file_is_sorted_unique_and_normalized() {
        let mut lines = DRUGS_TSV.lines();
        assert_eq!(
            lines.next(),
            Some("name\tgeneric\tmesh_id\tdrugbank_id"),
            "header"
        );
        let mut previous = "";
        let mut count = 0;
        for line in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "{line}");
            let name = fields[0];
            assert!(
                name > previous,
                "not sorted or not unique: {previous} / {name}"
            );
            assert_eq!(normalize_name(name), name, "not normalized: {name}");
            assert!(name.chars().count() >= 4, "too short: {name}");
            previous = name;
            count += 1;
        }
        assert!(count > 40_000, "{count} names");
    }

    #[test]
    fn every_name_finds_itself() {
        // A sample across the file: each name, alone in a sentence, is found whole.
        for (name, generic) in Vocab::get().by_name.iter().step_by(53) {
            let text = format!("Rx: {name} daily.");
            let found = find_drugs(&text);
            let first = found.first().unwrap_or_else(|| panic!("{name}: {found:?}"));
            assert_eq!(
                (first.start, first.name, first.generic),
                (4, *name, *generic)
            );
        }
    }

    /// `cargo test --release -p pa-types -- --ignored --nocapture drugs::tests::bench`
    /// Set `PA_DRUGS_BENCH_TEXT` to a text file to measure on it instead.
    #[test]
    #[ignore = "timing, not a check"]
    fn bench() {
        use std::time::Instant;
        let t = Instant::now();
        let vocab = Vocab::build();
        let build = t.elapsed();
        let text = match std::env::var("PA_DRUGS_BENCH_TEXT") {
            Ok(path) => std::fs::read_to_string(path).expect("readable bench text"),
            Err(_) => {
                let para = "Patient failed methotrexate and Humira; plan is Skyrizi 150 mg \
                            every 12 weeks. Allergies: penicillin (rash). Current meds: \
                            lisinopril 10 mg daily, metformin ER, insulin glargine 20 units \
                            at bedtime, and acetaminophen as needed for knee pain. ";
                para.repeat(1 << 20 >> 8)
            }
        };
        let t = Instant::now();
        let first = find_drugs("Humira");
        let first_call = t.elapsed();
        assert_eq!(first.len(), 1);
        // Best of five: this machine is shared.
        let mut search = std::time::Duration::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = find_drugs(&text).len();
            search = search.min(t.elapsed());
        }
        let mb = text.len() as f64 / 1e6;
        eprintln!(
            "drugs: {} names; build {:.1?}; first call (incl. build) {:.1?}; \
             {mb:.2} MB in {:.1?} = {:.1} MB/s, {n} mentions",
            vocab.by_name.len(),
            build,
            first_call,
            search,
            mb / search.as_secs_f64(),
        );
    }
}
