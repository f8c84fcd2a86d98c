//! The missing-evidence checker: find medical-necessity claims in letters and
//! request forms, look for support in the case's *other* documents, and decide
//! `supported`, `unsupported` or `contradicted`, with evidence spans and a
//! reason a nurse reviewer understands.
//!
//! Flow per case: [`claims::detect`] picks claim sentences; candidates come from
//! the run's search index ([`CaseSearcher`]), never from the claim's own document
//! or another letter or form; each candidate is verified: the key concept must
//! match through the lexicon (a class is satisfied by its members), numbers must
//! agree ([`quantity`]), and the clinical context must fit ([`context`]):
//! negated, declined, planned or family mentions never support a claim.
#![warn(missing_docs)]

use std::collections::{HashMap, HashSet};

use pa_types::text::{stem, tokenize, Token};
use pa_types::{
    CaseSearcher, Claim, ClaimStatus, ClaimType, ConceptKind, Evidence, Lexicon, Relation, Sentence,
};

pub mod claims;
pub mod context;
pub mod criteria;
mod dates;
pub mod facts;
pub mod quantity;
pub mod red_flags;
mod trace;

use claims::Detection;
use context::{Assessment, Context};
use quantity::{agrees, quantities, unit_is_result, QKind, Quantity};
use trace::candidate_trace;

/// Errors building a checker.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceError {
    /// The ConText rules do not parse.
    #[error("invalid context rules: {0}")]
    Context(String),
    /// Payer criteria files that cannot be used (each error names its file and line).
    #[error("invalid payer criteria: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Criteria(Vec<criteria::CriteriaError>),
    /// The red flag rules do not parse or are invalid.
    #[error("invalid red flag rules: {0}")]
    RedFlags(String),
}

/// Checker settings.
#[derive(Debug, Clone)]
pub struct EvidenceOptions {
    /// Candidates fetched per claim.
    pub candidates: usize,
    /// Evidence spans kept per claim.
    pub max_evidence: usize,
    /// Key-term coverage needed for support.
    pub support_coverage: f32,
}

/// Words that carry no claim content.
/// Weight of a matched lexicon concept in a candidate's coverage of a claim,
/// against 1 for a content word or a date (concepts carry more meaning).
const CONCEPT_WEIGHT: f32 = 2.0;
/// Coverage at which a candidate sentence bears on a claim: a third of its key
/// terms, with a concept or two words/dates among them.
const MIN_COVERAGE: f32 = 0.34;
/// Coverage that sentences pooled for support in parts must reach together:
/// pooling fills in wording spread over a note, it must not skip a finding
/// ("a full-thickness tear and marked atrophy" is not supported by the tear).
const MIN_POOLED_COVERAGE: f32 = 0.75;
/// Coverage enough when the candidate matches a specific concept of the claim
/// (a drug, a therapy, a measure, a test), which carries it on its own.
const MIN_COVERAGE_WITH_HEAD: f32 = 0.25;

/// Where the effect of a causal statement starts ("rosuvastatin caused
/// |rhabdomyolysis", "led to |falls"): the char start of the first key word or
/// concept after the causal verb, if the claim has one.
fn caused_effect(a: &Analysis) -> Option<usize> {
    let toks = &a.tokens;
    let verb = toks.iter().enumerate().find_map(|(i, t)| {
        let next = toks.get(i + 1).map(|n| n.norm.as_str());
        match t.norm.as_str() {
            "caused" | "causing" | "causes" | "induced" => Some(i + 1),
            "led" if next == Some("to") => Some(i + 2),
            "resulted" if next == Some("in") => Some(i + 2),
            _ => None,
        }
    })?;
    toks[verb..].iter().find_map(|t| {
        let word = a.words.iter().any(|w| w.1 == t.start);
        let concept = a.concepts.iter().find(|c| c.3 <= t.start && t.start < c.4);
        if word {
            Some(t.start)
        } else {
            concept.map(|c| c.3)
        }
    })
}

/// The relatives a sentence names, as kinds ("dad" is a father); empty when
/// it names one only in general ("a parent", "a sibling"), which matches any.
fn relatives(sentence: &str) -> HashSet<&'static str> {
    let mut out = HashSet::new();
    for t in tokenize(sentence) {
        let kind = match t.norm.as_str() {
            "mother" | "mom" | "mother's" => "mother",
            "father" | "dad" | "father's" => "father",
            "sister" | "sisters" => "sister",
            "brother" | "brothers" => "brother",
            "son" | "sons" => "son",
            "daughter" | "daughters" => "daughter",
            "aunt" | "aunts" => "aunt",
            "uncle" | "uncles" => "uncle",
            "grandmother" => "grandmother",
            "grandfather" => "grandfather",
            "cousin" | "cousins" => "cousin",
            "niece" | "nephew" => "niece or nephew",
            "parent" | "parents" | "sibling" | "siblings" | "relative" | "relatives" => {
                return HashSet::new()
            }
            _ => continue,
        };
        out.insert(kind);
    }
    out
}

/// The result a sentence states for a test mention assessed `negated`: negative
/// (`Some(false)`), positive (`Some(true)`), or none (the test only named).
fn result_of(negated: bool, sentence: &str) -> Option<bool> {
    if negated {
        states_result(sentence, NEGATIVE_RESULT_WORDS).then_some(false)
    } else {
        states_result(sentence, POSITIVE_RESULT_WORDS).then_some(true)
    }
}

/// Whether a sentence has one of the result words `words`.
fn states_result(sentence: &str, words: &[&str]) -> bool {
    let t = sentence.to_lowercase();
    words.iter().any(|w| {
        t.match_indices(w).any(|(i, _)| {
            let before = t[..i].chars().next_back();
            let after = t[i + w.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '-')
                && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// Words that state a positive test result ("HBsAg: reactive", "UDS positive").
const POSITIVE_RESULT_WORDS: &[&str] =
    &["positive", "reactive", "detected", "abnormal", "elevated"];

/// Words that state a result that is neither negative nor positive.
const UNCLEAR_RESULT_WORDS: &[&str] = &["indeterminate", "equivocal", "inconclusive"];

/// Words that state a negative test result ("hCG: NEGATIVE", "HCV RNA not detected").
const NEGATIVE_RESULT_WORDS: &[&str] = &[
    "negative",
    "neg",
    "nonreactive",
    "non-reactive",
    "not detected",
    "undetectable",
];

/// Key words that only place a mention in time, as stems.
const TIME_WORDS: &[&str] = &[
    "history",
    "hx",
    "prior",
    "previou",
    "previously",
    "past",
    "remote",
];

/// Words that give a test's result ("negative urine hCG", "HBsAg: reactive").
const RESULT_WORDS: &[&str] = &[
    "negative",
    "neg",
    "positive",
    "pos",
    "nonreactive",
    "non-reactive",
    "reactive",
];

const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "as",
    "is",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "he",
    "she",
    "his",
    "her",
    "him",
    "they",
    "their",
    "patient",
    "pt",
    "also",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "who",
    "which",
    "than",
    "more",
    "most",
    "over",
    "less",
    "not",
    "no",
    "mr",
    "ms",
    "mrs",
    "dr",
    "md",
    "do",
    "did",
    "does",
    "per",
    "every",
    "each",
    "any",
    "all",
    "very",
    "only",
    "both",
    "fail",
    "failed",
    "tried",
    "try",
    "trial",
    "complet",
    "completed",
    "took",
    "taken",
    "taking",
    "course",
    "received",
    "despite",
    "without",
    "relief",
    "benefit",
    "current",
    "currently",
    "recent",
    "most",
    "reports",
    "report",
    "state",
    "remain",
    "remains",
    "while",
    "after",
    "before",
    "since",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "day",
    "days",
    "daily",
    "hour",
    "hours",
    "time",
    "times",
    "score",
    "showed",
    "show",
    "shows",
    "revealed",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "twelve",
    "new",
    "prior",
    "previous",
    "last",
    "left",
    "right",
    "twice",
    "mg",
    "ml",
    "kg",
    "lb",
    "cm",
    "mm",
    "dl",
    "l",
    "has",
    "can",
    "could",
    "would",
    "will",
    "there",
    "here",
    "include",
    "including",
    "level",
    "value",
    "values",
    "rated",
    "indicating",
    "used",
    "use",
    // Framing: "X treated with Y", "has experienced X".
    "treated",
    "under",
    "experience",
    "experienced",
    "experiences",
    "experiencing",
    // A form's answer word.
    "yes",
];

/// A sentence taken apart for matching.
pub(crate) struct Analysis {
    tokens: Vec<Token>,
    /// (entry, token start, token end, char start, char end), deduplicated by entry.
    concepts: Vec<(usize, usize, usize, usize, usize)>,
    /// Later mentions of a concept already in `concepts`: (entry, char start, char end).
    repeats: Vec<(usize, usize, usize)>,
    /// Content word stems not inside a concept mention, with their char ranges.
    words: Vec<(String, usize, usize)>,
    quantities: Vec<Quantity>,
    /// ICD-10-CM codes with a decimal part (`M54.16`): specific enough to match alone.
    codes: Vec<String>,
    /// Abbreviations read as their senses: (token index, content stems of each sense).
    expansions: Vec<(usize, Vec<Vec<String>>)>,
    /// Every content stem of every sense in `expansions`.
    alt_stems: HashSet<String>,
    /// Calendar dates written in the text.
    dates: Vec<dates::Date>,
    /// The sentence prepared for ConText, on first use.
    ctx: std::cell::OnceCell<context::Prepared>,
    /// Where a form row's checked "No" stands: it negates the whole question
    /// before it, however long ([`claims::checked_no_at`]).
    answered_no: Option<usize>,
}

/// A treatment that did not work: failed, inadequate or no response, stopped
/// working, without relief.
static TREATMENT_FAILED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(fail(ed|ure|s)?|inadequate(ly)?|insufficient|ineffective|not effective|no (response|relief|benefit|improvement)|without (response|relief|benefit|improvement)|lost (its )?(response|effect)|loss of response|refractory|did not (respond|help|work|improve)|no longer effective|flared?|breakthrough)\b").unwrap()
});

/// A treatment that works: a good response, doing well on it, in remission.
static TREATMENT_WORKS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b((good|excellent|adequate|great|complete) (clinical )?response|respond(ed|ing) well|doing well on|well[- ]controlled (on|with)|in (clinical )?remission|(significant|marked|substantial|dramatic) improvement|works well|effective)\b").unwrap()
});

/// The severity written just before a mention at char `at` of `text`, as a
/// range of grades (1 mild, 2 moderate, 3 severe): "moderate to severe" is 2..=3.
fn severity_before(text: &str, at: usize) -> Option<(u8, u8)> {
    static SEVERITY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(mild|moderate|severe)(?:ly)?(?:\s*(?:-|to)\s*(mild|moderate|severe)(?:ly)?)?)\b[\w\s,-]{0,30}$").unwrap()
    });
    let grade = |w: &str| match w.to_lowercase().as_str() {
        "mild" => 1,
        "moderate" => 2,
        _ => 3,
    };
    let before: String = text.chars().take(at).collect();
    // Within 30 characters of the mention.
    let c = SEVERITY.captures(&before)?;
    let lo = grade(&c[1]);
    let hi = c.get(2).map_or(lo, |w| grade(w.as_str()));
    Some((lo.min(hi), lo.max(hi)))
}

