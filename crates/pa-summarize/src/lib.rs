//! Summarize: the deterministic, offline, extractive case summary.
//!
//! A summary is a list of [`Statement`]s in fixed sections (requested service,
//! diagnoses, relevant history, prior treatments, key findings, functional
//! impact, medical-necessity rationale). Every statement is a sentence of the
//! case quoted verbatim, so its citation is exact by construction. Sentences
//! are gated per section by rules over the lexicon, codes, numbers, the document
//! kind and the section heading, and ranked by those rules plus the sentence's
//! BM25 score for a per-section query in the run's tantivy index; the sections
//! then take turns, best first, until the word budget is spent.
//!
//! The last section, `what_is_missing`, is written from the evidence checker's
//! verdicts: every claim without support or contradicted by the record, and every
//! payer criterion not met, citing the claim (and the contradicting text) or the
//! request line. It is filled first, so the budget never drops a gap.
#![warn(missing_docs)]

use std::collections::HashSet;
use std::sync::LazyLock;

use pa_types::text::{shorten, squash};
use pa_types::{
    Backend, CaseSearcher, CaseSummary, Citation, Claim, ClaimStatus, ConceptKind, CriterionResult,
    CriterionStatus, DocKind, Lexicon, Relation, Sentence, SentenceWords, Statement,
    SummarySection,
};
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
pub const SECTIONS: &[SummarySection] = SummarySection::ALL;

/// What a case asks for: the requested service and drug, read from its
/// sentences once ([`Request::of`], by the driver) and handed both to the
/// criteria check and to the summary, so the two never decide it apart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// The service code (CPT, HCPCS or NDC) of the request line ([`service`]).
    pub service_code: Option<String>,
    /// The service as the request line describes it; without a request line,
    /// the requested drug's line after its label.
    pub service_description: Option<String>,
    /// The request line (an index into the case's sentences): the service's,
    /// else the requested drug's.
    pub sentence: Option<usize>,
    /// The requested drug's generic name ([`requested_drug`]).
    pub drug: Option<&'static str>,
}

impl Request {
    /// The request of a case, from every sentence of its readable documents.
    pub fn of(sentences: &[Sentence]) -> Self {
        let (service_code, mut service_description, mut sentence) = service(sentences);
        let mut drug = requested_drug_ranked(sentences);
        // A service named on its own line without a code ("Service: Psychiatric
        // Residential Treatment Facility admission", "Level of care requested:
        // skilled nursing facility") outranks a drug that a form only lists.
        // A level of care named in a form's subject or title ("HOME HEALTH
        // CERTIFICATION AND PLAN OF CARE") outranks any drug not on a drug
        // line of its own: the form's medication list is the patient's.
        let titled = labelled_service(sentences)
            .filter(|(_, i)| LEVEL_OF_CARE_TITLE.is_match(&squash(&sentences[*i].span.quote)));
        if sentence.is_none() && titled.is_some() && drug.is_none_or(|d| d.2 >= 2) {
            let (desc, i) = titled.unwrap_or_default();
            return Request {
                service_code,
                service_description: Some(desc),
                sentence: Some(i),
                drug: None,
            };
        }
        if sentence.is_none() && drug.is_none_or(|d| d.2 >= FORM_FIRST_DRUG) {
            if let Some((desc, i)) =
                labelled_service(sentences).or_else(|| subject_service(sentences))
            {
                return Request {
                    service_code,
                    service_description: Some(desc),
                    sentence: Some(i),
                    drug: None,
                };
            }
        }
        let drug = drug.take().map(|(g, i, _)| (g, i));
        if sentence.is_none() {
            if let Some((_, i)) = drug {
                sentence = Some(i);
                let q = squash(&sentences[i].span.quote);
                service_description = Some(
                    q.split_once(':')
                        .map_or(q.as_str(), |(_, d)| d)
                        .trim()
                        .to_string(),
                );
            }
        }
        Request {
            service_code,
            service_description,
            sentence,
            drug: drug.map(|d| d.0),
        }
    }
}

/// What a case summary is made from.
pub struct CaseInput<'a> {
    /// The case.
    pub case_id: &'a str,
    /// Every sentence of its readable documents.
    pub sentences: &'a [Sentence],
    /// What the case asks for, decided upstream from the same sentences.
    pub request: &'a Request,
    /// The evidence checker's verdicts.
    pub claims: &'a [Claim],
    /// Payer criteria results.
    pub criteria: &'a [CriterionResult],
    /// The run's index, for BM25 relevance; `None` ranks by rules alone.
    pub searcher: Option<&'a dyn CaseSearcher>,
}

