//! Evaluation against labelled cases (`gold.json`, see `../shared/gold-format.md`):
//! claim detection recall, flag recall, contradiction recall, false-flag rate,
//! evidence precision, citation validity and summary fact recall.
#![warn(missing_docs)]

pub mod reviews;

use std::path::Path;

use pa_types::text::tokenize;
use pa_types::{CaseResult, Citation, Claim, ClaimStatus};
use serde::{Deserialize, Serialize};

/// Evaluation errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A gold file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A gold file has the wrong shape.
    #[error("invalid gold file {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// A labelled evidence quote.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEvidence {
    /// File stem.
    pub file: String,
    /// Verbatim quote.
    pub quote: String,
}

/// A labelled claim.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldClaim {
    /// Id within the case.
    pub id: String,
    /// A verbatim piece of the claim sentence.
    pub anchor: String,
    /// File stem of the claim's document.
    pub source_file: String,
    /// `supported`, `unsupported`, `contradicted` or `not_a_claim`.
    pub expected: String,
    /// Labelled evidence.
    #[serde(default)]
    pub evidence: Vec<GoldEvidence>,
}

/// Tokens a summary must mention.
#[derive(Debug, Clone, Deserialize)]
pub struct SummaryFact {
    /// Summary field.
    pub field: String,
    /// Tokens.
    pub must_mention: Vec<String>,
}

/// A labelled case. Extra keys are ignored; the keys here are required.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    /// The case id.
    pub case_id: String,
    /// Labelled claims.
    pub claims: Vec<GoldClaim>,
    /// Facts the summary must carry.
    #[serde(default)]
    pub summary_facts: Vec<SummaryFact>,
}

/// Read every `<drop>/<case>/gold.json`, sorted by case.
pub fn load_gold(drop: &Path) -> Result<Vec<Gold>, EvalError> {
    let rd = std::fs::read_dir(drop).map_err(|source| EvalError::Read {
        path: drop.display().to_string(),
        source,
    })?;
    let mut out = Vec::new();
    for e in rd.flatten() {
        let p = e.path().join("gold.json");
        if !p.is_file() {
            continue;
        }
        let path = p.display().to_string();
        let text = std::fs::read_to_string(&p).map_err(|source| EvalError::Read {
            path: path.clone(),
            source,
        })?;
        let g: Gold = serde_json::from_str(&text).map_err(|e| EvalError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        for c in &g.claims {
            if !["supported", "unsupported", "contradicted", "not_a_claim"]
                .contains(&c.expected.as_str())
            {
                return Err(EvalError::Invalid {
                    path,
                    message: format!("claim {}: unknown expected `{}`", c.id, c.expected),
                });
            }
        }
        out.push(g);
    }
    out.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    Ok(out)
}

/// A ratio with its parts.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Ratio {
    /// Numerator.
    pub hit: usize,
    /// Denominator.
    pub of: usize,
}

impl Ratio {
    /// The value, or `None` for 0/0.
    pub fn value(&self) -> Option<f64> {
        (self.of > 0).then(|| self.hit as f64 / self.of as f64)
    }
    fn add(&mut self, hit: bool) {
        self.of += 1;
        self.hit += usize::from(hit);
    }
}

/// One labelled claim's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimOutcome {
    /// Case.
    pub case_id: String,
    /// Gold id.
    pub id: String,
    /// Expected label.
    pub expected: String,
    /// What we said (`missed` when no claim matched).
    pub got: String,
    /// Our reason.
    pub reason: String,
}

/// The LLM backend's figures over the evaluated cases.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LlmEval {
    /// Cases the LLM was asked about.
    pub cases: usize,
    /// Cases whose summary the LLM wrote (at least one verified statement).
    pub cases_llm: usize,
    /// Cases that kept the extractive summary, per reason.
    pub fallbacks: std::collections::BTreeMap<String, usize>,
    /// Requests sent.
    pub requests: u32,
    /// Statements published (all verified).
    pub published: u32,
    /// Statements dropped by verification.
    pub dropped: u32,
    /// Dropped statements per reason.
    pub drop_reasons: std::collections::BTreeMap<String, u32>,
}