/// Does the sentence say a treatment works, not negated ("not effective",
/// "no good response", "poorly controlled")?
fn works(text: &str) -> bool {
    TREATMENT_WORKS.find_iter(text).any(|m| {
        let before: String = text[..m.start()]
            .chars()
            .rev()
            .take(16)
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
            .to_lowercase();
        !["not ", "no ", "n't ", "poor", "without ", "never "]
            .iter()
            .any(|n| before.ends_with(n) || before.contains(&format!(" {n}")))
    })
}

static ICD10: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\b[A-TV-Z]\d{2}\.\d{1,4}\b").unwrap());

/// A claim concept matched in a candidate: (claim entry, claim char range,
/// candidate char range, or `None` when a negative form matched).
type ConceptMatch = (usize, (usize, usize), Option<(usize, usize)>);

/// What the checker knows about a candidate's document and the request.
#[derive(Clone, Copy)]
struct CandidateDoc<'a> {
    /// Concepts in the document's first lines (its title).
    head: &'a [usize],
    /// The date of the request (the claim's document).
    request: Option<(u32, u32, u32)>,
    /// The candidate document's own date.
    date: Option<(u32, u32, u32)>,
}

/// Evidence checker for a run.
pub struct Checker {
    lex: Lexicon,
    ctx: Context,
    opts: EvidenceOptions,
}

/// What one candidate sentence confirmed of a claim: which of its key terms it
/// names (weighted as in coverage) and which kinds of the claim's numbers it
/// gives with an agreeing value. Several sentences that each confirm a part,
/// under every check a single sentence gets, can support a claim together
/// ([`Checker::support_in_parts`]).
#[derive(Debug, Default, Clone)]
struct Parts {
    /// Matched key terms: (key, weight).
    terms: Vec<(String, f32)>,
    /// Kinds of the claim's numbers this sentence confirms.
    confirmed: Vec<QKind>,
    /// The sentence (or its document's title) names a test, drug, therapy or
    /// specialist that the claim names.
    names_named: bool,
}

/// What one candidate sentence says about a claim.
enum Verdict {
    Supports,
    /// Supports one part of a claim whose parts other sentences support
    /// ([`Checker::support_in_parts`]).
    SupportsInPart,
    /// Would support, but the document is dated after the request.
    AfterRequest(String),
    Contradicts(String),
    /// A value differs ("LDL 190" against "LDL 128"): a contradiction unless a
    /// later sentence gives the claimed value (then the other is history).
    ValueDiffers(String),
    /// A dose differs: a contradiction unless another sentence gives the
    /// claimed dose (doses change: tapers, titrations), then it is history.
    DoseDiffers(String),
    /// A finding of the claim denied by a loosely matched sentence: a
    /// contradiction unless another sentence supports the claim.
    Denies(String),
    Family,
    Hypothetical,
    MissingNumber(String),
    Weak,
}

impl Checker {
    /// Build a checker from the lexicon and the text of `pipelines/context.toml`.
    pub fn new(
        lex: Lexicon,
        context_toml: &str,
        opts: EvidenceOptions,
    ) -> Result<Self, EvidenceError> {
        let ctx = Context::from_toml(context_toml).map_err(EvidenceError::Context)?;
        let lex = lex.with_drug_vocabulary();
        Ok(Checker { lex, ctx, opts })
    }

    /// A short abbreviation that names a therapy and a lab test alike ("PT":
    /// physical therapy, prothrombin time) is the lab when a lab value follows it
    /// ("PT 13.2 sec") or other coagulation labs stand beside it (INR, PTT).
    fn is_lab_reading(&self, text: &str, tokens: &[Token], hit: &pa_types::ConceptHit) -> bool {
        if self.lex.entries[hit.entry].kind != ConceptKind::Therapy
            || hit.tok_end - hit.tok_start != 1
        {
            return false;
        }
        let t = &tokens[hit.tok_start];
        if t.norm.chars().count() > 3 {
            return false;
        }
        lab_context(tokens, hit.tok_start) && !text.to_lowercase().contains("therapy")
    }

    fn is_drug(&self, entry: usize) -> bool {
        matches!(
            self.lex.entries[entry].kind,
            ConceptKind::Drug | ConceptKind::DrugClass
        )
    }

    /// A drug, a drug class or a therapy: something tried for a while.
    fn is_treatment(&self, entry: usize) -> bool {
        matches!(
            self.lex.entries[entry].kind,
            ConceptKind::Drug | ConceptKind::DrugClass | ConceptKind::Therapy
        )
    }

