//! Facts: the structured data of a case, each with its exact span.
//!
//! Codes (ICD-10-CM, CPT, HCPCS Level II, each checked for a valid shape),
//! medications with their class and dose, drug classes, therapies, durations,
//! dates, lab values with units, and scores. A fact's quote is the mention
//! itself (`naproxen 500 mg`, `M54.16`, `AHI 18.2 events/h`), so a reviewer sees
//! exactly what was read, and its assertion (present, negated, hypothetical,
//! family) comes from the same ConText rules the evidence checker uses.

use std::sync::LazyLock;

use pa_types::text::char_slice;
use pa_types::{Citation, ConceptKind, Fact, FactAssertion, FactKind, Sentence, SentenceWords};
use regex::Regex;

use crate::Checker;

/// Loose ICD-10-CM candidates: a letter, a digit, an alphanumeric, and an
/// optional dotted part. The dotted part may be too long; [`icd10cm_shape`] judges.
static ICD_CAND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,6})?\b").unwrap());
static ICD_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(icd(-?10)?(-cm)?|dx|diagnos[ie]s)\b").unwrap());
/// A CPT label and what follows it: the code may be malformed (`CPT 7214`).
static CPT_LABELLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bCPT(?:\s+code)?\s*[:#]?\s*(\d{3,6}[A-Z]?)\b").unwrap());
static CPT_ANY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d{4}[0-9FT]\b").unwrap());
static HCPCS_LABELLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bHCPCS(?:\s+code)?\s*[:#]?\s*([A-Z]\d{3,5}[A-Z]?)\b").unwrap());
static HCPCS_CAND: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[A-Z]\d{4}\b").unwrap());
static DOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s,:(]{0,3}(\d+(?:\.\d+)?)\s*(mg|mcg|g|units|unit|ml|mL|%)(?:\b|$)").unwrap()
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(\+)?(?:\s*-\s*|\s+)(days?|weeks?|wks?|months?|mos?|years?|yrs?)\b",
    )
    .unwrap()
});
static DATE_NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b").unwrap());
static DATE_ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").unwrap());
static DATE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b").unwrap()
});
/// The value after a measure name: `HbA1c 8.2%`, `AHI of 18.2 events/h`,
/// `BMI: 41.3 kg/m2`, `pain 7/10`.
static VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[\s:=]*(?:(?:score|index|level|value|of|is|was|at|measured|today|result)[\s:=]*){0,3}(<|>|≤|≥)?\s*(\d+(?:\.\d+)?)(?:\s*(/\s*10\b|%|mg/dl|mg/l|mmol/l|mm\s?hg|kg/m2|kg/m²|events/h(?:our|r)?|events per hour|/h(?:r)?\b|iu/ml|u/l|meq/l|ml/min(?:/1\.73\s?m2)?|l\b|liters?|mmol/mol))?",
    )
    .unwrap()
});
static SPINE_LEVEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[CTLS](?:\d|1[0-2])$").unwrap());
static PAIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\d{1,2})\s*/\s*10\b").unwrap());

/// ASCII text without a digit, where no pattern that needs one can match (the
/// codes, dates and pain scores all do): their regexes are not run. Other text
/// goes through them, as their `\d` takes the digits of any script.
fn without_digits(q: &str) -> bool {
    q.is_ascii() && !q.bytes().any(|b| b.is_ascii_digit())
}

/// Measures that are scores or indices rather than laboratory values.
const SCORES: &[&str] = &[
    "ahi",
    "bmi",
    "das28",
    "easi",
    "bsa",
    "iga_score",
    "ess",
    "pain_score",
    "kl_grade",
];

/// A code-shape validator.
type ShapeCheck = fn(&str) -> bool;

/// ICD-10-CM: a letter, a digit, a digit or letter; then optionally a dot and
/// one to four alphanumerics (seven characters at most in all).
pub fn icd10cm_shape(code: &str) -> bool {
    static SHAPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$").unwrap());
    SHAPE.is_match(code)
}

/// CPT: five digits (Category I), or four digits and `F` (II) or `T` (III).
pub fn cpt_shape(code: &str) -> bool {
    static SHAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{4}[0-9FT]$").unwrap());
    SHAPE.is_match(code)
}

