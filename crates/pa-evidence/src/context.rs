//! ConText for clinical mentions: is a mention negated, declined, hypothetical,
//! uncertain, historical, or about someone other than the patient?
//!
//! The algorithm is NegEx/ConText (Chapman et al.): trigger phrases from
//! `pipelines/context.toml` govern the words after them (`pre`) or before them
//! (`post`) up to a window or a terminator (`but`, `;`, ...). `anywhere`
//! triggers govern the whole sentence.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Deserialize;

/// Trigger lists for one axis.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Triggers {
    #[serde(default)]
    pre: Vec<String>,
    /// Pre-triggers that govern only the few words right after them, up to any
    /// punctuation: a result written before its test ("negative urine
    /// pregnancy test"), where "HBsAg negative, HCV positive" must not negate HCV.
    #[serde(default)]
    pre_near: Vec<String>,
    #[serde(default)]
    post: Vec<String>,
    #[serde(default)]
    anywhere: Vec<String>,
    /// Phrases that contain a trigger but are not one ("history of present illness").
    #[serde(default)]
    pseudo: Vec<String>,
    /// Extra words that end this axis's scope ("presents", "reports").
    #[serde(default)]
    terminators: Vec<String>,
    /// Words that, right after a comma, start an item of its own, out of the
    /// reach of a trigger before the comma ("no AF, occasional PACs").
    #[serde(default)]
    list_breakers: Vec<String>,
    /// Phrases whose last word ends a scope: a trigger before them governs
    /// their head only. In "no change in itch" the negation covers the change,
    /// and the itch goes on.
    #[serde(default)]
    head_only: Vec<String>,
    /// Post-triggers that govern the words before them only at the end of
    /// their clause: "Smoking: never" denies, "action tremor, never at rest"
    /// denies the rest only.
    #[serde(default)]
    clause_final: Vec<String>,
    /// Post-triggers that are verbs: at the end of their clause they govern
    /// the words before them ("PE was ruled out"); with an object after them,
    /// only the object ("the CT ruled out a mass": the CT was done).
    #[serde(default)]
    transitive: Vec<String>,
    /// Whether a spaced dash ends the scope of a trigger before it (it does
    /// but for relatives: "mother - asthma").
    #[serde(default = "yes")]
    dash_ends: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Terminators {
    words: Vec<String>,
    punctuation: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    version: u32,
    window: usize,
    negation: Triggers,
    declined: Triggers,
    hypothetical: Triggers,
    uncertain: Triggers,
    historical: Triggers,
    experiencer: Triggers,
    terminators: Terminators,
}

/// Mentions of one sentence assessed so far, by char range: a candidate
/// sentence is read for many claims, each asking about the same mentions.
#[derive(Default)]
pub(crate) struct Assessed(std::cell::RefCell<Vec<(usize, usize, Assessment)>>);

impl Assessed {
    /// The assessment of the mention at chars `start..end`, made by `assess`
    /// the first time it is asked for.
    pub(crate) fn get_or(
        &self,
        start: usize,
        end: usize,
        assess: impl FnOnce() -> Assessment,
    ) -> Assessment {
        let seen = self
            .0
            .borrow()
            .iter()
            .find(|&&(s, e, _)| (s, e) == (start, end))
            .map(|&(.., a)| a);
        seen.unwrap_or_else(|| {
            let assessment = assess();
            self.0.borrow_mut().push((start, end, assessment));
            assessment
        })
    }
}

/// The context of one mention.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Assessment {
    /// Negated ("denies X", "X negative").
    pub negated: bool,
    /// Offered but declined or refused.
    pub declined: bool,
    /// Planned, conditional or requested, not done.
    pub hypothetical: bool,
    /// Possible, suspected.
    pub uncertain: bool,
    /// In the past.
    pub historical: bool,
    /// About a family member.
    pub family: bool,
}

/// How many words a near pre-trigger governs ("negative serum beta-hCG pregnancy test").
const NEAR_WINDOW: usize = 4;

/// Words after which a near pre-trigger starts a noun phrase ("had a negative ...").
const NEAR_OPENERS: &[&str] = &[
    "a", "an", "the", "with", "had", "has", "have", "her", "his", "their", "and", "or",
];

/// Words that may follow a verb trigger without being its object ("PE was
/// ruled out by CTA", "ruled out clinically").
const NOT_AN_OBJECT: &[&str] = &[
    "by",
    "with",
    "on",
    "in",
    "at",
    "per",
    "as",
    "after",
    "since",
    "during",
    "today",
    "and",
    "or",
    "but",
    "clinically",
    "previously",
    "earlier",
    "already",
    "then",
    "there",
];

/// A trigger phrase as word ids (see [`Context::vocab`]).
type Phrase = Vec<u32>;

/// Word id of a token that is in no trigger phrase.
const UNKNOWN: u32 = u32::MAX;

/// Trigger phrases by their first word.
#[derive(Default)]
struct Phrases(HashMap<u32, Vec<Phrase>>);

impl Phrases {
    /// Lengths of the phrases that start at token `i`.
    fn lengths_at<'a>(&'a self, ids: &'a [u32], i: usize) -> impl Iterator<Item = usize> + 'a {
        self.0
            .get(&ids[i])
            .into_iter()
            .flatten()
            .filter(move |p| i + p.len() <= ids.len() && ids[i..i + p.len()] == p[..])
            .map(Vec::len)
    }
}

struct Axis {
    pre: Phrases,
    pre_near: Phrases,
    post: Phrases,
    anywhere: Phrases,
    pseudo: Phrases,
    terminators: Phrases,
    transitive: Phrases,
    list_breakers: Phrases,
    head_only: Phrases,
    clause_final: Phrases,
    dash_ends: bool,
}

/// Compiled ConText rules.
pub struct Context {
    window: usize,
    /// Every word of every trigger phrase, with its id.
    vocab: HashMap<String, u32>,
    /// negation, declined, hypothetical, uncertain, historical, experiencer.
    axes: [Axis; 6],
    terminators: HashSet<String>,
}