    /// The ConText engine, for callers that assess mentions themselves.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    fn analyze(&self, text: &str) -> Analysis {
        let tokens = tokenize(text);
        let stems: Vec<String> = tokens.iter().map(|t| stem(&t.norm)).collect();
        let mut concepts = Vec::new();
        let mut covered = vec![false; tokens.len()];
        let mut seen = HashSet::new();
        let mut repeats = Vec::new();
        for hit in self.lex.find(&stems) {
            if self.is_lab_reading(text, &tokens, &hit) {
                continue;
            }
            // A measure's name right after a number is that number's unit: "3 hr/day"
            // is three hours, not a heart rate.
            let after_number = hit.tok_start > 0 && {
                let prev = &tokens[hit.tok_start - 1];
                let gap = pa_types::text::char_slice(text, prev.end, tokens[hit.tok_start].start);
                prev.norm.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && gap.is_some_and(|g| g.chars().all(char::is_whitespace))
            };
            if after_number && self.lex.entries[hit.entry].kind == ConceptKind::Measure {
                continue;
            }
            for c in covered.iter_mut().take(hit.tok_end).skip(hit.tok_start) {
                *c = true;
            }
            if seen.insert(hit.entry) {
                concepts.push((
                    hit.entry,
                    hit.tok_start,
                    hit.tok_end,
                    tokens[hit.tok_start].start,
                    tokens[hit.tok_end - 1].end,
                ));
            } else {
                repeats.push((
                    hit.entry,
                    tokens[hit.tok_start].start,
                    tokens[hit.tok_end - 1].end,
                ));
            }
        }
        // Drugs the lexicon does not name, from the public drug vocabulary.
        for m in pa_types::drugs::find_drugs(text) {
            let Some(e) = self.lex.index_of(m.generic) else {
                continue;
            };
            let toks: Vec<usize> = (0..tokens.len())
                .filter(|&i| tokens[i].start >= m.start && tokens[i].end <= m.end)
                .collect();
            let (Some(&ts), Some(&te)) = (toks.first(), toks.last()) else {
                continue;
            };
            if toks.iter().any(|&i| covered[i]) {
                continue;
            }
            for &i in &toks {
                covered[i] = true;
            }
            if seen.insert(e) {
                concepts.push((e, ts, te + 1, m.start, m.end));
            } else {
                repeats.push((e, m.start, m.end));
            }
        }
        let mut expansions = expand_abbreviations(text, &tokens);
        expansions.extend(condition_synonyms(&stems));
        let alt_stems: HashSet<String> = expansions
            .iter()
            .flat_map(|(_, senses)| senses.iter().flatten().cloned())
            .collect();
        // Beside a test, a result word is its polarity, which ConText reads:
        // "negative hepatitis B surface antigen" has one key term, the test.
        let names_test = concepts
            .iter()
            .any(|c| self.lex.entries[c.0].kind == ConceptKind::Test);
        let mut words = Vec::new();
        let text_chars: Vec<char> = text.chars().collect();
        for (i, t) in tokens.iter().enumerate() {
            let honorific =
                i > 0 && ["mr", "ms", "mrs", "dr"].contains(&tokens[i - 1].norm.as_str());
            // A marker, gene or antigen named in capitals with a digit ("HER2",
            // "GATA3", "PIK3CA", "CD20") is a key term, not a number.
            let marker = {
                let w = &text_chars[t.start.min(text_chars.len())..t.end.min(text_chars.len())];
                w.iter().filter(|c| c.is_ascii_uppercase()).count() >= 2
                    && !w.iter().any(|c| c.is_lowercase())
                    && w.iter().any(char::is_ascii_digit)
            };
            if covered[i]
                || honorific
                || (names_test && RESULT_WORDS.contains(&t.norm.as_str()))
                || t.norm.len() < 3
                || (t.norm.chars().any(|c| c.is_ascii_digit()) && !marker)
                || STOPWORDS.contains(&t.norm.as_str())
                || STOPWORDS.contains(&stems[i].as_str())
            {
                continue;
            }
            words.push((stems[i].clone(), t.start, t.end));
        }
        let measures: Vec<(usize, usize, usize)> = concepts
            .iter()
            .filter(|c| self.lex.entries[c.0].kind == ConceptKind::Measure)
            .map(|c| (c.0, c.3, c.4))
            .collect();
        let mut measures = measures;
        measures.sort_by_key(|m| m.1);
        let codes = ICD10
            .find_iter(text)
            .map(|m| m.as_str().to_uppercase())
            .collect();
        Analysis {
            quantities: quantities(text, &measures),
            tokens,
            concepts,
            repeats,
            words,
            codes,
            expansions,
            alt_stems,
            dates: dates::find(text),
            ctx: std::cell::OnceCell::new(),
            answered_no: None,
        }
    }

    /// ConText for the mention at chars `start..end` of `text`, analysed as `a`.
    fn assess(&self, a: &Analysis, text: &str, start: usize, end: usize) -> Assessment {
        let prepared = a.ctx.get_or_init(|| self.ctx.prepare(text));
        let mut assessment = self.ctx.assess_prepared(prepared, start, end);
        assessment.negated |= a.answered_no.is_some_and(|at| end <= at);
        assessment
    }

    fn query_terms(&self, a: &Analysis) -> Vec<String> {
        let mut terms = Vec::new();
        for &(entry, ..) in &a.concepts {
            let mut stack = vec![entry];
            let mut seen = HashSet::new();
            while let Some(e) = stack.pop() {
                if !seen.insert(e) {
                    continue;
                }
                terms.extend(self.lex.entries[e].terms.iter().cloned());
                terms.extend(self.lex.entries[e].negative_forms.iter().cloned());
                stack.extend(
                    self.lex.entries[e]
                        .members
                        .iter()
                        .filter_map(|m| self.lex.index_of(m)),
                );
            }
        }
        // Concepts known only to the drug vocabulary have no terms: search for
        // the words as written.
        for &(entry, ts, te, ..) in &a.concepts {
            if self.lex.entries[entry].terms.is_empty() {
                terms.extend(a.tokens[ts..te].iter().map(|t| t.norm.clone()));
            }
        }
        // Notes abbreviate: search for "SOB" too when the claim says
        // "shortness of breath" (any phrase of up to four words).
        for i in 0..a.tokens.len() {
            for n in 1..=4.min(a.tokens.len() - i) {
                let phrase = a.tokens[i..i + n]
                    .iter()
                    .map(|t| t.norm.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let singular = phrase.strip_suffix('s').unwrap_or(&phrase);
                for p in [phrase.as_str(), singular] {
                    terms.extend(pa_types::abbrev::abbreviations_for(p).iter().cloned());
                }
            }
        }
        terms.extend(a.words.iter().map(|w| {
            a.tokens
                .iter()
                .find(|t| t.start == w.1)
                .map(|t| t.norm.clone())
                .unwrap_or_default()
        }));
        terms
    }

    /// Check every claim of a case. `sentences` are all sentences of the case's
    /// readable documents.
    pub fn check_case(
        &self,
        case_id: &str,
        sentences: &[Sentence],
        searcher: &dyn CaseSearcher,
    ) -> Vec<Claim> {
        let assertion_docs: Vec<String> = {
            let mut v: Vec<String> = sentences
                .iter()
                .filter(|s| s.kind.is_assertion())
                .map(|s| s.span.doc_id.clone())
                .collect();
            v.dedup();
            v
        };
        let evidence_docs: HashSet<&str> = sentences
            .iter()
            .filter(|s| !s.kind.is_assertion())
            .map(|s| s.span.doc_id.as_str())
            .collect();
        let by_pos: HashMap<(&str, u32, u32), &Sentence> = sentences
            .iter()
            .map(|s| ((s.span.doc_id.as_str(), s.span.page, s.span.start), s))
            .collect();
        let by_ordinal: HashMap<(&str, u32), &Sentence> = sentences
            .iter()
            .filter(|s| !s.kind.is_assertion())
            .map(|s| ((s.span.doc_id.as_str(), s.ordinal), s))
            .collect();

        let doc_dates = document_dates(sentences);
        // Concepts in the first lines (title, header) of each clinical document.
        let mut doc_heads: HashMap<&str, Vec<usize>> = HashMap::new();
        for s in sentences
            .iter()
            .filter(|s| !s.kind.is_assertion() && s.ordinal < 3)
        {
            let a = self.analyze(&s.span.quote);
            doc_heads
                .entry(s.span.doc_id.as_str())
                .or_default()
                .extend(a.concepts.iter().map(|c| c.0));
        }
        let mut analyzed: HashMap<(String, u32, u32), Analysis> = HashMap::new();
        let mut out = Vec::new();
        // A sentence of a letter or form may hold several claims: check each clause.
        let mut units: Vec<(Sentence, String)> = Vec::new();
        for s in sentences.iter().filter(|s| s.kind.is_assertion()) {
            let parts = claims::clauses(&s.span.quote);
            if parts.len() == 1 {
                units.push((s.clone(), format!("{}#{}", s.span.doc_id, s.ordinal)));
                continue;
            }
            for (k, (cs, ce)) in parts.into_iter().enumerate() {
                let Some(quote) = pa_types::text::char_slice(&s.span.quote, cs, ce) else {
                    continue;
                };
                let mut sub = s.clone();
                sub.span.start = s.span.start + cs as u32;
                sub.span.end = s.span.start + ce as u32;
                sub.span.quote = quote.to_string();
                let id = if k == 0 {
                    format!("{}#{}", s.span.doc_id, s.ordinal)
                } else {
                    format!("{}#{}.{}", s.span.doc_id, s.ordinal, k)
                };
                units.push((sub, id));
            }
        }
        for (s, claim_id) in &units {
            // A form row is read as filled in: its checked answer, not its options.
            // (Its citation stays the text as written.)
            let read = claims::read_as_filled(&s.span.quote);
            let read_sentence;
            let read_s: &Sentence = match &read {
                std::borrow::Cow::Borrowed(_) => s,
                std::borrow::Cow::Owned(r) => {
                    read_sentence = Sentence {
                        span: pa_types::Citation {
                            quote: r.clone(),
                            ..s.span.clone()
                        },
                        ..s.clone()
                    };
                    &read_sentence
                }
            };
            let mut a = self.analyze(&read);
            a.answered_no = claims::checked_no_at(&s.span.quote);
            // A form's printed question is not what the prescriber asserts: match
            // the answer only.
            // (A measure named by the question gives the answer's number its
            // meaning: "Body mass index: 38.2" keeps its question.)
            let label_measure = |k: usize| {
                a.concepts
                    .iter()
                    .any(|c| c.3 < k && self.lex.entries[c.0].kind == ConceptKind::Measure)
            };
            if let Some(k) = answer_start(&read).filter(|&k| !label_measure(k)) {
                let answer = self.analyze(
                    pa_types::text::char_slice(&read, k, read.chars().count()).unwrap_or_default(),
                );
                a.concepts.retain(|c| c.3 >= k);
                a.repeats.retain(|r| r.1 >= k);
                a.words.retain(|w| w.1 >= k);
                a.dates.retain(|d| d.at >= k);
                a.expansions.retain(|(i, _)| a.tokens[*i].start >= k);
                a.quantities = answer.quantities;
            }
            let kinds: Vec<ConceptKind> = a
                .concepts
                .iter()
                .map(|c| self.lex.entries[c.0].kind)
                .collect();
            let label = label_of(&s.span.quote);
            let claim_type = match claims::detect(&s.span.quote, label.as_deref(), &kinds) {
                Detection::Claim(t) => t,
                Detection::Instruction | Detection::NotAClaim => continue,
            };
            let mut trace = self.claim_trace(&a, &s.span.quote);
            let mut claim = Claim {
                claim_id: claim_id.clone(),
                span: s.span.clone(),
                claim_type,
                status: ClaimStatus::Unsupported,
                reason: String::new(),
                evidence: Vec::new(),
                trace: None,
            };
            if evidence_docs.is_empty() {
                claim.reason =
                    "no readable clinical document in this case to check it against".into();
                trace.rule = "unsupported_no_clinical_documents".into();
                claim.trace = Some(trace);
                out.push(claim);
                continue;
            }
            let hits = searcher.search(
                case_id,
                &self.query_terms(&a),
                &assertion_docs,
                self.opts.candidates,
            );
            let mut verdicts: Vec<(Verdict, f32, &Sentence)> = Vec::new();
            let mut pieces: Vec<(Parts, &'static str, &Sentence)> = Vec::new();
            for h in hits {
                let Some(cand) = by_pos.get(&(h.doc_id.as_str(), h.page, h.start)) else {
                    continue;
                };
                debug_assert!(cand.span.doc_id != s.span.doc_id);
                // A candidate sentence often serves several claims: analyze it once.
                let b = analyzed
                    .entry((h.doc_id.clone(), h.page, h.start))
                    .or_insert_with(|| self.analyze(&cand.span.quote));
                let head = doc_heads
                    .get(cand.span.doc_id.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let request = doc_dates.get(s.span.doc_id.as_str()).copied();
                let date = doc_dates.get(cand.span.doc_id.as_str()).copied();
                let doc = CandidateDoc {
                    head,
                    request,
                    date,
                };
                let mut parts = Parts::default();
                let (v, cov, rule) = self.verify(read_s, &a, claim_type, cand, b, doc, &mut parts);
                let (v, rule) = dated(v, rule, &doc_dates, &s.span.doc_id, &cand.span.doc_id);
                let after_request = matches!(
                    (doc_dates.get(s.span.doc_id.as_str()), doc_dates.get(cand.span.doc_id.as_str())),
                    (Some(req), Some(d)) if d > req
                );
                if matches!(v, Verdict::Weak | Verdict::MissingNumber(_))
                    && !parts.terms.is_empty()
                    && !after_request
                {
                    pieces.push((parts, rule, cand));
                }
                trace
                    .candidates
                    .push(candidate_trace(&h, cand, &v, cov, rule));
                verdicts.push((v, cov, cand));
            }
            if let Some(pair) = self.adjacent_support(
                read_s,
                &a,
                claim_type,
                &verdicts,
                &by_ordinal,
                &doc_heads,
                &doc_dates,
            ) {
                verdicts.extend(pair);
            } else if let Some(found) = self.support_in_parts(read_s, &a, &verdicts, &pieces) {
                verdicts.extend(found);
            }
            trace::order_candidates(&mut trace.candidates);
            trace.rule = decide(
                &mut claim,
                verdicts,
                &self.opts,
                s.kind.as_str(),
                evidence_docs.len(),
                &doc_dates,
            )
            .into();
            claim.trace = Some(trace);
            out.push(claim);
        }
        out
    }

    /// Evidence that spans two adjacent sentences of a note ("Septum deviated to
    /// the left." "Turbinates: bilateral hypertrophy."): when no single candidate
    /// decides the claim, each candidate that shares something with it is read
    /// together with the next sentence of its document, under every check a single
    /// sentence gets (negation, numbers, dates). Only support is taken from a pair,
    /// cited as its two sentences.
    #[allow(clippy::too_many_arguments)]
    fn adjacent_support<'s>(
        &self,
        claim: &Sentence,
        a: &Analysis,
        claim_type: ClaimType,
        verdicts: &[(Verdict, f32, &'s Sentence)],
        by_ordinal: &HashMap<(&str, u32), &'s Sentence>,
        doc_heads: &HashMap<&str, Vec<usize>>,
        doc_dates: &HashMap<&str, (u32, u32, u32)>,
    ) -> Option<[(Verdict, f32, &'s Sentence); 2]> {
        if verdicts.iter().any(|v| !matches!(v.0, Verdict::Weak)) {
            return None;
        }
        let request = doc_dates.get(claim.span.doc_id.as_str()).copied();
        for &(_, cov, first) in verdicts.iter().filter(|v| v.1 > 0.0) {
            let Some(&next) = by_ordinal.get(&(first.span.doc_id.as_str(), first.ordinal + 1))
            else {
                continue;
            };
            let mut joined = first.clone();
            joined.span.quote = format!("{} {}", first.span.quote, next.span.quote);
            let b = self.analyze(&joined.span.quote);
            // Numbers are not pieced together: every number of the claim must be
            // confirmed by the pair itself.
            let found = with_since_duration(&joined.span.quote, &b, request);
            let confirmed = a
                .quantities
                .iter()
                .all(|q| found.iter().any(|f| f.kind == q.kind && agrees(q, f)));
            if !confirmed {
                continue;
            }
            let head = doc_heads
                .get(first.span.doc_id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let date = doc_dates.get(first.span.doc_id.as_str()).copied();
            let doc = CandidateDoc {
                head,
                request,
                date,
            };
            let (v, joint, _) = self.verify(
                claim,
                a,
                claim_type,
                &joined,
                &b,
                doc,
                &mut Parts::default(),
            );
            if joint <= cov || !matches!(v, Verdict::Supports) {
                continue;
            }
            let (v, _) = dated(v, "", doc_dates, &claim.span.doc_id, &first.span.doc_id);
            if matches!(v, Verdict::Supports) {
                return Some([
                    (Verdict::Supports, joint, first),
                    (Verdict::Supports, joint, next),
                ]);
            }
        }
        None
    }

    /// Support in parts: a claim that joins several facts ("negative urine
    /// pregnancy test 06/02; uses an IUD", "PT for gait, OT for ADLs, SLP for
    /// aphasia") is seldom written in one sentence of a note. When no sentence
    /// decides the claim, the candidates that each passed every check a support
    /// must pass (context, numbers, dates; none later than the request) but
    /// matched too little are pooled: the claim is supported when together they
    /// cover three quarters of its key terms ([`MIN_POOLED_COVERAGE`]), match
    /// every concept of the claim, confirm every number a single support would
    /// have to confirm, and name the test, drug, therapy or specialist the
    /// claim names. At most three sentences are
    /// pooled, each adding a term the others lack.
    fn support_in_parts<'s>(
        &self,
        claim: &Sentence,
        a: &Analysis,
        verdicts: &[(Verdict, f32, &'s Sentence)],
        pieces: &[(Parts, &'static str, &'s Sentence)],
    ) -> Option<Vec<(Verdict, f32, &'s Sentence)>> {
        const MAX_PIECES: usize = 3;
        // A part of the claim that a sentence denies, however loosely matched
        // ("marked muscle atrophy" against "no atrophy"), is not filled in.
        if verdicts
            .iter()
            .any(|v| !matches!(v.0, Verdict::Weak | Verdict::MissingNumber(_)))
            || pieces
                .iter()
                .any(|p| p.1 == "opposite_polarity_loose_match")
        {
            return None;
        }
        // Pieces passed every check and fell short on coverage alone.
        let pieces: Vec<(&Parts, &'s Sentence)> = pieces
            .iter()
            .filter(|p| {
                matches!(
                    p.1,
                    "coverage_below_threshold"
                        | "named_test_or_treatment_not_matched"
                        | "number_not_confirmed"
                )
            })
            .map(|p| (&p.0, p.2))
            .collect();
        if pieces.len() < 2 {
            return None;
        }
        let denom = CONCEPT_WEIGHT * a.concepts.len() as f32 + a.words.len() as f32;
        if denom == 0.0 {
            return None;
        }
        let mut have: HashMap<&str, f32> = HashMap::new();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < MAX_PIECES {
            // The piece that adds the most weight not yet covered.
            let best = pieces
                .iter()
                .enumerate()
                .filter(|(i, _)| !chosen.contains(i))
                .map(|(i, (p, _))| {
                    let gain: f32 = p
                        .terms
                        .iter()
                        .filter(|(k, _)| !have.contains_key(k.as_str()))
                        .map(|(_, w)| *w)
                        .sum();
                    (i, gain)
                })
                .filter(|(_, gain)| *gain > 0.0)
                .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
            let Some((i, _)) = best else { break };
            for (k, w) in &pieces[i].0.terms {
                have.insert(k.as_str(), *w);
            }
            chosen.push(i);
        }
        if chosen.len() < 2 {
            return None;
        }
        let cov = (have.values().sum::<f32>() / denom).min(1.0);
        if cov < self.opts.support_coverage.max(MIN_POOLED_COVERAGE) {
            return None;
        }
        // Every concept the claim names is confirmed by one of them: pooling
        // fills in wording, never a finding ("rosuvastatin caused
        // rhabdomyolysis" is not supported by rosuvastatin and a CK alone).
        if a.concepts
            .iter()
            .any(|c| !have.contains_key(format!("c{}", c.0).as_str()))
        {
            return None;
        }
        let picked: Vec<&(&Parts, &Sentence)> = chosen.iter().map(|&i| &pieces[i]).collect();
        // Every number a single support would have to confirm is confirmed.
        let confirmed = |k: &QKind| picked.iter().any(|(p, _)| p.confirmed.contains(k));
        if a.quantities
            .iter()
            .any(|q| self.number_required(a, &q.kind) && !confirmed(&q.kind))
        {
            return None;
        }
        // A named test, drug, therapy or specialist is named by one of them.
        if self.names_named(a, &claim.span.quote) && !picked.iter().any(|(p, _)| p.names_named) {
            return None;
        }
        Some(
            picked
                .into_iter()
                .map(|(_, s)| (Verdict::SupportsInPart, cov, *s))
                .collect(),
        )
    }

    /// Would a supporting sentence have to give a number of this kind of the
    /// claim's? Measures, scores out of a maximum and result units, unless the
    /// value is already bound to a measure. (Durations and counts are not:
    /// notes give them as dates and lists, "injections in March and July".)
    fn number_required(&self, a: &Analysis, kind: &QKind) -> bool {
        let bound = |kind: &QKind| {
            a.quantities.iter().filter(|q| &q.kind == kind).all(|q| {
                a.quantities
                    .iter()
                    .any(|m| matches!(m.kind, QKind::Measure(_)) && m.value == q.value)
            })
        };
        match kind {
            QKind::Measure(_) | QKind::ChangeOf(_) | QKind::ScoreOf(_) => true,
            QKind::Unit(u) => unit_is_result(u) && !bound(kind),
            // How long a treatment was tried ("12 weeks of physical therapy") is
            // what a payer checks: a sentence that gives no duration confirms none.
            // (A look-back window, "in the past six months", is no trial length.)
            QKind::Duration => {
                a.concepts.iter().any(|c| self.is_treatment(c.0))
                    && a.quantities
                        .iter()
                        .any(|q| q.kind == QKind::Duration && q.cmp != quantity::Cmp::AtMost)
            }
            _ => false,
        }
    }

    /// Does the claim name (not negated) a test, drug, therapy or specialist?
    fn names_named(&self, a: &Analysis, text: &str) -> bool {
        a.concepts.iter().any(|c| {
            is_named_kind(self.lex.entries[c.0].kind) && !self.assess(a, text, c.3, c.4).negated
        })
    }

    /// The claim's concepts that the candidate matches: by a concept that
    /// satisfies it (a class by its members), by one of its negative forms
    /// (then without a candidate range), or spelled out in words or through an
    /// abbreviation ("HA" for headache).
    fn match_concepts(
        &self,
        a: &Analysis,
        cand: &Sentence,
        b: &Analysis,
        cand_stems: &HashSet<String>,
    ) -> Vec<ConceptMatch> {
        let cand_lower = pa_types::text::squash(&cand.span.quote);
        // Concepts: each claim concept is matched by a candidate concept it is
        // satisfied by, or by one of its negative forms.
        let mut matched: Vec<ConceptMatch> = Vec::new(); // (claim concept, Some(cand char range) | None for a negative form)
        for &(ce, _, _, cs, cend) in &a.concepts {
            // A negative form first: its words may hold a term of the concept
            // ("poor adherence" holds "adherence").
            let negative = self.lex.entries[ce]
                .negative_forms
                .iter()
                .any(|f| cand_lower.contains(&f.to_lowercase()));
            if negative {
                matched.push((ce, (cs, cend), None));
            } else if let Some(&(_, _, _, s2, e2)) =
                b.concepts.iter().find(|bc| self.lex.satisfies(ce, bc.0))
            {
                matched.push((ce, (cs, cend), Some((s2, e2))));
            }
        }
        // A claim concept the candidate names only in words or through an
        // abbreviation ("HA" for headache): every content word of one of its
        // multi-word or long terms is there.
        for &(ce, _, _, cs, cend) in &a.concepts {
            if matched.iter().any(|m| m.0 == ce) {
                continue;
            }
            // A drug known only to the drug vocabulary has no terms: its
            // generic name is its term ("Pred" read as prednisone).
            let entry = &self.lex.entries[ce];
            let own_name = [entry.id.clone()];
            let terms = if entry.terms.is_empty() {
                &own_name[..]
            } else {
                &entry.terms[..]
            };
            let spelled = terms.iter().find_map(|term| {
                let stems: Vec<String> = tokenize(term)
                    .iter()
                    .map(|t| stem(&t.norm))
                    .filter(|w| !STOPWORDS.contains(&w.as_str()))
                    .collect();
                ((stems.len() >= 2 || term.len() >= 5)
                    && !stems.is_empty()
                    && stems.iter().all(|w| cand_stems.contains(w)))
                .then_some(stems)
            });
            let Some(stems) = spelled else {
                continue;
            };
            // Context is read at the first candidate token that carries the term.
            let at = b.tokens.iter().enumerate().find(|(j, t)| {
                stems.contains(&stem(&t.norm))
                    || b.expansions.iter().any(|(k, senses)| {
                        k == j && senses.iter().flatten().any(|x| stems.contains(x))
                    })
            });
            if let Some((_, t)) = at {
                matched.push((ce, (cs, cend), Some((t.start, t.end))));
            }
        }
        matched
    }

    /// The claim's numbers against the candidate's: `Ok((first required number
    /// the candidate does not give, a value or a treatment's length agrees))`,
    /// or `Err` with the verdict when a value differs.
    #[allow(clippy::too_many_arguments)]
    fn compare_numbers(
        &self,
        claim: &Sentence,
        a: &Analysis,
        cand: &Sentence,
        b: &Analysis,
        request: Option<(u32, u32, u32)>,
        cand_date: Option<(u32, u32, u32)>,
        matched: &[ConceptMatch],
        where_: &str,
        parts: &mut Parts,
    ) -> Result<(Option<String>, bool), (Verdict, &'static str)> {
        // Numbers, compared per kind as sets: several durations in one sentence
        // usually describe different things, so one agreeing pair is enough.
        let mut missing = None;
        let mut strong = a.codes.iter().any(|c| b.codes.contains(c));
        let mut groups: Vec<&QKind> = Vec::new();
        for q in &a.quantities {
            if !groups.contains(&&q.kind) {
                groups.push(&q.kind);
            }
        }
        // "naproxen since 06/02/2026" before a request of 09/15/2026 is a duration
        // of 105 days, for a claim of "more than 3 months".
        let b_quantities = with_since_duration(&cand.span.quote, b, request);
        // A claim dated otherwise than the candidate is about another time: its
        // values are not compared ("LDL 112 on 01/29" against "LDL 128 (10/2025)").
        // (An undated sentence of a document dated before every date of the
        // claim is of that earlier time: "Wt 259 lb" in the note of 03/05 is not
        // the weight "measured 10/15". A later document may report an earlier
        // value, so its date says nothing.)
        let b_dates: Vec<dates::Date> = if b.dates.is_empty() {
            cand_date
                .map(|(year, month, day)| dates::Date {
                    year,
                    month,
                    day,
                    at: 0,
                })
                .filter(|d| {
                    a.dates
                        .iter()
                        .all(|c| c.day != 0 && c.month != 0 && d.ordinal() < c.ordinal())
                })
                .into_iter()
                .collect()
        } else {
            b.dates.clone()
        };
        let other_time = !a.dates.is_empty()
            && !b_dates.is_empty()
            && !a.dates.iter().any(|d| b_dates.iter().any(|e| d.same_as(e)));
        let is_dose = |k: &QKind| matches!(k, QKind::Unit(u) if !unit_is_result(u));
        // A dose of a past course ("both tapers failed below 15 mg") and the
        // current dose ("currently prednisone 20 mg") are of other times.
        let dose_in_other_time = || {
            matched.iter().filter(|m| self.is_drug(m.0)).any(|m| {
                m.2.is_some_and(|(s2, e2)| {
                    self.assess(a, &claim.span.quote, m.1 .0, m.1 .1).historical
                        != self.assess(b, &cand.span.quote, s2, e2).historical
                })
            })
        };
        for kind in groups {
            let claimed: Vec<&Quantity> = a.quantities.iter().filter(|q| &q.kind == kind).collect();
            if let QKind::Unit(_) = kind {
                // A value already bound to a measure is checked as that measure.
                let bound = claimed.iter().all(|q| {
                    a.quantities
                        .iter()
                        .any(|m| matches!(m.kind, QKind::Measure(_)) && m.value == q.value)
                });
                if bound {
                    continue;
                }
            }
            let found: Vec<&Quantity> = b_quantities.iter().filter(|f| &f.kind == kind).collect();
            if found.is_empty() {
                let uncounted = matches!(kind, QKind::Count(noun)
                    if claimed.iter().all(|q| plain_count(&claim.span.quote, q, &a.quantities))
                    && !b.tokens.iter().any(|t| stem(&t.norm) == *noun || t.norm == *noun)
                    && !COUNT_WORD.is_match(&cand.span.quote));
                if (uncounted || self.number_required(a, kind)) && missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
            } else if claimed.iter().any(|q| {
                found
                    .iter()
                    .any(|f| agrees(q, f) || approximately(&cand.span.quote, q, f))
            }) {
                parts.confirmed.push(kind.clone());
                // A measure's value, or the same treatment for the same time.
                strong |= matches!(kind, QKind::Measure(_) | QKind::ChangeOf(_))
                    || (matches!(kind, QKind::Duration)
                        && matched.iter().any(|m| self.is_treatment(m.0)));
            } else if matches!(kind, QKind::Unit(u) if !unit_is_result(u))
                && !(a.concepts.iter().filter(|c| self.is_drug(c.0)).count() == 1
                    && b.concepts.iter().filter(|c| self.is_drug(c.0)).count() == 1
                    && matched.iter().any(|m| self.is_drug(m.0)))
            {
                // A dose differs: a contradiction only when both sentences are
                // about one and the same drug ("atorvastatin 80 mg" is not
                // contradicted by "rosuvastatin 20 mg" in the same sentence).
                continue;
            } else if other_time || (is_dose(kind) && dose_in_other_time()) {
                // A value of another time neither contradicts nor confirms.
                if self.number_required(a, kind) && missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
                continue;
            } else {
                let label = match kind {
                    QKind::Measure(e) => {
                        self.lex.entries[*e]
                            .label
                            .clone()
                            .unwrap_or_else(|| self.lex.entries[*e].id.clone())
                            + " "
                    }
                    _ => String::new(),
                };
                let found_text: Vec<&str> = found.iter().map(|f| f.surface.trim()).collect();
                let why = format!(
                    "{{assertion}}: {label}{}; {where_}: {label}{}",
                    claimed[0].surface.trim(),
                    found_text.join(", ")
                );
                if is_dose(kind) {
                    return Err((Verdict::DoseDiffers(why), "dose_differs"));
                }
                return Err((Verdict::ValueDiffers(why), "value_differs"));
            }
        }
        Ok((missing, strong))
    }

    /// What `cand` says about the claim sentence `claim` (analysed as `a`).
    fn verify(
        &self,
        claim: &Sentence,
        a: &Analysis,
        claim_type: ClaimType,
        cand: &Sentence,
        b: &Analysis,
        doc: CandidateDoc<'_>,
        parts: &mut Parts,
    ) -> (Verdict, f32, &'static str) {
        let CandidateDoc {
            head: doc_head,
            request,
            date: cand_date,
        } = doc;
        let cand_words: HashSet<&str> = b.tokens.iter().map(|t| t.norm.as_str()).collect();
        // The candidate's stems, with its abbreviations read as their senses.
        let mut cand_stems: HashSet<String> = b.tokens.iter().map(|t| stem(&t.norm)).collect();
        cand_stems.extend(b.alt_stems.iter().cloned());
        let matched = self.match_concepts(a, cand, b, &cand_stems);
        let claim_senses = |w: &(String, usize, usize)| {
            a.expansions
                .iter()
                .filter(|(i, _)| a.tokens[*i].start == w.1)
                .flat_map(|(_, senses)| senses.iter())
                .any(|sense| sense.iter().all(|x| cand_stems.contains(x)))
        };
        let matched_words: Vec<&(String, usize, usize)> = a
            .words
            .iter()
            .filter(|w| {
                cand_stems.contains(&w.0) || cand_words.contains(w.0.as_str()) || claim_senses(w)
            })
            .collect();
        // A date of the claim that the candidate gives too is one more matched word.
        let date_keys: Vec<String> = a
            .dates
            .iter()
            .enumerate()
            .filter(|(_, d)| b.dates.iter().any(|e| d.same_as(e)))
            .map(|(i, _)| format!("d{i}"))
            .collect();
        let matched_dates = date_keys.len();
        // So is a number of the claim the candidate repeats ("NOSE score 75"
        // against "NOSE score today: 75/100"; "2019" against "dx 2019").
        let numbers = |x: &Analysis| -> HashSet<String> {
            x.tokens
                .iter()
                .filter(|t| {
                    t.norm.len() >= 2 && t.norm.chars().all(|c| c.is_ascii_digit() || c == '.')
                })
                .filter(|t| {
                    !x.dates
                        .iter()
                        .any(|d| t.start >= d.at && t.start < d.at + 10)
                })
                .map(|t| t.norm.clone())
                .collect()
        };
        let same_numbers: Vec<String> = numbers(a)
            .intersection(&numbers(b))
            .map(|n| format!("n{n}"))
            .collect();
        let matched_dates = matched_dates + same_numbers.len();
        let nc = a.concepts.len() as f32;
        let nw = a.words.len() as f32;
        let denom = CONCEPT_WEIGHT * nc + nw;
        if denom == 0.0 {
            return (Verdict::Weak, 0.0, "no_key_terms");
        }
        let cov = ((CONCEPT_WEIGHT * matched.len() as f32
            + matched_words.len() as f32
            + matched_dates as f32)
            / denom)
            .min(1.0);
        // A specific concept (a drug, a therapy, a measure, a test) carries a claim
        // on its own; otherwise a third of the key terms must match.
        // (A sentence that denies a concept of the claim in so many words,
        // "5/5 strength" against "weakness", carries it too.)
        let head = matched.iter().any(|m| {
            m.2.is_none()
                || matches!(
                    self.lex.entries[m.0].kind,
                    ConceptKind::Drug
                        | ConceptKind::DrugClass
                        | ConceptKind::Therapy
                        | ConceptKind::Measure
                        | ConceptKind::Test
                )
        });
        let same_code = a.codes.iter().any(|c| b.codes.contains(c));
        // A candidate giving a value of a kind the claim must see confirmed
        // (a result unit, a measure, a score), with two key words in common,
        // bears on the claim: its value is compared ("resection weight 700 g"
        // against "estimated resection 450 g").
        let same_result_kind = a.quantities.iter().any(|q| {
            self.number_required(a, &q.kind) && b.quantities.iter().any(|f| f.kind == q.kind)
        });
        // A claim with a single key term ("daily headaches for six months")
        // is borne on by a sentence that names it.
        let single_term = nc + nw == 1.0 && cov >= 1.0;
        // The sentence denies a finding or condition the claim asserts
        // ("Denies joint pain, morning stiffness" against "arthritis with
        // morning stiffness"): it bears on the claim at head coverage.
        let denies_finding = matched.iter().any(|m| {
            matches!(
                self.lex.entries[m.0].kind,
                ConceptKind::Finding | ConceptKind::Condition
            ) && m.2.is_some_and(|(s2, e2)| {
                self.assess(b, &cand.span.quote, s2, e2).negated
                    && !self.assess(a, &claim.span.quote, m.1 .0, m.1 .1).negated
            })
        });
        let by_key_terms = same_code
            || (denies_finding && cov >= MIN_COVERAGE_WITH_HEAD)
            || (same_result_kind && matched_words.len() + matched_dates >= 2)
            || (cov >= MIN_COVERAGE
                && (!matched.is_empty() || matched_words.len() + matched_dates >= 2))
            || (head && cov >= MIN_COVERAGE_WITH_HEAD);
        let relevant = by_key_terms || single_term;
        if !relevant {
            return (Verdict::Weak, cov, "not_relevant");
        }
        parts.terms = matched
            .iter()
            .map(|m| (format!("c{}", m.0), CONCEPT_WEIGHT))
            .chain(matched_words.iter().map(|w| (format!("w{}", w.1), 1.0)))
            .chain(date_keys.into_iter().chain(same_numbers).map(|k| (k, 1.0)))
            .collect();
        let where_ = format!("{} p.{}", cand.span.doc_id, cand.span.page);
        // "<doc> p.<n> <what>: "<the candidate, shortened>"".
        let contradicts = |what: &str, rule: &'static str| {
            let why = format!("{where_} {what}: \"{}\"", short(&cand.span.quote));
            (Verdict::Contradicts(why), cov, rule)
        };

        // Negative forms ("strength 5/5" against "weakness"), about the same
        // treatment: "adherent to her inhaler" is not denied by "stopped taking
        // sertraline" (the claim names a treatment the sentence does not, and
        // the sentence names another).
        if matched.iter().any(|m| m.2.is_none()) {
            let claim_treatments: Vec<usize> = a
                .concepts
                .iter()
                .map(|c| c.0)
                .filter(|&e| self.is_treatment(e))
                .collect();
            let another_treatment = !claim_treatments.is_empty()
                && !claim_treatments
                    .iter()
                    .any(|&e| matched.iter().any(|m| m.0 == e))
                && b.concepts.iter().any(|c| self.is_treatment(c.0));
            if another_treatment {
                return (Verdict::Weak, cov, "negative_form_of_another_treatment");
            }
            return contradicts("says otherwise", "negative_form");
        }
        // Context of the matched mentions, claim side against candidate side.
        let mut family = false;
        // A matched mention about the patient in the same sentence ("cannot
        // stand to cook; daughter drops off meals"): the sentence is not only
        // about a relative.
        let mut patients_own = false;
        let mut hypothetical = false;
        // Without a lexicon concept, every matched word is a mention to assess:
        // in "Family history: father with colon cancer", "history" is outside
        // the experiencer's scope but "colon" and "cancer" are inside it.
        // Each matched mention: its claim positions (the first, then any other
        // mention of the same word or concept) and its candidate position.
        // (The third item: the mention is of a test, whose polarity is its result.)
        let positions: Vec<(Vec<(usize, usize)>, (usize, usize), bool)> = if matched.is_empty() {
            matched_words
                .iter()
                // Words that only place a mention in time ("History of
                // pancreatitis?" against "No hx pancreatitis") carry no polarity.
                .filter(|w| !TIME_WORDS.contains(&w.0.as_str()))
                // A result word is the polarity of what it follows, not a
                // mention to weigh ("ER positive (90%), HER2 negative").
                .filter(|w| {
                    !POSITIVE_RESULT_WORDS.contains(&w.0.as_str())
                        && !NEGATIVE_RESULT_WORDS.contains(&w.0.as_str())
                })
                .filter_map(|w| {
                    // The word as written, or the abbreviation that stands for it.
                    let t = b
                        .tokens
                        .iter()
                        .find(|t| stem(&t.norm) == w.0 || t.norm == w.0)
                        .or_else(|| {
                            b.expansions
                                .iter()
                                .find(|(_, senses)| senses.iter().flatten().any(|x| *x == w.0))
                                .map(|(j, _)| &b.tokens[*j])
                        })?;
                    let same = a.words.iter().filter(|o| o.0 == w.0 && o.1 != w.1);
                    let claim_at = std::iter::once((w.1, w.2))
                        .chain(same.map(|o| (o.1, o.2)))
                        .collect();
                    Some((claim_at, (t.start, t.end), false))
                })
                .collect()
        } else {
            matched
                .iter()
                .filter_map(|m| {
                    let again = a.repeats.iter().filter(|r| r.0 == m.0);
                    let claim_at = std::iter::once(m.1)
                        .chain(again.map(|r| (r.1, r.2)))
                        .collect();
                    let test = self.lex.entries[m.0].kind == ConceptKind::Test;
                    m.2.map(|c| (claim_at, c, test))
                })
                .collect()
        };
        // Each matched mention's first claim position and its candidate position.
        let mentions: Vec<((usize, usize), (usize, usize))> =
            positions.iter().map(|(c, b, _)| (c[0], *b)).collect();
        for (claim_at, bpos, test) in positions {
            let cpos = claim_at[0];
            let ca = self.assess(a, &claim.span.quote, cpos.0, cpos.1);
            let cb = self.assess(b, &cand.span.quote, bpos.0, bpos.1);
            if cb.declined
                && !ca.declined
                && (claim_type == ClaimType::PriorTreatment || !ca.negated)
            {
                return (
                    Verdict::Contradicts(format!(
                        "{where_}: the patient declined it, so it was not tried: \"{}\"",
                        short(&cand.span.quote)
                    )),
                    cov,
                    "declined",
                );
            }
            // A claim that names it twice, once each way ("no headache history
            // before; this new headache pattern"), is not contradicted by a
            // note that agrees with one of its mentions.
            let agrees_elsewhere = claim_at[1..]
                .iter()
                .any(|p| self.assess(a, &claim.span.quote, p.0, p.1).negated == cb.negated);
            // A test's polarity is its result. A claim that gives a result is not
            // borne on by a sentence that only names the test ("labs drawn today:
            // urine hCG"), and a claim that only names it is not opposed by its
            // result. ("No MRI was done" gives no result: it still opposes "the
            // MRI showed ...".)
            let (claim_result, cand_result) = (
                result_of(ca.negated, &claim.span.quote),
                result_of(cb.negated, &cand.span.quote),
            );
            // A result that is neither ("QuantiFERON: INDETERMINATE") confirms
            // no claimed result: it says otherwise.
            if test
                && claim_result.is_some()
                && !cb.hypothetical
                && states_result(&cand.span.quote, UNCLEAR_RESULT_WORDS)
            {
                return contradicts("gives no clear result", "unclear_result");
            }
            // (A test still pending says so: its verdict is the hypothetical one.)
            if test && claim_result.is_some() && cand_result.is_none() && !cb.hypothetical {
                return (Verdict::Weak, cov, "test_without_result");
            }
            let no_result = test && claim_result.is_none() && cand_result.is_some();
            if cb.negated != ca.negated && !cb.hypothetical && !agrees_elsewhere && !no_result {
                // Opposite polarity contradicts only a statement matched as
                // closely as a support would need; a loose match says nothing.
                // (Nor does a sentence that shares only the claim's one key
                // term: "no headache history before 2025" says nothing of
                // "daily headaches for six months".)
                if !by_key_terms || (cov < self.opts.support_coverage && !denies_finding) {
                    return (Verdict::Weak, cov, "opposite_polarity_loose_match");
                }
                // A loosely matched denial ("no severe hypoglycemia requiring
                // assistance" against "recurrent hypoglycemia below 54 mg/dL")
                // may be about a variant: it yields to a supporting sentence.
                if cov < self.opts.support_coverage {
                    let why = format!("{where_} says otherwise: \"{}\"", short(&cand.span.quote));
                    return (Verdict::Denies(why), cov, "denied_finding");
                }
                return contradicts("says otherwise", "opposite_polarity");
            }
            // Both about family, but about different relatives ("suicide in his
            // father" against "paternal uncle completed suicide").
            if ca.family && cb.family {
                let (x, y) = (relatives(&claim.span.quote), relatives(&cand.span.quote));
                if !x.is_empty() && !y.is_empty() && x.is_disjoint(&y) {
                    return contradicts("names another relative", "another_relative");
                }
            }
            family |= cb.family && !ca.family;
            patients_own |= !cb.family && !ca.family;
            hypothetical |= (cb.hypothetical || cb.uncertain) && !(ca.hypothetical || ca.uncertain);
        }
        // "X caused <effect>": the effect is the claim's point. A sentence about
        // X that does not name it ("rosuvastatin: myalgias, CK normal" against
        // "rosuvastatin caused rhabdomyolysis") does not bear the claim out.
        if let Some(at) = caused_effect(a) {
            let named = matched_words.iter().any(|w| w.1 == at)
                || matched.iter().any(|m| m.1 .0 <= at && at < m.1 .1);
            if !named {
                return (Verdict::Weak, cov, "effect_not_named");
            }
        }
        // A result the claim gives for a test ("her urine hCG was negative") is
        // borne out only by a sentence that names that test, whatever else it
        // shares with the claim (a visit, a date).
        let unnamed_test = a.concepts.iter().any(|c| {
            self.lex.entries[c.0].kind == ConceptKind::Test
                && !matched.iter().any(|m| m.0 == c.0)
                && {
                    let ca = self.assess(a, &claim.span.quote, c.3, c.4);
                    result_of(ca.negated, &claim.span.quote).is_some()
                }
        });
        if unnamed_test {
            return (Verdict::Weak, cov, "test_not_named");
        }
        let (mut missing, strong) = match self.compare_numbers(
            claim, a, cand, b, request, cand_date, &matched, &where_, parts,
        ) {
            Ok(n) => n,
            Err((v, rule)) => return (v, cov, rule),
        };
        // Severity written on both sides that does not overlap ("severe
        // persistent asthma" against "mild intermittent asthma").
        if by_key_terms && cov >= self.opts.support_coverage {
            for &((c1, _), (s2, _)) in &mentions {
                let (Some(c), Some(f)) = (
                    severity_before(&claim.span.quote, c1),
                    severity_before(&cand.span.quote, s2),
                ) else {
                    continue;
                };
                if c.1 < f.0 || f.1 < c.0 {
                    return contradicts("grades it otherwise", "severity_differs");
                }
            }
        }
        // Levels of assistance are an ordinal scale: "max assist x2" is not
        // "mod A x1". A sentence that grades the same activity otherwise says
        // otherwise (the latest one decides, in `decide`).
        if by_key_terms && cov >= self.opts.support_coverage {
            let (x, y) = (
                assist_levels(&claim.span.quote),
                assist_levels(&cand.span.quote),
            );
            if !x.is_empty() && !y.is_empty() && x.is_disjoint(&y) {
                return contradicts("grades the assistance otherwise", "assist_level_differs");
            }
        }
        // A treatment the claim says failed, which the sentence says works
        // ("failed methotrexate" against "doing well on methotrexate").
        if claim_type == ClaimType::PriorTreatment
            && by_key_terms
            && cov >= self.opts.support_coverage
            && TREATMENT_FAILED.is_match(&claim.span.quote)
            && !TREATMENT_FAILED.is_match(&cand.span.quote)
            && works(&cand.span.quote)
            && matched.iter().any(|m| {
                self.is_treatment(m.0)
                    && m.2.is_some_and(|(s2, e2)| {
                        let cb = self.assess(b, &cand.span.quote, s2, e2);
                        !cb.negated && !cb.hypothetical && !cb.family
                    })
            })
        {
            return contradicts(
                "describes a response to it, not a failure",
                "response_not_failure",
            );
        }
        // "three medications": the candidate must name that many distinct drugs.
        if let Some(n) = drug_count(&claim.span.quote) {
            let named: HashSet<usize> = b
                .concepts
                .iter()
                .filter(|c| self.lex.entries[c.0].kind == ConceptKind::Drug)
                .map(|c| c.0)
                .collect();
            if named.is_empty() {
                missing.get_or_insert_with(|| format!("{n} medications"));
            } else if named.len() < n {
                return (
                    Verdict::Contradicts(format!(
                        "{{assertion}}: {n} medications; {where_} names {}: \"{}\"",
                        named.len(),
                        short(&cand.span.quote)
                    )),
                    cov,
                    "fewer_drugs_named",
                );
            }
        }
        // A claim that names a test, a treatment or a specialist is supported
        // only by a sentence that names it too ("EMG confirms radiculopathy" is
        // not supported by "lumbar radiculopathy").
        let named = is_named_kind;
        // (A treatment the claim says was never used need not be named.)
        let names_one = self.names_named(a, &claim.span.quote);
        // The document's title names it for all its sentences: every line of a
        // CT report is about the CT.
        let matched_one = matched.iter().any(|m| named(self.lex.entries[m.0].kind))
            || a.concepts.iter().any(|c| {
                named(self.lex.entries[c.0].kind)
                    && doc_head.iter().any(|&h| self.lex.satisfies(c.0, h))
            });
        parts.names_named = matched_one;
        if family && !patients_own {
            return (Verdict::Family, cov, "family");
        }
        if hypothetical {
            return (Verdict::Hypothetical, cov, "hypothetical");
        }
        if let Some(m) = missing {
            return (Verdict::MissingNumber(m), cov, "number_not_confirmed");
        }
        // A negative list ("no history of CHF, COPD or opioid use") is
        // supported by a note that negates most of it.
        let negative_claim = matched
            .iter()
            .any(|m| self.assess(a, &claim.span.quote, m.1 .0, m.1 .1).negated);
        if names_one && !matched_one && !strong && !negative_claim {
            return (Verdict::Weak, cov, "named_test_or_treatment_not_matched");
        }
        if cov >= self.opts.support_coverage || strong {
            (
                Verdict::Supports,
                cov,
                if cov >= self.opts.support_coverage {
                    "coverage"
                } else {
                    "strong_match"
                },
            )
        } else {
            (Verdict::Weak, cov, "coverage_below_threshold")
        }
    }
}

/// Kinds of concept a claim must see named by its support: a test, a drug or
/// drug class, a therapy, a specialist.
fn is_named_kind(k: ConceptKind) -> bool {
    matches!(
        k,
        ConceptKind::Test
            | ConceptKind::Drug
            | ConceptKind::DrugClass
            | ConceptKind::Therapy
            | ConceptKind::Specialist
    )
}

/// A verdict in time: a value measured after the request says nothing about the
/// claim as it was made, and support must precede the request it supports.
fn dated(
    v: Verdict,
    rule: &'static str,
    doc_dates: &HashMap<&str, (u32, u32, u32)>,
    claim_doc: &str,
    cand_doc: &str,
) -> (Verdict, &'static str) {
    let (Some(req), Some(d)) = (doc_dates.get(claim_doc), doc_dates.get(cand_doc)) else {
        return (v, rule);
    };
    if d <= req {
        return (v, rule);
    }
    match v {
        Verdict::ValueDiffers(_) | Verdict::DoseDiffers(_) => {
            (Verdict::Weak, "value_measured_after_request")
        }
        Verdict::Supports => (
            Verdict::AfterRequest(format!(
                "{} is dated {:04}-{:02}-{:02}, after the request ({:04}-{:02}-{:02})",
                cand_doc, d.0, d.1, d.2, req.0, req.1, req.2
            )),
            "support_after_request",
        ),
        v => (v, rule),
    }
}

/// Turn candidate verdicts into the claim's status, reason and evidence.
fn decide(
    claim: &mut Claim,
    mut verdicts: Vec<(Verdict, f32, &Sentence)>,
    opts: &EvidenceOptions,
    doc_kind: &str,
    n_docs: usize,
    doc_dates: &HashMap<&str, (u32, u32, u32)>,
) -> &'static str {
    verdicts.sort_by(|x, y| y.1.total_cmp(&x.1));
    // When a sentence speaks: its own date, else its document's.
    let when = |s: &Sentence| {
        dates::find(&s.span.quote)
            .into_iter()
            .filter(|d| d.month != 0)
            .map(|d| (d.year, d.month, d.day))
            .max()
            .or_else(|| doc_dates.get(s.span.doc_id.as_str()).copied())
    };
    // The latest dated value is the current one: an older different value is
    // history, not a contradiction.
    let latest_support = verdicts
        .iter()
        .filter(|v| matches!(v.0, Verdict::Supports))
        .filter_map(|v| when(v.2).map(|d| (d, v.2)))
        .max_by_key(|x| x.0);
    let latest_diff = verdicts
        .iter()
        .filter(|v| matches!(v.0, Verdict::ValueDiffers(_) | Verdict::DoseDiffers(_)))
        .filter_map(|v| when(v.2).map(|d| (d, v.2)))
        .max_by_key(|x| x.0);
    let mut history_note = None;
    // The other way round: the latest value differs from the claim's, and only
    // older notes agree. For a claim that gives no date of its own (a present
    // value, "her resting heart rate is 44"), those are history.
    let mut older_agreeing = None;
    let claim_undated = dates::find(&claim.span.quote).is_empty();
    if let (Some((ds, older)), Some((dd, _)), true) = (latest_support, latest_diff, claim_undated) {
        if dd > ds {
            older_agreeing = Some((
                format!(
                    "; {} p.{} gives that value earlier ({:04}-{:02}-{:02}), which is history",
                    older.span.doc_id, older.span.page, ds.0, ds.1, ds.2
                ),
                older.span.clone(),
            ));
            for v in verdicts.iter_mut() {
                if matches!(v.0, Verdict::Supports) && when(v.2).is_some_and(|d| d < dd) {
                    v.0 = Verdict::Weak;
                }
            }
        }
    }
    if let (Some((ds, _)), Some((dd, older))) = (latest_support, latest_diff) {
        if ds > dd {
            history_note = Some(format!(
                "; {} p.{} gives an older value ({:04}-{:02}-{:02}), which is history",
                older.span.doc_id, older.span.page, dd.0, dd.1, dd.2
            ));
            for v in verdicts.iter_mut() {
                if matches!(v.0, Verdict::ValueDiffers(_) | Verdict::DoseDiffers(_)) {
                    v.0 = Verdict::Weak;
                }
            }
        }
    }
    let any_support = verdicts.iter().any(|v| matches!(v.0, Verdict::Supports));
    for v in verdicts.iter_mut() {
        match &v.0 {
            Verdict::ValueDiffers(r) => v.0 = Verdict::Contradicts(r.clone()),
            Verdict::DoseDiffers(_) | Verdict::Denies(_) if any_support => v.0 = Verdict::Weak,
            Verdict::DoseDiffers(r) | Verdict::Denies(r) => v.0 = Verdict::Contradicts(r.clone()),
            _ => {}
        }
    }
    let who = if doc_kind == "lmn" {
        "letter"
    } else {
        "request form"
    };
    let evidence =
        |pick: &dyn Fn(&Verdict) -> bool, relation: Relation, vs: &[(Verdict, f32, &Sentence)]| {
            vs.iter()
                .filter(|v| pick(&v.0))
                .take(opts.max_evidence)
                .map(|(_, score, s)| Evidence {
                    citation: s.span.clone(),
                    score: *score,
                    relation,
                })
                .collect::<Vec<_>>()
        };
    let contradiction = verdicts
        .iter()
        .find(|v| matches!(v.0, Verdict::Contradicts(_)));
    let support = verdicts.iter().find(|v| matches!(v.0, Verdict::Supports));
    let in_parts: Vec<&Sentence> = verdicts
        .iter()
        .filter(|v| matches!(v.0, Verdict::SupportsInPart))
        .map(|v| v.2)
        .collect();
    let family = verdicts.iter().find(|v| matches!(v.0, Verdict::Family));
    if let Some((Verdict::Contradicts(r), _, cs)) = contradiction {
        claim.status = ClaimStatus::Contradicted;
        claim.reason = r.replace("{assertion}", who);
        claim.evidence = evidence(
            &|v| matches!(v, Verdict::Contradicts(_)),
            Relation::Contradicts,
            &verdicts,
        );
        if let Some((note, span)) = older_agreeing {
            claim.reason.push_str(&note);
            claim.evidence.push(Evidence {
                citation: span,
                score: 0.0,
                relation: Relation::Related,
            });
        }
        // The clinical documents disagree with each other: say so.
        if let Some((_, _, s)) = support.filter(|(_, _, s)| s.span.doc_id != cs.span.doc_id) {
            claim.reason = format!(
                "{}; but {} p.{} supports it (\"{}\"): the clinical documents disagree",
                claim.reason,
                s.span.doc_id,
                s.span.page,
                short(&s.span.quote)
            );
            claim.evidence.push(Evidence {
                citation: s.span.clone(),
                score: support.map(|v| v.1).unwrap_or(0.0),
                relation: Relation::Supports,
            });
            return "contradicted_documents_disagree";
        }
        "contradicted"
    } else if let Some((_, _, s)) = support {
        let rule = if history_note.is_some() {
            "supported_older_value_is_history"
        } else {
            "supported"
        };
        claim.status = ClaimStatus::Supported;
        claim.reason = format!(
            "supported by {} p.{}: \"{}\"{}",
            s.span.doc_id,
            s.span.page,
            short(&s.span.quote),
            history_note.unwrap_or_default()
        );
        claim.evidence = evidence(
            &|v| matches!(v, Verdict::Supports),
            Relation::Supports,
            &verdicts,
        );
        rule
    } else if !in_parts.is_empty() {
        claim.status = ClaimStatus::Supported;
        let each: Vec<String> = in_parts
            .iter()
            .map(|s| {
                format!(
                    "{} p.{}: \"{}\"",
                    s.span.doc_id,
                    s.span.page,
                    short(&s.span.quote)
                )
            })
            .collect();
        claim.reason = format!("supported in parts by {}", each.join("; and by "));
        claim.evidence = in_parts
            .iter()
            .zip(
                verdicts
                    .iter()
                    .filter(|v| matches!(v.0, Verdict::SupportsInPart)),
            )
            .map(|(s, v)| Evidence {
                citation: s.span.clone(),
                score: v.1,
                relation: Relation::Supports,
            })
            .collect();
        "supported_in_parts"
    } else if let Some((_, _, s)) = family {
        claim.status = ClaimStatus::Contradicted;
        claim.reason = format!(
            "{} p.{}: that history belongs to a family member, not the patient: \"{}\"",
            s.span.doc_id,
            s.span.page,
            short(&s.span.quote)
        );
        claim.evidence = evidence(
            &|v| matches!(v, Verdict::Family),
            Relation::Contradicts,
            &verdicts,
        );
        "contradicted_family_member"
    } else {
        claim.status = ClaimStatus::Unsupported;
        // A sentence that would support the claim but for its date says the most.
        let related = verdicts
            .iter()
            .find(|v| matches!(v.0, Verdict::AfterRequest(_)))
            .or_else(|| verdicts.iter().find(|v| !matches!(v.0, Verdict::Weak)));
        let (rule, reason) = match related {
            Some((Verdict::AfterRequest(why), _, _)) => (
                "unsupported_support_after_request",
                format!("the only support is later than the request: {why}"),
            ),
            Some((Verdict::MissingNumber(n), _, s)) => (
                "unsupported_number_not_confirmed",
                format!(
                    "{} p.{} mentions it but does not confirm {}",
                    s.span.doc_id,
                    s.span.page,
                    n.trim()
                ),
            ),
            Some((Verdict::Hypothetical, _, s)) => (
                "unsupported_only_planned",
                format!(
                    "{} p.{} only plans, requests or suspects it: \"{}\"",
                    s.span.doc_id,
                    s.span.page,
                    short(&s.span.quote)
                ),
            ),
            _ => (
                "unsupported_no_support",
                format!("no support found in the {n_docs} clinical document(s) of this case"),
            ),
        };
        claim.reason = reason;
        claim.evidence = evidence(
            &|v| !matches!(v, Verdict::Weak),
            Relation::Related,
            &verdicts,
        );
        rule
    }
}

/// A date (y, m, d) per document: its `Date:`-like label, else its first full date.
pub(crate) fn document_dates(sentences: &[Sentence]) -> HashMap<&str, (u32, u32, u32)> {
    static DATE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b").unwrap());
    const LABELS: &[&str] = &[
        "date",
        "date of service",
        "date of request",
        "collected",
        "study date",
        "dos",
        "visit date",
        "date/time",
    ];
    // "Admission date:", "Anticipated discharge date:": a date label qualified by
    // another event names that event's date, not the document's.
    let qualified = |lower: &str, at: usize| {
        let before = &lower[..at];
        before.ends_with(' ')
            && !before.ends_with("  ")
            && before
                .trim_end()
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            && !["request", "service", "visit", "study", "signature", "form"]
                .iter()
                .any(|w| before.trim_end().ends_with(w))
    };
    let mut out: HashMap<&str, (u32, u32, u32)> = HashMap::new();
    let mut labelled: HashSet<&str> = HashSet::new();
    for s in sentences {
        let doc = s.span.doc_id.as_str();
        if labelled.contains(doc) {
            continue;
        }
        let q = &s.span.quote;
        let lower = q.to_lowercase();
        // The first labelled date wins; a bare date counts only until one is found.
        let label_at = LABELS
            .iter()
            .filter_map(|l| {
                lower
                    .match_indices(&format!("{l}:"))
                    .map(|(i, _)| i)
                    .find(|&i| !qualified(&lower, i))
            })
            .min();
        let parse = |text: &str| {
            DATE.captures(text).and_then(|c| {
                let (m, d, y): (u32, u32, u32) =
                    (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
                ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
            })
        };
        if let Some(at) = label_at {
            if let Some(d) = parse(&lower[at..]) {
                out.insert(doc, d);
                labelled.insert(doc);
                continue;
            }
        }
        if !out.contains_key(doc) {
            // A date of birth is never the document's date.
            let first = DATE.find_iter(q).find(|m| {
                let before = q[..m.start()].to_lowercase();
                let before = before.trim_end_matches([' ', ':', '-', '#', '.']);
                !(before.ends_with("dob")
                    || before.ends_with("d.o.b")
                    || before.ends_with("birth")
                    || before.ends_with("born")
                    || before.ends_with("birthdate"))
            });
            if let Some(d) = first.and_then(|m| parse(m.as_str())) {
                out.insert(doc, d);
            }
        }
    }
    out
}

/// The `Label:` prefix of a sentence, lowercase.
pub(crate) fn label_of(s: &str) -> Option<String> {
    let (head, _) = s.split_once(':')?;
    let head = head.trim();
    (head.len() <= 48 && head.split_whitespace().count() <= 5 && !head.is_empty())
        .then(|| head.to_lowercase())
}

pub(crate) fn short(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 110 {
        flat
    } else {
        flat.chars().take(107).collect::<String>() + "..."
    }
}

/// Abbreviations of a text read as their senses ([`pa_types::abbrev::expand`]):
/// (token index, content stems of each sense). "s/p" is one abbreviation.
fn expand_abbreviations(text: &str, tokens: &[Token]) -> Vec<(usize, Vec<Vec<String>>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let mut surface: String = chars[t.start..t.end].iter().collect();
        if let Some(n) = tokens.get(i + 1) {
            // "s/p", "A&O": two short parts joined by a slash or an ampersand.
            if n.start == t.end + 1
                && matches!(chars[t.end], '/' | '&')
                && t.end - t.start <= 2
                && n.end - n.start <= 2
            {
                surface.push(chars[t.end]);
                surface.extend(&chars[n.start..n.end]);
            }
        }
        // An abbreviation read as a lab value ("PT 13.2 sec", beside INR) is not
        // a therapy.
        let lab = lab_context(tokens, i);
        let senses: Vec<Vec<String>> = pa_types::abbrev::expand(&surface)
            .iter()
            .filter(|s| !(lab && s.contains("therap")))
            .map(|s| {
                tokenize(s)
                    .iter()
                    .map(|x| stem(&x.norm))
                    .filter(|w| w.len() >= 3 && !STOPWORDS.contains(&w.as_str()))
                    .collect::<Vec<String>>()
            })
            .filter(|v| !v.is_empty())
            .collect();
        if !senses.is_empty() {
            out.push((i, senses));
        }
    }
    out
}

/// Conditions named otherwise elsewhere: each ICD-10-CM name in the text
/// ([`pa_types::conditions`]) read, like an abbreviation, as the other names of
/// its condition ("itch" as "pruritus"), at its first token.
fn condition_synonyms(stems: &[String]) -> Vec<(usize, Vec<Vec<String>>)> {
    pa_types::conditions::synonyms_in(stems)
        .into_iter()
        .map(|m| {
            let senses = m
                .synonyms
                .into_iter()
                .map(|s| {
                    s.into_iter()
                        .filter(|w| w.len() >= 3 && !STOPWORDS.contains(&w.as_str()))
                        .collect::<Vec<_>>()
                })
                .filter(|v| !v.is_empty())
                .collect();
            (m.tok_start, senses)
        })
        .filter(|(_, senses): &(usize, Vec<Vec<String>>)| !senses.is_empty())
        .collect()
}

/// How many medications a sentence says were used: "three medications",
/// "two preventive medications", "3 antihypertensive agents".
fn drug_count(text: &str) -> Option<usize> {
    static COUNT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(two|three|four|five|six|[2-9])\s+(?:[a-z-]+\s+)?(?:medications|medicines|agents|drugs|antihypertensives)\b",
        )
        .unwrap()
    });
    let c = COUNT.captures(text)?;
    let w = c[1].to_lowercase();
    ["two", "three", "four", "five", "six"]
        .iter()
        .position(|x| *x == w)
        .map(|i| i + 2)
        .or_else(|| w.parse().ok())
}

/// Where the answer starts (chars) in a form line "Printed question: answer",
/// when the question is short enough to be one and the answer has four words.
fn answer_start(text: &str) -> Option<usize> {
    // A question answered below it, with the answer's own words: "Fallen in the
    // last 3 months? A3. [X] Yes - two falls at home".
    if let Some(q) = text.find("?\n") {
        if text[q + 1..]
            .split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
            .count()
            >= 3
        {
            return Some(text[..=q].chars().count());
        }
    }
    let colon = text.find(':')?;
    let (head, rest) = (&text[..colon], &text[colon + 1..]);
    let is_time = head.ends_with(|c: char| c.is_ascii_digit())
        && rest.starts_with(|c: char| c.is_ascii_digit());
    (head.chars().count() <= 120
        && !head.contains(". ")
        && !is_time
        // A short answer ("Negative (IHC 1+)", "[X] No", "259 lb on 03/05/2026")
        // says nothing without the row it answers.
        && rest
            .split_whitespace()
            .filter(|w| {
                w.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    && !w.chars().any(|c| c.is_ascii_digit())
            })
            .count()
            >= 3)
        .then(|| text[..=colon].chars().count())
}

/// The quantities of a candidate (analysed as `b`), with a duration from its
/// dates when it gives none itself: between two dates of a range ("between
/// 01/06/2026 and 02/24/2026" is 49 days), or from a start date to the request
/// ("naproxen since 06/02/2026" before a request of 09/15/2026 is 105 days).
fn with_since_duration(
    text: &str,
    b: &Analysis,
    request: Option<(u32, u32, u32)>,
) -> Vec<Quantity> {
    let mut out = b.quantities.clone();
    if out.iter().any(|q| q.kind == QKind::Duration) {
        return out;
    }
    // A course between two full dates: "between 01/06/2026 and 02/24/2026" is 49
    // days, "05/04/2026 - 06/12/2026" 39.
    if let Some((from, to)) = date_range(text, &b.dates) {
        let days = to.ordinal() - from.ordinal();
        out.push(Quantity {
            kind: QKind::Duration,
            value: days as f64,
            cmp: quantity::Cmp::Eq,
            hi: None,
            surface: format!("{days} days between its dates"),
        });
        return out;
    }
    let Some(req) = request else {
        return out;
    };
    let Some(d) = since_date(text, &b.dates) else {
        return out;
    };
    let req = dates::Date {
        year: req.0,
        month: req.1,
        day: req.2,
        at: 0,
    };
    let days = req.ordinal() - d.ordinal();
    if days > 0 {
        out.push(Quantity {
            kind: QKind::Duration,
            value: days as f64,
            // Taken since then, perhaps not until the request: at most this long.
            cmp: quantity::Cmp::AtMost,
            hi: None,
            surface: format!("{days} days from its start to the request"),
        });
    }
    out
}

/// A value the candidate gives as approximate ("approx 3%", "about 40 lb",
/// "~12 weeks") holds a claimed value within a tenth of it, or within half a unit.
fn approximately(text: &str, claimed: &Quantity, found: &Quantity) -> bool {
    static APPROX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)(?:\bapprox(?:\.|imately)?|\babout|\baround|\broughly|\bnearly|~|≈)\s*(\d+(?:\.\d+)?)\b",
        )
        .unwrap()
    });
    if claimed.cmp != quantity::Cmp::Eq
        || found.cmp != quantity::Cmp::Eq
        || (claimed.value - found.value).abs() > (0.1 * found.value.abs()).max(0.5)
    {
        return false;
    }
    APPROX
        .captures_iter(text)
        .any(|c| c[1].parse::<f64>().is_ok_and(|v| v == found.value))
}

