//! Terminal rendering: the case table `run` prints, the run report under it,
//! and what `show`, `search` and `explain` print. Everything from documents or
//! names goes through [`term`]; long text is wrapped to 80 columns by [`wrap`].

use std::path::Path;

use anyhow::{Context, Result};
use pa_driver::RunReport;

/// The header of the case table.
pub(crate) fn print_table_header() {
    println!(
        "{:<24} {:<18} {:>4} {:>5} {:>6} {:>4} {:>6} {:>7}  review",
        "case", "service", "docs", "quar", "claims", "sup", "unsup", "contra"
    );
}

/// Text from documents or names, safe to print: control characters (escape
/// sequences among them) and bidi controls are shown as `\u{..}`.
pub(crate) fn term(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            o.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            o.push(c);
        }
    }
    o
}

/// One case's line of the case table.
pub(crate) fn print_table_row(c: &pa_driver::CaseBrief) {
    println!(
        "{:<24} {:<18} {:>4} {:>5} {:>6} {:>4} {:>6} {:>7}  {}",
        term(&c.case_id),
        term(c.service_code.as_deref().unwrap_or("-")),
        c.documents,
        c.quarantined,
        c.claims,
        c.supported,
        c.unsupported,
        c.contradicted,
        if c.needs_review { "yes" } else { "no" }
    );
}

/// What follows the case table: skipped cases, files written, stage times.
pub(crate) fn print_report(r: &RunReport, out: &Path) {
    if r.skipped > 0 {
        println!(
            "{} case(s) unchanged since their latest run, skipped (--force redoes them)",
            r.skipped
        );
    }
    println!("\nrun {} wrote {}:", r.run.run_id, out.display());
    for (path, rows) in &r.files {
        println!("  {:<70} {rows:>6} rows", path.display());
    }
    if let Some(index) = &r.review_index {
        println!(
            "  review pages: {} ({} case page(s))",
            index.display(),
            r.review_case_pages
        );
    }
    if r.index_dir.exists() {
        println!("  search index: {}", r.index_dir.display());
    }
    let t = &r.times;
    let (pages, ocr_pages) = (r.totals.pages, r.totals.ocr_pages);
    println!(
        "  {pages} pages ({ocr_pages} OCR); stage seconds: ingest {:.2}, extract {:.2}, chunk {:.2}, index {:.2}, analyze {:.2}, llm {:.2}, write {:.2}",
        t.ingest.as_secs_f64(),
        t.extract.as_secs_f64(),
        t.chunk.as_secs_f64(),
        t.index.as_secs_f64(),
        t.analyze.as_secs_f64(),
        t.llm.as_secs_f64(),
        t.write.as_secs_f64()
    );
    println!(
        "  analyze CPU seconds (summed over threads): summarize {:.2}, evidence {:.2}, facts {:.2}",
        t.summarize_cpu.as_secs_f64(),
        t.evidence_cpu.as_secs_f64(),
        t.facts_cpu.as_secs_f64()
    );
}

/// The last line of `run`: counts, the open total and the wall time.
pub(crate) fn print_run_summary(report: &RunReport, seconds: f64) {
    // "need review" counts this run's cases; skipped cases keep
    // their earlier result, so the open total comes from the index.
    let open = report
        .open_cases
        .map(|(open, all)| {
            format!("; {open} of {all} case(s) open for review in the latest results")
        })
        .unwrap_or_default();
    let unreadable = match report.case_errors.len() {
        0 => String::new(),
        n => format!(", {n} case folder(s) could not be listed"),
    };
    println!(
        "summary: {} case(s) processed, {} skipped, {} of the processed need review, {} document(s) quarantined{unreadable}{open}, {seconds:.1} s",
        report.totals.cases,
        report.skipped,
        report.totals.needs_review,
        report.n_quarantined(),
    );
}

/// Greedy word wrap.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Wrapped lines, the first after `first` and the others after `rest`, each
/// after `indent`: a bulleted or marked item.
fn print_item(indent: &str, first: &str, rest: &str, lines: Vec<String>) {
    for (i, l) in lines.into_iter().enumerate() {
        println!("{indent}{}{l}", if i == 0 { first } else { rest });
    }
}

