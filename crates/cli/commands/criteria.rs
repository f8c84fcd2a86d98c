//! `priorauth criteria list|check`: the payer policies a run would use, and
//! a check of criteria files.

use std::process::ExitCode;

use anyhow::{Context, Result};
use pa_config::Settings;

use super::settings;
use crate::args::CriteriaAction;

/// `priorauth criteria list|check`.
pub(super) fn criteria(action: CriteriaAction) -> Result<ExitCode> {
    match action {
        CriteriaAction::List { config, criteria } => {
            let mut s = settings(config.as_deref())?;
            s.add_criteria_dirs(&criteria)
                .context("reading the --criteria folders")?;
            let checker = pa_driver::new_checker(&s)?;
            let set = pa_driver::load_criteria(&s, &checker)?;
            for p in set.policies() {
                println!("{}  {}", p.id, p.title);
                println!("    source: {}", p.source);
                if let Some(c) = &p.citation {
                    println!("    cites: {c}");
                }
                let list = |name: &str, v: &[String]| {
                    if !v.is_empty() {
                        println!("    {name}: {}", v.join(", "));
                    }
                };
                list("codes", &p.codes);
                list("drugs", &p.drugs);
                list("indications", &p.indications);
                list("diagnoses", &p.diagnoses);
                println!(
                    "    criteria: {}",
                    p.criteria().map(|c| c.0).collect::<Vec<_>>().join(", ")
                );
            }
            println!("{} policies", set.len());
            Ok(ExitCode::SUCCESS)
        }
        CriteriaAction::Check { files } => {
            let results = pa_driver::check_criteria_files(&Settings::embedded(), &files)?;
            let mut bad = 0;
            for (path, errors) in &results {
                if errors.is_empty() {
                    println!("{}: ok", path.display());
                } else {
                    bad += 1;
                    for e in errors {
                        println!("{e}");
                    }
                }
            }
            if bad > 0 {
                eprintln!("{bad} of {} file(s) have errors", results.len());
                Ok(ExitCode::from(1))
            } else {
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}