/// A token for ConText: a lowercase word (`s/p`, `r/o` and hyphenated words kept
/// whole) or a punctuation mark, with its char offsets.
#[derive(Debug, Clone)]
pub struct CtxToken {
    /// Lowercase text.
    pub text: String,
    /// Char start in the sentence.
    pub start: usize,
    /// Char end.
    pub end: usize,
}

/// Inside a ConText word, besides the `.` of [`pa_types::text::tokenize`]:
/// triggers are written with them (`s/p`, `r/o`, `non-reactive`, `mother's`).
const CTX_JOINERS: &[char] = &['/', '-', '\'', '.'];

/// A dash token ([`ctx_tokens`] keeps one only between spaces).
fn is_dash(t: &str) -> bool {
    matches!(t, "-" | "–" | "—")
}

/// Tokenize for ConText matching: lowercase words as [`pa_types::text::tokenize`]
/// scans them, but joined over [`CTX_JOINERS`], plus the punctuation that ends
/// a trigger's scope (`;` `.` `:` `,` `(` `)`, and a dash between spaces) as
/// tokens of its own.
pub fn ctx_tokens(s: &str) -> Vec<CtxToken> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let st = i;
            i = pa_types::text::word_end(&chars, st, CTX_JOINERS);
            out.push(CtxToken {
                text: chars[st..i].iter().collect::<String>().to_lowercase(),
                start: st,
                end: i,
            });
        } else {
            // A dash between spaces ("Suspected OSA - snoring, apneas") is
            // punctuation too: the rules list it among the terminators. (A dash
            // inside a word is a joiner, above.)
            let spaced_dash = matches!(c, '-' | '–' | '—')
                && (i == 0 || chars[i - 1].is_whitespace())
                && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
            // (The stop after a genus's initial ends nothing: "H. pylori",
            // "E. coli", "C. difficile".)
            let genus_initial = c == '.'
                && i >= 1
                && chars[i - 1].is_ascii_uppercase()
                && (i < 2 || !chars[i - 2].is_alphanumeric())
                && chars.get(i + 1) == Some(&' ')
                && chars.get(i + 2).is_some_and(|n| n.is_lowercase());
            if (matches!(c, ';' | '.' | ':' | ',' | '(' | ')') && !genus_initial) || spaced_dash {
                out.push(CtxToken {
                    text: c.to_string(),
                    start: i,
                    end: i + 1,
                });
            }
            i += 1;
        }
    }
    out
}

/// Where one axis's triggers are in a sentence.
struct Marks {
    /// Where `anywhere` triggers occur (outside pseudo-triggers), and their lengths.
    anywhere: Vec<(usize, usize)>,
    /// Shortest pre-trigger starting at each token (0: none).
    pre: Vec<usize>,
    /// Shortest near pre-trigger starting at each token (0: none).
    pre_near: Vec<usize>,
    /// Longest post-trigger starting at each token (0: none).
    post: Vec<usize>,
    /// The post-trigger there reaches back only within its clause.
    post_in_clause: Vec<bool>,
    /// The token ends the scope (a terminator of the rules or of the axis).
    stop: Vec<bool>,
    /// The token ends a `head_only` phrase ("in" of "no change in itch").
    head_end: Vec<bool>,
    /// The token is in the object after a `head_only` phrase ("itch"), out
    /// of the reach of a trigger before the phrase.
    head_object: Vec<bool>,
    /// A spaced dash ends the scope of a trigger before it.
    dash_ends: bool,
}

/// A sentence tokenized and matched against every trigger list once, so any
/// number of mentions in it are assessed without scanning it again.
pub struct Prepared {
    /// Token char ranges, and whether the token is a full stop.
    toks: Vec<(usize, usize, bool)>,
    /// The token is a dash between spaces.
    dash: Vec<bool>,
    /// The token is punctuation (it ends a near pre-trigger's scope).
    punct: Vec<bool>,
    /// The token is an opening parenthesis.
    opens: Vec<bool>,
    /// The token is a colon.
    colon: Vec<bool>,
    /// The token is a comma.
    comma: Vec<bool>,
    /// The token is a semicolon.
    semi: Vec<bool>,
    /// The token is a word that may follow a refusal without naming what was
    /// refused ("declined due to cost", "refused it", "declined at this time").
    no_object: Vec<bool>,
    /// The token is a verb or an article that may come between a refusal and
    /// what it refuses ("unwilling to try a", "not interested in pursuing").
    refusal_verb: Vec<bool>,
    /// The token is a number.
    digit: Vec<bool>,
    /// The token is a word.
    word: Vec<bool>,
    /// The token is a result word ("nl", "positive").
    result: Vec<bool>,
    /// The token is a copula ("was", "is"), or a word that may stand between a
    /// copula and its predicate ("also", "still").
    copula: Vec<bool>,
    filler: Vec<bool>,
    /// The token joins the items of a list: "or", "nor", "and", a comma.
    joint: Vec<bool>,
    /// The token is a marker written negative by a minus sign after it
    /// ("ER+/PR+/HER2-", "HER2- disease").
    minus: Vec<bool>,
    /// The token is a word with a "non-" prefix ("non-sustained", "non-healing").
    non: Vec<bool>,
    /// The innermost parenthesis each token is in (the token index of its `(`),
    /// and the parenthesis each parenthesis is in.
    paren: Vec<Option<usize>>,
    parent: std::collections::HashMap<usize, Option<usize>>,
    /// Where each parenthesis closes (token index of its `)`).
    close: std::collections::HashMap<usize, usize>,
    axes: Vec<Marks>,
    /// The mentions assessed so far, by char range: a candidate sentence is
    /// read for many claims, each asking about the same mentions.
    assessed: Assessed,
    /// The sentence prepared.
    text: Box<str>,
}

impl Prepared {
    /// Whether this is `text` prepared.
    pub(crate) fn is_of(&self, text: &str) -> bool {
        *self.text == *text
    }

