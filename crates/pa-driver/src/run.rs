//! The run: open the output folder, build the stage plan, then a batch loop
//! and the commit that makes the run visible. The loop is a pipeline of three
//! threads: while a batch is analysed, the next one is extracted, chunked and
//! indexed, and the previous one is written.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pa_config::Settings;
use pa_index::RunIndex;
use pa_types::{CaseResult, DocStatus, RunInfo, Sentence};
use rayon::prelude::*;

use crate::analyze::{Analyzer, CaseWork, CpuTimes, TraceStamp};
use crate::audit::{CaseAction, RunCounts};
use crate::batches::{Batch, Batcher, Feed};
use crate::plan::StagePlan;
use crate::report::{CaseBrief, RunReport, StageTimes};
use crate::{ops, DriverError, RunOptions};

/// Run the pipeline over `drop`, writing into `out`. With `opts.worker_exe`
/// (the running `priorauth`, which has the `extract-worker` subcommand) and
/// `extract.isolate`, PDFs are parsed in worker processes; else in-process.
///
/// A case whose documents and settings did not change since its latest
/// finished run is skipped (its earlier rows stay the latest), unless `force`.
pub fn run(
    drop: &Path,
    out: &Path,
    settings: &Settings,
    opts: &RunOptions<'_>,
) -> Result<RunReport, DriverError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.run.threads)
        .build()
        .map_err(|e| DriverError::Threads(e.to_string()))?;
    pool.install(|| run_in_pool(drop, out, settings, opts, &pool))
}

/// What a run accumulates batch by batch.
#[derive(Default)]
struct Progressed {
    totals: pa_types::RunTotals,
    kept: Vec<CaseResult>,
    files: Vec<(PathBuf, usize)>,
    review_case_pages: usize,
    skipped: usize,
    case_errors: Vec<(String, String)>,
    nothing_written: bool,
    times: StageTimes,
}

/// The output folder, opened for a run: locked, cleaned of what killed runs
/// left behind, and the spools the run writes as it goes.
struct Output<'a> {
    out: &'a Path,
    run: RunInfo,
    /// Removes what the run wrote unless it commits (dropped before the lock).
    uncommitted: ops::Uncommitted<'a>,
    /// The review index's rows, spooled: the index is rewritten once, at the end.
    review_rows: Option<pa_store::Spool>,
    /// What the run did with each case, for the audit log: spooled to a
    /// temporary file, not held.
    actions: pa_store::Spool,
    /// Held until the run ends: dropped last.
    _lock: ops::OutputLock,
}

impl<'a> Output<'a> {
    fn open(
        out: &'a Path,
        settings: &Settings,
        shard: Option<(u32, u32)>,
    ) -> Result<Self, DriverError> {
        std::fs::create_dir_all(out).map_err(|source| DriverError::Output {
            path: out.to_path_buf(),
            source,
        })?;
        let mut run = crate::new_run();
        run.shard = shard;
        let suffix = pa_store::layout::run_suffix(&run);
        let lock = ops::OutputLock::acquire_named(out, &suffix)?;
        // What runs killed before they finished left behind (a run killed after its
        // audit entry is named in a cleanup entry first).
        ops::clean_up(out, &suffix)?;
        let debug_file = PathBuf::from(&settings.llm.debug_file);
        let extra: Vec<&Path> = if settings.llm.debug_file.is_empty() {
            Vec::new()
        } else {
            vec![debug_file.as_path()]
        };
        ops::tighten_modes(out, settings.output.group_readable, &extra);
        let uncommitted = ops::Uncommitted::new(out, &suffix);
        Ok(Output {
            out,
            run,
            uncommitted,
            review_rows: None,
            actions: pa_store::Spool::new(out)?,
            _lock: lock,
        })
    }

    /// The folder of batch `batch_no`'s index (`index/<run_id>[-b<NNNN>]`).
    fn index_dir(&self, batch_no: usize) -> PathBuf {
        pa_store::layout::index_dir(self.out, &self.run, batch_no)
    }
}