/// The query per section whose BM25 score adds to a sentence's rank.
fn section_query(section: SummarySection) -> &'static [&'static str] {
    match section {
        SummarySection::Diagnoses => &["diagnosis", "assessment", "icd", "diagnosed"],
        SummarySection::RelevantHistory => {
            &["history", "diagnosed", "chronic", "onset", "since", "years"]
        }
        SummarySection::PriorTreatments => &[
            "tried",
            "failed",
            "trial",
            "completed",
            "weeks",
            "months",
            "therapy",
            "mg",
            "discontinued",
            "response",
            "relief",
        ],
        SummarySection::KeyFindings => &[
            "impression",
            "findings",
            "showed",
            "revealed",
            "result",
            "score",
            "index",
            "grade",
            "severe",
        ],
        SummarySection::FunctionalImpact => &[
            "unable",
            "difficulty",
            "limits",
            "prevents",
            "work",
            "walking",
            "sleep",
            "daily",
            "activities",
        ],
        SummarySection::MedicalNecessityRationale => &[
            "medically",
            "necessary",
            "indicated",
            "recommend",
            "request",
        ],
        _ => &[],
    }
}

static SERVICE_CODE: LazyLock<Regex> = LazyLock::new(|| {
    // A labelled CPT or HCPCS code ("CPT 72148", "CPT/HCPCS: 30420", "HCPCS code: J0135"),
    // an NDC ("NDC: 50242-0214-01", "NDC # 00074105001"), or a bare HCPCS-shaped code.
    Regex::new(r"\b(?:CPT|HCPCS)(?:\s*/\s*(?:CPT|HCPCS))?(?:\s*codes?)?\s*[:#]?\s*(\d{5}|\d{4}[FT]|[A-V]\d{4})\b|\bNDC(?:\s*(?:#|no\.?|number|code))?\s*[:#]?\s*(\d{4,5}-\d{3,4}-\d{1,2}|\d{11})\b|\b([A-V]\d{4})\b").unwrap()
});
/// On a service line ("Procedure: ... (15823-50)"), a five-digit code is a CPT
/// code even without its label, with or without a modifier ("-50", "-RT").
static LABELLED_CPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(\[])(\d{5}|\d{4}[FT])(?:-(?:\d{2}|[A-Z]{2}))?(?:$|[\s),.;\]])").unwrap()
});
static ICD10: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-TV-Z]\d{2}(\.\d{1,4})?\b").unwrap());
static SERVICE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[a-z]?\d{1,2}[.)]?\s+)?(requested service|procedure|drug( requested)?|medication requested|equipment requested|study requested|request)(?:\s*/\s*(?:cpt|hcpcs)(?:\s*code)?)?\s*:").unwrap()
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
        let labelled = SERVICE_LABEL.is_match(s.span.quote.trim_start());
        let coded = SERVICE_CODE.is_match(&s.span.quote)
            || (labelled && LABELLED_CPT.is_match(&s.span.quote));
        if !coded {
            continue;
        }
        let prio = if labelled { 0 } else { 1 };
        if best.is_none_or(|b| prio < b.0) {
            best = Some((prio, i));
        }
    }
    let Some((_, i)) = best else {
        return (None, None, None);
    };
    let q = &sentences[i].span.quote;
    let code = match SERVICE_CODE.captures(q) {
        Some(caps) => match (caps.get(1), caps.get(2), caps.get(3)) {
            (Some(m), _, _) | (_, _, Some(m)) => Some(m.as_str().to_string()),
            (_, Some(ndc), _) => Some(format!("NDC {}", ndc.as_str())),
            _ => None,
        },
        None => LABELLED_CPT.captures(q).map(|c| c[1].to_string()),
    };
    let desc = q.split_once(':').map(|(_, d)| d).unwrap_or(q);
    let desc = SERVICE_CODE.replace_all(desc, "");
    let desc = LABELLED_CPT.replace_all(&desc, " ").replace(['(', ')'], "");
    let desc = desc.replace("CPT", "").replace("HCPCS", "");
    let desc = desc
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches([',', ' ', '-'])
        .to_string();
    (code, (!desc.is_empty()).then_some(desc), Some(i))
}

fn concept_kinds(lex: &Lexicon, text: &str, words: &SentenceWords) -> Vec<ConceptKind> {
    lex.find_written(text, &words.tokens, &words.stems)
        .into_iter()
        .map(|h| lex.entries[h.entry].kind)
        .collect()
}

