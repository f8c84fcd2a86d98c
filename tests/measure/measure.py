#!/usr/bin/env python3
"""Measure priorauth on labelled drop folders (gold.json per case, see ../shared/gold-format.md).

For each set: run `priorauth run --drop DROP --out OUT --force` (exit 0 or 2), or read an existing
output folder (--existing), take the latest run per case, and report
  - document kind accuracy against gold documents[].kind (by file stem), with a confusion list;
  - bag-of-words recall of our page text against the plain sources in src/<case>/<stem>.txt,
    per PDF producer (producers.tsv), and the `ok` documents with recall < 0.9;
  - claim detection recall, flag recall, contradiction recall, false-flag rate;
  - requested service found / matching the gold code;
  - FORM FIELDS lines in the page text (the autoauth set has no gold: service and form fields only).
Prints markdown (one compact table per set, then details) and writes a JSON file with everything.
Output is deterministic: sorted, rounded, no run ids or timestamps.

Usage:
  measure.py SET [SET ...] [--out-root /tmp] [--existing] [--bin target/release/priorauth]
             [--json FILE] [--md FILE]
  SET is a known name (sample_docs, tune, check, autoauth) or NAME=DROP_PATH (optionally
  NAME=DROP_PATH@OUT_PATH to read/write a given output folder).
`check` is held out: its figures are reported, but per-claim anchors and miss reasons are not.
"""

import argparse
import collections
import csv
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import duckdb

REPO = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CORPUS = os.environ.get("PRIORAUTH_CORPUS", os.path.join(os.path.dirname(REPO), "shared", "corpus"))
SETS = {
    "sample_docs": os.path.join(REPO, "sample_docs"),
    "tune": os.path.join(CORPUS, "cases-dev", "tune"),
    "check": os.path.join(CORPUS, "cases-dev", "check"),
    "autoauth": os.path.join(CORPUS, "external", "autoauth", "drop"),
    # Written for this repository by a helper that never saw the checker (tests/cases-own/README.md).
    "own": os.path.join(REPO, "tests", "cases-own", "drop"),
    # A second such set, written in session 11 and first measured unseen (tests/cases-own2/README.md).
    "own2": os.path.join(REPO, "tests", "cases-own2", "drop"),
    # A third, written in session 14 by a helper that never saw the checker; measured unseen first.
    "own3": os.path.join(REPO, "tests", "cases-own3", "drop"),
    "own4": os.path.join(REPO, "tests", "cases-own4", "drop"),
    "own5": os.path.join(REPO, "tests", "cases-own5", "drop"),
    "own6": os.path.join(REPO, "tests", "cases-own6", "drop"),
    "own7": os.path.join(REPO, "tests", "cases-own7", "drop"),
    "own8": os.path.join(REPO, "tests", "cases-own8", "drop"),
    "own9": os.path.join(REPO, "tests", "cases-own9", "drop"),
    "own10": os.path.join(REPO, "tests", "cases-own10", "drop"),
    "own11": os.path.join(REPO, "tests", "cases-own11", "drop"),
    "own12": os.path.join(REPO, "tests", "cases-own12", "drop"),
    "own13": os.path.join(REPO, "tests", "cases-own13", "drop"),
    "own14": os.path.join(REPO, "tests", "cases-own14", "drop"),
    "own15": os.path.join(REPO, "tests", "cases-own15", "drop"),
    # Written blind in session 29 (tests/cases-own16/README.md); measured unseen first.
    "own16": os.path.join(REPO, "tests", "cases-own16", "drop"),
    # Written blind in session 37 by two helpers at once (tests/cases-own17/README.md,
    # tests/cases-own18/README.md); both measured unseen first, own18 held out since.
    "own17": os.path.join(REPO, "tests", "cases-own17", "drop"),
    "own18": os.path.join(REPO, "tests", "cases-own18", "drop"),
    # Written blind in session 38 by two helpers at once (tests/cases-own19/README.md,
    # tests/cases-own20/README.md); both measured unseen first.
    "own19": os.path.join(REPO, "tests", "cases-own19", "drop"),
    "own20": os.path.join(REPO, "tests", "cases-own20", "drop"),
}
HOLDOUT = {"check"}
ASSERTION_KINDS = {"lmn", "request_form"}
TOKEN = re.compile(r"[^\W_]+")


