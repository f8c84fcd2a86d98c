//! `priorauth eval`: score this build against the gold labels of a drop
//! folder, or (`--from-reviews`) the runs of an output folder against the
//! reviewers' verdicts.

use std::process::ExitCode;

use anyhow::{Context, Result};

use super::run::run_pipeline;
use crate::args::{EvalArgs, RunOpts};

/// Print the metrics as a table, or as JSON with `json`.
pub(super) fn eval(args: EvalArgs, json: bool) -> Result<ExitCode> {
    if args.from_reviews {
        from_reviews(args, json)
    } else {
        against_gold(args, json)
    }
}

/// Agreement of every run in `--out` with the reviewers' verdicts.
fn from_reviews(args: EvalArgs, json: bool) -> Result<ExitCode> {
    let (claims, verdicts) =
        pa_driver::review::review_labels(&args.opts.out).context("reading the output dataset")?;
    let labels: Vec<pa_eval::reviews::ReviewLabel> = verdicts
        .iter()
        .map(|r| pa_eval::reviews::ReviewLabel {
            fingerprint: r.claim_fingerprint.clone(),
            reviewed_at_us: r.reviewed_at_us,
            label: r.label().map(str::to_string),
        })
        .collect();
    let eval = pa_eval::reviews::from_reviews(&claims, &labels);
    if json {
        println!("{}", serde_json::to_string_pretty(&eval)?);
    } else {
        print!("{}", eval.table());
    }
    Ok(ExitCode::SUCCESS)
}

/// Run the pipeline on `--drop` and score it against its gold.json labels.
fn against_gold(args: EvalArgs, json: bool) -> Result<ExitCode> {
    let drop = args.drop.unwrap_or_default();
    let golds = pa_eval::load_gold(&drop).context("reading gold labels")?;
    // The evaluation scores this build on every case: nothing is skipped.
    let report = run_pipeline(
        &drop,
        &RunOpts {
            force: true,
            ..args.opts
        },
        true,
        false,
    )?;
    let eval = pa_eval::evaluate(&golds, &report.cases);
    if json {
        println!("{}", serde_json::to_string_pretty(&eval)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", eval.table());
    let wrong: Vec<_> = eval
        .outcomes
        .iter()
        .filter(|o| o.got != o.expected && !(o.expected == "not_a_claim" && o.got != "supported"))
        .collect();
    if !wrong.is_empty() {
        println!("\ndisagreements with the labels:");
        for o in wrong {
            println!(
                "  {:<22} {:<4} expected {:<12} got {:<12} {}",
                o.case_id, o.id, o.expected, o.got, o.reason
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
