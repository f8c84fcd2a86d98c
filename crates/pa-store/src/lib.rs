//! Store: the run's results as a parquet dataset for analysts and HTML review
//! pages for nurses. The only crate that imports arrow and parquet.
//!
//! - [`tables`]: one definition per table (name, columns, and how each
//!   column's values come out of the case results), built from the array
//!   builders in `columns`;
//! - [`commit`]: every file is written under a temporary name, fsynced and
//!   renamed, so readers never see a partial file; the run's commit order;
//! - [`layout`]: where everything goes in the output folder
//!   (`<out>/<table>/run_date=YYYY-MM-DD/part-<run_id>.parquet`, manifests,
//!   indexes, review pages), the locks, and cleanup of unfinished runs;
//! - [`read`]: reading the dataset back; [`html`], [`reviews`], [`audit`],
//!   [`fhir`]: review pages, reviewer verdicts, the audit log, FHIR export.
//!
//! Column meanings are in `docs/schema.md`.
#![warn(missing_docs)]

use std::path::PathBuf;

pub mod audit;
mod columns;
pub mod commit;
pub mod fhir;
pub mod html;
pub mod layout;
pub mod read;
pub mod reviews;
mod spool;
pub mod tables;

pub use commit::{commit_run, temp_beside, write_atomic, write_case_tables};
pub use layout::{table_path, with_file_lock};
pub use spool::Spool;
pub use tables::{runs_batch, Table};

/// Store errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// File system.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Arrow.
    #[error("building table {table}: {source}")]
    Arrow {
        /// The table.
        table: &'static str,
        /// The cause.
        source: arrow::error::ArrowError,
    },
    /// Parquet.
    #[error("writing table {table}: {source}")]
    Parquet {
        /// The table.
        table: &'static str,
        /// The cause.
        source: parquet::errors::ParquetError,
    },
    /// Another process held a lock on a shared file for too long.
    #[error("another process has held the lock {} for {}s; nothing was written (if no priorauth is running, try again)", path.display(), waited.as_secs())]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// How long we waited.
        waited: std::time::Duration,
    },
    /// Another run (of the same shard) holds the output folder.
    #[error("another run{} is using {}; the lock is released when it ends", holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default(), out.display())]
    Busy {
        /// The output folder.
        out: PathBuf,
        /// What the holder wrote into the lock file (its pid and host), if anything.
        holder: Option<String>,
    },
    /// The lock file kept being replaced while we tried to take it.
    #[error("cannot take the lock {}: the file keeps being replaced", path.display())]
    LockMoving {
        /// The lock file.
        path: PathBuf,
    },
}

/// The per-case tables, in the order they are written; `runs` comes last and
/// makes the run visible (names of [`Table::ALL`]).
pub const TABLES: &[&str] = &[
    Table::Documents.name(),
    Table::Pages.name(),
    Table::Summaries.name(),
    Table::Claims.name(),
    Table::Criteria.name(),
    Table::Facts.name(),
    Table::RedFlags.name(),
    Table::Cases.name(),
];

/// Version of the table layouts; every row carries it as `schema_version`.
pub const SCHEMA_VERSION: i32 = 1;

/// What the `runs` table records beyond the case results.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// End of the run, microseconds since the Unix epoch, UTC.
    pub finished_at_us: i64,
    /// `priorauth` version.
    pub version: String,
    /// sha256 of the settings and data files.
    pub config_sha256: String,
    /// The process exit status the run ends with (0 or 2).
    pub exit_status: i32,
    /// Cases left alone because nothing about them changed.
    pub n_skipped: i64,
}

#[cfg(test)]
mod schema_doc_tests {
    use super::*;
    use pa_types::RunInfo;
    use std::collections::BTreeSet;

    /// Columns per table as `docs/schema.md` documents them.
    fn documented() -> Vec<(String, BTreeSet<String>)> {
        let doc = include_str!("../../../docs/schema.md");
        let mut out: Vec<(String, BTreeSet<String>)> = Vec::new();
        for line in doc.lines() {
            if let Some(t) = line.strip_prefix("## ") {
                out.push((t.trim().to_string(), BTreeSet::new()));
            } else if let (Some(last), Some(row)) = (out.last_mut(), line.strip_prefix("| ")) {
                let col = row.split('|').next().unwrap_or("").trim();
                if !col.is_empty() && col != "column" && !col.starts_with("---") {
                    last.1.insert(col.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn the_table_names_are_the_tables() {
        let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(names, TABLES);
    }

    #[test]
    fn schema_doc_matches_the_code() {
        let run = RunInfo {
            run_id: "r".into(),
            run_date: "2026-01-01".into(),
            started_at_us: 0,
            shard: None,
        };
        let rec = RunRecord {
            finished_at_us: 0,
            version: "v".into(),
            config_sha256: "h".into(),
            exit_status: 0,
            n_skipped: 0,
        };
        let mut code: Vec<(String, BTreeSet<String>)> = Table::ALL
            .iter()
            .map(|t| {
                let b = t.batch(&run, &[]).unwrap();
                (
                    t.name().to_string(),
                    b.schema()
                        .fields()
                        .iter()
                        .map(|f| f.name().clone())
                        .collect(),
                )
            })
            .collect();
        let b = reviews::reviews_batch(&[]).unwrap();
        code.push((
            reviews::TABLE.into(),
            b.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
        ));
        let b = runs_batch(&run, &rec, &Default::default()).unwrap();
        code.push((
            "runs".into(),
            b.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
        ));
        let doc = documented();
        for (table, cols) in &code {
            let Some((_, documented)) = doc.iter().find(|(t, _)| t == table) else {
                panic!("docs/schema.md has no section for table {table}");
            };
            assert_eq!(
                cols, documented,
                "table {table}: code columns vs docs/schema.md"
            );
        }
        for (table, _) in &doc {
            assert!(
                code.iter().any(|(t, _)| t == table),
                "docs/schema.md documents unknown table {table}"
            );
        }
    }
}