# ---------------------------------------------------------------- text helpers

def tokens(s):
    return TOKEN.findall((s or "").lower())


def r4(x):
    return None if x is None else round(float(x), 4)


def ratio(hit, of):
    return {"hit": hit, "of": of, "value": r4(hit / of) if of else None}


def fmt_ratio(d):
    if not d["of"]:
        return f"{d['hit']}/0"
    return f"{d['hit']}/{d['of']} ({d['value']:.2f})"


def lcs_len(a, b):
    """Length of the longest common subsequence of two token lists."""
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def contains_seq(hay, needle):
    n = len(needle)
    return n > 0 and any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


def anchor_match(anchor_toks, text_toks):
    """Score how well a text holds an anchor: (kind, score).

    kind: 'exact' (contiguous token sequence, or the same characters once spaces are dropped:
    OCR splits and joins words), 'ordered' (>= 80% of the anchor's words in order), 'set'
    (>= 80% of them as a multiset), or None; score in [0, 1]."""
    if not anchor_toks or not text_toks:
        return None, 0.0
    if contains_seq(text_toks, anchor_toks) or "".join(anchor_toks) in "".join(text_toks):
        return "exact", 1.0
    n = len(anchor_toks)
    ordered = lcs_len(anchor_toks, text_toks) / n
    have = collections.Counter(text_toks)
    want = collections.Counter(anchor_toks)
    as_set = sum(min(c, have[w]) for w, c in want.items()) / n
    if ordered >= 0.8:
        return "ordered", ordered
    if as_set >= 0.8:
        return "set", as_set
    return None, max(ordered, as_set)


def anchor_in_text(anchor_toks, text_toks):
    """Where a long text (a whole document) holds the anchor: 'exact', 'ordered' (>= 80% of its
    words in order within a window twice the anchor's length), 'scattered' (>= 80% present
    somewhere, not together: reading order), or None."""
    if not anchor_toks or not text_toks:
        return None
    if contains_seq(text_toks, anchor_toks) or "".join(anchor_toks) in "".join(text_toks):
        return "exact"
    n = len(anchor_toks)
    first = set(anchor_toks)
    for i, t in enumerate(text_toks):
        if t in first and lcs_len(anchor_toks, text_toks[i:i + 2 * n]) >= 0.8 * n:
            return "ordered"
    have = collections.Counter(text_toks)
    want = collections.Counter(anchor_toks)
    if sum(min(c, have[w]) for w, c in want.items()) >= 0.8 * n:
        return "scattered"
    return None


def word_recall(src_text, ours_text):
    src = collections.Counter(tokens(src_text))
    ours = collections.Counter(tokens(ours_text))
    total = sum(src.values())
    if not total:
        return None
    return sum(min(c, ours[w]) for w, c in src.items()) / total


FORM_FIELDS = re.compile(r"(?m)^[ \t]*FORM FIELDS[ \t]*$")


def form_field_lines(page_text):
    """Non-empty lines under a page's FORM FIELDS heading (the filled AcroForm values)."""
    n = 0
    for part in FORM_FIELDS.split(page_text or "")[1:]:
        n += sum(1 for line in part.split("\n") if line.strip())
    return n


# ---------------------------------------------------------------- service codes

NDC = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")
CODE_SHAPE = re.compile(r"^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$")


def norm_code(s):
    """Normalized code: NDCs as 11 digits (5-4-2), CPT/HCPCS without modifiers, else
    uppercase letters and digits."""
    if s is None:
        return None
    s = s.strip().upper()
    s = re.sub(r"^(NDC|CPT|HCPCS)[\s:#]*", "", s).strip()
    m = NDC.match(s)
    if m:
        a, b, c = m.groups()
        if len(a) + len(b) + len(c) == 10:
            return a.zfill(5) + b.zfill(4) + c.zfill(2)
        return a + b + c
    m = re.match(r"^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})(-[0-9A-Z]{2})*$", s)
    if m:
        return m.group(1)
    return re.sub(r"[^0-9A-Z]", "", s)


