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

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use pa_types::text::{stem, tokenize, Token};
use pa_types::{CaseSearcher, Claim, ClaimStatus, ClaimType, ConceptKind, Lexicon, Sentence};

pub mod claims;
pub mod context;
pub mod criteria;
mod dates;
mod decide;
mod derived;
pub mod facts;
pub mod quantity;
pub mod red_flags;
mod trace;
mod verify;

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
    /// Candidates per claim from sentence embeddings, besides the index's
    /// (0: none; only used when the searcher has a model).
    pub semantic_candidates: usize,
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
        let word = a.words.iter().any(|w| w.start == t.start);
        let concept = a
            .concepts
            .iter()
            .find(|c| c.start <= t.start && t.start < c.end);
        if word {
            Some(t.start)
        } else {
            concept.map(|c| c.start)
        }
    })
}

/// The relatives a sentence names, as kinds ("dad" is a father); empty when
/// it names one only in general ("a parent", "a sibling"), which matches any.
fn relatives(sentence: &str) -> HashSet<&'static str> {
    let mut out = HashSet::default();
    for t in tokenize(sentence) {
        let kind = match t.norm.as_str() {
            "mother" | "mom" | "mother's" => "mother",
            "father" | "dad" | "father's" => "father",
            "sister" | "sisters" | "sis" => "sister",
            "brother" | "brothers" | "bro" => "brother",
            "son" | "sons" => "son",
            "daughter" | "daughters" => "daughter",
            "aunt" | "aunts" => "aunt",
            "uncle" | "uncles" => "uncle",
            // Pedigree shorthand: maternal/paternal grandmother and grandfather.
            "grandmother" | "mgm" | "pgm" => "grandmother",
            "grandfather" | "mgf" | "pgf" => "grandfather",
            "cousin" | "cousins" => "cousin",
            "niece" | "nephew" => "niece or nephew",
            "parent" | "parents" | "sibling" | "siblings" | "relative" | "relatives" => {
                return HashSet::default()
            }
            _ => continue,
        };
        out.insert(kind);
    }
    out
}

/// The relatives a sentence names for what a claim says of them: those of the
/// pieces of a family history list (between semicolons) that share a word
/// with the claim, `claim_stems` ("paternal uncle with colon cancer at 48;
/// father healthy" names the uncle for a claim of colon cancer), or those of
/// the whole sentence when no such piece names one.
fn relatives_of(sentence: &str, claim_stems: &HashSet<String>) -> HashSet<&'static str> {
    let mut near = HashSet::default();
    for piece in sentence.split(';') {
        let shares = tokenize(piece).iter().any(|t| {
            let s = stem(&t.norm);
            t.norm.len() >= 3
                && !is_stopword(&t.norm)
                && relatives(&t.norm).is_empty()
                && claim_stems.contains(&s)
        });
        if shares {
            near.extend(relatives(piece));
        }
    }
    if near.is_empty() {
        relatives(sentence)
    } else {
        near
    }
}

/// The sides of the family a sentence names: "maternal" for the mother and
/// her relatives ("maternal aunt", "MGM"), "paternal" for the father's.
fn family_sides(sentence: &str) -> HashSet<&'static str> {
    tokenize(sentence)
        .iter()
        .filter_map(|t| match t.norm.as_str() {
            "mother" | "mom" | "mother's" | "maternal" | "mgm" | "mgf" => Some("maternal"),
            "father" | "dad" | "father's" | "paternal" | "pgm" | "pgf" => Some("paternal"),
            _ => None,
        })
        .collect()
}

/// The lists of result words a sentence is read for ([`Analysis::states`]).
#[derive(Clone, Copy)]
enum ResultWords {
    Negative,
    Positive,
    Unclear,
    Normal,
    /// A positive result in so many words ("positive", "reactive",
    /// "detected"), not a value's flag ("elevated").
    Found,
}

impl ResultWords {
    fn words(self) -> &'static [&'static str] {
        match self {
            ResultWords::Negative => NEGATIVE_RESULT_WORDS,
            ResultWords::Positive => POSITIVE_RESULT_WORDS,
            ResultWords::Unclear => UNCLEAR_RESULT_WORDS,
            ResultWords::Normal => NORMAL_RESULT_WORDS,
            ResultWords::Found => FOUND_RESULT_WORDS,
        }
    }
}

/// Whether a sentence has one of the result words `words`.
fn states_result(sentence: &str, words: &[&str]) -> bool {
    let t = sentence.to_lowercase();
    words.iter().any(|w| {
        t.match_indices(w).any(|(i, _)| {
            let before = t[..i].chars().next_back();
            let after = t[i + w.len()..].chars().next();
            // ("Not detected" is a negative result, not "detected".)
            let not_detected = *w == "detected" && t[..i].ends_with("not ");
            !before.is_some_and(|c| c.is_alphanumeric() || c == '-')
                && !after.is_some_and(char::is_alphanumeric)
                && !not_detected
        })
    })
}

/// Words that state a positive test result in so many words, whatever the
/// test ("HIV Ag/Ab: Reactive", "C. difficile toxin: DETECTED").
const FOUND_RESULT_WORDS: &[&str] = &["positive", "pos", "reactive", "detected"];

/// Words that state a positive test result ("HBsAg: reactive", "UDS positive").
const POSITIVE_RESULT_WORDS: &[&str] =
    &["positive", "reactive", "detected", "abnormal", "elevated"];

/// Words that state a result that is neither negative nor positive.
const UNCLEAR_RESULT_WORDS: &[&str] = &["indeterminate", "equivocal", "inconclusive"];

/// Words that call a test's result normal ("labs were all normal").
const NORMAL_RESULT_WORDS: &[&str] = &["normal", "unremarkable", "wnl", "within normal limits"];

/// Words that state a negative test result ("hCG: NEGATIVE", "HCV RNA not detected").
const NEGATIVE_RESULT_WORDS: &[&str] = &[
    "negative",
    "neg",
    "nonreactive",
    "non-reactive",
    "not detected",
    "undetectable",
    // A culture's negative result ("Urine culture: no growth at 48 hours").
    "no growth",
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
    // Weight units and approximation words go with their number, which is
    // compared as a quantity (in either unit), not as a word.
    "pound",
    "pounds",
    "lb",
    "lbs",
    "kg",
    "kilogram",
    "kilograms",
    "about",
    "approximately",
    "roughly",
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
    // Reflexives: "reposition himself" is "reposition self".
    "himself",
    "herself",
    "themselves",
    "self",
    "patient",
    "pt",
    // (A payer's word for the patient: "Is the member a current smoker?")
    "member",
    "enrollee",
    "beneficiary",
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
    // ("in the past six months": a look-back window, compared as a duration.)
    "past",
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
    "second",
    "seconds",
    "now",
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
    // ("has required three courses of", "a diagnosis of", "based on",
    // "following": words a letter frames its point with, stemmed. Not
    // "requires", what is needed now, nor "symptoms", which name what a
    // scale or a denial is about: "no B symptoms".)
    "requir",
    "diagnos",
    "based",
    "follow",
    "treated",
    "under",
    "experience",
    "experienced",
    "experiences",
    "experiencing",
    // A form's answer words ("[X] No" is read as the negation "none").
    "yes",
    "none",
    // Function words a letter writes around its point ("Iron stores are
    // replete", "our clinic", "5 out of 7"). (Not "because" or "but": what
    // a claim gives as a cause or a contrast is part of its point.)
    "are",
    "am",
    "being",
    "we",
    "our",
    "us",
    "i",
    "my",
    "me",
    "you",
    "your",
    "then",
    "so",
    "if",
    "into",
    "may",
    "might",
    "out",
    "when",
    "where",
    "what",
    "even",
    "just",
];

/// At most this many of a drug's other names are searched for.
const MAX_DRUG_NAMES: usize = 12;

/// Whether `w` is one of [`STOPWORDS`], by a set lookup: scanning the list for
/// every token of every sentence took 3.5% of a run's samples.
fn is_stopword(w: &str) -> bool {
    static SET: std::sync::LazyLock<HashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    SET.contains(w)
}

/// The first mention of a lexicon concept in a sentence.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConceptMention {
    /// Index of the lexicon entry.
    entry: usize,
    /// Token range of the mention (`tok_start..tok_end`).
    tok_start: usize,
    tok_end: usize,
    /// Char range of the mention.
    start: usize,
    end: usize,
}

/// A later mention of a concept already in [`Analysis::concepts`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Repeat {
    entry: usize,
    start: usize,
    end: usize,
}

/// A content word of a sentence outside any concept mention: its stem and char range.
#[derive(Clone, Debug)]
pub(crate) struct KeyWord {
    stem: String,
    start: usize,
    end: usize,
}

/// A sentence taken apart for matching.
pub(crate) struct Analysis {
    tokens: Vec<Token>,
    /// The stem of each token.
    stems: Vec<String>,
    /// The text analysed: what the caches below are read from.
    text: Box<str>,
    /// The lexicon concepts it mentions, the first mention of each.
    concepts: Vec<ConceptMention>,
    /// Later mentions of a concept already in `concepts`.
    repeats: Vec<Repeat>,
    /// Content word stems not inside a concept mention.
    words: Vec<KeyWord>,
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
    /// Whether the sentence has a word of each [`ResultWords`] list, on first use.
    states: [std::cell::OnceCell<bool>; 5],
    /// The sentence squashed and lowercased, on first use.
    squashed: std::cell::OnceCell<String>,
    /// The acronyms the sentence writes ([`verify::acronyms_in`]), on first use.
    acronyms: std::cell::OnceCell<Vec<(String, usize, usize)>>,
    /// Mentions assessed so far ([`Checker::assess`]), by char range.
    assessed: context::Assessed,
    /// Every token's stem and every stem in `alt_stems`, on first use: a
    /// candidate's, read for each claim it may bear on.
    stem_set: std::cell::OnceCell<HashSet<String>>,
    /// Where a form row's checked "No" stands: it negates the whole question
    /// before it, however long ([`claims::checked_no_at`]).
    answered_no: Option<usize>,
    /// A form row's label words, when only its answer is matched ("Entrance"
    /// of "Entrance: ramp at the front door"): a candidate that names them too
    /// is about the same subject ([`Checker::read_claim`]).
    label_words: Vec<KeyWord>,
}

/// The content words of a sentence outside its concept mentions (`covered`
/// tokens): no stopwords, honorifics' names, bare numbers or, beside a test
/// (`names_test`), result words.
fn key_words(
    text: &str,
    tokens: &[Token],
    stems: &[String],
    covered: &[bool],
    names_test: bool,
) -> Vec<KeyWord> {
    let mut words = Vec::new();
    let text_chars: Vec<char> = text.chars().collect();
    for (i, t) in tokens.iter().enumerate() {
        let honorific = i > 0 && ["mr", "ms", "mrs", "dr"].contains(&tokens[i - 1].norm.as_str());
        // A marker, gene or antigen named in capitals with a digit ("HER2",
        // "GATA3", "PIK3CA", "CD20") is a key term, not a number.
        // So is a variant named by a capital, a position and lower-case letters
        // ("F508del", "G551D" above): not a dosing interval ("Q4h").
        let marker = || {
            let w = &text_chars[t.start.min(text_chars.len())..t.end.min(text_chars.len())];
            let digits = w.iter().any(char::is_ascii_digit);
            let capitals = w.iter().filter(|c| c.is_ascii_uppercase()).count();
            let lower = w.iter().any(|c| c.is_lowercase());
            (capitals >= 2 && !lower && digits)
                || (w.len() >= 5
                    && w.first()
                        .is_some_and(|c| c.is_ascii_uppercase() && !matches!(c, 'Q'))
                    && w.get(1).is_some_and(char::is_ascii_digit)
                    && lower
                    && w.iter().all(char::is_ascii_alphanumeric))
        };
        if covered[i]
            || honorific
            || (names_test && RESULT_WORDS.contains(&t.norm.as_str()))
            || t.norm.len() < 3
            || (t.norm.chars().any(|c| c.is_ascii_digit()) && !marker())
            || is_stopword(&t.norm)
            || is_stopword(&stems[i])
        {
            continue;
        }
        words.push(KeyWord {
            stem: stems[i].clone(),
            start: t.start,
            end: t.end,
        });
    }
    words
}

/// A treatment that did not work: failed, inadequate or no response, stopped
/// working, without relief.
static TREATMENT_FAILED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(fail(ed|ure|s)?|inadequate(ly)?|insufficient|ineffective|not effective|no (response|relief|benefit|improvement)|without (response|relief|benefit|improvement)|lost (its )?(response|effect)|loss of response|refractory|did not (respond|help|work|improve)|no longer effective|flared?|breakthrough)\b").unwrap()
});

/// A treatment that works: a good response, doing well on it, in remission,
/// a successful fit, tolerated well or worn comfortably.
static TREATMENT_WORKS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b((good|excellent|adequate|great|complete) (clinical )?response|respond(ed|ing) well|doing well on|well[- ]controlled (on|with)|in (clinical )?remission|(significant|marked|substantial|dramatic) improvement|works well|effective|successful(ly)?|well[- ]tolerated|tolerat(es|ed|ing) (it |them |this )?well|comfortabl[ey]|helped|helps|(good|excellent|significant|complete|adequate) (pain |symptom )?relief)\b").unwrap()
});

/// The severity written just before a mention at char `at` of `text`, as a
/// range of grades (1 mild, 2 moderate, 3 severe): "moderate to severe" and
/// "moderate-to-severe" are 2..=3.
fn severity_before(text: &str, at: usize) -> Option<(u8, u8)> {
    static SEVERITY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(mild|moderate|severe)(?:ly)?(?:\s*(?:-to-|-|to)\s*(mild|moderate|severe)(?:ly)?)?)\b[\w\s,-]{0,30}$").unwrap()
    });
    let grade = |w: &str| match w.to_lowercase().as_str() {
        "mild" => 1,
        "moderate" => 2,
        _ => 3,
    };
    let before = &text[..text.char_indices().nth(at).map_or(text.len(), |(i, _)| i)];
    // Most text names no severity: in ASCII text that shows without the regex
    // (other text may hold case variants the regex folds, such as a long s).
    let lower = before.to_ascii_lowercase();
    if before.is_ascii()
        && !["mild", "moderate", "severe"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return None;
    }
    // Within 30 characters of the mention.
    let c = SEVERITY.captures(before)?;
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
        // (Help in part is no response: "helped a little", "only helped
        // briefly", "initially helped".)
        let partly = |w: &str| {
            [
                "a little",
                "a bit",
                "some",
                "somewhat",
                "slightly",
                "partially",
                "partly",
                "minimally",
                "mildly",
                "only",
                "briefly",
                "initially",
                "temporarily",
                "at first",
                "modestly",
                "marginally",
            ]
            .iter()
            .any(|q| w.starts_with(q) || w.ends_with(q))
        };
        let after = text[m.end()..].trim_start().to_lowercase();
        let helped = m.as_str().to_lowercase().starts_with("help");
        !["not ", "no ", "n't ", "poor", "without ", "never "]
            .iter()
            .any(|n| before.ends_with(n) || before.contains(&format!(" {n}")))
            && !(helped && (partly(&after) || partly(before.trim_end())))
    })
}

static ICD10: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\b[A-TV-Z]\d{2}\.\d{1,4}\b").unwrap());

/// A claim concept matched in a candidate.
#[derive(Clone, Copy, Debug)]
struct ConceptMatch {
    /// The claim's lexicon entry.
    entry: usize,
    /// Its char range in the claim.
    claim: (usize, usize),
    /// Its char range in the candidate, or `None` when a negative form matched.
    cand: Option<(usize, usize)>,
}

/// What the checker knows about a candidate's document and the request.
#[derive(Clone, Copy)]
struct CandidateDoc<'a> {
    /// Concepts in the document's first lines (its title).
    head: &'a [usize],
    /// The date of the request (the claim's document).
    request: Option<(u32, u32, u32)>,
    /// The candidate document's own date.
    date: Option<(u32, u32, u32)>,
    /// The candidate's next sentence says the course stopped ("Stopped 06/2024
    /// after 3 mo d/t ..."): `Some`, with the stop's date when it gives one. A
    /// start date then dates no course up to the request.
    stopped_next: Option<Option<dates::Date>>,
    /// The stems of the candidate's table head (its caption and column
    /// header), when the candidate is a table's row ([`table_heads`]).
    table_head: Option<&'a HashSet<String>>,
    /// The candidate is two adjacent sentences read together.
    joined: bool,
}

