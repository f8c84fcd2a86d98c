//! The commands that read or prune an output folder of earlier runs: `show`,
//! `search`, `export-fhir` and `purge`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::render;

/// `priorauth show`: a case's latest result.
pub(super) fn show(case_id: &str, out: &Path) -> Result<ExitCode> {
    let case = pa_driver::show(out, case_id).context("reading the output dataset")?;
    let Some(case) = case else {
        eprintln!("no case {case_id} in {}", out.display());
        return Ok(ExitCode::from(1));
    };
    render::print_case(case_id, &case);
    Ok(ExitCode::SUCCESS)
}

/// `priorauth search`: the text of the latest run.
pub(super) fn search(
    query: &str,
    out: &Path,
    case_id: Option<&str>,
    limit: usize,
) -> Result<ExitCode> {
    let Some((run, hits)) =
        pa_driver::search(out, query, case_id, limit).context("searching the run index")?
    else {
        eprintln!("no search index in {}", out.display());
        return Ok(ExitCode::from(1));
    };
    render::print_search_hits(&run, query, &hits);
    Ok(ExitCode::SUCCESS)
}

/// `priorauth export-fhir`: a case's latest result as a FHIR R4 bundle.
pub(super) fn export_fhir(case_id: &str, out: &Path, to: Option<&Path>) -> Result<ExitCode> {
    let Some(bundle) =
        pa_driver::export_fhir(out, case_id).context("reading the output dataset")?
    else {
        eprintln!("no case {case_id} in {}", out.display());
        return Ok(ExitCode::from(1));
    };
    let text = serde_json::to_string_pretty(&bundle)?;
    match to {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => println!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `priorauth purge`: delete the runs older than `older_than` days, and their
/// lines in the LLM debug files they wrote to (their audit entries name them;
/// the settings given with `--config` may name one more).
pub(super) fn purge(out: &Path, older_than: u64, config: Option<&Path>) -> Result<ExitCode> {
    let debug_file = match config {
        Some(_) => {
            let settings = super::settings(config)?;
            (!settings.llm.debug_file.is_empty())
                .then(|| std::path::PathBuf::from(&settings.llm.debug_file))
        }
        None => None,
    };
    let purged =
        pa_driver::purge(out, older_than, debug_file.as_deref()).context("purging old runs")?;
    println!(
        "removed {} run(s) older than {older_than} days from {}",
        purged.runs.len(),
        out.display()
    );
    for r in &purged.runs {
        println!("  {r}");
    }
    for (path, done) in &purged.debug_files {
        match done {
            Some(d) => println!(
                "LLM debug file {}: removed {} line(s) of the purged runs or of no known run, kept {}",
                path.display(),
                d.removed,
                d.kept
            ),
            None => println!("LLM debug file {}: not present", path.display()),
        }
    }
    if purged.runs.is_empty() {
        if let Some(path) = &debug_file {
            println!(
                "LLM debug file {}: unchanged (no run removed)",
                path.display()
            );
        }
    } else if purged.debug_files.is_empty() {
        println!("no LLM debug file: the purged runs wrote none");
    }
    Ok(ExitCode::SUCCESS)
}
