//! Operations around a run (the output lock, cleanup, purge): their rules are
//! the output layout's, in [`pa_store::layout`]; re-exported here for the driver.

pub use pa_store::layout::{
    clean_up, finished_runs, purge_debug_file, purge_runs, runs_before, tighten_modes,
    DebugFilePurge, OutputLock, Uncommitted,
};