/// Nothing decided: every candidate is weak, a plan ("Start X"), or short
/// of a number. Only then are sentences read together.
fn nothing_decided(verdicts: &[(Verdict, f32, &Sentence)]) -> bool {
    verdicts.iter().all(|v| {
        matches!(
            v.0,
            Verdict::Weak | Verdict::Hypothetical | Verdict::MissingNumber(_)
        )
    })
}

impl<'a> CandidateDoc<'a> {
    /// A candidate of sentences of one document read together.
    fn joined(
        doc: &str,
        doc_heads: &'a HashMap<&str, Vec<usize>>,
        doc_dates: &HashMap<&str, (u32, u32, u32)>,
        request: Option<(u32, u32, u32)>,
    ) -> Self {
        CandidateDoc {
            head: doc_heads.get(doc).map(Vec::as_slice).unwrap_or(&[]),
            request,
            date: doc_dates.get(doc).copied(),
            stopped_next: None,
            table_head: None,
            joined: true,
        }
    }
}

/// A sentence that says a course stopped: "Stopped 06/2024 ...",
/// "Discontinued after 3 months ...", "d/c'd 5/2025 for rash".
fn stop_of(next: &Sentence) -> Option<Option<dates::Date>> {
    static STOP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)^\W*(?:stopped|discontinued|d/c'?d?|dc'?d|held|switched|tapered off)\b",
        )
        .unwrap()
    });
    let text = &next.span.quote;
    STOP.is_match(text)
        .then(|| dates::find(text).into_iter().find(|d| d.month != 0))
}

impl Analysis {
    /// Whether the sentence has one of the result words `words` (read once
    /// per list: a candidate is read for many claims).
    fn states(&self, words: ResultWords) -> bool {
        *self.states[words as usize].get_or_init(|| states_result(&self.text, words.words()))
    }

    /// The result the sentence states for a test mention assessed
    /// `negated`: negative (`Some(false)`), positive (`Some(true)`), or none
    /// (the test only named).
    fn result_of(&self, negated: bool) -> Option<bool> {
        if negated {
            self.states(ResultWords::Negative).then_some(false)
        } else {
            self.states(ResultWords::Positive).then_some(true)
        }
    }

    /// The sentence squashed and lowercased (criteria look for their words
    /// in it, sentence by sentence).
    pub(crate) fn squashed(&self) -> &str {
        self.squashed
            .get_or_init(|| pa_types::text::squash(&self.text).to_lowercase())
    }

    /// The acronyms the sentence writes.
    fn acronyms(&self) -> &[(String, usize, usize)] {
        self.acronyms
            .get_or_init(|| verify::acronyms_in(&self.text, &self.tokens))
    }

    /// Every stem of the sentence: its tokens' and its abbreviations' senses'.
    fn stem_set(&self) -> &HashSet<String> {
        self.stem_set.get_or_init(|| {
            let mut stems: HashSet<String> = self.stems.iter().cloned().collect();
            stems.extend(self.alt_stems.iter().cloned());
            stems
        })
    }
}

/// A case's sentences, each analysed at most once, when first needed. The
/// policy choice, the criteria check and the claim check of a case read the
/// same sentences; they share this instead of analysing each on its own.
pub struct CaseSentences<'a> {
    checker: &'a Checker,
    sentences: &'a [Sentence],
    analyses: Vec<std::cell::OnceCell<Analysis>>,
}

impl<'a> CaseSentences<'a> {
    /// The case's sentences, all of its readable documents.
    pub fn sentences(&self) -> &'a [Sentence] {
        self.sentences
    }

    /// The analysis of sentence `i` of [`CaseSentences::sentences`].
    pub(crate) fn analysis(&self, i: usize) -> &Analysis {
        self.analyses[i].get_or_init(|| self.checker.analyze(&self.sentences[i].span.quote))
    }

    /// The tokens and stems of sentence `i`: its analysis's, when it has
    /// been analysed, else taken apart now.
    pub fn words(&self, i: usize) -> pa_types::SentenceWords {
        match self.analyses[i].get() {
            Some(a) => pa_types::SentenceWords {
                tokens: a.tokens.clone(),
                stems: a.stems.clone(),
            },
            None => pa_types::SentenceWords::of(&self.sentences[i].span.quote),
        }
    }

    /// The checker these analyses are made by.
    pub(crate) fn checker(&self) -> &'a Checker {
        self.checker
    }
}

/// A case as every claim of it is checked against it.
struct CaseView<'s> {
    /// The letters and forms, whose sentences are never evidence.
    assertion_docs: Vec<String>,
    /// The clinical documents.
    evidence_docs: HashSet<&'s str>,
    /// Every sentence's index by (document, page, start).
    by_pos: HashMap<(&'s str, u32, u32), usize>,
    /// Clinical sentences by (document, ordinal).
    by_ordinal: HashMap<(&'s str, u32), &'s Sentence>,
    /// Each document's date ([`document_dates`]).
    doc_dates: HashMap<&'s str, (u32, u32, u32)>,
    /// The date of the section each clinical sentence is in, where a dated
    /// heading opens one ([`section_dates`]).
    section_dates: HashMap<(&'s str, u32), (u32, u32, u32)>,
    /// Each table row's head words, and each table head's rows ([`table_heads`]).
    tables: Tables<'s>,
    /// Concepts in the first lines (title, header) of each clinical document.
    doc_heads: HashMap<&'s str, Vec<usize>>,
    /// When the request was made: the latest date of the case's letters and
    /// forms (a letter written before the last visit goes with a form sent
    /// after it).
    request_date: Option<(u32, u32, u32)>,
}

impl CaseView<'_> {
    /// The date of the request a claim is part of: the case's latest letter or
    /// form date, else the claim's own document's.
    fn request_of(&self, claim: &Sentence) -> Option<(u32, u32, u32)> {
        self.request_date
            .or_else(|| self.doc_dates.get(claim.span.doc_id.as_str()).copied())
    }

    /// When a clinical sentence was written: its section's date, else its
    /// document's.
    fn date_of(&self, s: &Sentence) -> Option<(u32, u32, u32)> {
        self.section_dates
            .get(&(s.span.doc_id.as_str(), s.ordinal))
            .or_else(|| self.doc_dates.get(s.span.doc_id.as_str()))
            .copied()
    }

    /// What the checker knows of `cand`'s document and of the request `claim` is part of.
    fn candidate_doc<'v>(&'v self, claim: &Sentence, cand: &'v Sentence) -> CandidateDoc<'v> {
        CandidateDoc {
            head: self
                .doc_heads
                .get(cand.span.doc_id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            request: self.request_of(claim),
            date: self.date_of(cand),
            stopped_next: self
                .by_ordinal
                .get(&(cand.span.doc_id.as_str(), cand.ordinal + 1))
                .and_then(|next| stop_of(next)),
            table_head: self
                .tables
                .head_of
                .get(&(cand.span.doc_id.as_str(), cand.ordinal))
                .map(|h| &h.1),
            joined: false,
        }
    }
}

/// The clauses of the case's letters and forms, each with its claim id: a
/// sentence may hold several claims (`<doc>#<ordinal>`, then `.<k>` for the
/// clauses after the first). A clause that holds a short tail after a
/// semicolon comes with its head, the clause without the tail, which decides
/// unless the whole says otherwise ([`Checker::check_case`]).
fn claim_units(sentences: &[Sentence]) -> Vec<ClaimUnit> {
    let sub = |s: &Sentence, cs: usize, ce: usize| {
        let quote = pa_types::text::char_slice(&s.span.quote, cs, ce)?;
        let mut sub = s.clone();
        sub.span.start = s.span.start + cs as u32;
        sub.span.end = s.span.start + ce as u32;
        sub.span.quote = quote.to_string();
        Some(sub)
    };
    let mut units = Vec::new();
    for (i, s) in sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind.is_assertion())
    {
        let parts = claims::clauses(&s.span.quote);
        let strict = claims::clauses_with(&s.span.quote, 0);
        // The head of a part that holds more than one strict clause.
        let head_of = |cs: usize, ce: usize| {
            let inside: Vec<&(usize, usize)> = strict
                .iter()
                .filter(|(a, b)| *a >= cs && *b <= ce)
                .collect();
            let (&head, tails) = inside.split_first()?;
            // (A tail that gives a number is a finding of its own: the whole
            // decides.)
            let tail_numbers = tails.iter().any(|&&(a, b)| {
                pa_types::text::char_slice(&s.span.quote, a, b)
                    .is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()))
            });
            if tails.is_empty() || tail_numbers {
                return None;
            }
            sub(s, head.0, head.1)
        };
        if parts.len() == 1 {
            let (cs, ce) = parts[0];
            units.push(ClaimUnit {
                unit: s.clone(),
                id: format!("{}#{}", s.span.doc_id, s.ordinal),
                head: head_of(cs, ce),
                sentence: i,
                range: (cs, ce),
            });
            continue;
        }
        for (k, &(cs, ce)) in parts.iter().enumerate() {
            let Some(unit) = sub(s, cs, ce) else {
                continue;
            };
            let id = if k == 0 {
                format!("{}#{}", s.span.doc_id, s.ordinal)
            } else {
                format!("{}#{}.{}", s.span.doc_id, s.ordinal, k)
            };
            units.push(ClaimUnit {
                unit,
                id,
                head: head_of(cs, ce),
                sentence: i,
                range: (cs, ce),
            });
        }
    }
    units
}

/// One clause of a letter or form to detect and check as a claim.
struct ClaimUnit {
    /// The clause.
    unit: Sentence,
    /// Its claim id.
    id: String,
    /// The clause without a short tail after a semicolon ([`claim_units`]).
    head: Option<Sentence>,
    /// The index of its sentence in the case's sentences.
    sentence: usize,
    /// Its char range in that sentence.
    range: (usize, usize),
}

/// The claims of one sentence's clauses (`None`: the clause is no claim),
/// each claim's span widened over the clauses beside it that assert nothing
/// of their own and may be shown with it ([`claims::may_join`]): what a
/// finding means to the writer (", which raises seizure risk further"), a
/// plan (", discharge weight to be used"), a clause too short to check alone
/// ("Vaccinations up to date;"). The sentence reads as written, so a reviewer
/// sees the claim whole; what was checked is the claim's own clause (its
/// trace says so). A clause joins the claim before it, else the one after;
/// an instruction or a request joins none, and none is joined across it.
/// First, a form's row is made one claim of its semicolon clauses, as flagged
/// as its most flagged clause.
fn join_bare_clauses(sentence: &Sentence, units: &[&ClaimUnit], claims: &mut [Option<Claim>]) {
    let widen = |claim: &mut Claim, (cs, ce): (usize, usize)| {
        if let Some(quote) = pa_types::text::char_slice(&sentence.span.quote, cs, ce) {
            claim.span.start = sentence.span.start + cs as u32;
            claim.span.end = sentence.span.start + ce as u32;
            claim.span.quote = quote.to_string();
        }
    };
    // The range each claim covers, in chars of the sentence.
    let mut ranges: Vec<(usize, usize)> = units.iter().map(|u| u.range).collect();
    // A form's row is one answer, whatever its semicolons join ("Social:
    // patient lives alone; no caregiver available to assist at home"): its
    // clauses, each checked alone, make one claim, as flagged as its most
    // flagged clause (contradicted, then unsupported), with that clause's
    // reason and evidence.
    if sentence.kind == pa_types::DocKind::RequestForm {
        let chars: Vec<char> = sentence.span.quote.chars().collect();
        let after_semicolon = |at: usize| {
            chars[..at.min(chars.len())]
                .iter()
                .rev()
                .find(|c| !c.is_whitespace())
                == Some(&';')
        };
        let rank = |c: &Claim| match c.status {
            ClaimStatus::Supported => 0,
            ClaimStatus::Unsupported => 1,
            ClaimStatus::Contradicted => 2,
        };
        let mut row: Option<usize> = None;
        for k in 0..units.len() {
            let Some(part) = claims[k].take() else {
                row = None;
                continue;
            };
            match row.filter(|_| after_semicolon(units[k].range.0)) {
                Some(m) => {
                    ranges[m].1 = units[k].range.1;
                    if let Some(head) = claims[m].as_mut() {
                        if rank(&part) > rank(head) {
                            head.status = part.status;
                            head.reason = part.reason;
                            head.evidence = part.evidence;
                            head.trace = part.trace;
                        } else if part.status == ClaimStatus::Supported
                            && head.status == ClaimStatus::Supported
                        {
                            // (A row supported in every clause cites each
                            // clause's support.)
                            for e in part.evidence {
                                if !head.evidence.iter().any(|h| h.citation == e.citation) {
                                    head.evidence.push(e);
                                }
                            }
                        }
                    }
                }
                None => {
                    claims[k] = Some(part);
                    row = Some(k);
                }
            }
        }
    }
    // The ranges every clause of which was checked.
    let rows = ranges.clone();
    let mut last: Option<usize> = None;
    let mut pending: Option<usize> = None;
    for (k, u) in units.iter().enumerate() {
        // (A clause merged into its row above is the row's.)
        if claims[k].is_none() && rows.iter().any(|r| r.0 < u.range.0 && u.range.1 <= r.1) {
            continue;
        }
        if claims[k].is_some() {
            if let Some(start) = pending.take() {
                ranges[k].0 = start;
            }
            last = Some(k);
            continue;
        }
        if !claims::may_join(&u.unit.span.quote) {
            last = None;
            pending = None;
            continue;
        }
        match last {
            Some(j) => ranges[j].1 = u.range.1,
            None => {
                pending.get_or_insert(u.range.0);
            }
        }
    }
    for (k, claim) in claims.iter_mut().enumerate() {
        if let Some(claim) = claim {
            if ranges[k] != units[k].range {
                if ranges[k] != rows[k] {
                    if let Some(t) = claim.trace.as_mut() {
                        let (cs, ce) = rows[k];
                        t.checked = pa_types::text::char_slice(&sentence.span.quote, cs, ce)
                            .map(str::to_string);
                    }
                }
                widen(claim, ranges[k]);
            }
        }
    }
}

/// A claim (or a part of one) to check against its candidates.
#[derive(Clone, Copy)]
struct Question<'c, 's> {
    /// The claim sentence as written: its document dates the request.
    s: &'c Sentence,
    /// What is checked: the sentence read as filled in, or a part of it.
    read_s: &'c Sentence,
    a: &'c Analysis,
    claim_type: ClaimType,
    hits: &'c [pa_types::SearchHit],
    view: &'c CaseView<'s>,
    case: &'c CaseSentences<'s>,
}

/// Every candidate's verdict on a claim, with the rule that gave it
/// ([`Checker::judge`]).
struct Judged<'s> {
    verdicts: Vec<(Verdict, f32, &'s Sentence)>,
    rules: Vec<&'static str>,
    /// Candidates that confirm a part of the claim, to pool.
    pieces: Vec<(Parts, &'static str, &'s Sentence)>,
    /// Candidates that name a test the claim gives a result of, without a result.
    unresulted: Vec<&'s Sentence>,
    traces: Vec<pa_types::TraceCandidate>,
}

