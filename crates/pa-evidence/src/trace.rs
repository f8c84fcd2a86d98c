//! The decision trace of a claim ([`pa_types::ClaimTrace`]): what the checker
//! read in the claim and what each candidate sentence said. Recorded beside the
//! decisions, never feeding them: a trace changes no status.

use pa_types::{ClaimTrace, SearchHit, Sentence, TraceCandidate, TraceConcept, TraceNumber};

use crate::quantity::{Cmp, QKind};
use crate::{Analysis, Checker, Verdict};

impl Checker {
    /// The claim's parsed parts: concepts with their context, numbers, dates, words.
    pub(crate) fn claim_trace(&self, a: &Analysis, text: &str) -> ClaimTrace {
        let concepts = a
            .concepts
            .iter()
            .map(
                |&crate::ConceptMention {
                     entry,
                     start: cs,
                     end: ce,
                     ..
                 }| {
                    let e = &self.lex.entries[entry];
                    TraceConcept {
                        id: e.id.clone(),
                        kind: e.kind.to_string(),
                        text: pa_types::text::char_slice(text, cs, ce)
                            .unwrap_or_default()
                            .to_string(),
                        context: context_flags(&self.assess(a, text, cs, ce)),
                    }
                },
            )
            .collect();
        let numbers = a
            .quantities
            .iter()
            .map(|q| TraceNumber {
                kind: self.kind_name(&q.kind),
                value: q.value,
                cmp: match q.cmp {
                    Cmp::Eq => "eq",
                    Cmp::AtLeast => "at_least",
                    Cmp::AtMost => "at_most",
                }
                .into(),
                surface: q.surface.trim().to_string(),
            })
            .collect();
        let dates = a
            .dates
            .iter()
            .map(|d| match (d.month, d.day) {
                (0, _) => format!("{:04}", d.year),
                (m, 0) => format!("{:04}-{m:02}", d.year),
                (m, day) => format!("{:04}-{m:02}-{day:02}", d.year),
            })
            .collect();
        ClaimTrace {
            checked: None,
            concepts,
            numbers,
            dates,
            words: a.words.iter().map(|w| w.stem.clone()).collect(),
            ..ClaimTrace::default()
        }
    }

    fn kind_name(&self, k: &QKind) -> String {
        match k {
            QKind::Measure(e) => format!("measure:{}", self.lex.entries[*e].id),
            QKind::ChangeOf(e) => format!("change_of:{}", self.lex.entries[*e].id),
            QKind::Unit(u) => format!("unit:{u}"),
            QKind::Duration => "duration_days".into(),
            QKind::PerDay => "per_day".into(),
            QKind::Pain => "pain".into(),
            QKind::ScoreOf(max) => format!("score_of:{max}"),
            QKind::Count(noun) => format!("count:{noun}"),
            QKind::Named(name) => format!("named:{name}"),
        }
    }
}

/// The ConText flags that are set, by name.
fn context_flags(c: &crate::context::Assessment) -> Vec<String> {
    [
        (c.negated, "negated"),
        (c.declined, "declined"),
        (c.hypothetical, "hypothetical"),
        (c.uncertain, "uncertain"),
        (c.historical, "historical"),
        (c.family, "family"),
    ]
    .into_iter()
    .filter(|f| f.0)
    .map(|f| f.1.to_string())
    .collect()
}

/// One candidate as the verifier judged it.
pub(crate) fn candidate_trace(
    hit: &SearchHit,
    cand: &Sentence,
    v: &Verdict,
    coverage: f32,
    rule: &str,
) -> TraceCandidate {
    TraceCandidate {
        doc_id: cand.span.doc_id.clone(),
        page: cand.span.page,
        start: cand.span.start,
        end: cand.span.end,
        quote: cand.span.quote.clone(),
        search_score: hit.score,
        by_meaning: hit.by_meaning,
        coverage,
        verdict: verdict_name(v).into(),
        rule: rule.into(),
    }
}

/// Strongest first, then by position: an order that does not depend on the
/// search index's scores, which vary with the batch a case was indexed in.
pub(crate) fn order_candidates(c: &mut [TraceCandidate]) {
    c.sort_by(|a, b| {
        b.coverage
            .total_cmp(&a.coverage)
            .then_with(|| (&a.doc_id, a.page, a.start).cmp(&(&b.doc_id, b.page, b.start)))
    });
}

fn verdict_name(v: &Verdict) -> &'static str {
    match v {
        Verdict::Supports => "supports",
        Verdict::SupportsInPart => "supports_in_part",
        Verdict::AfterRequest(_) => "after_request",
        Verdict::Contradicts(_) => "contradicts",
        Verdict::ValueDiffers(_) => "value_differs",
        Verdict::DoseDiffers(_) => "dose_differs",
        Verdict::Denies(_) => "denies",
        Verdict::Family => "family",
        Verdict::Hypothetical => "hypothetical",
        Verdict::MissingNumber(_) => "missing_number",
        Verdict::Weak => "weak",
    }
}
