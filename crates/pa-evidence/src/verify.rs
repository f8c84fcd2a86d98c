//! What one candidate sentence says about one claim: how much of the claim it
//! covers (key terms, dates, numbers), then the context of each matched
//! mention on both sides, the numbers, the grades, and what the claim needs
//! named. [`Checker::verify`] runs these steps in order; the first that decides
//! gives the verdict.

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

use pa_types::text::{stem, tokenize};
use pa_types::{ClaimType, ConceptKind, Sentence};

use super::*;
use crate::quantity::{regimens, same_regimen, Regimen};

/// A verdict with the coverage it was reached at and the trace rule that decided it.
pub(crate) type Outcome = (Verdict, f32, &'static str);

/// The dates a candidate's numbers are read against: the request's, the
/// candidate document's, and a stop its next sentence gives
/// ([`CandidateDoc::stopped_next`]).
type CandidateDates = (
    Option<(u32, u32, u32)>,
    Option<(u32, u32, u32)>,
    Option<Option<dates::Date>>,
);

/// The claim (of its type) and one candidate sentence, each with its analysis.
#[derive(Clone, Copy)]
struct Pair<'s> {
    claim: &'s Sentence,
    a: &'s Analysis,
    claim_type: ClaimType,
    cand: &'s Sentence,
    b: &'s Analysis,
    /// The candidate's table head, when it is a table's row.
    head: Option<&'s HashSet<String>>,
    /// The candidate is two sentences read together.
    joined: bool,
}

impl Pair<'_> {
    /// Where the candidate stands, for reasons: "<doc> p.<n>".
    fn where_(&self) -> String {
        format!("{} p.{}", self.cand.span.doc_id, self.cand.span.page)
    }
}

/// The claim's key terms that a candidate repeats.
struct Overlap<'s> {
    matched: Vec<ConceptMatch>,
    words: Vec<&'s KeyWord>,
    /// How many words of a form row's label the candidate repeats.
    label_words: usize,
    /// Keys of the claim's dates the candidate gives too (`d<i>`).
    date_keys: Vec<String>,
    /// Keys of the claim's numbers the candidate repeats (`n<number>`).
    same_numbers: Vec<String>,
    /// The claim's values the candidate gives by arithmetic.
    derived: Vec<Quantity>,
}

/// How a relevant candidate meets the claim.
struct Relevance<'s> {
    matched: Vec<ConceptMatch>,
    /// Counts of the claim's events the candidate lists ([`Checker::listed_counts`]),
    /// and the claim's values it gives by arithmetic ([`derived::derived`]).
    listed: Vec<Quantity>,
    matched_words: Vec<&'s KeyWord>,
    /// Weighted share of the claim's key terms the candidate matches.
    cov: f32,
    /// Relevant by its key terms (not only by naming a single-term claim's one term).
    by_key_terms: bool,
    /// The candidate denies a finding or condition the claim asserts.
    denies_finding: bool,
    /// The claim denies a condition, finding or treatment the candidate
    /// records for the patient.
    claim_denies: bool,
    /// The candidate is a short denial of a word of the claim.
    denies_word: bool,
}

/// A matched mention: its claim positions (the first, then any other mention
/// of the same word or concept) and its candidate position.
struct MatchedMention {
    claim_at: Vec<(usize, usize)>,
    cand: (usize, usize),
    /// The mention is of a test, whose polarity is its result.
    test: bool,
    /// Matched through an abbreviation whose sense is a negation ("NED" is
    /// "no evidence of disease"): the candidate's mention is negated.
    negated_sense: bool,
    /// Other places the candidate writes the same word, or an abbreviation
    /// that stands for it ("no AF, occasional PACs" has "atrial" twice).
    cand_also: Vec<(usize, usize)>,
}

/// What the matched mentions' context says, when none decided.
#[derive(Default)]
struct MentionContext {
    /// A mention is about a relative in the candidate, not in the claim.
    family: bool,
    /// A mention is about the patient on both sides.
    patients_own: bool,
    /// A mention is hypothetical or uncertain in the candidate only.
    hypothetical: bool,
    /// Some mention is neither planned nor in doubt in the candidate: it
    /// speaks of what is, not only of what is to come ("ECG unremarkable;
    /// will monitor QTc").
    some_actual: bool,
}

/// "<doc> p.<n> <what>: "<the candidate, shortened>"", as a contradiction.
/// Words that narrow what a denial denies: "no active X" is no denial of X
/// in the past, "no other variants" none of the one found.
const DENIAL_QUALIFIERS: &[&str] = &[
    "active",
    "current",
    "currently",
    "acute",
    "new",
    "recurrent",
    "residual",
    "other",
    "further",
    "additional",
    "ongoing",
    "sustained",
];

/// The qualifier right before the mention at char `start` of `text` ("no
/// *active* Crohn's disease"), if any.
fn denial_qualifier(text: &str, start: usize) -> Option<&'static str> {
    let before = &text[..text
        .char_indices()
        .nth(start)
        .map_or(text.len(), |(i, _)| i)];
    // Back over the words of the denied phrase ("no active *ulcerative*
    // colitis"), up to the denial.
    before
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .rev()
        .filter(|w| !w.is_empty())
        .take(4)
        .map(str::to_lowercase)
        .take_while(|w| !matches!(w.as_str(), "no" | "not" | "without" | "denies" | "never"))
        .find_map(|w| DENIAL_QUALIFIERS.iter().copied().find(|&q| q == w))
}

/// `text` has `word` as a word of its own (case-insensitive).
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .any(|w| w.eq_ignore_ascii_case(word))
}

fn contradicts(p: Pair<'_>, cov: f32, what: &str, rule: &'static str) -> Outcome {
    (Verdict::Contradicts(says_otherwise(p, what)), cov, rule)
}

/// "<where> <what>: \"<the candidate>\"", the reason a sentence says otherwise.
fn says_otherwise(p: Pair<'_>, what: &str) -> String {
    format!("{} {what}: \"{}\"", p.where_(), short(&p.cand.span.quote))
}

/// The sides a text gives a body site, by the site's word: "left hand" and
/// "L hand" are the left (1), "R breast" the right (2), "bilateral knees" and
/// "both knees" either (3). A side word must stand right before the site word.
fn sides(text: &str) -> Vec<(String, u8)> {
    static SIDE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(left|right|lt|rt|l|r|bilateral|bilat|both)\.?\s+([a-z]{3,})\b")
            .unwrap()
    });
    // (A form's unchecked option is no side: "Eye: [ ] OD [X] OS [ ] OU".)
    static UNCHECKED_OPTION: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\[\s*\]\s*[A-Za-z]+").unwrap());
    let text = &*UNCHECKED_OPTION.replace_all(text, "");
    let mut out: Vec<(String, u8)> = Vec::new();
    for c in SIDE.captures_iter(text) {
        let side = match c[1].to_ascii_lowercase().as_str() {
            "left" | "lt" | "l" => 1,
            "right" | "rt" | "r" => 2,
            _ => 3,
        };
        // (A single letter is a side only in capitals: "l" in running text is not.)
        if c[1].len() == 1 && c[1].chars().all(|ch| ch.is_ascii_lowercase()) {
            continue;
        }
        let site = stem(&c[2].to_ascii_lowercase());
        match out.iter_mut().find(|(s, _)| *s == site) {
            Some((_, sd)) => *sd |= side,
            None => out.push((site, side)),
        }
    }
    // An eye is named by its side alone in ophthalmology's abbreviations: OD
    // the right, OS the left, OU both ("No macular edema OS.", "CST 412 um
    // OD"). (In capitals only: "os" is also a bone.)
    static EYE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\b(OD|OS|OU)\b").unwrap());
    for c in EYE.captures_iter(text) {
        let side = match &c[1] {
            "OS" => 1,
            "OD" => 2,
            _ => 3,
        };
        let site = stem("eye");
        match out.iter_mut().find(|(s, _)| *s == site) {
            Some((_, sd)) => *sd |= side,
            None => out.push((site, side)),
        }
    }
    out
}

/// The text without the sites it calls normal on one side ("L ear WNL",
/// "left knee: normal"): the other side's being normal puts no finding there
/// ("A/P: R conductive HL ... L ear WNL" is about the right ear).
fn without_normal_sides(text: &str) -> std::borrow::Cow<'_, str> {
    static NORMAL_SIDE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:left|right|lt|rt|L|R)\.?\s+[a-z]{3,}\s*[:-]?\s*(?:wnl|nl|normal|unremarkable|intact|negative|clear|spared|preserved)\b").unwrap()
    });
    NORMAL_SIDE.replace_all(text, "")
}

/// The claim calls its results normal, and the candidate calls one of the
/// claim's key terms abnormal within four words after it: that term and the
/// word, as written ("ALT/AST mildly elevated").
fn abnormal_where_normal(p: Pair<'_>) -> Option<String> {
    static NORMAL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:within normal limits|wnl|normal|unremarkable)\b").unwrap()
    });
    static NOT_NORMAL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:ab|not |non-?)normal\b|\bnormal (?:sinus|saline|pressure|tension|range of motion)\b").unwrap()
    });
    static ABNORMAL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(?:mildly|moderately|markedly|slightly|significantly)\s+)?(?:elevated|raised|increased|decreased|abnormal|deranged)\b").unwrap()
    });
    let (claim, cand) = (p.claim.span.quote.as_str(), p.cand.span.quote.as_str());
    if !NORMAL.is_match(claim) || NOT_NORMAL.is_match(claim) {
        return None;
    }
    // (A form row's label names the results its answer calls normal.)
    let claimed: HashSet<&str> =
        p.a.words
            .iter()
            .chain(&p.a.label_words)
            .map(|w| w.stem.as_str())
            .collect();
    ABNORMAL.find_iter(cand).find_map(|m| {
        let before = &cand[..m.start()];
        let words: Vec<&str> = before
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .rev()
            .take(4)
            .collect();
        // (Up to the clause's start: "plt 162, bili nl" names nothing abnormal.)
        let clause_start = before.rfind([',', ';', '.', ':']).map_or(0, |i| i + 1);
        let in_clause = before[clause_start..]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .count();
        words
            .iter()
            .take(in_clause)
            .find(|w| claimed.contains(stem(&w.to_lowercase()).as_str()))
            .map(|w| format!("{w} {}", m.as_str()))
    })
}

/// The weight of key terms the claim gives as alternatives to terms the
/// candidate names: in "alcohol or substance use" against "EtOH: drinks 2-3
/// beers/day", or "acid-reducing agents or amiodarone" against "omeprazole
/// 40 mg daily", one side of the "or" is named in full, and the other side's
/// terms are not asked of the candidate. (Either side is a claim on its own:
/// "no alcohol or substance use" denies each; "a nonsmoker or quit" is
/// borne out by either.) A candidate that denies something is left to the
/// whole claim: "Denies SI" does not bear out "no suicidal ideation or suicide
/// attempts", which also denies the attempts.
fn alternatives_not_asked(
    claim: &str,
    a: &Analysis,
    cand: &str,
    matched: &[ConceptMatch],
    words: &[&KeyWord],
) -> f32 {
    static DENIES: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:no|not|non|denie[sd]|deny|negative|neg|without|never|none|absent|free of|ruled out|r/o|unremarkable|normal|wnl|off|stopped|discontinued|quit)\b|n't\b").unwrap()
    });
    if !claim.contains(" or ") && !claim.contains(" OR ") || DENIES.is_match(cand) {
        return 0.0;
    }
    let chars: Vec<char> = claim.chars().collect();
    // Key terms in order: (start, end, weight, named by the candidate).
    let mut terms: Vec<(usize, usize, f32, bool)> = a
        .concepts
        .iter()
        .map(|c| {
            let named = matched.iter().any(|m| m.claim == (c.start, c.end));
            (c.start, c.end, CONCEPT_WEIGHT, named)
        })
        .chain(a.words.iter().map(|w| {
            let named = words.iter().any(|x| x.start == w.start);
            (w.start, w.end, 1.0, named)
        }))
        .collect();
    terms.sort_by_key(|t| t.0);
    // Two terms are one phrase when only spaces, hyphens or slashes part them.
    let joined = |from: usize, to: usize| {
        from <= to
            && to <= chars.len()
            && chars[from..to]
                .iter()
                .all(|c| c.is_whitespace() || matches!(c, '-' | '/'))
    };
    let mut unasked = vec![false; terms.len()];
    for (at, _) in claim
        .match_indices(" or ")
        .chain(claim.match_indices(" OR "))
    {
        let os = claim[..at].chars().count();
        let oe = os + 4;
        // The phrase that ends at the "or", and the one that starts after it.
        let Some(last) = terms.iter().rposition(|t| t.1 <= os) else {
            continue;
        };
        if !joined(terms[last].1, os) {
            continue;
        }
        let mut first = last;
        while first > 0 && joined(terms[first - 1].1, terms[first].0) {
            first -= 1;
        }
        let Some(next) = terms.iter().position(|t| t.0 >= oe) else {
            continue;
        };
        if !joined(oe, terms[next].0) {
            continue;
        }
        let mut end = next;
        while end + 1 < terms.len() && joined(terms[end].1, terms[end + 1].0) {
            end += 1;
        }
        let (before, after) = (first..=last, next..=end);
        let full = |r: &std::ops::RangeInclusive<usize>| r.clone().all(|i| terms[i].3);
        let other = match (full(&before), full(&after)) {
            (true, false) => after,
            (false, true) => before,
            _ => continue,
        };
        for i in other {
            unasked[i] |= !terms[i].3;
        }
    }
    terms
        .iter()
        .zip(&unasked)
        .filter(|(_, u)| **u)
        .map(|(t, _)| t.2)
        .sum()
}

/// A treatment the patient cannot or did not tolerate: "cannot tolerate
/// them", "intolerant of", "not tolerated".
static NOT_TOLERATED: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:can ?not|unable to|could not|couldn't|did not|does not) tolerate\b|\bintoleran(?:t|ce)\b|\bnot tolerated\b").unwrap()
});

/// The word after a mention ending at char `end` makes it a state of the
/// thing named, not the thing: "vitamin B12 deficiency", "lithium toxicity",
/// "penicillin allergy". A denial of the state ("B12 deficiency was ruled
/// out") is not opposed by a sentence that names the thing ("Vitamin B12 612
/// pg/mL").
fn names_a_state_of(text: &str, end: usize) -> bool {
    const STATES: &[&str] = &[
        "deficiency",
        "deficient",
        "insufficiency",
        "toxicity",
        "overdose",
        "allergy",
        "allergic",
        "intolerance",
        "resistance",
        "resistant",
        "dependence",
        "withdrawal",
        "level",
        "levels",
    ];
    text.chars()
        .skip(end)
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .is_some_and(|w| STATES.contains(&w.to_lowercase().as_str()))
}

/// The body site the claim gives one side of ("left hand") that the candidate
/// names only on the other side ("R hand"), if any.
fn other_side(claim: &str, cand: &str) -> Option<String> {
    // (Most claims give no side: the candidate is not read then.)
    let claimed = sides(claim);
    if claimed.is_empty() {
        return None;
    }
    let found = sides(&without_normal_sides(cand));
    claimed.into_iter().find_map(|(site, side)| {
        let other = found.iter().find(|(s, _)| *s == site)?.1;
        (side != 3 && other & side == 0).then_some(site)
    })
}

/// The stems of the words (four letters or more) that label a value: up to
/// four words right before its number, within its clause or cell ("blood
/// eosinophil count is 410" -> blood, eosinophil, count).
fn value_label(text: &str, q: &Quantity) -> Vec<String> {
    let Some(number) = q.surface.split_whitespace().next() else {
        return Vec::new();
    };
    let Some(at) = text.find(number) else {
        return Vec::new();
    };
    let mut clause = text[..at]
        .rsplit(['.', ';', '|', '\n'])
        .next()
        .unwrap_or_default();
    // (A table row's value is labelled by the row's first cell: "IgE, total
    // (IU/mL) | -- | 41".)
    if !clause.chars().any(char::is_alphabetic) {
        let line = text[..at].rsplit('\n').next().unwrap_or_default();
        clause = line.split('|').next().unwrap_or_default();
    }
    // (Words of four letters or more, and abbreviations with two capitals:
    // "IgE", "ALT".)
    clause
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| {
            w.chars().count() >= 4
                || (w.chars().count() >= 2 && w.chars().filter(|c| c.is_uppercase()).count() >= 2)
        })
        .rev()
        .take(4)
        .map(|w| stem(&w.to_lowercase()))
        .collect()
}

/// Letters a drug's name cut short keeps at least ("azithro").
const MIN_TRUNCATED_DRUG: usize = 5;

/// Whether the claim gives a body site on both sides ("both femoral
/// arteries", "bilateral knee pain") that the candidate names on one side only
/// ("Right femoral access").
fn one_side_of_both(claim: &str, cand: &str) -> bool {
    let claimed = sides(claim);
    if !claimed.iter().any(|(_, side)| *side == 3) {
        return false;
    }
    let found = sides(cand);
    claimed.iter().any(|(site, side)| {
        *side == 3 && found.iter().any(|(s, f)| s == site && matches!(f, 1 | 2))
    })
}

/// Whether the clause after char `end` gives its value under a limit: "<0.6
/// BU/mL", "C viral load: <15 IU/mL", "| <0.6 BU/mL" (within 40 chars, before
/// a comma or semicolon).
fn below_limit_after(text: &str, end: usize) -> bool {
    let rest: String = text
        .chars()
        .skip(end)
        .take(40)
        .take_while(|c| !matches!(c, ',' | ';'))
        .collect();
    rest.match_indices('<').any(|(i, _)| {
        rest[i + 1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Values a sentence gives as earlier ones of what it measures: "up from 38",
/// "down from 26/30", "improved from 31 to 12" (38, 26, 31).
fn earlier_values(text: &str) -> Vec<f64> {
    static FROM: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:up|down|increased|decreased|improved|worsened|rose|risen|fell|fallen|dropped|declined|changed)\s+from\s+(?:about\s+|approximately\s+|~\s*)?(\d+(?:\.\d+)?)",
        )
        .unwrap()
    });
    FROM.captures_iter(text)
        .filter_map(|c| c[1].parse().ok())
        .collect()
}

/// A value taken at rest, against a claim on exertion or of a fall ("SpO2
/// 92% RA at rest" against "walked 210 m ... falling to 85%"); on oxygen,
/// against a claim on room air ("corrected to 89% or higher with 2 L/min").
fn other_condition(claim: &str, cand: &str, f: &Quantity) -> bool {
    let claim_l = claim.to_lowercase();
    // (At any place the sentence writes the number: "HR 92, RR 20, SpO2
    // 92% RA at rest".)
    let at_rest = |s: &str| s.contains("at rest") || s.contains("resting") || s.contains(" rest ");
    let exertion = [
        "walk", "exert", "exercise", "ambulat", "6mwt", "stairs", "activity",
    ];
    static ON_OXYGEN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)^[^.;]{0,24}?\b(?:on|with)\s+(?:\d+(?:\.\d+)?\s*(?:l|lpm|l/min|liters?)\b|o2\b|oxygen\b|supplemental)").unwrap()
    });
    static ROOM_AIR: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?i)\b(?:room air|ra)\b").unwrap());
    let on_exertion = exertion.iter().any(|e| claim_l.contains(e)) || FELL_TO.is_match(claim);
    // (The value as written: "92 %" is read from "92%".)
    let number = f.surface.split_whitespace().next().unwrap_or_default();
    if number.is_empty() {
        return false;
    }
    cand.match_indices(number).any(|(at, _)| {
        let whole = !cand[..at].ends_with(|c: char| c.is_ascii_digit() || c == '.')
            && !cand[at + number.len()..].starts_with(|c: char| c.is_ascii_digit());
        if !whole {
            return false;
        }
        let before = cand[..at].to_lowercase();
        let tail: String = {
            let cs: Vec<char> = before.chars().collect();
            cs[cs.len().saturating_sub(24)..].iter().collect()
        };
        let after: String = cand[at + number.len()..]
            .chars()
            .take(24)
            .collect::<String>()
            .to_lowercase();
        // (A value the claim says the measure fell to is its lowest, not the
        // one at rest.)
        ((at_rest(&tail) || at_rest(&after)) && on_exertion && !at_rest(&claim_l))
            || (ON_OXYGEN.is_match(&cand[at + number.len()..])
                && ROOM_AIR.is_match(claim)
                && !claim
                    .match_indices(' ')
                    .any(|(i, _)| ON_OXYGEN.is_match(&claim[i..])))
    })
}

/// Whether the candidate's value `f` is another figure than a claimed one: a
/// bound of a reference range ("ref 70-140", "(reference 4.0-5.6)", a table
/// row's last cell "<140 %" after the row's values), a statistic the claim
/// does not name ("Mean glucose: 186"), a change, or a value taken
/// under other conditions ([`other_condition`]).
fn other_figure(claim: &str, cand: &str, f: &Quantity) -> bool {
    if other_condition(claim, cand, f) {
        return true;
    }
    let Some(at) = cand.find(f.surface.as_str()) else {
        return false;
    };
    let before = cand[..at].to_lowercase();
    let tail: String = before
        .chars()
        .rev()
        .take(24)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    let claim_l = claim.to_lowercase();
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let tail_words = words(&tail);
    // A reference range.
    if tail_words
        .iter()
        .rev()
        .take(3)
        .any(|w| matches!(w.as_str(), "ref" | "reference"))
        || tail.contains("normal range")
    {
        return true;
    }
    // A table row's last cell, a bound, after the row's values.
    if cand.matches('|').count() >= 3 {
        let last = cand
            .rsplit('|')
            .find(|c| !c.trim().is_empty())
            .unwrap_or("");
        let lt = last.trim_start();
        if last.contains(f.surface.as_str()) && (lt.starts_with('<') || lt.starts_with('>')) {
            return true;
        }
    }
    // A statistic the claim does not name, of a measure it names ("Mean
    // glucose: 186" against "glucose 212"; "Mean PA pressure" is a measure's
    // own name).
    const STATISTICS: &[&str] = &["mean", "median", "average", "avg"];
    let claim_words = words(&claim_l);
    let n = tail_words.len();
    if (n.saturating_sub(3)..n).any(|i| {
        STATISTICS.contains(&tail_words[i].as_str())
            && !claim_words.contains(&tail_words[i])
            && tail_words
                .get(i + 1)
                .is_some_and(|m| m.len() > 2 && claim_words.contains(m))
    }) {
        return true;
    }
    // (Anywhere in the value's clause: "Daily pattern: median glucose rises
    // from about 130 mg/dL at 03:00 to about 210 mg/dL at 08:00".)
    let clause_start = before.rfind([';', ':']).map_or(0, |i| i + 1);
    let clause_words = words(&before[clause_start..]);
    if clause_words.windows(2).any(|w| {
        STATISTICS.contains(&w[0].as_str())
            && !claim_words.contains(&w[0])
            && w[1].len() > 2
            && claim_words.contains(&w[1])
    }) {
        return true;
    }
    // A change ("BG rises ~80 mg/dL between 3 and 8 AM", "fell by 20"),
    // against a claim of a level that names no change ("glucose 212 mg/dL").
    const CHANGE: &[&str] = &[
        "rises",
        "rose",
        "risen",
        "rising",
        "falls",
        "fell",
        "fallen",
        "falling",
        "drops",
        "dropped",
        "dropping",
        "increased",
        "increases",
        "decreased",
        "decreases",
        "up",
        "down",
        "gained",
        "lost",
    ];
    const CHANGE_IN_CLAIM: &[&str] = &[
        "rise",
        "rises",
        "rose",
        "risen",
        "fall",
        "falls",
        "fell",
        "drop",
        "drops",
        "dropped",
        "increase",
        "increased",
        "decrease",
        "decreased",
        "up",
        "down",
        "gain",
        "gained",
        "lost",
        "loss",
        "change",
        "changed",
        "improved",
        "improvement",
        "declined",
        "worsened",
        "by",
        "from",
    ];
    let change_before = tail_words
        .iter()
        .rev()
        .take(3)
        .skip_while(|w| matches!(w.as_str(), "by" | "about" | "approximately" | "approx"))
        .take(1)
        .any(|w| CHANGE.contains(&w.as_str()));
    if change_before
        && !claim_words
            .iter()
            .any(|w| CHANGE_IN_CLAIM.contains(&w.as_str()))
    {
        return true;
    }
    false
}

/// Is the sentence an item of a plan: a bullet or numbered line of a plan
/// section ("A/P:", "Plan:", "Recommendations:") that says nothing of what
/// was or is being done ("- Pegloticase 8 mg IV q2 wk", "- RTC 3 mo with CGM
/// data"; not "- Continue colchicine", "- on MTX since 2024, failed")?
fn plan_item(s: &Sentence) -> bool {
    const PLAN_SECTIONS: &[&str] = &[
        "a/p",
        "plan",
        "p",
        "assessment and plan",
        "assessment/plan",
        "assessment & plan",
        "impression and plan",
        "impression/plan",
        "recommendations",
        "recommendation",
        "plan of care",
    ];
    static ITEM: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^\s*(?:[-•*]|\d{1,2}[.)])\s").unwrap());
    static ACTUAL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:continue[sd]?|cont|on|since|started|s/p|status post|fail(?:ed|s)?|tried|stopped|d/c'?d|discontinued|was|were|has|had|have|took|taking|takes|currently|current|remains?|still|completed|received|using|uses|used|last|prior|previous|previously|hx|history|already|ongoing)\b").unwrap()
    });
    PLAN_SECTIONS.contains(&s.section.as_str())
        && ITEM.is_match(&s.span.quote)
        && !ACTUAL.is_match(&s.span.quote)
}

/// Is the mention at chars `start..end` the study a denial says an absence
/// was seen by: "no CT evidence of", "no MRI signs of", "without sonographic
/// evidence of"?
fn seen_by(text: &str, start: usize, end: usize) -> bool {
    static BEFORE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?i)\b(?:no|without)\s+$").unwrap());
    static AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)^\s+(?:imaging\s+|scan\s+)?(?:evidence|signs?|findings?)\s+(?:of|for|to suggest)\b").unwrap()
    });
    let (before, after) = around(text, (start, end), 20, 40);
    BEFORE.is_match(&before) && AFTER.is_match(&after)
}

/// A claim of a measure's lowest value: "fell to 84%", "desaturated to 86%",
/// "as low as", "a nadir of".
static FELL_TO: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:fell|falling|fall|fallen|dropp(?:ed|ing)|drops?|declin(?:ed|ing)|desaturat(?:ed|ing|es)|went down)\s+(?:to|as low as)\b|\bas low as\b|\bnadir\b|\blowest\b").unwrap()
});

/// A claim about the present admission or episode ("admitted on June 18",
/// "during admission", "this hospitalization").
static THIS_EVENT: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\b(?:was|were|is)\s+admitted\b|\b(?:during|on|this|the current|her|his)\s+(?:admission|hospitalization|hospital stay)\b|\bpresented\s+(?:on|to|with)\b",
    )
    .unwrap()
});