/// Score a sentence for a section; `None` when it does not belong there.
fn score(section: SummarySection, s: &Sentence, kinds: &[ConceptKind]) -> Option<f32> {
    let q = &s.span.quote;
    let clinical = !s.kind.is_assertion();
    let has = |k: ConceptKind| kinds.contains(&k);
    let sec = s.section.as_str();
    let n = kinds.len() as f32;
    match section {
        SummarySection::Diagnoses => {
            // No code, no diagnosis line: ASCII text without a digit has none
            // (other text goes through the regex, whose \d takes any digit).
            if q.is_ascii() && !q.bytes().any(|b| b.is_ascii_digit()) {
                return None;
            }
            let codes = ICD10.find_iter(q).count() as f32;
            if codes == 0.0 {
                return None;
            }
            let label = sec == "diagnosis"
                || sec.starts_with("assessment")
                || q.to_lowercase().starts_with("diagnosis");
            (codes > 0.0 && (label || has(ConceptKind::Condition)))
                .then_some(codes + if label { 2.0 } else { 0.0 })
        }
        SummarySection::RelevantHistory => (clinical
            && (HISTORY.is_match(q)
                || ["hpi", "history", "pmh", "subjective", "s", "background"].contains(&sec))
            && (has(ConceptKind::Condition) || has(ConceptKind::Finding)))
        .then_some(
            n + if sec == "hpi" || sec == "history" {
                1.0
            } else {
                0.0
            },
        ),
        SummarySection::PriorTreatments => {
            ((has(ConceptKind::Drug) || has(ConceptKind::DrugClass) || has(ConceptKind::Therapy))
                && TREATMENT.is_match(q))
            .then_some(n + if clinical { 2.0 } else { 0.0 })
        }
        SummarySection::KeyFindings => {
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
                && (report
                    || has(ConceptKind::Measure)
                    || has(ConceptKind::Test)
                    || has(ConceptKind::Finding))
                && FINDING.is_match(q))
            .then_some(
                n + if sec == "impression" { 3.0 } else { 0.0 } + if report { 1.0 } else { 0.0 },
            )
        }
        SummarySection::FunctionalImpact => FUNCTION
            .is_match(q)
            .then_some(1.0 + if clinical { 1.0 } else { 0.0 }),
        SummarySection::MedicalNecessityRationale => {
            (s.kind.is_assertion() && RATIONALE.is_match(q)).then_some(1.0)
        }
        _ => None,
    }
}

/// The gaps a reviewer must see: flagged claims and unmet criteria, each citing
/// the claim (plus what contradicts it) or, for a criterion without evidence,
/// the request line it belongs to.
fn gaps(input: &CaseInput<'_>, request: Option<&Citation>) -> Vec<(String, Vec<Citation>)> {
    let mut out = Vec::new();
    for c in input.claims {
        let claim = shorten(&c.span.quote, 18);
        match c.status {
            ClaimStatus::Unsupported => out.push((
                format!("Not supported by the clinical record: \"{claim}\""),
                vec![c.span.clone()],
            )),
            ClaimStatus::Contradicted => {
                let mut cites = vec![c.span.clone()];
                cites.extend(
                    c.evidence
                        .iter()
                        .filter(|e| e.relation == Relation::Contradicts)
                        .map(|e| e.citation.clone()),
                );
                out.push((
                    format!(
                        "Contradicted by the clinical record: \"{claim}\" ({})",
                        shorten(&c.reason, 24)
                    ),
                    cites,
                ));
            }
            _ => {}
        }
    }
    for k in input.criteria {
        let what = match k.status {
            CriterionStatus::NotMet => "not met",
            CriterionStatus::MissingEvidence => "no evidence found",
            _ => continue,
        };
        let cites: Vec<Citation> = if k.evidence.is_empty() {
            request.cloned().into_iter().collect()
        } else {
            k.evidence.iter().map(|e| e.citation.clone()).collect()
        };
        if !cites.is_empty() {
            out.push((
                format!("Payer criterion {what}: {}", shorten(&k.description, 20)),
                cites,
            ));
        }
    }
    out
}

/// BM25 scores of the case's sentences for each section's query, scaled to 0..1
/// per section, keyed by (doc, page, start).
fn relevance(input: &CaseInput<'_>) -> Vec<std::collections::HashMap<(String, u32, u32), f32>> {
    SECTIONS
        .iter()
        .map(|sec| {
            let mut m = std::collections::HashMap::new();
            let (Some(searcher), terms) = (input.searcher, section_query(*sec)) else {
                return m;
            };
            if terms.is_empty() {
                return m;
            }
            let terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
            let hits = searcher.search(input.case_id, &terms, &[], 64);
            let max = hits.iter().map(|h| h.score).fold(0.0f32, f32::max);
            if max > 0.0 {
                for h in hits {
                    m.insert((h.doc_id, h.page, h.start), h.score / max);
                }
            }
            m
        })
        .collect()
}

