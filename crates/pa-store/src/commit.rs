//! Writing files so that readers never see a partial one: every file goes
//! through [`commit_file`] (a fresh temporary file beside it, fsync, rename).
//! On top of it, the run's commit order: the case tables batch by batch
//! ([`write_case_tables`]), then the manifest, the audit entry and the `runs`
//! row that makes the run visible ([`commit_run`]).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use pa_types::{CaseResult, RunInfo, RunTotals};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::layout::{batch_path, manifest_path, run_suffix, table_path};
use crate::tables::{runs_batch, Table, RUNS};
use crate::{RunRecord, StoreError};

/// Whether [`commit_file`] also fsyncs the folder after the rename, so the new
/// name survives a crash: table files need it (the manifest lists them);
/// pages and state files that the next run rewrites anyway do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncDir {
    /// fsync the folder after the rename.
    Yes,
    /// Leave it to the file system.
    No,
}

/// The one routine that writes a file: `write` fills a fresh temporary file
/// beside `path` (see [`temp_beside`]), which is fsynced and renamed to `path`.
pub(crate) fn commit_file(
    path: &Path,
    sync_dir: SyncDir,
    write: impl FnOnce(&mut File) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let dir = path.parent().expect("paths have a parent");
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut tmp = temp_beside(path)?;
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all().map_err(io_err(tmp.path()))?;
    tmp.persist(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    if sync_dir == SyncDir::Yes {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_err(dir))?;
    }
    Ok(())
}

/// Write a file atomically (a fresh temporary file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    commit_file(path, SyncDir::No, |f| {
        f.write_all(bytes).map_err(io_err(path))
    })
}

/// A new temporary file beside `path`, named `.<file name>.<random>.tmp`:
/// created with `O_CREAT|O_EXCL` (so never through a symlink planted at its
/// name, and never a file that already exists), and removed if dropped before
/// it is persisted.
pub fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, StoreError> {
    let dir = path.parent().expect("paths have a parent");
    tempfile::Builder::new()
        .prefix(&format!(
            ".{}.",
            path.file_name().unwrap_or_default().to_string_lossy()
        ))
        .suffix(".tmp")
        .rand_bytes(10)
        // Modes as for any new file: the process umask decides (077 by default,
        // 027 when `group_readable`).
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(io_err(dir))
}

/// Write one table's record batch as a parquet file at `path`.
pub(crate) fn write_parquet(
    path: &Path,
    table: &'static str,
    batch: &RecordBatch,
) -> Result<(), StoreError> {
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("valid level"),
        ))
        .set_max_row_group_row_count(Some(64 * 1024))
        .build();
    let pq = |source| StoreError::Parquet { table, source };
    commit_file(path, SyncDir::Yes, |file| {
        let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(pq)?;
        w.write(batch).map_err(pq)?;
        w.into_inner().map_err(pq)?;
        Ok(())
    })
}

/// Write the case tables of one batch of cases (not yet visible: the run is
/// committed by [`commit_run`]); returns the files written with their row counts.
pub fn write_case_tables(
    out: &Path,
    run: &RunInfo,
    batch: usize,
    cases: &[CaseResult],
) -> Result<Vec<(PathBuf, usize)>, StoreError> {
    let mut written = Vec::new();
    for table in Table::ALL {
        let rb = table.batch(run, cases)?;
        let path = batch_path(out, table.name(), run, batch);
        write_parquet(&path, table.name(), &rb)?;
        written.push((path, rb.num_rows()));
        pa_types::crash_point(&format!("after:{}", table.name()));
    }
    Ok(written)
}

/// Make a run visible: the manifest of every file written, then `audit` (given
/// the manifest's sha256: the run's audit entry goes here, so that every visible
/// run has one), then the `runs` row. Appends the runs file to `written`.
pub fn commit_run(
    out: &Path,
    run: &RunInfo,
    rec: &RunRecord,
    totals: &RunTotals,
    written: &mut Vec<(PathBuf, usize)>,
    audit: impl FnOnce(&str) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    // The manifest (every file with its size, sha256 and rows), then the runs
    // row: once that row exists the run is complete and visible.
    let manifest = manifest_path(out, &run.run_id, &run_suffix(run));
    let manifest_bytes = manifest_of(out, run, written)?;
    write_atomic(&manifest, &manifest_bytes)?;
    pa_types::crash_point("after:manifest");
    audit(&format!(
        "{:x}",
        <sha2::Sha256 as sha2::Digest>::digest(&manifest_bytes)
    ))?;
    pa_types::crash_point("after:audit");
    let batch = runs_batch(run, rec, totals)?;
    let path = table_path(out, RUNS, run);
    write_parquet(&path, RUNS, &batch)?;
    written.push((path, 1));
    pa_types::crash_point("after:runs");
    Ok(())
}

/// The manifest's JSON: the run, its shard, and every file with its size,
/// sha256 and rows.
fn manifest_of(
    out: &Path,
    run: &RunInfo,
    written: &[(PathBuf, usize)],
) -> Result<Vec<u8>, StoreError> {
    let mut files = Vec::new();
    for (path, rows) in written {
        let bytes = std::fs::read(path).map_err(io_err(path))?;
        files.push(serde_json::json!({
            "path": path.strip_prefix(out).unwrap_or(path).display().to_string(),
            "bytes": bytes.len(),
            "sha256": format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            "rows": rows,
        }));
    }
    let doc = serde_json::json!({"run_id": run.run_id, "shard": run.shard.map(|(k, n)| format!("{k}/{n}")), "files": files});
    Ok(serde_json::to_vec_pretty(&doc).unwrap_or_default())
}

/// An I/O error on `path`.
pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}
