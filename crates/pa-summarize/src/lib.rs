//! Summarize: the deterministic, offline, extractive case summary.
//!
//! A summary is a list of [`Statement`]s in fixed sections (requested service,
//! diagnoses, relevant history, prior treatments, key findings, functional
//! impact, medical-necessity rationale). Every statement is a sentence of the
//! case quoted verbatim, so its citation is exact by construction. Sentences
//! are ranked per section by rules over the lexicon, codes and numbers; the
//! sections then take turns, best first, until the word budget is spent.
#![warn(missing_docs)]

use std::collections::HashSet;
use std::sync::LazyLock;

use pa_types::text::{squash, stem, tokenize};
use pa_types::{CaseSummary, DocKind, Lexicon, Sentence, Statement};
use regex::Regex;

/// Summary settings.
#[derive(Debug, Clone)]
pub struct SummarizeOptions {
    /// Approximate word budget.
    pub word_budget: usize,
    /// Statements per section at most.
    pub max_per_section: usize,
}

/// Section names in display order.
pub const SECTIONS: &[&str] = &[
    "requested_service",
    "diagnoses",
    "relevant_history",
    "prior_treatments",
    "key_findings",
    "functional_impact",
    "medical_necessity_rationale",
];

static SERVICE_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:CPT\s*)(\d{5})\b|\bHCPCS\s*([A-V]\d{4})\b|\b(NDC\s*\d{4,5}-\d{3,4}-\d{1,2})\b|\b([A-V]\d{4})\b").unwrap()
});
static ICD10: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-TV-Z]\d{2}(\.\d{1,4})?\b").unwrap());
static SERVICE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(requested service|procedure|drug( requested)?|medication requested|equipment requested|study requested|request)\s*:").unwrap()
});
static TREATMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(fail\w*|tried|trial|completed|took|taking|on|used|started|stopped|discontinued|titrated|injections?|course|x \d+|since|\d+(\.\d+)? ?(mg|mcg|units|%))\b").unwrap()
});
static HISTORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(history|since|diagnosed|y/o|year-old|chronic|onset)\b").unwrap()
});
static FINDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(impression|findings?|showed|revealed|positive|negative|measuring|grade|severe|moderate|elevated)\b|\d").unwrap()
});
static FUNCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(unable|cannot|can no longer|prevents?|difficulty|disrupts?|limits?|wakes|walks less|uses a cane|dyspnea|sleepiness)\b").unwrap()
});
static RATIONALE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(medically necessary|is necessary|is indicated|appropriate next step)\b")
        .unwrap()
});

/// The service code (CPT, HCPCS or NDC) and its description from the request line.
pub fn service(sentences: &[Sentence]) -> (Option<String>, Option<String>, Option<usize>) {
    let mut best: Option<(usize, usize)> = None; // (priority, index)
    for (i, s) in sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind.is_assertion())
    {
        if !SERVICE_CODE.is_match(&s.span.quote) {
            continue;
        }
        let prio = if SERVICE_LABEL.is_match(s.span.quote.trim_start()) {
            0
        } else {
            1
        };
        if best.is_none_or(|b| prio < b.0) {
            best = Some((prio, i));
        }
    }
    let Some((_, i)) = best else {
        return (None, None, None);
    };
    let q = &sentences[i].span.quote;
    let caps = SERVICE_CODE.captures(q).expect("matched above");
    let code = (1..=4)
        .find_map(|g| caps.get(g))
        .map(|m| m.as_str().split_whitespace().collect::<Vec<_>>().join(" "));
    let desc = q.split_once(':').map(|(_, d)| d).unwrap_or(q);
    let desc = SERVICE_CODE.replace_all(desc, "").replace(['(', ')'], "");
    let desc = desc.replace("CPT", "").replace("HCPCS", "");
    let desc = desc
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches([',', ' ', '-'])
        .to_string();
    (code, (!desc.is_empty()).then_some(desc), Some(i))
}

