#!/usr/bin/env python3
"""Read a priorauth output folder with DuckDB and pyarrow (never our own
writer) and check the output contract. Prints one JSON object with the
findings; exits 1 with a message on the first broken rule.

    python3 tests/py/check_output.py OUT [DROP]
"""
import json
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as ds

REQUIRED = {
    "documents": ["run_id", "case_id", "doc_id", "file_name", "sha256", "kind", "n_pages", "status",
                  "status_reason", "text_source"],
    "pages": ["run_id", "case_id", "doc_id", "page", "text", "text_source"],
    "summaries": ["run_id", "case_id", "section", "ordinal", "text", "citations"],
    "claims": ["run_id", "case_id", "claim_id", "doc_id", "page", "start", "end", "text", "status", "reason",
               "evidence"],
    "cases": ["run_id", "case_id", "service_code", "n_documents", "n_pages", "n_claims", "n_unsupported",
              "n_contradicted", "needs_review", "policy_id", "policy_source", "policy_why", "policy_note",
              "priority", "priority_reason", "received_at", "due_by"],
    "criteria": ["run_id", "case_id", "service", "criterion_id", "description", "status", "reason", "evidence"],
    "facts": ["run_id", "case_id", "kind", "value", "label", "number", "unit", "valid", "assertion", "doc_id", "page",
              "start", "end", "quote"],
    "red_flags": ["run_id", "case_id", "flag", "label", "assertion", "escalates", "doc_id", "page", "start", "end",
                  "quote"],
    "runs": ["run_id", "started_at", "finished_at", "version", "config_sha256", "n_cases", "exit_status"],
}