/// A calendar day as (year, month, day).
type Ymd = (u32, u32, u32);

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
#[derive(Clone)]
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

    /// The lexicon concepts a sentence mentions (the first mention of each,
    /// then the later ones), with drugs only the public drug vocabulary names;
    /// and which tokens they cover.
    fn concept_mentions(
        &self,
        text: &str,
        tokens: &[Token],
        stems: &[String],
    ) -> (Vec<ConceptMention>, Vec<Repeat>, Vec<bool>) {
        let mut concepts = Vec::new();
        let mut covered = vec![false; tokens.len()];
        let mut seen = HashSet::default();
        let mut repeats = Vec::new();
        for hit in self.lex.find_written(text, tokens, stems) {
            if self.is_lab_reading(text, tokens, &hit) {
                continue;
            }
            // A measure's name right after a number is that number's unit: "3 hr/day"
            // is three hours, not a heart rate. (Not across a line break: a lab
            // table's next row starts with its test, ">40\nLDL-C 131".)
            let after_number = hit.tok_start > 0 && {
                let prev = &tokens[hit.tok_start - 1];
                let gap = pa_types::text::char_slice(text, prev.end, tokens[hit.tok_start].start);
                prev.norm.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && gap.is_some_and(|g| g.chars().all(|c| c.is_whitespace() && c != '\n'))
            };
            if after_number && self.lex.entries[hit.entry].kind == ConceptKind::Measure {
                continue;
            }
            for c in covered.iter_mut().take(hit.tok_end).skip(hit.tok_start) {
                *c = true;
            }
            if seen.insert(hit.entry) {
                concepts.push(ConceptMention {
                    entry: hit.entry,
                    tok_start: hit.tok_start,
                    tok_end: hit.tok_end,
                    start: tokens[hit.tok_start].start,
                    end: tokens[hit.tok_end - 1].end,
                });
            } else {
                repeats.push(Repeat {
                    entry: hit.entry,
                    start: tokens[hit.tok_start].start,
                    end: tokens[hit.tok_end - 1].end,
                });
            }
        }
        // Drugs the lexicon does not name, from the public drug vocabulary.
        for m in pa_types::drugs::find_drugs(text) {
            // (A salt is its active moiety: "lithium carbonate" is "lithium".)
            let Some(e) = self
                .lex
                .index_of(pa_types::drugs::active_moiety(m.generic))
                .or_else(|| self.lex.index_of(m.generic))
            else {
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
                concepts.push(ConceptMention {
                    entry: e,
                    tok_start: ts,
                    tok_end: te + 1,
                    start: m.start,
                    end: m.end,
                });
            } else {
                repeats.push(Repeat {
                    entry: e,
                    start: m.start,
                    end: m.end,
                });
            }
        }
        (concepts, repeats, covered)
    }

    fn analyze(&self, text: &str) -> Analysis {
        let tokens = tokenize(text);
        let stems: Vec<String> = tokens.iter().map(|t| stem(&t.norm)).collect();
        let (concepts, repeats, covered) = self.concept_mentions(text, &tokens, &stems);
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
            .any(|c| self.lex.entries[c.entry].kind == ConceptKind::Test);
        let words = key_words(text, &tokens, &stems, &covered, names_test);
        // Every mention of a measure binds the number after it: "baseline
        // SpO2 95%, nadir SpO2 79%" gives two saturations.
        let measures: Vec<(usize, usize, usize)> = concepts
            .iter()
            .map(|c| (c.entry, c.start, c.end))
            .chain(repeats.iter().map(|r| (r.entry, r.start, r.end)))
            .filter(|m| self.lex.entries[m.0].kind == ConceptKind::Measure)
            .collect();
        let mut measures = measures;
        measures.sort_by_key(|m| m.1);
        let codes = ICD10
            .find_iter(text)
            .map(|m| m.as_str().to_uppercase())
            .collect();
        // A lexicon measure's name read again ("251 lb, BMI 37.4" after "BMI"
        // earlier in the sentence) is that measure, not a named score.
        let measure_names: HashSet<String> = concepts
            .iter()
            .map(|c| (c.entry, c.start, c.end))
            .chain(repeats.iter().map(|r| (r.entry, r.start, r.end)))
            .filter(|m| self.lex.entries[m.0].kind == ConceptKind::Measure)
            .map(|m| {
                text.chars()
                    .skip(m.1)
                    .take(m.2 - m.1)
                    .collect::<String>()
                    .to_uppercase()
            })
            .collect();
        let mut quantities = quantities(text, &measures);
        quantities.retain(|q| !matches!(&q.kind, QKind::Named(n) if measure_names.contains(n)));
        Analysis {
            quantities,
            tokens,
            stems,
            text: text.into(),
            concepts,
            repeats,
            words,
            codes,
            expansions,
            alt_stems,
            dates: dates::find(text),
            ctx: std::cell::OnceCell::new(),
            stem_set: std::cell::OnceCell::new(),
            assessed: context::Assessed::default(),
            acronyms: std::cell::OnceCell::new(),
            squashed: std::cell::OnceCell::new(),
            states: Default::default(),
            answered_no: None,
            label_words: Vec::new(),
        }
    }

    /// ConText for the mention at chars `start..end` of `text`, analysed as `a`.
    fn assess(&self, a: &Analysis, text: &str, start: usize, end: usize) -> Assessment {
        let prepared = a.ctx.get_or_init(|| self.ctx.prepare(text));
        // A candidate is read for many claims, each asking about the same
        // mentions: each is assessed once (in the text the analysis was
        // prepared from; any other text is assessed anew).
        if !prepared.is_of(text) {
            return self.assess_uncached(a, prepared, text, start, end);
        }
        a.assessed.get_or(start, end, || {
            self.assess_uncached(a, prepared, text, start, end)
        })
    }

    fn assess_uncached(
        &self,
        a: &Analysis,
        prepared: &context::Prepared,
        text: &str,
        start: usize,
        end: usize,
    ) -> Assessment {
        let mut assessment = self.ctx.assess_prepared(prepared, start, end);
        assessment.negated |= a.answered_no.is_some_and(|at| end <= at);
        // A mention that names the cause of another ("methamphetamine-induced
        // psychosis, resolved", "no NSAID-related ulcer") is not what a
        // denial or a resolution is about: the caused state is, and the cause
        // was there.
        static CAUSE_OF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(
                r"(?i)^-(?:induced|associated|related|provoked|triggered|exacerbated|mediated)\b",
            )
            .unwrap()
        });
        if assessment.negated
            && pa_types::text::char_slice(text, end, (end + 16).min(text.chars().count()))
                .is_some_and(|after| CAUSE_OF.is_match(after))
        {
            assessment.negated = false;
        }
        // A line under a family-history label is about relatives throughout
        // ("FHx: Sister (38) - SLE, DVT 2022, on apixaban."), past the dashes
        // that end a trigger's scope elsewhere.
        static FAMILY_LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"(?i)^\W*(?:fhx|fh|fam(?:ily)?\.?\s+(?:history|hx))\s*:").unwrap()
        });
        // So is a line under a plan's label about what is planned ("Plan of
        // care: 2x/wk x 6 wks (12 visits)"), however far its words are from
        // the label.
        static PLAN_LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(
                r"(?i)^\W*(?:plan of care|poc|plan|treatment plan|recommendations?)\s*:",
            )
            .unwrap()
        });
        if PLAN_LABEL.is_match(text) && !text.chars().take(start).any(|c| c == '\n') {
            assessment.hypothetical = true;
        }
        if FAMILY_LABEL.is_match(text)
            && !pa_types::text::char_slice(text, 0, start)
                .is_some_and(|before| before.to_lowercase().contains("personal"))
        {
            assessment.family = true;
        }
        // A count of none before the mention, in its clause: "0/22 lymph
        // nodes involved", "0 of 2 sets positive for S. aureus".
        static NONE_OF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"(?i)(?:^|[^\d.])0\s*(?:/|of|out of)\s*\d+\b[^;.,]{0,40}$").unwrap()
        });
        // (Most sentences have no "0" at all: skip the searches.)
        if !text.contains('0') {
            return assessment;
        }
        assessment.negated |= pa_types::text::char_slice(text, start.saturating_sub(60), start)
            .is_some_and(|before| NONE_OF.is_match(before));
        // ...or as the value of the label the mention is in: "Lymph nodes:
        // 0/22 involved".
        static NONE_VALUE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"(?i)^\s*0\s*(?:/|of|out of)\s*\d+\b").unwrap()
        });
        if let Some(colon) = text.find(':') {
            let label_end = text[..colon].chars().count();
            assessment.negated |= end <= label_end && NONE_VALUE.is_match(&text[colon + 1..]);
        }
        assessment
    }

    /// A drug's generic and its other names, as search terms. (One-word
    /// names only: a name of several words, "folic acid 1 mg", searches for
    /// its common words.)
    fn push_drug_names(&self, entry: usize, terms: &mut Vec<String>) {
        let id = &self.lex.entries[entry].id;
        terms.push(id.clone());
        terms.extend(
            pa_types::drugs::names_of(id)
                .iter()
                .filter(|n| !n.contains(char::is_whitespace))
                .take(MAX_DRUG_NAMES)
                .map(|n| n.to_string()),
        );
    }

    fn query_terms(&self, a: &Analysis) -> Vec<String> {
        let mut terms = Vec::new();
        for &ConceptMention { entry, .. } in &a.concepts {
            let mut stack = vec![entry];
            let mut seen = HashSet::default();
            while let Some(e) = stack.pop() {
                if !seen.insert(e) {
                    continue;
                }
                terms.extend(self.lex.entries[e].terms.iter().cloned());
                terms.extend(self.lex.entries[e].negative_forms.iter().cloned());
                // (A class member known only to the drug vocabulary is
                // searched by its generic and its other names: "blood
                // thinners" by "apixaban" and "Eliquis".)
                if e != entry && self.lex.entries[e].terms.is_empty() {
                    self.push_drug_names(e, &mut terms);
                }
                stack.extend(
                    self.lex.entries[e]
                        .members
                        .iter()
                        .filter_map(|m| self.lex.index_of(m)),
                );
            }
        }
        // A weight lost or gained is written as the weights themselves
        // ("wt 58.7 kg (was 61.3 kg)").
        if a.quantities
            .iter()
            .any(|q| matches!(q.kind, QKind::Unit("kg") | QKind::Unit("lb")))
            && a.tokens.iter().any(|t| {
                ["lost", "loss", "losing", "gained", "gain", "gaining"].contains(&t.norm.as_str())
            })
        {
            terms.extend(["wt", "weight"].map(String::from));
        }
        // A BMI is also written as the height and weight it comes from.
        if a.concepts
            .iter()
            .any(|c| self.lex.entries[c.entry].id == "bmi")
        {
            terms.extend(["ht", "wt", "height", "weight"].map(String::from));
        }
        // Concepts known only to the drug vocabulary have no terms: search for
        // the words as written.
        for &ConceptMention {
            entry,
            tok_start: ts,
            tok_end: te,
            ..
        } in &a.concepts
        {
            if self.lex.entries[entry].terms.is_empty() {
                terms.extend(a.tokens[ts..te].iter().map(|t| t.norm.clone()));
                // (And by its generic and its other names: "pyridostigmine" is
                // charted as "Mestinon", "Imitrex" as "sumatriptan".)
                self.push_drug_names(entry, &mut terms);
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
        // ... and by the acronym of any three to five words in a row
        // ("Post-Concussion Symptom Scale" is "PCSS"), which the checker
        // matches back to those words.
        for n in 3..=5 {
            for w in a.tokens.windows(n) {
                if w.iter().all(|t| {
                    t.norm.len() >= 2
                        && t.norm.starts_with(|c: char| c.is_ascii_alphabetic())
                        && !is_stopword(&t.norm)
                }) {
                    terms.push(w.iter().filter_map(|t| t.norm.chars().next()).collect());
                }
            }
        }
        terms.extend(a.words.iter().map(|w| {
            a.tokens
                .iter()
                .find(|t| t.start == w.start)
                .map(|t| t.norm.clone())
                .unwrap_or_default()
        }));
        terms
    }

    /// A case's sentences (all sentences of its readable documents), to be
    /// analysed once for all its checks.
    pub fn case<'a>(&'a self, sentences: &'a [Sentence]) -> CaseSentences<'a> {
        CaseSentences {
            checker: self,
            sentences,
            analyses: sentences
                .iter()
                .map(|_| std::cell::OnceCell::new())
                .collect(),
        }
    }

    /// Check every claim of a case.
    pub fn check_case(
        &self,
        case_id: &str,
        case: &CaseSentences<'_>,
        searcher: &dyn CaseSearcher,
    ) -> Vec<Claim> {
        debug_assert!(std::ptr::eq(case.checker, self));
        let view = self.case_view(case);
        let units = claim_units(case.sentences);
        let mut claims: Vec<Option<Claim>> = units
            .iter()
            .map(
                |ClaimUnit {
                     unit: s,
                     id: claim_id,
                     head,
                     ..
                 }| {
                    let claim = self.check_unit(case_id, &view, s, claim_id, searcher, case)?;
                    // A short tail after a semicolon elaborates its head: the head's
                    // support stands unless the whole is contradicted.
                    let Some(head) = head else {
                        return Some(claim);
                    };
                    if claim.status != ClaimStatus::Unsupported {
                        return Some(claim);
                    }
                    match self.check_unit(case_id, &view, head, claim_id, searcher, case) {
                        Some(h) if h.status == ClaimStatus::Supported => Some(Claim {
                            span: claim.span,
                            claim_type: claim.claim_type,
                            ..h
                        }),
                        _ => Some(claim),
                    }
                },
            )
            .collect();
        let mut at = 0;
        while at < units.len() {
            let n = units[at..]
                .iter()
                .take_while(|u| u.sentence == units[at].sentence)
                .count();
            if n > 1 {
                let group: Vec<&ClaimUnit> = units[at..at + n].iter().collect();
                join_bare_clauses(
                    &case.sentences[units[at].sentence],
                    &group,
                    &mut claims[at..at + n],
                );
            }
            at += n;
        }
        claims.into_iter().flatten().collect()
    }

    /// What every claim of a case is checked against: the case's documents,
    /// their dates and titles, and its sentences by position.
    fn case_view<'s>(&self, case: &CaseSentences<'s>) -> CaseView<'s> {
        let sentences = case.sentences;
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
        let by_pos: HashMap<(&str, u32, u32), usize> = sentences
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.span.doc_id.as_str(), s.span.page, s.span.start), i))
            .collect();
        let by_ordinal: HashMap<(&str, u32), &Sentence> = sentences
            .iter()
            .filter(|s| !s.kind.is_assertion())
            .map(|s| ((s.span.doc_id.as_str(), s.ordinal), s))
            .collect();
        // Concepts in the first lines (title, header) of each clinical document.
        let mut doc_heads: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, s) in sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.kind.is_assertion() && s.ordinal < 3)
        {
            let a = case.analysis(i);
            doc_heads
                .entry(s.span.doc_id.as_str())
                .or_default()
                .extend(a.concepts.iter().map(|c| c.entry));
        }
        let doc_dates = document_dates(sentences);
        let request_date = assertion_docs
            .iter()
            .filter_map(|d| doc_dates.get(d.as_str()).copied())
            .max();
        CaseView {
            request_date,
            assertion_docs,
            evidence_docs,
            by_pos,
            by_ordinal,
            doc_dates,
            section_dates: section_dates(sentences),
            tables: table_heads(sentences),
            doc_heads,
        }
    }

    /// A claim sentence read as filled in, and analysed. A form row is read as
    /// its checked answer, not its options (`Some` with the read sentence; its
    /// citation stays the text as written), and only its answer is matched.
    fn read_claim(&self, s: &Sentence) -> (Option<Sentence>, Analysis) {
        let (read, mut a) = self.read_claim_as_written(s);
        // A course the claim gives by its months only ("Lubiprostone 24 mcg
        // twice daily, 03/2026 to 06/2026, inadequate") claims its length:
        // within a month of the months between (12/2026 to 05/2027 holds
        // 12/14/26 - 5/3/27, 140 days, and not five weeks).
        let text = read
            .as_ref()
            .map_or(s.span.quote.as_str(), |r| r.span.quote.as_str());
        if a.concepts.iter().any(|c| self.is_treatment(c.entry))
            && !a.quantities.iter().any(|q| q.kind == QKind::Duration)
        {
            if let Some(months) = month_range(text, &a.dates) {
                a.quantities.push(Quantity {
                    kind: QKind::Duration,
                    value: (months - 1) as f64 * 30.4,
                    cmp: quantity::Cmp::Eq,
                    hi: Some((months + 1) as f64 * 30.4),
                    surface: format!("{months} months between its months"),
                });
            }
        }
        (read, a)
    }

    fn read_claim_as_written(&self, s: &Sentence) -> (Option<Sentence>, Analysis) {
        let read = claims::read_as_filled(&s.span.quote);
        let read_sentence = match &read {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(r) => Some(Sentence {
                span: pa_types::Citation {
                    quote: r.clone(),
                    ..s.span.clone()
                },
                ..s.clone()
            }),
        };
        let mut a = self.analyze(&read);
        // (The words of a trailing field left empty are no key terms:
        // "Current alcohol use: [ ] Yes [X] No Details: none reported".)
        if let Some(at) = read
            .find(':')
            .and_then(|colon| empty_field_at(&read[colon + 1..]).map(|at| colon + 1 + at))
        {
            let at = read[..at].chars().count();
            a.words.retain(|w| w.start < at);
        }
        a.answered_no = claims::checked_no_at(&s.span.quote);
        // A certificate's "N" before its question negates the whole question.
        if claims::answer_first(&s.span.quote) == Some(false) {
            a.answered_no = Some(s.span.quote.chars().count());
        }
        // A form's printed question is not what the prescriber asserts: match
        // the answer only.
        // (A measure named by the question gives the answer's number its
        // meaning: "Body mass index: 38.2" keeps its question.)
        let label_measure = |k: usize| {
            a.concepts
                .iter()
                .any(|c| c.start < k && self.lex.entries[c.entry].kind == ConceptKind::Measure)
        };
        if let Some(k) = answer_start(&read).filter(|&k| !label_measure(k)) {
            let answer = self.analyze(
                pa_types::text::char_slice(&read, k, read.chars().count()).unwrap_or_default(),
            );
            // (So does a score the question names by its abbreviation, when
            // the answer opens with its bare value: "ECOG performance status:
            // 1 (restricted in strenuous activity only)".)
            // (Named scores are kept in capitals: "MoCA" is "MOCA".)
            let label = pa_types::text::char_slice(&read, 0, k)
                .unwrap_or_default()
                .to_uppercase();
            if answer.quantities.is_empty()
                && a.quantities
                    .iter()
                    .any(|q| matches!(&q.kind, QKind::Named(n) if label.contains(n.as_str())))
            {
                return (read_sentence, a);
            }
            // (So does a condition the question names when the answer says
            // "Yes" and names none: "Personal history of breast cancer: [X]
            // Yes (right breast, 2015, lumpectomy)" asserts the cancer.)
            static ANSWERED_YES: std::sync::LazyLock<regex::Regex> =
                std::sync::LazyLock::new(|| regex::Regex::new(r"(?i)^\W*yes\b").unwrap());
            // (Or a condition the public vocabularies name by one word:
            // "Personal history of stroke: [X] Yes (2021)".)
            let label_condition = a.concepts.iter().any(|c| {
                c.start < k
                    && matches!(
                        self.lex.entries[c.entry].kind,
                        ConceptKind::Condition | ConceptKind::Finding
                    )
            }) || a
                .words
                .iter()
                .any(|w| w.start < k && verify::is_condition_word(&w.stem));
            if label_condition && answer.concepts.is_empty() && ANSWERED_YES.is_match(&answer.text)
            {
                return (read_sentence, a);
            }
            // (Nor is the label printed text when the answer is a value and
            // little else: "Supplemental oxygen: 2 L/min with exertion" is
            // about oxygen.)
            // (The answer's values are still the answer's: "Current PN volume:
            // 9 liters" gives no value of "PN".)
            if !answer.quantities.is_empty()
                && answer.concepts.is_empty()
                && answer.words.len() <= VALUE_ANSWER_WORDS
            {
                a.quantities = answer.quantities;
                return (read_sentence, a);
            }
            a.concepts.retain(|c| c.start >= k);
            a.repeats.retain(|r| r.start >= k);
            let (answer_words, label_words) = a.words.drain(..).partition(|w| w.start >= k);
            a.words = answer_words;
            a.label_words = label_words;
            a.dates.retain(|d| d.at >= k);
            a.expansions.retain(|(i, _)| a.tokens[*i].start >= k);
            a.quantities = answer.quantities;
        }
        (read_sentence, a)
    }

    /// Detect and check one clause of a letter or form: `None` when it is not a claim.
    fn check_unit<'s>(
        &self,
        case_id: &str,
        view: &CaseView<'s>,
        s: &Sentence,
        claim_id: &str,
        searcher: &dyn CaseSearcher,
        case: &CaseSentences<'s>,
    ) -> Option<Claim> {
        let (read_sentence, a) = self.read_claim(s);
        let read_s = read_sentence.as_ref().unwrap_or(s);
        let mut kinds: Vec<ConceptKind> = a
            .concepts
            .iter()
            .map(|c| self.lex.entries[c.entry].kind)
            .collect();
        // A finding or condition the lexicon lacks but a public vocabulary names
        // ("no corneal scarring", "alert and oriented x3, no cognitive
        // impairment") makes a clinical statement too.
        if !kinds
            .iter()
            .any(|k| matches!(k, ConceptKind::Condition | ConceptKind::Finding))
        {
            // (A name of two words or more: one word alone, "ordering" or
            // "tired", is as often no finding at all.)
            if pa_types::conditions::synonyms_in(&a.stems)
                .iter()
                .any(|m| m.tok_end - m.tok_start >= 2)
            {
                kinds.push(ConceptKind::Finding);
            }
        }
        let label = label_of(&s.span.quote);
        let letter = s.kind == pa_types::DocKind::Lmn;
        let claim_type = match claims::detect_in(&s.span.quote, label.as_deref(), &kinds, letter) {
            Detection::Claim(t) => t,
            Detection::Instruction | Detection::NotAClaim => return None,
        };
        let mut trace = self.claim_trace(&a, &s.span.quote);
        let mut claim = Claim {
            claim_id: claim_id.to_string(),
            span: s.span.clone(),
            claim_type,
            status: ClaimStatus::Unsupported,
            reason: String::new(),
            evidence: Vec::new(),
            trace: None,
        };
        if view.evidence_docs.is_empty() {
            claim.reason = "no readable clinical document in this case to check it against".into();
            trace.rule = "unsupported_no_clinical_documents".into();
            claim.trace = Some(trace);
            return Some(claim);
        }
        let mut hits = searcher.search(
            case_id,
            &self.query_terms(&a),
            &view.assertion_docs,
            self.opts.candidates,
        );
        // Paraphrased evidence that shares few words with the claim: the
        // sentences closest in meaning, when a model is configured. They are
        // verified like the index's candidates; similarity decides nothing.
        if self.opts.semantic_candidates > 0 {
            for h in searcher.similar(
                case_id,
                &read_s.span.quote,
                &view.assertion_docs,
                self.opts.semantic_candidates,
            ) {
                let at = |x: &pa_types::SearchHit| (x.doc_id.clone(), x.page, x.start);
                if !hits.iter().any(|x| at(x) == at(&h)) {
                    hits.push(h);
                }
            }
        }
        // A result the claim gives by its value ("His blood alcohol level was
        // 86 mg/dL") is often written in words the claim does not use
        // ("Ethanol, serum .......... 86 mg/dL H"): a clinical sentence giving
        // the same value of the same kind is a candidate too. It is verified
        // like the index's; the value alone decides nothing.
        self.value_candidates(&a, case, view, s, &mut hits);
        // A table's head brings its rows, which seldom repeat its words: "C-reactive
        // protein (ref < 0.8 mg/dL)", then "11/02/2026 18.2 mg/dL H".
        let mut rows = Vec::new();
        // (The rows themselves, to keep them out of pairs and pools below.)
        let mut through_head: Vec<&Sentence> = Vec::new();
        for h in &hits {
            let Some(&i) = view.by_pos.get(&(h.doc_id.as_str(), h.page, h.start)) else {
                continue;
            };
            let head = &case.sentences()[i];
            for &o in view
                .tables
                .rows_of
                .get(&(head.span.doc_id.as_str(), head.ordinal))
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let Some(row) = view.by_ordinal.get(&(head.span.doc_id.as_str(), o)) else {
                    continue;
                };
                let is_row = |x: &pa_types::SearchHit| {
                    x.doc_id == row.span.doc_id
                        && x.page == row.span.page
                        && x.start == row.span.start
                };
                if !hits.iter().chain(&rows).any(is_row) {
                    rows.push(pa_types::SearchHit {
                        doc_id: row.span.doc_id.clone(),
                        page: row.span.page,
                        start: row.span.start,
                        end: row.span.end,
                        score: h.score,
                        by_meaning: false,
                    });
                    through_head.push(row);
                }
            }
        }
        hits.extend(rows);
        let question = Question {
            s,
            read_s,
            a: &a,
            claim_type,
            hits: &hits,
            view,
            case,
        };
        let Judged {
            mut verdicts,
            rules,
            mut pieces,
            unresulted,
            traces,
        } = self.judge(&question);
        trace.candidates = traces;
        // (Rows found through their head are read one by one, with the head:
        // not in pairs of adjacent sentences, and not pooled.)
        let found_through_head = |s: &Sentence| through_head.iter().any(|r| std::ptr::eq(*r, s));
        let own_hits: Vec<(Verdict, f32, &Sentence)> = verdicts
            .iter()
            .filter(|v| !found_through_head(v.2))
            .cloned()
            .collect();
        pieces.retain(|p| !found_through_head(p.2));
        if let Some(rows) =
            self.rows_course_support(read_s, &a, claim_type, &own_hits, view, view.request_of(s))
        {
            verdicts.extend(rows);
        } else if let Some(rows) =
            self.score_rows_support(read_s, &a, claim_type, &own_hits, view, view.request_of(s))
        {
            verdicts.extend(rows);
        } else if let Some(pair) = self.adjacent_support(
            read_s,
            &a,
            claim_type,
            &own_hits,
            &unresulted,
            view,
            view.request_of(s),
        ) {
            verdicts.extend(pair);
        } else if let Some(found) = self.support_in_parts(read_s, &a, &verdicts, &pieces) {
            verdicts.extend(found);
        }
        // What each candidate was to the whole claim: a part's contradiction
        // counts only from a sentence the whole claim's check set aside for
        // its few shared words, not for a reason of its own.
        let whole: Vec<(&Sentence, &'static str)> = verdicts
            .iter()
            .zip(&rules)
            .map(|(v, r)| (v.2, *r))
            .collect();
        trace::order_candidates(&mut trace.candidates);
        trace.rule = decide::decide(
            &mut claim,
            verdicts,
            &self.opts,
            s.kind.as_str(),
            view.evidence_docs.len(),
            &|s: &Sentence| view.date_of(s),
            // (A sentence without a number gives no count: "Falls/near-falls
            // d/t lack of stance control" bears out that he falls, not how
            // often.)
            &|x: &Sentence| {
                !a.quantities
                    .iter()
                    .any(|q| matches!(q.kind, QKind::Count(_)))
                    || view
                        .by_pos
                        .get(&(x.span.doc_id.as_str(), x.span.page, x.span.start))
                        .is_some_and(|&i| !case.analysis(i).quantities.is_empty())
            },
        )
        .into();
        if claim.status != ClaimStatus::Contradicted {
            if let Some((part, rule)) = self.contradicted_part(&question, &whole) {
                claim.status = ClaimStatus::Contradicted;
                claim.reason =
                    format!("in part (\"{}\"): {}", short(&part.span.quote), part.reason);
                trace.rule = format!("contradicted_in_part:{rule}");
                claim.evidence = part.evidence;
            }
        }
        claim.trace = Some(trace);
        Some(claim)
    }

    /// Whether a term of the text (a concept or a key word) is negated,
    /// planned, a relative's, uncertain or declined.
    fn qualifies_a_term(&self, a: &Analysis, text: &str) -> bool {
        a.concepts
            .iter()
            .map(|c| (c.start, c.end))
            .chain(a.words.iter().map(|w| (w.start, w.end)))
            .any(|(st, en)| {
                let x = self.assess(a, text, st, en);
                x.negated || x.hypothetical || x.family || x.uncertain || x.declined
            })
    }

    /// A part of a claim that joins several facts ("stage II lymphedema with
    /// fibrotic changes and a positive Stemmer sign"), checked as a claim of
    /// its own: a sentence that says otherwise of one part ("Stemmer sign
    /// negative") contradicts the claim, though it shares too few of the
    /// whole claim's words to bear on it. The part's contradiction comes from
    /// the same rules and time rules as a claim's; a claim that negates,
    /// plans or attributes anything is not split (a part would lose its
    /// "no" or "if").
    /// Returns the part as a claim, with the rule of its contradiction.
    fn contradicted_part<'s>(
        &self,
        q: &Question<'_, 's>,
        whole: &[(&Sentence, &'static str)],
    ) -> Option<(Claim, &'static str)> {
        let Question {
            s,
            read_s,
            a,
            claim_type,
            view,
            case,
            ..
        } = *q;
        if a.answered_no.is_some() {
            return None;
        }
        let text = &read_s.span.quote;
        if self.qualifies_a_term(a, text) {
            return None;
        }
        let parts = claims::phrase_parts(text);
        if parts.len() < 2 {
            return None;
        }
        for (cs, ce) in parts {
            let Some(quote) = pa_types::text::char_slice(text, cs, ce) else {
                continue;
            };
            let pa = self.analyze(quote);
            if pa.concepts.is_empty() && pa.words.len() < 2 {
                continue;
            }
            // (Nor a part that negates or plans on its own, "chemotherapy?
            // none", or says what the patient cannot do: "unable to drink
            // from a cup" is what "can no longer drink from a cup" says.)
            static INABILITY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
                regex::Regex::new(
                    r"(?i)\b(?:unable|cannot|can't|can not|inability|not able|none)\b",
                )
                .unwrap()
            });
            if INABILITY.is_match(quote) || self.qualifies_a_term(&pa, quote) {
                continue;
            }
            let mut sub = read_s.clone();
            sub.span.quote = quote.to_string();
            let mut judged = self.judge(&Question {
                read_s: &sub,
                a: &pa,
                ..*q
            });
            // (A part some sentence supports is borne out: the documents
            // disagree at most, which the whole claim's check weighs.)
            if judged
                .verdicts
                .iter()
                .any(|v| matches!(v.0, Verdict::Supports))
            {
                continue;
            }
            // The whole claim's terms outside the part: its context ("left
            // GSV at the SFJ" for "a diameter of 7.2 mm").
            let context_terms: Vec<&str> = a
                .words
                .iter()
                .filter(|w| !pa.words.iter().any(|x| x.stem == w.stem))
                .map(|w| w.stem.as_str())
                .collect();
            let context_concepts: Vec<usize> = a
                .concepts
                .iter()
                .filter(|c| !pa.concepts.iter().any(|x| x.entry == c.entry))
                .map(|c| c.entry)
                .collect();
            let in_context = |cand: &Sentence| {
                view.by_pos
                    .get(&(cand.span.doc_id.as_str(), cand.span.page, cand.span.start))
                    .map(|&i| case.analysis(i))
                    .is_some_and(|b| {
                        b.words
                            .iter()
                            .any(|w| context_terms.contains(&w.stem.as_str()))
                            || b.concepts.iter().any(|c| {
                                context_concepts
                                    .iter()
                                    .any(|&k| self.lex.satisfies(k, c.entry))
                            })
                    })
            };
            // Only a part's reading the other way or its other value counts:
            // a declined offer or another dose is often another course of
            // the part's treatment, and a value, one of another site unless
            // the sentence shares the claim's context.
            let set_aside = |cand: &Sentence| {
                whole.iter().any(|(c, r)| {
                    std::ptr::eq(*c, cand)
                        && matches!(*r, "not_relevant" | "coverage_below_threshold")
                })
            };
            for (v, rule) in judged.verdicts.iter_mut().zip(&judged.rules) {
                let keep = set_aside(v.2)
                    && match v.0 {
                        Verdict::ValueDiffers(_) => in_context(v.2),
                        Verdict::Contradicts(_) | Verdict::Denies(_) => {
                            !matches!(*rule, "declined")
                        }
                        _ => true,
                    };
                if !keep || matches!(v.0, Verdict::DoseDiffers(_)) {
                    v.0 = Verdict::Weak;
                }
            }
            let rules: Vec<(&Sentence, &'static str)> = judged
                .verdicts
                .iter()
                .zip(&judged.rules)
                .filter(|(v, _)| {
                    matches!(
                        v.0,
                        Verdict::Contradicts(_) | Verdict::ValueDiffers(_) | Verdict::Denies(_)
                    )
                })
                .map(|(v, r)| (v.2, *r))
                .collect();
            if rules.is_empty() {
                continue;
            }
            let mut part = Claim {
                claim_id: String::new(),
                span: sub.span.clone(),
                claim_type,
                status: ClaimStatus::Unsupported,
                reason: String::new(),
                evidence: Vec::new(),
                trace: None,
            };
            decide::decide(
                &mut part,
                judged.verdicts,
                &self.opts,
                s.kind.as_str(),
                view.evidence_docs.len(),
                &|s: &Sentence| view.date_of(s),
                &|_: &Sentence| true,
            );
            if part.status != ClaimStatus::Contradicted {
                continue;
            }
            let first = part.evidence.first()?;
            let (_, rule) = rules.iter().find(|(c, _)| {
                c.span.doc_id == first.citation.doc_id && c.span.start == first.citation.start
            })?;
            return Some((part, rule));
        }
        None
    }

    /// Every candidate's verdict on a claim (or on a part of one), after the
    /// rules that weigh candidates against each other.
    fn judge<'s>(&self, q: &Question<'_, 's>) -> Judged<'s> {
        let Question {
            s,
            read_s,
            a,
            claim_type,
            hits,
            view,
            case,
        } = *q;
        let mut verdicts: Vec<(Verdict, f32, &'s Sentence)> = Vec::new();
        let mut traces = Vec::new();
        let mut rules: Vec<&'static str> = Vec::new();
        let mut pieces: Vec<(Parts, &'static str, &Sentence)> = Vec::new();
        let mut unresulted: Vec<&Sentence> = Vec::new();
        for h in hits {
            let Some(&i) = view.by_pos.get(&(h.doc_id.as_str(), h.page, h.start)) else {
                continue;
            };
            let cand: &'s Sentence = &case.sentences()[i];
            debug_assert!(cand.span.doc_id != s.span.doc_id);
            // A candidate sentence often serves several claims: analyze it once.
            let b = case.analysis(i);
            let mut parts = Parts::default();
            let (v, cov, rule) = self.verify(
                read_s,
                a,
                claim_type,
                cand,
                b,
                view.candidate_doc(s, cand),
                &mut parts,
            );
            // An identification line (the patient's name, date of birth and
            // record number) says nothing against a claim: "MRN LN-558201" is
            // no lymph node.
            let (v, rule) = match v {
                Verdict::Contradicts(_)
                | Verdict::Denies(_)
                | Verdict::ValueDiffers(_)
                | Verdict::DoseDiffers(_)
                | Verdict::Family
                    if pa_types::text::is_identification_line(&cand.span.quote) =>
                {
                    (Verdict::Weak, "identification_line")
                }
                v => (v, rule),
            };
            let request = view.request_of(s);
            let cand_date = view.doc_dates.get(cand.span.doc_id.as_str()).copied();
            let (v, rule) = dated(v, rule, request, cand_date, &cand.span.doc_id);
            let after_request = matches!((request, cand_date), (Some(req), Some(d)) if d > req);
            if matches!(v, Verdict::Weak | Verdict::MissingNumber(_))
                && !parts.terms.is_empty()
                && !after_request
            {
                pieces.push((parts, rule, cand));
            }
            if rule == "test_without_result" {
                unresulted.push(cand);
            }
            traces.push(candidate_trace(h, cand, &v, cov, rule));
            rules.push(rule);
            verdicts.push((v, cov, cand));
        }
        // A sentence that has every word of the claim and supports it outweighs
        // one that shares half of them and reads the other way ("Maternal uncle
        // d. 59, no cancer known" against "her maternal grandfather had colon
        // cancer", which "Maternal grandfather d. 63 colon ca" supports): that
        // one is about something else.
        // Two supports, each matching more of the claim than an opposite
        // reading, outweigh it: "SSV competent, no reflux" and "Competent SSV"
        // against a table row "SSV at SPJ 3.1 none", whose "none" is a cell's
        // value. (Unless that reading is dated after every support: the latest
        // document says otherwise.) One full support outweighs a reading that
        // matches half of the claim or less.
        let supports: Vec<(f32, &Sentence)> = verdicts
            .iter()
            .filter(|v| matches!(v.0, Verdict::Supports))
            .map(|v| (v.1, v.2))
            .collect();
        let full_support = supports.iter().any(|s| s.0 >= FULL_COVERAGE);
        let latest_support = supports.iter().filter_map(|s| view.date_of(s.1)).max();
        for (v, rule) in verdicts.iter_mut().zip(&rules) {
            if !matches!(v.0, Verdict::Contradicts(_))
                || !matches!(*rule, "opposite_polarity" | "another_relative")
            {
                continue;
            }
            let later = matches!((view.date_of(v.2), latest_support), (Some(d), Some(l)) if d > l);
            let better = supports.iter().filter(|s| s.0 > v.1).count();
            if (full_support && v.1 <= HALF_COVERAGE) || (better >= 2 && !later) {
                v.0 = Verdict::Weak;
            }
        }
        // A row that supports the claim makes the other rows of its table
        // other measures: "AzBio quiet | 32%" supports "AzBio in quiet 32%",
        // and "AzBio +10 SNR | 8%" is another test, not another value.
        let table_of = |s: &Sentence| {
            view.tables
                .head_of
                .get(&(s.span.doc_id.as_str(), s.ordinal))
                .map(|h| (s.span.doc_id.clone(), h.0))
        };
        let supporting_tables: Vec<(String, u32)> = verdicts
            .iter()
            .filter(|v| matches!(v.0, Verdict::Supports))
            .filter_map(|v| table_of(v.2))
            .collect();
        for v in verdicts.iter_mut() {
            if matches!(v.0, Verdict::ValueDiffers(_))
                && table_of(v.2).is_some_and(|t| supporting_tables.contains(&t))
            {
                v.0 = Verdict::Weak;
            }
        }
        // So does a sentence of the same document that gives the claimed
        // value: its other values of that kind are other measurements ("Target
        // range, 70-180 mg/dL: 52%" against "Very high, > 250 mg/dL: 14%" in a
        // CGM report). (One dated otherwise is a later value, or history.)
        // (The support must give the claimed value of each kind that differs.)
        let analysis_of = |s: &Sentence| {
            view.by_pos
                .get(&(s.span.doc_id.as_str(), s.span.page, s.span.start))
                .map(|&i| case.analysis(i))
        };
        let differing_kinds = |b: &Analysis| -> Vec<&QKind> {
            a.quantities
                .iter()
                .map(|q| &q.kind)
                .filter(|k| {
                    b.quantities.iter().any(|f| &f.kind == *k)
                        && !a.quantities.iter().any(|q| {
                            &q.kind == *k
                                && b.quantities
                                    .iter()
                                    .any(|f| f.kind == q.kind && agrees(q, f))
                        })
                })
                .collect()
        };
        // (A bound the support gives, "wt > 85 kg" in a dosing rule, is no
        // value of the patient's.)
        let confirms = |b: &Analysis, kind: &QKind| {
            a.quantities.iter().any(|q| {
                &q.kind == kind
                    && b.quantities
                        .iter()
                        .any(|f| f.kind == *kind && f.cmp == quantity::Cmp::Eq && agrees(q, f))
            })
        };
        let supports_in: Vec<(&Sentence, Option<Ymd>)> = verdicts
            .iter()
            .filter(|v| matches!(v.0, Verdict::Supports))
            .map(|v| (v.2, view.date_of(v.2)))
            .collect();
        for (v, rule) in verdicts.iter_mut().zip(&rules) {
            if !matches!(v.0, Verdict::ValueDiffers(_)) || *rule == "latest_value_differs" {
                continue;
            }
            let Some(b) = analysis_of(v.2) else { continue };
            let kinds = differing_kinds(b);
            let when = view.date_of(v.2);
            let other_measurement = !kinds.is_empty()
                && supports_in.iter().any(|&(sup, at)| {
                    sup.span.doc_id == v.2.span.doc_id
                        && !matches!((when, at), (Some(w), Some(a)) if w != a)
                        && analysis_of(sup).is_some_and(|sb| kinds.iter().all(|k| confirms(sb, k)))
                });
            if other_measurement {
                v.0 = Verdict::Weak;
            }
        }
        Judged {
            verdicts,
            rules,
            pieces,
            unresulted,
            traces,
        }
    }

    /// How long a drug was taken, from a table of dated rows (a fill history,
    /// a medication administration record), each row its own sentence:
    /// "05/02/2026 MODAFINIL 200 MG TAB 30 30" ... "09/01/2026 MODAFINIL 200
    /// MG TAB 60 30". When no single candidate decides a claim that gives a
    /// drug and how long it was taken, a candidate row naming the drug is read
    /// together with the other rows of its table that name it (the run of
    /// dated rows around it, on its page), under every check a sentence gets.
    /// Support is cited as the first and the last of those rows.
    fn rows_course_support<'s>(
        &self,
        claim: &Sentence,
        a: &Analysis,
        claim_type: ClaimType,
        verdicts: &[(Verdict, f32, &'s Sentence)],
        view: &CaseView<'s>,
        request: Option<(u32, u32, u32)>,
    ) -> Option<[(Verdict, f32, &'s Sentence); 2]> {
        const MAX_ROWS: u32 = 60;
        let drugs: Vec<usize> = a
            .concepts
            .iter()
            .filter(|c| self.is_drug(c.entry))
            .map(|c| c.entry)
            .collect();
        if drugs.is_empty()
            || !a.quantities.iter().any(|q| q.kind == QKind::Duration)
            || !nothing_decided(verdicts)
        {
            return None;
        }
        let dated_row = |s: &Sentence| {
            !s.span.quote.contains('\n')
                && dates::find(&s.span.quote)
                    .first()
                    .is_some_and(|d| d.at == 0)
        };
        let mut seen: HashSet<(&str, u32)> = HashSet::default();
        for &(_, _, cand) in verdicts
            .iter()
            .filter(|v| matches!(v.0, Verdict::MissingNumber(_)) && dated_row(v.2))
        {
            let doc = cand.span.doc_id.as_str();
            let at = |o: u32| {
                view.by_ordinal
                    .get(&(doc, o))
                    .copied()
                    .filter(|r| r.span.page == cand.span.page && dated_row(r))
            };
            let mut first = cand.ordinal;
            while first > 0 && cand.ordinal - first < MAX_ROWS && at(first - 1).is_some() {
                first -= 1;
            }
            if !seen.insert((doc, first)) {
                continue;
            }
            let mut last = cand.ordinal;
            while last - first < MAX_ROWS && at(last + 1).is_some() {
                last += 1;
            }
            let rows: Vec<&Sentence> = (first..=last)
                .filter_map(at)
                .filter(|r| {
                    self.analyze(&r.span.quote)
                        .concepts
                        .iter()
                        .any(|c| drugs.contains(&c.entry))
                })
                .collect();
            let (Some(&top), Some(&bottom)) = (rows.first(), rows.last()) else {
                continue;
            };
            if rows.len() < 2 {
                continue;
            }
            let mut joined = top.clone();
            joined.span.quote = rows
                .iter()
                .map(|r| r.span.quote.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let b = self.analyze(&joined.span.quote);
            let doc_info = CandidateDoc::joined(doc, &view.doc_heads, &view.doc_dates, request);
            let (v, joint, _) = self.verify(
                claim,
                a,
                claim_type,
                &joined,
                &b,
                doc_info,
                &mut Parts::default(),
            );
            if !matches!(v, Verdict::Supports) {
                continue;
            }
            let (v, _) = dated(v, "", request, doc_info.date, &top.span.doc_id);
            if matches!(v, Verdict::Supports) {
                return Some([
                    (Verdict::Supports, joint, top),
                    (Verdict::Supports, joint, bottom),
                ]);
            }
        }
        None
    }

    /// A score's total given by its items, each on a row of its own under a
    /// head that names the score ("INCAT disability score:", "Arm: 2 (...)",
    /// "Leg: 3 (...)"), against a claim of the total ("Her INCAT disability
    /// score is 5"). The rows' values must add up to the claimed total at the
    /// precision it is written; the rest of the claim is checked against the
    /// head and its rows read together, under every check a sentence gets.
    /// A sum that differs decides nothing (a list of items may be partial, or
    /// the score a mean of them). Support is cited as the head and the last
    /// row.
    fn score_rows_support<'s>(
        &self,
        claim: &Sentence,
        a: &Analysis,
        claim_type: ClaimType,
        verdicts: &[(Verdict, f32, &'s Sentence)],
        view: &CaseView<'s>,
        request: Option<(u32, u32, u32)>,
    ) -> Option<[(Verdict, f32, &'s Sentence); 2]> {
        const MAX_ITEMS: u32 = 12;
        if !nothing_decided(verdicts) {
            return None;
        }
        for q in &a.quantities {
            // A score the lexicon lacks, by its abbreviation ("MADRS"), or a
            // lexicon measure by any of its names ("ODI", "Oswestry").
            let names: Vec<String> = match &q.kind {
                QKind::Named(name) => vec![name.to_lowercase()],
                QKind::Measure(e) => self.lex.entries[*e]
                    .terms
                    .iter()
                    .map(|t| t.to_lowercase())
                    .collect(),
                _ => continue,
            };
            if q.cmp != quantity::Cmp::Eq || q.hi.is_some() {
                continue;
            }
            // (A score in percent of its maximum, "Oswestry Disability Index
            // 72%", is the items' sum over their number times each one's
            // maximum, as the head gives it: "item scores today, 0-5 each".)
            let as_percent = |x: &Quantity| x.kind == QKind::Unit("%") && x.value == q.value;
            let percent = q.surface.contains('%') || a.quantities.iter().any(as_percent);
            // The claim without its total, for the rest of its checks.
            let mut rest = self.analyze(&claim.span.quote);
            rest.quantities
                .retain(|x| x.kind != q.kind && !(percent && as_percent(x)));
            let names_score = |text: &str| {
                let words: Vec<String> = text
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect();
                names.iter().any(|n| {
                    let n: Vec<&str> = n.split_whitespace().collect();
                    words
                        .windows(n.len())
                        .any(|w| w.iter().zip(&n).all(|(a, b)| a == b))
                })
            };

            let mut seen: HashSet<(&str, u32)> = HashSet::default();
            for &(_, _, head) in verdicts.iter().filter(|v| names_score(&v.2.span.quote)) {
                let doc = head.span.doc_id.as_str();
                if !seen.insert((doc, head.ordinal)) {
                    continue;
                }
                // (A head gives no value of the score itself.)
                if self
                    .analyze(&head.span.quote)
                    .quantities
                    .iter()
                    .any(|x| x.kind == q.kind && x.hi.is_none())
                {
                    continue;
                }
                let mut rows: Vec<(&Sentence, Vec<f64>)> = Vec::new();
                for o in head.ordinal + 1..=head.ordinal + MAX_ITEMS {
                    let Some(row) = view
                        .by_ordinal
                        .get(&(doc, o))
                        .copied()
                        .filter(|r| r.span.page == head.span.page)
                    else {
                        break;
                    };
                    let Some(values) = derived::item_row_values(&row.span.quote) else {
                        break;
                    };
                    rows.push((row, values));
                }
                let items: Vec<f64> = rows.iter().flat_map(|r| r.1.iter().copied()).collect();
                let (Some(&(last, _)), true) = (rows.last(), items.len() >= 2) else {
                    continue;
                };
                let sum: f64 = items.iter().sum();
                let total = if percent {
                    match derived::item_maximum(&head.span.quote) {
                        Some(max) => 100.0 * sum / (max * items.len() as f64),
                        None => continue,
                    }
                } else {
                    sum
                };
                if !derived::total_agrees(q, total, &items) {
                    continue;
                }
                let mut joined = head.clone();
                joined.span.quote = std::iter::once(head)
                    .chain(rows.iter().map(|r| r.0))
                    .map(|r| r.span.quote.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let b = self.analyze(&joined.span.quote);
                let doc_info = CandidateDoc::joined(doc, &view.doc_heads, &view.doc_dates, request);
                let (v, joint, _) = self.verify(
                    claim,
                    &rest,
                    claim_type,
                    &joined,
                    &b,
                    doc_info,
                    &mut Parts::default(),
                );
                // (A claim of little but the score, "His clinician-rated MADRS
                // score is 38", needs no more words of the head: what
                // qualifies the score is seldom written above its items.)
                // (The name's words: "HAM-D" is "ham" and "d".)
                let name_stems: Vec<String> = names
                    .iter()
                    .flat_map(|n| n.split(['-', ' ']))
                    .map(pa_types::text::stem)
                    .collect();
                let only_the_score = rest.concepts.is_empty()
                    && rest
                        .words
                        .iter()
                        .filter(|w| !name_stems.contains(&w.stem))
                        .count()
                        <= 1;
                let v = match v {
                    Verdict::Weak if only_the_score => Verdict::Supports,
                    v => v,
                };
                if !matches!(v, Verdict::Supports) {
                    continue;
                }
                let (v, _) = dated(v, "", request, doc_info.date, doc);
                if matches!(v, Verdict::Supports) {
                    return Some([
                        (Verdict::Supports, joint, head),
                        (Verdict::Supports, joint, last),
                    ]);
                }
            }
        }
        None
    }

    /// Evidence that spans two adjacent sentences of a note ("Septum deviated to
    /// the left." "Turbinates: bilateral hypertrophy."): when no single candidate
    /// decides the claim, each candidate that shares something with it is read
    /// together with the next sentence of its document, under every check a single
    /// sentence gets (negation, numbers, dates). Support is taken from a pair,
    /// cited as its two sentences; and a contradiction, when the first names a
    /// test the claim gives a result for without its result (`unresulted`) and
    /// the next gives the result.
    #[allow(clippy::too_many_arguments)]
    fn adjacent_support<'s>(
        &self,
        claim: &Sentence,
        a: &Analysis,
        claim_type: ClaimType,
        verdicts: &[(Verdict, f32, &'s Sentence)],
        unresulted: &[&'s Sentence],
        view: &CaseView<'s>,
        request: Option<(u32, u32, u32)>,
    ) -> Option<[(Verdict, f32, &'s Sentence); 2]> {
        if !nothing_decided(verdicts) {
            return None;
        }
        // A document that only plans it ("Plan: not appropriate for outpatient
        // PT until ...") is not read again in pairs; another one may say it
        // was done (a plan in July, its course in October).
        let planned_in: HashSet<&str> = verdicts
            .iter()
            .filter(|v| matches!(v.0, Verdict::Hypothetical))
            .map(|v| v.2.span.doc_id.as_str())
            .collect();
        // Each candidate with the sentence after it, then with the one before
        // ("Sunosi started 8/24 at 75 mg, up to 150 mg 9/21." "Developed
        // palpitations ..., so she stopped it"): its drug may be named there.
        let pairs = verdicts
            .iter()
            .filter(|v| v.1 > 0.0 && !planned_in.contains(v.2.span.doc_id.as_str()))
            .flat_map(|&(_, cov, s)| {
                let at = |o: u32| view.by_ordinal.get(&(s.span.doc_id.as_str(), o)).copied();
                [
                    at(s.ordinal + 1).map(|next| (cov, s, next)),
                    s.ordinal
                        .checked_sub(1)
                        .and_then(at)
                        .map(|prev| (cov, prev, s)),
                ]
                .into_iter()
                .flatten()
            });
        for (cov, first, next) in pairs {
            let mut joined = first.clone();
            joined.span.quote = format!("{} {}", first.span.quote, next.span.quote);
            let b = self.analyze(&joined.span.quote);
            // Numbers are not pieced together: every number of the claim must be
            // confirmed by the pair itself.
            let found = with_since_duration(&joined.span.quote, &b, request, None);
            // (A bound confirms no exact number: "in last 2 months" is no
            // "4 days".)
            let confirmed = a.quantities.iter().all(|q| {
                found.iter().any(|f| {
                    f.kind == q.kind
                        && agrees(q, f)
                        && (q.cmp != quantity::Cmp::Eq || f.cmp == quantity::Cmp::Eq)
                })
            });
            if !confirmed {
                continue;
            }
            let doc = CandidateDoc::joined(
                &first.span.doc_id,
                &view.doc_heads,
                &view.doc_dates,
                request,
            );
            let (v, joint, _) = self.verify(
                claim,
                a,
                claim_type,
                &joined,
                &b,
                doc,
                &mut Parts::default(),
            );
            // A test named on one line and its result on the next (a lab
            // report's test heading, then "Result: INDETERMINATE"): the pair's
            // result may say otherwise.
            let unresulted_first = unresulted.iter().any(|s| std::ptr::eq(*s, first));
            if let Verdict::Contradicts(why) = v {
                if unresulted_first {
                    return Some([
                        (Verdict::Contradicts(why.clone()), joint, first),
                        (Verdict::Contradicts(why), joint, next),
                    ]);
                }
                continue;
            }
            // (A pair must cover more of the claim than its first sentence,
            // unless the next sentence gives the first's missing result.)
            if (joint <= cov && !unresulted_first) || !matches!(v, Verdict::Supports) {
                continue;
            }
            let (v, _) = dated(v, "", request, doc.date, &first.span.doc_id);
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
        let mut have: HashMap<&str, f32> = HashMap::default();
        let mut chosen: Vec<usize> = Vec::new();
        // (A number a support must confirm weighs as a key term: "Ferritin 7
        // ng/mL and transferrin saturation 4%" pools the ferritin row and the
        // saturation row, whatever other sentence names both tests.)
        let required: Vec<&QKind> = a
            .quantities
            .iter()
            .map(|q| &q.kind)
            .filter(|k| self.number_required(a, k))
            .collect();
        while chosen.len() < MAX_PIECES {
            // The piece that adds the most weight not yet covered.
            let best = pieces
                .iter()
                .enumerate()
                .filter(|(i, _)| !chosen.contains(i))
                .map(|(i, (p, _))| {
                    let terms: f32 = p
                        .terms
                        .iter()
                        .filter(|(k, _)| !have.contains_key(k.as_str()))
                        .map(|(_, w)| *w)
                        .sum();
                    let numbers = required
                        .iter()
                        .filter(|k| {
                            p.confirmed.contains(k)
                                && !chosen.iter().any(|&j| pieces[j].0.confirmed.contains(k))
                        })
                        .count() as f32;
                    (i, terms + numbers)
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
            .any(|c| !have.contains_key(format!("c{}", c.entry).as_str()))
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

    /// Clinical sentences that give a value of the claim's that a support
    /// would have to confirm ([`Checker::number_required`]), the same kind
    /// and value, not yet among `hits`: at most four, in document order. (Only sentences whose text holds the value's digits are analysed.)
    fn value_candidates(
        &self,
        a: &Analysis,
        case: &CaseSentences<'_>,
        view: &CaseView<'_>,
        claim: &Sentence,
        hits: &mut Vec<pa_types::SearchHit>,
    ) {
        const MAX_BY_VALUE: usize = 4;
        self.weight_move_candidates(a, case, view, claim, hits);
        let wanted: Vec<&Quantity> = a
            .quantities
            .iter()
            .filter(|q| q.cmp == quantity::Cmp::Eq && self.number_required(a, &q.kind))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let digits: Vec<String> = wanted.iter().map(|q| plain_number(q.value)).collect();
        let mut added = 0;
        for (i, c) in case.sentences().iter().enumerate() {
            if added >= MAX_BY_VALUE {
                break;
            }
            if !new_evidence(c, claim, view, hits)
                || !digits.iter().any(|d| c.span.quote.contains(d.as_str()))
            {
                continue;
            }
            let b = case.analysis(i);
            if wanted.iter().any(|q| {
                b.quantities
                    .iter()
                    .any(|f| f.kind == q.kind && agrees(q, f))
            }) {
                hits.push(hit_of(c));
                added += 1;
            }
        }
    }

    /// Clinical sentences whose two weights make the weight the claim says
    /// was lost or gained ("He has lost 14 pounds since January" and "Wt 171
    /// lb (185 lb 1/2027)"), which share no word with it: at most two.
    fn weight_move_candidates(
        &self,
        a: &Analysis,
        case: &CaseSentences<'_>,
        view: &CaseView<'_>,
        claim: &Sentence,
        hits: &mut Vec<pa_types::SearchHit>,
    ) {
        const MAX_BY_WEIGHT: usize = 2;
        let weights: Vec<&Quantity> = a
            .quantities
            .iter()
            .filter(|q| matches!(q.kind, QKind::Unit("lb" | "kg")))
            .collect();
        if weights.is_empty() {
            return;
        }
        let mut added = 0;
        for c in case.sentences() {
            if added >= MAX_BY_WEIGHT {
                break;
            }
            if !new_evidence(c, claim, view, hits)
                || !weights
                    .iter()
                    .any(|q| weight_moved(&claim.span.quote, q, &c.span.quote))
            {
                continue;
            }
            hits.push(hit_of(c));
            added += 1;
        }
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
            QKind::Measure(_) | QKind::ChangeOf(_) | QKind::ScoreOf(_) | QKind::Named(_) => true,
            QKind::Unit(u) => self.result_unit(a, u) && !bound(kind),
            // How long a treatment was tried ("12 weeks of physical therapy") is
            // what a payer checks: a sentence that gives no duration confirms none.
            // (A look-back window, "in the past six months", is no trial length.)
            QKind::Duration => {
                a.concepts.iter().any(|c| self.is_treatment(c.entry))
                    && a.quantities
                        .iter()
                        .any(|q| q.kind == QKind::Duration && q.cmp != quantity::Cmp::AtMost)
            }
            _ => false,
        }
    }

    /// Is a value in unit `u` a result (a measured value compared as such) in
    /// the claim analysed as `a`? A dose's units are not, and a volume in mL
    /// is a dose only beside a drug: "a post-void residual of 250 mL" is a
    /// measured volume, "ketorolac 1 mL" a dose.
    pub(crate) fn result_unit(&self, a: &Analysis, u: &str) -> bool {
        unit_is_result(u) || (u == "mL" && !a.concepts.iter().any(|c| self.is_drug(c.entry)))
    }

    /// Does the claim name (not negated) a test, drug, therapy or specialist?
    fn names_named(&self, a: &Analysis, text: &str) -> bool {
        a.concepts.iter().any(|c| {
            is_named_kind(self.lex.entries[c.entry].kind)
                && !self.assess(a, text, c.start, c.end).negated
        })
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

/// A candidate with every key word of the claim.
const FULL_COVERAGE: f32 = 0.999;
/// A candidate with at most half of them.
const HALF_COVERAGE: f32 = 0.5;

/// A verdict in time: a value measured after the request says nothing about the
/// claim as it was made, and support must precede the request it supports.
fn dated(
    v: Verdict,
    rule: &'static str,
    request: Option<(u32, u32, u32)>,
    cand_date: Option<(u32, u32, u32)>,
    cand_doc: &str,
) -> (Verdict, &'static str) {
    let (Some(req), Some(d)) = (request, cand_date) else {
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

/// The tables of a case's clinical documents: each row's head words, and
/// each head's rows (by document and ordinal).
#[derive(Default)]
struct Tables<'s> {
    /// A row's head: its ordinal and its words.
    head_of: HashMap<(&'s str, u32), (u32, HashSet<String>)>,
    rows_of: HashMap<(&'s str, u32), Vec<u32>>,
}

/// A table's row: one line of cells with a number ("AzBio quiet | 32% | 46%",
/// "11/02/2026 18.2 mg/dL H", "10/21/2025 3.61 78% 0.84 55%").
fn is_table_row(text: &str) -> bool {
    let t = text.trim();
    if t.contains('\n') || !t.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let tokens: Vec<&str> = t.split_whitespace().collect();
    let numeric = tokens
        .iter()
        .filter(|w| w.starts_with(|c: char| c.is_ascii_digit() || c == '<' || c == '>'))
        .count();
    t.matches('|').count() >= 2
        || (dates::find(t).first().is_some_and(|d| d.at == 0) && numeric >= 2)
        || (numeric >= 2 && numeric * 2 >= tokens.len() && tokens.len() <= 10)
}

/// The head of each table: the line above its rows that is not a row (a
/// column header, "Date FVC (L) FVC %pred DLCO %pred", or a caption,
/// "C-reactive protein (ref < 0.8 mg/dL)"), with the short line before it
/// when that is a caption too ("SPIROMETRY - TREND (percent predicted)").
/// A row is read with its head's words: a claim's "FVC ... predicted" or
/// "best-aided ... right ear" are in the head, its value in the row.
fn table_heads(sentences: &[Sentence]) -> Tables<'_> {
    const MAX_ROWS: usize = 15;
    let mut by_doc: HashMap<&str, Vec<&Sentence>> = HashMap::default();
    for s in sentences.iter().filter(|s| !s.kind.is_assertion()) {
        by_doc.entry(s.span.doc_id.as_str()).or_default().push(s);
    }
    let mut tables = Tables::default();
    let short = |s: &Sentence| s.span.quote.split_whitespace().count() <= 16;
    for (doc, mut list) in by_doc {
        list.sort_by_key(|s| s.ordinal);
        let mut i = 0;
        while i < list.len() {
            if !is_table_row(&list[i].span.quote) || i == 0 || !short(list[i - 1]) {
                i += 1;
                continue;
            }
            let head = list[i - 1];
            if is_table_row(&head.span.quote) {
                i += 1;
                continue;
            }
            let mut text = head.span.quote.clone();
            if i >= 2 && short(list[i - 2]) && !is_table_row(&list[i - 2].span.quote) {
                text = format!("{} {}", list[i - 2].span.quote, text);
            }
            let stems: HashSet<String> = tokenize(&text).iter().map(|t| stem(&t.norm)).collect();
            let mut j = i;
            while j < list.len() && j - i < MAX_ROWS && is_table_row(&list[j].span.quote) {
                tables
                    .head_of
                    .insert((doc, list[j].ordinal), (head.ordinal, stems.clone()));
                tables
                    .rows_of
                    .entry((doc, head.ordinal))
                    .or_default()
                    .push(list[j].ordinal);
                j += 1;
            }
            i = j.max(i + 1);
        }
    }
    tables
}

/// The date of each clinical sentence's section: a cumulative lab report
/// ("--- Specimen collected Jul 21, 2026 ---", then its results), a note with
/// several visits ("Visit 11/08/2026:"), a therapy log. A dated heading is a
/// short line whose only numbers are a full date and a time; it dates the
/// lines after it in its document until the next one. Sentences before the
/// first heading, and documents without one, have no entry.
pub(crate) fn section_dates(sentences: &[Sentence]) -> HashMap<(&str, u32), (u32, u32, u32)> {
    static TIME: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\b\d{1,2}:\d{2}\b").unwrap());
    let mut out = HashMap::default();
    // The latest heading's date, of the document being read.
    let mut current: Option<(&str, (u32, u32, u32))> = None;
    let mut ordered: Vec<&Sentence> = sentences
        .iter()
        .filter(|s| !s.kind.is_assertion())
        .collect();
    ordered.sort_by_key(|s| (s.span.doc_id.as_str(), s.ordinal));
    // The patient's date of birth, wherever the case labels it: a scan's
    // columns can print it on a line of its own, away from its "DOB:".
    let births: HashSet<(u32, u32, u32)> = sentences
        .iter()
        .filter_map(|s| criteria::patient::date_of_birth(&s.span.quote))
        .collect();
    for s in ordered {
        let doc = s.span.doc_id.as_str();
        let q = &s.span.quote;
        // (A heading line may be joined to the lines after it.)
        for line in q.lines() {
            let found = dates::find(line);
            let [d] = found.as_slice() else { continue };
            let rest = dates::without_dates(line);
            let rest = TIME.replace_all(&rest, "");
            // (A patient header's date of birth opens no section, nor does the
            // date an illness or a course began: "Onset: 09/26/2026 L MCA
            // CVA" is when the stroke was, not when the lines after it speak.)
            let lower = line.to_lowercase();
            let header = ["dob", "d.o.b", "birth", "born", "patient", "mrn", "name"]
                .iter()
                .any(|w| lower.contains(w));
            let began = [
                "onset",
                "since",
                "began",
                "started",
                "diagnosed",
                "dx",
                "injury",
                "doi",
                "lmp",
            ];
            let header = header
                || lower
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|t| began.contains(&t));
            if d.day != 0
                && !header
                && !births.contains(&(d.year, d.month, d.day))
                && line.split_whitespace().count() <= 8
                && !rest.chars().any(|c| c.is_ascii_digit())
            {
                current = Some((doc, (d.year, d.month, d.day)));
            }
        }
        if let Some((_, d)) = current.filter(|c| c.0 == doc) {
            out.insert((doc, s.ordinal), d);
        }
    }
    out
}

/// A date (y, m, d) per document: its `Date:`-like label, else its first full
/// date. Dates are read in every way [`dates::find`] knows ("11/25/2026",
/// "2026-11-25", "November 25, 2026"); a month alone is no document's date.
/// A signer's credentials, lowercase: a date label after one ("..., MD Date:")
/// is the signature's date.
const CREDENTIALS: &[&str] = &[
    "md", "do", "np", "rn", "pa", "pa-c", "phd", "psyd", "dds", "dmd", "dpm", "od", "aprn", "fnp",
    "crnp", "lcsw", "lpc", "bcba", "pt", "dpt", "ot", "otr", "slp", "ccc-slp", "rd", "pharmd",
];

pub(crate) fn document_dates(sentences: &[Sentence]) -> HashMap<&str, (u32, u32, u32)> {
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
            // (The date an exam, a test or a report was made, run or printed
            // is the document's own: "Exam date:", "Run date:".)
            && ![
                "request", "service", "visit", "study", "signature", "form", "exam", "test",
                "report", "run", "print", "printed", "scan", "procedure", "collection",
                "encounter", "note",
            ]
                .iter()
                .any(|w| before.trim_end().ends_with(w))
            // (Nor is a signer's credential a qualifier: "Signature: R. Quinn,
            // MD Date: 02/16/2028" is the form's date.)
            && !before
                .trim_end()
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '-'))
                .next()
                .is_some_and(|w| CREDENTIALS.contains(&w))
    };
    // The first full date of a text, as (y, m, d) and its byte offset.
    let first_day = |text: &str| {
        dates::find(text).into_iter().find(|d| d.day != 0).map(|d| {
            (
                (d.year, d.month, d.day),
                text.char_indices().nth(d.at).map_or(0, |(i, _)| i),
            )
        })
    };
    let mut out: HashMap<&str, (u32, u32, u32)> = HashMap::default();
    let mut labelled: HashSet<&str> = HashSet::default();
    // Unlabelled full dates per document, in text order.
    let mut bare: HashMap<&str, Vec<(u32, u32, u32)>> = HashMap::default();
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
        if let Some(at) = label_at {
            if let Some((d, _)) = first_day(&lower[at..]) {
                out.insert(doc, d);
                labelled.insert(doc);
                continue;
            }
        }
        // A date of birth is never the document's date, and neither is the
        // date of another event's label ("Admit date: 11/02/2026").
        let free = dates::find(q)
            .into_iter()
            .filter(|d| d.day != 0)
            .filter(|d| {
                let start = q.char_indices().nth(d.at).map_or(0, |(i, _)| i);
                let before = q[..start].to_lowercase();
                let before = before.trim_end_matches([' ', ':', '-', '#', '.']);
                let event_label =
                    before.ends_with("date") && qualified(before, before.len() - "date".len());
                !(before.ends_with("dob")
                    || before.ends_with("d.o.b")
                    || before.ends_with("birth")
                    || before.ends_with("born")
                    || before.ends_with("birthdate")
                    || event_label)
            });
        bare.entry(doc)
            .or_default()
            .extend(free.map(|d| (d.year, d.month, d.day)));
    }
    // Without a label, the first date of the document that is not years older
    // than its latest: a form's date of birth printed away from its label
    // ("07/30/2017" in a field) or a history date is not when it was written.
    for (doc, dates) in bare {
        if out.contains_key(doc) {
            continue;
        }
        let latest = dates.iter().map(|d| d.0).max().unwrap_or(0);
        if let Some(&d) = dates.iter().find(|d| d.0 + 1 >= latest) {
            out.insert(doc, d);
        }
    }
    out
}

/// The text after a form's item number: "A3. Side of most disabling tremor"
/// and "3b. Kidney function" are labelled "Side of most disabling tremor" and
/// "Kidney function".
pub(crate) fn without_item_code(head: &str) -> &str {
    static ITEM: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^\s*(?:[A-Za-z]?\d{1,2}(?:\.\d{1,2})*|\d{1,2}[a-z])[.)]?\s+").unwrap()
    });
    ITEM.find(head).map_or(head, |m| &head[m.end()..])
}

/// The `Label:` prefix of a sentence, lowercase.
pub(crate) fn label_of(s: &str) -> Option<String> {
    let (head, _) = s.split_once(':')?;
    let head = without_item_code(head.trim());
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
/// (token index, content stems of each sense). "s/p" is one abbreviation, and
/// so is a phrase of the inventory ("mod A", "w/o AD", [`pa_types::abbrev::phrase_at`]),
/// whose tokens are not read again on their own.
/// The first "stem" of an abbreviation's sense that is a negation.
pub(crate) const NEGATED_SENSE: &str = "~no";

fn expand_abbreviations(text: &str, tokens: &[Token]) -> Vec<(usize, Vec<Vec<String>>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    // A sense that is a negation ("NED": "no evidence of disease") starts with
    // [`NEGATED_SENSE`], which no word matches. (Not a phrase's: "w/o AD" writes
    // its negation, which ConText reads.)
    let content_stems = |s: &str, mark_negation: bool| {
        let negation = {
            let l = s.trim_start().to_lowercase();
            ["no ", "not ", "non-", "non ", "without "]
                .iter()
                .any(|n| l.starts_with(n))
        };
        let tokens = tokenize(s);
        let words = tokens
            .iter()
            .map(|x| stem(&x.norm))
            .filter(|w| w.len() >= 3 && !is_stopword(w));
        (mark_negation && negation && tokens.len() > 1)
            .then(|| NEGATED_SENSE.to_string())
            .into_iter()
            .chain(words)
            .collect::<Vec<String>>()
    };
    let mut phrase_end = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.start < phrase_end {
            continue;
        }
        if let Some((end, senses)) = pa_types::abbrev::phrase_at(&chars, t.start) {
            phrase_end = end;
            let senses: Vec<Vec<String>> = senses
                .iter()
                .map(|s| content_stems(s, false))
                .filter(|v| !v.is_empty())
                .collect();
            // The senses stand at the phrase's last token, after any negation
            // the phrase holds ("w/o AD", "no AD"), which ConText then reads;
            // and at its first, where a claim's key word ("mod") looks for them.
            let last = (i..tokens.len())
                .take_while(|&j| tokens[j].end <= end)
                .last()
                .unwrap_or(i);
            if !senses.is_empty() {
                if last != i {
                    out.push((last, senses.clone()));
                }
                out.push((i, senses));
            }
            continue;
        }
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
            .map(|s| content_stems(s, true))
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
                        .filter(|w| w.len() >= 3 && !is_stopword(w))
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

/// Where a trailing field left empty starts (a byte offset): "[X] No
/// Details: none reported", "If yes, list: ____". It asserts nothing.
fn empty_field_at(text: &str) -> Option<usize> {
    static EMPTY_FIELD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\s[a-z][a-z ,/]{0,30}:\s*(?:none(?: reported| known| noted)?|n/?a|not applicable|_{2,}|-{2,})?\s*\.?\s*$")
            .unwrap()
    });
    EMPTY_FIELD.find(text).map(|m| m.start())
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
    // A sentence before its colon is no row's label: "A delirium workup was
    // negative: urinalysis, ... all normal" asserts its head.
    static SENTENCE_HEAD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^\W*(?:a|an|the|his|her|their)\s+(?:[\w/-]+\s+){0,4}?(?:was|were|is|are|has been|have been)\b")
            .unwrap()
    });
    let colon = text.find(':')?;
    let (head, rest) = (&text[..colon], &text[colon + 1..]);
    // (A form's item number is no sentence: "3b. Kidney function: eGFR 58".)
    let head = without_item_code(head);
    // (A field left empty after the answer adds nothing to it.)
    let rest = match empty_field_at(rest) {
        Some(at) if at > 0 => &rest[..at],
        _ => rest,
    };
    let is_time = head.ends_with(|c: char| c.is_ascii_digit())
        && rest.starts_with(|c: char| c.is_ascii_digit());

    (head.chars().count() <= 120
        && !head.contains(". ")
        && !is_time
        && !SENTENCE_HEAD.is_match(head)
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

/// How a duration from a start date to the request is written: "105 days
/// from its start to the request".
pub(crate) const SINCE_TO_REQUEST: &str = "days from its start to the request";

/// The quantities of a candidate (analysed as `b`), with a duration from its
/// dates when it gives none itself: between two dates of a range ("between
/// 01/06/2026 and 02/24/2026" is 49 days), or from a start date to the request
/// ("naproxen since 06/02/2026" before a request of 09/15/2026 is 105 days).
fn with_since_duration(
    text: &str,
    b: &Analysis,
    request: Option<(u32, u32, u32)>,
    stopped_next: Option<Option<dates::Date>>,
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
    }
    // A stay between two days of one year written once: "inpt psych
    // 3/4-3/13/27" is 9 days.
    if let Some(days) = short_day_range(text) {
        out.push(Quantity {
            kind: QKind::Duration,
            value: days as f64,
            cmp: quantity::Cmp::Eq,
            hi: None,
            surface: format!("{days} days between its dates"),
        });
    }
    if out.iter().any(|q| q.kind == QKind::Duration) {
        return out;
    }
    // A course started and stopped in one sentence: "started 7/2026; stopped
    // ~9/2026" ran two months (month dates: from that many months to one
    // more), "2 mg 01/09/2027 -> 5 mg 02/2027; stopped 03/06/2027" 56 days.
    // (A month alone leaves a month open at that end: "03/2026 - discontinued
    // 06/12/2026" ran 73 to 103 days. Two months, "started 7/2026; stopped
    // ~9/2026", are read as with a range of months: from that many months to
    // one more.)
    if let Some((from, to)) = start_and_stop(text, &b.dates) {
        let days = (to.ordinal() - from.ordinal()) as f64;
        // (Two months are counted as months, as a range of months is: August
        // to November is three months, 91 days, not the 92 from August 1 to
        // November 1.)
        let months =
            (to.year as i64 * 12 + to.month as i64) - (from.year as i64 * 12 + from.month as i64);
        let (lo, hi) = match (from.day == 0, to.day == 0) {
            (true, false) => ((days - 30.4).max(0.0), days),
            (true, true) if months > 0 => (months as f64 * 30.4, (months + 1) as f64 * 30.4),
            (_, true) => (days, days + 30.4),
            (false, false) => (days, days),
        };
        out.push(Quantity {
            kind: QKind::Duration,
            value: lo,
            cmp: quantity::Cmp::Eq,
            hi: (hi > lo).then_some(hi),
            surface: format!("{} days from its start to its stop", days as i64),
        });
        return out;
    }
    // A course between two months: "Apr-Jul 2026", "04/2026 - 07/2026". Which
    // days of its first and last months it took is not written: from a little
    // over 2 months (April 30 to July 1) to 4 (April 1 through July 31).
    if let Some(months) = month_range(text, &b.dates) {
        out.push(Quantity {
            kind: QKind::Duration,
            value: ((months - 1) as f64 * 30.4).max(1.0),
            cmp: quantity::Cmp::Eq,
            hi: Some((months + 1) as f64 * 30.4),
            surface: format!("{} to {} months between its months", months - 1, months + 1),
        });
        return out;
    }
    let Some(req) = request else {
        return out;
    };
    let Some(d) = since_date(text, &b.dates).or_else(|| since_month(text, req)) else {
        return out;
    };
    // Started, then stopped in the next sentence: the course ran from its start
    // to its stop (month dates: from that many months to one more), or, with no
    // stop date, for a time the text does not give.
    if let Some(stop) = stopped_next {
        if let Some(e) = stop.filter(|e| e.ordinal() > d.ordinal()) {
            let days = (e.ordinal() - d.ordinal()) as f64;
            let month_dates = d.day == 0 || e.day == 0;
            out.push(Quantity {
                kind: QKind::Duration,
                value: days,
                cmp: quantity::Cmp::Eq,
                hi: month_dates.then_some(days + 30.4),
                surface: format!("{} days from its start to its stop", days as i64),
            });
        }
        return out;
    }
    let req = dates::Date::ymd(req);
    let days = req.ordinal() - d.ordinal();
    if days > 0 {
        out.push(Quantity {
            kind: QKind::Duration,
            value: days as f64,
            // Taken since then, perhaps not until the request: at most this long.
            cmp: quantity::Cmp::AtMost,
            hi: None,
            surface: format!("{days} {SINCE_TO_REQUEST}"),
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
    // (The number as written: "about 2 months" is a duration of 60.8 days.)
    let written: Option<f64> = found
        .surface
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|t| !t.is_empty())
        .and_then(|t| t.parse().ok());
    APPROX.captures_iter(text).any(|c| {
        c[1].parse::<f64>()
            .is_ok_and(|v| v == found.value || Some(v) == written)
    })
}

/// A claimed amount of weight lost or gained ("lost 112 pounds", "a weight
/// loss of 12 lb", "gained nearly 6 kg") against the two weights a sentence
/// gives in order: "104 -> 98.4 lb", "from 288 to 176 lb", "wt 58.7 kg (was
/// 61.3 kg)". The direction must be the claim's, and the amount the claim's
/// in its own unit: to the pound or kilogram as written, or within a tenth
/// when the claim says "about", "nearly" or "more than".
pub(crate) fn weight_moved(claim_text: &str, claimed: &Quantity, cand_text: &str) -> bool {
    static CLAIM_MOVE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(lost|loss of|losing|dropped|down)|(gained|gain of|gaining|up))\s+(?:(?:about|approximately|approx\.?|nearly|almost|roughly|around|over|more than|at least|~)\s*)?$").unwrap()
    });
    static CLAIM_AFTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^\s*(?:of\s+)?(?:(?:unintentional|unintended|total|body)\s+)?weight\s+(?:(loss)|(gain))\b").unwrap()
    });
    static APPROX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:about|approximately|approx|nearly|almost|roughly|around)\s*$|~\s*$",
        )
        .unwrap()
    });
    static WEIGHT_WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:wt|weight|weighs|weighed|weights)\b").unwrap()
    });
    // Two weights in order: "A -> B unit", "from A to B unit", "B unit (was A unit)".
    static FROM_TO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(\d+(?:\.\d+)?)\s*(kg|lbs?|pounds)?\s*(?:->|→|-->|=>|\bto\b)\s*(\d+(?:\.\d+)?)\s*(kg|lbs?|pounds)\b").unwrap()
    });
    static WAS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(\d+(?:\.\d+)?)\s*(kg|lbs?|pounds)\b[^\d()]{0,12}\(?\s*(?:was|previously|prev\.?|prior|down from|up from)\s*:?\s*(\d+(?:\.\d+)?)\s*(kg|lbs?|pounds)?").unwrap()
    });
    // An earlier weight in parentheses with its date: "Wt 171 lb (185 lb
    // 1/2027)".
    static DATED_BEFORE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(\d+(?:\.\d+)?)\s*(kg|lbs?|pounds)\s*\(\s*(\d+(?:\.\d+)?)\s*(kg|lbs?|pounds)?\s+(?:on\s+|in\s+)?\d{1,2}/\d{2,4}\b").unwrap()
    });
    let unit = match claimed.kind {
        QKind::Unit("kg") => "kg",
        QKind::Unit("lb") => "lb",
        _ => return false,
    };
    if claimed.hi.is_some() || !WEIGHT_WORD.is_match(cand_text) {
        return false;
    }
    // The claimed number is the change: a loss or gain word right before it,
    // or "weight loss" right after it.
    let Some(at) = claim_text.find(claimed.surface.trim()) else {
        return false;
    };
    let (before, after) = (
        &claim_text[..at],
        &claim_text[at + claimed.surface.trim().len()..],
    );
    let after = after.trim_start_matches(|c: char| c.is_alphabetic() && c != ' ');
    let loss = match (CLAIM_MOVE.captures(before), CLAIM_AFTER.captures(after)) {
        (Some(c), _) => c.get(1).is_some(),
        (None, Some(c)) => c.get(1).is_some(),
        (None, None) => return false,
    };
    let approx = APPROX.is_match(before) || claimed.cmp != quantity::Cmp::Eq;
    let in_unit = |v: &str, u: Option<&str>| -> Option<f64> {
        let v: f64 = v.parse().ok()?;
        let kg = u?.to_ascii_lowercase().starts_with("kg");
        Some(match (kg, unit) {
            (true, "lb") => v * quantity::LB_PER_KG,
            (false, "kg") => v / quantity::LB_PER_KG,
            _ => v,
        })
    };
    let mut moves: Vec<(f64, f64)> = Vec::new();
    for c in FROM_TO.captures_iter(cand_text) {
        let u = c.get(4).map(|m| m.as_str());
        if let (Some(from), Some(to)) = (
            in_unit(&c[1], c.get(2).map(|m| m.as_str()).or(u)),
            in_unit(&c[3], u),
        ) {
            moves.push((from, to));
        }
    }
    for c in WAS
        .captures_iter(cand_text)
        .chain(DATED_BEFORE.captures_iter(cand_text))
    {
        let u = c.get(2).map(|m| m.as_str());
        if let (Some(to), Some(from)) = (
            in_unit(&c[1], u),
            in_unit(&c[3], c.get(4).map(|m| m.as_str()).or(u)),
        ) {
            moves.push((from, to));
        }
    }
    moves.into_iter().any(|(from, to)| {
        let change = if loss { from - to } else { to - from };
        if change <= 0.0 {
            return false;
        }
        match claimed.cmp {
            quantity::Cmp::AtLeast => change >= claimed.value,
            quantity::Cmp::AtMost => change <= claimed.value,
            quantity::Cmp::Eq if approx => {
                (change - claimed.value).abs() <= (0.1 * claimed.value).max(0.5)
            }
            quantity::Cmp::Eq => (change - claimed.value).abs() < 0.5,
        }
    })
}

