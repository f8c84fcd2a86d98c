#!/usr/bin/env python3
"""Print the claims and non-ok documents of an output folder, one line each,
for the snapshot test of the evidence checker.

    python3 tests/py/findings.py OUT
"""
import sys

import duckdb

out = sys.argv[1]
for r in duckdb.sql(f"""
    select case_id, status, regexp_replace(text, '\\s+', ' ', 'g'), reason,
           list_transform(evidence, lambda e: e.relation || ' ' || e.doc_id || ' p.' || e.page)
    from read_parquet('{out}/claims/**/*.parquet') order by case_id, claim_id""").fetchall():
    print(" | ".join([r[0], r[1], r[2], r[3], ", ".join(r[4])]))
for r in duckdb.sql(f"""
    select case_id, doc_id, status, coalesce(status_detail, '')
    from read_parquet('{out}/documents/**/*.parquet') where status <> 'ok' order by all""").fetchall():
    print("document | " + " | ".join(r))
for r in duckdb.sql(f"""
    select case_id, criterion_id, status, reason
    from read_parquet('{out}/criteria/**/*.parquet') order by all""").fetchall():
    print("criterion | " + " | ".join(r))
