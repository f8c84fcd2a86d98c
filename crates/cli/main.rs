//! `priorauth`: the nightly prior-authorization summarizer.
//!
//! Exit codes: 0 all documents read; 2 the run finished but some documents were
//! quarantined or a case folder could not be listed; 1 a fatal error (bad
//! config, unreadable drop folder, unwritable output); 64 a usage error (bad
//! arguments, as `EX_USAGE` in sysexits.h).
//!
//! `args.rs` holds the clap definitions, `commands/` one module per
//! subcommand, `render.rs` what goes to the terminal, `alloc.rs` the allocator.
#![deny(unsafe_code)]

mod alloc;
mod args;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// Bad command-line arguments (`EX_USAGE`): never 2, which means "finished
/// with quarantined documents".
const EXIT_USAGE: u8 = 64;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are answers, not errors.
            return if e.exit_code() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_USAGE)
            };
        }
    };
    if let Command::ExtractWorker {
        max_pages,
        max_decompressed_bytes,
        max_memory_bytes,
        max_cpu_seconds,
    } = cli.command
    {
        return commands::worker::serve(
            max_pages,
            max_decompressed_bytes,
            max_memory_bytes,
            max_cpu_seconds,
        );
    }
    // Outputs hold PHI: readable by their owner only (before any thread starts).
    set_umask(0o077);
    init_logging(&cli.command);
    pa_extract::install_quiet_panic_hook();

    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Log lines to stderr: errors only for quiet commands; with `--log-format json`,
/// JSON objects for collectors, which get the run's info lines (the run
/// summary) without `PRIORAUTH_LOG` having to say so.
fn init_logging(command: &Command) {
    let (quiet, json) = (command.quiet(), command.json_logs());
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("PRIORAUTH_LOG").unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(if quiet {
                "error,lopdf=off,pdf_extract=off"
            } else if json {
                "info,lopdf=off,pdf_extract=off,tantivy=warn"
            } else {
                "warn,lopdf=off,pdf_extract=off"
            })
        });
    // Colours only on a terminal: a log file or a collector gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Set the process's file-mode creation mask (before any output file exists).
#[allow(unsafe_code)]
fn set_umask(mask: libc::mode_t) {
    // SAFETY: umask has no preconditions.
    unsafe {
        libc::umask(mask);
    }
}