/// `priorauth search`: the hits of the latest run's index.
pub(crate) fn print_search_hits(run: &str, query: &str, hits: &[pa_driver::TextHit]) {
    println!("run {run}: {} hit(s) for {query:?}", hits.len());
    for h in hits {
        let marks: Vec<String> = h.matches.iter().map(|(a, b)| format!("{a}-{b}")).collect();
        println!(
            "\n{} / {} p.{} chars {}-{} (score {:.2}; matches at {})",
            term(&h.case_id),
            h.doc_id,
            h.page,
            h.start,
            h.end,
            h.score,
            marks.join(", ")
        );
        let flat = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
        for line in wrap(&term(&flat), 76) {
            println!("    {line}");
        }
    }
}

/// `priorauth show`: readable in 80 columns. What a denial would rest on comes
/// first: the policy, then its criteria; then the flags, the summary, the
/// supported claims and the documents.
pub(crate) fn print_case(case_id: &str, c: &pa_driver::StoredCase) {
    print_case_head(case_id, c);
    print_policy(c);
    print_criteria(c);
    print_flags(c);
    print_summary(c);
    println!("\nSUPPORTED");
    for k in c.claims.iter().filter(|k| k.status == "supported") {
        print_item("    ", "- ", "  ", wrap(&k.text, 72));
    }
    println!("\nDOCUMENTS");
    for (f, kind, status, reason) in &c.documents {
        let line = format!(
            "{f} ({kind}): {status}{}",
            reason
                .as_ref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default()
        );
        print_item("  ", "", "  ", wrap(&line, 74));
    }
}

/// The case id, run, service and whether the case needs review.
fn print_case_head(case_id: &str, c: &pa_driver::StoredCase) {
    println!("case {} (run {})", term(case_id), c.run_id);
    let service = format!(
        "service: {} {}{}",
        c.service_code
            .as_deref()
            .unwrap_or(if c.service_drug.is_some() {
                "(no code)"
            } else {
                "not found"
            }),
        c.service_description.as_deref().unwrap_or(""),
        c.service_drug
            .as_deref()
            .map(|d| format!(" [drug: {d}]"))
            .unwrap_or_default()
    );
    for l in wrap(&term(&service), 78) {
        println!("{l}");
    }
    println!(
        "needs review: {}",
        if c.needs_review { "yes" } else { "no" }
    );
}

/// The payer policy chosen, and why (or why none).
fn print_policy(c: &pa_driver::StoredCase) {
    println!("\nPOLICY");
    let policy = match (&c.policy, &c.policy_note) {
        (Some((id, source, why)), _) => format!("{id} ({source}); chosen because: {why}"),
        (None, Some(note)) => note.clone(),
        (None, None) if c.criteria.is_empty() => "no payer policy applies".to_string(),
        (None, None) => "(not recorded by this run)".to_string(),
    };
    for l in wrap(&term(&policy), 76) {
        println!("  {l}");
    }
}

/// The policy's criteria, unmet first, each with its status and reason.
fn print_criteria(c: &pa_driver::StoredCase) {
    if c.criteria.is_empty() {
        return;
    }
    let n = |st: &str| c.criteria.iter().filter(|k| k.2 == st).count();
    let (total, met, not_met, missing) = (
        c.criteria.len(),
        n("met"),
        n("not_met"),
        n("missing_evidence"),
    );
    println!(
        "\nCRITERIA: {}",
        if met == total {
            format!("all {total} met")
        } else {
            format!("{not_met} of {total} not met, {missing} missing evidence, {met} met")
        }
    );
    let mut rows: Vec<_> = c.criteria.iter().collect();
    rows.sort_by_key(|k| match k.2.as_str() {
        "not_met" => 0,
        "met" => 2,
        _ => 1,
    });
    for (_, desc, status, reason) in rows {
        let mark = match status.as_str() {
            "met" => "[x]",
            "not_met" => "[!]",
            _ => "[?]",
        };
        print_item("  ", &format!("{mark} "), "    ", wrap(&term(desc), 72));
        for l in wrap(
            &term(&format!("{}: {reason}", status.replace('_', " "))),
            70,
        ) {
            println!("      {l}");
        }
    }
}