DESC_STOP = {"a", "an", "the", "and", "or", "of", "for", "with", "to", "in", "on", "at", "by", "no", "code",
             "cpt", "hcpcs", "packet", "initial", "admission", "after", "mg", "daily", "weeks", "week"}


def service_matches(ours_code, ours_desc, gold_service):
    """Does our requested service match the gold one? A gold code must equal ours once
    normalized; a drug named instead of a code matches when its words are in the gold
    description. A null gold code: our drug's words must be in the gold description, or
    our code-less description must share a third of its words."""
    gold_code = (gold_service or {}).get("code")
    gold_desc = set(tokens((gold_service or {}).get("description"))) - DESC_STOP
    if ours_code is None:
        # A service named without a code ("Service: ... PRTF admission") matches a
        # gold service without a code when it shares a third of its words.
        mine = set(tokens(ours_desc)) - DESC_STOP
        # (An acronym of the gold's words counts as those words: "snf", "skilled nursing facility".)
        words = tokens((gold_service or {}).get("description"))
        acronyms = {"".join(w[0] for w in words[i:i + n]) for n in (2, 3, 4) for i in range(len(words) - n + 1)}
        hit = len(mine & gold_desc) + 3 * len(mine & acronyms)
        return gold_code is None and bool(gold_desc) and hit >= max(1, len(gold_desc) / 3)
    if gold_code is None:
        # A drug or code against a gold service without a code: its words must be in
        # the gold description (an SNF admission is not its antibiotic).
        name = [t for t in tokens(ours_code) if not t.isdigit()]
        return bool(name) and all(t in gold_desc for t in name)
    if norm_code(ours_code) == norm_code(gold_code):
        return True
    name = [t for t in tokens(ours_code) if not t.isdigit()]
    if name and not CODE_SHAPE.match(ours_code.strip().upper()):
        desc = set(tokens((gold_service or {}).get("description")))
        return all(t in desc for t in name)
    return False


# ---------------------------------------------------------------- producers

def producer_group(row):
    """A short name for the tool that made a PDF (producers.tsv row)."""
    producer = (row.get("producer") or "").strip()
    fonts = (row.get("fonts") or "").strip()
    if fonts == "0":
        return "image scan" + (f" ({producer.split()[0]})" if producer else "")
    if not producer:
        return "fpdf2"
    if "Ghostscript" in producer:
        return "Ghostscript (enscript)"
    if "Skia" in producer:
        return "Chromium (Skia)"
    if "ReportLab" in producer:
        return "ReportLab"
    return producer


def load_producers(drop):
    for p in (os.path.join(drop, "producers.tsv"), os.path.join(os.path.dirname(drop), "producers.tsv")):
        if os.path.isfile(p):
            with open(p, newline="") as f:
                rows = list(csv.DictReader(f, delimiter="\t"))
            return {(r["case"], r["file"]): r for r in rows}
    return {}


def find_src_root(drop):
    for p in (os.path.join(drop, "src"), os.path.join(os.path.dirname(drop), "src")):
        if os.path.isdir(p):
            return p
    return None


# ---------------------------------------------------------------- reading the output

def read_table(con, out, table, runs):
    files = sorted(glob.glob(os.path.join(out, table, "**", "*.parquet"), recursive=True))
    if not files:
        return []
    rel = con.sql(
        "select * from read_parquet($files, hive_partitioning = true, union_by_name = true)",
        params={"files": files},
    )
    cols = rel.columns
    rows = [dict(zip(cols, r)) for r in rel.fetchall()]
    return [r for r in rows if (r["run_id"], r["case_id"]) in runs]


def latest_runs(con, out):
    """(run_id, case_id) of the latest finished run holding each case."""
    run_files = sorted(glob.glob(os.path.join(out, "runs", "**", "*.parquet"), recursive=True))
    case_files = sorted(glob.glob(os.path.join(out, "cases", "**", "*.parquet"), recursive=True))
    if not run_files or not case_files:
        return {}
    finished = {r[0] for r in con.sql("select run_id from read_parquet($f)", params={"f": run_files}).fetchall()}
    latest = {}
    for run_id, case_id in con.sql(
        "select run_id, case_id from read_parquet($f, hive_partitioning = true)", params={"f": case_files}
    ).fetchall():
        if run_id in finished and (case_id not in latest or run_id > latest[case_id]):
            latest[case_id] = run_id
    return latest


