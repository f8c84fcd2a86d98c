//! Reviewer verdicts as labels (`priorauth eval --from-reviews`): the checker's
//! status in each run against what reviewers hold right, so that drift between
//! runs (a new lexicon, new settings, a new build) shows up as a change in
//! agreement on the same claims.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// A verdict turned into a label.
#[derive(Debug, Clone)]
pub struct ReviewLabel {
    /// The claim fingerprint it is attached to.
    pub fingerprint: String,
    /// When it was given (the latest labelled verdict of a claim wins).
    pub reviewed_at_us: i64,
    /// The status the reviewer holds right; `None` for a disagreement that
    /// names none (it labels nothing).
    pub label: Option<String>,
}

/// A stored claim: run id, case id, fingerprint, the checker's status.
pub type ClaimRow = (String, String, String, String);

/// Agreement in one run.
#[derive(Debug, Clone, Serialize)]
pub struct RunAgreement {
    /// The run.
    pub run_id: String,
    /// Claims of the run that have a label.
    pub labelled: usize,
    /// Of those, claims whose status is the label.
    pub agree: usize,
    /// `agree / labelled`.
    pub agreement: Option<f64>,
    /// `label -> status` pairs that differ, with their counts.
    pub disagreements: BTreeMap<String, usize>,
}

/// The report of `eval --from-reviews`.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewEval {
    /// Claims with a label.
    pub labelled_claims: usize,
    /// Verdicts read (including those that label nothing).
    pub verdicts: usize,
    /// Per run, oldest first; runs without a labelled claim are left out.
    pub runs: Vec<RunAgreement>,
}

/// Compare every run's claims with the latest label of each.
pub fn from_reviews(claims: &[ClaimRow], verdicts: &[ReviewLabel]) -> ReviewEval {
    let mut labels: HashMap<&str, (i64, &str)> = HashMap::new();
    for v in verdicts {
        let Some(label) = v.label.as_deref() else {
            continue;
        };
        let e = labels
            .entry(&v.fingerprint)
            .or_insert((v.reviewed_at_us, label));
        if v.reviewed_at_us >= e.0 {
            *e = (v.reviewed_at_us, label);
        }
    }
    let mut runs: BTreeMap<&str, RunAgreement> = BTreeMap::new();
    for (run, _, fp, status) in claims {
        let Some((_, label)) = labels.get(fp.as_str()) else {
            continue;
        };
        let r = runs.entry(run).or_insert_with(|| RunAgreement {
            run_id: run.clone(),
            labelled: 0,
            agree: 0,
            agreement: None,
            disagreements: BTreeMap::new(),
        });
        r.labelled += 1;
        if status.as_str() == *label {
            r.agree += 1;
        } else {
            *r.disagreements
                .entry(format!("{label} -> {status}"))
                .or_default() += 1;
        }
    }
    let runs: Vec<RunAgreement> = runs
        .into_values()
        .map(|mut r| {
            r.agreement = Some(r.agree as f64 / r.labelled as f64);
            r
        })
        .collect();
    ReviewEval {
        labelled_claims: labels.len(),
        verdicts: verdicts.len(),
        runs,
    }
}

impl ReviewEval {
    /// A table for the terminal.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{} verdict(s), {} labelled claim(s)\n{:<24} {:>9} {:>6} {:>9}  disagreements (label -> checker)\n",
            self.verdicts, self.labelled_claims, "run", "labelled", "agree", "agreement"
        );
        for r in &self.runs {
            let d: Vec<String> = r
                .disagreements
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            s.push_str(&format!(
                "{:<24} {:>9} {:>6} {:>9.2}  {}\n",
                r.run_id,
                r.labelled,
                r.agree,
                r.agreement.unwrap_or(0.0),
                d.join(", ")
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(run: &str, fp: &str, status: &str) -> ClaimRow {
        (run.into(), "c1".into(), fp.into(), status.into())
    }

    #[test]
    fn the_latest_labelled_verdict_wins_and_each_run_is_scored() {
        let claims = vec![
            row("r1", "a", "unsupported"),
            row("r1", "b", "supported"),
            row("r2", "a", "supported"),
            row("r2", "b", "supported"),
            row("r2", "z", "supported"),
        ];
        let label = |fp: &str, at: i64, l: Option<&str>| ReviewLabel {
            fingerprint: fp.into(),
            reviewed_at_us: at,
            label: l.map(str::to_string),
        };
        let verdicts = vec![
            label("a", 1, Some("unsupported")),
            label("a", 2, Some("supported")),
            label("a", 3, None),
            label("b", 1, Some("supported")),
        ];
        let e = from_reviews(&claims, &verdicts);
        assert_eq!(e.labelled_claims, 2);
        assert_eq!(e.runs.len(), 2);
        assert_eq!((e.runs[0].labelled, e.runs[0].agree), (2, 1));
        assert_eq!(e.runs[0].disagreements["supported -> unsupported"], 1);
        assert_eq!(e.runs[1].agreement, Some(1.0));
        assert!(e.table().contains("r2"));
    }
}
