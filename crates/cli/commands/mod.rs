//! One module per subcommand (the read-only queries on an output folder share
//! `dataset.rs`), and [`dispatch`], which hands each parsed command to its
//! module and returns the exit code.

mod audit;
mod criteria;
mod dataset;
mod eval;
mod review;
mod run;
mod synth;
pub(crate) mod worker;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use pa_config::Settings;

use crate::args::{Cli, Command};

/// Run a parsed command (all but the extraction worker, which `main` serves
/// before logging starts).
pub(crate) fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::ExtractWorker { .. } => unreachable!("handled before logging starts"),
        Command::ExportFhir { case_id, out, to } => {
            dataset::export_fhir(&case_id, &out, to.as_deref())
        }
        Command::Synth {
            cases,
            seed,
            out,
            scan_share,
            malformed_share,
        } => synth::synth(
            &out,
            pa_synth::SynthOptions {
                cases,
                seed,
                scan_share,
                malformed_share,
            },
        ),
        Command::Purge {
            out,
            older_than,
            config,
        } => dataset::purge(&out, older_than, config.as_deref()),
        Command::Audit { action } => audit::audit(action),
        Command::Criteria { action } => criteria::criteria(action),
        Command::Show { case_id, out } => dataset::show(&case_id, &out),
        Command::Search {
            query,
            out,
            case_id,
            limit,
        } => dataset::search(&query, &out, case_id.as_deref(), limit),
        Command::Run(a) => run::run(a),
        Command::Review(a) => review::review(a),
        Command::Explain {
            case_id,
            claim_id,
            out,
        } => review::explain(&case_id, &claim_id, &out),
        Command::Eval { args, json } => eval::eval(args, json),
    }
}

/// The settings of `--config`, or the embedded ones.
fn settings(config: Option<&Path>) -> Result<Settings> {
    match config {
        Some(p) => {
            Settings::load(p).with_context(|| format!("loading settings from {}", p.display()))
        }
        None => Ok(Settings::embedded()),
    }
}
