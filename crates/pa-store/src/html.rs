//! Static review pages: `review/index.html` lists the cases that need review,
//! worst first; `review/<case>.html` shows the summary, the claims with their
//! status and reason, the documents, and every cited page's text, once, with
//! the clicked citation's span highlighted (one click away, via `:target`, no
//! script).
//! Pages are self-contained, all document text is escaped, and a strict
//! Content-Security-Policy forbids scripts and external resources.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pa_types::text::shorten;
use pa_types::{CaseResult, Citation, ClaimStatus, CriterionStatus, Evidence, RunInfo, TextSource};

use crate::reviews::ReviewIndex;
use crate::{write_atomic, Spool, StoreError};

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'";
const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;padding:0 1em;color:#222}\
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}\
.s-supported{color:#116611;font-weight:600}.s-unsupported{color:#9a6700;font-weight:600}.s-contradicted{color:#b00020;font-weight:600}\
.cite{display:none;border:2px solid #446;padding:.5em 1em;margin:1em 0;background:#fafaff}.cite:has(:target){display:block}\
.at{display:none;font-size:.85em;color:#555}.at:target{display:block}\
@supports not selector(:has(*)){.cite{display:block}}\
pre{white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace}mark{background:none;color:inherit;border-bottom:1px dotted #999}a.c{font-size:.85em;margin-left:.3em}\
.sec{font-weight:600;text-transform:capitalize}\
.notice{background:#fff4e0;border-left:4px solid #c77700;padding:.4em .7em}.ok{background:#eaf7ea;border-left:4px solid #116611;padding:.4em .7em}\
ul.evl{margin:0;padding-left:1.1em}q{color:#333}.rel{font-size:.8em;color:#666}.ocr{color:#555}.ocr.low{color:#b00020;font-weight:600}";

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            // Bidi embedding, override and isolate controls would reorder the
            // text a reviewer reads (U+202E turns "no" into "on"): dropped.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            _ => o.push(c),
        }
    }
    o
}

pub use crate::layout::page_name;

/// The review index page, in `review/`.
pub const INDEX_PAGE: &str = "index.html";

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
<meta name=\"referrer\" content=\"no-referrer\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(title)
    )
}

/// One line of the review index, kept in `review/cases.json` across runs so
/// that cases a run skipped (unchanged) stay listed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct IndexRow {
    case_id: String,
    run_id: String,
    service: String,
    /// The service as people name it (older state files lack it).
    #[serde(default)]
    service_name: String,
    /// The most serious open finding, with its reason.
    #[serde(default)]
    top_finding: Option<String>,
    contradicted: usize,
    unsupported: usize,
    supported: usize,
    criteria_open: usize,
    quarantined: usize,
    needs_review: bool,
    /// `expedited` or `standard` (empty in state written before priorities).
    #[serde(default)]
    priority: String,
    /// When the decision is due, microseconds since 1970 UTC.
    #[serde(default)]
    due_by_us: Option<i64>,
    /// The escalating red flags' labels.
    #[serde(default)]
    red_flags: Vec<String>,
}

impl IndexRow {
    fn severity(&self) -> usize {
        3 * self.contradicted + 2 * self.unsupported + self.criteria_open + self.quarantined
    }
}

