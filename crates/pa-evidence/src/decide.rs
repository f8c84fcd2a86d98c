//! A claim's status from its candidates' verdicts: the time rules first (the
//! latest dated value is the current one), then contradiction, support,
//! support in parts, a relative's history, or no support, each with its reason
//! and evidence.

use pa_types::{Claim, ClaimStatus, Evidence, Relation, Sentence};

use super::{dates, short, EvidenceOptions, Verdict};

/// A candidate's verdict, its coverage and the sentence.
type Scored<'s> = (Verdict, f32, &'s Sentence);

/// A date (y, m, d).
type Ymd = (u32, u32, u32);

/// What the time rules leave to say in the claim's reason.
#[derive(Default)]
struct TimeNotes {
    /// The claim is supported by the latest value; an older differing value is history.
    history_note: Option<String>,
    /// The latest value differs; an older sentence agreeing with the undated
    /// claim is history (its note and citation).
    older_agreeing: Option<(String, pa_types::Citation)>,
}

/// Turn candidate verdicts into the claim's status, reason and evidence.
pub(crate) fn decide(
    claim: &mut Claim,
    mut verdicts: Vec<Scored<'_>>,
    opts: &EvidenceOptions,
    doc_kind: &str,
    n_docs: usize,
    dated: &dyn Fn(&Sentence) -> Option<Ymd>,
    gives_value: &dyn Fn(&Sentence) -> bool,
) -> &'static str {
    verdicts.sort_by(|x, y| y.1.total_cmp(&x.1));
    let notes = apply_time(claim, &mut verdicts, dated, gives_value);
    settle_differences(&mut verdicts);
    let who = if doc_kind == "lmn" {
        "letter"
    } else {
        "request form"
    };
    let evidence = |pick: &dyn Fn(&Verdict) -> bool, relation: Relation| {
        verdicts
            .iter()
            .filter(|v| pick(&v.0))
            .take(opts.max_evidence)
            .map(|(_, score, s)| Evidence {
                citation: s.span.clone(),
                score: *score,
                relation,
            })
            .collect::<Vec<_>>()
    };
    let contradiction = verdicts
        .iter()
        .find(|v| matches!(v.0, Verdict::Contradicts(_)));
    let support = verdicts.iter().find(|v| matches!(v.0, Verdict::Supports));
    let family = verdicts.iter().find(|v| matches!(v.0, Verdict::Family));
    if let Some((Verdict::Contradicts(r), _, cs)) = contradiction {
        claim.status = ClaimStatus::Contradicted;
        claim.reason = r.replace("{assertion}", who);
        claim.evidence = evidence(
            &|v| matches!(v, Verdict::Contradicts(_)),
            Relation::Contradicts,
        );
        if let Some((note, span)) = notes.older_agreeing {
            claim.reason.push_str(&note);
            claim.evidence.push(Evidence {
                citation: span,
                score: 0.0,
                relation: Relation::Related,
            });
        }
        // The clinical documents disagree with each other: say so.
        if let Some((_, score, s)) = support.filter(|(_, _, s)| s.span.doc_id != cs.span.doc_id) {
            claim.reason = format!(
                "{}; but {} p.{} supports it (\"{}\"): the clinical documents disagree",
                claim.reason,
                s.span.doc_id,
                s.span.page,
                short(&s.span.quote)
            );
            claim.evidence.push(Evidence {
                citation: s.span.clone(),
                score: *score,
                relation: Relation::Supports,
            });
            return "contradicted_documents_disagree";
        }
        "contradicted"
    } else if let Some((_, _, s)) = support {
        let rule = if notes.history_note.is_some() {
            "supported_older_value_is_history"
        } else {
            "supported"
        };
        claim.status = ClaimStatus::Supported;
        claim.reason = format!(
            "supported by {} p.{}: \"{}\"{}",
            s.span.doc_id,
            s.span.page,
            short(&s.span.quote),
            notes.history_note.unwrap_or_default()
        );
        claim.evidence = evidence(&|v| matches!(v, Verdict::Supports), Relation::Supports);
        rule
    } else if verdicts
        .iter()
        .any(|v| matches!(v.0, Verdict::SupportsInPart))
    {
        supported_in_parts(claim, &verdicts);
        "supported_in_parts"
    } else if let Some((_, _, s)) = family {
        claim.status = ClaimStatus::Contradicted;
        claim.reason = format!(
            "{} p.{}: that history belongs to a family member, not the patient: \"{}\"",
            s.span.doc_id,
            s.span.page,
            short(&s.span.quote)
        );
        claim.evidence = evidence(&|v| matches!(v, Verdict::Family), Relation::Contradicts);
        "contradicted_family_member"
    } else {
        claim.status = ClaimStatus::Unsupported;
        let (rule, reason) = unsupported_reason(&verdicts, n_docs);
        claim.reason = reason;
        claim.evidence = evidence(&|v| !matches!(v, Verdict::Weak), Relation::Related);
        rule
    }
}

