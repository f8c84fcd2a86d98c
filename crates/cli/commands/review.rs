//! `priorauth review` (record reviewer verdicts) and `priorauth explain` (the
//! decision trace a reviewer checks a verdict against).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::args::ReviewArgs;
use crate::render;

/// `priorauth review`: one verdict, or a CSV import (all rows or none).
pub(super) fn review(a: ReviewArgs) -> Result<ExitCode> {
    let (inputs, source) = match &a.import {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match pa_driver::review::inputs_from_csv(&text) {
                Ok(inputs) => (inputs, format!("import:{name}")),
                Err(problems) => return Ok(report_bad_rows(path, &problems)),
            }
        }
        None => (
            vec![pa_driver::review::VerdictInput {
                line: 0,
                case_id: a.case_id.unwrap_or_default(),
                claim_id: a.claim_id.unwrap_or_default(),
                verdict: a.verdict.unwrap_or_default(),
                status: a.status,
                note: a.note,
                reviewer: a.reviewer.unwrap_or_default(),
            }],
            "cli".to_string(),
        ),
    };
    match pa_driver::review::record(&a.out, &inputs, &source).context("recording verdicts")? {
        Ok(done) => {
            println!(
                "recorded {} verdict(s) as review {} in {}",
                done.rows.len(),
                done.review_id,
                done.file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => match &a.import {
            Some(path) => Ok(report_bad_rows(path, &problems)),
            None => {
                for (_, p) in &problems {
                    eprintln!("error: {}", render::term(p));
                }
                Ok(ExitCode::from(1))
            }
        },
    }
}

/// Bad rows of an import file, by line; nothing was imported.
fn report_bad_rows(path: &Path, problems: &[(usize, String)]) -> ExitCode {
    for (line, p) in problems {
        eprintln!("{}:{line}: {}", path.display(), render::term(p));
    }
    eprintln!(
        "error: {} problem(s) in {}; nothing was imported",
        problems.len(),
        path.display()
    );
    ExitCode::from(1)
}

/// `priorauth explain`: the stored decision trace of one claim.
pub(super) fn explain(case_id: &str, claim_id: &str, out: &Path) -> Result<ExitCode> {
    let Some((run_id, claim)) =
        pa_driver::review::explain(out, case_id, claim_id).context("reading the output dataset")?
    else {
        eprintln!("no claim {claim_id} of case {case_id} in {}", out.display());
        return Ok(ExitCode::from(1));
    };
    render::print_explain(case_id, &run_id, &claim)?;
    Ok(ExitCode::SUCCESS)
}