/// Write a page per case needing review (and remove the page of a case that no
/// longer needs it), and spool every case's index row into `rows`. Returns how
/// many pages were written.
pub fn write_case_pages(
    out: &Path,
    run: &RunInfo,
    cases: &[CaseResult],
    rows: &mut Spool,
    reviews: &ReviewIndex,
) -> Result<usize, StoreError> {
    let dir = crate::layout::review_dir(out);
    let io = |source| StoreError::Io {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let mut written = 0;
    for c in cases {
        rows.push(&IndexRow {
            case_id: c.case_id.clone(),
            run_id: run.run_id.clone(),
            service: c.summary.service_code.clone().unwrap_or_else(|| "?".into()),
            service_name: c.service_name(),
            top_finding: c.top_finding(),
            contradicted: c.n_claims(ClaimStatus::Contradicted),
            unsupported: c.n_claims(ClaimStatus::Unsupported),
            supported: c.n_claims(ClaimStatus::Supported),
            criteria_open: c
                .criteria
                .iter()
                .filter(|k| k.status.as_str() != "met")
                .count(),
            quarantined: c.n_quarantined(),
            needs_review: c.needs_review(),
            priority: priority_name(c).into(),
            due_by_us: c.priority.due_by_us,
            red_flags: escalating_labels(c),
        })
        .map_err(io)?;
        let path = dir.join(page_name(&c.case_id));
        if c.needs_review() {
            write_atomic(&path, case_page(run, c, reviews).as_bytes())?;
            written += 1;
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(written)
}

/// Merge a run's rows into its shard's state (`review/cases<shard>.json`, kept
/// across runs so that cases a run skipped stay listed) and rewrite
/// `review/index.html` over every case's latest result, all shards. Returns the
/// index page, the cases needing review and all cases (latest results).
pub fn update_index(
    out: &Path,
    run: &RunInfo,
    rows: Spool,
) -> Result<(PathBuf, usize, usize), StoreError> {
    let dir = crate::layout::review_dir(out);
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
        path: dir.clone(),
        source,
    })?;
    // Shards update the index one at a time, each seeing the others' state.
    crate::layout::with_file_lock(&crate::layout::review_index_lock(out), || {
        update_index_locked(out, run, rows)
    })
}

fn update_index_locked(
    out: &Path,
    run: &RunInfo,
    mut rows: Spool,
) -> Result<(PathBuf, usize, usize), StoreError> {
    let dir = crate::layout::review_dir(out);
    let io = |source| StoreError::Io {
        path: dir.clone(),
        source,
    };
    // One state file per shard, so concurrent shards never overwrite each
    // other's; the index merges them all (a case lives in one shard).
    let state = crate::layout::review_state(out, &crate::layout::run_suffix(run));
    let read_rows = |p: &Path| -> Vec<IndexRow> {
        std::fs::read(p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    };
    let mut mine: HashMap<String, IndexRow> = read_rows(&state)
        .into_iter()
        .map(|r| (r.case_id.clone(), r))
        .collect();
    for line in rows.lines().map_err(io)? {
        let row: IndexRow =
            serde_json::from_str(&line.map_err(io)?).map_err(|e| io(std::io::Error::other(e)))?;
        mine.insert(row.case_id.clone(), row);
    }
    let mut others: Vec<IndexRow> = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p != state && crate::layout::is_review_state(&name) {
            others.extend(read_rows(&p));
        }
    }
    let mut mine: Vec<IndexRow> = mine.into_values().collect();
    mine.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    // The newest row per case across the shards' files.
    let mut all: Vec<&IndexRow> = mine.iter().chain(others.iter()).collect();
    all.sort_by(|a, b| a.case_id.cmp(&b.case_id).then(b.run_id.cmp(&a.run_id)));
    all.dedup_by(|a, b| a.case_id == b.case_id);
    let mut flagged: Vec<&IndexRow> = all.iter().copied().filter(|r| r.needs_review).collect();
    // Soonest due first (a case without a date last), then worst first.
    flagged.sort_by(|a, b| {
        (a.due_by_us.is_none(), a.due_by_us)
            .cmp(&(b.due_by_us.is_none(), b.due_by_us))
            .then(b.severity().cmp(&a.severity()))
            .then(a.case_id.cmp(&b.case_id))
    });
    let mut idx = head("Cases needing review");
    let _ = writeln!(
        idx,
        "<h1>Cases needing review</h1><p>{} of {} case(s) need review, soonest due first (latest result of each case; last run <code>{}</code>).</p>\
<table id=\"cases\"><tr><th>Case</th><th>Due by</th><th>Priority</th><th>Red flags</th><th>Service</th><th>Most serious open finding</th><th>Contradicted</th><th>Unsupported</th><th>Supported</th><th>Open criteria</th><th>Quarantined docs</th></tr>",
        flagged.len(),
        all.len(),
        esc(&run.run_id)
    );
    for r in &flagged {
        let service = if r.service_name.is_empty() {
            &r.service
        } else {
            &r.service_name
        };
        let _ = writeln!(
            idx,
            "<tr class=\"case\" data-priority=\"{}\"><td><a href=\"{}\">{}</a></td><td class=\"due\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"finding\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.priority),
            esc(&page_name(&r.case_id)),
            esc(&r.case_id),
            r.due_by_us.map(pa_types::time::utc_minutes).unwrap_or_default(),
            esc(&r.priority),
            esc(&r.red_flags.join(", ")),
            esc(service),
            esc(r.top_finding.as_deref().unwrap_or("")),
            r.contradicted,
            r.unsupported,
            r.supported,
            r.criteria_open,
            r.quarantined,
        );
    }
    idx.push_str("</table></body></html>\n");
    write_atomic(&state, &serde_json::to_vec(&mine).unwrap_or_default())?;
    let path = dir.join(INDEX_PAGE);
    write_atomic(&path, idx.as_bytes())?;
    Ok((path, flagged.len(), all.len()))
}