/// A claim of how long ago something happened ("quit smoking more than five
/// years ago").
static AGO: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:years?|months?|weeks?|days?|yrs?|mos?)\s+ago\b").unwrap()
});

/// A claim of what is current ("most recent", "latest", "current").
static CURRENT: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:most recent|latest|current|currently|now)\b").unwrap()
});

/// A claim of a course still going on ("has taken", "has been on", "since
/// November", "currently").
static ONGOING: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:has|have)\s+(?:been\s+)?(?:taken|taking|used|using|on|receiving|received|had)\b|\bsince\b|\bcurrently\b|\bongoing\b|\bfor the (?:past|last)\b")
        .unwrap()
});

/// A claimed duration that a shorter one, given by a note dated before the
/// request, reaches by the request: the note's value plus the days since it
/// (10% either way, and at least a week).
fn grew_since(
    claimed: &[&Quantity],
    found: &[&Quantity],
    cand_date: Option<(u32, u32, u32)>,
    request: Option<(u32, u32, u32)>,
) -> bool {
    let (Some(c), Some(r)) = (cand_date, request) else {
        return false;
    };
    let day = |t| dates::Date::ymd(t).ordinal();
    let since = (day(r) - day(c)) as f64;
    if since <= 0.0 {
        return false;
    }
    let slack = |v: f64| (v * 0.1).max(7.0);
    claimed.iter().all(|q| {
        q.cmp != quantity::Cmp::AtMost
            && found.iter().any(|f| {
                f.cmp == quantity::Cmp::Eq
                    && f.value < q.value
                    && q.value <= f.value + since + slack(q.value)
            })
    })
}

/// A claim of a course had in full, against a sentence that says it was cut
/// short: what the sentence says, or `None`.
///
/// The claim says the course was completed ("completed", "finished", "a full
/// course"), kept in full ("attended every", "kept all scheduled", "without
/// missing"; not "agreed to drive her to every session"), or
/// kept on a schedule for a time ("twice weekly for 10 weeks"). The sentence
/// gives fewer visits kept than held or planned ("5 of 12 sessions
/// attended", "attended 7/20"), misses beside those kept ("7 visits
/// attended, 6 cancellations"), or an end before the course's ("stopped
/// after 3 visits", "did not complete", "dropped out", "left AMA").
fn course_cut_short(claim: &str, cand: &str) -> Option<&'static str> {
    static COMPLETE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:completed|completing|finished|full course|full \d+|entire|without missing|never missed)\b|\b(?:attended|kept|made|went to|completed)\s+(?:[a-z]+\s+){0,2}?(?:every|all (?:of (?:the|her|his) )?(?:scheduled|prescribed|planned))\b|\b(?:(?:once|twice|three times|[2-7]\s*(?:x|times))\s*(?:a |per |/\s*)?(?:week|wk)|weekly)\b[^.;]{0,40}\bfor\s+(?:\d+|[a-z]+)\s+(?:weeks|months)\b").unwrap()
    });
    static CUT_SHORT: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:did not|didn't|never|unable to|could not) (?:complete|finish)\b|\bnot (?:yet )?completed\b|\b(?:only )?(?:partly|partially) completed\b|\bincomplete\b|\bdropped out\b|\b(?:stopped|discontinued|ended|terminated|quit) after (?:only )?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b|\bdischarged (?:early|after (?:only )?\d+)|\bleft (?:the )?program\b|\bagainst medical advice\b|\bleft AMA\b").unwrap()
    });
    // A dose of a series still to come: "#2 due 03/2028", "second dose pending".
    static DOSE_DUE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)(?:#|\bdose\s*)\d\s*(?:is\s+)?(?:due|pending|not yet given)\b|\b(?:second|third|final|last) dose (?:is\s+)?(?:due|pending|not yet given)\b").unwrap()
    });
    // "5 of 12 sessions attended", "attended 7/20 visits", "kept 3 of 8".
    static OF_TOTAL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(\d+)\s*(?:of|out of|/)\s*(\d+)\b(?:\s+[a-z-]+){0,4}?\s+(?:sessions?|visits?|treatments?|tx|infusions?|doses?|appointments?|classes|meetings)\b[^.;]{0,30}?\b(?:attended|completed|done|given|kept|received)\b|\b(?:attended|completed|kept|received)\s+(?:only\s+)?(\d+)\s*(?:of|out of|/)\s*(\d+)\b").unwrap()
    });
    static MISSED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:attended|kept)\b[^.;]{0,60}?\b[1-9]\d*\s+(?:no-?shows?|cancell?ations|cancell?ed|missed)\b|\b[1-9]\d*\s+(?:no-?shows?|cancell?ations|missed (?:visits|sessions))\b[^.;]{0,60}?\battended\b").unwrap()
    });
    if !COMPLETE.is_match(claim) || CUT_SHORT.is_match(claim) {
        return None;
    }
    if CUT_SHORT.is_match(cand) {
        return Some("says the course was cut short");
    }
    if DOSE_DUE.is_match(cand) {
        return Some("says a dose of the series is still due");
    }
    // (A claim that counts the visits kept is borne out by them: "completed
    // 16 sessions" against "16 sessions attended of 18 scheduled".)
    static KEPT: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(\d+)\s+(?:[a-z-]+\s+)?(?:sessions?|visits?|treatments?|tx|infusions?|doses?|appointments?|classes)?\s*(?:attended|completed|kept|done)\b|\b(?:attended|completed|kept)\s+(\d+)\b").unwrap()
    });
    static NUMBER: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\b\d+\b").unwrap());
    let claimed: HashSet<&str> = NUMBER.find_iter(claim).map(|m| m.as_str()).collect();
    if KEPT
        .captures_iter(cand)
        .filter_map(|c| c.get(1).or(c.get(2)))
        // (Not the total of "5 of 12 sessions attended".)
        .filter(|m| {
            let before = cand[..m.start()].trim_end();
            !(before.ends_with(" of") || before.ends_with('/'))
        })
        .any(|m| claimed.contains(m.as_str()))
    {
        return None;
    }
    // (Not a date: "completed 11/2026".)
    let fewer = OF_TOTAL.captures_iter(cand).any(|c| {
        let n = c
            .get(1)
            .or(c.get(3))
            .and_then(|m| m.as_str().parse::<u32>().ok());
        let of = c.get(2).or(c.get(4));
        let date = of.is_some_and(|m| m.as_str().len() > 3 || cand[m.end()..].starts_with('/'));
        let of = of.and_then(|m| m.as_str().parse::<u32>().ok());
        !date && matches!((n, of), (Some(n), Some(of)) if n < of)
    });
    if fewer || MISSED.is_match(cand) {
        return Some("gives fewer visits kept than the course held");
    }
    None
}

/// The least share of a claim's key terms a sentence that cuts its course
/// short must match ([`course_cut_short`]).
const MIN_COURSE_COVERAGE: f32 = 0.2;

/// Whether two sentences share a concept, or a word other than those of a
/// course's length and completion ("completed", "full", "weekly").
fn shares_course_word(a: &Analysis, b: &Analysis) -> bool {
    const GENERIC: &[&str] = &[
        "complet", "complete", "finish", "full", "course", "every", "all", "weekly", "week",
        "month", "daily", "time", "total",
    ];
    a.concepts
        .iter()
        .any(|c| b.concepts.iter().any(|d| d.entry == c.entry))
        || a.words.iter().any(|w| {
            !GENERIC.contains(&w.stem.as_str()) && b.words.iter().any(|v| v.stem == w.stem)
        })
}

/// The text right before and right after the char span `(start, end)` of
/// `chars`: at most `before` chars and `after` chars.
fn beside(
    chars: &[char],
    (start, end): (usize, usize),
    before: usize,
    after: usize,
) -> (String, String) {
    let start = start.min(chars.len());
    (
        chars[start.saturating_sub(before)..start].iter().collect(),
        chars[end.min(chars.len())..].iter().take(after).collect(),
    )
}

/// How long before the request a plan may stand as the chart's last word on
/// its step: a plan older than this may have been carried out since.
const PLAN_LEAD_DAYS: i64 = 60;

/// The claim says a step was taken, or is under way: "completed",
/// "underwent", "attended", "was started on", "is enrolled in", "has had".
/// (Not when it says it as a plan or a wish itself: "will complete",
/// "is scheduled to undergo", "needs to complete", "request approval to
/// start".)
fn says_done(claim: &str) -> bool {
    static DONE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:completed|finished|underwent|undergone|attended|enrolled|participated|received|obtained|performed|done|tried|trialed|failed|started|initiated|began|begun|has had|have had|is taking|has been taking|has been on|is on|was placed on|showed|demonstrated|revealed|confirmed)\b").unwrap()
    });
    static PLANNED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:will|would|plan|plans|planned|planning|scheduled|schedule|to be|needs? to|required to|must|request|requesting|requested|approval|\?)").unwrap()
    });
    DONE.is_match(claim) && !PLANNED.is_match(claim)
}

/// Words saying a test was not done ("methylation not done", "duplex not
/// indicated", "MRI: not performed").
const NOT_DONE_WORDS: &[&str] = &[
    "not done",
    "not performed",
    "not obtained",
    "not ordered",
    "not sent",
    "not collected",
    "never done",
    "never performed",
    "not completed",
    // A test passed over was not done either: "EMB not pursued".
    "not pursued",
    "not attempted",
    "not yet done",
    "not yet performed",
];

/// The clause after char `end` of `text` says, within its first few words,
/// that what stands before was not done ("MLH1 promoter methylation not done
/// (see path)").
fn not_done_after(text: &str, end: usize) -> bool {
    let rest: String = text
        .chars()
        .skip(end)
        .take_while(|c| !matches!(c, ';' | '.' | ','))
        .collect::<String>()
        .to_lowercase();
    let words: Vec<&str> = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    let head = words.join(" ");
    NOT_DONE_WORDS.iter().any(|w| {
        head.match_indices(w)
            .any(|(i, _)| i == 0 || head.as_bytes()[i - 1] == b' ')
    })
}

/// The types a text names of a family that comes in types: hepatitis A to E
/// (also HAV, HBV, HBsAg, anti-HCV, ...), diabetes type 1 or 2 (also T1DM,
/// T2D), coagulation factors (factor VIII, FVIII, factor IX, FIX) and the
/// specimen of a lab value (blood, urine, CSF, stool, sputum).
fn typed_families(text: &str) -> Vec<(&'static str, String)> {
    static TYPED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(hepatitis|hep\.?)\s*([a-e])\b|(?:anti-?)?h([a-e])(?:v|sag|sab|cab|bab|eag|eab)\b|type\s*([12])\s*(?:diabetes|dm)|t([12])dm?\b|(?:factor\s+|f)(viii|ix|vii|xi|xiii|v|x)\b)").unwrap()
    });
    let mut out = Vec::new();
    for c in TYPED.captures_iter(text) {
        // (Abbreviations count only as written in capitals: "HBV", "FVIII".)
        let whole = &c[0];
        if let Some(t) = c.get(2).or(c.get(3)) {
            if c.get(3).is_some() && whole.chars().filter(|ch| ch.is_ascii_uppercase()).count() < 2
            {
                continue;
            }
            out.push(("hepatitis", t.as_str().to_ascii_lowercase()));
        } else if let Some(t) = c.get(4).or(c.get(5)) {
            out.push(("diabetes", t.as_str().to_string()));
        } else if let Some(t) = c.get(6) {
            let spelled = whole.to_ascii_lowercase().starts_with("factor");
            let abbreviated =
                whole.starts_with('F') && whole[1..].chars().all(|ch| ch.is_ascii_uppercase());
            if !spelled && !abbreviated {
                continue;
            }
            out.push(("factor", t.as_str().to_ascii_lowercase()));
        }
    }
    // The specimen a value is measured in: "blood glucose" is not "Glucose,
    // urine". ("Blood pressure" or "blood loss" names no specimen.)
    static SPECIMEN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(blood|serum|plasma)\b(\s+(?:pressure|loss|flow|transfusions?|thinners?|clots?|vessels?|counts?)\b)?|(urine|urinalysis)\b|(UA)\b|(csf|cerebrospinal fluid|spinal fluid)\b|(stool|fecal|faecal)\b|(sputum)\b)").unwrap()
    });
    for c in SPECIMEN.captures_iter(text) {
        let kind = if c.get(1).is_some() {
            if c.get(2).is_some() {
                continue;
            }
            "blood"
        } else if c.get(3).is_some() {
            "urine"
        } else if c.get(4).is_some() {
            if &c[4] != "UA" {
                continue;
            }
            "urine"
        } else if c.get(5).is_some() {
            "csf"
        } else if c.get(6).is_some() {
            "stool"
        } else {
            "sputum"
        };
        out.push(("specimen", kind.to_string()));
    }
    out
}

/// Whether the candidate names a family of the claim's only in other types.
fn another_type(claim: &str, cand: &str) -> bool {
    // (Most claims name no such family: the candidate is not read then.)
    let a = typed_families(claim);
    if a.is_empty() {
        return false;
    }
    let b = typed_families(cand);
    a.iter().any(|(fam, _)| {
        let ours: Vec<&String> = a.iter().filter(|x| x.0 == *fam).map(|x| &x.1).collect();
        let theirs: Vec<&String> = b.iter().filter(|x| x.0 == *fam).map(|x| &x.1).collect();
        !theirs.is_empty() && !theirs.iter().any(|t| ours.contains(t))
    })
}

/// A form row whose label asks for a side: "Laterality: Left", "Side of most
/// disabling tremor: Left hand", "Affected side: right knee".
fn side_row(text: &str) -> bool {
    static ROW: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:laterality|side)\b[^:?\n]{0,60}[:?]\s*(?:\[x\]\s*)?(?:left|right|lt|rt|l|r)\b").unwrap()
    });
    ROW.is_match(text)
}

/// A span of time that is a look-back window, "in the past 12 mo", "for the
/// last 2 months": what happened within it, not how long something lasted. Two
/// windows of different lengths are two questions, not two answers.
fn look_back(text: &str, q: &Quantity) -> bool {
    let surface = q.surface.trim();
    text.match_indices(surface).any(|(at, _)| {
        let before = text[..at].trim_end().to_ascii_lowercase();
        // ("2nd COPD admission in 12 mo", "3 falls within 6 months", "2
        // admissions/12 mo".)
        [
            "past",
            "last",
            "previous",
            "preceding",
            "prior",
            " in",
            " within",
            "/",
        ]
        .iter()
        .any(|w| before.ends_with(w))
    })
}

/// The plain numbers of a sentence (two digits or more, not part of a date).
/// A claim of what is needed or planned ("requires residential treatment"),
/// not of what was done. What a patient "required" or "has required" was
/// done.
static NEED: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(requires?|needs?|needed|recommend\w*|would|will|should|must|candidate)\b|\b(?:is|are|be|being)\s+required\b").unwrap()
});

/// A sentence that says something is not needed ("No home O2 needed.").
static NOT_NEEDED: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:not|no)\b[^.;,]{0,40}\b(?:needed|required|indicated)\b").unwrap()
});

/// A denial among the three words before char `at` ("no seizures", "has
/// never had a fall"): the word at `at` is what is denied. ("No visual cause
/// for the hallucinations" denies a cause, not the hallucinations.)
fn denied_next_to(text: &str, at: usize) -> bool {
    const DENIALS: &[&str] = &[
        "no", "not", "never", "denies", "denied", "without", "nor", "none",
    ];
    let before: String = text.chars().take(at).collect();
    before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(3)
        .any(|w| DENIALS.contains(&w.to_lowercase().as_str()))
}

/// Is the mention at chars `start..end` of `text` what a test measures or a
/// state of it, rather than a drug given: followed by a value in a unit of
/// concentration ("testosterone 182 ng/dL", "GH (ng/mL) 0.4"), by "level",
/// "stimulation", "deficiency", "resistance", "receptor"..., or after "peak",
/// "serum", "fasting", "total", "free", "25-OH"...?
fn analyte_at(text: &str, start: usize, end: usize) -> bool {
    static AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)^[\s:=,]*(?:(?:total|free|serum|level)\b[\s:=,]*)?(?:\((?:ng|pg|mcg|ug|µg|nmol|pmol|m?iu|uiu|µiu)\b|(?:levels?|stim|stimulation|deficien\w*|insufficien\w*|suppression|assay|concentrations?|antibod\w*|receptors?|resistan\w*|sensitivity)\b|(?:is|was|of|at)?\s*[<>≤≥]?\s*\d[\d.,]*\s*(?:ng|pg|mcg|ug|µg|nmol|pmol|m?iu|uiu|µiu)\s*/)").unwrap()
    });
    static BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)(?:\b(?:peak|serum|plasma|random|fasting|nadir|baseline|stimulated|total|free|am|morning|trough)|\b25-?(?:oh|hydroxy))\s+$").unwrap()
    });
    let (before, after) = around(text, (start, end), 20, 40);
    AFTER.is_match(&after) || BEFORE.is_match(&before)
}

/// Is the mention at chars `start..end` of `text` a drug given: after
/// "treated with", "on", "received", "tried"..., or before "therapy",
/// "replacement", "supplements", "injections" or a dose?
fn given_at(text: &str, start: usize, end: usize) -> bool {
    static AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)^\s*(?:therapy|treatment|replacement|supplement\w*|injections?|infusions?|tablets?|pills?|shots?|\d+(?:\.\d+)?\s*(?:mg|mcg|units?|iu)\b)").unwrap()
    });
    static BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:treated with|treatment with|therapy with|on|received|receiving|taking|takes|took|taken|tried|started|prescribed|given|injections? of|course of|trial of)\s+(?:[\w-]+\s+){0,2}$").unwrap()
    });
    let (before, after) = around(text, (start, end), 40, 30);
    AFTER.is_match(&after) || BEFORE.is_match(&before)
}

/// The text around chars `start..end` of `text`: up to `before` chars before
/// it and `after` chars after it.
fn around(
    text: &str,
    (start, end): (usize, usize),
    before: usize,
    after: usize,
) -> (String, String) {
    let head: Vec<char> = text.chars().take(start).collect();
    (
        head[head.len().saturating_sub(before)..].iter().collect(),
        text.chars().skip(end).take(after).collect(),
    )
}

/// A word that names a condition or finding alone in the public vocabularies
/// ("seizure", "pneumonia"), as its stem.
pub(crate) fn is_condition_word(stem: &str) -> bool {
    pa_types::conditions::synonyms_in(&[stem.to_string()])
        .iter()
        .any(|m| m.tok_end - m.tok_start == 1)
}

fn plain_numbers(x: &Analysis) -> HashSet<String> {
    numbers(x, 2)
}