/// A label that introduces the requested drug ("Medication:", "Drug requested:", "Re:").
static DRUG_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(re|regarding|subject|request(ed)?( medication| drug| agent| product| therapy| service)?|(medication|drug|agent|product|therapy)( name| requested| being requested)?)\s*[:\-]").unwrap()
});
/// Words that make a sentence a request ("I am requesting coverage of Repatha").
static REQUEST_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(request(s|ed|ing)?|seek(s|ing)?|approv(e|al)|authori[sz](e|ation)|coverage (of|for)|prescrib(e|ed|ing)|initiat(e|ion|ing)|start(ing)?)\b").unwrap()
});

/// The requested drug: a generic name from the drug vocabulary (brand names
/// resolve to it), found in a request form or letter, with the sentence it is in.
/// A labelled line ("Medication: Rinvoq (upadacitinib) 45 mg") comes first,
/// then a request sentence ("I am requesting coverage of Repatha"), whose first
/// drug after the request word is taken: drugs named before it are history.
/// Forms come before letters, then document order. Failing all of these, the
/// first drug a request form names.
pub fn requested_drug(sentences: &[Sentence]) -> Option<(&'static str, usize)> {
    requested_drug_ranked(sentences).map(|(g, i, _)| (g, i))
}

/// The rank [`requested_drug`] gives a form's first drug, found without a
/// label or a request word.
const FORM_FIRST_DRUG: u8 = 4;

/// A subject line or a title that names a post-acute or behavioural level of
/// care together with what the paper is (an authorization, a certification, a
/// plan of care, a request, an admission), and the level of care it names.
static LEVEL_OF_CARE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:subject|re|regarding)\s*:\s*)?(?:[a-z ]{0,20}\b)?(home health(?: care)?|skilled nursing(?: facility)?|inpatient rehabilitation(?: facility)?|long[- ]term acute care(?: hospital)?|partial hospitali[sz]ation(?: program)?|intensive outpatient(?: program)?|residential treatment|hospice)\b[^.]{0,60}\b(authorization|certification|plan of care|request|admission|referral)\b").unwrap()
});

/// The lines of the case's letters and forms, squashed, with their index.
fn assertion_lines(sentences: &[Sentence]) -> impl Iterator<Item = (usize, String)> + '_ {
    sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind.is_assertion())
        .map(|(i, s)| (i, squash(&s.span.quote)))
}

/// A service line without a code: its description and sentence.
fn labelled_service(sentences: &[Sentence]) -> Option<(String, usize)> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:requested service|service requested|service|services requested|level of care(?: requested)?|requested level of care|admission requested|type of admission)\s*:\s*(\S.{3,})").unwrap()
    });
    assertion_lines(sentences).find_map(|(i, q)| {
        // A subject line or title that names a level of care ("Subject:
        // HOME HEALTH START OF CARE AUTHORIZATION", "HOME HEALTH
        // CERTIFICATION AND PLAN OF CARE") names the service.
        if let Some(c) = LEVEL_OF_CARE_TITLE.captures(&q) {
            return Some((squash(&c[1]).to_lowercase(), i));
        }
        let c = LABEL.captures(&q)?;
        // Only the options checked: "[X] SNF [ ] IRF [ ] LTACH" is "SNF".
        static UNCHECKED: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(\[\s*\]|☐)[^\[☐☒]*").unwrap());
        static CHECK_MARK: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\[\s*[xX✓✔]\s*\]|[☒☑]").unwrap());
        let checked = UNCHECKED.replace_all(&c[1], " ");
        let checked = CHECK_MARK.replace_all(&checked, " ");
        let desc = squash(&checked)
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ','))
            .to_string();
        (!desc.contains("___") && desc.chars().filter(|c| c.is_alphabetic()).count() >= 3)
            .then_some((desc, i))
    })
}

/// A service a letter's subject line names after what the letter is ("RE:
/// Request for acute inpatient psychiatric admission - URGENT", "Re: A.
/// Castellanos - request for residential eating disorder treatment", "Re:
/// APPEAL OF DENIAL - post-acute brain injury day treatment"), or a line
/// labelled "Requested:": the service when nothing names it by a code, a
/// drug or a service label. It ends at a dash or a semicolon after it.
fn subject_service(sentences: &[Sentence]) -> Option<(String, usize)> {
    static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:(?:re|subject|regarding)\s*:.*?\b(?:request(?:ing)?\s+(?:for|of)|letter of medical necessity\s*(?:for|[-–:])|appeal of (?:the )?denial(?: of)?\s*[-–:]?|(?:prior )?authori[sz]ation (?:request )?(?:for|of))|requested\s*:)\s*(\S.{3,})").unwrap()
    });
    assertion_lines(sentences).find_map(|(i, q)| {
        let c = SUBJECT.captures(&q)?;
        let desc = c[1]
            .split([';'])
            .next()
            .unwrap_or_default()
            .split(" - ")
            .next()
            .unwrap_or_default()
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ':'))
            .to_lowercase();
        (desc.chars().filter(|c| c.is_alphabetic()).count() >= 6 && !desc.contains("___"))
            .then_some((desc, i))
    })
}