/// Collects citations and numbers them for anchors, and remembers which
/// claim, criterion or statement cites each, for the links back.
struct Cites<'a> {
    list: Vec<&'a Citation>,
    ids: HashMap<(String, u32, u32, u32), usize>,
    /// Per citation (0-based): (anchor, label) of what cites it.
    by: Vec<Vec<(String, String)>>,
}

impl<'a> Cites<'a> {
    fn new() -> Self {
        Cites {
            list: Vec::new(),
            ids: HashMap::new(),
            by: Vec::new(),
        }
    }

    /// A link to the citation's page, made from the row `anchor` (`label` for people).
    fn link(&mut self, c: &'a Citation, anchor: &str, label: &str) -> String {
        let key = (c.doc_id.clone(), c.page, c.start, c.end);
        let n = *self.ids.entry(key).or_insert_with(|| {
            self.list.push(c);
            self.by.push(Vec::new());
            self.list.len()
        });
        let by = &mut self.by[n - 1];
        if !by.iter().any(|(a, _)| a == anchor) {
            by.push((anchor.to_string(), label.to_string()));
        }
        format!(
            "<a class=\"c\" href=\"#c{n}\" data-quote=\"{}\">[{} p.{}]</a>",
            esc(&c.quote),
            esc(&c.doc_id),
            c.page
        )
    }

    /// Evidence as a list, each distinct span once, with its quote.
    fn evidence(
        &mut self,
        ev: &'a [Evidence],
        anchor: &str,
        label: &str,
        relation: bool,
    ) -> String {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for e in ev {
            let key = (
                &e.citation.doc_id,
                e.citation.page,
                e.citation.start,
                e.citation.end,
            );
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let rel = if relation {
                format!("<span class=\"rel\">{}</span> ", esc(e.relation.as_str()))
            } else {
                String::new()
            };
            let link = self.link(&e.citation, anchor, label);
            out.push(format!(
                "<li class=\"ev\">{rel}<q>{}</q> {link}</li>",
                esc(&shorten(&e.citation.quote, 30))
            ));
        }
        if out.is_empty() {
            String::new()
        } else {
            format!("<ul class=\"evl\">{}</ul>", out.concat())
        }
    }
}

