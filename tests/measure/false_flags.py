#!/usr/bin/env python3
"""List the supported-gold claims that came out flagged, to classify the checker's false flags.

Reads a set's measure JSON (written by measure.sh) and the run's claims table, and prints per
false flag: the case, the gold claim's anchor, our status and reason, and the gold evidence quotes.
Never pass the held-out set (`check`): its claims are not to be read.

Usage:
  bash tests/measure/measure.sh tune                 # writes /tmp/measure-tune.json, /tmp/measure-tune
  python3 tests/measure/false_flags.py tune [--out-root /tmp] [--expected supported|unsupported|contradicted]
"""

import argparse
import json
import os
import sys

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set")
    ap.add_argument("--out-root", default="/tmp")
    ap.add_argument("--expected", default="supported",
                    help="gold label to list the misses of (supported: false flags; "
                         "contradicted: every claim not called contradicted)")
    args = ap.parse_args()
    if args.set in measure.HOLDOUT:
        sys.exit(f"{args.set} is held out: its claims are not listed")
    out = os.path.join(args.out_root, f"measure-{args.set}")
    with open(os.path.join(args.out_root, f"measure-{args.set}.json")) as f:
        res = json.load(f)
    outcomes = next(s for s in res["sets"] if s["set"] == args.set)["claims"]
    con = duckdb.connect()
    runs = {(r, c) for c, r in measure.latest_runs(con, out).items()}
    claims = {(k["case_id"], k["claim_id"]): k for k in measure.read_table(con, out, "claims", runs)}
    drop = measure.SETS[args.set]
    n = 0
    for o in outcomes:
        if o["expected"] != args.expected:
            continue
        if args.expected == "supported":
            wrong = o["got"] != "supported"
        elif args.expected == "contradicted":
            wrong = o["got"] != "contradicted"
        else:
            wrong = o["got"] == "supported"
        if not wrong:
            continue
        n += 1
        with open(os.path.join(drop, o["case_id"], "gold.json")) as f:
            gold = {c["id"]: c for c in json.load(f)["claims"]}
        gc = gold[o["id"]]
        k = claims.get((o["case_id"], o["claim_id"]))
        print(f"## {o['case_id']} {o['id']} expected {o['expected']} got {o['got']}")
        print(f"  anchor: {gc['anchor']}")
        if k:
            print(f"  claim:  {' '.join(k['text'].split())}")
            print(f"  reason: {k['reason']}")
        else:
            print(f"  missed: {o.get('miss_reason')}")
        for e in gc.get("evidence", []):
            print(f"  gold evidence [{e['file']}]: {e['quote']}")
        if gc.get("note"):
            print(f"  note: {gc['note']}")
    print(f"\n{n} claims listed")


if __name__ == "__main__":
    main()