/// The time rules. The latest dated value is the current one: an older
/// different value is history, not a contradiction; and when the latest value
/// differs from an undated claim's, older agreeing notes are history.
fn apply_time<'s>(
    claim: &Claim,
    verdicts: &mut [Scored<'s>],
    dated: &dyn Fn(&Sentence) -> Option<Ymd>,
    gives_value: &dyn Fn(&Sentence) -> bool,
) -> TimeNotes {
    // When a sentence speaks: its own date, else its section's or its
    // document's (`dated`).
    // (A date that starts a course or a condition, "daily since 11/2025", "dx
    // 2019", is not when the sentence speaks: its document's date is.)
    static START: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(since|started|starting|began|begun|from|onset|dx|diagnosed|initiated)\s*(?:in|on)?\s*$").unwrap()
    });
    let when = |s: &Sentence| {
        let q = &s.span.quote;
        dates::find(q)
            .into_iter()
            .filter(|d| d.month != 0)
            .filter(|d| {
                let before: String = q.chars().take(d.at).collect();
                !START.is_match(&before)
            })
            .map(|d| (d.year, d.month, d.day))
            .max()
            .or_else(|| dated(s))
    };
    let latest = |verdicts: &[Scored<'s>],
                  pick: &dyn Fn(&Scored<'s>) -> bool|
     -> Option<(Ymd, &'s Sentence)> {
        verdicts
            .iter()
            .filter(|v| pick(v))
            .filter_map(|v| when(v.2).map(|d| (d, v.2)))
            .max_by_key(|x| x.0)
    };
    let latest_support = latest(verdicts, &|v| matches!(v.0, Verdict::Supports));
    let latest_diff = latest(verdicts, &|v| {
        matches!(v.0, Verdict::ValueDiffers(_) | Verdict::DoseDiffers(_))
    });
    let mut notes = TimeNotes::default();
    // A claim of a past time named by an event ("West Haven grade 3 on
    // admission", "at diagnosis", "at baseline") is borne out by a sentence of
    // that time: later values are of later times, not the claimed one.
    static PAST_TIME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:on|at|upon)\s+(?:admission|arrival|presentation|diagnosis|baseline|enrollment|initial\s+evaluation)\b|\bat\s+the\s+time\s+of\s+(?:admission|diagnosis)\b|\bpre-?treatment\b|\bbefore\s+(?:treatment|therapy)\s+(?:began|started)\b")
            .unwrap()
    });
    if PAST_TIME.is_match(&claim.span.quote) {
        if let Some((ds, _)) = latest_support {
            for v in verdicts.iter_mut() {
                if matches!(v.0, Verdict::ValueDiffers(_) | Verdict::DoseDiffers(_))
                    && when(v.2).is_some_and(|d| d > ds)
                {
                    v.0 = Verdict::Weak;
                }
            }
            return notes;
        }
    }
    // The other way round: the latest value differs from the claim's, and only
    // older notes agree. For a claim that gives no date of its own (a present
    // value, "her resting heart rate is 44"), those are history.
    let claim_undated = dates::find(&claim.span.quote).is_empty();
    if let (Some((ds, older)), Some((dd, _)), true) = (latest_support, latest_diff, claim_undated) {
        if dd > ds {
            notes.older_agreeing = Some((
                format!(
                    "; {} p.{} gives that value earlier ({:04}-{:02}-{:02}), which is history",
                    older.span.doc_id, older.span.page, ds.0, ds.1, ds.2
                ),
                older.span.clone(),
            ));
            for v in verdicts.iter_mut() {
                if matches!(v.0, Verdict::Supports) && when(v.2).is_some_and(|d| d < dd) {
                    v.0 = Verdict::Weak;
                }
            }
        }
    }
    // (Only a support that gives a value of its own makes an older value
    // history: "Falls/near-falls d/t lack of stance control" in June says
    // nothing of how many, and "Falls reported: 3 in last 6 mo" in May stays
    // the count the chart gives.)
    let latest_valued_support = latest(verdicts, &|v| {
        matches!(v.0, Verdict::Supports) && gives_value(v.2)
    });
    if let (Some((ds, _)), Some((dd, older))) = (latest_valued_support, latest_diff) {
        if ds > dd {
            notes.history_note = Some(format!(
                "; {} p.{} gives an older value ({:04}-{:02}-{:02}), which is history",
                older.span.doc_id, older.span.page, dd.0, dd.1, dd.2
            ));
            for v in verdicts.iter_mut() {
                if matches!(v.0, Verdict::ValueDiffers(_) | Verdict::DoseDiffers(_)) {
                    v.0 = Verdict::Weak;
                }
            }
        }
    }
    notes
}