/// The evaluation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    /// Labelled cases evaluated.
    pub cases: usize,
    /// Labelled claims (not `not_a_claim`) found as claims.
    pub claim_detection_recall: Ratio,
    /// Unsupported + contradicted claims that came out flagged.
    pub flag_recall: Ratio,
    /// Contradicted claims that came out contradicted.
    pub contradiction_recall: Ratio,
    /// Supported claims that came out flagged.
    pub false_flag_rate: Ratio,
    /// Supported claims called supported whose evidence overlaps a labelled quote.
    pub evidence_precision: Ratio,
    /// Citations whose quote equals the page text at their offsets.
    pub citation_validity: Ratio,
    /// `must_mention` tokens present in the summary.
    pub summary_fact_recall: Ratio,
    /// `not_a_claim` items that came out `supported` (must be 0).
    pub not_a_claim_supported: usize,
    /// What the LLM backend did, when it was on.
    pub llm: Option<LlmEval>,
    /// Per-claim outcomes.
    pub outcomes: Vec<ClaimOutcome>,
}

fn words(s: &str) -> Vec<String> {
    tokenize(s).into_iter().map(|t| t.norm).collect()
}

/// Does a produced claim match a gold anchor? Token sequence containment, with a
/// fallback of 80% of the anchor's words for OCR'd text.
fn matches_anchor(claim: &Claim, g: &GoldClaim) -> bool {
    if claim.span.doc_id != g.source_file {
        return false;
    }
    let c = words(&claim.span.quote);
    let a = words(&g.anchor);
    if a.is_empty() {
        return false;
    }
    if c.windows(a.len()).any(|w| w == a.as_slice()) {
        return true;
    }
    let present = a.iter().filter(|w| c.contains(w)).count();
    present * 5 >= a.len() * 4
}

fn overlaps(cit: &Citation, ev: &GoldEvidence) -> bool {
    if cit.doc_id != ev.file {
        return false;
    }
    let q = words(&ev.quote);
    let c = words(&cit.quote);
    !q.is_empty() && q.iter().filter(|w| c.contains(w)).count() * 2 >= q.len()
}

/// Evaluate a run's cases against the gold labels.
pub fn evaluate(golds: &[Gold], cases: &[CaseResult]) -> EvalReport {
    let mut r = EvalReport::default();
    for case in cases {
        let mut check = |c: &Citation| {
            let ok = case
                .page_text(&c.doc_id, c.page)
                .is_some_and(|t| c.verify(t));
            r.citation_validity.add(ok);
        };
        for st in &case.summary.statements {
            st.citations.iter().for_each(&mut check);
        }
        for k in &case.claims {
            check(&k.span);
            k.evidence.iter().for_each(|e| check(&e.citation));
        }
    }
    for case in cases {
        let Some(l) = &case.summary.llm else {
            continue;
        };
        let e = r.llm.get_or_insert_with(LlmEval::default);
        e.cases += 1;
        e.requests += l.attempts;
        e.published += l.published;
        e.dropped += l.dropped;
        match &l.fallback {
            Some(f) => *e.fallbacks.entry(f.clone()).or_default() += 1,
            None => e.cases_llm += 1,
        }
        for (k, n) in &l.drop_reasons {
            *e.drop_reasons.entry(k.as_str().to_string()).or_default() += n;
        }
    }
    for g in golds {
        let Some(case) = cases.iter().find(|c| c.case_id == g.case_id) else {
            continue;
        };
        r.cases += 1;
        for gc in &g.claims {
            let found = case.claims.iter().find(|k| matches_anchor(k, gc));
            let status = found.map(|k| k.status);
            r.outcomes.push(ClaimOutcome {
                case_id: g.case_id.clone(),
                id: gc.id.clone(),
                expected: gc.expected.clone(),
                got: status
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|| "missed".into()),
                reason: found.map(|k| k.reason.clone()).unwrap_or_default(),
            });
            match gc.expected.as_str() {
                "not_a_claim" => {
                    r.not_a_claim_supported += usize::from(status == Some(ClaimStatus::Supported))
                }
                expected => {
                    r.claim_detection_recall.add(found.is_some());
                    match expected {
                        "supported" => {
                            if let Some(k) = found {
                                r.false_flag_rate.add(k.status.is_flag());
                                if k.status == ClaimStatus::Supported {
                                    let good = k.evidence.iter().any(|e| {
                                        gc.evidence.iter().any(|ge| overlaps(&e.citation, ge))
                                    });
                                    r.evidence_precision.add(good);
                                }
                            }
                        }
                        _ => {
                            r.flag_recall.add(status.is_some_and(|s| s.is_flag()));
                            if expected == "contradicted" {
                                r.contradiction_recall
                                    .add(status == Some(ClaimStatus::Contradicted));
                            }
                        }
                    }
                }
            }
        }
        let summary: String = case
            .summary
            .statements
            .iter()
            .map(|s| s.text.to_lowercase() + "\n")
            .collect();
        for f in &g.summary_facts {
            for m in &f.must_mention {
                r.summary_fact_recall
                    .add(summary.contains(&m.to_lowercase()));
            }
        }
    }
    r
}

