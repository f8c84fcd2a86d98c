//! Static review pages: `review/index.html` lists the cases that need review,
//! worst first; `review/<case>.html` shows the summary, the claims with their
//! status and reason, the documents, and for every citation the page text with
//! the quoted span highlighted (one click away, via `:target`, no script).
//! Pages are self-contained, all document text is escaped, and a strict
//! Content-Security-Policy forbids scripts and external resources.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pa_types::text::char_slice;
use pa_types::{CaseResult, Citation, ClaimStatus, RunInfo};

use crate::{write_atomic, StoreError};

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'";
const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;padding:0 1em;color:#222}\
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}\
.s-supported{color:#116611;font-weight:600}.s-unsupported{color:#9a6700;font-weight:600}.s-contradicted{color:#b00020;font-weight:600}\
.cite{display:none;border:2px solid #446;padding:.5em 1em;margin:1em 0;background:#fafaff}.cite:target{display:block}\
pre{white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace}mark{background:#ffe066}a.c{font-size:.85em;margin-left:.3em}\
.sec{font-weight:600;text-transform:capitalize}";

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
            _ => o.push(c),
        }
    }
    o
}

/// A file name safe for any case id.
pub fn page_name(case_id: &str) -> String {
    let safe: String = case_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.html", safe.trim_start_matches('.'))
}

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
    contradicted: usize,
    unsupported: usize,
    supported: usize,
    criteria_open: usize,
    quarantined: usize,
    needs_review: bool,
}

impl IndexRow {
    fn severity(&self) -> usize {
        3 * self.contradicted + 2 * self.unsupported + self.criteria_open + self.quarantined
    }
}

/// Write a page per processed case needing review, and `review/index.html`
/// over every case's latest result; returns the pages written.
pub fn write_review(
    out: &Path,
    run: &RunInfo,
    cases: &[CaseResult],
) -> Result<Vec<PathBuf>, StoreError> {
    let dir = out.join("review");
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
        path: dir.clone(),
        source,
    })?;
    // Shards update the index one at a time, each seeing the others' state.
    crate::with_file_lock(&dir.join(".index.lock"), || {
        write_review_locked(out, run, cases)
    })
}

fn write_review_locked(
    out: &Path,
    run: &RunInfo,
    cases: &[CaseResult],
) -> Result<Vec<PathBuf>, StoreError> {
    let dir = out.join("review");
    // One state file per shard, so concurrent shards never overwrite each
    // other's; the index merges them all (a case lives in one shard).
    let state = dir.join(format!("cases{}.json", run.shard_suffix()));
    let mut rows: Vec<IndexRow> = std::fs::read(&state)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut others: Vec<IndexRow> = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p != state && name.starts_with("cases") && name.ends_with(".json") {
            let more: Vec<IndexRow> = std::fs::read(&p)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            others.extend(more);
        }
    }
    let mut written = Vec::new();
    for c in cases {
        rows.retain(|r| r.case_id != c.case_id);
        rows.push(IndexRow {
            case_id: c.case_id.clone(),
            run_id: run.run_id.clone(),
            service: c.summary.service_code.clone().unwrap_or_else(|| "?".into()),
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
        });
        let path = dir.join(page_name(&c.case_id));
        if c.needs_review() {
            write_atomic(&path, case_page(run, c).as_bytes())?;
            written.push(path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
    // The newest row per case across the shards' files.
    let mut all: Vec<&IndexRow> = rows.iter().chain(others.iter()).collect();
    all.sort_by(|a, b| a.case_id.cmp(&b.case_id).then(b.run_id.cmp(&a.run_id)));
    all.dedup_by(|a, b| a.case_id == b.case_id);
    let mut flagged: Vec<&IndexRow> = all.iter().copied().filter(|r| r.needs_review).collect();
    flagged.sort_by(|a, b| {
        b.severity()
            .cmp(&a.severity())
            .then(a.case_id.cmp(&b.case_id))
    });
    let mut idx = head("Cases needing review");
    let _ = write!(
        idx,
        "<h1>Cases needing review</h1><p>{} of {} case(s) need review, worst first (latest result of each case; last run <code>{}</code>).</p>\
<table><tr><th>Case</th><th>Service</th><th>Contradicted</th><th>Unsupported</th><th>Supported</th><th>Open criteria</th><th>Quarantined docs</th><th>Run</th></tr>\n",
        flagged.len(),
        all.len(),
        esc(&run.run_id)
    );
    for r in &flagged {
        let _ = writeln!(
            idx,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&page_name(&r.case_id)),
            esc(&r.case_id),
            esc(&r.service),
            r.contradicted,
            r.unsupported,
            r.supported,
            r.criteria_open,
            r.quarantined,
            esc(&r.run_id)
        );
    }
    idx.push_str("</table></body></html>\n");
    rows.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    write_atomic(
        &state,
        &serde_json::to_vec_pretty(&rows).unwrap_or_default(),
    )?;
    let path = dir.join("index.html");
    write_atomic(&path, idx.as_bytes())?;
    written.push(path);
    Ok(written)
}

/// Collects citations and numbers them for anchors.
struct Cites<'a> {
    list: Vec<&'a Citation>,
    ids: HashMap<(String, u32, u32, u32), usize>,
}