/// The numbers of a sentence written with at least `min_len` chars, not part
/// of a date.
fn numbers(x: &Analysis, min_len: usize) -> HashSet<String> {
    // (A list's or a form's item number that opens the sentence, "10.
    // Caregiver: ...", is no number of what it says.)
    let item_number = x.tokens.first().filter(|t| {
        t.norm.len() <= 2
            && x.text
                .chars()
                .skip(t.end)
                .take(2)
                .collect::<String>()
                .starts_with(['.', ')'])
            && x.text.chars().take(t.start).all(char::is_whitespace)
    });
    x.tokens
        .iter()
        .filter(|t| !item_number.is_some_and(|i| std::ptr::eq(*t, i)))
        .filter(|t| {
            t.norm.len() >= min_len
                && t.norm.chars().any(|c| c.is_ascii_digit())
                && t.norm.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
        .filter(|t| {
            !x.dates
                .iter()
                .any(|d| t.start >= d.at && t.start < d.at + 10)
        })
        .map(|t| t.norm.clone())
        .collect()
}

impl Checker {
    /// What `cand` says about the claim sentence `claim` (analysed as `a`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn verify(
        &self,
        claim: &Sentence,
        a: &Analysis,
        claim_type: ClaimType,
        cand: &Sentence,
        b: &Analysis,
        doc: CandidateDoc<'_>,
        parts: &mut Parts,
    ) -> Outcome {
        let p = Pair {
            claim,
            a,
            claim_type,
            cand,
            b,
            head: doc.table_head,
            joined: doc.joined,
        };
        // "TSH within normal limits" against a lab row "TSH 2.1 mIU/L 0.4-4.5":
        // the row's value against its own reference range decides.
        if let Some((agrees, row)) = reference_range(&claim.span.quote, &cand.span.quote) {
            return if agrees {
                (Verdict::Supports, 1.0, "within_reference_range")
            } else {
                let why = format!(
                    "{} gives a value on the other side of its reference range: \"{}\"",
                    p.where_(),
                    row
                );
                (Verdict::Contradicts(why), 1.0, "outside_reference_range")
            };
        }
        // A form row that asks for a side ("Laterality of primary tumor: Left
        // breast", "Side of most disabling tremor: Left hand") has the side as
        // its answer: a sentence that puts that site on the other side says
        // otherwise, however few of the row's words it shares.
        if let Some(site) = side_row(&claim.span.quote)
            .then(|| other_side(&claim.span.quote, &cand.span.quote))
            .flatten()
        {
            return contradicts(
                p,
                0.0,
                &format!("puts the {site} on the other side"),
                "side_row",
            );
        }
        let rel = match self.relevance(p, parts) {
            Ok(rel) => rel,
            Err(outcome) => {
                // (A sentence that says a course was cut short is about the
                // course if it names a word of the claim's beyond the
                // course's length and completion: "Attendance: 9 of 16
                // scheduled sessions attended" against a long claim that "he
                // has attended every scheduled outpatient session".)
                if outcome.2 == "not_relevant" && outcome.1 >= MIN_COURSE_COVERAGE {
                    if let Some(what) = course_cut_short(&claim.span.quote, &cand.span.quote)
                        .filter(|_| shares_course_word(a, b))
                    {
                        let why = says_otherwise(p, what);
                        return (Verdict::Denies(why), outcome.1, "course_cut_short");
                    }
                }
                return outcome;
            }
        };
        let cov = rel.cov;
        // The same family of disease or factor, of another type ("HBsAg neg,
        // HBcAb neg" against "hepatitis C antibody was negative"; "T2DM" against
        // "type 1 diabetes"): not about the claim's.
        if another_type(&claim.span.quote, &cand.span.quote) {
            return (Verdict::Weak, cov, "another_type");
        }
        // A course the claim says was had in full ("completed 12 sessions",
        // "attended every scheduled session", "twice weekly for 10 weeks")
        // against a sentence that says it was cut short ("5 of 12 sessions
        // attended", "stopped after 3 visits", "did not complete the
        // program"): that says otherwise, unless another sentence bears the
        // claim out.
        // (Matched as closely as a support would be, it says otherwise
        // whatever another sentence says: "20 of 20 sessions attended" of
        // another course bears out no claim of this one.)
        if let Some(what) = course_cut_short(&claim.span.quote, &cand.span.quote) {
            if cov >= self.opts.support_coverage {
                return contradicts(p, cov, what, "course_cut_short");
            }
            let why = says_otherwise(p, what);
            return (Verdict::Denies(why), cov, "course_cut_short");
        }
        if let Some(outcome) = self.negative_form(p, &rel) {
            return outcome;
        }
        let mentions = self.mention_positions(p, &rel);
        // A named score both give ("PHQ-9 score 2 (negative)" against "PHQ-9:
        // 11 (moderate)"): the values decide, before any reading word's
        // polarity does.
        let shared_score = a.quantities.iter().any(|q| {
            matches!(&q.kind, QKind::Named(_))
                && q.cmp == quantity::Cmp::Eq
                && b.quantities.iter().any(|f| f.kind == q.kind)
        });
        if shared_score {
            if let Err((v @ Verdict::ValueDiffers(_), rule)) = self.compare_numbers(
                p,
                (doc.request, doc.date, doc.stopped_next),
                &rel.matched,
                &rel.listed,
                &mut Parts::default(),
            ) {
                return (v, cov, rule);
            }
        }
        let context = match self.weigh_mentions(p, &rel, &mentions) {
            Ok(context) => context,
            Err(outcome) => return outcome,
        };
        if let Some(rule) = self.point_not_named(p, &rel) {
            return (Verdict::Weak, cov, rule);
        }
        let (mut missing, strong) = match self.compare_numbers(
            p,
            (doc.request, doc.date, doc.stopped_next),
            &rel.matched,
            &rel.listed,
            parts,
        ) {
            Ok(n) => n,
            Err((v, rule)) => return (v, cov, rule),
        };
        if let Some(outcome) = self.graded_otherwise(p, &rel, &mentions) {
            return outcome;
        }
        if let Some(outcome) = self.stopped_for_another_reason(p, &rel) {
            return outcome;
        }
        if let Some(outcome) = self.stopped_not_current(p, &rel) {
            return outcome;
        }
        if let Some(outcome) = self.still_taken(p, &rel, doc.date, doc.request) {
            return outcome;
        }
        if let Some(outcome) = self.drugs_counted(p, cov, &mut missing) {
            return outcome;
        }
        // A claim that names a test, a treatment or a specialist is supported
        // only by a sentence that names it too ("EMG confirms radiculopathy" is
        // not supported by "lumbar radiculopathy").
        let named = is_named_kind;
        // (A treatment the claim says was never used need not be named.)
        let names_one = self.names_named(a, &claim.span.quote);
        // The document's title names it for all its sentences: every line of a
        // CT report is about the CT.
        let matched_one = rel
            .matched
            .iter()
            .any(|m| named(self.lex.entries[m.entry].kind))
            || a.concepts.iter().any(|c| {
                named(self.lex.entries[c.entry].kind)
                    && doc.head.iter().any(|&h| self.lex.satisfies(c.entry, h))
            });
        parts.names_named = matched_one;
        if context.family && !context.patients_own {
            // (A relative's condition neither bears out nor opposes the
            // patient's denial of it: "no history of asthma" against "FHx:
            // mother - asthma".)
            let claim_denies_it = mentions.iter().any(|m| {
                let (s, e) = m.claim_at[0];
                self.assess(a, &claim.span.quote, s, e).negated
            });
            if claim_denies_it {
                return (Verdict::Weak, cov, "relatives_condition");
            }
            return (Verdict::Family, cov, "family");
        }
        if context.hypothetical {
            // A claim that the step was taken ("has completed CGM training",
            // "underwent a brain MRI", "enrolled in pulmonary rehab") against
            // a sentence that only plans it ("refer for CGM training once
            // approved", "MRI ordered today", "referral placed today"): as the
            // chart has it, the step was still to come. (Not a claim that
            // denies it: "has never participated in pulmonary rehab".) That says otherwise,
            // unless another sentence bears the claim out.
            // (Only a plan the request followed closely: a plan months
            // before it, or one the claim's course fits after, "start
            // fluticasone" in June against "more than 3 months of
            // fluticasone" in October, may have been carried out since.)
            let since_plan = match (doc.date, doc.request) {
                (Some(d), Some(r)) => {
                    Some(dates::Date::ymd(r).ordinal() - dates::Date::ymd(d).ordinal())
                }
                _ => None,
            };
            let course_fits = |gap: i64| {
                a.quantities
                    .iter()
                    .any(|q| q.kind == QKind::Duration && q.value <= (gap + 14) as f64)
            };
            let still_to_come =
                since_plan.is_none_or(|gap| gap <= PLAN_LEAD_DAYS && !course_fits(gap));
            if cov >= self.opts.support_coverage
                && still_to_come
                && !context.some_actual
                && says_done(&claim.span.quote)
                && !mentions.iter().any(|m| {
                    let (s, e) = m.claim_at[0];
                    self.assess(a, &claim.span.quote, s, e).negated
                })
            {
                let why = says_otherwise(p, "only plans it, so it had not been done");
                return (Verdict::Denies(why), cov, "planned_not_done");
            }
            return (Verdict::Hypothetical, cov, "hypothetical");
        }
        if let Some(m) = missing {
            return (Verdict::MissingNumber(m), cov, "number_not_confirmed");
        }
        // A negative list ("no history of CHF, COPD or opioid use") is
        // supported by a note that negates most of it.
        let negative_claim = rel.matched.iter().any(|m| {
            self.assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                .negated
        });
        if names_one && !matched_one && !strong && !negative_claim {
            return (Verdict::Weak, cov, "named_test_or_treatment_not_matched");
        }
        // A drug the claim names that the sentence replaces with another of
        // its class ("aspirin and clopidogrel" against "ASA 81, ticagrelor 90
        // BID"): the sentence names a different drug, and bears out nothing
        // of the claimed one.
        if !negative_claim && self.sibling_instead(a, b, &rel.matched) {
            return (Verdict::Weak, cov, "other_drug_of_class");
        }
        // A sentence that would bear the claim out but puts its body site on
        // the other side ("R hand most disabling" against "Left hand") says
        // otherwise.
        if cov >= self.opts.support_coverage || strong {
            if let Some(site) = other_side(&claim.span.quote, &cand.span.quote) {
                // (Unless it denies it there: "No injections have been given
                // to the right eye (OD)" says nothing against "Eye: [X] OS".)
                static DENIAL: LazyLock<regex::Regex> = LazyLock::new(|| {
                    regex::Regex::new(r"(?i)\b(?:no|not|never|none|without|denies)\b").unwrap()
                });
                let denied_there = !negative_claim
                    && cand.span.quote.split(['.', ';', ',']).any(|clause| {
                        DENIAL.is_match(clause) && sides(clause).iter().any(|(s, _)| *s == site)
                    });
                if denied_there {
                    return (Verdict::Weak, cov, "other_side_denied");
                }
                let what = format!("puts the {site} on the other side");
                return contradicts(p, cov, &what, "other_side");
            }
            // A claim of both sides ("Both femoral arteries are at least 6.5
            // mm") is borne out by a sentence of both, not of one ("Right
            // femoral access ... 7.1 mm").
            if one_side_of_both(&claim.span.quote, &cand.span.quote) {
                return (Verdict::Weak, cov, "one_side_of_both");
            }
        }
        if cov >= self.opts.support_coverage {
            (Verdict::Supports, cov, "coverage")
        } else if strong {
            (Verdict::Supports, cov, "strong_match")
        } else {
            (Verdict::Weak, cov, "coverage_below_threshold")
        }
    }

    /// The claim's key terms the candidate repeats: concepts, content words
    /// (also through an abbreviation's senses), dates and numbers.
    fn overlap<'s>(&self, p: Pair<'s>) -> Overlap<'s> {
        let Pair {
            claim, a, b, cand, ..
        } = p;
        let cand_words: HashSet<&str> = b.tokens.iter().map(|t| t.norm.as_str()).collect();
        // The candidate's stems, with its abbreviations read as their senses.
        // A table's row is read with its head's words when it gives a value
        // of the claim: the head names what the value measures. (A row that
        // gives none, "WBC 7.1", is no support of "the CBC showed
        // eosinophilia" through its head's "complete blood count".)
        let cand_stems = Stems {
            own: b.stem_set(),
            head: p
                .head
                .filter(|_| !numbers(a, 1).is_disjoint(&numbers(b, 1))),
        };
        let matched = self.match_concepts(a, cand, b, &cand_stems);
        let claim_senses = |w: &KeyWord| {
            a.expansions
                .iter()
                .filter(|(i, _)| a.tokens[*i].start == w.start)
                .flat_map(|(_, senses)| senses.iter())
                .any(|sense| {
                    sense
                        .iter()
                        .filter(|x| *x != NEGATED_SENSE)
                        .all(|x| cand_stems.contains(x))
                })
        };
        let by_acronym = acronym_matches(a, b);
        // "declined" is matched by any way of declining ("she does not wish to
        // pursue"), which ConText reads: the word names the context.
        let declines = std::cell::OnceCell::new();
        // (Not across two sentences read together: the other one's refusal
        // is of something else.)
        let declined_here = || {
            !p.joined
                && *declines.get_or_init(|| {
                    b.tokens.first().is_some_and(|t| {
                        self.assess(
                            b,
                            &cand.span.quote,
                            t.start,
                            t.start + t.norm.chars().count(),
                        )
                        .declined
                    })
                })
        };
        // A word the candidate cuts short ("neuropsych" for
        // "neuropsychological", "hosp" for "hospital"): a candidate word of
        // four letters or more that starts the claim's word, three letters or
        // more shorter ("implant" is a word of its own, not "implantation"
        // cut short).
        let cut_short = |w: &KeyWord| {
            w.stem.len() >= 7
                && b.tokens.iter().any(|t| {
                    t.norm.len() >= 4
                        && t.norm.len() + 3 <= w.stem.len()
                        && t.norm.chars().all(|c| c.is_ascii_alphabetic())
                        && w.stem.starts_with(t.norm.as_str())
                })
        };
        // Every word that places a mention in the patient's history says
        // the same: "no history of angioedema" is "no prior angioedema".
        // ("In the past 12 months" is a window, not a history.)
        const HISTORY: &[&str] = &["history", "hx", "prior", "previou", "previously"];
        let in_past = |w: &KeyWord| {
            HISTORY.contains(&w.stem.as_str()) && HISTORY.iter().any(|t| cand_stems.contains(t))
        };
        let repeated_as_written = |w: &KeyWord| {
            ((w.stem == "declin" || w.stem == "refus") && declined_here())
                || cut_short(w)
                || in_past(w)
                || cand_stems.contains(&w.stem)
                || cand_words.contains(w.stem.as_str())
                || claim_senses(w)
                || by_acronym
                    .iter()
                    .any(|&((s, e), _)| s <= w.start && w.start < e)
        };
        // A result word is repeated by any word of the same result ("HIV
        // screen negative" by "HIV-1/2 Ag/Ab: Nonreactive", "urine culture
        // negative" by "no growth at 48 hours", "anti-HBe positive" by
        // "Anti-HBe: Reactive"), in a sentence about the same test: one that
        // repeats the words the claim gives the test (those before the
        // result word, back to the one before it, or else those after it),
        // all of them or two at least. ("Anti-MAG antibodies were negative"
        // is not repeated by "Hepatitis C antibody nonreactive".)
        let claim_chars: Vec<char> = claim.span.quote.chars().collect();
        let written = |w: &KeyWord| -> String {
            claim_chars
                .get(w.start..w.end)
                .map(|cs| cs.iter().collect::<String>().to_lowercase())
                .unwrap_or_default()
        };
        let result_class = |w: &KeyWord| {
            let x = written(w);
            if NEGATIVE_RESULT_WORDS.contains(&x.as_str()) {
                Some(ResultWords::Negative)
            } else if FOUND_RESULT_WORDS.contains(&x.as_str()) {
                Some(ResultWords::Found)
            } else {
                None
            }
        };
        // (Words that only say a test was done name no test.)
        const TEST_NOUNS: &[&str] = &["test", "screen", "result", "level", "panel", "assay"];
        let same_result = |w: &KeyWord| {
            let Some(class) = result_class(w) else {
                return false;
            };
            if !b.states(class) {
                return false;
            }
            let Some(i) = a.words.iter().position(|x| x.start == w.start) else {
                return false;
            };
            let names_test = |x: &&KeyWord| !TEST_NOUNS.contains(&x.stem.as_str());
            let mut test: Vec<&KeyWord> = a.words[..i]
                .iter()
                .rev()
                .take_while(|x| result_class(x).is_none())
                .filter(names_test)
                .collect();
            if test.is_empty() {
                test = a.words[i + 1..]
                    .iter()
                    .take_while(|x| result_class(x).is_none())
                    .filter(names_test)
                    .collect();
            }
            let repeated = test.iter().filter(|x| repeated_as_written(x)).count();
            repeated > 0 && (repeated == test.len() || repeated >= 2)
        };
        let repeated = |w: &&KeyWord| repeated_as_written(w) || same_result(w);
        let words: Vec<&KeyWord> = a.words.iter().filter(repeated).collect();
        // (A label word the answer repeats counts once, as the answer's.)
        let label_words = a
            .label_words
            .iter()
            .filter(|l| !a.words.iter().any(|w| w.stem == l.stem))
            .filter(repeated)
            .count();
        // A date of the claim that the candidate gives too is one more matched word.
        let date_keys: Vec<String> = a
            .dates
            .iter()
            .enumerate()
            .filter(|(_, d)| b.dates.iter().any(|e| d.same_as(e)))
            .map(|(i, _)| format!("d{i}"))
            .collect();
        // So is a number of the claim the candidate repeats ("NOSE score 75"
        // against "NOSE score today: 75/100"; "2019" against "dx 2019").
        let mut same_numbers: Vec<String> = plain_numbers(a)
            .intersection(&plain_numbers(b))
            .map(|n| format!("n{n}"))
            .collect();
        // So is a value the candidate gives in another unit ("about 20 pounds"
        // against "down 9 kg"): the conversion is the same number.
        for q in &a.quantities {
            if !matches!(
                q.kind,
                QKind::Unit("kg" | "lb" | "/uL" | "K/uL" | "cm" | "mm")
            ) {
                continue;
            }
            let written = q.surface.split_whitespace().next().unwrap_or_default();
            let converted = b.quantities.iter().any(|f| {
                f.kind == q.kind
                    && !f.surface.contains(q.kind_unit())
                    && (quantity::agrees(q, f) || approximately(&claim.span.quote, f, q))
            });
            let key = format!("n{written}");
            if converted && !same_numbers.contains(&key) {
                same_numbers.push(key);
            }
        }
        // So is a result's value the candidate gives in the same unit, when
        // its number has two digits or more ("blood alcohol level 86 mg/dL"
        // against "Ethanol, serum .... 86 mg/dL H"): a result is its value
        // and its unit together. (A one-digit value, "1 mm", "2%", is too
        // common to say which result it is.)
        for q in &a.quantities {
            if !matches!(q.kind, QKind::Unit(u) if self.result_unit(a, u))
                || quantity::is_length_conversion(q)
            {
                continue;
            }
            let written = q.surface.split_whitespace().next().unwrap_or_default();
            if written.chars().filter(char::is_ascii_digit).count() < 2 {
                continue;
            }
            let key = format!("n{written}");
            if !same_numbers.contains(&key)
                && b.quantities
                    .iter()
                    .any(|f| f.kind == q.kind && f.value == q.value)
            {
                same_numbers.push(key);
            }
        }
        // So is a score out of the same maximum with the same value ("5 out
        // of 7" against "CAS OD 5/7"): the pair is specific, however short
        // its numbers.
        for q in &a.quantities {
            let QKind::ScoreOf(max) = q.kind else {
                continue;
            };
            let key = format!("s{}/{max}", q.value);
            if !same_numbers.contains(&key)
                && b.quantities
                    .iter()
                    .any(|f| f.kind == q.kind && quantity::agrees(q, f))
            {
                same_numbers.push(key);
            }
        }
        // So is a value the candidate gives by arithmetic: the total of a
        // score's items it lists, a change between two of its values, the
        // mean of a series ("CAT score 24" against "CAT items: cough 3,
        // phlegm 3, ...").
        let derived = derived::derived(
            &claim.span.quote,
            &a.quantities,
            &cand.span.quote,
            &b.quantities,
        );
        for n in &derived.numbers {
            let key = format!("n{n}");
            if !same_numbers.contains(&key) {
                same_numbers.push(key);
            }
        }
        Overlap {
            matched,
            words,
            label_words,
            date_keys,
            same_numbers,
            derived: derived.quantities,
        }
    }

    /// Does the candidate bear on the claim at all, and how much of it does it
    /// cover? `Err` with a weak outcome when it does not. On success the matched
    /// terms go to `parts`.
    fn relevance<'s>(&self, p: Pair<'s>, parts: &mut Parts) -> Result<Relevance<'s>, Outcome> {
        let Pair {
            claim, a, cand, b, ..
        } = p;
        let Overlap {
            matched,
            words: matched_words,
            label_words,
            date_keys,
            same_numbers,
            derived,
        } = self.overlap(p);
        let matched_dates = date_keys.len() + same_numbers.len();
        let nc = a.concepts.len() as f32;
        let nw = a.words.len() as f32;
        let unasked = alternatives_not_asked(
            &claim.span.quote,
            a,
            &cand.span.quote,
            &matched,
            &matched_words,
        );
        let denom = CONCEPT_WEIGHT * nc + nw - unasked;
        if denom == 0.0 {
            return Err((Verdict::Weak, 0.0, "no_key_terms"));
        }
        let answer = CONCEPT_WEIGHT * matched.len() as f32
            + matched_words.len() as f32
            + matched_dates as f32;
        // A form row's label the candidate names too ("Entrance: ..." against
        // "Entrance: front entrance has 3 steps, no ramp") counts beside an
        // answer term it repeats, never more than the answer's own share: a
        // candidate that names only the label is not about the answer.
        let label = if answer > 0.0 {
            (label_words as f32).min(answer)
        } else {
            0.0
        };
        let cov = ((answer + label) / denom).min(1.0);
        // A specific concept (a drug, a therapy, a measure, a test) carries a claim
        // on its own; otherwise a third of the key terms must match.
        // (A sentence that denies a concept of the claim in so many words,
        // "5/5 strength" against "weakness", carries it too.)
        let head = matched.iter().any(|m| {
            m.cand.is_none()
                || matches!(
                    self.lex.entries[m.entry].kind,
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
        // So does one whose value of the claim's result unit is labelled with
        // a word the claim's value is labelled with ("blood eosinophil count
        // is 410 cells/uL" against "Eosinophils, abs 0.18 x10^3/uL"): the
        // values are compared.
        let same_labelled_result = a.quantities.iter().any(|q| {
            matches!(q.kind, QKind::Unit(u) if self.result_unit(a, u))
                && self.number_required(a, &q.kind)
                && b.quantities.iter().any(|f| {
                    f.kind == q.kind && {
                        let (x, y) = (
                            value_label(&claim.span.quote, q),
                            value_label(&cand.span.quote, f),
                        );
                        x.iter().any(|w| y.contains(w))
                    }
                })
        });
        // A claim with a single key term ("daily headaches for six months")
        // is borne on by a sentence that names it.
        let single_term = nc + nw == 1.0 && cov >= 1.0;
        // The sentence denies a finding or condition the claim asserts
        // ("Denies joint pain, morning stiffness" against "arthritis with
        // morning stiffness"): it bears on the claim at head coverage.
        // (So does one that says a treatment the claim says was tried was
        // not: "plecanatide: not yet tried".)
        static NOT_TRIED: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:never|not yet|not|has not|have not)\s+(?:been\s+)?(?:tried|taken|used|started|trialed|received)\b|\bno (?:prior )?trials? of\b").unwrap()
        });
        let treatment_not_tried = |m: &ConceptMatch| {
            p.claim_type == ClaimType::PriorTreatment
                && self.is_treatment(m.entry)
                && NOT_TRIED.is_match(&cand.span.quote)
                && !self
                    .assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                    .family
        };
        let denies_finding = matched.iter().any(|m| {
            (matches!(
                self.lex.entries[m.entry].kind,
                ConceptKind::Finding | ConceptKind::Condition
            ) || treatment_not_tried(m))
                && m.cand.is_some_and(|(s2, e2)| {
                    self.assess(b, &cand.span.quote, s2, e2).negated
                        && !self
                            .assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                            .negated
                })
        });
        // The claim denies a condition, a finding or a treatment the sentence
        // records for the patient ("no history of cardiovascular disease or
        // hypertension" against "HTN controlled."; "not taking any
        // acid-reducing agents" against "omeprazole 20 mg qd"): one denied item
        // the chart affirms bears on the whole negative list, however many
        // other words the claim has.
        let claim_denies = matched.iter().any(|m| {
            matches!(
                self.lex.entries[m.entry].kind,
                ConceptKind::Finding
                    | ConceptKind::Condition
                    | ConceptKind::Drug
                    | ConceptKind::DrugClass
            ) && m.cand.is_some_and(|(s2, e2)| {
                let found = self.assess(b, &cand.span.quote, s2, e2);
                let claimed = self.assess(a, &claim.span.quote, m.claim.0, m.claim.1);
                claimed.negated
                    && !found.negated
                    && !found.family
                    && !found.hypothetical
                    && !found.uncertain
                    && !found.declined
                    && !claimed.family
                    && !names_a_state_of(&claim.span.quote, m.claim.1)
            })
        });
        // So does a claim that denies a condition or finding the lexicon
        // lacks but the public vocabularies name, by one word ("He has had
        // no seizures since his injury"), against a sentence that records it
        // for the patient ("04/12/2027: one generalized tonic-clonic
        // seizure").
        let claim_denies_word = matched_words.iter().any(|w| {
            let claimed = self.assess(a, &claim.span.quote, w.start, w.end);
            claimed.negated
                && !claimed.family
                && denied_next_to(&claim.span.quote, w.start)
                && !a.states(ResultWords::Negative)
                && is_condition_word(&w.stem)
                && b.words.iter().filter(|x| x.stem == w.stem).any(|x| {
                    let found = self.assess(b, &cand.span.quote, x.start, x.end);
                    !found.negated
                        && !found.family
                        && !found.hypothetical
                        && !found.uncertain
                        && !found.declined
                        && !found.historical
                })
        });
        // A short denial of a word of the claim ("No saline use." against
        // "she has used nasal saline irrigations twice daily"; "No falls
        // reported."): a sentence about little else than the word, which it
        // negates while the claim asserts it, bears on the claim however few
        // of its words it has.
        // (Every word of the denial is the claim's, but for words that only
        // report it: "No perianal involvement" is about another site, "No
        // prior nasal surgery" about surgery.)
        const REPORTING: &[&str] = &[
            "report",
            "reported",
            "note",
            "noted",
            "seen",
            "document",
            "documented",
            "prior",
            "previou",
            "previous",
            "known",
            "current",
            "any",
            "patient",
            "pt",
            "use",
            // (Words of the denial itself: "no evidence of", "no signs of",
            // "none on record", "no transfusion needed", "no pneumonia to
            // date".)
            "evidence",
            "sign",
            "record",
            "need",
            "date",
            // (And how the absence was seen: "no CT evidence of", "no
            // elastographic or sonographic evidence of".)
            "radiographic",
            "sonographic",
            "elastographic",
            "endoscopic",
            "histologic",
            "ct",
            "mri",
            "imaging",
            // (The denial's own verb: "Denies vomiting, laxatives".)
            "deni",
            "denie",
            "denies",
            "denied",
        ];
        let content: Vec<&KeyWord> = b
            .words
            .iter()
            .filter(|w| {
                !TIME_WORDS.contains(&w.stem.as_str()) && !REPORTING.contains(&w.stem.as_str())
            })
            .collect();
        // (A claim of what is needed or planned, "requires residential
        // treatment", is not what was done: "No prior residential" says
        // nothing of it ([`NEED`]).)
        // (Each item of a list of denials counts alone: "No intubation, no
        // ICU, no PLEX/IVIG." denies intubation.)
        let cand_chars: Vec<char> = cand.span.quote.chars().collect();
        // The content words by the piece of the candidate they are in, pieces
        // split at `border`.
        let pieces = |border: &dyn Fn(char) -> bool| {
            let mut by_piece: Vec<Vec<&KeyWord>> = Vec::new();
            for w in &content {
                let i = cand_chars[..w.start.min(cand_chars.len())]
                    .iter()
                    .filter(|c| border(**c))
                    .count();
                if by_piece.len() <= i {
                    by_piece.resize(i + 1, Vec::new());
                }
                by_piece[i].push(*w);
            }
            by_piece
        };
        // (So does each item of a list after one denial: "Denies vomiting,
        // laxatives, diet pills.")
        let lower_cand = cand.span.quote.trim_start().to_lowercase();
        let denial_list = content.len() >= 2
            && (cand
                .span
                .quote
                .split([',', ';'])
                .filter(|item| item.trim_start().to_lowercase().starts_with("no "))
                .count()
                >= 2
                || ((lower_cand.starts_with("denies ") || lower_cand.starts_with("no "))
                    && !cand.span.quote.contains(';')
                    && cand.span.quote.matches(',').count() >= 1));
        // (Each clause of a sentence stands alone too: "No LOC; dazed and
        // amnestic for ~10 min.")
        let items: Vec<Vec<&KeyWord>> = if denial_list {
            pieces(&|c| matches!(c, ',' | ';'))
        } else {
            pieces(&|c| c == ';')
        };
        // The claim's words a candidate word is: itself, or the senses of an
        // abbreviation written in capitals ("LOC" is "loss of consciousness";
        // "rest" is a word).
        let claim_words_of = |w: &KeyWord| -> Vec<&KeyWord> {
            let in_capitals = cand_chars
                .get(w.start..w.end)
                .is_some_and(|cs| cs.len() >= 2 && cs.iter().all(|c| !c.is_lowercase()));
            let senses: Vec<&String> = b
                .tokens
                .iter()
                .position(|t| t.start == w.start)
                .filter(|_| in_capitals)
                .and_then(|i| b.expansions.iter().find(|(j, _)| *j == i))
                .map(|(_, senses)| senses.iter().flatten().collect())
                .unwrap_or_default();
            matched_words
                .iter()
                .filter(|c| c.stem == w.stem || senses.contains(&&c.stem))
                .copied()
                .collect()
        };
        // (Unless the sentence says it is not needed either: "requires
        // continuous home oxygen" against "No home O2 needed.")
        let denies_word = (!NEED.is_match(&claim.span.quote)
            || NOT_NEEDED.is_match(&cand.span.quote))
            && items.iter().any(|content| {
                !content.is_empty()
                    && content.len() <= 3
                    && content.iter().all(|w| !claim_words_of(w).is_empty())
                    && content.iter().any(|w| {
                        self.assess(b, &cand.span.quote, w.start, w.end).negated
                            && claim_words_of(w)
                                .iter()
                                .all(|c| !self.assess(a, &claim.span.quote, c.start, c.end).negated)
                    })
            });
        // The weights a claimed weight change is computed from bear on it.
        let weight_series = a.quantities.iter().any(|q| {
            weight_change(&claim.span.quote, q, &b.quantities)
                || weight_moved(&claim.span.quote, q, &cand.span.quote)
        });
        // The same score by its name bears on the claim however few words it
        // has, with the same value ("ECOG 1." for "ECOG performance status 1")
        // or another ("PHQ-9: 8" for "PHQ-9 score 14"): its value is compared,
        // and the time rules say which one is current.
        let same_named_kind = a.quantities.iter().any(|q| {
            matches!(q.kind, QKind::Named(_)) && b.quantities.iter().any(|f| f.kind == q.kind)
        });
        // So does a list of the claimed number of the claimed events.
        let mut listed = self.listed_counts(
            a,
            b,
            &cand.span.quote,
            matched.iter().any(|m| m.cand.is_some()),
        );
        let listed_count = !listed.is_empty();
        // So does the total of the claimed score's items, listed after its
        // name.
        let score_total = derived.iter().any(|q| matches!(q.kind, QKind::Named(_)));
        listed.extend(derived);
        let bmi_computed = self.bmi_confirmed(a, &cand.span.quote);
        let by_key_terms = same_code
            || listed_count
            || score_total
            || bmi_computed
            || weight_series
            || same_named_kind
            || (denies_finding && cov >= MIN_COVERAGE_WITH_HEAD)
            || claim_denies
            || claim_denies_word
            || denies_word
            || (same_result_kind && matched_words.len() + matched_dates >= 2)
            || same_labelled_result
            || (cov >= MIN_COVERAGE
                && (!matched.is_empty()
                    || matched_words.len() + matched_dates >= 2
                    // (One word of a claim whose other word is an
                    // alternative to it: "alcohol or substance use".)
                    || (unasked > 0.0 && !matched_words.is_empty() && denom <= 1.0)))
            || (head && cov >= MIN_COVERAGE_WITH_HEAD);
        if !by_key_terms && !single_term {
            return Err((Verdict::Weak, cov, "not_relevant"));
        }
        parts.terms = matched
            .iter()
            .map(|m| (format!("c{}", m.entry), CONCEPT_WEIGHT))
            .chain(matched_words.iter().map(|w| (format!("w{}", w.start), 1.0)))
            .chain(date_keys.into_iter().chain(same_numbers).map(|k| (k, 1.0)))
            .collect();
        Ok(Relevance {
            matched,
            listed,
            matched_words,
            cov,
            by_key_terms,
            denies_finding,
            claim_denies: claim_denies || claim_denies_word,
            denies_word,
        })
    }

    /// Negative forms ("strength 5/5" against "weakness") say otherwise, when
    /// they are about the same treatment: "adherent to her inhaler" is not
    /// denied by "stopped taking sertraline" (the claim names a treatment the
    /// sentence does not, and the sentence names another).
    fn negative_form(&self, p: Pair<'_>, rel: &Relevance<'_>) -> Option<Outcome> {
        if !rel.matched.iter().any(|m| m.cand.is_none()) {
            return None;
        }
        // A claim that denies the concept ("no motor deficits in the legs")
        // says what its negative form says ("5/5 strength in both legs"): the
        // two agree, and the sentence is weighed as any other.
        let claim_denies = rel.matched.iter().filter(|m| m.cand.is_none()).all(|m| {
            self.assess(p.a, &p.claim.span.quote, m.claim.0, m.claim.1)
                .negated
        });
        if claim_denies {
            return None;
        }
        let claim_treatments: Vec<usize> =
            p.a.concepts
                .iter()
                .map(|c| c.entry)
                .filter(|&e| self.is_treatment(e))
                .collect();
        let another_treatment = !claim_treatments.is_empty()
            && !claim_treatments
                .iter()
                .any(|&e| rel.matched.iter().any(|m| m.entry == e))
            && p.b.concepts.iter().any(|c| self.is_treatment(c.entry));
        if another_treatment {
            return Some((Verdict::Weak, rel.cov, "negative_form_of_another_treatment"));
        }
        Some(contradicts(p, rel.cov, "says otherwise", "negative_form"))
    }

    /// Each matched mention, to weigh its context on both sides. Without a
    /// lexicon concept, every matched word is a mention to assess: in "Family
    /// history: father with colon cancer", "history" is outside the
    /// experiencer's scope but "colon" and "cancer" are inside it.
    fn mention_positions(&self, p: Pair<'_>, rel: &Relevance<'_>) -> Vec<MatchedMention> {
        let Pair { a, b, .. } = p;
        let mut mentions: Vec<MatchedMention> = Vec::new();
        // Beside a test, the findings are its result and carry their own
        // polarity: "the x-ray showed no fracture" is not borne out by an
        // x-ray that shows one. Beside other concepts the words are weighed
        // through them.
        let only_tests = rel
            .matched
            .iter()
            .all(|m| self.lex.entries[m.entry].kind == ConceptKind::Test);
        if !rel.matched.is_empty() {
            mentions = rel
                .matched
                .iter()
                .filter_map(|m| {
                    let again = a.repeats.iter().filter(|r| r.entry == m.entry);
                    let claim_at = std::iter::once(m.claim)
                        .chain(again.map(|r| (r.start, r.end)))
                        .collect();
                    let test = self.lex.entries[m.entry].kind == ConceptKind::Test;
                    m.cand.map(|cand| MatchedMention {
                        claim_at,
                        cand,
                        test,
                        negated_sense: false,
                        cand_also: Vec::new(),
                    })
                })
                .collect();
            if !only_tests {
                return mentions;
            }
        }
        // The acronyms the two sentences share, found once for all words.
        let acronyms = std::cell::OnceCell::new();
        let words: Vec<MatchedMention> =
            rel.matched_words
                .iter()
                .filter(|w| {
                    !rel.matched
                        .iter()
                        .any(|m| m.claim.0 <= w.start && w.start < m.claim.1)
                })
                // Words that only place a mention in time ("History of
                // pancreatitis?" against "No hx pancreatitis") carry no polarity.
                .filter(|w| !TIME_WORDS.contains(&w.stem.as_str()))
                // A result word is the polarity of what it follows, not a
                // mention to weigh ("ER positive (90%), HER2 negative").
                .filter(|w| {
                    !POSITIVE_RESULT_WORDS.contains(&w.stem.as_str())
                        && !NEGATIVE_RESULT_WORDS.contains(&w.stem.as_str())
                })
                .filter_map(|w| {
                    // The word as written, or the abbreviation that stands for it.
                    let written = b
                        .tokens
                        .iter()
                        .find(|t| stem(&t.norm) == w.stem || t.norm == w.stem);
                    let mut negated_sense = false;
                    // (Or the acronym that spells it: "PMV" for "Passy-Muir valve".)
                    let spelled_by = || {
                        acronyms
                            .get_or_init(|| acronym_matches(a, b))
                            .iter()
                            .find(|&&((s, e), _)| s <= w.start && w.start < e)
                            .and_then(|&(_, (s, _))| b.tokens.iter().find(|t| t.start == s))
                    };
                    let expanded = b
                        .expansions
                        .iter()
                        .any(|(_, senses)| senses.iter().flatten().any(|x| *x == w.stem));
                    let t = match written {
                        Some(t) => t,
                        None if !expanded => spelled_by()?,
                        None => {
                            let (j, senses) = b.expansions.iter().find(|(_, senses)| {
                                senses.iter().flatten().any(|x| *x == w.stem)
                            })?;
                            negated_sense = senses
                                .iter()
                                .filter(|sense| sense.contains(&w.stem))
                                .all(|sense| sense.first().is_some_and(|x| x == NEGATED_SENSE));
                            &b.tokens[*j]
                        }
                    };
                    // (Every other abbreviation with it among its senses,
                    // negation-free. The word written again may be another
                    // sense of it: "denies plan" and "agrees to safety plan".)
                    let cand_also = b
                        .expansions
                        .iter()
                        .filter(|(_, senses)| {
                            senses.iter().any(|sense| {
                                sense.contains(&w.stem)
                                    && sense.first().is_none_or(|x| x != NEGATED_SENSE)
                            })
                        })
                        .map(|(j, _)| (b.tokens[*j].start, b.tokens[*j].end))
                        .filter(|&at| at != (t.start, t.end))
                        .collect();
                    let same = a
                        .words
                        .iter()
                        .filter(|o| o.stem == w.stem && o.start != w.start);
                    let claim_at = std::iter::once((w.start, w.end))
                        .chain(same.map(|o| (o.start, o.end)))
                        .collect();
                    Some(MatchedMention {
                        claim_at,
                        cand: (t.start, t.end),
                        test: false,
                        negated_sense,
                        cand_also,
                    })
                })
                .collect();
        // A word of a test's name as the candidate writes it ("Hepatitis B
        // surface antigen (HBsAg): NONREACTIVE") is the test, weighed above.
        mentions.extend(words.into_iter().filter(|w| {
            !rel.matched
                .iter()
                .filter_map(|m| m.cand)
                .any(|(s, e)| s <= w.cand.0 && w.cand.0 < e)
        }));
        mentions
    }

    /// The context of each matched mention, claim side against candidate side:
    /// declined, opposite polarity, results, relatives. `Err` with the outcome
    /// when one decides; otherwise what the mentions say of family and
    /// hypothesis.
    fn weigh_mentions(
        &self,
        p: Pair<'_>,
        rel: &Relevance<'_>,
        mentions: &[MatchedMention],
    ) -> Result<MentionContext, Outcome> {
        let Pair {
            claim,
            a,
            claim_type,
            cand,
            b,
            ..
        } = p;
        let cov = rel.cov;
        let mut context = MentionContext::default();
        // An inability is said either way: "unable to maintain ketosis" is
        // what "could not maintain ketosis" says, and "can no longer drink
        // from a cup" what "unable to drink from a cup" does. The note's "not"
        // denies nothing the claim asserts.
        static UNABLE: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:unable to|inability to|not able to|cannot|can't|can not|could not|couldn't|can no longer|could no longer)\b").unwrap()
        });
        let both_unable = UNABLE.is_match(&claim.span.quote) && UNABLE.is_match(&cand.span.quote);
        // A term both deny ("no longer drives") puts the two on the same side;
        // another term negated on one side only is a scope that runs on there:
        // "she no longer drives and depends on her son for errands" against
        // "No longer drives; son runs her errands".
        // (Within one sentence: two sentences read together have scopes of
        // their own.)
        let shared_denial = !p.joined
            && mentions.iter().any(|m| {
                let (c, e) = (m.claim_at[0], m.cand);
                self.assess(a, &claim.span.quote, c.0, c.1).negated
                    && (self.assess(b, &cand.span.quote, e.0, e.1).negated ^ m.negated_sense)
            });
        for &MatchedMention {
            ref claim_at,
            cand: bpos,
            test,
            negated_sense,
            ref cand_also,
        } in mentions
        {
            let cpos = claim_at[0];
            let ca = self.assess(a, &claim.span.quote, cpos.0, cpos.1);
            let mut cb = self.assess(b, &cand.span.quote, bpos.0, bpos.1);
            cb.negated ^= negated_sense;
            // A result under its detection limit ("inhibitor <0.6 BU/mL", "HCV
            // RNA <15 IU/mL") is a negative one: it bears out a claim that the
            // test was negative.
            cb.negated |= ca.negated && below_limit_after(&cand.span.quote, bpos.1);
            // A study named inside a denial as how the absence was seen ("no
            // CT evidence of otosclerosis", "no MRI signs of ...") was done:
            // the denial is of what it did not show.
            cb.negated &= !seen_by(&cand.span.quote, bpos.0, bpos.1);
            // (When the claim names a treatment, only that treatment declined
            // says so: "ambrisentan ... never started" declines nothing of
            // "tadalafil 40 mg since 03/2027, started at 20 mg".)
            let claim_treatment = a.concepts.iter().any(|c| self.is_treatment(c.entry));
            let is_matched_treatment = rel
                .matched
                .iter()
                .any(|m| self.is_treatment(m.entry) && m.cand == Some(bpos));
            if cb.declined
                && !ca.declined
                && (claim_type == ClaimType::PriorTreatment || !ca.negated)
                && (!claim_treatment || is_matched_treatment)
            {
                let why = format!(
                    "{}: the patient declined it, so it was not tried: \"{}\"",
                    p.where_(),
                    short(&cand.span.quote)
                );
                // A loosely matched refusal ("Clindamycin/rifampin offered,
                // declined" against "topical clindamycin 1% lotion daily")
                // may be of another course: it yields to a supporting sentence.
                // (Unless the claim lists treatments and the refusal is of one
                // of them: "tried risperidone, olanzapine, aripiprazole" against
                // "Aripiprazole recommended -- client refused, never started":
                // that item was not tried, whatever the others' support.)
                // (A refusal that names a drug the claim does not is of another
                // regimen: "Clindamycin/rifampin offered, declined".)
                let claim_drugs: Vec<usize> = a
                    .concepts
                    .iter()
                    .filter(|c| self.is_drug(c.entry))
                    .map(|c| c.entry)
                    .collect();
                let listed_item = is_matched_treatment
                    && claim_drugs.len() >= 2
                    && b.concepts
                        .iter()
                        .filter(|c| self.is_drug(c.entry))
                        .all(|c| claim_drugs.contains(&c.entry));
                if cov < self.opts.support_coverage && !listed_item {
                    return Err((Verdict::Denies(why), cov, "declined_loose_match"));
                }
                return Err((Verdict::Contradicts(why), cov, "declined"));
            }
            // A claim that names it twice, once each way ("no headache history
            // before; this new headache pattern"), is not contradicted by a
            // note that agrees with one of its mentions.
            let agrees_elsewhere = claim_at[1..]
                .iter()
                .any(|q| self.assess(a, &claim.span.quote, q.0, q.1).negated == cb.negated)
                // (Nor by one that names it again the claim's way: "no AF,
                // occasional PACs" against "occasional premature atrial
                // contractions".)
                || cand_also
                    .iter()
                    .any(|q| self.assess(b, &cand.span.quote, q.0, q.1).negated == ca.negated);
            // A test's polarity is its result. A claim that gives a result is not
            // borne on by a sentence that only names the test ("labs drawn today:
            // urine hCG"), and a claim that only names it is not opposed by its
            // result. ("No MRI was done" gives no result: it still opposes "the
            // MRI showed ...".)
            let (claim_result, cand_result) = (a.result_of(ca.negated), b.result_of(cb.negated));
            // A heading ("HEPATITIS C VIRUS ANTIBODY") names what the lines
            // after it give and asserts nothing itself: it neither gives nor
            // opposes the result the claim gives. (Its next line may:
            // `adjacent_support`.)
            if claim_result.is_some()
                && cand_result.is_none()
                && !cb.negated
                && is_heading(&cand.span.quote)
            {
                return Err((Verdict::Weak, cov, "test_without_result"));
            }
            // Nor does a heading support any other claim on its own ("COMPLETE
            // BLOOD COUNT WITH DIFFERENTIAL" is no count of eosinophils).
            if cand_result.is_none()
                && !cb.negated
                && (is_heading(&cand.span.quote) || is_list_label(&cand.span.quote))
            {
                return Err((Verdict::Weak, cov, "heading_asserts_nothing"));
            }
            // A result that is neither ("QuantiFERON: INDETERMINATE") confirms
            // no claimed result: it says otherwise.
            if test && claim_result.is_some() && !cb.hypothetical && b.states(ResultWords::Unclear)
            {
                return Err(contradicts(
                    p,
                    cov,
                    "gives no clear result",
                    "unclear_result",
                ));
            }
            // (A test still pending says so: its verdict is the hypothetical one.)
            if test && claim_result.is_some() && cand_result.is_none() && !cb.hypothetical {
                return Err((Verdict::Weak, cov, "test_without_result"));
            }
            let no_result = test && claim_result.is_none() && cand_result.is_some();
            // A result claimed of a test the candidate says was not done
            // ("MLH1 promoter methylation not done" against "MLH1 promoter
            // hypermethylation testing was negative").
            // (So is a test the claim says was done: "osteomyelitis ruled out
            // by MRI" against "MRI not obtained".)
            let claims_done = test && !ca.negated && !ca.hypothetical && !ca.uncertain;
            if (claim_result.is_some() || claims_done)
                && cb.negated
                && not_done_after(&cand.span.quote, bpos.1)
            {
                return Err(contradicts(p, cov, "says it was not done", "test_not_done"));
            }
            // A claim of the current value ("most recent HbA1c 7.2%") is not
            // borne out by a value the candidate marks as past ("Previous
            // HbA1c: 7.2 %").
            // (Nor read again with the sentence beside it: its coverage is
            // none.)
            if cb.historical && !ca.historical && CURRENT.is_match(&claim.span.quote) {
                return Err((Verdict::Weak, 0.0, "earlier_value"));
            }
            // A denial of a qualified state ("no active ulcerative colitis", "no
            // other pathogenic variants", "no recurrent cholesteatoma") says
            // nothing of the unqualified one ("two resections for ulcerative
            // colitis"), unless the other side names the same qualifier.
            let qualified = if ca.negated {
                denial_qualifier(&claim.span.quote, cpos.0)
                    .is_some_and(|w| !has_word(&cand.span.quote, w))
            } else {
                denial_qualifier(&cand.span.quote, bpos.0)
                    .is_some_and(|w| !has_word(&claim.span.quote, w))
            };
            // A denial of the patient's past ("No personal hx of CAD or
            // prior MI") says nothing of the event of this admission ("She
            // was admitted on June 18 with a non-ST-elevation MI").
            let past_only = cb.negated
                && cb.historical
                && !ca.negated
                && !ca.historical
                && THIS_EVENT.is_match(&claim.span.quote);
            // A denial of one side of the family ("Paternal side negative for
            // breast cancer") says nothing of a relative on the other side
            // ("mother diagnosed before age 40").
            // (The claim may name the relative where ConText reads no
            // experiencer: "Two first-degree relatives with breast cancer;
            // mother diagnosed before age 40".)
            // (Nor, when the claim names no side, of its relatives in
            // general: "two of her relatives had breast cancer". A relative
            // the candidate names against a denial the claim makes does
            // oppose it.)
            if cb.family && cb.negated != ca.negated {
                let (x, y) = (
                    family_sides(&claim.span.quote),
                    family_sides(&cand.span.quote),
                );
                if !y.is_empty() && x.is_disjoint(&y) && (!x.is_empty() || cb.negated) {
                    return Err((Verdict::Weak, cov, "other_side_of_family"));
                }
            }
            // "urinalysis, troponin and echocardiogram were all normal"
            // against "UA neg, troponin neg x2": a normal result and a
            // negative one are the same.
            let normal_is_negative = !ca.negated
                && cb.negated
                && a.states(ResultWords::Normal)
                && b.states(ResultWords::Negative);
            // (A relative's condition says nothing of the patient's: "FHx:
            // mother T2DM" against "Type 2 diabetes: [X] No".)
            let relatives_only = cb.family && !ca.family;
            // (Nor does a sentence that the patient never had it say anything
            // of a claim that it is needed: "needs pulmonary rehabilitation"
            // against "No prior pulmonary rehabilitation" is why it is asked
            // for. One that says it is not needed, "No home O2 needed", does.)
            static NEVER_HAD: LazyLock<regex::Regex> = LazyLock::new(|| {
                regex::Regex::new(r"(?i)\b(?:no (?:prior|previous|past|history of)|never|not yet|has not (?:had|tried|received|undergone|done))\b").unwrap()
            });
            let needed_not_had = !ca.negated
                && cb.negated
                && NEED.is_match(&claim.span.quote)
                && NEVER_HAD.is_match(&cand.span.quote)
                && !NOT_NEEDED.is_match(&cand.span.quote);
            if needed_not_had {
                return Err((Verdict::Weak, cov, "needed_not_had"));
            }
            // (What a sentence only suspects or tests for, "biopsies for H.
            // pylori", "possible OSA", it does not assert: it opposes no denial.)
            let only_suspected = cb.uncertain && !cb.negated && !ca.uncertain;
            // An item of a plan ("A/P: ... - Pegloticase 8 mg IV q2 wk with
            // methotrexate", "- RTC 3 mo with CGM data") orders what is to
            // come: it opposes no claim that the patient has not had it.
            if ca.negated && !cb.negated && plan_item(cand) {
                return Err((Verdict::Weak, cov, "plan_item"));
            }
            if cb.negated != ca.negated
                && !cb.hypothetical
                && !only_suspected
                && !relatives_only
                && !agrees_elsewhere
                && !normal_is_negative
                && !no_result
                && !shared_denial
                && !both_unable
            {
                if qualified || past_only {
                    return Err((Verdict::Weak, cov, "qualified_denial"));
                }
                return Err(self.opposite_polarity(p, rel));
            }
            // Both about family, but about different relatives ("suicide in his
            // father" against "paternal uncle completed suicide").
            if ca.family && cb.family {
                let (x, y) = (
                    relatives(&claim.span.quote),
                    relatives_of(&cand.span.quote, a.stem_set()),
                );
                if !x.is_empty() && !y.is_empty() && x.is_disjoint(&y) {
                    return Err(contradicts(
                        p,
                        cov,
                        "names another relative",
                        "another_relative",
                    ));
                }
            }
            // (A claim that names the relative the candidate speaks of is
            // about that relative: "her mother was diagnosed at age 45"
            // against "Family history: mother - breast cancer dx age 45".)
            context.family |= cb.family
                && !ca.family
                && relatives(&claim.span.quote).is_disjoint(&relatives(&cand.span.quote));
            // A matched mention about the patient in the same sentence ("cannot
            // stand to cook; daughter drops off meals"): the sentence is not only
            // about a relative.
            context.patients_own |= !cb.family && !ca.family;
            // (An offer both say was declined is a decision, not a plan:
            // "Discussed ECT; she does not wish to pursue.")
            context.hypothetical |= (cb.hypothetical || cb.uncertain)
                && !(ca.hypothetical || ca.uncertain)
                && !(cb.declined && ca.declined);
            context.some_actual |= !(cb.hypothetical || cb.uncertain);
        }
        Ok(context)
    }

    /// A mention of opposite polarity. It contradicts only a statement matched
    /// as closely as a support would need; a loose match says nothing. (Nor
    /// does a sentence that shares only the claim's one key term: "no headache
    /// history before 2025" says nothing of "daily headaches for six months".)
    fn opposite_polarity(&self, p: Pair<'_>, rel: &Relevance<'_>) -> Outcome {
        let cov = rel.cov;
        // (A denial of the site on the other side, "No macular edema OS."
        // against "macular edema, right eye", says nothing of the claimed side.)
        if other_side(&p.claim.span.quote, &p.cand.span.quote).is_some() {
            return (Verdict::Weak, cov, "other_side_denied");
        }
        // (A form's "No" to a question of one term, "N  Is the patient a
        // current smoker?", is opposed by a sentence that names the term the
        // other way: the question has nothing else to match.)
        let answered_no = p.a.answered_no.is_some();
        if (!rel.by_key_terms && !answered_no)
            || (cov < self.opts.support_coverage
                && !rel.denies_finding
                && !rel.claim_denies
                && !rel.denies_word)
        {
            return (Verdict::Weak, cov, "opposite_polarity_loose_match");
        }
        // A loosely matched denial ("no severe hypoglycemia requiring
        // assistance" against "recurrent hypoglycemia below 54 mg/dL")
        // may be about a variant: it yields to a supporting sentence.
        if cov < self.opts.support_coverage {
            let why = format!(
                "{} says otherwise: \"{}\"",
                p.where_(),
                short(&p.cand.span.quote)
            );
            return (Verdict::Denies(why), cov, "denied_finding");
        }
        contradicts(p, cov, "says otherwise", "opposite_polarity")
    }

    /// The claim's point that the candidate does not name, as the weak rule:
    /// the effect of "X caused <effect>", or a test whose result the claim gives.
    fn point_not_named(&self, p: Pair<'_>, rel: &Relevance<'_>) -> Option<&'static str> {
        let Pair { claim, a, .. } = p;
        // "X caused <effect>": the effect is the claim's point. A sentence about
        // X that does not name it ("rosuvastatin: myalgias, CK normal" against
        // "rosuvastatin caused rhabdomyolysis") does not bear the claim out.
        if let Some(at) = caused_effect(a) {
            let named = rel.matched_words.iter().any(|w| w.start == at)
                || rel
                    .matched
                    .iter()
                    .any(|m| m.claim.0 <= at && at < m.claim.1);
            if !named {
                return Some("effect_not_named");
            }
        }
        // Time missed from work or school ("has missed 6 days of work because
        // of fatigue") is the claim's point: a sentence that names the work
        // and the cause but no absence ("Fatigue, napping after work") does
        // not bear it out.
        static MISSED: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\bmiss(?:ed|es|ing)?\s+(?:(?:\d+|several|many|multiple|some)\s+)?(?:(?:full\s+)?(?:days?|shifts?|weeks?)\s+(?:of\s+)?)?(?:work|school|class(?:es)?|shifts?)\b").unwrap()
        });
        static ABSENT: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:miss\w*|absen\w*|out of (?:work|school)|off work|call(?:ed|s|ing)? (?:out|in sick)|sick (?:days?|leave)|unable to (?:work|attend)|leave of absence|fmla|disability|stopped working|left (?:early|work|school))\b").unwrap()
        });
        if MISSED.is_match(&claim.span.quote) && !ABSENT.is_match(&p.cand.span.quote) {
            return Some("absence_not_named");
        }
        // That the patient cannot tolerate a treatment is the claim's point: a
        // sentence that names the treatment but no harm, stop or intolerance
        // ("Dispensed RGP OD 06/01") does not bear it out.
        static HARM: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:intoleran\w*|tolerat\w*|side[- ]effects?|adverse|reaction|allerg\w*|toxicity|stopped|discontinued|d/c'?d?|dc'?d|quit|abandoned|pain(?:ful)?|discomfort|irritation|redness|rash|nausea|vomit\w*|diarrh\w*|dizz\w*|sedat\w*|drows\w*|headaches?|fatigue|insomnia|unable|could not|couldn't|can ?not|d/t|due to|because)\b").unwrap()
        });
        // (Not a form row's label, "CPAP intolerance: used 4 h or more on 21%
        // of nights": its value, not the label, is what the row claims.)
        let intolerant = NOT_TOLERATED
            .find_iter(&claim.span.quote)
            .any(|m| !claim.span.quote[m.end()..].trim_start().starts_with(':'));
        if intolerant && !HARM.is_match(&p.cand.span.quote) {
            return Some("intolerance_not_named");
        }
        // A result the claim gives for a test ("her urine hCG was negative") is
        // borne out only by a sentence that names that test, whatever else it
        // shares with the claim (a visit, a date).
        let unnamed_test = a.concepts.iter().any(|c| {
            self.lex.entries[c.entry].kind == ConceptKind::Test
                && !rel.matched.iter().any(|m| m.entry == c.entry)
                && {
                    let ca = self.assess(a, &claim.span.quote, c.start, c.end);
                    a.result_of(ca.negated).is_some()
                }
        });
        unnamed_test.then_some("test_not_named")
    }

    /// Grades written on both sides that do not overlap: severity, levels of
    /// assistance, and a failure the candidate describes as a response.
    /// A treatment the claim says did not work ("did not control her itch",
    /// "completed the course without improvement", "stopped it because of
    /// loss of response"), which the sentence says was stopped for something
    /// else it names: a side effect, a lab abnormality, cost or travel ("d/c
    /// d/t ALT 118 at week 8"; "stopped by prescriber for flushing and
    /// lymphopenia"; "stopped after 9 tx - 70 mi each way"). And the other way
    /// round: a treatment the claim says was stopped for a side effect ("was
    /// discontinued because of nausea"), which the sentence says was stopped
    /// because it did not work ("d/c'd 2/2 lack of efficacy") and names no
    /// harm. The reason for stopping is the claim's point, and it differs. (A
    /// sentence that gives both reasons, or a claim that gives both, is left
    /// to the other rules.)
    fn stopped_for_another_reason(&self, p: Pair<'_>, rel: &Relevance<'_>) -> Option<Outcome> {
        static INEFFECTIVE: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(did not|didn't|does not|failed to|never) (control|reduce|help|work|improve|relieve|change|respond|lower|decrease|normalize|suppress)\b|\bwithout (any )?(benefit|improvement|relief|response|effect)\b|\b(no|minimal|little) (benefit|improvement|relief|response|effect)\b|\b(inadequate|insufficient|partial) (response|control|relief|benefit)\b|\b(ineffective|not effective)\b|\b(loss of|lost|lost its|lack of) (response|efficacy|effect|benefit)\b|\bno longer (effective|working|helping)\b|\bstopped working\b|\bbreakthrough\b|\b(disease|radiographic|clinical) progression\b|\bprogressed on\b").unwrap()
        });
        // Reasons to stop other than the drug not working: harms, labs, cost, travel.
        const REASONS: &str = r"side[- ]effects?|adverse|intoleran\w*|rash|nausea|vomiting|diarrhea|ALT|AST|LFTs?|transaminitis|hepatotoxicity|hyperglycemia|insomnia|sedation|drowsiness|dizziness|cognitive|word-finding|paresthesias?|weight gain|hair loss|flushing|upset|reactions?|cost|insurance|coverage|copay|afford\w*|drive|distance|travel|transportation";
        static INTOLERANCE: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(&format!(
                r"(?i)\b({REASONS}|tolerat\w*|toxicity|allerg\w*)\b"
            ))
            .unwrap()
        });
        // A stop and its reason: the words after "d/t", "due to", "for",
        // "because of" up to the clause's end.
        static STOPPED_FOR: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:stopped|discontinued|d/c'?d?|dc'?d|discontinuation)\b[^.;]{0,40}?\b(?:d/t|due to|for|because(?: of)?|secondary to|2/2)\s+([^.;]{1,60})").unwrap()
        });
        static STOPPED_TRAVEL: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(stopped|discontinued)\b[^.;]{0,30}?\s-\s[^.;]{0,20}?\b(mi|miles|drive|distance|travel|cost|insurance)\b").unwrap()
        });
        // Not a reason: a time ("stopped for 2 weeks", "for now").
        static NOT_A_REASON: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)^(?:\d+(?:\.\d+)?(?:\s*(?:-|to)\s*\d+)?\s*(?:days?|d|weeks?|wks?|wk|w|months?|mos?|mo|m|years?|yrs?|yr|y|hours?|hrs?|h)\b|(?:a|an|one|two|three|four|five|six|several|few|some|the next|now|good|the time being|a while)\b)").unwrap()
        });
        static NO_EFFECT: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(lack of|loss of|no|without|minimal|little|partial|inadequate|insufficient) (efficacy|effect|response|benefit|improvement|relief)\b|\b(inefficacy|ineffective|not effective|not working|wasn't working|did not (help|work)|fail\w*|refractory|progress\w*|persist\w*|worse\w*|relapse\w*|breakthrough|uncontrolled|no change|unchanged|plateau\w*)\b").unwrap()
        });
        // "persistent flushing" is a harm that persists, not the disease.
        static PERSISTENT_HARM: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(&format!(r"(?i)\bpersist\w*\s+(?:\w+\s+)?({REASONS})\b")).unwrap()
        });
        let no_effect = |text: &str| {
            NO_EFFECT.find_iter(text).any(|m| {
                !PERSISTENT_HARM
                    .find_iter(text)
                    .any(|h| h.start() <= m.start() && m.end() <= h.end())
            }) || TREATMENT_FAILED.is_match(text)
        };
        let Pair { claim, cand, .. } = p;
        if !rel.by_key_terms {
            return None;
        }
        let (ineffective, harmed) = (
            INEFFECTIVE.is_match(&claim.span.quote),
            INTOLERANCE.is_match(&claim.span.quote),
        );
        // The reasons the sentence gives for a stop.
        let reasons: Vec<&str> = STOPPED_FOR
            .captures_iter(&cand.span.quote)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str().trim())
            .filter(|r| !NOT_A_REASON.is_match(r))
            .collect();
        let why = if ineffective && !harmed {
            // Stopped for something else, and nowhere said not to work.
            let other =
                reasons.iter().any(|r| !no_effect(r)) || STOPPED_TRAVEL.is_match(&cand.span.quote);
            if !other || no_effect(&cand.span.quote) {
                return None;
            }
            "says it was stopped for another reason"
        } else if harmed
            && !ineffective
            && (NOT_TOLERATED.is_match(&claim.span.quote)
                || STOPPED_FOR.is_match(&claim.span.quote))
        {
            // Stopped because it did not work, and no harm named.
            if !reasons.iter().any(|r| no_effect(r)) || INTOLERANCE.is_match(&cand.span.quote) {
                return None;
            }
            "says it was stopped because it did not work"
        } else {
            return None;
        };
        self.treatment_given(p, rel)
            .then(|| contradicts(p, rel.cov, why, "stopped_for_another_reason"))
    }

    /// A treatment of the claim that the candidate names as given to the
    /// patient: not denied, planned or a relative's.
    fn treatment_given(&self, p: Pair<'_>, rel: &Relevance<'_>) -> bool {
        rel.matched.iter().any(|m| {
            self.is_treatment(m.entry)
                && m.cand.is_some_and(|(s2, e2)| {
                    let cb = self.assess(p.b, &p.cand.span.quote, s2, e2);
                    !cb.negated && !cb.hypothetical && !cb.family
                })
        })
    }

    /// A drug the claim says the patient takes now ("He takes gabapentin for
    /// phantom limb pain") that the sentence says was stopped ("controlled w/
    /// duloxetine (gabapentin stopped 2020 - sedation)"), and not restarted.
    fn stopped_not_current(&self, p: Pair<'_>, rel: &Relevance<'_>) -> Option<Outcome> {
        static CURRENT: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(takes|is taking|is on|remains on|currently (?:on|takes|taking|uses|using)|continues (?:on|to take))\b").unwrap()
        });
        static STOPPED: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)^\W{0,3}(?:\w+\W+){0,3}?(stopped|discontinued|d/c'?d|dc'?d|was stopped|was discontinued|on hold|held|was held|is held|paused)\b").unwrap()
        });
        // (A drug held is not taken either: "Sertraline on hold until labs
        // return", "Holding off on donepezil until testing is back".)
        static HELD_BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:holding off on|hold off on|holding|held|hold|paused|pausing)\s+(?:\w+\s+){0,2}$").unwrap()
        });
        static RESTARTED: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(restart\w*|resum\w*|re-?started|back on)\b").unwrap()
        });
        let Pair { claim, a, cand, .. } = p;
        if !rel.by_key_terms
            || !CURRENT.is_match(&claim.span.quote)
            || RESTARTED.is_match(&cand.span.quote)
        {
            return None;
        }
        let chars: Vec<char> = cand.span.quote.chars().collect();
        let stopped = rel.matched.iter().any(|m| {
            self.is_drug(m.entry)
                && !self
                    .assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                    .negated
                && m.cand.is_some_and(|at| {
                    let (before, after) = beside(&chars, at, 30, 30);
                    STOPPED.is_match(&after) || HELD_BEFORE.is_match(&before)
                })
        });
        stopped.then(|| {
            contradicts(
                p,
                rel.cov,
                "says it was stopped or held",
                "stopped_not_current",
            )
        })
    }

    /// A drug the claim says was stopped ("Dapagliflozin was stopped after
    /// two genital infections") that a note before the request has the
    /// patient still taking ("dapagliflozin: tolerating well", "continue
    /// spironolactone, dapagliflozin") says otherwise, unless another sentence
    /// bears the claim out.
    fn still_taken(
        &self,
        p: Pair<'_>,
        rel: &Relevance<'_>,
        date: Option<(u32, u32, u32)>,
        request: Option<(u32, u32, u32)>,
    ) -> Option<Outcome> {
        static STOPPED: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:stopped|discontinued|d/c'?d|came off|taken off|switched from|was stopped|was discontinued|had to stop|no longer takes|no longer taking)\b").unwrap()
        });
        static TAKEN_AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)^\W{0,3}(?:[\w./-]+\W+){0,4}?(?:tolerating|tolerates|well tolerated|doing well on|still taking|continues|continue|cont\.?|remains on|refilled|no side effects|no adverse effects)\b").unwrap()
        });
        static TAKEN_BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:continue|continues|cont\.?|remains on|still on|still taking|currently on|currently taking|tolerating|doing well on|stable on)\s+(?:[\w./-]+,?\s+){0,6}$").unwrap()
        });
        let Pair { claim, a, cand, .. } = p;
        // (A note of any time before the request: if the stop came after
        // it, the sentence that records the stop bears the claim out.)
        let before_request = match (date, request) {
            (Some(d), Some(r)) => d <= r,
            _ => true,
        };
        if !before_request || !rel.by_key_terms || !STOPPED.is_match(&claim.span.quote) {
            return None;
        }
        // A stop written in parentheses after a drug is that drug's alone:
        // "acetaminophen, tramadol (stopped for confusion), oxycodone".
        let quote = &claim.span.quote;
        let in_parens: Vec<usize> = STOPPED
            .find_iter(quote)
            .filter_map(|m| {
                let open = quote[..m.start()].rfind('(')?;
                (!quote[open..m.start()].contains(')')).then(|| quote[..open].chars().count())
            })
            .collect();
        let stopped_drug = |m: &ConceptMatch| {
            in_parens.len() < STOPPED.find_iter(quote).count()
                || in_parens
                    .iter()
                    .any(|&open| m.claim.1 <= open && open <= m.claim.1 + 2)
        };
        let chars: Vec<char> = cand.span.quote.chars().collect();
        let taken = rel.matched.iter().any(|m| {
            self.is_drug(m.entry)
                && stopped_drug(m)
                && m.cand.is_some_and(|(s2, e2)| {
                    let found = self.assess(p.b, &cand.span.quote, s2, e2);
                    let (before, after) = beside(&chars, (s2, e2), 30, 40);
                    !found.negated
                        && !found.historical
                        && !found.hypothetical
                        && (TAKEN_AFTER.is_match(&after) || TAKEN_BEFORE.is_match(&before))
                        && !self
                            .assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                            .negated
                })
        });
        taken.then(|| {
            let why = says_otherwise(p, "has the patient still taking it");
            (Verdict::Denies(why), rel.cov, "still_taken")
        })
    }

    fn graded_otherwise(
        &self,
        p: Pair<'_>,
        rel: &Relevance<'_>,
        mentions: &[MatchedMention],
    ) -> Option<Outcome> {
        let Pair {
            claim,
            claim_type,
            cand,
            ..
        } = p;
        if !rel.by_key_terms {
            return None;
        }
        // A grade of a scale both sentences name ("Wagner classification of
        // the ulcer at this visit: grade 3" against "Wagner grade 1 (full
        // thickness ...)") is compared however few other words they share:
        // the scale's name says what is graded.
        if rel.cov < self.opts.support_coverage {
            let named_on_both = staged_values(&cand.span.quote).iter().any(|f| {
                f.name
                    .as_deref()
                    .is_some_and(|n| has_word(&claim.span.quote, n))
            });
            if named_on_both {
                if let Some(found) = stage_differs(&claim.span.quote, &cand.span.quote) {
                    return Some((
                        Verdict::ValueDiffers(says_otherwise(p, &format!("gives {found}"))),
                        rel.cov,
                        "stage_differs",
                    ));
                }
            }
            return None;
        }
        let otherwise = |what: &str, rule: &'static str| Some(contradicts(p, rel.cov, what, rule));
        // A grade is a value on an ordinal scale: like a number, an older
        // grade is history when a later sentence gives the claimed one (the
        // time rules, in `decide`).
        let graded = |what: &str, rule: &'static str| {
            Some((
                Verdict::ValueDiffers(says_otherwise(p, what)),
                rel.cov,
                rule,
            ))
        };
        // Severity written on both sides that does not overlap ("severe
        // persistent asthma" against "mild intermittent asthma"), of the same
        // site: "R knee: severe osteoarthritis" grades nothing of "moderate
        // osteoarthritis of both hips".
        let x = sides(&claim.span.quote);
        let other_site = !x.is_empty() && {
            let y = sides(&cand.span.quote);
            !y.is_empty() && !x.iter().any(|(s, _)| y.iter().any(|(t, _)| t == s))
        };
        for m in mentions.iter().filter(|_| !other_site) {
            let (c1, s2) = (m.claim_at[0].0, m.cand.0);
            let (Some(c), Some(f)) = (
                severity_before(&claim.span.quote, c1),
                severity_before(&cand.span.quote, s2),
            ) else {
                continue;
            };
            if c.1 < f.0 || f.1 < c.0 {
                return graded("grades it otherwise", "severity_differs");
            }
        }
        // Levels of assistance are an ordinal scale: "max assist x2" is not
        // "mod A x1". A sentence that grades the same activity otherwise says
        // otherwise (the latest one decides, in `decide`).
        let (x, y) = (
            assist_levels(&claim.span.quote),
            assist_levels(&cand.span.quote),
        );
        if !x.is_empty() && !y.is_empty() && x.is_disjoint(&y) {
            return graded("grades the assistance otherwise", "assist_level_differs");
        }
        // A class, grade or stage of a named scale is an ordinal value: "MGFA
        // class IIIb" is not "MGFA class IIIa", "Tonnis grade 0" not "Tonnis 1".
        if let Some(found) = stage_differs(&claim.span.quote, &cand.span.quote) {
            return graded(&format!("gives {found}"), "stage_differs");
        }
        // Results the claim calls normal ("ALT, AST and total bilirubin: all
        // within normal limits") that the sentence calls abnormal right after
        // naming one ("ALT/AST mildly elevated on VPA").
        if let Some(found) = abnormal_where_normal(p) {
            return graded(&format!("calls {found}"), "abnormal_result");
        }
        // A treatment the claim says failed, which the sentence says works
        // ("failed methotrexate" against "doing well on methotrexate").
        // (Or that the patient cannot tolerate, which the sentence says is
        // worn or taken comfortably: "RGP lenses have failed, as he cannot
        // tolerate them" against "Wearing RGP OD 10-12 h/day comfortably". A
        // treatment no lexicon concept names is matched by its words.)
        let failed = TREATMENT_FAILED.is_match(&claim.span.quote)
            || NOT_TOLERATED.is_match(&claim.span.quote);
        let treatment = (claim_type == ClaimType::PriorTreatment && self.treatment_given(p, rel))
            || p.a.concepts.is_empty();
        if failed
            && !TREATMENT_FAILED.is_match(&cand.span.quote)
            && !NOT_TOLERATED.is_match(&cand.span.quote)
            && works(&cand.span.quote)
            && treatment
        {
            return otherwise(
                "describes a response to it, not a failure",
                "response_not_failure",
            );
        }
        None
    }

    /// "three medications": the candidate must name that many distinct drugs.
    /// One that names none leaves the count unconfirmed (`missing`); one that
    /// counts them itself ("2 augmentation strategies") is compared by number.
    fn drugs_counted(
        &self,
        p: Pair<'_>,
        cov: f32,
        missing: &mut Option<String>,
    ) -> Option<Outcome> {
        let n = drug_count(&p.claim.span.quote)?;
        // A claim that names its agents ("failed 2 agents: a. oxybutynin ...
        // b. mirabegron ...") is checked drug by drug: a note that lists them
        // one per line names one in each sentence.
        let drugs = |x: &Analysis| -> HashSet<usize> {
            x.concepts
                .iter()
                .filter(|c| self.lex.entries[c.entry].kind == ConceptKind::Drug)
                .map(|c| c.entry)
                .collect()
        };
        // (Its first item alone, "... [X] Yes a. oxybutynin ...", once the
        // items are clauses of their own, names the first of them.)
        static FIRST_ITEM: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"(?:^|\s)(?:a\.|a\)|\(a\)|1\.|1\))\s").unwrap()
        });
        if drugs(p.a).len() >= n || FIRST_ITEM.is_match(&p.claim.span.quote) {
            return None;
        }
        // A sentence that counts them itself ("2 augmentation strategies" for
        // "two augmentation agents") gives the count: the numbers' check
        // compares it.
        if p.b.quantities.iter().any(|f| {
            matches!(f.kind, QKind::Count(_))
                && f.value == n as f64
                && p.a.quantities.iter().any(|q| q.kind == f.kind)
        }) {
            return None;
        }
        let named = drugs(p.b);
        if named.is_empty() {
            missing.get_or_insert_with(|| format!("{n} medications"));
            None
        } else if named.len() < n {
            // (A contradiction unless another sentence gives the count: a
            // note may list its trials one to a line.)
            Some((
                Verdict::Denies(format!(
                    "{{assertion}}: {n} medications; {} names {}: \"{}\"",
                    p.where_(),
                    named.len(),
                    short(&p.cand.span.quote)
                )),
                cov,
                "fewer_drugs_named",
            ))
        } else {
            None
        }
    }

    /// The candidate names a drug of a class instead of the claim's drug of
    /// that class, which it does not name: both are members of one class of
    /// the lexicon, and the candidate's drug is not named by the claim.
    fn sibling_instead(&self, a: &Analysis, b: &Analysis, matched: &[ConceptMatch]) -> bool {
        let is_drug = |e: usize| self.lex.entries[e].kind == ConceptKind::Drug;
        let unmatched: Vec<usize> = a
            .concepts
            .iter()
            .map(|c| c.entry)
            .filter(|&e| is_drug(e) && !matched.iter().any(|m| m.entry == e))
            .collect();
        if unmatched.is_empty() {
            return false;
        }
        let others: Vec<usize> = b
            .concepts
            .iter()
            .map(|c| c.entry)
            .filter(|&e| {
                is_drug(e)
                    && !a
                        .concepts
                        .iter()
                        .any(|c| self.lex.satisfies(e, c.entry) || c.entry == e)
            })
            .collect();
        if others.is_empty() {
            return false;
        }
        self.lex.entries.iter().enumerate().any(|(k, class)| {
            class.kind == ConceptKind::DrugClass
                && unmatched.iter().any(|&x| self.lex.satisfies(k, x))
                && others.iter().any(|&y| self.lex.satisfies(k, y))
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
        cand_stems: &Stems<'_>,
    ) -> Vec<ConceptMatch> {
        let cand_lower = pa_types::text::squash(&cand.span.quote);
        // A drug named as what a test measures ("total testosterone 182
        // ng/dL", "peak GH 4.1", "GH deficiency", "insulin resistance") is
        // not the drug given: it matches only a mention of the same kind.
        // (Only against a mention of the drug as given: "His vitamin D was
        // low" is matched by "Vitamin D 14 ng/mL".)
        let same_role = |ce: usize, (cs, cend): (usize, usize), (s2, e2): (usize, usize)| {
            !self.is_drug(ce)
                || !(given_at(&a.text, cs, cend) && analyte_at(&b.text, s2, e2)
                    || analyte_at(&a.text, cs, cend) && given_at(&b.text, s2, e2))
        };
        // Concepts: each claim concept is matched by a candidate concept it is
        // satisfied by, or by one of its negative forms.
        let mut matched: Vec<ConceptMatch> = Vec::new();
        for &ConceptMention {
            entry: ce,
            start: cs,
            end: cend,
            ..
        } in &a.concepts
        {
            // A negative form first: its words may hold a term of the concept
            // ("poor adherence" holds "adherence").
            let negative = self.lex.entries[ce]
                .negative_forms
                .iter()
                .any(|f| cand_lower.contains(&f.to_lowercase()));
            if negative {
                matched.push(ConceptMatch {
                    entry: ce,
                    claim: (cs, cend),
                    cand: None,
                });
            } else if let Some(&ConceptMention {
                start: s2, end: e2, ..
            }) = b.concepts.iter().find(|bc| {
                self.lex.satisfies(ce, bc.entry) && same_role(ce, (cs, cend), (bc.start, bc.end))
            }) {
                matched.push(ConceptMatch {
                    entry: ce,
                    claim: (cs, cend),
                    cand: Some((s2, e2)),
                });
            }
        }
        // A claim concept the candidate names only in words or through an
        // abbreviation ("HA" for headache): every content word of one of its
        // multi-word or long terms is there.
        for &ConceptMention {
            entry: ce,
            start: cs,
            end: cend,
            ..
        } in &a.concepts
        {
            if matched.iter().any(|m| m.entry == ce) {
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
                // (A term whose meaning is a denial, "no tobacco use", is not
                // spelled by the words it denies: "Tobacco: 1/2 ppd current".)
                if tokenize(term).iter().any(|t| {
                    matches!(
                        t.norm.as_str(),
                        "no" | "not" | "never" | "without" | "non" | "denies"
                    )
                }) {
                    return None;
                }
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
            let Some(stems) = spelled
                .or_else(|| self.rare_drug_sense(ce, cand, b))
                .or_else(|| self.truncated_drug_name(ce, b))
            else {
                continue;
            };
            // Context is read at the first candidate token that carries the term.
            let at = b.tokens.iter().enumerate().find(|(j, t)| {
                stems.contains(&stem(&t.norm))
                    || b.expansions.iter().any(|(k, senses)| {
                        k == j && senses.iter().flatten().any(|x| stems.contains(x))
                    })
            });
            if let Some((_, t)) = at.filter(|(_, t)| same_role(ce, (cs, cend), (t.start, t.end))) {
                matched.push(ConceptMatch {
                    entry: ce,
                    claim: (cs, cend),
                    cand: Some((t.start, t.end)),
                });
            }
        }
        matched
    }

    /// A drug of the claim written in the candidate as an abbreviation whose
    /// usual sense is something else ("LTG 6/2021 - 2/2022, stopped for rash":
    /// "long term goals" in most notes, lamotrigine in some): read as the drug
    /// when the sentence is about medicines, naming a dose, another drug or a
    /// course (started, stopped, failed, tried). The drug's stems, as
    /// [`Self::match_concepts`] locates them.
    fn rare_drug_sense(&self, entry: usize, cand: &Sentence, b: &Analysis) -> Option<Vec<String>> {
        static MEDICINES: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)\b(?:\d+(?:\.\d+)?\s*(?:mg|mcg|g|ml|units?)\b|start(?:ed)?|stopped|discontinued|d/c|failed|tried|trial|titrated|tapered|switched|intoleran\w*|side effects?)").unwrap()
        });
        if !self.is_drug(entry) {
            return None;
        }
        let name = stem(&self.lex.entries[entry].id.to_lowercase());
        let about_medicines = MEDICINES.is_match(&cand.span.quote)
            || b.concepts.iter().any(|c| self.is_drug(c.entry));
        if !about_medicines {
            return None;
        }
        let chars: Vec<char> = cand.span.quote.chars().collect();
        b.tokens.iter().find_map(|t| {
            let surface: String = chars.get(t.start..t.end)?.iter().collect();
            if surface.chars().count() < 2 || !surface.chars().any(|c| c.is_uppercase()) {
                return None;
            }
            pa_types::abbrev::rare_senses(&surface)
                .iter()
                .any(|sense| stem(&sense.to_lowercase()) == name)
                .then(|| vec![stem(&t.norm)])
        })
    }

    /// A drug of the claim written cut short, as notes do ("Chronic azithro
    /// discussed", "methylpred taper"): a token of at least
    /// [`MIN_TRUNCATED_DRUG`] letters that starts the drug's one-word generic
    /// name and is at least half of it. Looked for only for the claim's own
    /// drugs, so "cipro" is read as ciprofloxacin only where the claim names it.
    fn truncated_drug_name(&self, entry: usize, b: &Analysis) -> Option<Vec<String>> {
        if !self.is_drug(entry) {
            return None;
        }
        let name = self.lex.entries[entry].id.to_lowercase();
        if name.contains(|c: char| !c.is_alphabetic()) {
            return None;
        }
        b.tokens.iter().find_map(|t| {
            let n = t.norm.chars().count();
            (n >= MIN_TRUNCATED_DRUG
                && n * 2 >= name.chars().count()
                && n < name.chars().count()
                && t.norm.chars().all(char::is_alphabetic)
                && name.starts_with(t.norm.as_str()))
            .then(|| vec![stem(&t.norm)])
        })
    }

    /// Where the candidate names a drug by an abbreviation only, outside any
    /// drug concept it names ("MMF 2 g/day", "pred 10 mg"): char starts.
    fn abbreviated_drugs(&self, cand: &Sentence, b: &Analysis) -> Vec<usize> {
        let chars: Vec<char> = cand.span.quote.chars().collect();
        b.tokens
            .iter()
            .filter(|t| {
                !b.concepts
                    .iter()
                    .any(|c| self.is_drug(c.entry) && c.start <= t.start && t.start < c.end)
            })
            .filter(|t| {
                let surface: String = chars
                    .get(t.start..t.end)
                    .map(|w| w.iter().collect())
                    .unwrap_or_default();
                pa_types::abbrev::expand(&surface)
                    .iter()
                    .any(|sense| pa_types::drugs::generic_of(sense).is_some())
            })
            .map(|t| t.start)
            .collect()
    }

    /// Counts of events a sentence lists rather than states: the claim's
    /// counted noun, named and not denied, with one date per event ("Falls
    /// history: 12/18/2026 (no injury), 01/09/2027, 02/02/2027" are three
    /// falls) or a tally after it ("Flared x2"); a count of times, courses or
    /// occasions counts the dates of a concept both sentences name
    /// (`shares_concept`). Only a count that equals a
    /// claimed one is given: a list may leave events out, so it confirms and
    /// never contradicts.
    fn listed_counts(
        &self,
        a: &Analysis,
        b: &Analysis,
        cand: &str,
        shares_concept: bool,
    ) -> Vec<Quantity> {
        static SPAN_JOIN: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(?i)^[^,;]{0,14}?(?:\s-+\s?|\s?-+\s|–|—|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\bdischarged?\b|\bend(?:ed)?\b)[^,;]{0,16}$").unwrap()
        });
        static TALLY: LazyLock<regex::Regex> =
            LazyLock::new(|| regex::Regex::new(r"(?i)^\s*x\s*(\d{1,2})\b").unwrap());
        let mut out = Vec::new();
        for q in &a.quantities {
            let QKind::Count(noun) = &q.kind else {
                continue;
            };
            if q.hi.is_some() || out.iter().any(|o: &Quantity| o.kind == q.kind) {
                continue;
            }
            let named: Vec<&pa_types::text::Token> = b
                .tokens
                .iter()
                .filter(|t| {
                    // (Or the verb: "Flared x2" for "two flares".)
                    let head: String = noun.chars().take(5).collect();
                    (stem(&t.norm) == *noun
                        || (t.norm.starts_with(&head)
                            && t.norm.chars().count() <= noun.chars().count() + 2))
                        && !self.assess(b, cand, t.start, t.end).negated
                })
                .collect();
            // ("Four courses of oral corticosteroids" against "Exacerbations
            // requiring prednisone: 12/2025, 02/2026, 06/2026, 09/2026": a
            // count of times, courses or occasions counts the dated mentions
            // of what the two sentences both name.)
            static TIMES: LazyLock<Vec<String>> = LazyLock::new(|| {
                [
                    "courses",
                    "occasions",
                    "times",
                    "episodes",
                    "rounds",
                    "bursts",
                ]
                .iter()
                .map(|w| crate::quantity::count_noun(w))
                .collect()
            });
            if named.is_empty() && !(TIMES.contains(noun) && shares_concept) {
                continue;
            }
            // (Two dates joined as a span are one event: "10/02/2026 -
            // 10/11/2026", "Admitted: 01/14/2027 | Discharged: 01/17/2027".)
            let chars: Vec<char> = cand.chars().collect();
            let mut dated: Vec<&dates::Date> = b.dates.iter().filter(|d| d.month != 0).collect();
            dated.sort_by_key(|d| d.at);
            let mut days: Vec<(u32, u32, u32)> = Vec::new();
            let mut prev: Option<usize> = None;
            for d in dated {
                let between: String = prev
                    .map(|p| chars.get(p..d.at).unwrap_or_default().iter().collect())
                    .unwrap_or_default();
                prev = Some(d.at);
                if !between.is_empty() && SPAN_JOIN.is_match(&between) {
                    continue;
                }
                days.push((d.year, d.month, d.day));
            }
            days.sort_unstable();
            days.dedup();
            let tallies = named.iter().filter_map(|t| {
                let after: String = chars
                    .get(t.end..)
                    .unwrap_or_default()
                    .iter()
                    .take(8)
                    .collect();
                TALLY
                    .captures(&after)
                    .and_then(|c| c[1].parse::<f64>().ok())
            });
            let listed = (days.len() >= 2).then_some(days.len() as f64);
            for n in listed.into_iter().chain(tallies) {
                let found = Quantity {
                    kind: q.kind.clone(),
                    value: n,
                    cmp: quantity::Cmp::Eq,
                    hi: None,
                    surface: format!("{n} listed"),
                };
                if quantity::agrees(q, &found) {
                    out.push(found);
                    break;
                }
            }
        }
        out
    }

    /// The claim's numbers against the candidate's: `Ok((first required number
    /// the candidate does not give, a value or a treatment's length agrees))`,
    /// or `Err` with the verdict when a value differs.
    fn compare_numbers(
        &self,
        p: Pair<'_>,
        (request, cand_date, stopped_next): CandidateDates,
        matched: &[ConceptMatch],
        listed: &[Quantity],
        parts: &mut Parts,
    ) -> Result<(Option<String>, bool), (Verdict, &'static str)> {
        let Pair {
            claim, a, cand, b, ..
        } = p;
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
        if let Some(why) = self.regimen_differs(p, matched) {
            return Err((Verdict::DoseDiffers(why), "dose_differs"));
        }
        // (A stop in the next sentence is the course of the sentence's first
        // drug, when that is the claim's: "Etanercept started 01/2025 (after
        // MTX)." "Stopped 03/2025" is no stop of methotrexate.)
        let first_drug = b
            .concepts
            .iter()
            .filter(|c| self.is_drug(c.entry))
            .min_by_key(|c| c.start);
        let one_drug = first_drug.is_some_and(|f| {
            matched
                .iter()
                .any(|m| m.cand.is_some_and(|(s, _)| s == f.start))
        });
        // "naproxen since 06/02/2026" before a request of 09/15/2026 is a duration
        // of 105 days, for a claim of "more than 3 months".
        let mut b_quantities = with_since_duration(
            &cand.span.quote,
            b,
            request,
            stopped_next.filter(|_| one_drug),
        );
        // "an electrician on short-term disability since 02/2027": a start
        // date is the start of what its clause names. When that clause names
        // nothing of the claim, the time since then is no claimed duration.
        if b_quantities
            .iter()
            .any(|q| q.surface.ends_with(SINCE_TO_REQUEST))
            && !since_clause_is_claimed(
                (&claim.span.quote, &cand.span.quote),
                (a, b),
                matched,
                request,
                |e| self.is_treatment(e),
            )
        {
            b_quantities.retain(|q| !q.surface.ends_with(SINCE_TO_REQUEST));
        }
        b_quantities.extend(listed.iter().cloned());
        // "taken alprazolam daily since 2018": a year alone starts a course of
        // at most the time from its first day to the request, beside any
        // duration the sentence gives of something else ("the dose escalated
        // over about 3 years"). A year is too coarse to say otherwise: it
        // confirms a claimed duration it reaches, and opposes none.
        if let (Some(req), None, Some(year)) = (request, stopped_next, since_year(&cand.span.quote))
        {
            let days = dates::Date::ymd(req).ordinal() - dates::Date::ymd((year, 1, 1)).ordinal();
            let q = Quantity {
                kind: QKind::Duration,
                value: days as f64,
                cmp: quantity::Cmp::AtMost,
                hi: None,
                surface: format!("{days} {SINCE_TO_REQUEST}"),
            };
            let reached = a.quantities.iter().any(|c| {
                c.kind == QKind::Duration && c.cmp != quantity::Cmp::AtMost && agrees(c, &q)
            });
            if days > 0
                && reached
                && since_date(&cand.span.quote, &b.dates).is_none()
                && since_clause_is_claimed(
                    (&claim.span.quote, &cand.span.quote),
                    (a, b),
                    matched,
                    request,
                    |e| self.is_treatment(e),
                )
            {
                b_quantities.push(q);
            }
        }
        // A count of the claim's noun the candidate writes with an
        // abbreviation ("9 tx" for "nine treatments").
        for q in &a.quantities {
            if let QKind::Count(noun) = &q.kind {
                if !b_quantities.iter().any(|f| f.kind == q.kind) {
                    b_quantities.extend(quantity::abbreviated_counts(&cand.span.quote, noun));
                }
            }
        }
        // "She quit smoking more than five years ago" against "quit 03/2025":
        // how long ago is the time from the candidate's one date to the
        // request.
        // (A duration the candidate writes, "45 pk-yr (1 ppd x 45 yr)", is
        // how long, not how long ago.)
        let month_dates: Vec<&dates::Date> = b.dates.iter().filter(|d| d.month != 0).collect();
        if AGO.is_match(&claim.span.quote)
            && !a.quantities.iter().any(|q| q.surface.contains("ago"))
        {
            if let (Some(req), [d]) = (request, month_dates.as_slice()) {
                let days = dates::Date::ymd(req).ordinal() - d.ordinal();
                if days > 0 {
                    b_quantities.retain(|q| q.kind != QKind::Duration);
                    b_quantities.push(Quantity {
                        kind: QKind::Duration,
                        value: days as f64,
                        cmp: quantity::Cmp::Eq,
                        hi: (d.day == 0).then_some(days as f64 + 30.4),
                        surface: format!("{days} days from its date to the request"),
                    });
                }
            }
        }
        // A drug on several dated rows (a fill history) was taken from the
        // first to the last: that confirms a claimed duration, and since its
        // last days are not written, never contradicts one.
        let weights = a
            .quantities
            .iter()
            .any(|q| matches!(q.kind, QKind::Unit("%" | "kg" | "lb")))
            && claim.span.quote.to_lowercase().contains("weight");
        if let Some(days) = self.dated_rows_span(&cand.span.quote, b, matched, weights) {
            let q = Quantity {
                kind: QKind::Duration,
                value: days as f64,
                cmp: quantity::Cmp::AtLeast,
                hi: None,
                surface: format!("{days} days between its first and last dated entries"),
            };
            // It confirms only a duration it reaches: rows 30 days apart say
            // nothing of a claimed 6 weeks.
            if a.quantities.iter().any(|c| {
                c.kind == QKind::Duration
                    && c.cmp != quantity::Cmp::AtMost
                    && days as f64 >= c.value * quantity::BELOW_FACTOR
            }) {
                b_quantities.push(q);
            }
        }
        // "hold modafinil 2 wks prior to the study": how long a drug was held
        // is not how long it was taken.
        if !HOLD.is_match(&claim.span.quote) {
            let held: Vec<&str> = HOLD
                .find_iter(&cand.span.quote)
                .map(|m| m.as_str())
                .collect();
            b_quantities.retain(|q| {
                q.kind != QKind::Duration || !held.iter().any(|h| h.contains(q.surface.as_str()))
            });
        }
        // A percent beside a drug's name is its strength ("3 mL 1% lidocaine",
        // "clobetasol 0.05% oint"), no measure: it is not compared with a
        // claimed percent that is not a strength too ("more than 80% relief").
        let strengths_in = |x: &Analysis, text: &str| -> Vec<String> {
            x.quantities
                .iter()
                .filter(|q| q.kind == QKind::Unit("%"))
                .filter(|q| {
                    let number = q.surface.split_whitespace().next().unwrap_or_default();
                    let near_drug =
                        percent_written(text, number)
                            .into_iter()
                            .any(|(start, end)| {
                                let (i, end) =
                                    (text[..start].chars().count(), text[..end].chars().count());
                                x.concepts.iter().any(|c| {
                                    self.is_drug(c.entry)
                                        && ((c.start >= end && c.start <= end + 1)
                                            || (c.end <= i + 1 && c.end + 2 >= i))
                                })
                            });
                    near_drug
                })
                .map(|q| q.surface.clone())
                .collect()
        };
        if strengths_in(a, &claim.span.quote).is_empty() {
            let strengths = strengths_in(b, &cand.span.quote);
            b_quantities.retain(|q| q.kind != QKind::Unit("%") || !strengths.contains(&q.surface));
        }
        // "Non-HDL cholesterol 136" and "HDL cholesterol 52" are two analytes.
        let other_analyte = prefixed_analyte(&claim.span.quote, &cand.span.quote);
        // A claim dated otherwise than the candidate is about another time: its
        // values are not compared ("LDL 112 on 01/29" against "LDL 128 (10/2025)").
        let b_dates = candidate_dates(a, b, cand_date);
        // (So is a claim that points back to a time named before it: "Her
        // PHQ-9 that day was 19" is of the day the sentence before gives,
        // which a dated value of another day does not oppose.)
        // (So is a value the candidate gives of a stay's start or end, "MADRS
        // 41 on adm, 31 at d/c", against a claim that names no such time.)
        let other_time = (!a.dates.is_empty()
            && !b_dates.is_empty()
            && !a.dates.iter().any(|d| b_dates.iter().any(|e| d.same_as(e))))
            || (a.dates.is_empty() && !b_dates.is_empty() && THAT_TIME.is_match(&claim.span.quote))
            || (STAY_TIME.is_match(&cand.span.quote) && !STAY_TIME.is_match(&claim.span.quote));
        // A course of another drug ("Clobetasol 0.05% oint 10/2028 -
        // 01/2029") is not the course of the one the claim names ("She used
        // triamcinolone, a mid-potency topical steroid, for roughly six
        // months"), though both are of a class the claim names too.
        let drug_named = |x: &Analysis| -> Vec<usize> {
            x.concepts
                .iter()
                .map(|c| c.entry)
                .filter(|&e| self.lex.entries[e].kind == ConceptKind::Drug)
                .collect()
        };
        let (claim_drugs, cand_drugs) = (drug_named(a), drug_named(b));
        let other_drugs_course = !claim_drugs.is_empty()
            && !cand_drugs.is_empty()
            && !cand_drugs.iter().any(|&d| {
                claim_drugs
                    .iter()
                    .any(|&c| c == d || self.lex.satisfies(c, d) || self.lex.satisfies(d, c))
            });
        // A value of a plan, an option discussed or a goal ("Discussed
        // clindamycin 300 mg BID x 10 wks", "Consider increasing metformin to
        // 1500 mg", "Goal LDL below 70 mg/dL") is not what was done or found.
        let planned = matched.iter().any(|m| {
            m.cand.is_some_and(|(s2, e2)| {
                self.assess(b, &cand.span.quote, s2, e2).hypothetical
                    && !self
                        .assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                        .hypothetical
            })
        });
        // A measure taken on treatment ("Residual AHI: 4.1 events/h" on
        // CPAP, "AHI on APAP 3.2") is not the untreated one the claim gives
        // ("AHI 38.6"): it neither contradicts nor confirms it.
        static ON_TREATMENT: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(
                r"(?i)\b(?:residual|on (?:cpap|apap|bipap|pap)|post-?treatment|post-?titration)\b",
            )
            .unwrap()
        });
        // (Nor the other way: "Residual AHI on CPAP: 2.3" against the
        // diagnostic study's "AHI 31.2".)
        let on_treatment =
            ON_TREATMENT.is_match(&cand.span.quote) != ON_TREATMENT.is_match(&claim.span.quote);
        let planned = planned || on_treatment;
        let is_dose = |k: &QKind| matches!(k, QKind::Unit(u) if !self.result_unit(a, u));
        // A dose of a past course ("both tapers failed below 15 mg") and the
        // current dose ("currently prednisone 20 mg") are of other times.
        let dose_in_other_time = || {
            matched.iter().filter(|m| self.is_drug(m.entry)).any(|m| {
                m.cand.is_some_and(|(s2, e2)| {
                    self.assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                        .historical
                        != self.assess(b, &cand.span.quote, s2, e2).historical
                })
            })
        };
        // A named score is compared only where the candidate names it too: a
        // sentence that writes "progesterone receptor 40%" for "PR 40%" is
        // checked by its units, as before.
        let names = |n: &str| {
            cand.span.quote.split_whitespace().any(|t| {
                t.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .eq_ignore_ascii_case(n)
            })
        };
        for kind in groups {
            let claimed: Vec<&Quantity> = a.quantities.iter().filter(|q| &q.kind == kind).collect();
            // Lengths read in another unit ("5.8 cm" as 58 mm) only agree
            // (`quantity::is_length_conversion`): what they are written in
            // decides the rest.
            // The reason a differing value gives: "{assertion}: <claimed>; <where>: <what>".
            let says_instead = |what: &str| {
                format!(
                    "{{assertion}}: {}; {}: {what}",
                    claimed[0].surface.trim(),
                    p.where_()
                )
            };
            let converted = |q: &Quantity| quantity::is_length_conversion(q);
            let converted_only = claimed.iter().all(|q| converted(q));
            // (Or where it gives a value the parser names, as a densitometry
            // line's "L1-L4 T -1.9" gives a T-score.)
            if let QKind::Named(n) = kind {
                if !names(n) && !b.quantities.iter().any(|f| &f.kind == kind) {
                    // (A result under another instrument's name, "C-SSRS
                    // screen: negative" for "PHQ-9 score 2 (negative)", is
                    // that instrument's: the claimed score is not confirmed.)
                    if other_instrument(&claim.span.quote, &cand.span.quote) && missing.is_none() {
                        missing = Some(claimed[0].surface.clone());
                    }
                    continue;
                }
            }
            if let QKind::Unit(_) = kind {
                // A value already bound to a measure is checked as that measure.
                let bound = claimed.iter().all(|q| {
                    a.quantities.iter().any(|m| {
                        m.value == q.value
                            && match &m.kind {
                                QKind::Measure(_) => true,
                                QKind::Named(n) => names(n),
                                _ => false,
                            }
                    })
                });
                if bound {
                    continue;
                }
            }
            let mut found: Vec<&Quantity> =
                b_quantities.iter().filter(|f| &f.kind == kind).collect();
            // A claim that a measure fell to a value ("his oxygen saturation
            // fell to 84%") is of its lowest value: the measure's nadir
            // ("nadir SpO2 84%") gives it.
            if let QKind::Measure(e) = kind {
                if FELL_TO.is_match(&claim.span.quote) {
                    let id = &self.lex.entries[*e].id;
                    found.extend(b_quantities.iter().filter(|f| {
                        matches!(f.kind, QKind::Measure(x)
                            if self.lex.entries[x].lowest_of.as_ref() == Some(id))
                    }));
                }
            }
            // The claim's own earlier value ("SALT 71, up from 38 in May") is
            // history it states: a note giving it neither confirms nor opposes
            // the current one.
            let earlier = earlier_values(&claim.span.quote);
            if !earlier.is_empty() && !claimed.iter().any(|q| earlier.contains(&q.value)) {
                found.retain(|f| !earlier.contains(&f.value));
            }
            // A reference range's bound ("ref 70-140", a row's last cell
            // "<140 %"), a mean or a median, or a value at rest against one on
            // exertion is another figure than the claimed one.
            found.retain(|f| !other_figure(&claim.span.quote, &cand.span.quote, f));
            // A value the candidate binds to a measure ("SpO2 92% RA at
            // rest") that the claim gives a value of in this unit too ("with
            // her oxygen saturation falling to 85%") is compared as that
            // measure, not with the claim's other values in the unit ("walked
            // 210 meters, 45% of predicted").
            if let QKind::Unit(_) = kind {
                let bound_to = |qs: &[Quantity], v: f64| -> Vec<QKind> {
                    qs.iter()
                        .filter(|m| m.value == v && matches!(m.kind, QKind::Measure(_)))
                        .map(|m| m.kind.clone())
                        .collect()
                };
                let claim_bound: Vec<QKind> = a
                    .quantities
                    .iter()
                    .filter(|q| &q.kind == kind)
                    .flat_map(|q| bound_to(&a.quantities, q.value))
                    .collect();
                found.retain(|f| {
                    !bound_to(&b_quantities, f.value)
                        .iter()
                        .any(|m| claim_bound.contains(m))
                });
            }
            // Hours are the length of a session or a stay, weeks to years that
            // of a course: "2 h" of teaching says nothing of "at least 6 months".
            if *kind == QKind::Duration {
                found.retain(|f| {
                    !claimed.iter().all(|q| {
                        matches!(
                            (duration_scale(&q.surface), duration_scale(&f.surface)),
                            (Some(x), Some(y)) if x != y
                        )
                    })
                });
            }
            // A measure with two names: "PD-L1 TPS 60%" against "PD-L1 IHC:
            // tumor proportion score (TPS) 60%". The candidate's value under
            // another name the claim gives too is the claimed measure's.
            if let (QKind::Named(n), true) = (kind, found.is_empty()) {
                let claim_names = |m: &str| {
                    claim.span.quote.split_whitespace().any(|t| {
                        t.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                            .eq_ignore_ascii_case(m)
                    })
                };
                found.extend(b_quantities.iter().filter(|f| {
                    matches!(&f.kind, QKind::Named(m) if m != n && claim_names(m))
                        && claimed.iter().any(|q| agrees(q, f))
                }));
            }
            // A named score's percent and its plain value are two measures
            // ("FEV1 +11%" after a bronchodilator, "FEV1 1.92" litres).
            if let QKind::Named(_) | QKind::Measure(_) = kind {
                // Written with "%", or read as a percent beside its measure.
                let pct = |q: &Quantity, all: &[Quantity]| {
                    q.surface.ends_with('%')
                        || all
                            .iter()
                            .any(|o| o.kind == QKind::Unit("%") && o.value == q.value)
                };
                // (A table row whose label gives the unit, "| FVC, %
                // predicted | 78 | 64 | 49 |", gives percents.)
                static PERCENT_LABEL: std::sync::LazyLock<regex::Regex> =
                    std::sync::LazyLock::new(|| {
                        regex::Regex::new(
                            r"(?i)^\W*[a-z0-9-]+\s*,?\s*(?:\(\s*)?%\s*(?:pred|predicted)?\b",
                        )
                        .unwrap()
                    });
                let percent_row = PERCENT_LABEL.is_match(&cand.span.quote);
                found.retain(|f| {
                    claimed.iter().any(|q| {
                        pct(q, &a.quantities) == (pct(f, &b_quantities) || percent_row)
                            || as_fraction(kind, q, f)
                    })
                });
            }
            // "more than 80% relief" against "pain 7/10 before, 1/10 after the
            // block": the relief the two pain scores make.
            let relief = (found.is_empty() && *kind == QKind::Unit("%"))
                .then(|| relief_from_pain(&claim.span.quote, &b_quantities))
                .flatten();
            if let Some(relief) = &relief {
                // (A relief a patient gives as a round figure, "85%", is
                // near enough to the scores' 88%.)
                let near = |q: &Quantity| match q.cmp {
                    quantity::Cmp::Eq => (q.value - relief.value).abs() <= RELIEF_ROUNDING,
                    _ => agrees(q, relief),
                };
                if !claimed.iter().any(|q| near(q)) {
                    let why = self.values_differ(kind, &claimed, &[relief], &p.where_());
                    return Err((Verdict::ValueDiffers(why), "relief_differs"));
                }
            }
            if relief.is_some()
                || (found.is_empty()
                    && claimed
                        .iter()
                        .any(|q| weight_change(&claim.span.quote, q, &b_quantities)))
                || claimed
                    .iter()
                    .any(|q| weight_moved(&claim.span.quote, q, &cand.span.quote))
                || (matches!(kind, QKind::Measure(e) if self.lex.entries[*e].id == "bmi")
                    && self.bmi_confirmed(a, &cand.span.quote))
            {
                // A change computed from the weights themselves is specific.
                parts.confirmed.push(kind.clone());
                strong = true;
            } else if found.is_empty()
                && matches!(kind, QKind::Unit(u) if self.result_unit(a, u))
                && claimed
                    .iter()
                    .all(|q| written_without_unit(&cand.span.quote, q, &b_quantities))
            {
                // A result a note writes without its unit ("ANC 2.8 | Plt 214"
                // for "ANC 2.8 x10^3/uL, platelets 214 x10^3/uL").
                parts.confirmed.push(kind.clone());
            } else if (converted_only || (!found.is_empty() && found.iter().all(|f| converted(f))))
                && !claimed.iter().any(|q| found.iter().any(|f| agrees(q, f)))
            {
                continue;
            } else if found.is_empty() {
                let uncounted = matches!(kind, QKind::Count(noun)
                    if claimed.iter().all(|q| plain_count(&claim.span.quote, q, &a.quantities))
                    && !b.tokens.iter().any(|t| stem(&t.norm) == *noun || t.norm == *noun)
                    && !COUNT_WORD.is_match(&cand.span.quote));
                if (uncounted || self.number_required(a, kind)) && missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
            } else if let Some(side) =
                side_differs(&claim.span.quote, &cand.span.quote, &claimed, &found)
            {
                // "MRD1 1 mm OD / 1 mm OS" against "MRD1: 1.0 mm OD, 2.5 mm OS":
                // each side's value is compared with the same side's.
                return Err((
                    Verdict::ValueDiffers(says_instead(&side)),
                    "side_value_differs",
                ));
            } else if let Some(latest) =
                latest_differs(&claim.span.quote, &cand.span.quote, &claimed, &found)
            {
                // "Most recent LDL-C: 118" against a trend row "142 118 104":
                // the claimed value is an older one of the sentence's series.
                let latest = format!("the latest value is {}", latest.surface.trim());
                return Err((
                    Verdict::ValueDiffers(says_instead(&latest)),
                    "latest_value_differs",
                ));
            } else if let Some(short) = bound_not_met_by_each(&claim.span.quote, &claimed, &found) {
                // "at least 6.0 mm on both sides" against "Right ... 6.4 mm.
                // Left EIA narrowest 5.9 mm": a bound the claim sets for each
                // side or each one is not met by one of them.
                let why = self.values_differ(kind, &claimed, &[short], &p.where_());
                return Err((Verdict::ValueDiffers(why), "bound_not_met_by_each"));
            } else if claimed.iter().any(|q| {
                found.iter().any(|f| {
                    agrees(q, f)
                        || approximately(&cand.span.quote, q, f)
                        // ("lost about 9 pounds" against "wt down 4 kg", 8.8 lb.)
                        || approximately(&claim.span.quote, f, q)
                        || as_fraction(kind, q, f)
                        || mass_units_converted(&a.quantities, q, &b_quantities, f)
                }) || derived::difference_or_sum(&claim.span.quote, q, &found)
            }) {
                parts.confirmed.push(kind.clone());
                // A measure's value, or the same treatment for the same time.
                strong |= matches!(
                    kind,
                    QKind::Measure(_) | QKind::ChangeOf(_) | QKind::Named(_)
                ) || listed.iter().any(|l| &l.kind == kind)
                    // A result whose label the claim names.
                    || (matches!(kind, QKind::Unit(u) if self.result_unit(a, u))
                        && claimed.iter().any(|q| {
                            found.iter().any(|f| {
                                agrees(q, f) && label_named(&claim.span.quote, f, &cand.span.quote)
                            })
                        }))
                    || (matches!(kind, QKind::Duration)
                    && matched.iter().any(|m| self.is_treatment(m.entry)))
                    // The same drug at the same dose ("hydroxychloroquine 400
                    // mg daily" against "HCQ 200 mg BID").
                    || (is_dose(kind) && matched.iter().any(|m| self.is_drug(m.entry)));
            } else if matches!(kind, QKind::Unit(u) if !self.result_unit(a, u))
                && !(a.concepts.iter().filter(|c| self.is_drug(c.entry)).count() == 1
                    && b.concepts.iter().filter(|c| self.is_drug(c.entry)).count() == 1
                    && self.abbreviated_drugs(cand, b).is_empty()
                    && matched.iter().any(|m| self.is_drug(m.entry)))
            {
                // A dose differs: a contradiction only when both sentences are
                // about one and the same drug ("atorvastatin 80 mg" is not
                // contradicted by "rosuvastatin 20 mg" in the same sentence).
                continue;
            } else if matches!(kind, QKind::Count(_))
                && rate_period(&claim.span.quote).is_some()
                && rate_period(&cand.span.quote) != rate_period(&claim.span.quote)
            {
                // A count of another span of time neither contradicts nor
                // confirms a rate: the sentence does not give the claimed one.
                if missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
                continue;
            } else if *kind == QKind::Duration
                && claimed.iter().all(|q| look_back(&claim.span.quote, q))
                && found.iter().all(|f| look_back(&cand.span.quote, f))
            {
                // What happened in another window neither contradicts nor
                // confirms what happened in the claimed one.
                if missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
                continue;
            } else if *kind == QKind::Duration
                && !claimed.iter().any(|q| look_back(&claim.span.quote, q))
                && found.iter().all(|f| look_back(&cand.span.quote, f))
            {
                // Nor does a window the sentence counts events in ("2nd COPD
                // admission in 12 mo") say how long anything lasted ("a
                // 5-day admission").
                if missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
                continue;
            } else if *kind == QKind::Duration
                && ONGOING.is_match(&claim.span.quote)
                && grew_since(&claimed, &found, cand_date, request)
            {
                // A course a note dated before the request gave as shorter
                // ("lisinopril x 4 mo" two months before the request) has
                // gone on since: it neither confirms nor opposes the claimed
                // six months.
                if missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
                continue;
            } else if other_time
                || planned
                || (*kind == QKind::Duration && other_drugs_course)
                || extreme_not_reached(&claim.span.quote, &claimed, &found)
                || (is_dose(kind) && dose_in_other_time())
                || (other_analyte && !is_dose(kind) && *kind != QKind::Duration)
                || (matches!(kind, QKind::Unit(u) if self.result_unit(a, u))
                    && claimed
                        .iter()
                        .all(|q| label_missing(&claim.span.quote, q, &cand.span.quote)))
                || (matches!(kind, QKind::Unit(u) if self.result_unit(a, u))
                    && claimed.iter().all(|q| {
                        found
                            .iter()
                            .all(|f| labels_differ(&claim.span.quote, q, &cand.span.quote, f))
                    }))
            {
                // A value of another time neither contradicts nor confirms.
                if self.number_required(a, kind) && missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
                continue;
            } else if *kind == QKind::Unit("mL") && self.result_unit(a, "mL") {
                // A volume read as a result only for want of a drug ("a
                // post-void residual of 250 mL" against "PVR 40 mL") is not
                // confirmed by another one; whether it is the same volume
                // ("1,333 mL of formula" against "250 mL free water flush")
                // the sentence may not say.
                if missing.is_none() {
                    missing = Some(claimed[0].surface.clone());
                }
                continue;
            } else {
                let why = self.values_differ(kind, &claimed, &found, &p.where_());
                if is_dose(kind) {
                    return Err((Verdict::DoseDiffers(why), "dose_differs"));
                }
                return Err((Verdict::ValueDiffers(why), "value_differs"));
            }
        }
        Ok((missing, strong))
    }

    /// The claim gives a BMI that the candidate's height and weight make, to
    /// within 0.3 ("BMI 29.4" from "Ht 165 cm, Wt 80 kg").
    fn bmi_confirmed(&self, a: &Analysis, cand: &str) -> bool {
        let claimed = a
            .quantities
            .iter()
            .filter(|q| matches!(q.kind, QKind::Measure(e) if self.lex.entries[e].id == "bmi"));
        let mut claimed = claimed.peekable();
        if claimed.peek().is_none() {
            return false;
        }
        bmi_from_text(cand).is_some_and(|bmi| {
            claimed.any(|q| {
                (bmi - q.value).abs() <= 0.3
                    || (q.cmp == quantity::Cmp::AtLeast && bmi >= q.value)
                    || (q.cmp == quantity::Cmp::AtMost && bmi <= q.value)
            })
        })
    }

    /// Days between the first and the last full date of a candidate whose
    /// dated rows (text from one date to the next) name a drug the claim names,
    /// when two or more rows do: "05/02/2026 MODAFINIL 200 MG TAB 30 30 ...
    /// 10/02/2026 MODAFINIL 200 MG TAB 60 30".
    ///
    /// With `weights`, rows that give a body weight count too ("04/09/2026
    /// 77.5 kg ... 10/08/2026 68.0 kg"): the weights were measured over that time.
    fn dated_rows_span(
        &self,
        text: &str,
        b: &Analysis,
        matched: &[ConceptMatch],
        weights: bool,
    ) -> Option<i64> {
        let mut full: Vec<&dates::Date> = b.dates.iter().filter(|d| d.day != 0).collect();
        full.sort_by_key(|d| d.at);
        if full.len() < 2 {
            return None;
        }
        let span_of = |rows: &[i64]| -> Option<i64> {
            (rows.len() >= 2)
                .then(|| rows.iter().max().unwrap_or(&0) - rows.iter().min().unwrap_or(&0))
        };
        let mut best = None;
        if weights {
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let byte = |c: usize| chars.get(c).map_or(text.len(), |x| x.0);
            let surfaces: Vec<&str> = b
                .quantities
                .iter()
                .filter(|q| matches!(q.kind, QKind::Unit("kg" | "lb")))
                .map(|q| q.surface.as_str())
                .collect();
            let rows: Vec<i64> = full
                .iter()
                .enumerate()
                .filter(|(i, d)| {
                    let end = full.get(i + 1).map_or(text.len(), |n| byte(n.at));
                    let row = &text[byte(d.at)..end];
                    surfaces.iter().any(|s| row.contains(s))
                })
                .map(|(_, d)| d.ordinal())
                .collect();
            best = span_of(&rows);
        }
        for m in matched.iter().filter(|m| self.is_drug(m.entry)) {
            let starts: Vec<usize> = b
                .concepts
                .iter()
                .filter(|c| c.entry == m.entry)
                .map(|c| c.start)
                .chain(
                    b.repeats
                        .iter()
                        .filter(|r| r.entry == m.entry)
                        .map(|r| r.start),
                )
                .collect();
            let rows: Vec<i64> = full
                .iter()
                .enumerate()
                .filter(|(i, d)| {
                    let end = full.get(i + 1).map_or(usize::MAX, |n| n.at);
                    starts.iter().any(|&s| s > d.at && s < end)
                })
                .map(|(_, d)| d.ordinal())
                .collect();
            best = best.max(span_of(&rows));
        }
        best.filter(|&d| d > 0)
    }

    /// "{assertion}: <label><claimed>; <where>: <label><found>, ..." for a value
    /// that differs (the label names a measure).
    /// A dose taken at another frequency: "furosemide 40 mg PO twice daily"
    /// against "furosemide 40 mg daily" (or "80 mg BID"). The claim names one
    /// drug with one regimen; the candidate's regimens are those written after
    /// the same drug, before the next drug it names. When it gives some and
    /// none is the claim's (the same dose as often, or the same amount a day),
    /// the dose differs. A dose without a frequency on either side is compared
    /// as a plain number, as before.
    fn regimen_differs(&self, p: Pair<'_>, matched: &[ConceptMatch]) -> Option<String> {
        let Pair {
            claim, a, cand, b, ..
        } = p;
        let mut drugs = a.concepts.iter().filter(|c| self.is_drug(c.entry));
        let drug = drugs.next()?;
        if drugs.next().is_some() {
            return None;
        }
        let m = matched.iter().find(|m| m.entry == drug.entry)?;
        let (cs, ce) = m.cand?;
        // (A dose planned or discussed, "Consider increasing metformin to
        // 1500 mg", is not the dose taken.)
        if self.assess(b, &cand.span.quote, cs, ce).hypothetical
            && !self
                .assess(a, &claim.span.quote, m.claim.0, m.claim.1)
                .hypothetical
        {
            return None;
        }
        let mut claimed = regimens(&claim.span.quote);
        claimed.dedup_by(|x, y| same_regimen(x, y));
        let [claimed] = claimed.as_slice() else {
            return None;
        };
        let byte_of = |text: &str, ch: usize| {
            text.char_indices()
                .nth(ch)
                .map(|(i, _)| i)
                .unwrap_or(text.len())
        };
        let text = &cand.span.quote;
        let from = byte_of(text, cs);
        // The claim's drug's doses run to the next drug named, by its name or
        // by an abbreviation ("despite HCQ, MMF 2 g/day and pred 10 mg": the
        // doses are mycophenolate's and prednisone's).
        let abbreviated_drug = self
            .abbreviated_drugs(cand, b)
            .into_iter()
            .find(|&at| at > cs);
        let to = b
            .concepts
            .iter()
            .filter(|c| self.is_drug(c.entry) && c.start > cs)
            .map(|c| c.start)
            .chain(abbreviated_drug)
            .min()
            .map_or(text.len(), |c| byte_of(text, c));
        let found: Vec<Regimen> = regimens(text)
            .into_iter()
            .filter(|r| r.at > from && r.at < to && r.unit == claimed.unit)
            .collect();
        if found.is_empty() || found.iter().any(|r| same_regimen(claimed, r)) {
            return None;
        }
        // The claimed dose written too, without its frequency ("start 75 mg
        // qAM, titrate to 150 mg"): a titration, compared as plain numbers.
        let segment = &text[from..to];
        let dose = format!("{}", claimed.dose);
        let written = segment.match_indices(dose.as_str()).any(|(i, _)| {
            let before = segment[..i].chars().next_back();
            let after = segment[i + dose.len()..].trim_start();
            !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
                && after.to_lowercase().starts_with(claimed.unit)
        });
        if written && !found.iter().any(|r| (r.dose - claimed.dose).abs() < 1e-9) {
            return None;
        }
        let found: Vec<&str> = found.iter().map(|r| r.surface.trim()).collect();
        Some(format!(
            "{{assertion}}: {}; {}: {}",
            claimed.surface.trim(),
            p.where_(),
            found.join(", ")
        ))
    }

    fn values_differ(
        &self,
        kind: &QKind,
        claimed: &[&Quantity],
        found: &[&Quantity],
        where_: &str,
    ) -> String {
        let label = match kind {
            QKind::Measure(e) => {
                self.lex.entries[*e]
                    .label
                    .clone()
                    .unwrap_or_else(|| self.lex.entries[*e].id.clone())
                    + " "
            }
            QKind::Named(_) => {
                // The surfaces carry the name ("MIDAS 42").
                String::new()
            }
            _ => String::new(),
        };
        let found_text: Vec<&str> = found.iter().map(|f| f.surface.trim()).collect();
        format!(
            "{{assertion}}: {label}{}; {where_}: {label}{}",
            claimed[0].surface.trim(),
            found_text.join(", ")
        )
    }
}