def run_priorauth(binary, drop, out):
    os.makedirs(os.path.dirname(os.path.abspath(out)) or ".", exist_ok=True)
    cmd = [binary, "run", "--drop", drop, "--out", out, "--force", "-q"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 2):
        sys.stderr.write(p.stderr.decode(errors="replace")[-4000:])
        raise SystemExit(f"priorauth run failed with exit {p.returncode}: {' '.join(cmd)}")
    return p.returncode


# ---------------------------------------------------------------- measuring one set

def miss_reason(gc, doc, doc_text_toks, doc_claims, anchor_toks):
    if doc is None:
        return "source document not in output"
    if doc["status"] != "ok":
        return f"source {doc['status']}: {doc['status_reason']}"
    if not doc_text_toks:
        return "source has no text"
    where = anchor_in_text(anchor_toks, doc_text_toks)
    if where is None:
        return "anchor not in extracted text"
    if doc["kind"] not in ASSERTION_KINDS:
        return f"source kind {doc['kind']} (letter/form not recognized)"
    if where == "scattered":
        return "anchor words out of order in text (reading order)"
    if not doc_claims:
        return "no claims taken from the letter/form"
    best = max((anchor_match(anchor_toks, tokens(k["text"]))[1] for k in doc_claims), default=0.0)
    if best >= 0.5:
        return "partial: claim sentence cut differently"
    return "sentence not taken as a claim"