    /// Can a trigger of `len` tokens at token `t` govern the token `target`?
    /// Only if the parenthesis the trigger is in also holds the target: in "on
    /// home O2 (declined TKA)", "declined" says nothing of the oxygen. A trigger
    /// that fills its parenthesis qualifies what the parenthesis follows: "BMI
    /// (not recorded)", "HER2 (negative)".
    fn reaches(&self, t: usize, len: usize, target: usize) -> bool {
        let Some(mut group) = self.paren[t] else {
            return true;
        };
        if t == group + 1 && self.close.get(&group) == Some(&(t + len)) {
            match self.parent.get(&group).copied().flatten() {
                Some(up) => group = up,
                None => return true,
            }
        }
        let mut g = self.paren[target];
        while let Some(x) = g {
            if x == group {
                return true;
            }
            g = self.parent.get(&x).copied().flatten();
        }
        false
    }
}

impl Context {
    /// Compile the TOML text of `pipelines/context.toml`.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let f: RulesFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if f.version != 1 {
            return Err(format!("unsupported context rules version {}", f.version));
        }
        let mut vocab = HashMap::default();
        let mut compile = |list: &[String]| {
            let mut out = Phrases::default();
            for p in list {
                let ids: Phrase = ctx_tokens(p)
                    .into_iter()
                    .map(|t| {
                        let n = vocab.len() as u32;
                        *vocab.entry(t.text).or_insert(n)
                    })
                    .collect();
                if let Some(&first) = ids.first() {
                    out.0.entry(first).or_default().push(ids);
                }
            }
            out
        };
        let mut axis = |t: &Triggers| Axis {
            pre: compile(&t.pre),
            pre_near: compile(&t.pre_near),
            post: compile(&t.post),
            anywhere: compile(&t.anywhere),
            pseudo: compile(&t.pseudo),
            terminators: compile(&t.terminators),
            transitive: compile(&t.transitive),
            list_breakers: compile(&t.list_breakers),
            head_only: compile(&t.head_only),
            clause_final: compile(&t.clause_final),
            dash_ends: t.dash_ends,
        };
        let axes = [
            axis(&f.negation),
            axis(&f.declined),
            axis(&f.hypothetical),
            axis(&f.uncertain),
            axis(&f.historical),
            axis(&f.experiencer),
        ];
        Ok(Context {
            window: f.window,
            vocab,
            axes,
            // A terminator is one token: a word or a punctuation mark.
            terminators: f
                .terminators
                .words
                .into_iter()
                .chain(f.terminators.punctuation)
                .collect(),
        })
    }

    /// Tokenize `sentence` and find every trigger in it.
    pub fn prepare(&self, sentence: &str) -> Prepared {
        let toks = ctx_tokens(sentence);
        let ids: Vec<u32> = toks
            .iter()
            .map(|t| self.vocab.get(&t.text).copied().unwrap_or(UNKNOWN))
            .collect();
        let dash: Vec<bool> = toks
            .iter()
            .map(|t| is_dash(&t.text) && self.terminators.contains(&t.text))
            .collect();
        // A dash ends the scope of a trigger before it ("Suspected OSA -
        // snoring"), but not of a result after it ("TB test - negative"): it is
        // a stop for the leftward scan only (`axis_applies`).
        // A note's next line that starts with a capitalized word is its next
        // item: in "no angina, no ectopy\nEstimated functional capacity ~5
        // METs" the denial ends with the line. (A line that ends with the
        // trigger itself wrapped: "no\nFever".)
        let chars: Vec<char> = sentence.chars().collect();
        let new_item = |i: usize| {
            let t = &toks[i];
            i > 0
                && ids[i - 1] == UNKNOWN
                && chars[toks[i - 1].end..t.start].contains(&'\n')
                && chars[t.start].is_uppercase()
                && chars.get(t.start + 1).is_some_and(|c| c.is_lowercase())
        };
        // ("Yet" ends a scope as a conjunction, "stable, yet fatigued", but
        // not as an adverb of the negation it follows: "has not yet started
        // DBT skills group" denies the group.)
        let yet_of_negation = |i: usize| {
            toks[i].text == "yet"
                && i > 0
                && matches!(toks[i - 1].text.as_str(), "not" | "never" | "n't" | "nor")
        };
        let term: Vec<bool> = toks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (self.terminators.contains(&t.text) && !is_dash(&t.text) && !yet_of_negation(i))
                    || new_item(i)
            })
            .collect();
        let axes = self
            .axes
            .iter()
            .map(|axis| axis_marks(axis, &toks, &ids, &term))
            .collect();
        let (paren, parent, close) = parentheses(&toks);
        let minus = minus_markers(sentence, &toks);
        const COPULAS: &[&str] = &["was", "were", "is", "are", "remains", "remained"];
        const FILLERS: &[&str] = &[
            "also",
            "still",
            "again",
            "all",
            "both",
            "reportedly",
            "repeatedly",
            "consistently",
            "been",
            "be",
            "likely",
            "otherwise",
            "essentially",
            "entirely",
        ];
        Prepared {
            assessed: Assessed::default(),
            text: sentence.into(),
            copula: toks
                .iter()
                .map(|t| COPULAS.contains(&t.text.as_str()))
                .collect(),
            joint: toks
                .iter()
                .map(|t| matches!(t.text.as_str(), "or" | "nor" | "and" | ","))
                .collect(),
            filler: toks
                .iter()
                .map(|t| FILLERS.contains(&t.text.as_str()))
                .collect(),
            minus,
            // (Not before a name in capitals: "non-HDL cholesterol" is an
            // analyte, a "non-ST-elevation" infarction a kind.)
            non: toks
                .iter()
                .map(|t| {
                    t.text.starts_with("non-")
                        && sentence
                            .chars()
                            .nth(t.start + 4)
                            .is_some_and(|c| c.is_lowercase())
                })
                .collect(),
            opens: toks.iter().map(|t| t.text == "(").collect(),
            colon: toks.iter().map(|t| t.text == ":").collect(),
            comma: toks.iter().map(|t| t.text == ",").collect(),
            semi: toks.iter().map(|t| t.text == ";").collect(),
            refusal_verb: toks
                .iter()
                .map(|t| {
                    matches!(
                        t.text.as_str(),
                        "to" | "try"
                            | "trying"
                            | "pursue"
                            | "pursuing"
                            | "start"
                            | "starting"
                            | "take"
                            | "taking"
                            | "undergo"
                            | "undergoing"
                            | "proceed"
                            | "proceeding"
                            | "with"
                            | "have"
                            | "having"
                            | "a"
                            | "an"
                            | "the"
                            | "any"
                    )
                })
                .collect(),
            no_object: toks
                .iter()
                .map(|t| {
                    matches!(
                        t.text.as_str(),
                        "due"
                            | "because"
                            | "d/t"
                            | "at"
                            | "for"
                            | "given"
                            | "as"
                            | "it"
                            | "them"
                            | "this"
                            | "that"
                            | "these"
                            | "secondary"
                            | "per"
                            | "by"
                            | "after"
                            | "citing"
                            | "owing"
                            | "so"
                            | "and"
                            | "but"
                            | "until"
                            | "today"
                    )
                })
                .collect(),
            digit: toks
                .iter()
                .map(|t| t.text.starts_with(|c: char| c.is_ascii_digit()))
                .collect(),
            word: toks
                .iter()
                .map(|t| t.text.starts_with(char::is_alphabetic))
                .collect(),
            result: toks
                .iter()
                .map(|t| {
                    matches!(
                        t.text.as_str(),
                        "nl" | "wnl"
                            | "normal"
                            | "abnormal"
                            | "unremarkable"
                            | "positive"
                            | "pos"
                            | "elevated"
                    )
                })
                .collect(),
            paren,
            parent,
            close,
            toks: toks
                .iter()
                .map(|t| (t.start, t.end, t.text == "."))
                .collect(),
            punct: toks
                .iter()
                .map(|t| !t.text.starts_with(char::is_alphanumeric))
                .collect(),
            dash,
            axes,
        }
    }

    fn axis_applies(&self, m: &Marks, p: &Prepared, ts: usize, te: usize) -> bool {
        // A whole-sentence trigger that names what it refuses ("unwilling to
        // try a third statin") does not reach back across a semicolon to
        // another clause ("Statin intolerance x2 (atorva 80, rosuva 10);
        // unwilling to try a third statin"). A bare one does ("Offered
        // methotrexate; declined.", "...; declined due to cost").
        let names_object = |i: usize, len: usize| {
            let mut k = i + len;
            while p.refusal_verb.get(k).copied().unwrap_or(false) {
                k += 1;
            }
            p.word.get(k).copied().unwrap_or(false) && !p.no_object.get(k).copied().unwrap_or(false)
        };
        if m.anywhere.iter().any(|&(i, len)| {
            p.reaches(i, len, ts)
                && !(te <= i && (te..i).any(|k| p.semi[k]) && names_object(i, len))
        }) {
            return true;
        }
        // Pre-triggers: scan left from the target; a trigger must end before it.
        // A near one must be within `NEAR_WINDOW` words, with no punctuation between.
        let mut words = 0;
        let mut near = true;
        let mut i = ts;
        // A value measured in parentheses ("no response (Hgb 9.6 -> 9.1)") is
        // what was found: a trigger before the parenthesis does not reach it.
        let measured = |k: usize| {
            p.digit.get(k).copied().unwrap_or(false)
                || (p.colon.get(k).copied().unwrap_or(false)
                    && p.digit.get(k + 1).copied().unwrap_or(false))
        };
        let measured_in_paren = p.paren.get(ts).copied().flatten().filter(|_| measured(te));
        // (A target that itself starts a new scope, "occasional" in "no AF,
        // occasional PACs", is out of reach of the triggers before it.)
        let starts_scope = m.stop.get(ts).copied().unwrap_or(false);
        while i > 0 && words <= self.window && !starts_scope {
            i -= 1;
            // (Unless the trigger is the parenthesis's head: in "Negative
            // (IHC 1+)" the parenthesis gives the negative result's detail.)
            let headed = |i: usize| {
                (0..i).any(|j| {
                    (m.pre[j] != 0 && j + m.pre[j] == i)
                        || (m.pre_near[j] != 0 && j + m.pre_near[j] == i)
                })
            };
            if m.stop[i]
                || (m.head_end[i] && m.head_object[ts])
                || (p.dash[i] && m.dash_ends)
                || (measured_in_paren == Some(i) && !headed(i))
            {
                break;
            }
            // A colon after the negated words starts what is said of them: in
            // "No renal involvement: UPCR nl", "no" says nothing of the UPCR.
            // (After the trigger itself it does not: "Denies: fever".)
            if p.colon[i] && !(0..i).any(|j| m.pre[j] != 0 && j + m.pre[j] == i) {
                break;
            }
            // A result's detail in parentheses is still near it: "Negative (IHC 1+)".
            near &= (!p.punct[i] || p.opens[i]) && words <= NEAR_WINDOW;
            if m.pre[i] != 0 && m.pre[i] <= ts - i && p.reaches(i, m.pre[i], ts) {
                return true;
            }
            if near
                && m.pre_near[i] != 0
                && m.pre_near[i] <= ts - i
                && p.reaches(i, m.pre_near[i], ts)
            {
                return true;
            }
            // The joints of a list ("or", "and", a comma) do not use up a
            // pre-trigger's window: "denies personal or family history of
            // medullary thyroid cancer or MEN 2" denies MEN 2 too.
            if !p.joint[i] {
                words += 1;
            }
        }
        // A status written after a spaced dash at the end of an item is the
        // whole item's, however long: "medical clearance from PCP and
        // cardiology clearance (stent 2019) - to be scheduled".
        let mut k = te;
        while k < p.toks.len() && !m.stop[k] {
            if p.dash[k] {
                let len = m.post.get(k + 1).copied().unwrap_or(0);
                if len != 0 && p.reaches(k + 1, len, ts) {
                    return true;
                }
                break;
            }
            k += 1;
        }
        // Post-triggers: scan right (a full stop may itself be a post-trigger).
        // Past a copula, a post-trigger has a subject of its own: in "breast
        // cancer, treated with surgery, was HER2 negative" the result is HER2's,
        // while "testing was also negative" keeps its subject.
        let mut words = 0;
        let mut i = te;
        let mut after_copula = false;
        let mut crossed_clause = false;
        let mut past_comma = false;
        // (A target that is itself a result, "nl" in "gait nl, Romberg neg",
        // has its own.)
        let mut own_result = p.result[ts..te.min(p.result.len())].iter().any(|&r| r);
        while i < p.toks.len() && words <= self.window {
            if m.stop[i] && !p.toks[i].2 {
                break;
            }
            if m.post[i] != 0
                && !(m.post_in_clause[i] && crossed_clause)
                && p.reaches(i, m.post[i], ts)
            {
                return true;
            }
            crossed_clause |= p.colon[i] || p.comma[i];
            // Past a comma, an item with a value of its own is another
            // measure's: in "mPAP 48, PAWP 11, CO 3.9, vasoreactivity neg"
            // the result is the vasoreactivity's alone. ("HBsAg 0.2 IU/mL,
            // negative" has no item between.)
            // (A date is no such item: "QuantiFERON-TB Gold, 01/27/2026 -
            // negative".)
            // (Nor is an item with a result of its own: in "eGFR 58, LFTs nl,
            // HBV/HCV neg" the "nl" is the LFTs'.)
            // (And an item that gives its own result before the comma keeps it:
            // "LFTs nl, HBV/HCV neg".)
            if past_comma && ((p.digit[i] && i > 0 && p.word[i - 1]) || p.result[i] || own_result) {
                break;
            }
            own_result |= !past_comma && p.result[i];
            past_comma |= p.comma[i];
            if after_copula && !p.filler[i] && !p.punct[i] {
                break;
            }
            after_copula |= p.copula[i];
            if m.stop[i] {
                break;
            }
            words += 1;
            i += 1;
        }
        false
    }

    /// Assess the mention at char range `start..end` of `sentence`.
    pub fn assess(&self, sentence: &str, start: usize, end: usize) -> Assessment {
        self.assess_prepared(&self.prepare(sentence), start, end)
    }

    /// Assess the mention at char range `start..end` of a prepared sentence.
    pub fn assess_prepared(&self, p: &Prepared, start: usize, end: usize) -> Assessment {
        p.assessed
            .get_or(start, end, || self.assess_tokens(p, start, end))
    }

    fn assess_tokens(&self, p: &Prepared, start: usize, end: usize) -> Assessment {
        let ts = p.toks.partition_point(|t| t.1 <= start);
        let te = p.toks.partition_point(|t| t.0 < end).max(ts);
        let at = |k: usize| self.axis_applies(&p.axes[k], p, ts, te);
        Assessment {
            // (The word after a "non-" prefix is negated: "sustained" in
            // "non-sustained VT".)
            negated: at(0)
                || p.minus[ts..te.min(p.minus.len())].iter().any(|&m| m)
                || (p.non.get(ts) == Some(&true) && start >= p.toks[ts].0 + 4),
            declined: at(1),
            hypothetical: at(2),
            uncertain: at(3),
            historical: at(4),
            family: at(5),
        }
    }
}