/// At most this many words beside its value make a form's answer a value
/// that its label names ("2 L/min with exertion").
const VALUE_ANSWER_WORDS: usize = 2;

/// Whether a clinical sentence may be added to a claim's candidates: of
/// another document that can be evidence, and not among `hits` yet.
fn new_evidence(
    c: &Sentence,
    claim: &Sentence,
    view: &CaseView<'_>,
    hits: &[pa_types::SearchHit],
) -> bool {
    c.span.doc_id != claim.span.doc_id
        && view.evidence_docs.contains(c.span.doc_id.as_str())
        && !hits
            .iter()
            .any(|h| h.doc_id == c.span.doc_id && h.page == c.span.page && h.start == c.span.start)
}

/// A number as a note writes it: "318", "2.5" (no trailing ".0").
fn plain_number(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A sentence as a candidate found by its value, not by the search.
fn hit_of(c: &Sentence) -> pa_types::SearchHit {
    pa_types::SearchHit {
        doc_id: c.span.doc_id.clone(),
        page: c.span.page,
        start: c.span.start,
        end: c.span.end,
        score: 0.0,
        by_meaning: false,
    }
}

/// A claimed percent change of a body weight ("lost more than 10% of body
/// weight", "a 7% weight loss") from the weights a candidate gives: from the
/// largest to the smallest for a loss, the smallest to the largest for a gain.
/// Weights are values in kg or lb; at least two of one unit.
fn weight_change(claim_text: &str, claimed: &Quantity, found: &[Quantity]) -> bool {
    static LOSS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(lost|loss|losing|lose|decrease[ds]?|reduction|reduced|down|dropped|declined?)\b").unwrap()
    });
    static GAIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(gain(ed)?|increase[ds]?|up|rose)\b").unwrap()
    });
    static WEIGHT: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?i)\b(weight|wt)\b").unwrap());
    if claimed.kind != QKind::Unit("%") || !WEIGHT.is_match(claim_text) {
        return false;
    }
    let loss = LOSS.is_match(claim_text);
    if !loss && !GAIN.is_match(claim_text) {
        return false;
    }
    ["kg", "lb"].iter().any(|unit| {
        let values: Vec<f64> = found
            .iter()
            .filter(|f| f.kind == QKind::Unit(unit) && f.cmp == quantity::Cmp::Eq && f.hi.is_none())
            .map(|f| f.value)
            .collect();
        if values.len() < 2 {
            return false;
        }
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
        let base = if loss { hi } else { lo };
        if base <= 0.0 {
            return false;
        }
        let pct = (hi - lo) / base * 100.0;
        // Written to whole percents: 12.3% is "12%", and "about 7%" holds 6.6%.
        agrees(
            claimed,
            &Quantity {
                value: pct,
                cmp: quantity::Cmp::Eq,
                ..claimed.clone()
            },
        ) || (claimed.cmp == quantity::Cmp::Eq && (pct - claimed.value).abs() < 0.5)
    })
}

