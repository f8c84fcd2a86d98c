#!/usr/bin/env python3
"""Word recall of `priorauth run` output against the producer matrix sources.

    recall.py drop  DROP              symlink pdf/*.pdf into DROP/<producer>/<file>
                                      (one case per producer: its three sources)
    recall.py score OUT [--table]     score an output folder of `priorauth run`
    recall.py run   [--bin BIN] [--table]
                                      drop + `BIN run` (default
                                      target/release/priorauth) + score, in a
                                      temporary folder

`score` reads the latest run's `documents` and `pages` tables with DuckDB.
Each file is `<producer>__<source>.pdf`; its source text is
`src/<source>.txt`, and producers.tsv says whether it is a text-layer file
or a scan. Words are lowercase runs of letters and digits; the recall of a
document is sum over source words of min(count in source, count in output)
divided by the number of source words (bag of words: order and extra words do
not count). Prints one JSON object on stdout:

    {"documents": [{"file_name", "case_id", "producer", "source", "kind",
                    "status", "status_reason", "text_source", "pages",
                    "source_words", "recall", "missing": [most-missed words]}],
     "producers": {"<producer>": {"kind", "documents", "mean", "min"}}}

`--table` also prints a per-producer table on stderr.
"""

import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORD = re.compile(r"[^\W_]+")


def words(text):
    return collections.Counter(w.lower() for w in WORD.findall(text))


def recall(source, output):
    """(recall, most-missed words) of bag `output` against bag `source`."""
    total = sum(source.values())
    hit = sum(min(n, output[w]) for w, n in source.items())
    missing = collections.Counter(
        {w: n - output[w] for w, n in source.items() if output[w] < n}
    )
    return (hit / total if total else 1.0), [w for w, _ in missing.most_common(12)]


def split_name(file_name):
    stem = os.path.splitext(file_name)[0]
    producer, _, source = stem.partition("__")
    return producer, source


def kinds():
    with open(os.path.join(HERE, "producers.tsv"), newline="") as f:
        return {r["file"]: r["kind"] for r in csv.DictReader(f, delimiter="\t")}


def make_drop(drop):
    """DROP/<producer>/<producer>__<source>.pdf, as symlinks."""
    pdf = os.path.join(HERE, "pdf")
    n = 0
    for name in sorted(os.listdir(pdf)):
        if not name.endswith(".pdf"):
            continue
        case = os.path.join(drop, split_name(name)[0])
        os.makedirs(case, exist_ok=True)
        os.symlink(os.path.join(pdf, name), os.path.join(case, name))
        n += 1
    return n


def score(out):
    import duckdb

    con = duckdb.connect()
    docs = os.path.join(out, "documents", "**", "*.parquet")
    pages = os.path.join(out, "pages", "**", "*.parquet")
    run_id = con.execute(
        f"select max(run_id) from read_parquet('{docs}', hive_partitioning = true)"
    ).fetchone()[0]
    rows = con.execute(
        f"""
        select d.case_id, d.doc_id, d.file_name, d.status, d.status_reason,
               d.text_source,
               coalesce(string_agg(p.text, '\n' order by p.page), ''),
               count(p.page)
        from read_parquet('{docs}', hive_partitioning = true) d
        left join read_parquet('{pages}', hive_partitioning = true) p
          on p.run_id = d.run_id and p.case_id = d.case_id and p.doc_id = d.doc_id
        where d.run_id = ?
        group by all
        order by d.file_name
        """,
        [run_id],
    ).fetchall()
    kind_of = kinds()
    sources = {}
    documents = []
    for case_id, _doc_id, file_name, status, reason, text_source, text, n in rows:
        producer, source = split_name(file_name)
        if source not in sources:
            with open(os.path.join(HERE, "src", source + ".txt"), encoding="utf-8") as f:
                sources[source] = words(f.read())
        r, missing = recall(sources[source], words(text))
        documents.append(
            {
                "file_name": file_name,
                "case_id": case_id,
                "producer": producer,
                "source": source,
                "kind": kind_of.get(file_name, "unknown"),
                "status": status,
                "status_reason": reason,
                "text_source": text_source,
                "pages": n,
                "source_words": sum(sources[source].values()),
                "recall": round(r, 4),
                "missing": missing,
            }
        )
    by = collections.defaultdict(list)
    for d in documents:
        by[d["producer"]].append(d)
    producers = {
        p: {
            "kind": ds[0]["kind"],
            "documents": len(ds),
            "mean": round(sum(d["recall"] for d in ds) / len(ds), 4),
            "min": min(d["recall"] for d in ds),
        }
        for p, ds in sorted(by.items())
    }
    return {"run_id": run_id, "documents": documents, "producers": producers}


def table(report, file=sys.stderr):
    print(f"{'producer':<20} {'kind':<5} {'docs':>4} {'mean':>7} {'min':>7}  statuses", file=file)
    for p, s in report["producers"].items():
        st = collections.Counter(
            d["status"] if d["status"] == "ok" else f"{d['status']}:{d['status_reason']}"
            for d in report["documents"]
            if d["producer"] == p
        )
        sts = ", ".join(f"{k} x{v}" for k, v in sorted(st.items()))
        print(f"{p:<20} {s['kind']:<5} {s['documents']:>4} {s['mean']:>7.4f} {s['min']:>7.4f}  {sts}", file=file)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("drop")
    d.add_argument("drop")
    s = sub.add_parser("score")
    s.add_argument("out")
    s.add_argument("--table", action="store_true")
    r = sub.add_parser("run")
    r.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "priorauth"))
    r.add_argument("--table", action="store_true")
    a = ap.parse_args()
    if a.cmd == "drop":
        print(make_drop(a.drop), "files", file=sys.stderr)
        return
    if a.cmd == "score":
        report = score(a.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            drop, out = os.path.join(tmp, "drop"), os.path.join(tmp, "out")
            make_drop(drop)
            p = subprocess.run([a.bin, "run", "--drop", drop, "--out", out],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode not in (0, 2):  # 2: finished with quarantined documents
                sys.exit(f"priorauth run exited {p.returncode}:\n{p.stderr[-4000:]}")
            report = score(out)
    print(json.dumps(report, indent=1))
    if a.table:
        table(report)


if __name__ == "__main__":
    main()
