//! Payer criteria as data. A policy file (`pipelines/criteria/*.toml` built
//! in, or a user's folder at run time) says which requests it covers (codes,
//! drugs, indications) and the criteria a case must meet, as expressions of
//! the criteria language (docs/criteria.md). Each criterion is checked against
//! the clinical documents (never the letter; a form only for the prescriber's
//! specialty and the requested dose) and comes out `met`, `not_met` or
//! `missing_evidence`, with evidence spans.

mod eval;
mod lang;
pub(crate) mod patient;

use rustc_hash::FxHashSet as HashSet;

use pa_types::text::squash;
use pa_types::{CriterionResult, CriterionStatus, Evidence, PolicyChoice, Relation};
use sha2::{Digest, Sha256};

pub use lang::CriteriaError;

use crate::{CaseSentences, Checker};

/// An ICD-10-CM-shaped code in text.
static ICD10_CODE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\b[A-TV-Z]\d{2}(\.[0-9A-Z]{1,4})?\b").unwrap());

/// One payer policy, validated.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Unique id; a later file with the same id replaces this one.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Where the criteria come from (LCD/NCD id, plan policy name and date).
    pub citation: Option<String>,
    /// "built-in", or the file's path.
    pub source: String,
    /// CPT/HCPCS/NDC codes it covers.
    pub codes: Vec<String>,
    /// Generic names of the drugs it covers.
    pub drugs: Vec<String>,
    /// ICD-10-CM prefixes it is for.
    pub indications: Vec<String>,
    /// Diagnosis concepts it is for.
    pub diagnoses: Vec<String>,
    criteria: Vec<lang::Node>,
    /// sha256 of the file's text: a case is redone when the policy applied to it changes.
    pub sha256: String,
}

impl Policy {
    /// (id, description) of each criterion.
    pub fn criteria(&self) -> impl Iterator<Item = (&str, &str)> {
        self.criteria.iter().map(|c| {
            (
                c.id.as_deref().unwrap_or_default(),
                c.description.as_deref().unwrap_or_default(),
            )
        })
    }
}

/// All policies, built-in and the user's.
#[derive(Debug, Clone, Default)]
pub struct CriteriaSet {
    policies: Vec<Policy>,
}

/// The policy chosen for a case, if any, and the statement when none matches.
#[derive(Debug, Clone)]
pub struct Choice<'a> {
    /// The policy applied.
    pub policy: Option<&'a Policy>,
    /// "<id>: drug adalimumab + diagnosis K50.x".
    pub why: String,
    /// "no policy matches <service>" when a service was found but no policy covers it.
    pub note: Option<String>,
}

impl Choice<'_> {
    /// The choice as stored with the case.
    pub fn to_policy_choice(&self) -> Option<PolicyChoice> {
        self.policy.map(|p| PolicyChoice {
            id: p.id.clone(),
            title: p.title.clone(),
            source: p.source.clone(),
            why: self.why.clone(),
        })
    }
}

/// Parse and validate one file; every problem found is returned.
pub fn check_file(
    source: &str,
    text: &str,
    checker: &Checker,
) -> Result<Policy, Vec<CriteriaError>> {
    let file = lang::parse(source, text).map_err(|e| vec![e])?;
    let mut v = lang::Validator {
        source,
        loc: lang::Locator::new(text),
        checker,
        errors: Vec::new(),
    };
    v.file(&file);
    if !v.errors.is_empty() {
        return Err(v.errors);
    }
    let drugs = file
        .drugs
        .iter()
        .map(|d| {
            pa_types::drugs::generic_of(d)
                .map(str::to_string)
                .unwrap_or_else(|| d.to_lowercase())
        })
        .collect();
    Ok(Policy {
        id: file.id,
        title: file.title,
        citation: file.citation,
        source: source.to_string(),
        codes: file.codes,
        drugs,
        indications: file
            .indications
            .iter()
            .map(|p| p.replace('.', "").to_uppercase())
            .collect(),
        diagnoses: file.diagnoses,
        criteria: file.criterion,
        sha256: format!("{:x}", Sha256::digest(text.as_bytes())),
    })
}

/// How a policy matched a request; lower ranks win.
struct Candidate<'a> {
    policy: &'a Policy,
    rank: u8,
    /// Sentences of the request (letter or form) that name the policy's
    /// indication: among equals, the indication the request asks for wins.
    stated: usize,
    why: String,
}