/// The body mass index from a height and a weight a text gives ("Ht 165 cm,
/// Wt 80 kg" is 29.4; "Ht 70 in, Wt 259 lb"; "5'10\""), when it gives both.
pub(crate) fn bmi_from_text(text: &str) -> Option<f64> {
    static HEIGHT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)\b(?:ht|height)\s*:?\s*(?:(\d+(?:\.\d+)?)\s*(cm|in|inches|m)\b|(\d)\s*'\s*(\d{1,2})\s*(?:"|in\b|''))"#).unwrap()
    });
    static WEIGHT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:wt|weight)\s*:?\s*(\d+(?:\.\d+)?)\s*(kg|lbs?|pounds)\b")
            .unwrap()
    });
    let h = HEIGHT.captures(text)?;
    let metres = if let (Some(v), Some(u)) = (h.get(1), h.get(2)) {
        let v: f64 = v.as_str().parse().ok()?;
        match u.as_str().to_lowercase().as_str() {
            "cm" => v / 100.0,
            "m" => v,
            _ => v * 0.0254,
        }
    } else {
        let feet: f64 = h.get(3)?.as_str().parse().ok()?;
        let inches: f64 = h.get(4)?.as_str().parse().ok()?;
        (feet * 12.0 + inches) * 0.0254
    };
    let w = WEIGHT.captures(text)?;
    let v: f64 = w[1].parse().ok()?;
    let kg = if w[2].to_lowercase().starts_with('k') {
        v
    } else {
        v * 0.453_592
    };
    (1.2..=2.3)
        .contains(&metres)
        .then(|| kg / (metres * metres))
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
    // ("fallen twice", "hospitalized on three occasions": a count after its
    // verb.)
    let after_verb = words.len() >= 2
        && matches!(
            words[words.len() - 1].to_lowercase().as_str(),
            "twice" | "thrice" | "times" | "occasions"
        );
    (after_verb || (words.len() == 2 && words[1].ends_with('s')))
        && q.value.fract() == 0.0
        && !["per ", "/", "a ", "an ", "each ", "every "]
            .iter()
            .any(|w| after.starts_with(w))
        && !all.iter().any(|o| o.kind != q.kind && o.value == q.value)
}