/// HCPCS Level II: one of the section letters and four digits.
pub fn hcpcs_shape(code: &str) -> bool {
    static SHAPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[ABCEGHJKLMPQRSTV]\d{4}$").unwrap());
    SHAPE.is_match(code)
}

fn char_pos(s: &str, byte: usize) -> usize {
    s[..byte].chars().count()
}

/// The text a document gives for a code: what follows it on the line (`M54.16
/// Radiculopathy, lumbar region`), else what precedes it (`lumbar
/// radiculopathy (M54.16)`), without labels and other codes.
fn code_text(q: &str, start: usize, end: usize) -> Option<String> {
    let clean = |t: &str| {
        let t = ICD_CAND.replace_all(t, "");
        let t = t
            .replace("CPT", "")
            .replace("HCPCS", "")
            .replace("ICD-10-CM", "")
            .replace("ICD-10", "");
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let t = t.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
        (t.chars().filter(|c| c.is_alphabetic()).count() >= 3).then_some(t)
    };
    let before_text = || {
        let before = &q[..start];
        let before = before.rsplit([':', ';', '\n', '.']).next().unwrap_or("");
        clean(before.trim_end_matches(['(', ' ', '-']))
    };
    // `text (CODE)`: the text is before the code.
    if q[..start].trim_end().ends_with('(') {
        return before_text();
    }
    let after = &q[end..];
    let after = after.split([';', '(', '\n', '.']).next().unwrap_or("");
    let after = after.split(" and ").next().unwrap_or("");
    clean(after).or_else(before_text)
}

/// One spelling per unit.
fn unit_name(u: &str) -> String {
    let u: String = u.split_whitespace().collect::<String>().to_lowercase();
    match u.as_str() {
        "mg/dl" => "mg/dL".into(),
        "mg/l" => "mg/L".into(),
        "mmol/l" => "mmol/L".into(),
        "mmhg" => "mmHg".into(),
        "kg/m²" | "kg/m2" => "kg/m2".into(),
        "iu/ml" => "IU/mL".into(),
        "u/l" => "U/L".into(),
        "meq/l" => "mEq/L".into(),
        "l" | "liter" | "liters" => "L".into(),
        u if u.starts_with("events") || u.starts_with("/h") => "events/h".into(),
        u if u.starts_with("ml/min") => "mL/min/1.73m2".into(),
        u if u.starts_with('/') => "/10".into(),
        u => u.to_string(),
    }
}

fn month_of(name: &str) -> u32 {
    let l = name.to_lowercase();
    pa_types::text::MONTHS
        .iter()
        .position(|m| l.starts_with(m))
        .map_or(0, |i| i as u32 + 1)
}

fn word_number(s: &str) -> Option<f64> {
    const W: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    let l = s.to_lowercase();
    W.iter()
        .position(|w| *w == l)
        .map(|i| (i + 1) as f64)
        .or_else(|| l.parse().ok())
}

/// Builds facts for one sentence.
struct SentenceFacts<'a> {
    checker: &'a Checker,
    s: &'a Sentence,
    /// The sentence's tokens and stems.
    words: &'a SentenceWords,
    out: Vec<Fact>,
    /// Byte ranges already read as a fact: each part of the text is one fact.
    taken: Vec<(usize, usize)>,
    /// The sentence prepared for ConText, on first use.
    ctx: std::cell::OnceCell<crate::context::Prepared>,
}