/// Words that count without naming what: "fell twice", "seen 3 times", "x2".
static COUNT_WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(once|twice|thrice|\d+\s*times|x\s?\d+|\d+x)\b").unwrap()
});

/// A count written plainly, "<number> <plural noun>" ("Two admissions for
/// COPD"), that no other reading of the number claims ("32 beats per minute" is
/// a rate, "2 liters per minute" a flow): a sentence that neither names the
/// noun nor counts cannot confirm it.
fn plain_count(text: &str, q: &Quantity, all: &[Quantity]) -> bool {
    let words: Vec<&str> = q.surface.split_whitespace().collect();
    let after = text
        .find(q.surface.as_str())
        .map(|i| text[i + q.surface.len()..].trim_start().to_lowercase())
        .unwrap_or_default();
    words.len() == 2
        && words[1].ends_with('s')
        && q.value.fract() == 0.0
        && !["per ", "/", "a ", "an ", "each ", "every "]
            .iter()
            .any(|w| after.starts_with(w))
        && !all.iter().any(|o| o.kind != q.kind && o.value == q.value)
}

/// The levels of physical assistance a text names, on the FIM/therapy scale:
/// 5 total or dependent, 4 maximal, 3 moderate, 2 minimal, 1 contact guard,
/// stand-by or supervision ("max A x2", "moderate assistance", "CGA").
fn assist_levels(text: &str) -> HashSet<u8> {
    static ASSIST: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(total|dependent|max(?:imal|imum)?|mod(?:erate)?|min(?:imal|imum)?)\s*(?:-\s*)?(?:assist(?:ance)?|a)\b|(total(?:ly)? dependent)|(contact[- ]guard(?: assist(?:ance)?)?|cga|stand[- ]?by(?: assist(?:ance)?)?|sba|supervision))").unwrap()
    });
    ASSIST
        .captures_iter(text)
        .filter_map(|c| {
            if c.get(2).is_some() {
                return Some(5);
            }
            if c.get(3).is_some() {
                return Some(1);
            }
            let w = c.get(1)?.as_str().to_lowercase();
            Some(if w.starts_with("tot") || w.starts_with("dep") {
                5
            } else if w.starts_with("max") {
                4
            } else if w.starts_with("mod") {
                3
            } else {
                2
            })
        })
        .collect()
}

