//! `priorauth audit verify`: check an output folder's audit log.

use std::process::ExitCode;

use anyhow::Result;

use crate::args::AuditAction;

/// Exit 0 when the log is intact, 1 naming the first problem.
pub(super) fn audit(action: AuditAction) -> Result<ExitCode> {
    let AuditAction::Verify { out } = action;
    match pa_driver::audit_verify(&out) {
        Ok(n) => {
            println!("audit log intact: {n} entries");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("audit log broken: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