def measure_set(name, drop, out, binary, existing):
    drop = os.path.realpath(drop)
    rc = None
    if not existing:
        rc = run_priorauth(binary, drop, out)
    con = duckdb.connect()
    latest = latest_runs(con, out)
    runs = {(run_id, case_id) for case_id, run_id in latest.items()}
    documents = read_table(con, out, "documents", runs)
    pages = read_table(con, out, "pages", runs)
    claims = read_table(con, out, "claims", runs)
    cases_rows = {r["case_id"]: r for r in read_table(con, out, "cases", runs)}

    producers = load_producers(drop)
    src_root = find_src_root(drop)
    holdout = name in HOLDOUT

    case_ids = sorted(d for d in os.listdir(drop) if os.path.isdir(os.path.join(drop, d)) and d != "src")
    docs_by_case = collections.defaultdict(dict)
    for d in documents:
        docs_by_case[d["case_id"]][d["doc_id"]] = d
    text_by_doc = collections.defaultdict(list)
    for p in sorted(pages, key=lambda p: (p["case_id"], p["doc_id"], p["page"])):
        text_by_doc[(p["case_id"], p["doc_id"])].append(p["text"] or "")
    claims_by_case = collections.defaultdict(list)
    for k in sorted(claims, key=lambda k: (k["case_id"], k["doc_id"], k["page"], k["start"], k["claim_id"])):
        claims_by_case[k["case_id"]].append(k)

    res_cases = []
    confusion = collections.defaultdict(list)
    recall_rows = []
    outcomes = []
    for cid in case_ids:
        gold_path = os.path.join(drop, cid, "gold.json")
        gold = json.load(open(gold_path)) if os.path.isfile(gold_path) else None
        docs = docs_by_case.get(cid, {})
        row = cases_rows.get(cid)
        c = {"case_id": cid, "in_output": row is not None, "labelled": gold is not None}

        # documents: kind, status, form fields, word recall
        doc_out = []
        ff_pages = ff_lines = 0
        for doc_id in sorted(docs):
            d = docs[doc_id]
            pages_text = text_by_doc.get((cid, doc_id), [])
            n = sum(form_field_lines(t) for t in pages_text)
            ff_pages += sum(1 for t in pages_text if FORM_FIELDS.search(t))
            ff_lines += n
            prod = producers.get((cid, d["file_name"]))
            e = {
                "doc_id": doc_id,
                "file_name": d["file_name"],
                "kind": d["kind"],
                "status": d["status"],
                "status_reason": d["status_reason"],
                "text_source": d["text_source"],
                "n_pages": d["n_pages"],
                "form_field_lines": n,
                "n_chars": sum(len(t) for t in pages_text),
                "producer": producer_group(prod) if prod else None,
            }
            if src_root:
                sp = os.path.join(src_root, cid, doc_id + ".txt")
                if os.path.isfile(sp):
                    with open(sp, encoding="utf-8", errors="replace") as f:
                        rec = word_recall(f.read(), "\n".join(pages_text))
                    e["word_recall"] = r4(rec)
                    if rec is not None:
                        recall_rows.append((e["producer"] or "unknown", cid, doc_id, d["status"], rec))
            doc_out.append(e)
        c["documents"] = doc_out
        c["form_fields"] = {"pages": ff_pages, "lines": ff_lines}
        c["n_quarantined"] = sum(1 for d in docs.values() if d["status"] == "quarantined")

        # service
        code = row["service_code"] if row else None
        desc = row["service_description"] if row else None
        drug = row.get("service_drug") if row else None
        ours = code or drug
        # A service named without a code or a drug ("Level of care requested: SNF") is found too.
        c["service"] = {"ours": ours, "ours_description": (desc or "")[:60] or None,
                        "found": ours is not None or bool(desc)}
        if drug:
            c["service"]["drug"] = drug
        if gold:
            c["service"]["gold"] = gold.get("service", {}).get("code")
            # A code must match the gold code; failing that, a drug whose name is in the gold description.
            c["service"]["matches_gold"] = service_matches(code, desc, gold.get("service")) or (
                drug is not None and service_matches(drug, desc, gold.get("service")))

        kc = collections.Counter(k["status"] for k in claims_by_case.get(cid, []))
        c["claims_produced"] = {s: kc.get(s, 0) for s in ("supported", "unsupported", "contradicted")}

        if gold:
            # kinds
            kh = 0
            kinds = []
            for gd in gold.get("documents", []):
                stem = gd["file"]
                d = docs.get(stem) or next(
                    (x for x in docs.values() if os.path.splitext(x["file_name"])[0] == stem), None)
                ours = d["kind"] if d else "missing"
                ok = ours == gd["kind"]
                kh += ok
                prod = producers.get((cid, d["file_name"])) if d else None
                kinds.append({"file": stem, "gold": gd["kind"], "ours": ours, "ok": ok,
                              "producer": producer_group(prod) if prod else None})
                if not ok:
                    confusion[(gd["kind"], ours)].append(f"{cid}/{stem}")
            c["kinds"] = kinds
            c["kind_accuracy"] = ratio(kh, len(kinds))

            # claims
            case_claims = claims_by_case.get(cid, [])
            claim_toks = [(k, tokens(k["text"])) for k in case_claims]
            det = flag = contra = ff = ff_found = 0
            n_claim = n_flag = n_contra = n_sup = n_sup_found = 0
            nac_supported = 0
            for gc in gold.get("claims", []):
                a = tokens(gc["anchor"])
                best = None
                for k, kt in claim_toks:
                    kind, score = anchor_match(a, kt)
                    if kind is None:
                        continue
                    key = (k["doc_id"] == gc["source_file"], score, kind == "exact")
                    if best is None or key > best[0]:
                        best = (key, k, kind)
                got = best[1]["status"] if best else "missed"
                o = {
                    "case_id": cid,
                    "id": gc["id"],
                    "expected": gc["expected"],
                    "got": got,
                    "match": best[2] if best else None,
                    "same_doc": best[0][0] if best else None,
                    "claim_id": best[1]["claim_id"] if best else None,
                }
                exp = gc["expected"]
                if exp == "not_a_claim":
                    nac_supported += got == "supported"
                else:
                    n_claim += 1
                    det += best is not None
                    if exp == "supported":
                        n_sup += 1
                        flagged = got in ("unsupported", "contradicted")
                        ff += flagged
                        if best:
                            n_sup_found += 1
                            ff_found += flagged
                    else:
                        n_flag += 1
                        flag += got in ("unsupported", "contradicted")
                        if exp == "contradicted":
                            n_contra += 1
                            contra += got == "contradicted"
                    if best is None:
                        d = docs.get(gc["source_file"])
                        dt = tokens("\n".join(text_by_doc.get((cid, gc["source_file"]), [])))
                        dc = [k for k in case_claims if k["doc_id"] == gc["source_file"]]
                        o["miss_reason"] = miss_reason(gc, d, dt, dc, a)
                if not holdout:
                    o["anchor"] = gc["anchor"]
                    o["source_file"] = gc["source_file"]
                    sd = docs.get(gc["source_file"])
                    o["source_kind"] = sd["kind"] if sd else None
                    sp = producers.get((cid, sd["file_name"])) if sd else None
                    o["source_producer"] = producer_group(sp) if sp else None
                outcomes.append(o)
            c["claim_detection_recall"] = ratio(det, n_claim)
            c["flag_recall"] = ratio(flag, n_flag)
            c["contradiction_recall"] = ratio(contra, n_contra)
            c["false_flag_rate"] = ratio(ff, n_sup)
            c["false_flag_rate_of_found"] = ratio(ff_found, n_sup_found)
            c["not_a_claim_supported"] = nac_supported
        res_cases.append(c)

    labelled = [c for c in res_cases if c["labelled"]]

    def total(key):
        return ratio(sum(c[key]["hit"] for c in labelled), sum(c[key]["of"] for c in labelled))

    summary = {
        "cases": len(res_cases),
        "cases_in_output": sum(c["in_output"] for c in res_cases),
        "documents": sum(len(c["documents"]) for c in res_cases),
        "quarantined": dict(sorted(collections.Counter(
            d["status_reason"] for c in res_cases for d in c["documents"] if d["status"] == "quarantined").items())),
        "service_found": ratio(sum(c["service"]["found"] for c in res_cases), len(res_cases)),
        "claims_produced": sum(sum(c["claims_produced"].values()) for c in res_cases),
        "form_field_lines": sum(c["form_fields"]["lines"] for c in res_cases),
        "form_field_pages": sum(c["form_fields"]["pages"] for c in res_cases),
    }
    if labelled:
        summary.update({
            "labelled_cases": len(labelled),
            "service_matches_gold": ratio(sum(c["service"]["matches_gold"] for c in labelled), len(labelled)),
            "kind_accuracy": total("kind_accuracy"),
            "claim_detection_recall": total("claim_detection_recall"),
            "flag_recall": total("flag_recall"),
            "contradiction_recall": total("contradiction_recall"),
            "false_flag_rate": total("false_flag_rate"),
            "false_flag_rate_of_found": total("false_flag_rate_of_found"),
            "not_a_claim_supported": sum(c["not_a_claim_supported"] for c in labelled),
        })
        summary["kind_confusion"] = [
            {"gold": g, "ours": o, "n": len(files), "files": sorted(files)}
            for (g, o), files in sorted(confusion.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        by_prod = collections.defaultdict(lambda: [0, 0])
        for c in labelled:
            for k in c["kinds"]:
                by_prod[k["producer"] or "unknown"][0] += k["ok"]
                by_prod[k["producer"] or "unknown"][1] += 1
        summary["kind_accuracy_by_producer"] = {p: ratio(h, n) for p, (h, n) in sorted(by_prod.items())}
        if not holdout:
            reasons = collections.Counter(o["miss_reason"] for o in outcomes if "miss_reason" in o)
            summary["miss_reasons"] = [{"reason": r, "n": n} for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))]
    if recall_rows:
        by = collections.defaultdict(list)
        for prod, cid, doc_id, status, rec in recall_rows:
            by[prod].append((rec, status, f"{cid}/{doc_id}"))
        allr = [r[4] for r in recall_rows]
        summary["word_recall"] = {
            "documents": len(allr),
            "mean": r4(sum(allr) / len(allr)),
            "min": r4(min(allr)),
            "ok_below_0_9": sum(1 for r in recall_rows if r[3] == "ok" and r[4] < 0.9),
            "ok_below_0_9_files": sorted(f"{r[1]}/{r[2]}" for r in recall_rows if r[3] == "ok" and r[4] < 0.9),
            "by_producer": {
                prod: {
                    "documents": len(v),
                    "mean": r4(sum(x[0] for x in v) / len(v)),
                    "min": r4(min(x[0] for x in v)),
                    "min_file": min(v)[2],
                    "ok_below_0_9": sum(1 for x in v if x[1] == "ok" and x[0] < 0.9),
                    "not_ok": sum(1 for x in v if x[1] != "ok"),
                }
                for prod, v in sorted(by.items())
            },
        }
    return {
        "set": name,
        "drop": drop,
        "holdout": holdout,
        "run_exit": rc,
        "summary": summary,
        "cases": res_cases,
        "claims": outcomes,
    }