fn run_in_pool(
    drop: &Path,
    out: &Path,
    settings: &Settings,
    opts: &RunOptions<'_>,
    run_pool: &rayon::ThreadPool,
) -> Result<RunReport, DriverError> {
    let mut output = Output::open(out, settings, opts.shard)?;
    let plan = StagePlan::from_settings(settings, opts, &output.run.run_id)?;
    let span = tracing::info_span!("run", run_id = %output.run.run_id);
    let _entered = span.clone().entered();
    let reviews = pa_store::reviews::ReviewIndex::new(pa_store::reviews::read_reviews(out)?);
    let stamp = TraceStamp::new(&output.run.run_id, &settings.config_sha256);
    // The stages this thread times; the writer keeps the rest.
    let mut times = StageTimes::default();

    // Ingest lists the case folders only; each case is staged (its documents
    // listed and hashed) just before it is extracted, so nothing held grows
    // with the drop folder.
    let t = Instant::now();
    let case_dirs: Vec<pa_ingest::CaseDir> = pa_ingest::list_cases(drop, &plan.ingest)?
        .into_iter()
        .filter(|case| {
            opts.shard
                .is_none_or(|(k, n)| crate::shard_of(&case.case_id, n) == k)
        })
        .collect();
    // Change detection: hashes only, no document content read. Only the
    // fingerprints of this drop folder's cases are kept (`case_dirs` is sorted).
    let previous = if opts.force {
        Default::default()
    } else {
        pa_store::read::latest_fingerprints_of(out, &|id| {
            case_dirs
                .binary_search_by(|c| c.case_id.as_str().cmp(id))
                .is_ok()
        })?
    };
    times.ingest = t.elapsed();
    tracing::info!(cases = case_dirs.len(), "case folders found");
    let extract_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.cores * 2)
        .build()
        .map_err(|e| DriverError::Threads(e.to_string()))?;
    let cpu = CpuTimes::default();
    if settings.output.review_html {
        output.review_rows = Some(pa_store::Spool::new(out)?);
    }
    let batcher = Batcher {
        plan: &plan,
        pipeline_sha256: &settings.pipeline_sha256,
        previous: &previous,
        reviews: &reviews,
        pool: &extract_pool,
        progress: opts.progress,
        total: case_dirs.len(),
        done: AtomicUsize::new(0),
    };
    let batcher = &batcher;
    let extract_pool = &extract_pool;
    let run_info = output.run.clone();
    let index_dir = |batch_no| pa_store::layout::index_dir(out, &run_info, batch_no);
    let index_dir = &index_dir;
    // Cases go through in batches: memory holds a few batches' documents, not
    // the drop folder's. The run becomes visible only with its `runs` row,
    // after the last batch. At least one batch, so a first run that finds no
    // case still writes (empty) tables.
    //
    // Three threads, so that the single-threaded stages (the index build; the
    // writes, which wait on fsync) overlap the analysis, which uses every core:
    // this one analyses batch n, a prefetch thread extracts (in worker
    // processes), chunks and indexes batch n + 1, and the writer writes batch
    // n - 1. The writer takes a batch only once it is done with the one before,
    // so batches are written in order and no more than one waits.
    let (to_writer, batches) = std::sync::mpsc::sync_channel::<Analysed>(0);
    let (output, mut done, written) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let _entered = span.clone().entered();
            write_batches(output, &reviews, opts, batches)
        });
        let analysed = (|| -> Result<(), DriverError> {
            let mut batch_no = 0;
            let (mut feed, batch) = batcher.next(Feed::new(case_dirs));
            let mut ready = prepare(batch, &index_dir(0), extract_pool)?;
            loop {
                let prefetch = (!feed.is_empty()).then(|| {
                    let feed = std::mem::take(&mut feed);
                    let span = span.clone();
                    scope.spawn(move || {
                        let _entered = span.entered();
                        let (feed, batch) = batcher.next(feed);
                        (feed, prepare(batch, &index_dir(batch_no + 1), extract_pool))
                    })
                });
                let cases = analyze_batch(&plan, &stamp, &cpu, &mut ready, &mut times);
                // The sentences and the index are done with: free them before
                // the next batch is analysed.
                let Prepared {
                    batch,
                    sentences,
                    index,
                    ..
                } = ready;
                std::mem::drop((sentences, index));
                if to_writer
                    .send(Analysed {
                        batch_no,
                        batch,
                        cases,
                    })
                    .is_err()
                {
                    // The writer failed: its error is the run's.
                    return Ok(());
                }
                if let Some(f) = opts.after_batch {
                    // Each thread's allocator heap, not only this one's (the
                    // writer collects its own).
                    run_pool.broadcast(|_| f());
                    extract_pool.broadcast(|_| f());
                    f();
                }
                batch_no += 1;
                match prefetch {
                    Some(h) => {
                        let prepared;
                        (feed, prepared) = h
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                        ready = prepared?;
                    }
                    None => return Ok(()),
                }
            }
        })();
        // No more batches: the writer finishes the one it has and stops.
        std::mem::drop(to_writer);
        let (output, done, written) = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (output, done, analysed.and(written))
    });
    // What the run wrote is removed (with `output`) on an error.
    written?;
    if done.nothing_written {
        // Its index holds nothing: no empty folder either.
        let _ = std::fs::remove_dir_all(output.index_dir(0));
    }
    done.times.ingest += times.ingest;
    done.times.chunk = times.chunk;
    done.times.index = times.index;
    done.times.analyze = times.analyze;
    done.times.llm = times.llm;
    cpu.store_into(&mut done.times);
    commit(output, drop, settings, done)
}