impl<'a> Cites<'a> {
    fn link(&mut self, c: &'a Citation) -> String {
        let key = (c.doc_id.clone(), c.page, c.start, c.end);
        let n = *self.ids.entry(key).or_insert_with(|| {
            self.list.push(c);
            self.list.len()
        });
        format!(
            "<a class=\"c\" href=\"#c{n}\" data-quote=\"{}\">[{} p.{}]</a>",
            esc(&c.quote),
            esc(&c.doc_id),
            c.page
        )
    }
}

fn case_page(run: &RunInfo, c: &CaseResult) -> String {
    let mut cites = Cites {
        list: Vec::new(),
        ids: HashMap::new(),
    };
    let mut h = head(&format!("Review: {}", c.case_id));
    let _ = write!(
        h,
        "<p><a href=\"index.html\">All cases</a></p><h1>Case {}</h1><p>Service: <b>{}</b> {} &middot; run <code>{}</code></p>",
        esc(&c.case_id),
        esc(c.summary.service_code.as_deref().unwrap_or("not found")),
        esc(c.summary.service_description.as_deref().unwrap_or("")),
        esc(&run.run_id)
    );

    h.push_str("<h2>Claims</h2><table id=\"claims\"><tr><th>Status</th><th>Claim</th><th>Reason</th><th>Evidence</th></tr>\n");
    let mut claims: Vec<_> = c.claims.iter().collect();
    claims.sort_by_key(|k| match k.status {
        ClaimStatus::Contradicted => 0,
        ClaimStatus::Unsupported => 1,
        ClaimStatus::Supported => 2,
    });
    for k in claims {
        let own = cites.link(&k.span);
        let ev: Vec<String> = k
            .evidence
            .iter()
            .map(|e| format!("{} {}", esc(e.relation), cites.link(&e.citation)))
            .collect();
        let _ = writeln!(
            h,
            "<tr class=\"claim\" data-status=\"{st}\"><td class=\"s-{st}\">{st}</td><td>{} {own}<br><small>{}</small></td><td>{}</td><td>{}</td></tr>",
            esc(&k.span.quote),
            esc(k.claim_type),
            esc(&k.reason),
            ev.join("<br>"),
            st = k.status.as_str(),
        );
    }
    if c.claims.is_empty() {
        h.push_str("<tr><td colspan=\"4\">No claims found: check that a letter or request form was readable.</td></tr>");
    }
    h.push_str("</table>\n<h2>Criteria checklist</h2>\n");
    if c.criteria.is_empty() {
        h.push_str("<p>No criteria set matches the requested service.</p>\n");
    } else {
        let _ = write!(
            h,
            "<p>Criteria set <code>{}</code>, checked against the clinical documents.</p>",
            esc(&c.criteria[0].service)
        );
        h.push_str("<table id=\"criteria\"><tr><th>Status</th><th>Criterion</th><th>Reason</th><th>Evidence</th></tr>\n");
        for k in &c.criteria {
            let ev: Vec<String> = k.evidence.iter().map(|e| cites.link(&e.citation)).collect();
            let cls = match k.status.as_str() {
                "met" => "supported",
                "not_met" => "contradicted",
                _ => "unsupported",
            };
            let _ = writeln!(
                h,
                "<tr><td class=\"s-{cls}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                k.status.as_str().replace('_', " "),
                esc(&k.description),
                esc(&k.reason),
                ev.join("<br>")
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Summary</h2>\n<ul id=\"summary\">");
    for st in &c.summary.statements {
        let links: Vec<String> = st.citations.iter().map(|x| cites.link(x)).collect();
        // A model's sentence is marked as such; its quotes were verified.
        let by = if st.backend == "extractive" {
            String::new()
        } else {
            format!(" <span class=\"sec\">[{}]</span>", esc(&st.backend))
        };
        let _ = writeln!(
            h,
            "<li><span class=\"sec\">{}</span>: {} {}{by}</li>",
            esc(&st.section.replace('_', " ")),
            esc(&st.text),
            links.join(" ")
        );
    }
    h.push_str("</ul>\n<h2>Documents</h2><table><tr><th>Document</th><th>Kind</th><th>Pages</th><th>Status</th></tr>\n");
    for d in &c.docs {
        let reason = d
            .reason
            .as_ref()
            .map(|r| format!(": {} ({})", r.1, r.0.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            esc(&d.staged.file_name),
            d.kind.as_str(),
            d.n_pages,
            d.status.as_str(),
            esc(&reason)
        );
    }
    h.push_str("</table>\n<h2>Sources</h2><p>Click a citation to show its page here, with the quoted text highlighted.</p>\n");
    for (i, cit) in cites.list.iter().enumerate() {
        let text = c.page_text(&cit.doc_id, cit.page).unwrap_or("");
        let n = text.chars().count();
        let (s, e) = ((cit.start as usize).min(n), (cit.end as usize).min(n));
        let before = char_slice(text, 0, s).unwrap_or("");
        let mid = char_slice(text, s, e).unwrap_or("");
        let after = char_slice(text, e, n).unwrap_or("");
        let _ = writeln!(
            h,
            "<section class=\"cite\" id=\"c{}\"><h3>{} &middot; page {} &middot; chars {}-{}</h3><pre>{}<mark>{}</mark>{}</pre></section>",
            i + 1,
            esc(&cit.doc_id),
            cit.page,
            cit.start,
            cit.end,
            esc(before),
            esc(mid),
            esc(after)
        );
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_makes_markup_inert() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(page_name("../evil case"), "_evil_case.html");
    }
}