/// How many words after a `head_only` phrase are its object.
const HEAD_OBJECT_WORDS: usize = 3;

/// Where each trigger of one axis stands in a sentence, and where its scope stops.
fn axis_marks(axis: &Axis, toks: &[CtxToken], ids: &[u32], term: &[bool]) -> Marks {
    let n = toks.len();
    let mut m = Marks {
        anywhere: Vec::new(),
        pre: vec![0; n],
        pre_near: vec![0; n],
        post: vec![0; n],
        post_in_clause: vec![false; n],
        stop: term.to_vec(),
        head_end: vec![false; n],
        head_object: vec![false; n],
        dash_ends: axis.dash_ends,
    };
    // Token positions inside a pseudo-trigger cannot start a trigger.
    let mut pseudo = vec![false; n];
    for i in (0..n).filter(|&i| ids[i] != UNKNOWN) {
        for len in axis.pseudo.lengths_at(ids, i) {
            pseudo[i..i + len].iter_mut().for_each(|x| *x = true);
        }
        // Time away counted or placed ("absent 31 of 82 school days",
        // "absent from work") is attendance, no finding denied. (A pseudo
        // phrase cannot say "a number": the words after are read here.)
        if toks[i].text.eq_ignore_ascii_case("absent")
            && toks.get(i + 1).is_some_and(|t| {
                t.text.starts_with(|c: char| c.is_ascii_digit())
                    || t.text.eq_ignore_ascii_case("from")
            })
        {
            pseudo[i] = true;
        }
        if axis.terminators.lengths_at(ids, i).next().is_some() {
            m.stop[i] = true;
        }
        // (Its object is the words up to the next joint of a list: in "denies
        // changes in vision or diplopia", the diplopia is denied.)
        for len in axis.head_only.lengths_at(ids, i) {
            let end = i + len - 1;
            m.head_end[end] = true;
            for (k, t) in toks
                .iter()
                .enumerate()
                .skip(end + 1)
                .take(HEAD_OBJECT_WORDS)
            {
                if !t.text.starts_with(char::is_alphanumeric)
                    || matches!(t.text.as_str(), "or" | "and" | "nor")
                {
                    break;
                }
                m.head_object[k] = true;
            }
        }
        // "no AF/AFL, occasional PACs": an item graded by how often or how
        // much is said to be there.
        if i > 0
            && toks[i - 1].text == ","
            && axis.list_breakers.lengths_at(ids, i).next().is_some()
        {
            m.stop[i] = true;
        }
    }
    for i in (0..n).filter(|&i| ids[i] != UNKNOWN && !pseudo[i]) {
        if let Some(len) = axis.anywhere.lengths_at(ids, i).max() {
            m.anywhere.push((i, len));
        }
        m.pre[i] = axis.pre.lengths_at(ids, i).min().unwrap_or(0);
        // A near trigger reads as a result before its test only where a
        // noun phrase starts ("a negative hCG", ": negative hCG");
        // "hCG was negative at the visit" is a result after its test.
        let opens = i == 0
            || !toks[i - 1].text.starts_with(char::is_alphanumeric)
            || NEAR_OPENERS.contains(&toks[i - 1].text.as_str());
        if opens {
            m.pre_near[i] = axis.pre_near.lengths_at(ids, i).min().unwrap_or(0);
        }
        m.post[i] = axis.post.lengths_at(ids, i).max().unwrap_or(0);
        if m.post[i] != 0
            && axis.clause_final.lengths_at(ids, i).any(|l| l == m.post[i])
            && toks
                .get(i + m.post[i])
                .is_some_and(|t| t.text.starts_with(char::is_alphanumeric))
        {
            m.post[i] = 0;
        }
        // A verb with its object after it governs the object only: "the
        // bubble study excluded an ASD" negates the ASD, not the study.
        if m.post[i] != 0
            && axis.transitive.lengths_at(ids, i).any(|l| l == m.post[i])
            && toks.get(i + m.post[i]).is_some_and(|t| {
                t.text.starts_with(char::is_alphanumeric)
                    && !NOT_AN_OBJECT.contains(&t.text.as_str())
            })
        {
            m.post[i] = 0;
        }
        // (And after its subject, at its clause's end, it governs the subject
        // only: in "Reversible causes excluded: B12, TSH and RPR normal" the
        // list after the colon is how they were excluded. "Ruled out: PE, MI",
        // with no subject, lists what was.)
        if m.post[i] != 0
            && axis.transitive.lengths_at(ids, i).any(|l| l == m.post[i])
            && i > 0
            && toks[i - 1].text.starts_with(char::is_alphanumeric)
            && toks
                .get(i + m.post[i])
                .is_none_or(|t| !t.text.starts_with(char::is_alphanumeric))
        {
            m.pre[i] = 0;
        }
        // A post-trigger that starts a longer pre-trigger reaches back only
        // within its clause: "UDS neg for opiates" is a negative screen, while
        // "Colonoscopy 8/2024: normal to TI, random bx neg for microscopic
        // colitis" says nothing negative of the colonoscopy.
        m.post_in_clause[i] =
            m.post[i] != 0 && axis.pre.lengths_at(ids, i).max().unwrap_or(0) > m.post[i];
    }
    m
}

