#!/usr/bin/env python3
"""Read an output folder's claims, reviewer verdicts and decision traces with
DuckDB, and print a JSON report:

  - latest_claims: the claims of each case's latest finished run, each with
    the verdicts attached to it by claim fingerprint;
  - reviews: every row of the reviews table;
  - trace: what DuckDB's json functions read from claims.trace (every trace
    valid JSON, the deciding rule per status, candidates per claim);
  - modes: the permission bits of every reviews file.

    python3 tests/py/reviews_check.py OUT
"""
import json
import os
import sys
from pathlib import Path

import duckdb

out = Path(sys.argv[1])
con = duckdb.connect()
con.execute(f"create view runs as select * from read_parquet('{out}/runs/**/*.parquet')")
con.execute(f"create view claims as select * from read_parquet('{out}/claims/**/*.parquet', union_by_name = true)")
con.execute(f"""create view latest as
    select case_id, max(run_id) as run_id from read_parquet('{out}/cases/**/*.parquet')
    where run_id in (select run_id from runs) group by case_id""")
has_reviews = any((out / "reviews").rglob("*.parquet")) if (out / "reviews").exists() else False
if has_reviews:
    con.execute(f"create view reviews as select * from read_parquet('{out}/reviews/**/*.parquet')")
else:
    cols = ["review_id", "case_id", "claim_fingerprint", "claim_id", "run_id", "verdict", "status", "note",
            "reviewer", "source"]
    con.execute("create view reviews as select " + ", ".join(f"null::varchar as {c}" for c in cols) + " where false")

report = {"latest_claims": [], "reviews": []}
for case_id, claim_id, status, fp, text, run_id in con.execute("""
        select c.case_id, c.claim_id, c.status, c.claim_fingerprint, c.text, c.run_id
        from claims c join latest l using (case_id, run_id) order by all""").fetchall():
    verdicts = con.execute("""select verdict, status, note, reviewer, claim_id, run_id from reviews
        where claim_fingerprint = ? order by review_id""", [fp]).fetchall()
    report["latest_claims"].append({
        "case_id": case_id, "claim_id": claim_id, "status": status, "fingerprint": fp, "text": text,
        "run_id": run_id,
        "verdicts": [dict(zip(["verdict", "status", "note", "reviewer", "claim_id", "run_id"], v)) for v in verdicts],
    })
for r in con.execute("select review_id, case_id, claim_id, verdict, status, reviewer, source from reviews order by all").fetchall():
    report["reviews"].append(dict(zip(["review_id", "case_id", "claim_id", "verdict", "status", "reviewer", "source"], r)))

report["trace"] = {
    "claims": con.execute("select count(*) from claims").fetchone()[0],
    "valid_json": con.execute("select count(*) from claims where json_valid(trace)").fetchone()[0],
    "rules": [list(r) for r in con.execute("""
        select status, json_extract_string(trace, '$.rule') as rule, count(*) from claims
        group by all order by all""").fetchall()],
    "with_candidates": con.execute("""
        select count(*) from claims where json_array_length(trace, '$.candidates') > 0""").fetchone()[0],
    "run_id_matches": con.execute("""
        select count(*) from claims where json_extract_string(trace, '$.run_id') = run_id""").fetchone()[0],
    "settings_hash_matches": con.execute("""
        select count(*) from claims c join runs r using (run_id)
        where json_extract_string(c.trace, '$.settings_hash') = r.config_sha256""").fetchone()[0],
    # The evidence a claim cites is among the candidates its trace weighed.
    "evidence_in_candidates": con.execute("""
        select count(*) = count(*) filter (where found) from (
            select list_contains(
                [json_extract_string(x, '$.doc_id') || ':' || json_extract_string(x, '$.start')
                 for x in json_extract(trace, '$.candidates[*]')],
                e.doc_id || ':' || e.start) as found
            from (select trace, unnest(evidence) as e from claims))""").fetchone()[0],
}
report["modes"] = sorted({oct(os.stat(p).st_mode & 0o777) for p in (out / "reviews").rglob("*.parquet")}) \
    if has_reviews else []
print(json.dumps(report))