/// The cited pages, each written once however many citations it has: the
/// cited spans are `<mark class="kN">` runs in the page text (split where
/// citations overlap), `#cN` names a citation, and CSS shows the page of the
/// citation in the URL fragment with that citation's marks highlighted.
fn sources(h: &mut String, c: &CaseResult, cites: &Cites<'_>) {
    let list = &cites.list;
    // Pages in the order of their first citation; citation numbers are 1-based.
    let mut pages: Vec<(&str, u32, Vec<usize>)> = Vec::new();
    let mut at: HashMap<(&str, u32), usize> = HashMap::new();
    for (i, cit) in list.iter().enumerate() {
        let key = (cit.doc_id.as_str(), cit.page);
        let k = *at.entry(key).or_insert_with(|| {
            pages.push((key.0, key.1, Vec::new()));
            pages.len() - 1
        });
        pages[k].2.push(i);
    }
    // One rule per citation: its marks light up when it is the target.
    h.push_str("<style>");
    for i in 1..=list.len() {
        let _ = write!(h, "#c{i}:target~pre .k{i}{{background:#ffe066}}");
    }
    h.push_str("</style>\n");
    for (k, (doc_id, page, ids)) in pages.iter().enumerate() {
        let text = c.page_text(doc_id, *page).unwrap_or("");
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let n = bytes.len() - 1;
        let span = |i: usize| {
            let cit = list[i];
            ((cit.start as usize).min(n), (cit.end as usize).min(n))
        };
        let _ = write!(
            h,
            "<section class=\"cite\" id=\"p{}\"><h3>{} &middot; page {}{}</h3>",
            k + 1,
            esc(doc_id),
            page,
            ocr_mark(c, doc_id, *page)
        );
        for &i in ids {
            let (s, e) = span(i);
            let back: Vec<String> = cites.by[i]
                .iter()
                .map(|(a, l)| format!("<a class=\"back\" href=\"#{}\">{}</a>", esc(a), esc(l)))
                .collect();
            let _ = write!(
                h,
                "<p class=\"at\" id=\"c{}\">chars {s}-{e} &middot; cited by {}</p>",
                i + 1,
                back.join(", ")
            );
        }
        h.push_str("<pre>");
        let mut cuts: Vec<usize> = ids.iter().flat_map(|&i| [span(i).0, span(i).1]).collect();
        cuts.extend([0, n]);
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let piece = esc(&text[bytes[a]..bytes[b]]);
            let covering: Vec<String> = ids
                .iter()
                .filter(|&&i| {
                    let (s, e) = span(i);
                    s <= a && b <= e
                })
                .map(|i| format!("k{}", i + 1))
                .collect();
            if covering.is_empty() {
                h.push_str(&piece);
            } else {
                let _ = write!(h, "<mark class=\"{}\">{piece}</mark>", covering.join(" "));
            }
        }
        h.push_str("</pre></section>\n");
    }
}

fn priority_name(c: &CaseResult) -> &'static str {
    if c.priority.expedited {
        "expedited"
    } else {
        "standard"
    }
}

/// The labels of a case's escalating red flags, once each, in order.
fn escalating_labels(c: &CaseResult) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for f in c.red_flags.iter().filter(|f| f.escalates) {
        if !labels.contains(&f.label) {
            labels.push(f.label.clone());
        }
    }
    labels
}

/// The head of a case page: its priority and due date, the escalating red
/// flags with their spans, and (folded) the mentions that do not escalate.
fn red_flag_section<'a>(h: &mut String, c: &'a CaseResult, cites: &mut Cites<'a>) {
    let when = |us: Option<i64>| {
        us.map(pa_types::time::utc_minutes)
            .unwrap_or_else(|| "unknown".into())
    };
    let _ = write!(
        h,
        "<section id=\"red-flags\" data-priority=\"{p}\"><h2>Priority: {p}</h2><p>Received {} &middot; due by <b>{}</b> &middot; {}</p>",
        when(c.priority.received_at_us),
        when(c.priority.due_by_us),
        esc(&c.priority.reason),
        p = priority_name(c),
    );
    let row = |h: &mut String, f: &'a pa_types::RedFlag, cites: &mut Cites<'a>| {
        let _ = writeln!(
            h,
            "<li class=\"flag\" data-flag=\"{}\" data-assertion=\"{}\"><b>{}</b>: &ldquo;{}&rdquo; {} <small>({})</small></li>",
            esc(&f.flag),
            f.assertion,
            esc(&f.label),
            esc(&f.span.quote),
            cites.link(&f.span, "red-flags", "red flags"),
            f.assertion
        );
    };
    let (up, rest): (Vec<_>, Vec<_>) = c.red_flags.iter().partition(|f| f.escalates);
    if up.is_empty() {
        h.push_str("<p>No affirmed red flag.</p>");
    } else {
        h.push_str("<ul id=\"escalating\">");
        up.into_iter().for_each(|f| row(h, f, cites));
        h.push_str("</ul>");
    }
    if !rest.is_empty() {
        let _ = write!(
            h,
            "<details><summary>{} mention(s) that do not escalate (negated, family, hypothetical, historical)</summary><ul id=\"not-escalating\">",
            rest.len()
        );
        rest.into_iter().for_each(|f| row(h, f, cites));
        h.push_str("</ul></details>");
    }
    h.push_str("</section>\n");
}