/// Two full dates (day known) written as a range: "05/04/2026 - 06/12/2026",
/// "between 01/06/2026 and 02/24/2026", "March 2, 2026 to April 13, 2026".
fn date_range(text: &str, found: &[dates::Date]) -> Option<(dates::Date, dates::Date)> {
    static BETWEEN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)^\S+(?:\s+\d{1,2},?\s+\d{4})?\s*(?:-|–|—|to|through|thru|and|until)\s*$",
        )
        .unwrap()
    });
    found.windows(2).find_map(|w| {
        let (d1, d2) = (w[0], w[1]);
        let full = d1.day != 0 && d2.day != 0 && d1.month != 0 && d2.month != 0;
        let between = pa_types::text::char_slice(text, d1.at, d2.at)?;
        (full && d2.ordinal() > d1.ordinal() && BETWEEN.is_match(between)).then_some((d1, d2))
    })
}

/// The date a treatment or symptom started, when the sentence says "since
/// 06/02/2026", "started 3/2025" or "from 06/2025"; "since" may name the event
/// first ("since a fall 02/2024", up to five words, within the clause).
fn since_date(text: &str, found: &[dates::Date]) -> Option<dates::Date> {
    const STARTS: &[&str] = &[
        "since",
        "started",
        "start",
        "began",
        "begun",
        "from",
        "onset",
        "initiated",
    ];
    let chars: Vec<char> = text.chars().collect();
    found.iter().copied().find(|d| {
        let before: String = chars[..d.at.min(chars.len())].iter().collect();
        let before = before.to_lowercase();
        let before = before.trim_end();
        if STARTS.iter().any(|w| before.ends_with(w)) {
            return true;
        }
        let words: Vec<&str> = before.split_whitespace().rev().take(6).collect();
        words.iter().enumerate().any(|(k, w)| {
            k > 0 && *w == "since" && words[..k].iter().all(|x| !x.contains([',', ';', '.', ':']))
        })
    })
}