/// The claims not supported, with why.
fn print_flags(c: &pa_driver::StoredCase) {
    let flagged: Vec<_> = c
        .claims
        .iter()
        .filter(|k| k.status != "supported")
        .collect();
    println!("\nFLAGS ({} of {} claims)", flagged.len(), c.claims.len());
    for k in &flagged {
        println!(
            "  [{}] {}",
            k.status.to_uppercase(),
            stored_name(&k.claim_type)
        );
        for l in wrap(&term(&k.text), 74) {
            println!("    {l}");
        }
        for l in wrap(&term(&format!("why: {}", k.reason)), 74) {
            println!("    {l}");
        }
    }
}

/// A vocabulary value read back from the dataset, by its stored name: a name
/// this build does not know (a file of another version) is shown as written.
fn stored_name<T: std::fmt::Display>(v: &Result<T, pa_types::UnknownName>) -> String {
    match v {
        Ok(known) => known.to_string(),
        Err(unknown) => unknown.name.clone(),
    }
}

/// The summary's statements by section, each with its citations.
fn print_summary(c: &pa_driver::StoredCase) {
    println!("\nSUMMARY");
    let mut section = None;
    for st in &c.statements {
        if section != Some(&st.section) {
            section = Some(&st.section);
            println!("  {}", stored_name(&st.section).replace('_', " "));
        }
        let cites: Vec<String> = st
            .citations
            .iter()
            .map(|(d, p, a, b)| format!("[{d} p.{p} {a}-{b}]"))
            .collect();
        print_item(
            "    ",
            "- ",
            "  ",
            wrap(&term(&format!("{} {}", st.text, cites.join(" "))), 72),
        );
    }
}

/// `priorauth explain`: the stored decision trace of one claim.
pub(crate) fn print_explain(case_id: &str, run_id: &str, k: &pa_driver::StoredClaim) -> Result<()> {
    println!(
        "claim {} of case {} (run {run_id})",
        term(&k.claim_id),
        term(case_id)
    );
    for l in wrap(&term(&k.text), 76) {
        println!("    {l}");
    }
    println!("type: {}; status: {}", stored_name(&k.claim_type), k.status);
    for l in wrap(&term(&format!("reason: {}", k.reason)), 78) {
        println!("{l}");
    }
    let Some(trace) = &k.trace else {
        println!("\nno decision trace: run {run_id} predates traces (rerun the case with --force)");
        return Ok(());
    };
    let t: pa_types::ClaimTrace =
        serde_json::from_str(trace).context("reading the stored decision trace")?;
    print_parsed(&t);
    print_candidates(&t);
    println!("\nDECIDED BY: {}", t.rule);
    println!("settings hash: {}", t.settings_hash);
    println!("lexicon: {}", t.lexicon_version);
    println!("criteria: {}", t.criteria_version);
    println!("run: {}", t.run_id);
    Ok(())
}

/// The parts the checker parsed out of a claim: concepts, numbers, dates, words.
fn print_parsed(t: &pa_types::ClaimTrace) {
    println!("\nPARSED");
    if let Some(checked) = &t.checked {
        for l in wrap(&term(&format!("checked: {checked}")), 76) {
            println!("  {l}");
        }
    }
    for c in &t.concepts {
        let ctx = if c.context.is_empty() {
            "affirmed".to_string()
        } else {
            c.context.join(", ")
        };
        println!(
            "  concept {} ({}) \"{}\": {ctx}",
            c.id,
            c.kind,
            term(&c.text)
        );
    }
    for n in &t.numbers {
        println!(
            "  number {} {} {} (\"{}\")",
            n.kind,
            n.cmp,
            n.value,
            term(&n.surface)
        );
    }
    for d in &t.dates {
        println!("  date {d}");
    }
    if !t.words.is_empty() {
        for l in wrap(&format!("words: {}", t.words.join(" ")), 76) {
            println!("  {l}");
        }
    }
}

/// The candidate sentences of a claim's trace, strongest first.
fn print_candidates(t: &pa_types::ClaimTrace) {
    println!("\nCANDIDATES ({}, strongest first)", t.candidates.len());
    for (i, c) in t.candidates.iter().enumerate() {
        println!(
            "  {}. {} p.{} {}-{}  {} {:.2}  coverage {:.2}  -> {} ({})",
            i + 1,
            term(&c.doc_id),
            c.page,
            c.start,
            c.end,
            if c.by_meaning { "meaning" } else { "search" },
            c.search_score,
            c.coverage,
            c.verdict,
            c.rule
        );
        for l in wrap(&term(&c.quote), 72) {
            println!("       {l}");
        }
    }
}