/// A named score written once as a percent and once as a fraction ("FiO2
/// 40%", "FiO2 0.40") is the same value.
fn as_fraction(kind: &QKind, q: &Quantity, f: &Quantity) -> bool {
    let same = |a: f64, b: f64| a <= 1.0 && b > 1.0 && (a * 100.0 - b).abs() < 0.51;
    matches!(kind, QKind::Named(_)) && (same(q.value, f.value) || same(f.value, q.value))
}

/// The dates the candidate's values are of: its own, or else its document's
/// date when that precedes every date of the claim. (An undated sentence of a
/// document dated before every date of the claim is of that earlier time: "Wt
/// 259 lb" in the note of 03/05 is not the weight "measured 10/15". A later
/// document may report an earlier value, so its date says nothing.)
fn candidate_dates(
    a: &Analysis,
    b: &Analysis,
    cand_date: Option<(u32, u32, u32)>,
) -> Vec<dates::Date> {
    if !b.dates.is_empty() {
        return b.dates.clone();
    }
    cand_date
        .map(dates::Date::ymd)
        .filter(|d| {
            a.dates
                .iter()
                .all(|c| c.day != 0 && c.month != 0 && d.ordinal() < c.ordinal())
        })
        .into_iter()
        .collect()
}

/// A heading line: a few words in capitals, without digits ("HEPATITIS C VIRUS
/// ANTIBODY", "QUANTIFERON-TB GOLD PLUS").
fn is_heading(sentence: &str) -> bool {
    // (Counted up to nine: more is not a heading.)
    let words = sentence.split_whitespace().take(9).count();
    (1..=8).contains(&words)
        && sentence.chars().any(char::is_alphabetic)
        && !sentence
            .chars()
            .any(|c| c.is_lowercase() || c.is_ascii_digit())
}

