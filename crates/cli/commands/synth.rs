//! `priorauth synth`: a corpus of fictional cases with gold labels.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

/// Write the cases into `out` and say what was written.
pub(super) fn synth(out: &Path, opts: pa_synth::SynthOptions) -> Result<ExitCode> {
    let r = pa_synth::synth(out, &opts)
        .with_context(|| format!("writing synthetic cases into {}", out.display()))?;
    println!(
        "wrote {} case(s), {} document(s), {} page(s) ({} scanned document(s), {} scanned page(s)), {} malformed file(s) into {}",
        r.cases, r.documents, r.pages, r.scans, r.scan_pages, r.malformed, out.display()
    );
    Ok(ExitCode::SUCCESS)
}