impl SentenceFacts<'_> {
    /// A fact for the byte range `b0..b1` of the sentence, which it takes.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: FactKind,
        b0: usize,
        b1: usize,
        value: String,
        label: Option<String>,
        number: Option<f64>,
        unit: Option<String>,
        valid: bool,
    ) {
        self.taken.push((b0, b1));
        let checker = self.checker;
        let q = &self.s.span.quote;
        let (c0, c1) = (char_pos(q, b0), char_pos(q, b1));
        let prepared = self.ctx.get_or_init(|| checker.context().prepare(q));
        let a = checker.context().assess_prepared(prepared, c0, c1);
        // Codes, dates and durations are data; only clinical mentions are assessed.
        let assessed = !matches!(
            kind,
            FactKind::Icd10Cm
                | FactKind::Cpt
                | FactKind::Hcpcs
                | FactKind::Date
                | FactKind::Duration
        );
        let assertion = if !assessed {
            FactAssertion::Present
        } else if a.family {
            FactAssertion::Family
        } else if a.negated || a.declined {
            FactAssertion::Negated
        } else if a.hypothetical {
            FactAssertion::Hypothetical
        } else {
            FactAssertion::Present
        };
        self.out.push(Fact {
            kind,
            value,
            label,
            number,
            unit,
            valid,
            assertion,
            doc_kind: self.s.kind,
            section: self.s.section.clone(),
            span: Citation {
                doc_id: self.s.span.doc_id.clone(),
                page: self.s.span.page,
                start: self.s.span.start + c0 as u32,
                end: self.s.span.start + c1 as u32,
                quote: char_slice(q, c0, c1).unwrap_or_default().to_string(),
            },
        });
    }

    /// Is the byte range `a..b` free of every fact read so far?
    fn free(&self, a: usize, b: usize) -> bool {
        self.taken.iter().all(|&(x, y)| b <= x || a >= y)
    }

    /// Codes: CPT and HCPCS (labelled forms first, so `CPT 72148` is not also
    /// read otherwise), then ICD-10-CM where the sentence is about diagnoses.
    fn codes(&mut self) {
        let s = self.s;
        let q = s.span.quote.as_str();
        if without_digits(q) {
            return;
        }
        let shaped: [(&Regex, FactKind, ShapeCheck); 2] = [
            (&CPT_LABELLED, FactKind::Cpt, cpt_shape),
            (&HCPCS_LABELLED, FactKind::Hcpcs, hcpcs_shape),
        ];
        // (label start, code start, code end, kind, shape check)
        let mut codes: Vec<(usize, usize, usize, FactKind, ShapeCheck)> = Vec::new();
        for (re, kind, shape) in shaped {
            for c in re.captures_iter(q) {
                let m = c.get(1).expect("group");
                codes.push((
                    c.get(0).expect("match").start(),
                    m.start(),
                    m.end(),
                    kind,
                    shape,
                ));
            }
        }
        if q.contains("CPT") {
            for m in CPT_ANY.find_iter(q) {
                if codes.iter().all(|c| m.end() <= c.1 || m.start() >= c.2) {
                    codes.push((m.start(), m.start(), m.end(), FactKind::Cpt, cpt_shape));
                }
            }
        }
        for (label_start, start, end, kind, shape) in codes {
            let code = &q[start..end];
            let text = code_text(q, label_start, end);
            self.push(
                kind,
                start,
                end,
                code.to_string(),
                text,
                None,
                None,
                shape(code),
            );
        }
        let icd_context = ICD_CONTEXT.is_match(q) || s.section.starts_with("diagnos");
        for m in ICD_CAND.find_iter(q) {
            if !self.free(m.start(), m.end()) {
                continue;
            }
            let code = m.as_str();
            let dotted = code.contains('.');
            // Spine levels (L4-L5, T12) and the like are not codes.
            let level_range = q[m.end()..].starts_with('-')
                || q[..m.start()].ends_with('-')
                || (!dotted && SPINE_LEVEL.is_match(code));
            if !(dotted || icd_context) || level_range {
                continue;
            }
            let text = code_text(q, m.start(), m.end());
            self.push(
                FactKind::Icd10Cm,
                m.start(),
                m.end(),
                code.to_string(),
                text,
                None,
                None,
                icd10cm_shape(code),
            );
        }
        if !icd_context || q.contains("HCPCS") {
            for m in HCPCS_CAND.find_iter(q) {
                if self.free(m.start(), m.end()) && hcpcs_shape(m.as_str()) {
                    let code = m.as_str().to_string();
                    let text = code_text(q, m.start(), m.end());
                    self.push(
                        FactKind::Hcpcs,
                        m.start(),
                        m.end(),
                        code,
                        text,
                        None,
                        None,
                        true,
                    );
                }
            }
        }
    }

    /// Calendar dates, numeric, ISO or with the month's name.
    fn dates(&mut self) {
        let s = self.s;
        let q = s.span.quote.as_str();
        if without_digits(q) {
            return;
        }
        let mut dates: Vec<(usize, usize, (u32, u32, u32))> = Vec::new();
        for c in DATE_NUMERIC.captures_iter(q) {
            let (m, d, y) = (
                c[1].parse().unwrap_or(0),
                c[2].parse().unwrap_or(0),
                c[3].parse().unwrap_or(0),
            );
            let w = c.get(0).expect("match");
            dates.push((w.start(), w.end(), (y, m, d)));
        }
        for c in DATE_ISO.captures_iter(q) {
            let (y, m, d) = (
                c[1].parse().unwrap_or(0),
                c[2].parse().unwrap_or(0),
                c[3].parse().unwrap_or(0),
            );
            let w = c.get(0).expect("match");
            dates.push((w.start(), w.end(), (y, m, d)));
        }
        for c in DATE_WORDS.captures_iter(q) {
            let (m, d, y) = (
                month_of(&c[1]),
                c[2].parse().unwrap_or(0),
                c[3].parse().unwrap_or(0),
            );
            let w = c.get(0).expect("match");
            dates.push((w.start(), w.end(), (y, m, d)));
        }
        dates.sort();
        for (a, b, (y, m, d)) in dates {
            if (1..=12).contains(&m)
                && (1..=31).contains(&d)
                && (1900..=2100).contains(&y)
                && self.free(a, b)
            {
                let label = crate::label_of(q)
                    .filter(|l| l.contains("date") || l.contains("dob") || l == "collected");
                self.push(
                    FactKind::Date,
                    a,
                    b,
                    format!("{y:04}-{m:02}-{d:02}"),
                    label,
                    None,
                    None,
                    true,
                );
            }
        }
    }

    /// Lexicon concepts: drugs (with dose), classes, therapies, measures (with value).
    fn concepts(&mut self) {
        let (s, checker) = (self.s, self.checker);
        let q = s.span.quote.as_str();
        let words = self.words;
        let (toks, stems) = (&words.tokens, &words.stems);
        let byte_of = |ch: usize| q.char_indices().nth(ch).map_or(q.len(), |(b, _)| b);
        for hit in checker.lex.find_written(q, toks, stems) {
            let e = &checker.lex.entries[hit.entry];
            let b0 = byte_of(toks[hit.tok_start].start);
            let b1 = byte_of(toks[hit.tok_end - 1].end);
            if !self.free(b0, b1) {
                continue;
            }
            match e.kind {
                ConceptKind::Drug => {
                    let class = checker
                        .lex
                        .entries
                        .iter()
                        .find(|c| c.kind == ConceptKind::DrugClass && c.members.contains(&e.id))
                        .and_then(|c| c.label.clone());
                    let (end, number, unit) = match DOSE.captures(&q[b1..]) {
                        Some(c) => (
                            b1 + c.get(0).expect("match").end(),
                            c[1].parse().ok(),
                            Some(c[2].to_string()),
                        ),
                        None => (b1, None, None),
                    };
                    self.push(
                        FactKind::Medication,
                        b0,
                        end,
                        e.id.clone(),
                        class,
                        number,
                        unit,
                        true,
                    );
                }
                ConceptKind::DrugClass | ConceptKind::Therapy => {
                    let kind = if e.kind == ConceptKind::Therapy {
                        FactKind::Therapy
                    } else {
                        FactKind::DrugClass
                    };
                    self.push(
                        kind,
                        b0,
                        b1,
                        e.id.clone(),
                        e.label.clone(),
                        None,
                        None,
                        true,
                    );
                }
                ConceptKind::Measure => {
                    let Some(c) = VALUE.captures(&q[b1..]) else {
                        continue;
                    };
                    let num = c.get(2).expect("number");
                    // A date's digits are not a value.
                    let after = &q[b1 + num.end()..];
                    if after.starts_with('/')
                        && !after.trim_start_matches(['/', ' ']).starts_with("10")
                    {
                        continue;
                    }
                    let end = b1 + c.get(0).expect("match").end();
                    let unit = c.get(3).map(|u| unit_name(u.as_str()));
                    let kind = if SCORES.contains(&e.id.as_str()) {
                        FactKind::Score
                    } else {
                        FactKind::LabValue
                    };
                    let label = e.label.clone().or_else(|| Some(e.id.clone()));
                    self.push(
                        kind,
                        b0,
                        end,
                        e.id.clone(),
                        label,
                        num.as_str().parse().ok(),
                        unit,
                        true,
                    );
                }
                _ => {}
            }
        }
    }

    /// Pain scores ("pain 7/10").
    fn pain_scores(&mut self) {
        let s = self.s;
        let q = s.span.quote.as_str();
        if without_digits(q) {
            return;
        }
        for c in PAIN.captures_iter(q) {
            let w = c.get(0).expect("match");
            if self.free(w.start(), w.end()) {
                self.push(
                    FactKind::Score,
                    w.start(),
                    w.end(),
                    "pain_score".into(),
                    Some("pain (0-10)".into()),
                    c[1].parse().ok(),
                    Some("/10".into()),
                    true,
                );
            }
        }
    }

    /// Durations ("for six weeks"), in days.
    fn durations(&mut self) {
        let s = self.s;
        let q = s.span.quote.as_str();
        for c in DURATION.captures_iter(q) {
            let w = c.get(0).expect("match");
            if !self.free(w.start(), w.end()) {
                continue;
            }
            let Some(n) = word_number(&c[1]) else {
                continue;
            };
            let unit = c[3].to_lowercase();
            let days = match unit.chars().next() {
                Some('d') => 1.0,
                Some('w') => 7.0,
                Some('m') => 30.0,
                _ => 365.0,
            };
            self.push(
                FactKind::Duration,
                w.start(),
                w.end(),
                format!("{}", n * days),
                None,
                Some(n * days),
                Some("days".into()),
                true,
            );
        }
    }
}