/// The acronyms a sentence writes (three to five letters, at least two of
/// them capitals, the first one too; digits may follow): lowercased, with
/// their token's char range.
pub(crate) fn acronyms_in(
    text: &str,
    tokens: &[pa_types::text::Token],
) -> Vec<(String, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    tokens
        .iter()
        .filter_map(|t| {
            let cs = chars.get(t.start..t.end.min(chars.len()))?;
            let letters: Vec<char> = cs
                .iter()
                .copied()
                .take_while(|c| c.is_alphabetic())
                .collect();
            let rest_digits = cs[letters.len()..].iter().all(char::is_ascii_digit);
            let capitals = letters.iter().filter(|c| c.is_ascii_uppercase()).count();
            ((3..=5).contains(&letters.len())
                && rest_digits
                && letters[0].is_ascii_uppercase()
                && capitals >= 2
                && letters.iter().all(char::is_ascii_alphabetic))
            .then(|| {
                (
                    letters.iter().collect::<String>().to_lowercase(),
                    t.start,
                    t.end,
                )
            })
        })
        .collect()
}

/// Words of the claim that an acronym stands for, as char ranges of the claim:
/// "Post-Concussion Symptom Scale" against the candidate's "PCSS", and a
/// claim's "DHI" against "Dizziness Handicap Inventory". An acronym is 3 to 5
/// letters, two or more of them capitals and the first one ("MoCA"), and
/// may end in digits ("MRD1", "DAS28"). Its words are as many consecutive
/// tokens, each starting with its letter; or one token fewer or two, the first
/// giving the first two or three letters ("LV end-diastolic diameter" for
/// "LVEDD", "Montreal Cognitive Assessment" for "MoCA"), when none of them is
/// a stopword. No vocabulary needed: the text spells the acronym out.
fn acronym_matches(a: &Analysis, b: &Analysis) -> Vec<((usize, usize), (usize, usize))> {
    let (a_tokens, b_tokens) = (&a.tokens[..], &b.tokens[..]);
    let spelled = |tokens: &[pa_types::text::Token], acronym: &str| -> Option<(usize, usize)> {
        let n = acronym.len();
        let exact = tokens.windows(n).find_map(|w| {
            let initials: String = w.iter().filter_map(|t| t.norm.chars().next()).collect();
            (initials == acronym && w.iter().all(|t| t.norm.len() >= 2))
                .then(|| (w[0].start, w[n - 1].end))
        });
        exact.or_else(|| {
            (2..=3).filter(|k| n > *k).find_map(|k| {
                let (head, initials) = acronym.split_at(k);
                tokens.windows(n - k + 1).find_map(|w| {
                    (w[0].norm.starts_with(head)
                        && w[1..]
                            .iter()
                            .zip(initials.chars())
                            .all(|(t, c)| t.norm.starts_with(c))
                        && w.iter().all(|t| t.norm.len() >= 2 && !is_stopword(&t.norm)))
                    .then(|| (w[0].start, w[w.len() - 1].end))
                })
            })
        })
    };
    let mut out = Vec::new();
    // The candidate's acronym spells out words of the claim.
    for (acr, s, e) in b.acronyms() {
        if let Some(range) = spelled(a_tokens, acr) {
            out.push((range, (*s, *e)));
        }
    }
    // The claim's acronym is spelled out in the candidate.
    for (acr, s, e) in a.acronyms() {
        if let Some(range) = spelled(b_tokens, acr) {
            out.push(((*s, *e), range));
        }
    }
    out
}