def fail(msg):
    print(f"contract broken: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    out = Path(sys.argv[1])
    con = duckdb.connect()
    report = {"rows": {}}
    for table, cols in REQUIRED.items():
        glob = str(out / table / "**" / "*.parquet")
        con.execute(f"create view {table} as select * from read_parquet('{glob}', hive_partitioning = true)")
        have = [r[0] for r in con.execute(f"describe {table}").fetchall()]
        missing = [c for c in cols if c not in have]
        if missing:
            fail(f"{table} lacks columns {missing}")
        report["rows"][table] = con.execute(f"select count(*) from {table}").fetchone()[0]
        # pyarrow reads the same files.
        n = ds.dataset(str(out / table), format="parquet", partitioning="hive").to_table().num_rows
        if n != report["rows"][table]:
            fail(f"pyarrow reads {n} rows of {table}, duckdb {report['rows'][table]}")
        # ...and so does polars.
        n = pl.scan_parquet(str(out / table / "**" / "*.parquet"), hive_partitioning=True).select(pl.len()).collect().item()
        if n != report["rows"][table]:
            fail(f"polars reads {n} rows of {table}, duckdb {report['rows'][table]}")
        if con.execute(f"select count(*) from {table} where schema_version != 1").fetchone()[0]:
            fail(f"{table} rows without schema_version 1")

    # Every citation and evidence span: quote == pages.text[start:end] (chars, 0-based, end-exclusive).
    spans = """
        with cites as (
            select case_id, run_id, unnest(citations) as c from summaries
            union all
            select case_id, run_id, unnest(evidence) as c from claims
            union all
            select case_id, run_id, unnest(evidence) as c from criteria
            union all
            select case_id, run_id, {'doc_id': doc_id, 'page': page, 'start': "start", 'end': "end", 'quote': text} from claims
            union all
            select case_id, run_id, {'doc_id': doc_id, 'page': page, 'start': "start", 'end': "end", 'quote': quote} from facts
            union all
            select case_id, run_id, {'doc_id': doc_id, 'page': page, 'start': "start", 'end': "end", 'quote': quote} from red_flags
        )
        select count(*) as n,
               count(*) filter (where p.text is null
                   or substring(p.text, c.c.start + 1, c.c."end" - c.c.start) != c.c.quote) as bad
        from cites c left join pages p
          on p.run_id = c.run_id and p.case_id = c.case_id and p.doc_id = c.c.doc_id and p.page = c.c.page
    """
    n, bad = con.execute(spans).fetchone()
    if bad:
        fail(f"{bad} of {n} citations do not equal the page text at their offsets")
    report["citations_checked"] = n

    own = con.execute("""
        select count(*) from (select doc_id, unnest(evidence) as e from claims) where e.doc_id = doc_id
    """).fetchone()[0]
    if own:
        fail(f"{own} evidence spans cite the claim's own document")
    uncited = con.execute("select count(*) from summaries where len(citations) = 0").fetchone()[0]
    if uncited:
        fail(f"{uncited} summary statements without a citation")
    bad_status = con.execute("""
        select count(*) from claims where status not in ('supported', 'unsupported', 'contradicted')
    """).fetchone()[0] + con.execute("""
        select count(*) from documents where status not in ('ok', 'quarantined', 'duplicate')
            or text_source not in ('text', 'ocr', 'mixed', 'none')
            or (status = 'quarantined' and status_reason is null)
    """).fetchone()[0]
    if bad_status:
        fail(f"{bad_status} rows with an invalid status, text_source or missing reason")
    counts = con.execute("""
        select count(*) from cases k
        where n_claims != (select count(*) from claims c where c.run_id = k.run_id and c.case_id = k.case_id)
           or n_unsupported != (select count(*) from claims c where c.run_id = k.run_id and c.case_id = k.case_id and status = 'unsupported')
    """).fetchone()[0]
    if counts:
        fail(f"{counts} cases rows whose counts disagree with the claims table")

    report["documents"] = [
        {"case_id": r[0], "doc_id": r[1], "status": r[2], "status_reason": r[3], "kind": r[4]}
        for r in con.execute("select case_id, doc_id, status, status_reason, kind from documents order by all").fetchall()
    ]
    report["claims"] = [
        {"case_id": r[0], "doc_id": r[1], "text": r[2], "status": r[3]}
        for r in con.execute("select case_id, doc_id, text, status from claims order by all").fetchall()
    ]
    report["criteria"] = [
        {"case_id": r[0], "criterion_id": r[1], "status": r[2], "service": r[3], "reason": r[4], "run_id": r[5]}
        for r in con.execute(
            "select case_id, criterion_id, status, service, reason, run_id from criteria order by all").fetchall()
    ]
    report["policies"] = [
        {"case_id": r[0], "run_id": r[1], "policy_id": r[2], "policy_source": r[3], "policy_why": r[4],
         "policy_note": r[5]}
        for r in con.execute("""select case_id, run_id, policy_id, policy_source, policy_why, policy_note
            from cases order by all""").fetchall()
    ]
    report["facts"] = [
        {"case_id": r[0], "kind": r[1], "value": r[2], "number": r[3], "valid": r[4], "quote": r[5], "doc_id": r[6]}
        for r in con.execute("select case_id, kind, value, number, valid, quote, doc_id from facts order by all").fetchall()
    ]
    # A case is expedited exactly when one of its red flags escalates; due_by follows received_at.
    wrong = con.execute("""
        select count(*) from cases k
        where (priority = 'expedited') != exists (select 1 from red_flags f where f.run_id = k.run_id
                                                  and f.case_id = k.case_id and f.escalates)
           or priority not in ('expedited', 'standard')
           or (received_at is null) != (due_by is null) or due_by <= received_at
    """).fetchone()[0]
    if wrong:
        fail(f"{wrong} cases rows whose priority disagrees with their red flags or dates")
    report["red_flags"] = [
        {"case_id": r[0], "flag": r[1], "assertion": r[2], "escalates": r[3], "quote": r[4], "doc_id": r[5]}
        for r in con.execute("select case_id, flag, assertion, escalates, quote, doc_id from red_flags order by all").fetchall()
    ]
    report["priority"] = {
        r[0]: {"priority": r[1], "reason": r[2], "received_at": r[3], "due_by": r[4]}
        for r in con.execute("""select case_id, priority, priority_reason, epoch_us(received_at), epoch_us(due_by)
                                from cases order by case_id, run_id""").fetchall()
    }
    report["summaries"] = {
        r[0]: r[1] for r in con.execute("select case_id, string_agg(text, ' ') from summaries group by case_id").fetchall()
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