/// [`requested_drug`] with its rank: 0-1 a labelled line, 2-3 a request
/// sentence, [`FORM_FIRST_DRUG`] a form's first drug.
fn requested_drug_ranked(sentences: &[Sentence]) -> Option<(&'static str, usize, u8)> {
    let mut best: Option<(u8, usize, &'static str)> = None;
    for (i, s) in sentences.iter().enumerate() {
        if !s.kind.is_assertion() {
            continue;
        }
        let text = &s.span.quote;
        let drugs = pa_types::drugs::find_drugs(text);
        if drugs.is_empty() {
            continue;
        }
        let form = u8::from(s.kind != DocKind::RequestForm);
        // A drug line that gives a course ("Drug: alendronate 70 mg weekly
        // Duration: 3 years Outcome: ...") is a prior treatment, not the request.
        static COURSE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)\b(duration|outcome|response|dates? (?:tried|used)|stopped|discontinued|failed|tried|reason for (?:stopping|discontinuation))\b").unwrap()
        });
        // A checked box right before a drug chooses it ("[X] Prolia (denosumab)
        // 60 mg SC every 6 months [ ] Evenity [ ] Forteo").
        static CHECKED_DRUG: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\s*(?:\[\s*[xX✓✔]\s*\]|[☒☑])\s*").unwrap());
        let course = COURSE.is_match(text);
        let checked_first = CHECKED_DRUG
            .find(text)
            .is_some_and(|m| drugs[0].start == text[..m.end()].chars().count());
        let found = if DRUG_LABEL.is_match(text) && !course {
            Some((form, drugs[0].generic))
        } else if checked_first && !course && s.kind == DocKind::RequestForm {
            Some((1, drugs[0].generic))
        } else if let Some(m) = REQUEST_VERB.find(text) {
            let at = text[..m.start()].chars().count();
            let d = drugs.iter().find(|d| d.start >= at).unwrap_or(&drugs[0]);
            Some((2 + form, d.generic))
        } else if s.kind == DocKind::RequestForm {
            // A filled form whose answers carry no label: the medication is asked
            // for before the history, so the form's first drug is the request.
            Some((FORM_FIRST_DRUG, drugs[0].generic))
        } else {
            None
        };
        if let Some((prio, generic)) = found {
            if best.is_none_or(|b| prio < b.0) {
                best = Some((prio, i, generic));
            }
        }
    }
    best.map(|(p, i, g)| (g, i, p))
}

/// Summarize a case from all sentences of its readable documents; the
/// requested service section and the service columns are the input's
/// [`Request`], never decided here again.
pub fn summarize(input: &CaseInput<'_>, lex: &Lexicon, opts: &SummarizeOptions) -> CaseSummary {
    let words: Vec<SentenceWords> = input
        .sentences
        .iter()
        .map(|s| SentenceWords::of(&s.span.quote))
        .collect();
    summarize_with(input, &words, lex, opts)
}

/// [`summarize`] with each sentence's tokens and stems already taken apart
/// (`words[i]` of `input.sentences[i]`).
pub fn summarize_with(
    input: &CaseInput<'_>,
    words: &[SentenceWords],
    lex: &Lexicon,
    opts: &SummarizeOptions,
) -> CaseSummary {
    let sentences = input.sentences;
    let service_idx = input.request.sentence;
    let mut ranked = rank(input, words, lex, service_idx);
    // The gaps come first: they are what a reviewer must not miss.
    let request = service_idx.map(|i| &sentences[i].span);
    let missing: Vec<(String, Vec<Citation>)> = gaps(input, request)
        .into_iter()
        .take(opts.max_per_section.max(1) * 2)
        .collect();
    let words: usize = missing.iter().map(|m| m.0.split_whitespace().count()).sum();
    let chosen = choose(sentences, &mut ranked, words, opts);
    let statements = statements(sentences, chosen, missing);
    CaseSummary {
        service_code: input.request.service_code.clone(),
        service_description: input.request.service_description.clone(),
        service_drug: input.request.drug.map(str::to_string),
        statements,
        llm: None,
    }
}

