//! Evaluating criteria on a case. Every node comes out met, not met or
//! missing evidence, with a reason and its spans. Mentions go through the
//! ConText rules: negated, hypothetical, uncertain or family mentions never
//! meet anything.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use pa_types::text::squash;
use pa_types::{ConceptKind, CriterionStatus, Sentence};

use super::lang::{Kind, Node};
use super::patient;
use crate::quantity::QKind;
use crate::{Analysis, CaseSentences, Checker};

/// A node's outcome.
pub(crate) struct Verdict<'s> {
    pub status: CriterionStatus,
    pub reason: String,
    pub evidence: Vec<&'s Sentence>,
}

impl<'s> Verdict<'s> {
    fn met(reason: String, evidence: Vec<&'s Sentence>) -> Self {
        Verdict {
            status: CriterionStatus::Met,
            reason,
            evidence,
        }
    }
    fn not_met(reason: String, evidence: Vec<&'s Sentence>) -> Self {
        Verdict {
            status: CriterionStatus::NotMet,
            reason,
            evidence,
        }
    }
    fn missing(reason: String) -> Self {
        Verdict {
            status: CriterionStatus::MissingEvidence,
            reason,
            evidence: Vec::new(),
        }
    }
    fn is(&self, s: CriterionStatus) -> bool {
        self.status == s
    }
}

/// What one sentence says about one leaf.
enum Outcome {
    Met,
    NotMet(String),
    Nothing,
}

/// Past or stopped use: not concurrent.
static STOPPED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(discontinued|stopped|ceased|switched from|failed|no longer|was on|were on|previously|prior|tried)\b").unwrap()
});

/// Words that put a drug in current use: "currently on", "is taking".
static CURRENT_USE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(currently|now on|remains? on|continu\w+|taking|receiving|maintained on|is on|are on|still on)\b").unwrap()
});

/// A test reported with a result: "negative", "nonreactive", "not detected".
static RESULT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(neg(ative)?|non-?reactive|not detected|undetectable|normal|unremarkable|within normal limits|wnl)\b|\(-\)|:\s*-\s*$").unwrap()
});
/// A test not (yet) done: "no TB screening has been done", "QuantiFERON pending".
static NOT_DONE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(not (yet )?(been )?(done|performed|obtained|completed|drawn|collected|resulted|available|on file)|has not been|have not been|hasn't been|haven't been|never (been )?(done|performed|tested|screened)|pending|ordered|awaiting|to be (done|drawn|obtained|scheduled)|will (order|obtain|draw|check)|not yet|(done|performed|obtained|completed|drawn) yet)\b|^\W*no\b.*\b(has|have) been (done|performed|obtained|completed|drawn|collected)\b").unwrap()
});

/// A case, analyzed once for all the criteria of its policy.
pub(crate) struct CaseView<'s> {
    pub checker: &'s Checker,
    /// Every sentence, letters and forms included.
    pub all: &'s [Sentence],
    /// The case's sentences, each analysed once.
    pub case: &'s CaseSentences<'s>,
    /// The clinical documents' sentences, with their analyses.
    pub clinical: Vec<&'s Sentence>,
    pub analyses: Vec<&'s Analysis>,
    /// Concepts affirmed for the patient anywhere in the clinical documents.
    pub case_concepts: HashSet<usize>,
    pub dates: HashMap<&'s str, (u32, u32, u32)>,
    /// The request's date, else the newest document date.
    pub request: Option<(u32, u32, u32)>,
    /// The lexicon entry of the requested drug, never counted as "another" drug.
    pub requested: Option<usize>,
}

fn cite(s: &Sentence) -> String {
    format!("{} p.{}", s.span.doc_id, s.span.page)
}

fn quoted(s: &Sentence) -> String {
    format!("{}: \"{}\"", cite(s), crate::short(&s.span.quote))
}

/// Is a concept mention for the patient and affirmed (not negated, family,
/// hypothetical, uncertain or declined)?
fn affirmed(ctx: &crate::context::Assessment) -> bool {
    !(ctx.negated || ctx.family || ctx.hypothetical || ctx.uncertain || ctx.declined)
}

