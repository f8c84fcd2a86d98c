#!/usr/bin/env python3
"""Validate a priorauth FHIR export with fhir.resources (R4B models, which
agree with R4 for Bundle, QuestionnaireResponse and Provenance), and check that
every source span's quote equals the page text at its offsets.

    python3 tests/py/fhir_check.py BUNDLE.json OUT CASE_ID
"""
import json
import sys

import duckdb
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

SPAN = "https://priorauth.example.org/fhir/StructureDefinition/source-span"


def spans(node):
    if isinstance(node, dict):
        if node.get("url") == SPAN:
            yield {e["url"]: next(v for k, v in e.items() if k.startswith("value")) for e in node["extension"]}
        for v in node.values():
            yield from spans(v)
    elif isinstance(node, list):
        for v in node:
            yield from spans(v)


def main():
    bundle = json.load(open(sys.argv[1]))
    out, case = sys.argv[2], sys.argv[3]
    Bundle.model_validate(bundle)
    kinds = {}
    for e in bundle["entry"]:
        r = e["resource"]
        model = {"QuestionnaireResponse": QuestionnaireResponse, "Provenance": Provenance}[r["resourceType"]]
        model.model_validate(r)
        kinds[r["resourceType"]] = kinds.get(r["resourceType"], 0) + 1
    # The validator is real: a resource missing a required element fails.
    broken = dict(bundle["entry"][0]["resource"])
    del broken["status"]
    try:
        QuestionnaireResponse.model_validate(broken)
        rejected = False
    except Exception:
        rejected = True
    con = duckdb.connect()
    con.execute(f"create view pages as select * from read_parquet('{out}/pages/**/*.parquet')")
    latest = con.execute(f"select max(run_id) from pages where case_id = '{case}'").fetchone()[0]
    bad = 0
    n = 0
    for s in spans(bundle):
        n += 1
        text = con.execute(
            "select text from pages where run_id = ? and case_id = ? and doc_id = ? and page = ?",
            [latest, case, s["document"], s["page"]],
        ).fetchone()[0]
        if text[s["start"]:s["end"]] != s["quote"]:
            bad += 1
    print(json.dumps({"resources": kinds, "spans": n, "bad_spans": bad, "broken_rejected": rejected}))


if __name__ == "__main__":
    main()