/// The earlier verdicts on a claim, oldest first, for its Review cell.
fn verdicts_cell(reviews: &[crate::reviews::Review]) -> String {
    let items: Vec<String> = reviews
        .iter()
        .map(|r| {
            let status = r
                .status
                .as_deref()
                .map(|s| format!(" &rarr; {}", esc(s)))
                .unwrap_or_default();
            let note = if r.note.is_empty() {
                String::new()
            } else {
                format!(": {}", esc(&r.note))
            };
            format!(
                "<span class=\"verdict\" data-verdict=\"{v}\"><b>{v}</b>{status} <small>by {} on {} (run <code>{}</code>, was {})</small>{note}</span>",
                esc(&r.reviewer),
                esc(r.review_id.get(..8).unwrap_or(&r.review_id)),
                esc(&r.run_id),
                esc(&r.checker_status),
                v = esc(&r.verdict),
            )
        })
        .collect();
    items.join("<br>")
}

/// " · OCR, confidence 87%" for a page whose text was recognized from an image.
fn ocr_mark(c: &CaseResult, doc_id: &str, page: u32) -> String {
    let Some(p) = c
        .docs
        .iter()
        .find(|d| d.staged.doc_id == doc_id)
        .and_then(|d| d.page(page))
    else {
        return String::new();
    };
    if p.source != TextSource::Ocr {
        return String::new();
    }
    match p.ocr_confidence {
        Some(conf) => format!(
            " &middot; <span class=\"ocr{}\">OCR, confidence {conf:.0}%</span>",
            if conf < 70.0 { " low" } else { "" }
        ),
        None => " &middot; <span class=\"ocr\">OCR</span>".to_string(),
    }
}

/// The payer policy applied and each criterion: what a reviewer reads first,
/// since it is what a denial would rest on.
fn decision<'a>(h: &mut String, c: &'a CaseResult, cites: &mut Cites<'a>) {
    h.push_str("<section id=\"decision\"><h2>Payer policy and criteria</h2>\n");
    match (&c.policy, &c.policy_note) {
        (Some(p), _) => {
            let _ = writeln!(
                h,
                "<p id=\"policy\">Policy applied: <b>{}</b> <code>{}</code> ({}). Chosen because: {}.</p>",
                esc(&p.title),
                esc(&p.id),
                esc(&p.source),
                esc(&p.why)
            );
        }
        (None, Some(note)) => {
            let _ = writeln!(h, "<p id=\"policy\" class=\"notice\">{}.</p>", esc(note));
        }
        (None, None) => h.push_str(
            "<p id=\"policy\" class=\"notice\">No payer policy applies: the requested service was not found.</p>\n",
        ),
    }
    let Some(overall) = c.criteria_overall() else {
        return h.push_str("</section>\n");
    };
    let (met, _, _) = c.criteria_counts();
    let _ = writeln!(
        h,
        "<p id=\"criteria-overall\" class=\"{}\"><b>{}</b></p>",
        if met == c.criteria.len() {
            "ok"
        } else {
            "notice"
        },
        esc(&overall)
    );
    h.push_str("<table id=\"criteria\"><tr><th>Status</th><th>Criterion</th><th>Reason</th><th>Evidence</th></tr>\n");
    // Unmet first: the reasons a case would be denied head the list.
    let mut rows: Vec<(usize, &pa_types::CriterionResult)> =
        c.criteria.iter().enumerate().collect();
    rows.sort_by_key(|(i, k)| {
        let rank = match k.status {
            CriterionStatus::NotMet => 0,
            CriterionStatus::MissingEvidence => 1,
            CriterionStatus::Met => 2,
        };
        (rank, *i)
    });
    for (i, k) in rows {
        let anchor = format!("crit-{}", i + 1);
        let ev = cites.evidence(&k.evidence, &anchor, &format!("criterion {}", i + 1), false);
        let cls = match k.status {
            CriterionStatus::Met => "supported",
            CriterionStatus::NotMet => "contradicted",
            CriterionStatus::MissingEvidence => "unsupported",
        };
        let _ = writeln!(
            h,
            "<tr id=\"{anchor}\" class=\"criterion\" data-status=\"{}\"><td class=\"s-{cls}\">{}</td><td>{}</td><td>{}</td><td>{ev}</td></tr>",
            k.status.as_str(),
            k.status.as_str().replace('_', " "),
            esc(&k.description),
            esc(&k.reason),
        );
    }
    h.push_str("</table></section>\n");
}