# ---------------------------------------------------------------- markdown

def md_set(m):
    s = m["summary"]
    L = [f"### {m['set']} ({s['cases']} cases, {s['documents']} documents)", ""]
    L += ["| metric | value |", "|---|---|"]
    q = ", ".join(f"{k} {v}" for k, v in s["quarantined"].items()) or "none"
    L.append(f"| documents quarantined | {sum(s['quarantined'].values())} ({q}) |")
    if "kind_accuracy" in s:
        L.append(f"| document kind accuracy | {fmt_ratio(s['kind_accuracy'])} |")
    if "word_recall" in s:
        w = s["word_recall"]
        L.append(f"| word recall vs plain source: mean / min ({w['documents']} docs) | {w['mean']:.3f} / {w['min']:.3f} |")
        L.append(f"| `ok` documents with word recall < 0.9 | {w['ok_below_0_9']} |")
    if "claim_detection_recall" in s:
        L.append(f"| claims produced | {s['claims_produced']} |")
        L.append(f"| claim detection recall | {fmt_ratio(s['claim_detection_recall'])} |")
        L.append(f"| flag recall (unsupported + contradicted flagged) | {fmt_ratio(s['flag_recall'])} |")
        L.append(f"| contradiction recall | {fmt_ratio(s['contradiction_recall'])} |")
        L.append(f"| false-flag rate (all supported / of found) | {fmt_ratio(s['false_flag_rate'])} / {fmt_ratio(s['false_flag_rate_of_found'])} |")
        L.append(f"| not_a_claim came out supported | {s['not_a_claim_supported']} |")
    else:
        L.append(f"| claims produced | {s['claims_produced']} |")
    L.append(f"| requested service found | {fmt_ratio(s['service_found'])} |")
    if "service_matches_gold" in s:
        L.append(f"| requested service matches gold | {fmt_ratio(s['service_matches_gold'])} |")
    L.append(f"| FORM FIELDS lines (pages) | {s['form_field_lines']} ({s['form_field_pages']}) |")
    L.append("")

    if "word_recall" in s:
        kp = s.get("kind_accuracy_by_producer", {})
        L += ["| producer | docs | mean recall | min recall | ok < 0.9 | not ok | kind acc. |", "|---|---|---|---|---|---|---|"]
        for prod, v in s["word_recall"]["by_producer"].items():
            k = f"{kp[prod]['hit']}/{kp[prod]['of']}" if prod in kp else "-"
            L.append(f"| {prod} | {v['documents']} | {v['mean']:.3f} | {v['min']:.3f} | {v['ok_below_0_9']} | {v['not_ok']} | {k} |")
        L.append("")

    labelled = any(c["labelled"] for c in m["cases"])
    if labelled:
        L += ["| case | kinds | min word recall | claims found | flagged | contradicted | service ours / gold |",
              "|---|---|---|---|---|---|---|"]
    else:
        L += ["| case | docs | quarantined | text chars | kinds | claims (sup/unsup/contra) | FORM FIELDS lines | service ours |",
              "|---|---|---|---|---|---|---|---|"]
    for c in m["cases"]:
        sv = c["service"]
        if labelled and c["labelled"]:
            recs = [d["word_recall"] for d in c["documents"] if d.get("word_recall") is not None]
            mr = f"{min(recs):.2f}" if recs else "-"
            mark = "ok" if sv["matches_gold"] else ("found" if sv["found"] else "none")
            L.append(
                f"| {c['case_id']} | {c['kind_accuracy']['hit']}/{c['kind_accuracy']['of']} | {mr} | "
                f"{c['claim_detection_recall']['hit']}/{c['claim_detection_recall']['of']} | "
                f"{c['flag_recall']['hit']}/{c['flag_recall']['of']} | "
                f"{c['contradiction_recall']['hit']}/{c['contradiction_recall']['of']} | "
                f"{sv['ours'] or '-'} / {sv.get('gold') or 'null'} ({mark}) |")
        elif not labelled:
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(collections.Counter(d["kind"] for d in c["documents"]).items()))
            cp = c["claims_produced"]
            L.append(
                f"| {c['case_id']} | {len(c['documents'])} | {c['n_quarantined']} | "
                f"{sum(d['n_chars'] for d in c['documents'])} | {kinds} | "
                f"{cp['supported']}/{cp['unsupported']}/{cp['contradicted']} | {c['form_fields']['lines']} | "
                f"{sv['ours'] or '-'} |")
    L.append("")

    if s.get("kind_confusion"):
        L += ["| gold kind -> ours | n | files |", "|---|---|---|"]
        for k in s["kind_confusion"]:
            L.append(f"| {k['gold']} -> {k['ours']} | {k['n']} | {', '.join(k['files'])} |")
        L.append("")
    if s.get("miss_reasons"):
        L += ["| missed claims: reason | n |", "|---|---|"]
        for r in s["miss_reasons"]:
            L.append(f"| {r['reason']} | {r['n']} |")
        L.append("")
    return "\n".join(L)


