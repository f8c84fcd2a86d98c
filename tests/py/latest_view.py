#!/usr/bin/env python3
"""Print, table by table, the rows of the latest finished run of every case
(run ids and timestamps left out, rows sorted), so two output folders can be
compared row for row. Also fails if any file is unreadable or a temporary
file is left.

    python3 tests/py/latest_view.py OUT
"""
import sys
from pathlib import Path

import duckdb

out = Path(sys.argv[1])
left = [p for p in out.rglob("*.tmp")]
if left:
    print(f"temporary files left: {left}", file=sys.stderr)
    sys.exit(1)
con = duckdb.connect()
con.execute(f"create view runs as select * from read_parquet('{out}/runs/**/*.parquet')")
con.execute(f"""create view latest as
    select case_id, max(run_id) as run_id from read_parquet('{out}/cases/**/*.parquet')
    where run_id in (select run_id from runs) group by case_id""")
# A claim's decision trace names its run and settings hash, and its BM25 scores
# depend on the batch's index: blanked, like run_id.
TRACE = """* exclude (run_id, schema_version, trace), regexp_replace(
    regexp_replace(trace, '"(run_id|settings_hash)":"[^"]*"', '"\\1":""', 'g'),
    '"search_score":[-0-9.e]+', '"search_score":0', 'g') as trace"""
for table in ["documents", "pages", "summaries", "claims", "criteria", "cases"]:
    cols = TRACE if table == "claims" else "* exclude (run_id, schema_version)"
    rows = con.execute(f"""
        select {cols} from read_parquet('{out}/{table}/**/*.parquet', hive_partitioning = false) t
        where (t.case_id, t.run_id) in (select (case_id, run_id) from latest)
    """).fetchall()
    for r in sorted(map(repr, rows)):
        print(table, r)