fn case_page(run: &RunInfo, c: &CaseResult, reviews: &ReviewIndex) -> String {
    let mut cites = Cites::new();
    let mut h = head(&format!("Review: {}", c.case_id));
    let _ = write!(
        h,
        "<p><a href=\"index.html\">All cases</a></p><h1>Case {}</h1><p id=\"service\">Service: <b>{}</b>{} &middot; run <code>{}</code></p>",
        esc(&c.case_id),
        esc(&c.service_name()),
        c.summary
            .service_drug
            .as_deref()
            .map(|d| format!(" &middot; drug <b>{}</b>", esc(d)))
            .unwrap_or_default(),
        esc(&run.run_id)
    );
    // What cannot wait comes first.
    red_flag_section(&mut h, c, &mut cites);

    hidden_text_notices(&mut h, c);
    decision(&mut h, c, &mut cites);
    claims_section(&mut h, c, reviews, &mut cites);
    summary_section(&mut h, c, &mut cites);
    documents_section(&mut h, c);
    h.push_str("</table>\n<h2>Sources</h2><p>Click a citation to show its page here, with the quoted text highlighted.</p>\n");
    sources(&mut h, c, &cites);
    h.push_str("</body></html>\n");
    h
}

/// Text nobody can see was left out of everything on the page: say so, and where.
fn hidden_text_notices(h: &mut String, c: &CaseResult) {
    for d in c.docs.iter().filter(|d| d.hidden_chars() > 0) {
        let pages: Vec<String> = d
            .pages
            .iter()
            .filter(|p| p.hidden_chars > 0)
            .map(|p| p.number.to_string())
            .collect();
        let _ = writeln!(
            h,
            "<p class=\"notice\" id=\"hidden-text\"><b>Hidden text:</b> {} carries {} character(s) on page(s) {} that a reader of the PDF cannot see (invisible, background-coloured, tiny, off the page or clipped away). They were left out of the claims, evidence and summary below; open the file to look at them.</p>",
            esc(&d.staged.file_name),
            d.hidden_chars(),
            pages.join(", ")
        );
    }
}

/// The claims table, worst status first.
fn claims_section<'a>(
    h: &mut String,
    c: &'a CaseResult,
    reviews: &ReviewIndex,
    cites: &mut Cites<'a>,
) {
    h.push_str("<h2>Claims</h2><table id=\"claims\"><tr><th>Status</th><th>Claim</th><th>Reason</th><th>Evidence</th><th>Review</th></tr>\n");
    let mut claims: Vec<(usize, &pa_types::Claim)> = c.claims.iter().enumerate().collect();
    claims.sort_by_key(|(i, k)| {
        let rank = match k.status {
            ClaimStatus::Contradicted => 0,
            ClaimStatus::Unsupported => 1,
            ClaimStatus::Supported => 2,
        };
        (rank, *i)
    });
    for (i, k) in claims {
        let anchor = format!("claim-{}", i + 1);
        let label = format!("claim {}", i + 1);
        let own = cites.link(&k.span, &anchor, &label);
        let ev = cites.evidence(&k.evidence, &anchor, &label, true);
        let _ = writeln!(
            h,
            "<tr id=\"{anchor}\" class=\"claim\" data-status=\"{st}\" data-claim-id=\"{}\"><td class=\"s-{st}\">{st}</td><td>{} {own}<br><small>{}</small></td><td>{}</td><td>{ev}</td><td class=\"review\">{}</td></tr>",
            esc(&k.claim_id),
            esc(&k.span.quote),
            esc(k.claim_type.as_str()),
            esc(&k.reason),
            verdicts_cell(reviews.of(&crate::reviews::claim_fingerprint_of(c, k))),
            st = k.status.as_str(),
        );
    }
    if c.claims.is_empty() {
        h.push_str("<tr><td colspan=\"5\">No claims found: check that a letter or request form was readable.</td></tr>");
    }
    h.push_str("</table>\n");
}

