#!/usr/bin/env python3
"""Compare two output folders of `priorauth run` for a refactor: every parquet table, the
terminal table, the audit log's case list and the review pages must be the same, apart from
run ids and times.

    compare.py OLD_OUT NEW_OUT OLD_TERMINAL NEW_TERMINAL

Prints what differs (at most a few rows per table) and exits 1, or prints nothing and exits 0.
Reads parquet with pyarrow, never with our own reader.
"""
import glob
import json
import os
import re
import sys

import pyarrow.parquet as pq

# `YYYYMMDDTHHMMSSZ-xxxx`, also inside file names and links (`part-<run>-b0001`).
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-z]+")
# Wall-clock instants written by the run itself (ISO or "YYYY-MM-DD HH:MM[:SS] UTC").
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| UTC)?")

# Columns that hold the run's identity, its clock or its timings: they differ on every run.
VOLATILE = {
    "run_id",
    "started_at",
    "finished_at",
    "reviewed_at",
}
VOLATILE_SUFFIX = ("_seconds", "_secs", "_ms", "_s", "_us_elapsed")


def volatile(table, name):
    return name in VOLATILE or name.endswith(VOLATILE_SUFFIX)


def norm(value):
    if isinstance(value, str):
        return RUN_ID.sub("<run>", value)
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [norm(v) for v in value]
    return value


def table_names(out):
    names = set()
    for d in sorted(os.listdir(out)):
        if glob.glob(os.path.join(out, d, "**", "*.parquet"), recursive=True):
            names.add(d)
    return names


def read_table(out, table):
    files = sorted(glob.glob(os.path.join(out, table, "**", "*.parquet"), recursive=True))
    schema = None
    rows = []
    for f in files:
        t = pq.read_table(f)
        keep = [n for n in t.schema.names if not volatile(table, n)]
        s = [(n, str(t.schema.field(n).type)) for n in t.schema.names]
        if schema is None:
            schema = s
        elif schema != s:
            return s, None, f"files of {table} disagree on their schema"
        for row in t.select(keep).to_pylist():
            rows.append(json.dumps(norm(row), sort_keys=True, default=str))
    return schema, sorted(rows), None


def compare_tables(old, new, problems):
    a, b = table_names(old), table_names(new)
    if a != b:
        problems.append(f"tables: only before {sorted(a - b)}, only after {sorted(b - a)}")
    for table in sorted(a & b):
        sa, ra, ea = read_table(old, table)
        sb, rb, eb = read_table(new, table)
        for e in (ea, eb):
            if e:
                problems.append(e)
        if sa != sb:
            problems.append(f"{table}: schema differs\n  before {sa}\n  after  {sb}")
            continue
        if ra != rb:
            only_a = sorted(set(ra) - set(rb))
            only_b = sorted(set(rb) - set(ra))
            msg = f"{table}: {len(ra)} rows before, {len(rb)} after; {len(only_a)} only before, {len(only_b)} only after"
            for r in only_a[:3]:
                msg += f"\n  - {r[:600]}"
            for r in only_b[:3]:
                msg += f"\n  + {r[:600]}"
            problems.append(msg)


def audit_cases(out):
    """The audit log's entries without their run, time and chain fields."""
    entries = []
    for path in sorted(glob.glob(os.path.join(out, "audit*"))):
        if os.path.isdir(path):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                e = json.loads(line)
                keep = {
                    k: v
                    for k, v in e.items()
                    if k not in VOLATILE
                    and not k.endswith(VOLATILE_SUFFIX)
                    and not k.endswith("_us")
                    # The manifest holds run ids, so its hash differs; compare_manifests
                    # compares the manifests themselves.
                    and k not in ("manifest_sha256", "prev", "hash", "host", "user", "pid")
                }
                entries.append(json.dumps(norm(keep), sort_keys=True))
    return entries


def compare_audit(old, new, problems):
    a, b = audit_cases(old), audit_cases(new)
    if a != b:
        problems.append(f"audit: {len(a)} entries before, {len(b)} after\n  - {a[:1]}\n  + {b[:1]}"[:2000])


def manifests(out):
    """Each run's manifest: the files it wrote (run ids masked) with their row counts, in run order.
    Bytes and hashes are left out: a parquet file holds its run id."""
    found = []
    for path in sorted(glob.glob(os.path.join(out, "manifests", "*.json"))):
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
        files = sorted((RUN_ID.sub("<run>", x["path"]), x.get("rows")) for x in m.get("files", []))
        found.append({"shard": m.get("shard"), "files": files})
    return found


def compare_manifests(old, new, problems):
    a, b = manifests(old), manifests(new)
    if a != b:
        problems.append(f"manifests differ:\n  - {str(a)[:800]}\n  + {str(b)[:800]}")


def page_text(path):
    with open(path, encoding="utf-8") as f:
        return INSTANT.sub("<time>", RUN_ID.sub("<run>", f.read()))


def compare_pages(old, new, problems):
    def pages(out):
        root = os.path.join(out, "review")
        found = {}
        for p in glob.glob(os.path.join(root, "**", "*.html"), recursive=True):
            found[RUN_ID.sub("<run>", os.path.relpath(p, root))] = p
        return found

    a, b = pages(old), pages(new)
    if set(a) != set(b):
        problems.append(f"review pages: only before {sorted(set(a) - set(b))[:5]}, only after {sorted(set(b) - set(a))[:5]}")
    n = 0
    for name in sorted(set(a) & set(b)):
        ta, tb = page_text(a[name]), page_text(b[name])
        if ta != tb:
            n += 1
            if n <= 3:
                i = next(i for i, (x, y) in enumerate(zip(ta + "\0", tb + "\1")) if x != y)
                problems.append(f"review page {name} differs at char {i}:\n  - {ta[max(0, i - 80):i + 120]!r}\n  + {tb[max(0, i - 80):i + 120]!r}")
    if n > 3:
        problems.append(f"... {n} review pages differ in all")


# Timings and sizes in the terminal report ("12.3 s", "45 pages/s", "113 MiB").
TIMING = re.compile(r"\d+(\.\d+)?\s*(s|ms|pages/s|docs/s|MiB|MB|KiB|%)\b")


def terminal(path, out):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = RUN_ID.sub("<run>", f.read().replace(out, "<out>"))
    text = INSTANT.sub("<time>", text)
    lines = []
    for line in text.splitlines():
        if "seconds" in line:  # the stage timings
            line = re.sub(r"\d+\.\d+", "<t>", line)
        lines.append(TIMING.sub("<t>", line).rstrip())
    return lines


def compare_terminal(old, new, old_out, new_out, problems):
    a, b = terminal(old, old_out), terminal(new, new_out)
    if a != b:
        diff = [f"  - {x}\n  + {y}" for x, y in zip(a, b) if x != y][:5]
        problems.append(f"terminal: {len(a)} lines before, {len(b)} after\n" + "\n".join(diff))


def main():
    old, new, old_term, new_term = sys.argv[1:5]
    problems = []
    compare_tables(old, new, problems)
    compare_audit(old, new, problems)
    compare_pages(old, new, problems)
    compare_manifests(old, new, problems)
    compare_terminal(old_term, new_term, old, new, problems)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
