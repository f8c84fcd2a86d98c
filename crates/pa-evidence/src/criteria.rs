//! Payer criteria as data: `pipelines/criteria/<service>.toml` lists, per
//! requested service, the criteria a case must meet and what satisfies each
//! (concepts, phrases, ICD-10 code prefixes, measure thresholds, minimum
//! durations, alternatives). Each criterion is checked against the clinical
//! documents only (never the letter) and comes out `met`, `not_met` or
//! `missing_evidence`, with evidence spans.

use std::collections::HashSet;

use pa_types::text::squash;
use pa_types::{CriterionResult, CriterionStatus, Evidence, Sentence};
use serde::Deserialize;

use crate::quantity::{Cmp, QKind};
use crate::Checker;

/// An ICD-10-CM-shaped code.
static ICD10_CODE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\b[A-TV-Z]\d{2}(\.\d{1,4})?\b").unwrap());

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    service: String,
    #[allow(dead_code)]
    title: String,
    codes: Vec<String>,
    /// Generic drug names (lowercase) the policy covers, for requests that name a
    /// drug without a code (pharmacy benefit).
    #[serde(default)]
    drugs: Vec<String>,
    /// ICD-10-CM prefixes the policy is for. A request matched by drug only is
    /// checked against this policy only when the case carries one of them: the
    /// same drug for another indication is another policy.
    #[serde(default)]
    indications: Vec<String>,
    criterion: Vec<Spec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    id: String,
    description: String,
    any_of: Vec<Requirement>,
}

/// One way to satisfy a criterion; every field given must hold in one sentence
/// (`also_concepts` anywhere in the clinical documents).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Requirement {
    #[serde(default)]
    concepts: Vec<String>,
    #[serde(default)]
    also_concepts: Vec<String>,
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    codes: Vec<String>,
    measure: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    min_duration_days: Option<f64>,
    #[serde(default)]
    expect_negative: bool,
    /// The evidence must be dated within this many days before the request.
    window_days: Option<i64>,
}

/// All criteria sets.
#[derive(Debug, Clone)]
pub struct CriteriaSet {
    files: Vec<File>,
}

impl CriteriaSet {
    /// Parse `(name, toml text)` pairs; unknown lexicon ids are errors.
    pub fn from_files(files: &[(&str, &str)], checker: &Checker) -> Result<Self, String> {
        let mut out = Vec::new();
        for (name, text) in files {
            let f: File = toml::from_str(text).map_err(|e| format!("criteria {name}: {e}"))?;
            if f.version != 1 {
                return Err(format!(
                    "criteria {name}: unsupported version {}",
                    f.version
                ));
            }
            for c in &f.criterion {
                for r in &c.any_of {
                    for id in r
                        .concepts
                        .iter()
                        .chain(&r.also_concepts)
                        .chain(r.measure.iter())
                    {
                        if checker.lex.index_of(id).is_none() {
                            return Err(format!(
                                "criteria {name}, {}: unknown lexicon id `{id}`",
                                c.id
                            ));
                        }
                    }
                }
            }
            out.push(f);
        }
        Ok(CriteriaSet { files: out })
    }