/// The period a count is a rate of ("22 seizures per month", "3 a week",
/// "daily"): a count of one EEG recording is no monthly rate, and neither
/// confirms nor contradicts it.
fn rate_period(text: &str) -> Option<&'static str> {
    static RATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(?:\bper|\ba|\beach|/)\s*(day|d|week|wk|month|mo|year|yr)\b|\b(daily|weekly|monthly|yearly|annually)\b").unwrap()
    });
    let c = RATE.captures(text)?;
    let w = c.get(1).or(c.get(2))?.as_str().to_lowercase();
    Some(match w.as_str() {
        "day" | "d" | "daily" => "day",
        "week" | "wk" | "weekly" => "week",
        "month" | "mo" | "monthly" => "month",
        _ => "year",
    })
}

/// A claimed peak ("a peak COWS of 18", "maximum", "highest", "worst") is not
/// contradicted by lower values, which are other times of the series; a
/// claimed nadir ("lowest", "nadir", "minimum") not by higher ones.
/// The latest of a sentence's series of values, when a claim about the present
/// ("most recent", "latest", "current", "now", "remains", "still") agrees with
/// an earlier value of the series and not with the latest. The series is read
/// in time: each value takes the nearest date before it in the sentence
/// ("486 mcg/g (10/14/2026) ... Prior (07/30/2026): 1,140 mcg/g"); without
/// dates, in writing order, as trend rows and arrows put it ("142 118 104",
/// "18.2 -> 6.4").
fn latest_differs<'q>(
    claim: &str,
    cand: &str,
    claimed: &[&Quantity],
    found: &[&'q Quantity],
) -> Option<&'q Quantity> {
    static PRESENT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(most recent|latest|current|currently|now|remains|still|today)\b")
            .unwrap()
    });
    if found.len() < 2 || !PRESENT.is_match(claim) || !dates::find(claim).is_empty() {
        return None;
    }
    // Each value's char position in the candidate (its number as read:
    // "1,140" is "1140").
    let chars: Vec<char> = crate::quantity::join_thousands(cand).chars().collect();
    let mut taken: Vec<usize> = Vec::new();
    let mut placed: Vec<(usize, &Quantity)> = Vec::new();
    for f in found {
        // (A named score's surface gives its name first: "FVC 62%".)
        let number = f
            .surface
            .split_whitespace()
            .find(|t| t.starts_with(|c: char| c.is_ascii_digit()))?;
        let n: Vec<char> = number.chars().collect();
        let at = (0..chars.len().saturating_sub(n.len() - 1)).find(|&i| {
            chars[i..i + n.len()] == n[..]
                && !taken.contains(&i)
                && !(i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
                && !chars.get(i + n.len()).is_some_and(|c| c.is_ascii_digit())
        })?;
        taken.push(at);
        placed.push((at, f));
    }
    let ds = dates::find(cand);
    let date_before = |at: usize| {
        ds.iter()
            .filter(|d| d.at < at)
            .max_by_key(|d| d.at)
            .map(|d| d.ordinal())
    };
    let latest = if ds.is_empty() {
        // Undated, the values must be one series: nothing between them but
        // their units, flags, arrows and "to"/"then" ("LDL 104 mg/dL, TC 188
        // mg/dL" is two measures).
        placed.sort_by_key(|p| p.0);
        let series = placed.windows(2).all(|w| {
            let between: String = chars[w[0].0..w[1].0].iter().collect();
            between
                .split(|c: char| !c.is_alphabetic())
                .filter(|t| !t.is_empty())
                .all(|t| {
                    matches!(t.to_ascii_lowercase().as_str(), "to" | "then" | "h" | "l")
                        || w[0].1.surface.contains(t)
                })
        });
        if !series {
            return None;
        }
        placed.last()?
    } else if placed.len() == ds.len() && placed.iter().all(|p| ds.iter().all(|d| d.at < p.0)) {
        // A table's header of dates before its row ("Test (units) 06/01/2030
        // 11/12/2030 ... ALT (U/L) 61 H 58 H"): each column's value is of its
        // column's date.
        placed.sort_by_key(|p| p.0);
        let mut columns: Vec<&dates::Date> = ds.iter().collect();
        columns.sort_by_key(|d| d.at);
        let latest_day = columns.iter().map(|d| d.ordinal()).max()?;
        if columns.iter().filter(|d| d.ordinal() == latest_day).count() != 1 {
            return None;
        }
        let k = columns.iter().position(|d| d.ordinal() == latest_day)?;
        placed.get(k)?
    } else {
        // Every value must have a date of its own, and the dates must differ.
        let dated: Vec<(i64, &(usize, &Quantity))> = placed
            .iter()
            .map(|p| date_before(p.0).map(|d| (d, p)))
            .collect::<Option<_>>()?;
        let latest_day = dated.iter().map(|d| d.0).max()?;
        if dated.iter().filter(|d| d.0 == latest_day).count() != 1 {
            return None;
        }
        dated.iter().find(|d| d.0 == latest_day)?.1
    };
    let agrees_some = claimed.iter().any(|q| found.iter().any(|f| agrees(q, f)));
    let agrees_latest = claimed.iter().any(|q| agrees(q, latest.1));
    (agrees_some && !agrees_latest).then_some(latest.1)
}