impl Checker {
    /// Every fact of a case, in sentence order.
    pub fn facts(&self, sentences: &[Sentence]) -> Vec<Fact> {
        let words: Vec<SentenceWords> = sentences
            .iter()
            .map(|s| SentenceWords::of(&s.span.quote))
            .collect();
        self.facts_with(sentences, &words)
    }

    /// [`Checker::facts`] with each sentence's tokens and stems already taken
    /// apart (`words[i]` of `sentences[i]`).
    pub fn facts_with(&self, sentences: &[Sentence], words: &[SentenceWords]) -> Vec<Fact> {
        sentences
            .iter()
            .zip(words)
            .flat_map(|(s, w)| self.sentence_facts(s, w))
            .collect()
    }

    fn sentence_facts(&self, s: &Sentence, words: &SentenceWords) -> Vec<Fact> {
        let mut f = SentenceFacts {
            checker: self,
            s,
            words,
            out: Vec::new(),
            taken: Vec::new(),
            ctx: std::cell::OnceCell::new(),
        };
        f.codes();
        f.dates();
        f.concepts();
        f.pain_scores();
        f.durations();
        f.out.sort_by_key(|x| x.span.start);
        f.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pa_types::DocKind;

    fn checker() -> Checker {
        let lex =
            pa_types::Lexicon::from_toml(include_str!("../../../pipelines/lexicon.toml")).unwrap();
        Checker::new(
            lex,
            include_str!("../../../pipelines/context.toml"),
            crate::EvidenceOptions {
                candidates: 8,
                max_evidence: 3,
                support_coverage: 0.5,
                semantic_candidates: 0,
            },
        )
        .unwrap()
    }

    fn sent(q: &str, section: &str) -> Sentence {
        Sentence {
            span: Citation {
                doc_id: "d".into(),
                page: 2,
                start: 100,
                end: 100 + q.chars().count() as u32,
                quote: q.into(),
            },
            kind: DocKind::ClinicalNote,
            section: section.into(),
            ordinal: 0,
        }
    }

    fn facts(q: &str) -> Vec<(String, String, Option<f64>, bool, String)> {
        let s = sent(q, "");
        checker()
            .facts(std::slice::from_ref(&s))
            .into_iter()
            .map(|f| {
                assert_eq!(
                    char_slice(
                        q,
                        (f.span.start - 100) as usize,
                        (f.span.end - 100) as usize
                    ),
                    Some(f.span.quote.as_str())
                );
                (
                    f.kind.as_str().to_string(),
                    f.value,
                    f.number,
                    f.valid,
                    f.span.quote,
                )
            })
            .collect()
    }

    #[test]
    fn code_shapes() {
        assert!(icd10cm_shape("M54.16"));
        assert!(icd10cm_shape("E11.9"));
        assert!(icd10cm_shape("M1A.0710"));
        assert!(icd10cm_shape("I10"));
        assert!(!icd10cm_shape("M54.16789"));
        assert!(!icd10cm_shape("54.16"));
        assert!(cpt_shape("72148"));
        assert!(cpt_shape("0394T"));
        assert!(cpt_shape("3044F"));
        assert!(!cpt_shape("7214"));
        assert!(hcpcs_shape("E0601"));
        assert!(hcpcs_shape("J0135"));
        assert!(!hcpcs_shape("D1234"));
        assert!(!hcpcs_shape("E060"));
    }

    #[test]
    fn codes_with_text_and_validity() {
        let f = facts("Requested service: MRI lumbar spine without contrast (CPT 72148)");
        assert_eq!(
            f,
            [("cpt".into(), "72148".into(), None, true, "72148".into())]
        );
        let f = facts("Diagnosis: M54.16 Radiculopathy, lumbar region; E11.65 Type 2 diabetes");
        assert_eq!(
            f.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
            ["M54.16", "E11.65"]
        );
        let f = facts("Procedure: CPT 7214 MRI");
        assert!(!f[0].3, "a four-digit CPT code is flagged invalid: {f:?}");
        let f =
            facts("Equipment requested: CPAP device (HCPCS E0601) with heated humidifier E0562.");
        assert_eq!(f.iter().filter(|x| x.0 == "hcpcs").count(), 2, "{f:?}");
        // Spine levels are not diagnosis codes.
        assert!(facts("Diagnosis: disc bulge at L4-L5 and T12.")
            .iter()
            .all(|x| x.0 != "icd10cm"));
    }

    #[test]
    fn codes_keep_their_description() {
        let c = checker();
        let all = c.facts(&[sent("Diagnosis: M54.16 Radiculopathy, lumbar region", "")]);
        assert_eq!(
            all[0].label.as_deref(),
            Some("Radiculopathy, lumbar region")
        );
        let all = c.facts(&[sent(
            "Assessment: lumbar radiculopathy (M54.16).",
            "assessment",
        )]);
        assert_eq!(all[0].label.as_deref(), Some("lumbar radiculopathy"));
    }

    #[test]
    fn medications_values_and_dates() {
        let c = checker();
        let all = c.facts(&[sent(
            "On 03/14/2026 she stopped naproxen 500 mg after 6 weeks; HbA1c 8.2% and AHI of 18.2 events/h, pain 7/10.",
            "",
        )]);
        let got: Vec<(&str, &str, &str)> = all
            .iter()
            .map(|f| (f.kind.as_str(), f.value.as_str(), f.span.quote.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("date", "2026-03-14", "03/14/2026"),
                ("medication", "naproxen", "naproxen 500 mg"),
                ("duration", "42", "6 weeks"),
                ("lab_value", "hba1c", "HbA1c 8.2%"),
                ("score", "ahi", "AHI of 18.2 events/h"),
                ("score", "pain_score", "pain 7/10"),
            ]
        );
        let nap = &all[1];
        assert_eq!(nap.label.as_deref(), Some("NSAIDs"));
        assert_eq!((nap.number, nap.unit.as_deref()), (Some(500.0), Some("mg")));
        assert_eq!(all[3].number, Some(8.2));
    }

    #[test]
    fn assertion_follows_context() {
        let c = checker();
        let all = c.facts(&[sent("She has never taken methotrexate.", "")]);
        assert_eq!(all[0].assertion, FactAssertion::Negated);
        let all = c.facts(&[sent(
            "Mother has rheumatoid arthritis treated with adalimumab.",
            "",
        )]);
        assert_eq!(all[0].assertion, FactAssertion::Family);
    }
}