/// The levels of physical assistance a text names, on the FIM/therapy scale:
/// 5 total or dependent, 4 maximal, 3 moderate, 2 minimal, 1 contact guard,
/// stand-by or supervision ("max A x2", "moderate assistance", "CGA"). The
/// letter is a capital A: "30 min a day" grades nothing.
fn assist_levels(text: &str) -> HashSet<u8> {
    static ASSIST: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(total|dependent|max(?:imal|imum)?|mod(?:erate)?|min(?:imal|imum)?)\s*(?:-\s*)?(?:assist(?:ance)?|(?-i:A))\b|(total(?:ly)? dependent)|(contact[- ]guard(?: assist(?:ance)?)?|cga|stand[- ]?by(?: assist(?:ance)?)?|sba|supervision))").unwrap()
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

/// Days between the two dates of a range whose first date gives no year
/// ("3/4-3/13/27", "12/28 - 1/3/2027": the first is of the year before when its
/// month is later).
fn short_day_range(text: &str) -> Option<i64> {
    static RANGE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?:^|[^/\d])(\d{1,2})/(\d{1,2})\s*(?:-|–|—|to|through|thru)\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b",
        )
        .unwrap()
    });
    let c = RANGE.captures(text)?;
    let n = |i: usize| c[i].parse::<u32>().ok();
    let (m1, d1, m2, d2) = (n(1)?, n(2)?, n(3)?, n(4)?);
    let y2 = n(5).map(|y| if y < 100 { 2000 + y } else { y })?;
    if !(1..=12).contains(&m1)
        || !(1..=12).contains(&m2)
        || d1 == 0
        || d1 > 31
        || d2 == 0
        || d2 > 31
    {
        return None;
    }
    let y1 = if m1 > m2 { y2 - 1 } else { y2 };
    let days = dates::Date::ymd((y2, m2, d2)).ordinal() - dates::Date::ymd((y1, m1, d1)).ordinal();
    (days > 0 && days < 366).then_some(days)
}