fn concept_kinds(lex: &Lexicon, text: &str) -> Vec<String> {
    let stems: Vec<String> = tokenize(text).iter().map(|t| stem(&t.norm)).collect();
    lex.find(&stems)
        .into_iter()
        .map(|h| lex.entries[h.entry].kind.clone())
        .collect()
}

/// Score a sentence for a section; `None` when it does not belong there.
fn score(section: &str, s: &Sentence, kinds: &[String]) -> Option<f32> {
    let q = &s.span.quote;
    let clinical = !s.kind.is_assertion();
    let has = |k: &str| kinds.iter().any(|x| x == k);
    let sec = s.section.as_str();
    let n = kinds.len() as f32;
    match section {
        "diagnoses" => {
            let codes = ICD10.find_iter(q).count() as f32;
            let label = sec == "diagnosis"
                || sec.starts_with("assessment")
                || q.to_lowercase().starts_with("diagnosis");
            (codes > 0.0 && (label || has("condition")))
                .then_some(codes + if label { 2.0 } else { 0.0 })
        }
        "relevant_history" => (clinical
            && (HISTORY.is_match(q)
                || ["hpi", "history", "pmh", "subjective", "s", "background"].contains(&sec))
            && (has("condition") || has("finding")))
        .then_some(
            n + if sec == "hpi" || sec == "history" {
                1.0
            } else {
                0.0
            },
        ),
        "prior_treatments" => ((has("drug") || has("drug_class") || has("therapy"))
            && TREATMENT.is_match(q))
        .then_some(n + if clinical { 2.0 } else { 0.0 }),
        "key_findings" => {
            let report = matches!(
                s.kind,
                DocKind::ImagingReport | DocKind::LabReport | DocKind::SleepStudy
            );
            let findingish = [
                "impression",
                "findings",
                "imaging",
                "exam",
                "data",
                "labs",
                "results",
                "disease activity",
                "anthropometrics",
                "o",
                "final diagnosis",
                "testing",
                "interpretation",
            ]
            .contains(&sec);
            ((report || findingish)
                && (report || has("measure") || has("test") || has("finding"))
                && FINDING.is_match(q))
            .then_some(
                n + if sec == "impression" { 3.0 } else { 0.0 } + if report { 1.0 } else { 0.0 },
            )
        }
        "functional_impact" => FUNCTION
            .is_match(q)
            .then_some(1.0 + if clinical { 1.0 } else { 0.0 }),
        "medical_necessity_rationale" => {
            (s.kind.is_assertion() && RATIONALE.is_match(q)).then_some(1.0)
        }
        _ => None,
    }
}