def md_overview(results):
    L = ["| set | cases | kind acc. | word recall mean / min | claim det. | flag recall | contra. recall | false-flag | service found | service = gold |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for m in results:
        s = m["summary"]

        def g(k):
            return f"{s[k]['value']:.2f}" if k in s and s[k]["value"] is not None else "-"
        w = s.get("word_recall")
        wr = f"{w['mean']:.3f} / {w['min']:.3f}" if w else "-"
        L.append(f"| {m['set']} | {s['cases']} | {g('kind_accuracy')} | {wr} | {g('claim_detection_recall')} | "
                 f"{g('flag_recall')} | {g('contradiction_recall')} | {g('false_flag_rate')} | "
                 f"{s['service_found']['hit']}/{s['service_found']['of']} | "
                 f"{(str(s['service_matches_gold']['hit']) + '/' + str(s['service_matches_gold']['of'])) if 'service_matches_gold' in s else '-'} |")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="+", help="sample_docs, tune, check, autoauth, own, own2, own3, own4, own5, own6, own7, own8, own9, own10, own11, own12, own13, own14, own15, own16, own17, own18, own19, own20, all, or NAME=DROP[@OUT]")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "priorauth"))
    ap.add_argument("--out-root", default=tempfile.gettempdir(), help="output folders go to OUT_ROOT/measure-<set>")
    ap.add_argument("--existing", action="store_true", help="read the existing output folders, do not run")
    ap.add_argument("--json", help="write everything as JSON here (default OUT_ROOT/measure.json, or OUT_ROOT/measure-<set>.json for one set)")
    ap.add_argument("--md", help="also write the markdown here")
    args = ap.parse_args()

    specs = []
    for s in args.sets:
        if s == "all":
            specs += [(n, SETS[n], None) for n in ("sample_docs", "tune", "check", "autoauth", "own", "own2", "own3", "own4", "own5", "own6", "own7", "own8", "own9", "own10", "own11", "own12", "own13", "own14", "own15", "own16", "own17", "own18", "own19", "own20")]
        elif "=" in s:
            n, rest = s.split("=", 1)
            drop, _, out = rest.partition("@")
            specs.append((n, drop, out or None))
        elif s in SETS:
            specs.append((s, SETS[s], None))
        else:
            ap.error(f"unknown set {s!r}")
    results = []
    for name, drop, out in specs:
        if not os.path.isdir(drop):
            raise SystemExit(f"{name}: drop folder {drop} not found")
        out = out or os.path.join(args.out_root, f"measure-{name}")
        results.append(measure_set(name, drop, out, args.bin, args.existing))

    version = None
    try:
        version = subprocess.run([args.bin, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        pass
    md = ""
    if len(results) > 1:
        md += md_overview(results) + "\n"
    md += "\n".join(md_set(m) for m in results)
    sys.stdout.write(md)
    doc = {"priorauth": version, "sets": results}
    jpath = args.json or os.path.join(
        args.out_root, f"measure-{results[0]['set']}.json" if len(results) == 1 else "measure.json")
    with open(jpath, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    if args.md:
        with open(args.md, "w") as f:
            f.write(md)
    sys.stderr.write(f"json: {jpath}\n")


if __name__ == "__main__":
    main()
