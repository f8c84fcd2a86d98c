#!/usr/bin/env python3
"""Run every ```sql block of README.md against an output folder with DuckDB and
print the results as JSON (a list of {"sql", "columns", "rows"}).

    python3 tests/py/readme_queries.py README.md OUT
"""
import json
import re
import sys
from pathlib import Path

import duckdb


def main():
    readme = Path(sys.argv[1]).read_text()
    out = sys.argv[2].rstrip("/")
    results = []
    con = duckdb.connect()
    for sql in re.findall(r"```sql\n(.*?)```", readme, re.S):
        q = sql.replace("'output/", f"'{out}/")
        cur = con.execute(q)
        cols = [d[0] for d in cur.description]
        rows = [[str(v) if not isinstance(v, (int, float, bool, type(None))) else v for v in r] for r in cur.fetchall()]
        results.append({"sql": sql, "columns": cols, "rows": rows})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