/// Whole months between the two months of a range ("Apr-Jul 2026" is 3, "Nov
/// 2025 - Feb 2026" is 3, "04/2026 to 07/2026" is 3), when neither gives a day.
fn month_range(text: &str, found: &[dates::Date]) -> Option<i64> {
    static NAMED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*(?:-|–|—|to|through|thru|until)\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d{2})\b",
        )
        .unwrap()
    });
    let month = |m: &str| {
        let m = m.to_lowercase();
        dates::MONTHS
            .iter()
            .position(|x| m.starts_with(x))
            .map(|i| i as i64)
    };
    if let Some(c) = NAMED.captures(text) {
        let (a, b) = (month(&c[1])?, month(&c[2])?);
        // "Nov-Feb 2026": the first month is of the year before.
        let n = if b >= a { b - a } else { b + 12 - a };
        return (n > 0).then_some(n);
    }
    static BETWEEN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^\S+\s*(?:-|–|—|to|through|thru|until)\s*$").unwrap()
    });
    found.windows(2).find_map(|w| {
        let (d1, d2) = (w[0], w[1]);
        let months = d1.day == 0 && d2.day == 0 && d1.month != 0 && d2.month != 0;
        let between = pa_types::text::char_slice(text, d1.at, d2.at)?;
        let n = (d2.year as i64 * 12 + d2.month as i64) - (d1.year as i64 * 12 + d1.month as i64);
        (months && n > 0 && BETWEEN.is_match(between)).then_some(n)
    })
}