/// A sentence's parentheses, as [`Prepared`] keeps them: for each token the
/// innermost open parenthesis it is inside; for each open parenthesis the one
/// it is inside, and where it closes.
type ParenMaps = (
    Vec<Option<usize>>,
    std::collections::HashMap<usize, Option<usize>>,
    std::collections::HashMap<usize, usize>,
);

/// The parentheses of a tokenized sentence ([`ParenMaps`]).
fn parentheses(toks: &[CtxToken]) -> ParenMaps {
    let mut paren = Vec::with_capacity(toks.len());
    let mut parent = std::collections::HashMap::new();
    let mut close = std::collections::HashMap::new();
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.text == ")" {
            if let Some(o) = stack.pop() {
                close.insert(o, i);
            }
        }
        paren.push(stack.last().copied());
        if t.text == "(" {
            parent.insert(i, stack.last().copied());
            stack.push(i);
        }
    }
    (paren, parent, close)
}

/// Tokens written as a negative marker: a marker's name right before a minus
/// sign ("HER2-", "ER-").
fn minus_markers(sentence: &str, toks: &[CtxToken]) -> Vec<bool> {
    let chars: Vec<char> = sentence.chars().collect();
    toks.iter()
        .map(|t| {
            // "Pegloticase-naive", "tx-naive": never treated with it (the
            // word is one token, joined over its hyphen).
            let naive = ["-naive", "-naïve"]
                .iter()
                .any(|x| t.text.ends_with(x) && t.text.chars().count() > x.chars().count() + 1);
            naive
                || t.text.starts_with(char::is_alphanumeric)
                    && chars.get(t.end) == Some(&'-')
                    && chars
                        .get(t.end + 1)
                        .is_none_or(|c| !c.is_alphanumeric() && *c != '-')
                    && {
                        // A marker's name: capitals with a digit, or up to three
                        // capitals ("HER2-", "ER-"); not a word broken at a line
                        // end ("FOLLOW- UP").
                        let w = &chars[t.start..t.end];
                        !w.iter().any(|c| c.is_lowercase())
                            && w.iter().any(char::is_ascii_uppercase)
                            && (w.iter().any(char::is_ascii_digit) || w.len() <= 3)
                    }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context::from_toml(include_str!("../../../pipelines/context.toml")).unwrap()
    }

    fn at(sentence: &str, target: &str) -> Assessment {
        let b = sentence
            .to_lowercase()
            .find(&target.to_lowercase())
            .expect("target in sentence");
        let start = sentence[..b].chars().count();
        ctx().assess(sentence, start, start + target.chars().count())
    }

    #[test]
    fn time_away_counted_is_no_denial() {
        let s = "School: absent 31 of 82 school days this semester.";
        assert!(!at(s, "school days").negated);
        assert!(!at("Absent from work since March.", "work").negated);
        // ("Absent" before a finding still denies it.)
        assert!(at("Absent reflexes at the ankles.", "reflexes").negated);
    }

    #[test]
    fn a_value_measured_in_parentheses_is_not_negated_from_outside() {
        let s = "Ferrous sulfate for 3 months: no response (Hgb 9.6 -> 9.9 -> 9.1).";
        assert!(!at(s, "Hgb").negated);
        assert!(at(s, "response").negated);
        // A list of findings in parentheses is still denied.
        assert!(at("No B symptoms (fever, night sweats, weight loss).", "fever").negated);
    }

    #[test]
    fn never_before_more_words_denies_them_only() {
        let s =
            "Tremor is worse in the R hand and is present with posture and action, never at rest.";
        assert!(!at(s, "action").negated);
        assert!(at(s, "rest").negated);
        assert!(at("Smoking: never.", "Smoking").negated);
    }

    #[test]
    fn a_genus_initial_is_no_full_stop() {
        assert!(at("Gastric biopsies excluded H. pylori infection.", "pylori").negated);
        assert!(at("Stool negative for C. difficile toxin.", "difficile").negated);
    }

    #[test]
    fn a_change_denied_leaves_what_it_is_of() {
        let s = "Gabapentin since May: no change in itch, some daytime drowsiness.";
        assert!(at(s, "change").negated);
        assert!(!at(s, "itch").negated);
        assert!(
            !at(
                "No response to methotrexate after 4 months.",
                "methotrexate"
            )
            .negated
        );
        assert!(!at("No improvement in knee pain with PT.", "pain").negated);
        // (A list goes on past the object: the diplopia is denied.)
        let s = "He denies any changes in vision or diplopia.";
        assert!(!at(s, "vision").negated);
        assert!(at(s, "diplopia").negated);
    }

    #[test]
    fn a_plan_or_a_goal_is_hypothetical() {
        assert!(at("Goal LDL below 70 mg/dL.", "LDL").hypothetical);
        // A step only recommended, or a referral for it, was not taken.
        assert!(
            at(
                "Sleep study recommended; she will call to schedule.",
                "Sleep study"
            )
            .hypothetical
        );
        assert!(at("Cardiology referral for stress echo placed.", "stress echo").hypothetical);
        assert!(!at("Sleep study 03/2026: AHI 31.", "Sleep study").hypothetical);
        assert!(at("Here to discuss pegloticase.", "pegloticase").hypothetical);
        assert!(
            at(
                "- Consider increasing metformin to 1500 mg daily if tolerated.",
                "metformin"
            )
            .hypothetical
        );
        assert!(
            at(
                "- Discussed clindamycin 300 mg BID + rifampin 300 mg BID x 10 wks.",
                "clindamycin"
            )
            .hypothetical
        );
    }

    #[test]
    fn a_relative_and_the_condition_are_written_with_a_dash_between() {
        assert!(at("FHx: mother - asthma; father - MI at 70.", "asthma").family);
        assert!(at("FHx: mother - asthma; father - MI at 70.", "MI").family);
        // The dash still ends a suspicion.
        assert!(!at("Suspected OSA - snoring, witnessed apneas.", "snoring").uncertain);
    }

    #[test]
    fn a_status_after_a_dash_is_the_whole_items() {
        let s = "Pre-op: medical clearance from PCP and cardiology clearance (stent 2019) - to be scheduled; hold aspirin.";
        assert!(at(s, "medical").hypothetical);
        assert!(!at(s, "aspirin").hypothetical);
    }

    #[test]
    fn yet_after_a_negation_keeps_it() {
        assert!(at("Has not yet started DBT skills group.", "DBT").negated);
        assert!(
            at(
                "Anger management group: not yet started, on waitlist.",
                "Anger"
            )
            .negated
        );
        // As a conjunction it still ends the scope.
        assert!(!at("No fever, yet persistent cough.", "cough").negated);
    }

    #[test]
    fn a_second_predicate_ends_a_negation() {
        let s = "She has no plan or intent and engages in safety planning.";
        assert!(at(s, "intent").negated);
        assert!(!at(s, "engages").negated);
        assert!(!at(s, "planning").negated);
        // "and" alone joins the negated list.
        assert!(at("Denies fever and chills.", "chills").negated);
    }

    #[test]
    fn naive_means_never_treated() {
        assert!(at("Pegloticase-naive.", "Pegloticase").negated);
        let s = "Chronic HCV, GT 3a, high viral load, tx-naive.";
        assert!(!at(s, "HCV").negated);
    }

    #[test]
    fn a_colon_after_the_negated_words_ends_the_negation() {
        let s = "No renal involvement: UPCR nl, UA bland.";
        assert!(at(s, "renal").negated);
        assert!(!at(s, "UPCR").negated);
        // A colon right after the trigger opens its list.
        assert!(at("Denies: fever, chills.", "chills").negated);
        assert!(at("Negative for: malignancy.", "malignancy").negated);
    }

    #[test]
    fn a_denying_verb_governs_its_object_or_its_subject() {
        // With an object after it, only the object.
        assert!(!at("The bubble study excluded an ASD.", "bubble").negated);
        assert!(at("The bubble study excluded an ASD.", "ASD").negated);
        // At its clause's end, its subject; the agent after "by" was done.
        assert!(at("Osteomyelitis was ruled out by MRI.", "Osteomyelitis").negated);
        assert!(!at("Osteomyelitis was ruled out by MRI.", "MRI").negated);
        // After its subject and a colon, the list says how.
        assert!(
            at(
                "Reversible causes excluded: B12, TSH and RPR normal",
                "causes"
            )
            .negated
        );
        assert!(!at("Reversible causes excluded: B12, TSH and RPR normal", "TSH").negated);
        // With no subject, the list is what was ruled out.
        assert!(at("Ruled out: PE, MI.", "PE").negated);
        // A possibility kept open is no denial.
        assert!(!at("Malignancy cannot be excluded.", "Malignancy").negated);
        // After a comma, a graded item is out of reach; "non-" negates its word.
        assert!(!at("No AF or flutter, occasional PACs.", "PACs").negated);
        assert!(at("Tele: non-sustained VT.", "sustained").negated);
        assert!(!at("Her non-HDL cholesterol is 150.", "HDL").negated);
    }

    #[test]
    fn a_trigger_in_parentheses_governs_only_inside_them() {
        assert!(
            !at(
                "On home O2 2L continuous, knee OA (declined TKA, poor candidate).",
                "O2"
            )
            .declined
        );
        assert!(
            at(
                "On home O2 2L continuous, knee OA (declined TKA, poor candidate).",
                "TKA"
            )
            .declined
        );
        assert!(!at("Diabetes (no retinopathy) on metformin.", "Diabetes").negated);
        assert!(at("Diabetes (no retinopathy) on metformin.", "retinopathy").negated);
        // A trigger outside still governs what is inside.
        assert!(
            at(
                "No history of (alcohol-related) pancreatitis.",
                "pancreatitis"
            )
            .negated
        );
        assert!(at("Denies chest pain (exertional or at rest).", "exertional").negated);
        assert!(at("HER2 status: Negative (IHC 1+)", "IHC").negated);
        // A minus sign after a marker is its negative result.
        assert!(at("pT1c pN0, ER+/PR+/HER2-, s/p lumpectomy", "HER2").negated);
        assert!(!at("pT1c pN0, ER+/PR+/HER2-, s/p lumpectomy", "PR").negated);
        assert!(!at("Follow-up in 2 weeks - sooner prn.", "weeks").negated);
        assert!(!at("OFFICE VISIT - FACE- TO- FACE ENCOUNTER", "ENCOUNTER").negated);
        assert!(at("ER-/PR- tumor", "ER").negated);
        // A result after a copula and another subject is that subject's.
        assert!(
            !at(
                "Her breast cancer, treated with lumpectomy, was HER2 negative.",
                "lumpectomy"
            )
            .negated
        );
        assert!(
            at(
                "Her breast cancer, treated with lumpectomy, was HER2 negative.",
                "HER2"
            )
            .negated
        );
        assert!(
            at(
                "Hepatitis C antibody testing was also negative.",
                "Hepatitis"
            )
            .negated
        );
        assert!(at("The urine drug screen was negative.", "drug screen").negated);
        // A trigger that fills its parenthesis qualifies what comes before it.
        assert!(at("B - BMI > 35 (not recorded)", "BMI").negated);
        assert!(at("Dupilumab was offered (declined).", "Dupilumab").declined);
    }

    #[test]
    fn a_result_before_its_test_negates_only_the_test() {
        let neg = |s: &str, t: &str| at(s, t).negated;
        assert!(neg(
            "Negative urine pregnancy test on 06/02.",
            "pregnancy test"
        ));
        assert!(neg(
            "TB screening (if any): negative QuantiFERON-TB Gold.",
            "QuantiFERON-TB"
        ));
        assert!(!at("Pregnancy status (if applicable): negative hCG.", "hCG").hypothetical);
        // Past a comma, or further than a few words, it governs nothing.
        assert!(!neg(
            "HBsAg negative, HCV antibody positive.",
            "HCV antibody"
        ));
        assert!(!neg(
            "Negative chest x-ray last year and then an ANA titer of 1:640.",
            "ANA"
        ));
        assert!(!neg(
            "Negative pressure wound therapy to the sacrum.",
            "wound therapy"
        ));
        assert!(!neg("The pain has a negative impact on sleep.", "sleep"));
        assert!(!neg(
            "Her urine hCG was negative at the infusion visit.",
            "infusion visit"
        ));
        assert!(neg(
            "Her urine hCG was negative at the infusion visit.",
            "hCG"
        ));
        // The post-trigger still reads a result written after its test.
        assert!(neg("HBsAg negative, HCV antibody positive.", "HBsAg"));
    }

    #[test]
    fn a_post_trigger_inside_a_longer_pre_trigger_reaches_back_over_nothing() {
        let s =
            "Colonoscopy 8/2024 (for IDA): normal to TI, random bx neg for microscopic colitis.";
        assert!(!at(s, "Colonoscopy").negated);
        assert!(at(s, "microscopic colitis").negated);
        assert!(at("HCV RNA neg.", "HCV RNA").negated);
        // Past a comma, an item with a value of its own is another measure's.
        let s = "dx by RHC 02/08/27 (mPAP 48, PAWP 11, CO 3.9, vasoreactivity neg).";
        assert!(!at(s, "mPAP").negated);
        assert!(at(s, "vasoreactivity").negated);
        assert!(at("HBsAg 0.2 IU/mL, negative.", "HBsAg").negated);
        let s = "Labs 03/18/27: sUA 9.4, G6PD normal, Cr 1.37, eGFR 58, LFTs nl, HBV/HCV neg.";
        assert!(!at(s, "eGFR").negated);
        assert!(at(s, "HCV").negated);
        assert!(!at(s, "LFTs").negated);
        assert!(
            at(
                "Test type/date: QuantiFERON-TB Gold, 01/27/2026 - negative",
                "QuantiFERON"
            )
            .negated
        );
        assert!(at("HIV, hepatitis B and hepatitis C negative.", "HIV").negated);
        // Within its clause it still gives the test's result.
        assert!(at("UDS neg for opiates and benzodiazepines.", "UDS").negated);
    }

    #[test]
    fn negation_pre_and_post() {
        assert!(
            at(
                "Denies drowsy driving or motor vehicle accidents.",
                "drowsy driving"
            )
            .negated
        );
        assert!(
            at(
                "Patient denies bowel or bladder incontinence.",
                "incontinence"
            )
            .negated
        );
        assert!(at("QuantiFERON-TB Gold Plus Negative", "QuantiFERON").negated);
        assert!(
            !at(
                "Took naproxen 500 mg BID x 4 weeks, stopped due to dyspepsia and no relief.",
                "naproxen"
            )
            .negated
        );
        assert!(!at("No fever, but reports chest pain.", "chest pain").negated);
    }

    #[test]
    fn a_spaced_dash_ends_a_suspicion() {
        // "Dx - findings": the findings after the dash are observed, not suspected.
        let s = "Suspected narcolepsy - daytime sleepiness, cataplexy episodes weekly.";
        let a = at(s, "cataplexy");
        assert!(!a.uncertain && !a.hypothetical, "{a:?}");
        assert!(at(s, "narcolepsy").uncertain);
        // A result after a dash still reads back to its test.
        assert!(at("Hepatitis B surface antigen - negative", "surface antigen").negated);
    }

    #[test]
    fn a_result_not_back_yet_is_pending() {
        assert!(
            at(
                "Lyme serology sent out; results to follow.",
                "Lyme serology"
            )
            .hypothetical
        );
        assert!(
            at(
                "Hemoglobin electrophoresis drawn today, results to follow",
                "electrophoresis"
            )
            .hypothetical
        );
        assert!(at("Awaiting the sleep study report.", "sleep study").hypothetical);
    }

    #[test]
    fn declined_family_and_hypothetical() {
        assert!(
            at(
                "Hydroxychloroquine was offered in 2024 but patient declined due to concern.",
                "Hydroxychloroquine"
            )
            .declined
        );
        assert!(
            at(
                "Family history: mother with breast cancer at 60.",
                "breast cancer"
            )
            .family
        );
        assert!(at("FH: Father with MI at age 58.", "MI").family);
        assert!(!at("Assessment: COPD with acute exacerbation.", "COPD").family);
        assert!(
            at(
                "Plan: Refer to pulmonary rehabilitation.",
                "pulmonary rehabilitation"
            )
            .hypothetical
        );
        assert!(at("History of cancer in 2010.", "cancer").historical);
    }
}