/// A candidate's stems, and its table head's when it is read with them.
pub(crate) struct Stems<'a> {
    own: &'a HashSet<String>,
    head: Option<&'a HashSet<String>>,
}

impl Stems<'_> {
    fn contains(&self, stem: &str) -> bool {
        self.own.contains(stem) || self.head.is_some_and(|h| h.contains(stem))
    }
}

/// Where `number` is written as a percent in `text`: the byte ranges that
/// `(?:^|[^\d.])NUMBER\s?%` finds, left to right and without overlap (a
/// match opens with the character before the number, when there is one).
/// Scanned by hand: building that pattern for each value of each candidate
/// cost more than the rest of the comparison.
fn percent_written(text: &str, number: &str) -> Vec<(usize, usize)> {
    // `\d` is a Unicode decimal digit.
    static DIGIT: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"^\d$").unwrap());
    let digit = |c: char| {
        if c.is_ascii() {
            c.is_ascii_digit()
        } else {
            DIGIT.is_match(c.encode_utf8(&mut [0; 4]))
        }
    };
    let mut found = Vec::new();
    // Where the previous match ended: the next one starts there or later.
    let mut from = 0;
    // Every place the number is written, overlapping ones too.
    let mut at = 0;
    while let Some(k) = text.get(at..).and_then(|t| t.find(number)) {
        let p = at + k;
        at = p + text[p..].chars().next().map_or(1, char::len_utf8);
        let start = if p == 0 {
            0
        } else {
            let Some(before) = text[..p].chars().next_back() else {
                continue;
            };
            if digit(before) || before == '.' {
                continue;
            }
            p - before.len_utf8()
        };
        if start < from {
            continue;
        }
        let rest = &text[p + number.len()..];
        let mut chars = rest.chars();
        let end = match (chars.next(), chars.next()) {
            (Some(w), Some('%')) if w.is_whitespace() => p + number.len() + w.len_utf8() + 1,
            (Some('%'), _) => p + number.len() + 1,
            _ => continue,
        };
        found.push((start, end));
        from = end;
    }
    found
}

/// Whether `cand` gives the claimed value as a bare number, with no unit of
/// another kind: "Plt 214" for "platelets 214 x10^3/uL". (A number inside a
/// date, a range or a ratio is not bare; a claimed range is written with both
/// its ends: "range 62-318" for "ranging from 62 to 318 mg/dL".)
fn written_without_unit(cand: &str, q: &Quantity, found: &[Quantity]) -> bool {
    // A range: both ends, as "62-318" or "62 to 318".
    if let Some(hi) = q.hi {
        let ends = format!(
            r"(?i)(?:^|[^\d.]){}\s*(?:-|–|to)\s*{}(?:$|[^\d.])",
            regex::escape(&plain_number(q.value)),
            regex::escape(&plain_number(hi))
        );
        return regex::Regex::new(&ends).is_ok_and(|r| r.is_match(cand));
    }
    let Some(number) = q.surface.split_whitespace().next() else {
        return false;
    };
    if q.hi.is_some() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return false;
    }
    let bare = cand
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | ',' | ';' | '(' | ')' | ':'))
        .map(|t| t.trim_end_matches('.'))
        .any(|t| t == number);
    bare && !found
        .iter()
        .any(|f| matches!(f.kind, QKind::Unit(_)) && (f.value - q.value).abs() < 1e-9)
}

/// A value of the candidate that fails a bound the claim sets for each of
/// several ("at least 6.0 mm on both sides", "all below 10 ng/mL"), when
/// another value meets it: the claim holds for one and not for each.
fn bound_not_met_by_each<'q>(
    claim: &str,
    claimed: &[&Quantity],
    found: &[&'q Quantity],
) -> Option<&'q Quantity> {
    static EACH: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:both|each|every|all|bilateral(?:ly)?)\b").unwrap()
    });
    if found.len() < 2 || !EACH.is_match(claim) {
        return None;
    }
    let bounds: Vec<&&Quantity> = claimed
        .iter()
        .filter(|q| q.cmp != quantity::Cmp::Eq && q.hi.is_none())
        .collect();
    let [q] = bounds.as_slice() else {
        return None;
    };
    // (Strictly: "5.9 mm" is not "at least 6.0 mm", though within the
    // rounding a single value is given.)
    let fails = |f: &Quantity| match q.cmp {
        quantity::Cmp::AtLeast => f.value < q.value,
        quantity::Cmp::AtMost => f.value > q.value,
        quantity::Cmp::Eq => false,
    };
    let met = found.iter().any(|f| agrees(q, f) && !fails(f));
    found
        .iter()
        .copied()
        .find(|f| met && f.hi.is_none() && fails(f))
}

/// How far, in percentage points, a relief a claim gives as one figure may be
/// from the relief two pain scores make.
const RELIEF_ROUNDING: f64 = 10.0;

/// The relief a sentence's two pain scores make, before and after ("Pre-
/// injection pain 7/10; 15 minutes post injection 1/10" is 86% relief), for a
/// claim of a percent of relief or reduction of pain. Only a sentence with
/// exactly two scores, the first the higher or equal, gives one.
fn relief_from_pain(claim: &str, cand_quantities: &[Quantity]) -> Option<Quantity> {
    static RELIEF: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)%\s*(?:\w+\s+){0,2}?(?:relief|reduction|improvement|decrease)\b")
            .unwrap()
    });
    if !RELIEF.is_match(claim) {
        return None;
    }
    let pain: Vec<&Quantity> = cand_quantities
        .iter()
        .filter(|q| q.kind == QKind::Pain)
        .collect();
    let [before, after] = pain.as_slice() else {
        return None;
    };
    if before.value <= 0.0 || after.value > before.value {
        return None;
    }
    let relief = (before.value - after.value) / before.value * 100.0;
    Some(Quantity {
        kind: QKind::Unit("%"),
        value: relief.round(),
        cmp: quantity::Cmp::Eq,
        hi: None,
        surface: format!(
            "{}% relief ({} to {})",
            relief.round(),
            before.surface,
            after.surface
        ),
    })
}

/// Whether a duration is written in hours (`Some(false)`), in weeks, months or
/// years or from a date to the request (`Some(true)`), or in days (`None`,
/// comparable with either).
fn duration_scale(surface: &str) -> Option<bool> {
    // (The time from a start date to the request is a course's.)
    if surface.ends_with("to the request") {
        return Some(true);
    }
    let unit = surface
        .split(|c: char| !c.is_alphabetic())
        .rfind(|w| !w.is_empty())?
        .to_lowercase();
    match unit.as_str() {
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(false),
        "wk" | "wks" | "week" | "weeks" | "mo" | "mos" | "month" | "months" | "yr" | "yrs"
        | "year" | "years" => Some(true),
        _ => None,
    }
}

fn extreme_not_reached(claim: &str, claimed: &[&Quantity], found: &[&Quantity]) -> bool {
    static PEAK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(?:^|[^/\w])(peak|peaked|maximum|max|highest|worst|up to)\b")
            .unwrap()
    });
    static NADIR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        // (Not a unit's "/min": "mL/min/1.73m2".)
        regex::Regex::new(r"(?i)(?:^|[^/\w])(nadir|lowest|minimum|min|as low as)\b").unwrap()
    });
    let (peak, nadir) = (PEAK.is_match(claim), NADIR.is_match(claim));
    (peak || nadir)
        && claimed.iter().any(|q| {
            found
                .iter()
                .all(|f| (peak && f.value < q.value) || (nadir && f.value > q.value))
        })
}

/// The same concentration in mg/dL and in mg/L ("CRP 2.4 mg/dL" is "CRP 24
/// mg/L"): a value of the claim written with one unit and the candidate's with
/// the other, ten times it.
fn mass_units_converted(
    claim_q: &[Quantity],
    q: &Quantity,
    cand_q: &[Quantity],
    f: &Quantity,
) -> bool {
    let unit_of = |all: &[Quantity], v: f64| {
        all.iter().find_map(|x| match x.kind {
            QKind::Unit(u @ ("mg/dL" | "mg/L")) if (x.value - v).abs() < 1e-9 => Some(u),
            _ => None,
        })
    };
    let close = |x: f64, y: f64| (x - y).abs() <= 0.005 * x.abs().max(y.abs()) + 1e-9;
    match (unit_of(claim_q, q.value), unit_of(cand_q, f.value)) {
        (Some("mg/dL"), Some("mg/L")) => close(q.value * 10.0, f.value),
        (Some("mg/L"), Some("mg/dL")) => close(q.value, f.value * 10.0),
        _ => false,
    }
}

/// The label line of a list or a table ("Spontaneous breathing trials (SBT,
/// CPAP 5 / PS 5):", "Prior treatments:"): it names what the lines after it
/// give, and asserts nothing itself.
fn is_list_label(sentence: &str) -> bool {
    let t = sentence.trim_end();
    t.ends_with(':') && t.split_whitespace().count() <= 12
}

/// Where a text says a drug was held (stopped for a while, for a study or a
/// procedure): "hold modafinil and sertraline 2 wks prior", "held x 14 days".
static HOLD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(hold|held|holding|washout|wash-out)\b[^.;()]{0,60}").unwrap()
});

/// The claim names an analyte with a prefix that makes it another one
/// ("non-HDL", "pre-bronchodilator", "anti-CCP") and the candidate names only
/// the bare analyte ("HDL"): their values are not of one measure.
fn prefixed_analyte(claim: &str, cand: &str) -> bool {
    let cand = cand.to_lowercase();
    let has_word = |w: &str| {
        cand.match_indices(w).any(|(i, _)| {
            let before = cand[..i].chars().next_back();
            let after = cand[i + w.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '-')
                && !after.is_some_and(char::is_alphanumeric)
        })
    };
    claim
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter_map(|t| {
            let t = t.to_lowercase();
            let (prefix, base) = t.split_once('-')?;
            (["non", "pre", "post", "anti"].contains(&prefix)
                && base.len() >= 2
                && base.chars().all(char::is_alphanumeric))
            .then(|| (prefix.to_string(), base.to_string()))
        })
        .any(|(prefix, base)| {
            has_word(&base)
                && ![
                    format!("{prefix}-{base}"),
                    format!("{prefix} {base}"),
                    format!("{prefix}{base}"),
                ]
                .iter()
                .any(|w| cand.contains(w.as_str()))
        })
}

/// The candidate's label of a value it gives is named by the claim: a result
/// row "Hemoglobin 9.8 L g/dL 12.0-15.5" or "ECG 10/27: NSR 74, QTc 438 ms"
/// gives the value of what the claim names ("Hemoglobin has fallen to 9.8
/// g/dL", "QTc 438 ms on baseline ECG"). The label is the one to three words
/// right before the number, within its clause or cell; every one of them must
/// be a word of the claim (a 4-letter start of one counts, "Hgb" does not).
fn label_named(claim: &str, f: &Quantity, cand: &str) -> bool {
    let Some(number) = f.surface.split_whitespace().next() else {
        return false;
    };
    let claim_words: Vec<String> = claim
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    cand.match_indices(number)
        .filter(|&(i, _)| {
            !cand[..i].ends_with(|c: char| c.is_ascii_digit() || c == '.')
                && !cand[i + number.len()..].starts_with(|c: char| c.is_ascii_digit())
        })
        .any(|(i, _)| {
            let mut label = Vec::new();
            for t in cand[..i].split_whitespace().rev() {
                // (The value's own cell border, then the label's cell.)
                if t == "|" && label.is_empty() {
                    continue;
                }
                if label.len() == 3 || t == "|" {
                    break;
                }
                let w = t.trim_end_matches([':', '|']).to_lowercase();
                if w.is_empty()
                    || w.contains(|c: char| !(c.is_alphabetic() || c == '-'))
                    || t.starts_with('|')
                {
                    break;
                }
                label.push(w);
                if t.ends_with([':', '|']) && label.len() > 1 {
                    break;
                }
            }
            // (A label stops at a clause's or a cell's border.)
            !label.is_empty()
                && label.iter().all(|w| {
                    claim_words.iter().any(|c| {
                        c == w
                            || (w.len() >= 4
                                && c.len() >= 4
                                && (c.starts_with(w.as_str()) || w.starts_with(c.as_str())))
                    })
                })
        })
}