/// Candidate sentences per section (indices into `input.sentences`), best
/// first: rule score plus BM25 relevance; the request line alone for the
/// requested service.
fn rank(
    input: &CaseInput<'_>,
    words: &[SentenceWords],
    lex: &Lexicon,
    service_idx: Option<usize>,
) -> Vec<Vec<usize>> {
    let sentences = input.sentences;
    let bm25 = relevance(input);
    // A letter or form sentence the checker flagged is the writer's claim, not
    // a fact: it may stand as the request or the writer's rationale, and under
    // what is missing, never as a history, finding or functional impact.
    let flagged: Vec<&Citation> = input
        .claims
        .iter()
        .filter(|c| c.status.is_flag())
        .map(|c| &c.span)
        .collect();
    let is_flagged_claim = |s: &Sentence| {
        s.kind.is_assertion()
            && flagged.iter().any(|c| {
                c.doc_id == s.span.doc_id
                    && c.page == s.span.page
                    && c.start < s.span.end
                    && s.span.start < c.end
            })
    };
    let kinds: Vec<Vec<ConceptKind>> = sentences
        .iter()
        .zip(words)
        .map(|(s, w)| concept_kinds(lex, &s.span.quote, w))
        .collect();
    // Header lines (name, date of birth, ids) are identification, in every
    // section, and a list number or a heading alone says nothing: tested once
    // per sentence, not once per section.
    let statement: Vec<bool> = sentences
        .iter()
        .map(|s| {
            !pa_types::text::is_identification_line(&s.span.quote) && says_something(&s.span.quote)
        })
        .collect();
    // Ranked candidates per section.
    SECTIONS
        .iter()
        .enumerate()
        .map(|(k, sec)| {
            if *sec == SummarySection::RequestedService {
                return service_idx.into_iter().collect();
            }
            let mut v: Vec<(f32, usize)> = sentences
                .iter()
                .enumerate()
                .filter(|(i, s)| {
                    statement[*i]
                        && (*sec == SummarySection::MedicalNecessityRationale
                            || !is_flagged_claim(s))
                })
                .filter_map(|(i, s)| {
                    // The relevance of sentences that belong to the section only.
                    score(*sec, s, &kinds[i]).map(|sc| {
                        let key = (s.span.doc_id.clone(), s.span.page, s.span.start);
                        let boost = bm25[k].get(&key).copied().unwrap_or(0.0);
                        (sc + boost, i)
                    })
                })
                .collect();
            v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            v.into_iter().map(|(_, i)| i).collect()
        })
        .collect()
}

/// Whether a sentence can stand as a statement: a list number ("1.") or a
/// heading alone ("Impression:") says nothing.
fn says_something(quote: &str) -> bool {
    let t = quote.trim();
    t.chars().filter(|c| c.is_alphabetic()).nth(2).is_some()
        && !(t.split_whitespace().nth(1).is_none() && t.ends_with(':'))
}

/// Pick statements round-robin over the sections, one per section per round,
/// within the word budget (`words` already spent on the gaps); a sentence is
/// used once, and the same text only once.
fn choose(
    sentences: &[Sentence],
    ranked: &mut [Vec<usize>],
    mut words: usize,
    opts: &SummarizeOptions,
) -> Vec<Vec<usize>> {
    let mut used = HashSet::new();
    let mut seen_text = HashSet::new();
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); SECTIONS.len()];
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
    chosen
}