/// Summarize a case from all sentences of its readable documents.
pub fn summarize(sentences: &[Sentence], lex: &Lexicon, opts: &SummarizeOptions) -> CaseSummary {
    let (service_code, service_description, service_idx) = service(sentences);
    let kinds: Vec<Vec<String>> = sentences
        .iter()
        .map(|s| concept_kinds(lex, &s.span.quote))
        .collect();
    // Ranked candidates per section.
    let mut ranked: Vec<Vec<usize>> = SECTIONS
        .iter()
        .map(|sec| {
            if *sec == "requested_service" {
                return service_idx.into_iter().collect();
            }
            let mut v: Vec<(f32, usize)> = sentences
                .iter()
                .enumerate()
                .filter_map(|(i, s)| score(sec, s, &kinds[i]).map(|sc| (sc, i)))
                .collect();
            v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            v.into_iter().map(|(_, i)| i).collect()
        })
        .collect();

    let mut used = HashSet::new();
    let mut seen_text = HashSet::new();
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); SECTIONS.len()];
    let mut words = 0;
    'rounds: for _round in 0..opts.max_per_section {
        let mut progressed = false;
        for (k, list) in ranked.iter_mut().enumerate() {
            while let Some(i) = (!list.is_empty()).then(|| list.remove(0)) {
                let text = squash(&sentences[i].span.quote);
                if used.contains(&i) || !seen_text.insert(text.clone()) {
                    continue;
                }
                let w = text.split_whitespace().count();
                if words + w > opts.word_budget && words > 0 {
                    continue;
                }
                used.insert(i);
                chosen[k].push(i);
                words += w;
                progressed = true;
                break;
            }
            if words >= opts.word_budget {
                break 'rounds;
            }
        }
        if !progressed {
            break;
        }
    }

    let mut statements = Vec::new();
    for (k, idxs) in chosen.into_iter().enumerate() {
        for (ordinal, i) in idxs.into_iter().enumerate() {
            let s = &sentences[i];
            statements.push(Statement {
                section: SECTIONS[k].to_string(),
                ordinal: ordinal as u32,
                text: s
                    .span
                    .quote
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                citations: vec![s.span.clone()],
                backend: "extractive".into(),
            });
        }
    }
    CaseSummary {
        service_code,
        service_description,
        statements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pa_types::Citation;

    fn s(doc: &str, kind: DocKind, section: &str, q: &str) -> Sentence {
        Sentence {
            span: Citation {
                doc_id: doc.into(),
                page: 1,
                start: 0,
                end: q.chars().count() as u32,
                quote: q.into(),
            },
            kind,
            section: section.into(),
            ordinal: 0,
        }
    }

    #[test]
    fn summary_cites_every_statement_and_finds_the_service() {
        let lex = Lexicon::from_toml(include_str!("../../../pipelines/lexicon.toml")).unwrap();
        let sents = vec![
            s("lmn", DocKind::Lmn, "requested service", "Requested service: MRI lumbar spine without contrast (CPT 72148)"),
            s("lmn", DocKind::Lmn, "diagnosis", "Diagnosis: M54.16 Radiculopathy, lumbar region"),
            s("lmn", DocKind::Lmn, "", "An MRI is medically necessary to evaluate for nerve root compression."),
            s("note", DocKind::ClinicalNote, "hpi", "Took naproxen 500 mg BID x 4 weeks, stopped due to dyspepsia and no relief."),
            s("note", DocKind::ClinicalNote, "imaging", "Imaging: Lumbar X-ray 09/15/2026: mild degenerative disc disease at L4-L5, no fracture."),
        ];
        let sum = summarize(
            &sents,
            &lex,
            &SummarizeOptions {
                word_budget: 250,
                max_per_section: 3,
            },
        );
        assert_eq!(sum.service_code.as_deref(), Some("72148"));
        assert_eq!(
            sum.service_description.as_deref(),
            Some("MRI lumbar spine without contrast")
        );
        let sections: Vec<&str> = sum.statements.iter().map(|s| s.section.as_str()).collect();
        assert_eq!(
            sections,
            [
                "requested_service",
                "diagnoses",
                "prior_treatments",
                "key_findings",
                "medical_necessity_rationale"
            ]
        );
        assert!(sum.statements.iter().all(|st| !st.citations.is_empty()));
    }

    #[test]
    fn budget_limits_the_summary() {
        let lex = Lexicon::from_toml(include_str!("../../../pipelines/lexicon.toml")).unwrap();
        let long = "Completed physical therapy for 6 weeks with minimal improvement and ongoing pain in the lower back daily.";
        let sents: Vec<_> = (0..20)
            .map(|i| {
                s(
                    &format!("n{i}"),
                    DocKind::ClinicalNote,
                    "hpi",
                    &format!("{long} {i}"),
                )
            })
            .collect();
        let sum = summarize(
            &sents,
            &lex,
            &SummarizeOptions {
                word_budget: 40,
                max_per_section: 4,
            },
        );
        let words: usize = sum
            .statements
            .iter()
            .map(|s| s.text.split_whitespace().count())
            .sum();
        assert!(words <= 40, "{words}");
        assert!(!sum.statements.is_empty());
    }
}