impl<'s> CaseView<'s> {
    pub fn new(case: &'s CaseSentences<'s>, requested: Option<&str>) -> Self {
        let checker = case.checker();
        let all = case.sentences();
        let (clinical, analyses): (Vec<&Sentence>, Vec<&Analysis>) = all
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.kind.is_assertion())
            .map(|(i, s)| (s, case.analysis(i)))
            .unzip();
        let mut case_concepts = HashSet::default();
        for (s, a) in clinical.iter().zip(&analyses) {
            for c in &a.concepts {
                if affirmed(&checker.assess(a, &s.span.quote, c.start, c.end)) {
                    case_concepts.insert(c.entry);
                }
            }
        }
        let dates = crate::document_dates(all);
        let request = all
            .iter()
            .find(|s| s.kind.is_assertion())
            .and_then(|s| dates.get(s.span.doc_id.as_str()))
            .or_else(|| dates.values().max())
            .copied();
        CaseView {
            checker,
            case,
            all,
            clinical,
            analyses,
            case_concepts,
            dates,
            request,
            requested: requested.and_then(|d| checker.lex.index_of(d)),
        }
    }

    /// Where a sentence is in the case (documents in file order, then text order).
    fn position(&self, s: &Sentence) -> usize {
        self.all
            .iter()
            .position(|x| std::ptr::eq(x, s))
            .unwrap_or(usize::MAX)
    }

    fn label(&self, id: &str) -> String {
        let lex = &self.checker.lex;
        lex.index_of(id)
            .and_then(|i| lex.entries[i].label.clone())
            .unwrap_or_else(|| id.replace('_', " "))
    }

    /// A node's name in reasons: its description, else what it looks for.
    fn name(&self, n: &Node) -> String {
        if let Some(d) = &n.description {
            return d.clone();
        }
        let mut parts: Vec<String> = n.concepts.iter().map(|c| self.label(c)).collect();
        parts.extend(n.words.iter().map(|w| format!("\"{w}\"")));
        parts.extend(n.codes.iter().map(|c| format!("code {c}")));
        if let Some(m) = &n.measure {
            parts.push(self.label(m));
        }
        if let Some(c) = &n.count_of {
            parts.push(self.label(c));
        }
        if let Some(s) = &n.specialty {
            parts.push(format!("{} specialist", article(&s.join(" or "))));
        }
        if let Some(inner) = n.absent.as_deref().or(n.not_concurrent.as_deref()) {
            return self.name(inner);
        }
        if parts.is_empty() {
            "this requirement".into()
        } else {
            parts.join(" or ")
        }
    }

    pub fn eval(&self, n: &Node) -> Verdict<'s> {
        match n.kind() {
            Kind::AllOf => self.all_of(n.all_of.as_deref().unwrap_or_default()),
            Kind::AnyOf => self.any_of(n.any_of.as_deref().unwrap_or_default()),
            Kind::AtLeast => {
                self.at_least(n.at_least.unwrap_or(1), n.of.as_deref().unwrap_or_default())
            }
            Kind::When => self.when(n),
            Kind::Absent => self.absent(n.absent.as_deref().expect("kind"), false),
            Kind::NotConcurrent => self.absent(n.not_concurrent.as_deref().expect("kind"), true),
            Kind::Sentence => self.sentences(n, false),
            Kind::Dose => self.dose(n),
            Kind::Age => self.age(n),
            Kind::Sex => self.sex(n),
            Kind::Specialty => self.specialty(n),
            Kind::Count => self.count(n),
        }
    }

    fn all_of(&self, list: &[Node]) -> Verdict<'s> {
        let vs: Vec<(Verdict, &Node)> = list.iter().map(|n| (self.eval(n), n)).collect();
        if let Some((v, _)) = vs.iter().find(|v| v.0.is(CriterionStatus::NotMet)) {
            return Verdict::not_met(v.reason.clone(), v.evidence.clone());
        }
        if let Some((v, n)) = vs.iter().find(|v| v.0.is(CriterionStatus::MissingEvidence)) {
            return Verdict::missing(format!("{}: {}", self.name(n), v.reason));
        }
        let mut reasons: Vec<String> = Vec::new();
        for v in &vs {
            if !reasons.contains(&v.0.reason) {
                reasons.push(v.0.reason.clone());
            }
        }
        let reason = reasons.join("; ");
        Verdict::met(reason, vs.into_iter().flat_map(|v| v.0.evidence).collect())
    }

    fn any_of(&self, list: &[Node]) -> Verdict<'s> {
        let vs: Vec<Verdict> = list.iter().map(|n| self.eval(n)).collect();
        let met: Vec<&Verdict> = vs.iter().filter(|v| v.is(CriterionStatus::Met)).collect();
        if let Some(first) = met.first() {
            // The earliest sentence that meets any alternative is quoted first.
            let mut evidence: Vec<&Sentence> = met
                .iter()
                .flat_map(|v| v.evidence.iter().copied())
                .collect();
            let simple = list.iter().all(|n| n.kind() == Kind::Sentence);
            if simple {
                evidence.sort_by_key(|s| self.position(s));
                if let Some(s) = evidence.first() {
                    return Verdict::met(quoted(s), evidence);
                }
            }
            return Verdict::met(first.reason.clone(), evidence);
        }
        if let Some(v) = vs.iter().find(|v| v.is(CriterionStatus::NotMet)) {
            let evidence = vs
                .iter()
                .filter(|v| v.is(CriterionStatus::NotMet))
                .flat_map(|v| v.evidence.iter().copied())
                .collect();
            return Verdict::not_met(v.reason.clone(), evidence);
        }
        if list.len() == 1 {
            return vs.into_iter().next().expect("one");
        }
        Verdict::missing(format!(
            "no evidence of any of: {}",
            list.iter()
                .map(|n| self.name(n))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    }

    fn at_least(&self, k: usize, of: &[Node]) -> Verdict<'s> {
        let vs: Vec<(Verdict, &Node)> = of.iter().map(|n| (self.eval(n), n)).collect();
        let met: Vec<&(Verdict, &Node)> =
            vs.iter().filter(|v| v.0.is(CriterionStatus::Met)).collect();
        let missing = vs
            .iter()
            .filter(|v| v.0.is(CriterionStatus::MissingEvidence))
            .count();
        let names = |st: CriterionStatus| {
            vs.iter()
                .filter(|v| v.0.is(st))
                .map(|v| self.name(v.1))
                .collect::<Vec<_>>()
                .join("; ")
        };
        if met.len() >= k {
            return Verdict::met(
                format!(
                    "{} met ({k} needed): {}",
                    met.len(),
                    names(CriterionStatus::Met)
                ),
                met.iter()
                    .flat_map(|v| v.0.evidence.iter().copied())
                    .collect(),
            );
        }
        let shown = if met.is_empty() {
            String::new()
        } else {
            format!(" ({})", names(CriterionStatus::Met))
        };
        if met.len() + missing < k {
            let evidence = vs
                .iter()
                .filter(|v| v.0.is(CriterionStatus::NotMet))
                .flat_map(|v| v.0.evidence.iter().copied())
                .collect();
            return Verdict::not_met(
                format!(
                    "{} of {} met{shown}, {k} needed; not met: {}",
                    met.len(),
                    of.len(),
                    names(CriterionStatus::NotMet)
                ),
                evidence,
            );
        }
        Verdict::missing(format!(
            "{} of {} met{shown}, {k} needed; no evidence of: {}",
            met.len(),
            of.len(),
            names(CriterionStatus::MissingEvidence)
        ))
    }

    fn when(&self, n: &Node) -> Verdict<'s> {
        let cond = n.when.as_deref().expect("kind");
        let c = self.eval(cond);
        if c.is(CriterionStatus::Met) {
            let then_node = n.then.as_deref().expect("validated");
            let then = self.eval(then_node);
            let reason = format!(
                "{} is documented, so {} is required: {}",
                self.name(cond),
                self.name(then_node),
                then.reason
            );
            let mut evidence = c.evidence;
            evidence.extend(then.evidence);
            return Verdict {
                status: then.status,
                reason,
                evidence,
            };
        }
        match n.otherwise.as_deref() {
            Some(e) => self.eval(e),
            None => Verdict::met(
                format!("does not apply: {} is not documented", self.name(cond)),
                Vec::new(),
            ),
        }
    }

    /// Exclusions: met when no affirmed (or, with `current`, no current)
    /// mention is found.
    fn absent(&self, inner: &Node, current: bool) -> Verdict<'s> {
        let v = self.sentences(inner, current);
        let name = self.name(inner);
        if v.is(CriterionStatus::Met) {
            let what = if current {
                "in current use"
            } else {
                "documented"
            };
            return Verdict::not_met(format!("{name} is {what}: {}", v.reason), v.evidence);
        }
        let what = if current {
            "no current use of"
        } else {
            "no affirmed mention of"
        };
        Verdict::met(
            format!("{what} {name} in the clinical documents"),
            Vec::new(),
        )
    }

    /// A sentence-level leaf over the clinical documents; with `current`, only
    /// mentions of present use count (not past, stopped or failed, and never
    /// the requested drug itself).
    fn sentences(&self, n: &Node, current: bool) -> Verdict<'s> {
        let mut met = Vec::new();
        let mut not_met: Vec<(&Sentence, String)> = Vec::new();
        for (s, a) in self.clinical.iter().zip(&self.analyses) {
            match self.requirement(n, s, a, current) {
                Outcome::Met => match (n.window_days, self.request, self.dates.get(s.span.doc_id.as_str())) {
                    (Some(w), Some(req), Some(&d)) if !(0..=w).contains(&(days(req) - days(d))) => not_met.push((
                        s,
                        format!(
                            "dated {:04}-{:02}-{:02}, not within {w} days before the request ({:04}-{:02}-{:02})",
                            d.0, d.1, d.2, req.0, req.1, req.2
                        ),
                    )),
                    _ => met.push(*s),
                },
                Outcome::NotMet(why) => not_met.push((s, why)),
                Outcome::Nothing => {}
            }
        }
        met.dedup_by_key(|s| (s.span.doc_id.clone(), s.span.page, s.span.start));
        if let Some(s) = met.first() {
            Verdict::met(quoted(s), met)
        } else if let Some((s, why)) = not_met.first() {
            let reason = format!("{}: {why}", cite(s));
            Verdict::not_met(reason, not_met.into_iter().map(|x| x.0).collect())
        } else {
            Verdict::missing("nothing in the clinical documents speaks to it".into())
        }
    }

    fn wanted(&self, ids: &[String]) -> Vec<usize> {
        ids.iter()
            .filter_map(|id| self.checker.lex.index_of(id))
            .collect()
    }

    fn requirement(&self, r: &Node, s: &Sentence, a: &Analysis, current: bool) -> Outcome {
        let checker = self.checker;
        let q = &s.span.quote;
        if !r.concepts.is_empty() {
            let wanted = self.wanted(&r.concepts);
            let hit = a.concepts.iter().find(|c| {
                wanted.iter().any(|&w| checker.lex.satisfies(w, c.entry))
                    && !(current && Some(c.entry) == self.requested)
            });
            let Some(hit) = hit else {
                return Outcome::Nothing;
            };
            // A class named as a modifier ("pre-biologic screening labs") is no
            // drug in use: for concurrent use, the class name alone needs
            // words of current use; a named member drug needs none.
            if current
                && checker.lex.entries[hit.entry].kind == ConceptKind::DrugClass
                && !CURRENT_USE.is_match(q)
            {
                return Outcome::Nothing;
            }
            let ctx = checker.assess(a, q, hit.start, hit.end);
            let name = checker.lex.entries[hit.entry]
                .label
                .clone()
                .unwrap_or_else(|| checker.lex.entries[hit.entry].id.replace('_', " "));
            // A negative result needs a result: "no TB screening has been done"
            // negates the test, it does not report it negative.
            if r.expect_negative && NOT_DONE.is_match(q) {
                return Outcome::NotMet(format!("{name} has no result: \"{}\"", crate::short(q)));
            }
            if r.expect_negative && !RESULT.is_match(q) {
                return Outcome::Nothing;
            }
            if r.expect_negative != ctx.negated {
                return Outcome::NotMet(if r.expect_negative {
                    format!("{name} is not documented as negative")
                } else {
                    format!("{name} is negated: \"{}\"", crate::short(q))
                });
            }
            if ctx.declined {
                return Outcome::NotMet(format!(
                    "{name} was declined, not tried: \"{}\"",
                    crate::short(q)
                ));
            }
            if ctx.family || ctx.hypothetical || ctx.uncertain {
                return Outcome::Nothing;
            }
            if current && (ctx.historical || STOPPED.is_match(q)) {
                return Outcome::Nothing;
            }
        }
        // (The text is squashed only for a node with words: most nodes are
        // decided by concepts, for every sentence.)
        if !r.words.is_empty() && !self.words_affirmed(r, q, a.squashed(), a) {
            return Outcome::Nothing;
        }
        if !r.codes.is_empty()
            && !a
                .codes
                .iter()
                .any(|c| r.codes.iter().any(|p| c.starts_with(&p.to_uppercase())))
        {
            return Outcome::Nothing;
        }
        if let Some(m) = &r.measure {
            if let Some(o) = self.measure(r, m, a) {
                return o;
            }
        }
        if let Some(days) = r.min_duration_days {
            let durations: Vec<f64> = a
                .quantities
                .iter()
                .filter(|x| x.kind == QKind::Duration)
                .map(|x| x.value)
                .collect();
            if durations.is_empty() {
                return Outcome::Nothing;
            }
            if !durations.iter().any(|&v| v >= days * 0.98) {
                return Outcome::NotMet(format!(
                    "{:.0} week(s), less than the {:.0} required",
                    durations[0] / 7.0,
                    days / 7.0
                ));
            }
        }
        if !r.also_concepts.is_empty() {
            let wanted = self.wanted(&r.also_concepts);
            if !self
                .case_concepts
                .iter()
                .any(|&c| wanted.iter().any(|&w| checker.lex.satisfies(w, c)))
            {
                return Outcome::Nothing;
            }
        }
        Outcome::Met
    }

    /// One of the words is in the sentence, and ConText does not take it away
    /// (a negated, family, hypothetical or uncertain mention; with
    /// `expect_negative`, only a negated one counts).
    fn words_affirmed(&self, r: &Node, q: &str, lower: &str, a: &Analysis) -> bool {
        let flat = squash(q);
        r.words.iter().any(|w| {
            let w = squash(w).to_lowercase();
            lower.match_indices(&w).any(|(b, _)| {
                // `lower` is `flat` lowercased: the same chars for ASCII, which
                // the offsets below assume; other text falls back to no context.
                let (start, end) = if flat.len() == lower.len() {
                    let start = flat[..b].chars().count();
                    (start, start + w.chars().count())
                } else {
                    return !r.expect_negative;
                };
                let ctx = if flat == *q {
                    self.checker.assess(a, q, start, end)
                } else {
                    self.checker.ctx.assess(&flat, start, end)
                };
                if r.expect_negative {
                    ctx.negated
                } else {
                    !(ctx.negated || ctx.family || ctx.hypothetical || ctx.uncertain)
                }
            })
        })
    }

    fn measure(&self, r: &Node, m: &str, a: &Analysis) -> Option<Outcome> {
        let e = self.checker.lex.index_of(m).expect("checked at load");
        let values: Vec<f64> = a
            .quantities
            .iter()
            .filter(|x| x.kind == QKind::Measure(e))
            .map(|x| x.value)
            .collect();
        if values.is_empty() {
            return Some(Outcome::Nothing);
        }
        let ok = |v: f64| r.min.is_none_or(|lo| v >= lo) && r.max.is_none_or(|hi| v <= hi);
        if values.iter().any(|&v| ok(v)) {
            return None;
        }
        let bound = match (r.min, r.max) {
            (Some(lo), None) => format!("below {lo}"),
            (None, Some(hi)) => format!("above {hi}"),
            _ => "outside the required range".to_string(),
        };
        Some(Outcome::NotMet(format!(
            "{} {} is {bound}",
            self.label(m),
            values[0]
        )))
    }

    /// Dose caps: the drug's doses in the unit, in any document (the
    /// requested dose is stated on the request, which counts here).
    fn dose(&self, n: &Node) -> Verdict<'s> {
        let wanted = self.wanted(&n.concepts);
        let cap = n.dose_max.expect("kind");
        let u = n
            .dose_unit
            .as_deref()
            .and_then(patient::unit)
            .unwrap_or("mg");
        let mut within = Vec::new();
        for (i, s) in self.all.iter().enumerate() {
            let a = self.case.analysis(i);
            if !a.concepts.iter().any(|c| {
                wanted
                    .iter()
                    .any(|&w| self.checker.lex.satisfies(w, c.entry))
            }) {
                continue;
            }
            let ds = patient::doses(&s.span.quote, u);
            let form = if s.kind.is_assertion() {
                " (on the request)"
            } else {
                ""
            };
            if let Some(over) = ds.iter().find(|&&d| d > cap) {
                return Verdict::not_met(
                    format!(
                        "{}{form}: {over} {u} is above the {cap} {u} cap: \"{}\"",
                        cite(s),
                        crate::short(&s.span.quote)
                    ),
                    vec![s],
                );
            }
            if !ds.is_empty() {
                within.push(s);
            }
        }
        match within.first() {
            Some(s) => Verdict::met(format!("within {cap} {u}: {}", quoted(s)), within),
            None => Verdict::missing(format!("no dose in {u} found for {}", self.name(n))),
        }
    }

    /// Age in whole years: an age the clinical documents state ("10yo", at
    /// the visit), else the date of birth and the request's date (the newest
    /// of the request's and the documents' dates: a form's first date may be
    /// a medication's start, never later than the request).
    fn age(&self, n: &Node) -> Verdict<'s> {
        let reference = self.dates.values().copied().chain(self.request).max();
        let stated = self.clinical.iter().find_map(|s| {
            patient::stated_age(&s.span.quote).map(|a| (a, *s, "age as stated".to_string()))
        });
        let found = stated.or_else(|| {
            self.all.iter().find_map(|s| {
                let dob = patient::date_of_birth(&s.span.quote)?;
                let age = patient::years_between(dob, reference?)?;
                Some((
                    age,
                    s,
                    format!("born {:04}-{:02}-{:02}", dob.0, dob.1, dob.2),
                ))
            })
        });
        let Some((age, s, how)) = found else {
            return Verdict::missing(
                "no date of birth (with a request date) or stated age found".into(),
            );
        };
        let age = age as f64;
        let low = n.age_min.is_some_and(|m| age < m);
        let high = n.age_max.is_some_and(|m| age > m);
        let what = format!("age {age} ({how}; {})", cite(s));
        if low || high {
            let bound = if low {
                format!("below the minimum of {}", n.age_min.unwrap_or_default())
            } else {
                format!("above the maximum of {}", n.age_max.unwrap_or_default())
            };
            Verdict::not_met(format!("{what} is {bound}"), vec![s])
        } else {
            Verdict::met(what, vec![s])
        }
    }

    fn sex(&self, n: &Node) -> Verdict<'s> {
        let want = n.sex.as_deref().unwrap_or("");
        match self
            .all
            .iter()
            .find_map(|s| patient::sex(&s.span.quote).map(|x| (x, s)))
        {
            None => Verdict::missing("the patient's sex is not stated".into()),
            Some((x, s)) if x == want => Verdict::met(format!("{x}: {}", quoted(s)), vec![s]),
            Some((x, s)) => Verdict::not_met(
                format!(
                    "the patient is {x}, the policy requires {want}: {}",
                    quoted(s)
                ),
                vec![s],
            ),
        }
    }

    /// The prescriber's specialty: a clinical note showing the specialist
    /// took part (a consult, a signature), or the request form's specialty
    /// field, the one place a form counts for a criterion (said in the reason).
    fn specialty(&self, n: &Node) -> Verdict<'s> {
        let names = n.specialty.clone().unwrap_or_default();
        let stems: Vec<String> = names.iter().map(|x| patient::specialty_stem(x)).collect();
        for (s, a) in self.clinical.iter().zip(&self.analyses) {
            let q = &s.span.quote;
            if !patient::names_specialty(q, &stems) || !patient::specialist_involved(q) {
                continue;
            }
            let lower = q.to_lowercase();
            let start = stems
                .iter()
                .find_map(|st| lower.find(st.as_str()))
                .map_or(0, |b| lower[..b].chars().count());
            if affirmed(&self.checker.assess(a, q, start, start + 1)) {
                return Verdict::met(
                    format!(
                        "{} specialist took part: {}",
                        article(&names.join(" or ")),
                        quoted(s)
                    ),
                    vec![*s],
                );
            }
        }
        if let Some(s) = patient::signature_specialty(self.all, &stems) {
            return Verdict::met(
                format!(
                    "{} named beside the prescriber's name on the request (the one place a form counts): {}",
                    names.join(" or "),
                    quoted(s)
                ),
                vec![s],
            );
        }
        let field = self
            .all
            .iter()
            .filter(|s| s.kind.is_assertion())
            .find_map(|s| patient::specialty_field(&s.span.quote).map(|v| (v, s)));
        match field {
            Some((v, s)) if patient::names_specialty(&v, &stems) => Verdict::met(
                format!("prescriber specialty \"{v}\", stated on the request form (the one place a form counts): {}", cite(s)),
                vec![s],
            ),
            Some((v, s)) => Verdict::not_met(
                format!(
                    "prescriber specialty on the request form is \"{v}\", not {}, and no clinical note shows {} specialist taking part ({})",
                    names.join(" or "),
                    article(&names.join(" or ")),
                    cite(s)
                ),
                vec![s],
            ),
            None => Verdict::missing(format!("no prescriber specialty stated and no {} consult documented", names.join(" or "))),
        }
    }

    /// Distinct drugs of a class documented as used or tried (affirmed; the
    /// requested drug never counts), against a minimum.
    fn count(&self, n: &Node) -> Verdict<'s> {
        let lex = &self.checker.lex;
        let class_id = n.count_of.as_deref().unwrap_or("");
        let Some(class) = lex.index_of(class_id) else {
            return Verdict::missing("unknown class".into());
        };
        let need = n.min.unwrap_or(1.0).ceil() as usize;
        let mut found: Vec<(usize, &Sentence)> = Vec::new();
        for (s, a) in self.clinical.iter().zip(&self.analyses) {
            for c in &a.concepts {
                let e = &lex.entries[c.entry];
                if c.entry == class
                    || e.kind == ConceptKind::DrugClass
                    || Some(c.entry) == self.requested
                    || !lex.satisfies(class, c.entry)
                    || found.iter().any(|f| f.0 == c.entry)
                {
                    continue;
                }
                if affirmed(&self.checker.assess(a, &s.span.quote, c.start, c.end)) {
                    found.push((c.entry, s));
                }
            }
        }
        let names: Vec<String> = found
            .iter()
            .map(|f| {
                lex.entries[f.0]
                    .label
                    .clone()
                    .unwrap_or_else(|| lex.entries[f.0].id.replace('_', " "))
            })
            .collect();
        let label = self.label(class_id);
        let evidence = found.iter().map(|f| f.1).collect();
        if found.len() >= need {
            Verdict::met(
                format!("{} distinct {label}: {}", found.len(), names.join(", ")),
                evidence,
            )
        } else if found.is_empty() {
            Verdict::missing(format!("no {label} documented; {need} needed"))
        } else {
            Verdict::not_met(
                format!(
                    "only {} distinct {label} documented ({}); at least {need} needed",
                    found.len(),
                    names.join(", ")
                ),
                evidence,
            )
        }
    }
}

/// Days since the epoch of a (y, m, d) date, for date differences.
pub(crate) fn days((y, m, d): (u32, u32, u32)) -> i64 {
    let (y, m) = if m <= 2 {
        (y as i64 - 1, m as i64 + 9)
    } else {
        (y as i64, m as i64 - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "a neurology" / "an endocrinology": the article a word takes, and the word.
fn article(word: &str) -> String {
    let an = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if an { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    #[test]
    fn day_numbers() {
        assert_eq!(super::days((1970, 1, 1)), 0);
        assert_eq!(
            super::days((2026, 11, 27)) - super::days((2026, 10, 28)),
            30
        );
    }
}