/// The date a treatment or symptom started, when the sentence says "since
/// 06/02/2026", "started 3/2025" or "from 06/2025"; "since" may name the event
/// first ("since a fall 02/2024", up to five words, within the clause).
/// The start and the stop of a course a sentence gives both of: the date
/// right after a word of stopping ("stopped 03/06/2027", "d/c'd ~9/2026"),
/// and before it the start (a date after "started", "since", ...; else the
/// sentence's first date).
fn start_and_stop(text: &str, found: &[dates::Date]) -> Option<(dates::Date, dates::Date)> {
    static STOP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:stopped|discontinued|d/c'?d|dc'?d|ended|completed|finished)\b(?:\s+(?:on|in|around|about|approx\.?))?[\s~]*$").unwrap()
    });
    let chars: Vec<char> = text.chars().collect();
    let stop = found.iter().copied().find(|d| {
        let before: String = chars[d.at.saturating_sub(30)..d.at.min(chars.len())]
            .iter()
            .collect();
        STOP.is_match(&before)
    })?;
    let earlier: Vec<dates::Date> = found
        .iter()
        .copied()
        .filter(|d| d.at < stop.at && d.ordinal() < stop.ordinal())
        .collect();
    let start = since_date(text, &earlier).or_else(|| earlier.first().copied())?;
    Some((start, stop))
}

/// A start a note gives by its month alone, "since May", "since early
/// June": the last such month up to the request's (a note writes the year
/// only when it is not the current one).
fn since_month(text: &str, (year, month, _): (u32, u32, u32)) -> Option<dates::Date> {
    static SINCE_MONTH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:since|started(?:\s+in)?|began(?:\s+in)?)\s+(?:(?:early|mid|late)[\s-]+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(\s*\d)?",
        )
        .unwrap()
    });
    let c = SINCE_MONTH.captures(text)?;
    // (A day or a year after the month is a date the date reader has.)
    if c.get(2).is_some() {
        return None;
    }
    let m = dates::MONTHS
        .iter()
        .position(|x| x.eq_ignore_ascii_case(&c[1]))? as u32
        + 1;
    let y = if m <= month { year } else { year - 1 };
    Some(dates::Date {
        year: y,
        month: m,
        day: 0,
        at: text[..c.get(1)?.start()].chars().count(),
    })
}

/// The year a course started, written alone after "since" ("on alprazolam
/// since 2018", "since 2019 on CPAP"), not as part of a date ("since 2018-04",
/// "since 2018/19").
pub(crate) fn since_year(text: &str) -> Option<u32> {
    static SINCE_YEAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\bsince\s+((?:19|20)\d{2})\b([-/]\d)?").unwrap()
    });
    let c = SINCE_YEAR.captures(text)?;
    if c.get(2).is_some() {
        return None;
    }
    c[1].parse().ok()
}

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
    fn a_year_alone_after_since_starts_a_course() {
        assert_eq!(
            since_year("Takes lisinopril 20 mg daily since 2019; dose up"),
            Some(2019)
        );
        assert_eq!(since_year("since 2018-04 on CPAP"), None);
        assert_eq!(since_year("since 04/2018"), None);
        assert_eq!(since_year("2019 start"), None);
    }

    #[test]
    fn framing_words_are_no_key_terms() {
        // (Stemmed: "required", "diagnosis".)
        for w in [
            "required",
            "requiring",
            "diagnosis",
            "diagnosed",
            "following",
            "based",
        ] {
            assert!(
                is_stopword(&pa_types::text::stem(w)),
                "{w} {}",
                pa_types::text::stem(w)
            );
        }
        assert!(!is_stopword(&pa_types::text::stem("dyskinesia")));
        // (What is needed now is the claim's point: "requires oxygen".)
        assert!(!is_stopword(&pa_types::text::stem("requires")));
        assert!(!is_stopword(&pa_types::text::stem("symptoms")));
    }

    #[test]
    fn a_start_given_by_its_month_alone_is_the_last_such_month_before_the_request() {
        let d = since_month(
            "clobetasol soln BID since early June, no regrowth",
            (2026, 11, 2),
        )
        .unwrap();
        assert_eq!((d.year, d.month), (2026, 6));
        let d = since_month("on it since December", (2027, 3, 1)).unwrap();
        assert_eq!((d.year, d.month), (2026, 12));
        // (A month with its year or day is a date the date reader has.)
        assert!(since_month("since June 2025", (2026, 11, 2)).is_none());
        assert!(since_month("since June 3", (2026, 11, 2)).is_none());
        assert!(since_month("no change since the last visit", (2026, 11, 2)).is_none());
    }

    #[test]
    fn a_line_that_says_when_an_illness_began_opens_no_section() {
        let note = |lines: &[&str]| -> Vec<Sentence> {
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| Sentence {
                    span: pa_types::Citation {
                        doc_id: "note".into(),
                        page: 1,
                        start: 0,
                        end: l.chars().count() as u32,
                        quote: (*l).into(),
                    },
                    kind: pa_types::DocKind::ClinicalNote,
                    section: String::new(),
                    ordinal: i as u32,
                })
                .collect()
        };
        let s = note(&[
            "--- Initial evaluation 11/08/2026 ---",
            "Gait: 10 ft RW, mod A.",
            "Onset: 09/26/2026 L MCA CVA",
            "Gait: 40 ft RW CGA.",
        ]);
        let dates = section_dates(&s);
        assert_eq!(dates.get(&("note", 1)), Some(&(2026, 11, 8)));
        assert_eq!(dates.get(&("note", 3)), Some(&(2026, 11, 8)));
        let s = note(&["--- Progress note 11/11/2026 ---", "Gait: 40 ft RW CGA."]);
        assert_eq!(section_dates(&s).get(&("note", 1)), Some(&(2026, 11, 11)));
    }

    #[test]
    fn a_yes_no_rows_question_is_kept_past_an_empty_details_field() {
        // The answer alone ("none;" for a checked No) says nothing without its
        // question; a details field left empty does not make it longer.
        assert_eq!(
            answer_start("Current tobacco use:          none;  Details: none reported"),
            None
        );
        assert_eq!(empty_field_at("none;  If yes, list: ____"), Some(6));
        assert_eq!(empty_field_at("Details: two packs a day"), None);
        // An answer with words of its own is matched alone.
        assert!(
            answer_start("Prior therapies: methotrexate for six months, stopped for nausea")
                .is_some()
        );
    }

    #[test]
    fn a_variant_named_with_its_position_is_a_key_term() {
        let text = "Genotype F508del/G542X, on albuterol Q4h nebs";
        let tokens = tokenize(text);
        let stems: Vec<String> = tokens.iter().map(|t| stem(&t.norm)).collect();
        let covered = vec![false; tokens.len()];
        let words = key_words(text, &tokens, &stems, &covered, false);
        let written: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
        assert!(written.contains(&"F508del"), "{written:?}");
        assert!(written.contains(&"G542X"), "{written:?}");
        assert!(!written.contains(&"Q4h"), "{written:?}");
    }

    #[test]
    fn a_claims_relatives_are_read_in_the_pieces_of_a_family_list_it_shares() {
        let stems =
            |t: &str| -> HashSet<String> { tokenize(t).iter().map(|t| stem(&t.norm)).collect() };
        let s = "Family history: paternal uncle with colon cancer at 48; father healthy.";
        let claim = stems("Her father had colon cancer at age 48.");
        assert_eq!(relatives_of(s, &claim), HashSet::from_iter(["uncle"]));
        // Every piece that shares the claim's words counts.
        let s = "FHx: maternal aunt endometrial ca at 48; MGF colon ca 56.";
        let claim = stems("Her maternal grandfather had colon ca in his 50s.");
        assert_eq!(
            relatives_of(s, &claim),
            HashSet::from_iter(["aunt", "grandfather"])
        );
        // No piece shares a word: the whole sentence.
        let s = "Mother: breast cancer at 39; sister well.";
        assert_eq!(
            relatives_of(s, &stems("Her mother was diagnosed young.")),
            HashSet::from_iter(["mother", "sister"])
        );
    }

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
        assert_eq!(
            at("moderate-to-severe atopic dermatitis", "atopic"),
            Some((2, 3))
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
    fn assistance_levels_need_the_capital_letter() {
        assert_eq!(
            assist_levels("stand pivot, max A x2"),
            HashSet::from_iter([4])
        );
        assert_eq!(
            assist_levels("Min A for LB dressing"),
            HashSet::from_iter([2])
        );
        assert!(assist_levels("walks 30 min a day").is_empty());
    }

    #[test]
    fn a_treatment_that_works_is_not_negated() {
        assert!(works("Doing well on adalimumab, in clinical remission."));
        assert!(works("Good response to the second injection."));
        assert!(!works("Etanercept was not effective."));
        assert!(!works("No good response after 12 weeks."));
        assert!(!works("Asthma poorly controlled; step up therapy."));
        assert!(works(
            "Meloxicam 15 mg qd 2025-10/2027: helped; stopped by PCP."
        ));
        assert!(works("Good relief with the first injection."));
        assert!(!works("Ibuprofen helped a little."));
        assert!(!works("Gabapentin initially helped, then lost effect."));
        assert!(!works("Naproxen has not helped."));
        assert!(TREATMENT_FAILED.is_match("inadequate response to methotrexate"));
        assert!(!TREATMENT_FAILED.is_match("doing well on methotrexate"));
    }
}