/// A batch extracted, chunked and indexed: ready for analysis.
struct Prepared {
    batch: Batch,
    /// The sentences of each case's readable documents.
    sentences: Vec<Vec<Sentence>>,
    /// The batch's index.
    index: RunIndex,
    chunking: Duration,
    indexing: Duration,
}

/// Chunk and index an extracted batch, on the extraction pool: the run's pool
/// is busy analysing the batch before it.
fn prepare(
    batch: Batch,
    index_dir: &Path,
    pool: &rayon::ThreadPool,
) -> Result<Prepared, DriverError> {
    let t = Instant::now();
    let sentences: Vec<Vec<Sentence>> = pool.install(|| {
        batch
            .cases
            .par_iter()
            .map(|case| {
                case.docs
                    .iter()
                    .filter(|d| d.status == DocStatus::Ok)
                    .flat_map(pa_index::chunk::sentences)
                    .collect()
            })
            .collect()
    });
    let chunking = t.elapsed();

    // One index per batch: a claim is searched within its own case, so a batch
    // never needs another batch's index, and memory does not grow with the run.
    let t = Instant::now();
    let index = RunIndex::build(
        index_dir,
        batch
            .cases
            .iter()
            .map(|c| c.case_id.as_str())
            .zip(sentences.iter().map(Vec::as_slice)),
    )?;
    Ok(Prepared {
        batch,
        sentences,
        index,
        chunking,
        indexing: t.elapsed(),
    })
}

/// A batch analysed, on its way to the writer.
struct Analysed {
    batch_no: usize,
    /// The batch's unchanged and unreadable cases, and its staging times (its
    /// extracted cases are in `cases`).
    batch: Batch,
    cases: Vec<CaseResult>,
}

/// The writer: each batch's set-aside cases and results, in order, until the
/// analysis stops sending. The output comes back, with an error too, so that
/// what the run wrote is removed only once every thread has stopped.
fn write_batches<'a>(
    mut output: Output<'a>,
    reviews: &pa_store::reviews::ReviewIndex,
    opts: &RunOptions<'_>,
    batches: std::sync::mpsc::Receiver<Analysed>,
) -> (Output<'a>, Progressed, Result<(), DriverError>) {
    let mut done = Progressed::default();
    for Analysed {
        batch_no,
        mut batch,
        cases,
    } in batches
    {
        let written = set_aside(&mut output, &mut done, &mut batch)
            .and_then(|()| write_batch(&mut output, reviews, opts, batch_no, cases, &mut done));
        if written.is_err() {
            // Dropping `batches` stops the analysis.
            return (output, done, written);
        }
        if let Some(f) = opts.after_batch {
            f();
        }
    }
    (output, done, Ok(()))
}

/// Record the batch's unchanged and unreadable cases, and its staging times.
fn set_aside(
    output: &mut Output<'_>,
    done: &mut Progressed,
    batch: &mut Batch,
) -> Result<(), DriverError> {
    done.times.ingest += batch.staging;
    done.times.extract += batch.extracting;
    for case_id in &batch.skipped {
        done.skipped += 1;
        CaseAction::untouched(case_id, "skipped_unchanged").spool_to(&mut output.actions)?;
    }
    for (case_id, _) in &batch.failed {
        CaseAction::untouched(case_id, "unreadable_case_folder").spool_to(&mut output.actions)?;
    }
    done.case_errors.append(&mut batch.failed);
    Ok(())
}