    /// Number of criteria sets.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// No criteria sets.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

enum Outcome {
    Met,
    NotMet(String),
    Nothing,
}

impl Checker {
    /// Check the criteria of the set whose codes include `service_code`, or,
    /// failing that, whose drugs include `service_drug` (a generic name).
    pub fn check_criteria(
        &self,
        set: &CriteriaSet,
        service_code: Option<&str>,
        service_drug: Option<&str>,
        sentences: &[Sentence],
    ) -> Vec<CriterionResult> {
        let code = service_code.map(squash);
        let by_code = code.and_then(|code| {
            set.files
                .iter()
                .find(|f| f.codes.iter().any(|c| squash(c) == code))
        });
        let by_drug = || {
            let icd: Vec<String> = sentences
                .iter()
                .flat_map(|s| ICD10_CODE.find_iter(&s.span.quote))
                .map(|m| m.as_str().replace('.', ""))
                .collect();
            service_drug.and_then(|d| {
                set.files.iter().find(|f| {
                    f.drugs.iter().any(|x| x.eq_ignore_ascii_case(d))
                        && (f.indications.is_empty()
                            || f.indications.iter().any(|p| {
                                let p = p.replace('.', "");
                                icd.iter().any(|c| c.starts_with(&p))
                            }))
                })
            })
        };
        let Some(file) = by_code.or_else(by_drug) else {
            return Vec::new();
        };
        let clinical: Vec<&Sentence> = sentences
            .iter()
            .filter(|s| !s.kind.is_assertion())
            .collect();
        // Each sentence is analyzed once, whatever the number of criteria.
        let analyses: Vec<crate::Analysis> = clinical
            .iter()
            .map(|s| self.analyze(&s.span.quote))
            .collect();
        let case_concepts = self.affirmed_concepts(&clinical, &analyses);
        let dates = crate::document_dates(sentences);
        let request = sentences
            .iter()
            .find(|s| s.kind.is_assertion())
            .and_then(|s| dates.get(s.span.doc_id.as_str()))
            .copied();
        file.criterion
            .iter()
            .map(|spec| {
                let mut met = Vec::new();
                let mut not_met: Vec<(&Sentence, String)> = Vec::new();
                for (s, a) in clinical.iter().zip(&analyses) {
                    for r in &spec.any_of {
                        match self.requirement(r, s, a, &case_concepts) {
                            Outcome::Met => match (r.window_days, request, dates.get(s.span.doc_id.as_str())) {
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
                }
                met.dedup_by_key(|s| (s.span.doc_id.clone(), s.span.page, s.span.start));
                let ev = |list: &[&Sentence], relation: &'static str| {
                    list.iter()
                        .take(3)
                        .map(|s| Evidence {
                            citation: s.span.clone(),
                            score: 1.0,
                            relation,
                        })
                        .collect::<Vec<_>>()
                };
                let (status, reason, evidence) = if let Some(s) = met.first() {
                    (
                        CriterionStatus::Met,
                        format!(
                            "{} p.{}: \"{}\"",
                            s.span.doc_id,
                            s.span.page,
                            crate::short(&s.span.quote)
                        ),
                        ev(&met, "supports"),
                    )
                } else if let Some((s, why)) = not_met.first() {
                    let list: Vec<&Sentence> = not_met.iter().map(|x| x.0).collect();
                    (
                        CriterionStatus::NotMet,
                        format!("{} p.{}: {why}", s.span.doc_id, s.span.page),
                        ev(&list, "contradicts"),
                    )
                } else {
                    (
                        CriterionStatus::MissingEvidence,
                        "nothing in the clinical documents speaks to it".to_string(),
                        Vec::new(),
                    )
                };
                CriterionResult {
                    service: file.service.clone(),
                    criterion_id: spec.id.clone(),
                    description: spec.description.clone(),
                    status,
                    reason,
                    evidence,
                }
            })
            .collect()
    }

    /// Lexicon entries mentioned, affirmed and for the patient, anywhere in `sentences`.
    fn affirmed_concepts(
        &self,
        sentences: &[&Sentence],
        analyses: &[crate::Analysis],
    ) -> HashSet<usize> {
        let mut out = HashSet::new();
        for (s, a) in sentences.iter().zip(analyses) {
            for c in &a.concepts {
                let ctx = self.assess(a, &s.span.quote, c.3, c.4);
                if !(ctx.negated || ctx.family || ctx.hypothetical || ctx.uncertain || ctx.declined)
                {
                    out.insert(c.0);
                }
            }
        }
        out
    }

    fn requirement(
        &self,
        r: &Requirement,
        s: &Sentence,
        a: &crate::Analysis,
        case_concepts: &HashSet<usize>,
    ) -> Outcome {
        let q = &s.span.quote;
        let lower = squash(q);
        // Concepts, with their context.
        if !r.concepts.is_empty() {
            let wanted: Vec<usize> = r
                .concepts
                .iter()
                .filter_map(|id| self.lex.index_of(id))
                .collect();
            let hit = a
                .concepts
                .iter()
                .find(|c| wanted.iter().any(|&w| self.lex.satisfies(w, c.0)));
            let Some(hit) = hit else {
                return Outcome::Nothing;
            };
            let ctx = self.assess(a, q, hit.3, hit.4);
            let name = self.lex.entries[hit.0]
                .label
                .clone()
                .unwrap_or_else(|| self.lex.entries[hit.0].id.replace('_', " "));
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
        }
        if !r.words.is_empty() && !r.words.iter().any(|w| lower.contains(&squash(w))) {
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
            let e = self.lex.index_of(m).expect("checked at load");
            let values: Vec<f64> = a
                .quantities
                .iter()
                .filter(|x| x.kind == QKind::Measure(e))
                .map(|x| x.value)
                .collect();
            if values.is_empty() {
                return Outcome::Nothing;
            }
            let ok = |v: f64| r.min.is_none_or(|lo| v >= lo) && r.max.is_none_or(|hi| v <= hi);
            if !values.iter().any(|&v| ok(v)) {
                let label = self.lex.entries[e]
                    .label
                    .clone()
                    .unwrap_or_else(|| m.clone());
                let bound = match (r.min, r.max) {
                    (Some(lo), None) => format!("below {lo}"),
                    (None, Some(hi)) => format!("above {hi}"),
                    _ => "outside the required range".to_string(),
                };
                return Outcome::NotMet(format!("{label} {} is {bound}", values[0]));
            }
        }
        if let Some(days) = r.min_duration_days {
            let durations: Vec<(f64, Cmp)> = a
                .quantities
                .iter()
                .filter(|x| x.kind == QKind::Duration)
                .map(|x| (x.value, x.cmp))
                .collect();
            if durations.is_empty() {
                return Outcome::Nothing;
            }
            if !durations.iter().any(|&(v, _)| v >= days * 0.98) {
                let weeks = durations[0].0 / 7.0;
                return Outcome::NotMet(format!(
                    "{weeks:.0} week(s), less than the {:.0} required",
                    days / 7.0
                ));
            }
        }
        if !r.also_concepts.is_empty() {
            let wanted: Vec<usize> = r
                .also_concepts
                .iter()
                .filter_map(|id| self.lex.index_of(id))
                .collect();
            if !case_concepts
                .iter()
                .any(|&c| wanted.iter().any(|&w| self.lex.satisfies(w, c)))
            {
                return Outcome::Nothing;
            }
        }
        Outcome::Met
    }
}

/// Days since the epoch of a (y, m, d) date, for date differences.
fn days((y, m, d): (u32, u32, u32)) -> i64 {
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