/// A differing value contradicts. A differing dose or a loose denial
/// contradicts only when no sentence supports the claim.
fn settle_differences(verdicts: &mut [Scored<'_>]) {
    let any_support = verdicts.iter().any(|v| matches!(v.0, Verdict::Supports));
    for v in verdicts.iter_mut() {
        match &v.0 {
            Verdict::ValueDiffers(r) => v.0 = Verdict::Contradicts(r.clone()),
            Verdict::DoseDiffers(_) | Verdict::Denies(_) if any_support => v.0 = Verdict::Weak,
            Verdict::DoseDiffers(r) | Verdict::Denies(r) => v.0 = Verdict::Contradicts(r.clone()),
            _ => {}
        }
    }
}

/// Supported by several sentences, each of one part.
fn supported_in_parts(claim: &mut Claim, verdicts: &[Scored<'_>]) {
    let in_parts: Vec<&Scored<'_>> = verdicts
        .iter()
        .filter(|v| matches!(v.0, Verdict::SupportsInPart))
        .collect();
    claim.status = ClaimStatus::Supported;
    let each: Vec<String> = in_parts
        .iter()
        .map(|(_, _, s)| {
            format!(
                "{} p.{}: \"{}\"",
                s.span.doc_id,
                s.span.page,
                short(&s.span.quote)
            )
        })
        .collect();
    claim.reason = format!("supported in parts by {}", each.join("; and by "));
    claim.evidence = in_parts
        .iter()
        .map(|(_, score, s)| Evidence {
            citation: s.span.clone(),
            score: *score,
            relation: Relation::Supports,
        })
        .collect();
}

/// Why nothing supports the claim, with its trace rule. A sentence that would
/// support the claim but for its date says the most.
fn unsupported_reason(verdicts: &[Scored<'_>], n_docs: usize) -> (&'static str, String) {
    let related = verdicts
        .iter()
        .find(|v| matches!(v.0, Verdict::AfterRequest(_)))
        .or_else(|| verdicts.iter().find(|v| !matches!(v.0, Verdict::Weak)));
    match related {
        Some((Verdict::AfterRequest(why), _, _)) => (
            "unsupported_support_after_request",
            format!("the only support is later than the request: {why}"),
        ),
        Some((Verdict::MissingNumber(n), _, s)) => (
            "unsupported_number_not_confirmed",
            format!(
                "{} p.{} mentions it but does not confirm {}",
                s.span.doc_id,
                s.span.page,
                n.trim()
            ),
        ),
        Some((Verdict::Hypothetical, _, s)) => (
            "unsupported_only_planned",
            format!(
                "{} p.{} only plans, requests or suspects it: \"{}\"",
                s.span.doc_id,
                s.span.page,
                short(&s.span.quote)
            ),
        ),
        _ => (
            "unsupported_no_support",
            format!("no support found in the {n_docs} clinical document(s) of this case"),
        ),
    }
}