/// Analyse a prepared batch's cases (and let the LLM summarize them).
fn analyze_batch(
    plan: &StagePlan,
    stamp: &TraceStamp,
    cpu: &CpuTimes,
    ready: &mut Prepared,
    times: &mut StageTimes,
) -> Vec<CaseResult> {
    times.chunk += ready.chunking;
    times.index += ready.indexing;
    let t = Instant::now();
    let extracted = std::mem::take(&mut ready.batch.cases);
    let case_ids: Vec<String> = extracted.iter().map(|c| c.case_id.clone()).collect();
    let work = extracted
        .into_iter()
        .zip(&ready.sentences)
        .zip(&case_ids)
        .map(|((case, sentences), case_id)| CaseWork {
            case_id,
            docs: case.docs,
            sentences,
            fingerprint: case.fingerprint,
        })
        .collect();
    let analyzer = Analyzer {
        plan,
        stamp,
        index: &ready.index,
        cpu,
    };
    let mut cases = analyzer.batch(work);
    times.analyze += t.elapsed();

    let t = Instant::now();
    if let Some((llm, max_chunks)) = &plan.llm {
        llm.summarize(
            &mut cases,
            &ready.sentences,
            *max_chunks,
            plan.summarize.word_budget,
        );
    }
    times.llm += t.elapsed();
    cases
}

/// Write a batch's case pages and table rows, and pass its cases on.
fn write_batch(
    output: &mut Output<'_>,
    reviews: &pa_store::reviews::ReviewIndex,
    opts: &RunOptions<'_>,
    batch_no: usize,
    cases: Vec<CaseResult>,
    done: &mut Progressed,
) -> Result<(), DriverError> {
    let t = Instant::now();
    let out = output.out;
    if let Some(rows) = &mut output.review_rows {
        done.review_case_pages +=
            pa_store::html::write_case_pages(out, &output.run, &cases, rows, reviews)?;
    }
    pa_types::crash_point("after:review");
    // A run with no case to write (all unchanged) adds no empty files to
    // tables that already have some; a first run writes them all, so the
    // tables can be read.
    if !cases.is_empty() || batch_no > 0 || !pa_store::layout::tables_exist(out) {
        done.files.extend(pa_store::write_case_tables(
            out,
            &output.run,
            batch_no,
            &cases,
        )?);
    } else {
        done.nothing_written = true;
    }
    done.totals.add(&cases);
    for c in &cases {
        CaseAction::processed(c).spool_to(&mut output.actions)?;
        if let Some(f) = opts.on_case {
            f(&CaseBrief::of(c));
        }
    }
    if opts.keep_cases {
        done.kept.extend(cases);
    }
    done.times.write += t.elapsed();
    Ok(())
}

/// Write the review index, the manifest, the audit entry and the runs row:
/// the run becomes visible.
fn commit(
    output: Output<'_>,
    drop: &Path,
    settings: &Settings,
    mut done: Progressed,
) -> Result<RunReport, DriverError> {
    let t = Instant::now();
    let out = output.out;
    let run = output.run;
    let finished = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let record = pa_store::RunRecord {
        finished_at_us: finished.as_micros() as i64,
        version: env!("CARGO_PKG_VERSION").to_string(),
        config_sha256: settings.config_sha256.clone(),
        n_skipped: done.skipped as i64,
        exit_status: if done.totals.quarantined > 0 || !done.case_errors.is_empty() {
            2
        } else {
            0
        },
    };
    // The runs table is written last: a run whose row is there is complete.
    let (review_index, open_cases) = match output
        .review_rows
        .map(|rows| pa_store::html::update_index(out, &run, rows))
        .transpose()?
    {
        Some((path, flagged, all)) => (Some(path), Some((flagged, all))),
        None => (None, None),
    };
    let counts = RunCounts {
        totals: &done.totals,
        skipped: done.skipped,
        unreadable_case_folders: done.case_errors.len(),
    };
    // The audit entry is written after the manifest and before the runs row:
    // every visible run has exactly one, which `audit verify` checks.
    let actions = output.actions;
    pa_store::commit_run(
        out,
        &run,
        &record,
        &done.totals,
        &mut done.files,
        |manifest_sha256| {
            pa_store::audit::append_with_cases(
                out,
                crate::audit::run_entry(
                    &run,
                    &record,
                    manifest_sha256,
                    drop,
                    (!settings.llm.debug_file.is_empty())
                        .then(|| Path::new(&settings.llm.debug_file)),
                    &counts,
                ),
                actions,
            )
        },
    )?;
    output.uncommitted.commit();
    done.times.write += t.elapsed();
    let totals = done.totals;
    tracing::info!(
        cases = totals.cases,
        skipped = done.skipped,
        documents = totals.documents,
        pages = totals.pages,
        quarantined = totals.quarantined,
        needs_review = totals.needs_review,
        "run finished"
    );
    let index_dir = pa_store::layout::index_dir(out, &run, 0);
    Ok(RunReport {
        run,
        cases: done.kept,
        totals,
        files: done.files,
        review_index,
        open_cases,
        review_case_pages: done.review_case_pages,
        index_dir,
        times: done.times,
        skipped: done.skipped,
        case_errors: done.case_errors,
    })
}