impl EvalReport {
    /// The metrics as a text table.
    pub fn table(&self) -> String {
        let row = |name: &str, r: &Ratio, note: &str| {
            let v = r
                .value()
                .map(|v| format!("{:>6.1}%", v * 100.0))
                .unwrap_or_else(|| "    n/a".into());
            format!("{name:<26} {v}  {:>4}/{:<4} {note}\n", r.hit, r.of)
        };
        let mut s = format!("evaluation over {} labelled case(s)\n", self.cases);
        s += &row("claim detection recall", &self.claim_detection_recall, "");
        s += &row(
            "flag recall",
            &self.flag_recall,
            "(safety: unsupported+contradicted flagged)",
        );
        s += &row("contradiction recall", &self.contradiction_recall, "");
        s += &row(
            "false-flag rate",
            &self.false_flag_rate,
            "(lower is better)",
        );
        s += &row("evidence precision", &self.evidence_precision, "");
        s += &row(
            "citation validity",
            &self.citation_validity,
            "(must be 100%)",
        );
        s += &row("summary fact recall", &self.summary_fact_recall, "");
        s += &format!(
            "{:<26} {:>7}  (must be 0)\n",
            "not-a-claim supported", self.not_a_claim_supported
        );
        if let Some(l) = &self.llm {
            s += &format!(
                "llm backend                {} of {} case(s) summarized by the model; {} request(s)\n",
                l.cases_llm, l.cases, l.requests
            );
            s += &format!(
                "llm statements             {} published, {} dropped by verification {:?}\n",
                l.published, l.dropped, l.drop_reasons
            );
            if !l.fallbacks.is_empty() {
                s += &format!("llm fallbacks              {:?}\n", l.fallbacks);
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_reader_is_strict_about_shape_and_tolerant_of_extra_keys() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("a")).unwrap();
        std::fs::write(
            tmp.path().join("a/gold.json"),
            r#"{"case_id":"a","extra":1,"claims":[{"id":"c1","anchor":"x y z","source_file":"f","expected":"supported","more":true}]}"#,
        )
        .unwrap();
        assert_eq!(load_gold(tmp.path()).unwrap().len(), 1);
        std::fs::write(
            tmp.path().join("a/gold.json"),
            r#"{"case_id":"a","claims":[{"id":"c1"}]}"#,
        )
        .unwrap();
        assert!(load_gold(tmp.path()).is_err());
    }
}