/// Token `i` is read as a lab value: a decimal number follows it, or a number
/// and seconds ("PT 13.2 sec"), or coagulation labs stand in the sentence.
fn lab_context(tokens: &[Token], i: usize) -> bool {
    let next = tokens.get(i + 1).map(|n| n.norm.as_str());
    let numeric = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.');
    let decimal = next.is_some_and(|n| numeric(n) && n.contains('.'));
    let seconds = next.is_some_and(numeric)
        && tokens
            .get(i + 2)
            .is_some_and(|u| matches!(u.norm.as_str(), "sec" | "s" | "seconds"));
    let beside_labs = tokens
        .iter()
        .any(|x| matches!(x.norm.as_str(), "inr" | "ptt" | "aptt"));
    decimal || seconds || beside_labs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_is_read_just_before_a_mention() {
        let at = |s: &str, w: &str| severity_before(s, s.find(w).unwrap());
        assert_eq!(at("severe persistent asthma", "asthma"), Some((3, 3)));
        assert_eq!(
            at("moderately to severely active Crohn disease", "Crohn"),
            Some((2, 3))
        );
        assert_eq!(
            at("mild-moderate plaque psoriasis", "psoriasis"),
            Some((1, 2))
        );
        assert_eq!(at("Asthma, controlled on an inhaler", "inhaler"), None);
        // Too far before the mention to grade it.
        assert_eq!(
            at(
                "Severe pain last winter, which was treated and then followed by asthma",
                "asthma"
            ),
            None
        );
    }

    #[test]
    fn a_treatment_that_works_is_not_negated() {
        assert!(works("Doing well on adalimumab, in clinical remission."));
        assert!(works("Good response to the second injection."));
        assert!(!works("Etanercept was not effective."));
        assert!(!works("No good response after 12 weeks."));
        assert!(!works("Asthma poorly controlled; step up therapy."));
        assert!(TREATMENT_FAILED.is_match("inadequate response to methotrexate"));
        assert!(!TREATMENT_FAILED.is_match("doing well on methotrexate"));
    }
}