impl CriteriaSet {
    /// Parse `(source, text)` files in order; a later file with an id already
    /// seen replaces the earlier one. All errors of all files are returned.
    pub fn load<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
        checker: &Checker,
    ) -> Result<Self, Vec<CriteriaError>> {
        let mut policies: Vec<Policy> = Vec::new();
        let mut errors = Vec::new();
        for (source, text) in files {
            match check_file(source, text, checker) {
                Ok(p) => match policies.iter_mut().find(|q| q.id == p.id) {
                    Some(q) => *q = p,
                    None => policies.push(p),
                },
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        policies.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(CriteriaSet { policies })
    }

    /// Every policy, by id.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// Number of policies.
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// No policies.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// sha256 over what decides which policy a case gets (ids, codes, drugs,
    /// indications, diagnoses): a change here may move any case.
    pub fn routing_sha256(&self) -> String {
        let mut h = Sha256::new();
        for p in &self.policies {
            for part in [
                &p.id,
                &p.codes.join(","),
                &p.drugs.join(","),
                &p.indications.join(","),
                &p.diagnoses.join(","),
            ] {
                h.update(part.as_bytes());
                h.update([0]);
            }
        }
        format!("{:x}", h.finalize())
    }

    /// The policy for a request: see docs/criteria.md, "Which policy applies".
    pub fn choose(
        &self,
        case: &CaseSentences<'_>,
        service_code: Option<&str>,
        service_drug: Option<&str>,
    ) -> Choice<'_> {
        let checker = case.checker();
        let code = service_code.map(squash);
        let drug = service_drug.map(|d| pa_types::drugs::generic_of(d).unwrap_or(d).to_lowercase());
        let mut indications = None;
        let mut candidates: Vec<Candidate> = Vec::new();
        for p in &self.policies {
            let by_code = code
                .as_ref()
                .filter(|c| p.codes.iter().any(|x| squash(x) == **c));
            let by_drug = drug.as_ref().filter(|d| p.drugs.contains(d));
            if by_code.is_none() && by_drug.is_none() {
                continue;
            }
            let mut what: Vec<String> = Vec::new();
            if let Some(c) = by_code {
                what.push(format!("code {}", c.to_uppercase()));
            }
            if let Some(d) = by_drug {
                what.push(format!("drug {d}"));
            }
            let constrained = !(p.indications.is_empty() && p.diagnoses.is_empty());
            let (found, stated) = if constrained {
                let ind = indications.get_or_insert_with(|| CaseIndications::of(case));
                (ind.matching(checker, p), ind.stated(checker, p))
            } else {
                (None, 0)
            };
            let rank = match (constrained, found.is_some(), by_code.is_some()) {
                (true, true, true) => 0,
                (true, true, false) => 1,
                (false, _, true) => 2,
                (false, _, false) => 3,
                (true, false, true) => 4,
                (true, false, false) => continue,
            };
            if let Some(f) = found {
                what.push(f);
            } else if constrained {
                what.push(format!(
                    "no indication of this policy found in the case ({})",
                    p.indications
                        .iter()
                        .chain(&p.diagnoses)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            candidates.push(Candidate {
                policy: p,
                rank,
                stated,
                why: format!("{}: {}", p.id, what.join(" + ")),
            });
        }
        // The rank, then the indication the request names most, then the id
        // (policies are kept in id order and the sort is stable).
        candidates.sort_by_key(|c| (c.rank, std::cmp::Reverse(c.stated)));
        match candidates.into_iter().next() {
            Some(c) => Choice {
                policy: Some(c.policy),
                why: c.why,
                note: None,
            },
            None => Choice {
                policy: None,
                why: String::new(),
                note: service_code
                    .map(str::to_string)
                    .or(drug)
                    .map(|s| format!("no policy matches {s}")),
            },
        }
    }

    /// Choose the policy for a request and check its criteria.
    pub fn check(
        &self,
        case: &CaseSentences<'_>,
        service_code: Option<&str>,
        service_drug: Option<&str>,
    ) -> (Choice<'_>, Vec<CriterionResult>) {
        let choice = self.choose(case, service_code, service_drug);
        let results = match choice.policy {
            Some(p) => case.checker().check_policy(p, service_drug, case),
            None => Vec::new(),
        };
        (choice, results)
    }
}

/// ICD-10 codes and diagnosis concepts of a case, in any document: the
/// request's stated indication says which policy applies, and a suspected
/// diagnosis ("concern for Lennox-Gastaut syndrome") still names what the
/// request is for. Negated and family mentions do not count. Whether the
/// diagnosis is established is for the policy's criteria to say.
struct CaseIndications {
    codes: Vec<String>,
    concepts: HashSet<usize>,
    /// Per request (letter or form) sentence: its ICD-10 codes and affirmed concepts.
    request: Vec<(Vec<String>, HashSet<usize>)>,
}

impl CaseIndications {
    fn of(case: &CaseSentences<'_>) -> Self {
        let checker = case.checker();
        let sentences = case.sentences();
        let codes = sentences
            .iter()
            .flat_map(|s| ICD10_CODE.find_iter(&s.span.quote))
            .map(|m| m.as_str().to_string())
            .collect();
        let mut concepts = HashSet::default();
        let mut request = Vec::new();
        for (i, s) in sentences.iter().enumerate() {
            let a = case.analysis(i);
            let mut mine = HashSet::default();
            for c in &a.concepts {
                let ctx = checker.assess(a, &s.span.quote, c.start, c.end);
                if !(ctx.negated || ctx.family) {
                    mine.insert(c.entry);
                }
            }
            concepts.extend(mine.iter().copied());
            if s.kind.is_assertion() {
                let codes = ICD10_CODE
                    .find_iter(&s.span.quote)
                    .map(|m| m.as_str().replace('.', ""))
                    .collect();
                request.push((codes, mine));
            }
        }
        CaseIndications {
            codes,
            concepts,
            request,
        }
    }

    /// How many request sentences name one of the policy's indications.
    fn stated(&self, checker: &Checker, p: &Policy) -> usize {
        let wanted: Vec<usize> = p
            .diagnoses
            .iter()
            .filter_map(|d| checker.lex.index_of(d))
            .collect();
        self.request
            .iter()
            .filter(|(codes, concepts)| {
                codes
                    .iter()
                    .any(|c| p.indications.iter().any(|x| c.starts_with(x.as_str())))
                    || concepts
                        .iter()
                        .any(|&c| wanted.iter().any(|&w| checker.lex.satisfies(w, c)))
            })
            .count()
    }

    /// "diagnosis K50.x" or "diagnosis Crohn's disease" when the case carries one.
    fn matching(&self, checker: &Checker, p: &Policy) -> Option<String> {
        for prefix in &p.indications {
            if let Some(c) = self
                .codes
                .iter()
                .find(|c| c.replace('.', "").starts_with(prefix.as_str()))
            {
                // Prefixes are kept without their dot ("E230"): show it again.
                let shown = if prefix.len() > 3 {
                    format!("{}.{}...", &prefix[..3], &prefix[3..])
                } else {
                    format!("{prefix}.x")
                };
                return Some(format!("diagnosis {c} ({shown})"));
            }
        }
        for d in &p.diagnoses {
            let w = checker.lex.index_of(d)?;
            if self.concepts.iter().any(|&c| checker.lex.satisfies(w, c)) {
                let e = &checker.lex.entries[w];
                return Some(format!(
                    "diagnosis {}",
                    e.label.clone().unwrap_or_else(|| e.id.replace('_', " "))
                ));
            }
        }
        None
    }
}

impl Checker {
    /// Check a policy's criteria on a case. `requested_drug` (a generic name)
    /// never counts as another drug tried, nor as a concurrent one.
    pub fn check_policy(
        &self,
        policy: &Policy,
        requested_drug: Option<&str>,
        case: &CaseSentences<'_>,
    ) -> Vec<CriterionResult> {
        debug_assert!(std::ptr::eq(case.checker(), self));
        let view = eval::CaseView::new(case, requested_drug);
        policy
            .criteria
            .iter()
            .map(|spec| {
                let v = view.eval(spec);
                let relation = if v.status == CriterionStatus::NotMet {
                    Relation::Contradicts
                } else {
                    Relation::Supports
                };
                let mut seen = HashSet::default();
                let evidence = v
                    .evidence
                    .iter()
                    .filter(|s| seen.insert((s.span.doc_id.clone(), s.span.page, s.span.start)))
                    .take(3)
                    .map(|s| Evidence {
                        citation: s.span.clone(),
                        score: 1.0,
                        relation,
                    })
                    .collect();
                CriterionResult {
                    service: policy.id.clone(),
                    criterion_id: spec.id.clone().unwrap_or_default(),
                    description: spec.description.clone().unwrap_or_default(),
                    status: v.status,
                    reason: v.reason,
                    evidence,
                }
            })
            .collect()
    }
}
