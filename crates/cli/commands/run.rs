//! `priorauth run`: process a drop folder, printing the case table as batches
//! are written, then the run report. [`run_pipeline`] is shared with `eval`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use pa_driver::RunReport;

use super::settings;
use crate::args::{RunArgs, RunOpts};
use crate::render;

/// `priorauth run`: exit 0, or 2 when documents were quarantined or a case
/// folder could not be listed.
pub(super) fn run(a: RunArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let report = run_pipeline(&a.drop, &a.opts, false, !a.opts.quiet)?;
    let a = a.opts;
    tracing::info!(
        run_id = %report.run.run_id,
        processed = report.totals.cases,
        skipped = report.skipped,
        flagged = report.totals.needs_review,
        quarantined = report.n_quarantined(),
        unreadable_case_folders = report.case_errors.len(),
        seconds = started.elapsed().as_secs_f64(),
        "run summary"
    );
    if !a.quiet {
        render::print_report(&report, &a.out);
        render::print_run_summary(&report, started.elapsed().as_secs_f64());
    }
    for (case_id, e) in &report.case_errors {
        eprintln!("error: case folder {case_id} cannot be listed, not processed: {e}");
    }
    Ok(ExitCode::from(report.exit_status()))
}

/// Run the pipeline; with `table`, each case's line of the terminal table is
/// printed as its batch is written.
pub(super) fn run_pipeline(
    drop: &Path,
    a: &RunOpts,
    keep_cases: bool,
    table: bool,
) -> Result<RunReport> {
    let mut s = settings(a.config.as_deref())?;
    s.add_criteria_dirs(&a.criteria)
        .context("reading the --criteria folders")?;
    // Before the table header, and before the output folder is created.
    if let Err(e) = std::fs::read_dir(drop) {
        anyhow::bail!("cannot read drop folder {}: {e}", drop.display());
    }
    if s.output.group_readable {
        // No output file exists yet.
        crate::set_umask(0o027);
    }
    let exe =
        std::env::current_exe().context("locating the priorauth binary for extraction workers")?;
    // A progress bar on a terminal, nothing in cron.
    let bar = (!a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} cases [{elapsed}] {wide_bar}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let ticker = bar.clone();
    let tick = move |done: usize, total: usize| {
        if let Some(b) = &ticker {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let row = |c: &pa_driver::CaseBrief| match &bar {
        Some(b) => b.suspend(|| render::print_table_row(c)),
        None => render::print_table_row(c),
    };
    if table {
        render::print_table_header();
    }
    let opts = pa_driver::RunOptions {
        worker_exe: Some(&exe),
        force: a.force,
        shard: a.shard,
        progress: Some(&tick),
        after_batch: Some(&crate::alloc::collect),
        keep_cases,
        on_case: table.then_some(&row as &(dyn Fn(&pa_driver::CaseBrief) + Sync)),
    };
    let result = pa_driver::run(drop, &a.out, &s, &opts);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    result.with_context(|| format!("processing {} into {}", drop.display(), a.out.display()))
}