/// The chosen sentences as statements, section by section, then the gaps under
/// `what_is_missing`.
fn statements(
    sentences: &[Sentence],
    chosen: Vec<Vec<usize>>,
    missing: Vec<(String, Vec<Citation>)>,
) -> Vec<Statement> {
    let mut statements = Vec::new();
    for (k, idxs) in chosen.into_iter().enumerate() {
        for (ordinal, i) in idxs.into_iter().enumerate() {
            let s = &sentences[i];
            statements.push(Statement {
                section: SECTIONS[k],
                ordinal: ordinal as u32,
                text: s
                    .span
                    .quote
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                citations: vec![s.span.clone()],
                backend: Backend::Extractive,
            });
        }
    }
    for (ordinal, (text, citations)) in missing.into_iter().enumerate() {
        statements.push(Statement {
            section: SummarySection::WhatIsMissing,
            ordinal: ordinal as u32,
            text,
            citations,
            backend: Backend::Extractive,
        });
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::*;
    use pa_types::Citation;

    #[test]
    fn list_numbers_and_headings_alone_are_no_statements() {
        for q in ["1.", "2)", "Impression:", "  "] {
            assert!(!says_something(q), "{q}");
        }
        for q in ["HTN.", "Impression: mild OA.", "LVEF 35%."] {
            assert!(says_something(q), "{q}");
        }
    }

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
    fn a_service_named_without_a_code_outranks_a_drug_the_form_only_lists() {
        let sents = vec![
            s(
                "form",
                DocKind::RequestForm,
                "",
                "Level of care requested: [X] SNF [ ] IRF [ ] LTACH",
            ),
            s(
                "form",
                DocKind::RequestForm,
                "",
                "Current medications: cefazolin 2 g IV q8h",
            ),
        ];
        let r = Request::of(&sents);
        assert_eq!(r.service_description.as_deref(), Some("snf"));
        assert_eq!(r.drug, None);
        // A drug the request names with a label still wins.
        let sents = vec![
            s(
                "form",
                DocKind::RequestForm,
                "",
                "Service: outpatient infusion",
            ),
            s(
                "form",
                DocKind::RequestForm,
                "",
                "Drug requested: ocrelizumab 600 mg IV",
            ),
        ];
        assert_eq!(Request::of(&sents).drug, Some("ocrelizumab"));
    }

    #[test]
    fn a_level_of_care_in_a_forms_title_is_the_service_over_its_medication_list() {
        let sents = vec![
            s(
                "form",
                DocKind::RequestForm,
                "",
                "Subject: HOSPICE ELECTION AND AUTHORIZATION REQUEST - home visits",
            ),
            s(
                "form",
                DocKind::RequestForm,
                "",
                "I am requesting coverage; current medications include morphine 5 mg q4h prn.",
            ),
        ];
        let r = Request::of(&sents);
        assert_eq!(r.drug, None);
        assert_eq!(r.service_description.as_deref(), Some("hospice"));
        // A drug on a drug line of its own is still the request.
        let sents = vec![
            s(
                "f",
                DocKind::RequestForm,
                "",
                "HOME HEALTH AUTHORIZATION REQUEST",
            ),
            s(
                "f",
                DocKind::RequestForm,
                "",
                "Drug requested: Ozempic 1 mg weekly",
            ),
        ];
        assert_eq!(Request::of(&sents).drug, Some("semaglutide"));
    }

    #[test]
    fn the_requested_drug_is_named_by_brand_or_generic() {
        let drug = |sents: &[Sentence]| requested_drug(sents).map(|d| d.0);
        let letter = |t: &str| s("l", DocKind::Lmn, "", t);
        assert_eq!(
            drug(&[
                letter("He failed atorvastatin and ezetimibe."),
                letter("I am requesting coverage of Praluent for this patient."),
            ]),
            Some("alirocumab")
        );
        assert_eq!(
            drug(&[
                letter("Patient tried metformin for a year."),
                s(
                    "f",
                    DocKind::RequestForm,
                    "",
                    "Medication requested: Ozempic 1 mg weekly"
                ),
            ]),
            Some("semaglutide")
        );
        // A form's checked drug is the request; a drug row that gives a
        // course is history, label or not.
        let form = |t: &str| s("f", DocKind::RequestForm, "", t);
        assert_eq!(
            drug(&[
                form("Drug: risedronate 35 mg weekly Duration: 2 years Outcome: fracture"),
                form("[X] Evenity (romosozumab) 210 mg SC monthly [ ] Forteo [ ] Tymlos"),
            ]),
            Some("romosozumab")
        );
        // History alone in a letter is not a request.
        assert_eq!(drug(&[letter("She took methotrexate in 2024.")]), None);
        // A notes-only case has no request.
        assert_eq!(
            drug(&[s("n", DocKind::ClinicalNote, "", "Start Humira 40 mg.")]),
            None
        );
    }

    #[test]
    fn service_codes_as_senders_write_them() {
        let code = |text: &str| service(&[s("f", DocKind::RequestForm, "", text)]).0;
        assert_eq!(
            code("NDC: 72511-0760-02").as_deref(),
            Some("NDC 72511-0760-02")
        );
        assert_eq!(
            code("Drug: Xolair 150 mg/mL NDC: 50242-0214-01").as_deref(),
            Some("NDC 50242-0214-01")
        );
        assert_eq!(
            code("CPT/HCPCS: 30420 Rhinoplasty, primary").as_deref(),
            Some("30420")
        );
        assert_eq!(code("CPT: 64483 Units: 1").as_deref(), Some("64483"));
        assert_eq!(code("HCPCS code: J0135").as_deref(), Some("J0135"));
        // A service line's five-digit code, with a modifier, needs no label.
        assert_eq!(
            code("Procedure: bilateral carpal tunnel release (64721-50)").as_deref(),
            Some("64721")
        );
        let desc = service(&[s(
            "f",
            DocKind::RequestForm,
            "",
            "Procedure: bilateral carpal tunnel release (64721-50)",
        )])
        .1;
        assert_eq!(desc.as_deref(), Some("bilateral carpal tunnel release"));
        assert_eq!(code("Patient zip 80016, call for questions"), None);
        assert_eq!(code("Call 555-0142 for questions"), None);
        // A form's numbered row, its label naming the code's system; and a
        // Category III code ("0402T").
        assert_eq!(
            code("4. Procedure / CPT: Reverse total shoulder arthroplasty, right - 23472")
                .as_deref(),
            Some("23472")
        );
        assert_eq!(
            code("Procedure: corneal collagen cross-linking, right eye, CPT 0402T").as_deref(),
            Some("0402T")
        );
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
            &CaseInput {
                case_id: "c",
                sentences: &sents,
                request: &Request::of(&sents),
                claims: &[],
                criteria: &[],
                searcher: None,
            },
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
    fn a_letters_subject_line_names_a_service_without_a_code() {
        for (line, want) in [
            (
                "RE: Request for acute inpatient psychiatric admission - URGENT",
                "acute inpatient psychiatric admission",
            ),
            (
                "Re: Jo Park - request for residential eating disorder treatment",
                "residential eating disorder treatment",
            ),
            (
                "Re: APPEAL OF DENIAL - outpatient cardiac rehabilitation",
                "outpatient cardiac rehabilitation",
            ),
            (
                "Requested: interdisciplinary day treatment, 5 days/week",
                "interdisciplinary day treatment, 5 days/week",
            ),
        ] {
            let sents = vec![
                s("lmn", DocKind::Lmn, "", line),
                s("lmn", DocKind::Lmn, "", "She has anorexia nervosa."),
            ];
            let r = Request::of(&sents);
            assert_eq!(r.service_description.as_deref(), Some(want), "{line}");
            assert_eq!(r.sentence, Some(0), "{line}");
        }
        // A labelled service line outranks the subject line.
        let sents = vec![
            s("lmn", DocKind::Lmn, "", "RE: Request for home care"),
            s(
                "lmn",
                DocKind::Lmn,
                "",
                "Level of care requested: skilled nursing facility",
            ),
        ];
        assert_eq!(
            Request::of(&sents).service_description.as_deref(),
            Some("skilled nursing facility")
        );
        // A subject line that names no service names none.
        let sents = vec![s("lmn", DocKind::Lmn, "", "RE: Jo Park, DOB 01/02/1990")];
        assert_eq!(Request::of(&sents).service_description, None);
    }

    #[test]
    fn gaps_come_first_and_cite_the_claim_and_what_contradicts_it() {
        let lex = Lexicon::from_toml(include_str!("../../../pipelines/lexicon.toml")).unwrap();
        let sents = vec![
            s(
                "lmn",
                DocKind::Lmn,
                "",
                "Requested service: CPAP device (HCPCS E0601)",
            ),
            s(
                "note",
                DocKind::ClinicalNote,
                "hpi",
                "Tried positional therapy for 3 months without benefit.",
            ),
        ];
        let claim = |q: &str, status, evidence| pa_types::Claim {
            claim_id: "lmn#1".into(),
            span: s("lmn", DocKind::Lmn, "", q).span,
            claim_type: pa_types::ClaimType::Score,
            status,
            reason: "letter: 40; note: 17".into(),
            evidence,
            trace: None,
        };
        let note = s("note", DocKind::ClinicalNote, "", "AHI 17.");
        let claims = vec![
            claim(
                "AHI was 40.",
                ClaimStatus::Contradicted,
                vec![pa_types::Evidence {
                    citation: note.span.clone(),
                    score: 1.0,
                    relation: Relation::Contradicts,
                }],
            ),
            claim("He failed CPAP.", ClaimStatus::Unsupported, vec![]),
            claim("He snores.", ClaimStatus::Supported, vec![]),
        ];
        let criteria = vec![CriterionResult {
            service: "cpap-osa".into(),
            criterion_id: "face_to_face".into(),
            description: "A face-to-face evaluation before the sleep test".into(),
            status: CriterionStatus::MissingEvidence,
            reason: String::new(),
            evidence: vec![],
        }];
        let sum = summarize(
            &CaseInput {
                case_id: "c",
                sentences: &sents,
                request: &Request::of(&sents),
                claims: &claims,
                criteria: &criteria,
                searcher: None,
            },
            &lex,
            // A budget smaller than the gaps: they are kept all the same.
            &SummarizeOptions {
                word_budget: 5,
                max_per_section: 4,
            },
        );
        let gaps: Vec<&Statement> = sum
            .statements
            .iter()
            .filter(|s| s.section == SummarySection::WhatIsMissing)
            .collect();
        assert_eq!(gaps.len(), 3, "{gaps:#?}");
        assert!(gaps[0].text.starts_with("Contradicted"));
        assert_eq!(gaps[0].citations.len(), 2);
        assert_eq!(gaps[0].citations[1].doc_id, "note");
        assert!(gaps[1].text.contains("He failed CPAP."));
        // A criterion without evidence cites the request line.
        assert!(gaps[2].text.contains("face-to-face"));
        assert!(gaps[2].citations[0].quote.starts_with("Requested service"));
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
            &CaseInput {
                case_id: "c",
                sentences: &sents,
                request: &Request::of(&sents),
                claims: &[],
                criteria: &[],
                searcher: None,
            },
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