/// The summary, each statement with links to its citations.
fn summary_section<'a>(h: &mut String, c: &'a CaseResult, cites: &mut Cites<'a>) {
    h.push_str("<h2>Summary</h2>\n<ul id=\"summary\">");
    for (i, st) in c.summary.statements.iter().enumerate() {
        let anchor = format!("st-{}", i + 1);
        let label = format!("summary line {}", i + 1);
        let links: Vec<String> = st
            .citations
            .iter()
            .map(|x| cites.link(x, &anchor, &label))
            .collect();
        // A model's sentence is marked as such; its quotes were verified.
        let by = if st.backend.is_extractive() {
            String::new()
        } else {
            format!(" <span class=\"sec\">[{}]</span>", esc(&st.backend.name()))
        };
        let _ = writeln!(
            h,
            "<li id=\"{anchor}\"><span class=\"sec\">{}</span>: {} {}{by}</li>",
            esc(&st.section.as_str().replace('_', " ")),
            esc(&st.text),
            links.join(" ")
        );
    }
    h.push_str("</ul>\n");
}

/// The documents table (left open: the sources heading closes it).
fn documents_section(h: &mut String, c: &CaseResult) {
    h.push_str("<h2>Documents</h2><table id=\"documents\"><tr><th>Document</th><th>Kind</th><th>Pages</th><th>Text</th><th>Status</th></tr>\n");
    for d in &c.docs {
        // OCR'd pages with their confidence: the lowest is the one to distrust.
        let ocr: Vec<(u32, Option<f32>)> = d
            .pages
            .iter()
            .filter(|p| p.source == TextSource::Ocr)
            .map(|p| (p.number, p.ocr_confidence))
            .collect();
        let text = if ocr.is_empty() {
            d.text_source.as_str().to_string()
        } else {
            let worst = ocr
                .iter()
                .filter_map(|x| x.1)
                .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.min(v))));
            format!(
                "OCR on {} of {} page(s){}",
                ocr.len(),
                d.pages.len(),
                worst
                    .map(|w| format!(", lowest confidence {w:.0}%"))
                    .unwrap_or_default()
            )
        };
        let reason = d
            .reason
            .as_ref()
            .map(|r| format!(": {} ({})", r.1, r.0.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            esc(&d.staged.file_name),
            if d.parts.is_empty() {
                d.kind.as_str().to_string()
            } else {
                // (A file of several documents: each one's pages and kind.)
                format!("{} (pages {})", d.kind.as_str(), d.parts_label())
            },
            d.n_pages,
            esc(&text),
            d.status.as_str(),
            esc(&reason)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_never_reach_a_review_page() {
        let quote = "Patient \u{202E}deilppa ton\u{202C} and \u{2067}isolated\u{2069} text";
        let e = esc(quote);
        assert!(!e
            .chars()
            .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')));
        assert!(e.contains("deilppa ton") && e.contains("isolated"));
    }

    #[test]
    fn escaping_makes_markup_inert() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(page_name("../evil case"), "~2E.~2Fevil~20case.html");
        assert_eq!(page_name("c17_a"), "c17_a.html");
        assert_ne!(page_name("c17 a"), page_name("c17_a"));
        assert_eq!(page_name("index"), "index~.html");
        assert_ne!(page_name("c09-caf%E9"), page_name("c09-caf%E8"));
    }

    fn row(case_id: &str, run_id: &str, contradicted: usize) -> IndexRow {
        IndexRow {
            case_id: case_id.into(),
            run_id: run_id.into(),
            service: "72148".into(),
            service_name: "MRI lumbar spine (72148)".into(),
            top_finding: None,
            contradicted,
            unsupported: 0,
            supported: 1,
            criteria_open: 0,
            quarantined: 0,
            needs_review: contradicted > 0,
            priority: "standard".into(),
            due_by_us: None,
            red_flags: Vec::new(),
        }
    }

    #[test]
    fn the_index_merges_each_run_into_the_latest_result_per_case() {
        let tmp = tempfile::tempdir().unwrap();
        let run = |id: &str| RunInfo {
            run_id: id.into(),
            run_date: "2026-11-27".into(),
            started_at_us: 0,
            shard: None,
        };
        let mut rows = Spool::new(tmp.path()).unwrap();
        for r in [row("a", "r1", 1), row("b", "r1", 2)] {
            rows.push(&r).unwrap();
        }
        update_index(tmp.path(), &run("r1"), rows).unwrap();
        // The second run redoes b (now fine) and adds c; a was skipped.
        let mut rows = Spool::new(tmp.path()).unwrap();
        for r in [row("b", "r2", 0), row("c", "r2", 3)] {
            rows.push(&r).unwrap();
        }
        let (index, flagged, all) = update_index(tmp.path(), &run("r2"), rows).unwrap();
        assert_eq!((flagged, all), (2, 3));
        let html = std::fs::read_to_string(index).unwrap();
        assert!(html.contains("2 of 3 case(s) need review"), "{html}");
        assert!(html.contains("a.html") && html.contains("c.html") && !html.contains("b.html"));
        // Worst first.
        assert!(html.find("c.html") < html.find("a.html"));
        let state: Vec<IndexRow> =
            serde_json::from_slice(&std::fs::read(tmp.path().join("review/cases.json")).unwrap())
                .unwrap();
        let runs: Vec<_> = state
            .iter()
            .map(|r| (r.case_id.as_str(), r.run_id.as_str()))
            .collect();
        assert_eq!(runs, [("a", "r1"), ("b", "r2"), ("c", "r2")]);
    }

    #[test]
    fn a_cited_page_is_written_once_however_many_citations_it_has() {
        use pa_types::{
            CaseSummary, DocKind, DocStatus, ExtractedDoc, Page, StagedDoc, Statement, TextSource,
        };
        let sentence = "Knee pain for three years <worse> on stairs. ";
        let text = sentence.repeat(2_000);
        let len = sentence.chars().count() as u32;
        let cite = |k: u32, width: u32| Citation {
            doc_id: "note".into(),
            page: 1,
            start: k * len,
            end: k * len + width,
            quote: text
                .chars()
                .skip((k * len) as usize)
                .take(width as usize)
                .collect(),
        };
        // 60 citations of one page, two of them overlapping.
        let mut citations: Vec<Citation> = (0..60).map(|k| cite(k * 30, len - 1)).collect();
        citations.push(cite(30, 10));
        let case = CaseResult {
            case_id: "c".into(),
            docs: vec![ExtractedDoc {
                staged: StagedDoc {
                    case_id: "c".into(),
                    doc_id: "note".into(),
                    file_name: "note.txt".into(),
                    path: Default::default(),
                    sha256: String::new(),
                    size: 0,
                    status: DocStatus::Ok,
                    reason: None,
                },
                kind: DocKind::ClinicalNote,
                status: DocStatus::Ok,
                reason: None,
                text_source: TextSource::Text,
                n_pages: 1,
                pages: vec![Page::plain(1, text.clone())],
                parts: Vec::new(),
            }],
            summary: CaseSummary {
                statements: vec![Statement {
                    section: pa_types::SummarySection::RelevantHistory,
                    ordinal: 0,
                    text: "Knee pain.".into(),
                    citations,
                    backend: pa_types::Backend::Extractive,
                }],
                ..Default::default()
            },
            claims: Vec::new(),
            criteria: Vec::new(),
            policy: None,
            policy_note: None,
            facts: Vec::new(),
            red_flags: Vec::new(),
            priority: Default::default(),
            fingerprint: String::new(),
        };
        let run = RunInfo {
            run_id: "r1".into(),
            run_date: "2026-11-27".into(),
            started_at_us: 0,
            shard: None,
        };
        let html = case_page(&run, &case, &ReviewIndex::default());
        assert_eq!(html.matches("<section class=\"cite\"").count(), 1);
        // The page text once; beyond it, each link's `data-quote`.
        let quoted = case.summary.statements[0]
            .citations
            .iter()
            .filter(|c| c.quote.contains("on stairs"))
            .count();
        assert_eq!(
            html.matches("on stairs").count(),
            2_000 + quoted,
            "the page text once"
        );
        assert!(html.len() < 2 * esc(&text).len(), "{} bytes", html.len());
        // Every citation is a target, and its marks spell its quote.
        for (i, c) in case.summary.statements[0].citations.iter().enumerate() {
            let n = i + 1;
            assert!(html.contains(&format!("id=\"c{n}\"")));
            let k = format!("k{n}");
            let got: String = html
                .split("<mark class=\"")
                .skip(1)
                .filter_map(|m| {
                    let (classes, rest) = m.split_once("\">")?;
                    let body = rest.split_once("</mark>")?.0;
                    classes.split(' ').any(|c| c == k).then_some(body)
                })
                .collect();
            assert_eq!(got, esc(&c.quote), "citation {n}");
        }
    }
}