/// Whether the clause before a candidate's start date ("... w/ bipolar I d/o,
/// an electrician on short-term disability since 02/2027") holds a concept
/// or a key word of the claim: then the time since is the claim's.
fn since_clause_is_claimed(
    (claim_text, text): (&str, &str),
    (a, b): (&Analysis, &Analysis),
    matched: &[ConceptMatch],
    request: Option<(u32, u32, u32)>,
    is_treatment: impl Fn(usize) -> bool,
) -> bool {
    let numeric = since_date(text, &b.dates);
    let Some(d) = numeric.or_else(|| request.and_then(|r| since_month(text, r))) else {
        return true;
    };
    let chars: Vec<char> = text.chars().collect();
    let end = d.at.min(chars.len());
    let start = chars[..end]
        .iter()
        .rposition(|c| matches!(c, ',' | ';' | '(' | ')'))
        .map_or(0, |i| i + 1);
    // "adherent to fluticasone/salmeterol for over 12 months, and tiotropium
    // was added in March" against "..., Spiriva Respimat 2 puffs daily since
    // March": the claimed length of time is that of the treatment named last
    // before it, and when the claim names several, the clause must name
    // that one.
    let duration_at = a
        .quantities
        .iter()
        .filter(|q| q.kind == QKind::Duration)
        .find_map(|q| claim_text.find(q.surface.as_str()))
        .map(|byte| claim_text[..byte].chars().count());
    let treatments: Vec<&ConceptMatch> = matched
        .iter()
        .filter(|m| m.cand.is_some() && is_treatment(m.entry))
        .collect();
    let owner = duration_at.and_then(|at| {
        treatments
            .iter()
            .filter(|m| m.claim.1 <= at)
            .max_by_key(|m| m.claim.1)
    });
    let in_clause = |m: &ConceptMatch| m.cand.is_some_and(|(s, e)| s >= start && e <= end);
    // (Only for a start given by its month alone, "since March", which is
    // read with less certainty: a full date's clause is trusted as before.)
    if let Some(owner) = owner.filter(|_| treatments.len() > 1 && numeric.is_none()) {
        return in_clause(owner);
    }
    if matched.iter().any(in_clause) {
        return true;
    }
    let clause: String = chars[start..end].iter().collect();
    let stems: HashSet<String> = tokenize(&clause).iter().map(|t| stem(&t.norm)).collect();
    a.words.iter().any(|w| stems.contains(&w.stem))
}

/// A value on a named ordinal scale: its scale's name, when written before
/// the label ("MGFA", "Tonnis", "NYHA"), the label (`class`, `grade`,
/// `stage`) and the value as a number and a sub-letter ("IIIb" is 3 and b).
#[derive(Debug, PartialEq)]
struct Staged {
    name: Option<String>,
    label: String,
    value: (u32, Option<char>),
    surface: String,
}

/// The values on named ordinal scales a text gives: "MGFA class IIIa",
/// "Tonnis grade 0", "Class IIIb", "stage 2".
fn staged_values(text: &str) -> Vec<Staged> {
    static STAGED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"\b(?:([A-Z][A-Za-z]{2,})\s+)?(?i:(class|grade|stage))\s+([0-4]|I{1,3}|IV|V)([a-dA-D])?\b",
        )
        .unwrap()
    });
    STAGED
        .captures_iter(text)
        .filter_map(|c| {
            let value = roman_or_digit(&c[3])?;
            let name = c.get(1).map(|m| m.as_str().to_lowercase()).filter(|n| {
                !matches!(
                    n.as_str(),
                    "the" | "and" | "with" | "his" | "her" | "its" | "clinical"
                )
            });
            Some(Staged {
                name,
                label: c[2].to_lowercase(),
                value: (
                    value,
                    c.get(4)
                        .map(|m| m.as_str().to_ascii_lowercase().chars().next().unwrap()),
                ),
                surface: c[0].to_string(),
            })
        })
        .collect()
}

fn roman_or_digit(v: &str) -> Option<u32> {
    match v {
        "I" => Some(1),
        "II" => Some(2),
        "III" => Some(3),
        "IV" => Some(4),
        "V" => Some(5),
        _ => v.parse().ok(),
    }
}

/// The candidate's value on a scale the claim gives a value of, when the two
/// differ: the same label, and the same scale name where both write one; a
/// candidate may write the claim's scale name alone before the value ("Tonnis
/// 1" for "Tonnis grade 0"). A sub-letter counts only where both give one.
fn stage_differs(claim: &str, cand: &str) -> Option<String> {
    let claimed = staged_values(claim);
    if claimed.is_empty() {
        return None;
    }
    // (A word and a value: "Tonnis 1". Only a scale name the claim gives counts.)
    static NAMED_VALUE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b([a-z][a-z0-9-]{2,})\s+([0-4]|I{1,3}|IV|V)([a-d])?\b").unwrap()
    });
    let mut found = staged_values(cand);
    for m in NAMED_VALUE.captures_iter(cand) {
        let word = m[1].to_lowercase();
        let Some(c) = claimed
            .iter()
            .find(|c| c.name.as_deref() == Some(word.as_str()))
        else {
            continue;
        };
        if let Some(v) = roman_or_digit(&m[2]) {
            found.push(Staged {
                name: Some(word),
                label: c.label.clone(),
                value: (
                    v,
                    m.get(3)
                        .and_then(|x| x.as_str().to_ascii_lowercase().chars().next()),
                ),
                surface: m[0].to_string(),
            });
        }
    }
    for c in &claimed {
        let same_scale: Vec<&Staged> = found
            .iter()
            .filter(|f| {
                f.label == c.label
                    && match (&c.name, &f.name) {
                        (Some(x), Some(y)) => x == y,
                        _ => true,
                    }
            })
            .collect();
        let agrees = |f: &&Staged| {
            f.value.0 == c.value.0
                && match (c.value.1, f.value.1) {
                    (Some(x), Some(y)) => x == y,
                    _ => true,
                }
        };
        if !same_scale.is_empty() && !same_scale.iter().any(agrees) {
            return Some(same_scale[0].surface.clone());
        }
    }
    None
}

/// A time named by pointing back to it ("that day", "at that visit", "at
/// the time").
static THAT_TIME: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:that|the same)\s+(?:day|date|visit|appointment|admission|week|evaluation|session)\b|\bat\s+(?:that|the)\s+time\b")
        .unwrap()
});

/// A time of a stay a value is tagged with: "on adm", "at discharge", "at d/c".
static STAY_TIME: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\b(?:on|at|upon)\s+(?:adm(?:ission)?|arrival|presentation|discharge|d/c|dc)\b",
    )
    .unwrap()
});

/// A lab value's label in the claim ("Non-HDL cholesterol" of "Non-HDL
/// cholesterol 136 mg/dL") has a word the candidate lacks: the candidate's
/// values in that unit are of other analytes ("Total cholesterol 188 mg/dL").
/// The label is up to three words right before the number, within its clause,
/// and only its acronyms are looked for.
fn label_missing(claim: &str, q: &Quantity, cand: &str) -> bool {
    let Some(label) = label_before(claim, q) else {
        return false;
    };
    // (Most labels have no acronym: the candidate is not read for them.)
    if !label.iter().any(|(_, acronym)| *acronym) {
        return false;
    }
    let there = words_there(cand);
    label
        .iter()
        .any(|(w, acronym)| *acronym && w.len() >= 2 && !there(w))
}

/// Two values in one unit whose labels each name what the other sentence
/// does not: "lateral center-edge angle of 31 degrees" and "alpha angle 68
/// degrees", "FVC 2.1 L" and "tidal volume 0.5 L". They are two measures, not
/// two values of one.
fn labels_differ(claim: &str, q: &Quantity, cand: &str, f: &Quantity) -> bool {
    // (Acronyms are [`label_missing`]'s: "LVEF" names the "left ventricular
    // ejection fraction" a claim writes out.)
    let plain = |label: Vec<(String, bool)>| -> Vec<String> {
        label
            .into_iter()
            .filter(|(_, acronym)| !acronym)
            .map(|(w, _)| w)
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
            .collect()
    };
    let (Some(mine), Some(theirs)) = (label_before(claim, q), label_before(cand, f)) else {
        return false;
    };
    let (mine, theirs) = (plain(mine), plain(theirs));
    let (in_cand, in_claim) = (words_there(cand), words_there(claim));
    mine.iter().any(|w| !in_cand(w)) && theirs.iter().any(|w| !in_claim(w))
}

/// Whether a word is in `text`: written there, or either is a 4-letter start
/// of the other ("chol" for "cholesterol").
fn words_there(text: &str) -> impl Fn(&str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<String> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    move |w: &str| {
        words.iter().any(|c| {
            c == w
                || (c.len() >= 4 && w.starts_with(c.as_str()))
                || (w.len() >= 4 && c.starts_with(w))
        })
    }
}

/// The label of a value in `text`: up to three words right before its number,
/// within its clause, without articles, verbs of finding or times; each with
/// whether it is an acronym (two capitals or more).
fn label_before(text: &str, q: &Quantity) -> Option<Vec<(String, bool)>> {
    const NOT_LABEL: &[&str] = &[
        "is",
        "was",
        "were",
        "of",
        "the",
        "a",
        "an",
        "at",
        "on",
        "to",
        "her",
        "his",
        "their",
        "with",
        "and",
        "level",
        "levels",
        "value",
        "measured",
        "recent",
        "now",
        "currently",
        "latest",
        "most",
        "had",
        "has",
        "have",
        "showed",
        "shows",
        "by",
        "from",
        "be",
        "been",
        "today",
        "current",
        "baseline",
        "prior",
        "previous",
        "repeat",
        "initial",
        "last",
    ];
    let number = q.surface.split_whitespace().next()?;
    let at = text.match_indices(number).map(|(i, _)| i).find(|&i| {
        !text[..i].ends_with(|c: char| c.is_ascii_digit() || c == '.')
            && !text[i + number.len()..].starts_with(|c: char| c.is_ascii_digit())
    })?;
    let mut label = Vec::new();
    for t in text[..at].split_whitespace().rev() {
        if t.ends_with([',', ';', '.', ')']) || label.len() == 3 {
            break;
        }
        let w = t.trim_end_matches(':').to_lowercase();
        if w.is_empty()
            || w.contains(|c: char| c.is_ascii_digit() || !(c.is_alphanumeric() || c == '-'))
        {
            break;
        }
        // Only its acronyms decide ("HDL", "Non-HDL", "TSH"): plain words are
        // often paraphrased ("resection weight" for "resection").
        if !NOT_LABEL.contains(&w.as_str()) {
            label.push((w, t.chars().filter(char::is_ascii_uppercase).count() >= 2));
        }
        if t.ends_with(':') && label.len() > 1 {
            break;
        }
    }
    Some(label)
}

/// A claim that a lab test is normal, high or low ("TSH within normal limits",
/// "her ferritin is low") read against a lab row of the candidate that names
/// the test and gives its value with a reference range ("TSH 09/24/2026 2.1
/// mIU/L 0.4-4.5", "Ferritin 9 ng/mL (15-150) L"). The row's label (its words
/// before the first number) must be named in the claim. `Some(true)` when the
/// value is on the claimed side of the range, `Some(false)` when not, with the
/// row; `None` when the claim says no such thing or no row is read.
fn reference_range(claim: &str, cand: &str) -> Option<(bool, String)> {
    #[derive(PartialEq)]
    enum Side {
        Normal,
        High,
        Low,
    }
    static STATUS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(within (?:the )?(?:normal|reference) (?:limits|range)|wnl|normal)|(elevated|high|above (?:the )?(?:normal|reference|upper))|(low|below (?:the )?(?:normal|reference|lower)|deficient))\b").unwrap()
    });
    static NOT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        // ("ten times normal", "3x the upper limit of normal": a multiple.)
        regex::Regex::new(r"(?i)\b(not|no|never|non|ab|times|x|of)\s*-?\s*$|\d\s*[x×]\s*$").unwrap()
    });
    static RANGE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)").unwrap()
    });
    static NUMBER: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?:^|[\s(:=])(\d+(?:\.\d+)?)\b").unwrap());
    static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{2,4}\b").unwrap()
    });
    // A value, perhaps its unit, then its flag: a word in parentheses, or a
    // capital H or L alone ("L" right after a number is a unit: "1.2 L").
    static FLAGGED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        let unit = r"[A-Za-z%/µ]{1,8}(?:/[A-Za-z0-9]{1,4})?";
        regex::Regex::new(&format!(
            r"^\D*?\d+(?:\.\d+)?\s*(?:{unit}\s+(?-i:\b(H|L|HH|LL)\b)|(?:{unit}\s+)?\((?i:(high|low|elevated|normal|nl|wnl))\)|(?:{unit}\s+)?(?i:\b(high|low|elevated|normal|wnl)\b)\s*(?:[),.;]|$))"
        ))
        .unwrap()
    });
    // One status, not negated ("not elevated"), and the claim is short enough
    // to be about the test.
    let mut found = STATUS.captures_iter(claim);
    let c = found.next()?;
    if found.next().is_some() || NOT.is_match(&claim[..c.get(0)?.start()]) {
        return None;
    }
    let side = if c.get(1).is_some() {
        Side::Normal
    } else if c.get(2).is_some() {
        Side::High
    } else {
        Side::Low
    };
    let claim_words: HashSet<String> = claim
        .split(|ch: char| !(ch.is_alphanumeric() || ch == '-'))
        .map(str::to_lowercase)
        .collect();
    // (Rows of a line joined into sentences end with ". ": "bili nl. TSH 8.9
    // (high), started levothyroxine.")
    // A label's word is named in the claim as written or through its sense
    // ("PTH" in "parathyroid hormone").
    let named = |w: &str| {
        claim_words.contains(&w.to_lowercase())
            || pa_types::abbrev::expand(w).iter().any(|sense| {
                sense
                    .split(|ch: char| !(ch.is_alphanumeric() || ch == '-'))
                    .filter(|x| !x.is_empty())
                    .all(|x| claim_words.contains(&x.to_lowercase()))
            })
    };
    for row in cand.split(['\n', ';']).flat_map(|r| r.split(". ")) {
        let Some(first_number) = row
            .split_whitespace()
            .position(|t| t.starts_with(|ch: char| ch.is_ascii_digit()))
        else {
            continue;
        };
        // (A table row's label is its first cell, up to a comma: "| PTH,
        // intact, pg/mL | 142 | 104 | 88 | 15-65 |".)
        // (A row of several dates' values is read for a claim of its state,
        // not for a claimed value: "as low as 3.1 at that visit" is one of
        // its cells, compared as a value.)
        let table_row = row.trim_start().starts_with('|');
        let claim_body = claim
            .trim_start()
            .trim_start_matches(|ch: char| ch.is_ascii_digit() || matches!(ch, '.' | ')' | ' '));
        if table_row && claim_body.contains(|ch: char| ch.is_ascii_digit()) {
            continue;
        }
        let head: Vec<&str> = if table_row {
            let cell = row.trim_start()[1..].split('|').next().unwrap_or_default();
            cell.split(',')
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect()
        } else {
            row.split_whitespace().take(first_number).collect()
        };
        let label: Vec<&str> = head
            .iter()
            .map(|t| t.trim_matches(|ch: char| !ch.is_alphanumeric()))
            .filter(|t| t.len() >= 2)
            .collect();
        if label.is_empty() || label.len() > 4 || !label.iter().all(|w| named(w)) {
            continue;
        }
        let rest = DATE.replace_all(row, " ");
        let Some(range) = RANGE.captures_iter(&rest).last() else {
            // A row without its range may flag its value: "TSH 8.9 (high)",
            // "Ferritin 9 ng/mL L", "A1c 5.4 (normal)".
            if let Some(flag) = FLAGGED
                .captures(&rest)
                .and_then(|f| f.iter().skip(1).flatten().next())
                .map(|m| m.as_str().to_lowercase())
            {
                let found = match flag.as_str() {
                    "high" | "h" | "hh" | "elevated" => Side::High,
                    "low" | "l" | "ll" => Side::Low,
                    _ => Side::Normal,
                };
                return Some((found == side, row.trim().to_string()));
            }
            continue;
        };
        let (Ok(lo), Ok(hi)) = (range[1].parse::<f64>(), range[2].parse::<f64>()) else {
            continue;
        };
        // The value: the last number before the range.
        let Some(value) = NUMBER
            .captures_iter(&rest[..range.get(0).map_or(0, |m| m.start())])
            .last()
            .and_then(|v| v[1].parse::<f64>().ok())
        else {
            continue;
        };
        if lo >= hi {
            continue;
        }
        let agrees = match side {
            Side::Normal => (lo..=hi).contains(&value),
            Side::High => value > hi,
            Side::Low => value < lo,
        };
        return Some((agrees, row.trim().to_string()));
    }
    None
}

/// Values written with their side: after the value ("1.0 mm OD", "20/60
/// right"), or before it ("R 2,450 mL", "OS 21 mm"). A single letter counts
/// only before its value ("L" after one is a unit or a low flag).
fn side_values(text: &str) -> Vec<(char, f64)> {
    static AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(\d+(?:\.\d+)?)\s*(?:[a-z%/]{1,6}\s*)?\b(OD|OS|right|left)\b")
            .unwrap()
    });
    static BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\b(OD|OS|R|L|[Rr]ight|[Ll]eft)(?:\s*:\s*|\s+)(\d+(?:\.\d+)?)\b")
            .unwrap()
    });
    let side = |w: &str| match w.to_lowercase().as_str() {
        "od" | "r" | "right" => 'R',
        _ => 'L',
    };
    let text = crate::quantity::join_thousands(text);
    let mut out: Vec<(char, f64)> = Vec::new();
    for c in AFTER.captures_iter(&text) {
        if let Ok(v) = c[1].parse() {
            out.push((side(&c[2]), v));
        }
    }
    for c in BEFORE.captures_iter(&text) {
        if let Ok(v) = c[2].parse() {
            if !out.iter().any(|o| o.1 == v) {
                out.push((side(&c[1]), v));
            }
        }
    }
    out
}

/// A side whose claimed value the candidate gives otherwise, when both
/// sentences give values by side and no claimed value of that side agrees
/// with the candidate's for it.
fn side_differs(
    claim: &str,
    cand: &str,
    claimed: &[&Quantity],
    found: &[&Quantity],
) -> Option<String> {
    let (a, b) = (side_values(claim), side_values(cand));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    for s in ['R', 'L'] {
        let on = |sv: &[(char, f64)], qs: &[&Quantity]| -> Vec<f64> {
            sv.iter()
                .filter(|x| x.0 == s && qs.iter().any(|q| q.value == x.1 && q.hi.is_none()))
                .map(|x| x.1)
                .collect()
        };
        let (x, y) = (on(&a, claimed), on(&b, found));
        if x.is_empty() || y.is_empty() {
            continue;
        }
        if !x.iter().any(|v| y.iter().any(|w| (v - w).abs() < 1e-9)) {
            let name = if s == 'R' { "right" } else { "left" };
            return Some(format!("the {name} side's value is {}", y[0]));
        }
    }
    None
}

/// Does the candidate name an instrument written as one ("C-SSRS", "GAD-7",
/// "PHQ-2": capitals joined by a hyphen to capitals or to a number of one or
/// two digits, not an id such as "LRC-112093") that the claim does not name?
fn other_instrument(claim: &str, cand: &str) -> bool {
    let instruments = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|t| {
                t.split_once('-').is_some_and(|(a, b)| {
                    a.chars().all(|c| c.is_ascii_uppercase())
                        && (1..=6).contains(&a.len())
                        && ((1..=6).contains(&b.len()) && b.chars().all(|c| c.is_ascii_uppercase())
                            || (1..=2).contains(&b.len()) && b.chars().all(|c| c.is_ascii_digit()))
                        && a.len() + b.len() >= 3
                })
            })
            .map(str::to_uppercase)
            .collect()
    };
    let named = instruments(claim);
    instruments(cand).iter().any(|i| !named.contains(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_instrument_is_one_the_claim_does_not_name() {
        assert!(other_instrument(
            "PHQ-9 score 2 (negative)",
            "C-SSRS screen: negative"
        ));
        assert!(!other_instrument("PHQ-9 score 2", "PHQ-9: 2, minimal"));
        // (An id is no instrument.)
        assert!(!other_instrument("POS 11", "MRN: LRC-112093"));
    }

    #[test]
    fn a_course_claimed_in_full_against_one_cut_short() {
        let cut = |c: &str, n: &str| course_cut_short(c, n).is_some();
        assert!(cut(
            "She completed 12 sessions of CPT.",
            "CPT: 5 of 12 sessions attended."
        ));
        assert!(cut(
            "He attended every scheduled session.",
            "Attended 9/16 sessions."
        ));
        assert!(cut(
            "He attended PT twice weekly for 10 weeks.",
            "PT: 7 visits attended, 6 cancellations."
        ));
        assert!(cut(
            "She completed the program.",
            "Did not complete the program."
        ));
        assert!(cut(
            "She finished phototherapy.",
            "NB-UVB stopped after 9 tx."
        ));
        assert!(cut(
            "She has completed the hepatitis B vaccine series.",
            "Hep B vaccine #1 01/2028; #2 due 03/2028."
        ));
        // A course kept in full, or a claim of no course kept.
        assert!(!cut(
            "She completed 20 sessions.",
            "20 of 20 sessions attended."
        ));
        assert!(!cut(
            "Her husband agreed to drive her to every session.",
            "5 of 12 sessions attended."
        ));
        assert!(!cut(
            "She did not complete the program.",
            "Did not complete the program."
        ));
        assert!(!cut("He has tried PT.", "PT: 5 of 12 sessions attended."));
        assert!(!cut(
            "She completed 16 sessions of CBT.",
            "16 sessions attended of 18 scheduled (2 cancelled)."
        ));
        assert!(!cut(
            "PT: 12 visits, completed 03/2028",
            "Attended 12 of 14 scheduled visits."
        ));
        assert!(!cut(
            "She completed a six-week IOP.",
            "Teen IOP, completed 11/2026 (3 d/wk x 6 wks)."
        ));
    }

    /// The claim's value as `cand` writes it, and whether the claim names its label.
    fn named(claim: &str, cand: &str) -> bool {
        let claimed = quantities(claim, &[]);
        quantities(cand, &[]).iter().any(|f| {
            claimed.iter().any(|q| q.kind == f.kind && agrees(q, f)) && label_named(claim, f, cand)
        })
    }

    #[test]
    fn a_result_is_confirmed_when_the_claim_names_its_label() {
        assert!(named(
            "Hemoglobin has fallen to 9.8 g/dL",
            "Hemoglobin 9.8 L g/dL 12.0-15.5"
        ));
        assert!(named(
            "QTc 438 ms on baseline ECG",
            "ECG 10/27: NSR 74, QTc 438 ms."
        ));
        assert!(named(
            "Her albumin is 2.6 g/dL",
            "Albumin | 2.6 | L | g/dL | 3.5-5.0"
        ));
        // Another analyte's value, or a value whose label the claim lacks.
        assert!(!named(
            "Hemoglobin has fallen to 9.8 g/dL",
            "MCHC 9.8 g/dL (low)"
        ));
        assert!(!named(
            "His blood alcohol level was 86 mg/dL",
            "Ethanol, serum 86 mg/dL H"
        ));
    }

    #[test]
    fn a_claim_of_both_sides_or_each_needs_every_one() {
        // One side named, of a site the claim gives on both.
        assert!(one_side_of_both(
            "Both femoral arteries are at least 6.5 mm",
            "Right femoral access minimal diameter 7.1 mm."
        ));
        assert!(!one_side_of_both(
            "severe osteoarthritis of both knees",
            "Severe osteoarthritis of both knees, worse medially."
        ));
        // A bound for each that one of the values fails.
        let claimed = quantities("arteries of at least 6.5 mm on both sides", &[]);
        let found = quantities("Right 7.1 mm. Left 6.2 mm.", &[]);
        let kind = QKind::Unit("mm");
        let c: Vec<&Quantity> = claimed.iter().filter(|q| q.kind == kind).collect();
        let f: Vec<&Quantity> = found.iter().filter(|q| q.kind == kind).collect();
        assert_eq!(
            bound_not_met_by_each("arteries of at least 6.5 mm on both sides", &c, &f)
                .map(|q| q.value),
            Some(6.2)
        );
        assert!(bound_not_met_by_each("an artery of at least 6.5 mm", &c, &f).is_none());
    }

    #[test]
    fn hours_and_months_are_lengths_of_other_things() {
        assert_eq!(duration_scale("2 h"), Some(false));
        assert_eq!(duration_scale("6\nmonths"), Some(true));
        assert_eq!(
            duration_scale("1127 days from its start to the request"),
            Some(true)
        );
        assert_eq!(duration_scale("10 days"), None);
    }

    #[test]
    fn a_percent_is_found_where_its_pattern_finds_it() {
        let texts = [
            "3 mL 1% lidocaine and 1 % bupivacaine",
            "1%1%1 %1  %",
            "clobetasol 0.05% oint, 10.05% and 0.05 %",
            "111% 11% 2.11% a11%",
            "5%5% x5%",
            "٣5% 5\u{a0}% ５5%",
            "",
            "%",
            "80% relief; more than 80 percent",
        ];
        for text in texts {
            for number in ["1", "11", "0.05", "5", "80", "", "%"] {
                let pattern =
                    regex::Regex::new(&format!(r"(?:^|[^\d.]){}\s?%", regex::escape(number)))
                        .unwrap();
                let want: Vec<(usize, usize)> = pattern
                    .find_iter(text)
                    .map(|m| (m.start(), m.end()))
                    .collect();
                assert_eq!(
                    percent_written(text, number),
                    want,
                    "{number:?} in {text:?}"
                );
            }
        }
    }
}

#[cfg(test)]
mod staged_tests {
    use super::*;

    #[test]
    fn a_class_grade_or_stage_of_the_same_scale_is_compared() {
        assert_eq!(
            stage_differs("MGFA class IIIb", "MGFA class IIIa (limb)").as_deref(),
            Some("MGFA class IIIa")
        );
        assert_eq!(
            stage_differs("Tonnis grade 0 changes", "cam morphology, Tonnis 1").as_deref(),
            Some("Tonnis 1")
        );
        assert_eq!(
            stage_differs("NYHA class III", "NYHA class III, dyspnea"),
            None
        );
        // (Another scale's value, or a sub-letter one side leaves out, is no difference.)
        assert_eq!(stage_differs("NYHA class III", "MGFA class II"), None);
        assert_eq!(stage_differs("stage IVA", "stage IV disease"), None);
    }
}
