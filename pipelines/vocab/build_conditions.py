#!/usr/bin/env python3
"""Rebuild pipelines/vocab/conditions.tsv: diseases and findings with their synonyms,
from ICD-10-CM.

Source: the ICD-10-CM tabular list (April 1, 2026 release) of the US National Center
for Health Statistics (CDC/NCHS) and CMS, a work of the US government in the public
domain, as shipped inside the PyPI package `simple-icd-10-cm` 1.5.0 (Stefano Travasci,
MIT license, copied to LICENSE.simple-icd-10-cm). Only the package's data file
`data/icd10c-tabular-April-1-2026.xml` is read; its code is not used.

Run (Python 3.9+, pip on PATH; downloads the pinned wheel, no dependency is installed):

    python3 pipelines/vocab/build_conditions.py [--wheel PATH]

A diagnosis code of the tabular list names one condition in several ways: its
description ("Pruritus, unspecified") and its inclusion terms ("Itch NOS"). Those
names are what this file keeps, as groups of synonyms:

1. Chapters A-R only (diseases, and symptoms and abnormal findings): injuries (S-T),
   external causes (V-Y) and encounters (Z) are events, not conditions a note names.
2. A name is cleaned: lowercase; a trailing "NOS" ("not otherwise specified") and
   ", unspecified" dropped; a leading "unspecified " dropped; a parenthesized
   nonessential modifier ("coronary (artery) disease") gives the name with and
   without it, when it is one or two words; other parentheses, brackets and their
   content go.
3. A code counts only when its description is a plain name (the rule below): then
   the description and those inclusion terms that end in "NOS" name the same
   condition ("Allergy, unspecified": "allergic reaction NOS", "hypersensitivity
   NOS"). Inclusion terms without "NOS" are subtypes or neighbours ("Migraine with
   aura": "basilar migraine", "retinal migraine"), not synonyms, and are left out.
   A name is plain when it is 1 to 4 words, has no digit, comma or slash, and none of
   the qualifier words that make it a subtype or a coding instruction rather than a
   name ("other", "specified", "with", "without", "due", "following", "classified",
   "elsewhere", "type", "stage", "episode", "site", "encounter", "sequela", ...).
4. The kept names of one code form a group; groups that share a name are merged
   (a category and its ", unspecified" subcode restate each other). A merged group
   of more than MAX_GROUP names is a chain of loosely related codes, not synonyms,
   and is dropped.
5. A group of one name says nothing new and is dropped.

Output (UTF-8, `\\n` line ends, sorted), one header line:

    group <TAB> name

`group` is the smallest ICD-10-CM code of the group (e.g. `L29.9`), `name` a
lowercase name. A name belongs to one group.
"""
import argparse
import collections
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheel  # noqa: E402  (pipelines/vocab/wheel.py)

PACKAGE = "simple-icd-10-cm"
VERSION = "1.5.0"
XML = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "conditions.tsv")
LICENSE_OUT = os.path.join(HERE, "LICENSE.simple-icd-10-cm")
MAX_WORDS = 4
MAX_GROUP = 8
CHAPTERS = set("ABCDEFGHIJKLMNOPQR")
NOS = re.compile(r"\bNOS\s*$")
QUALIFIERS = set(
    """other specified unspecified with without due following classified elsewhere type
    stage episode site encounter sequela initial subsequent complicating complication
    affecting involving associated except excluding both bilateral unilateral multiple
    newborn maternal fetus fetal pregnancy puerperium childbirth not and or in by from
    than resulting late effect effects""".split()
)


def variants(raw):
    """The cleaned names a description or inclusion term stands for (rule 2)."""
    # An acronym in parentheses ("(TAD)") is not part of the name.
    s = re.sub(r"\(\s*[A-Z0-9-]{2,}\s*\)", " ", raw.strip()).lower()
    s = re.sub(r"\[.*?\]", " ", s)
    s = re.sub(r",?\s*\bnos\b\s*$", "", s)
    s = re.sub(r",\s*unspecified$", "", s)
    s = re.sub(r"^unspecified\s+", "", s)
    parens = re.findall(r"\(([^()]*)\)", s)
    if len(parens) == 1 and 1 <= len(parens[0].split()) <= 2:
        with_it = re.sub(r"\(([^()]*)\)", r"\1", s)
        without = re.sub(r"\([^()]*\)", " ", s)
        out = [with_it, without]
    else:
        out = [re.sub(r"\([^()]*\)", " ", s)]
    return [re.sub(r"\s+", " ", v).strip(" -") for v in out]


def keep(name):
    """Rule 3: a plain name of 1 to 4 words, no qualifier."""
    words = name.split()
    return (
        1 <= len(words) <= MAX_WORDS
        and len(name) >= 4
        and not re.search(r"[\d,/;:()]", name)
        and not any(w in QUALIFIERS for w in words)
    )


def groups_from(xml_bytes):
    root = ET.fromstring(xml_bytes)
    by_code = {}
    for d in root.iter("diag"):
        code = d.findtext("name") or ""
        if code[:1] not in CHAPTERS:
            continue
        desc = [v for v in variants(d.findtext("desc") or "") if keep(v)]
        if not desc:
            continue
        inclusions = [n.text or "" for it in d.findall("inclusionTerm") for n in it.findall("note")]
        names = set(desc)
        names |= {v for r in inclusions if NOS.search(r) for v in variants(r) if keep(v)}
        by_code[code] = names
    # Rule 4: merge codes that share a name (union-find over names).
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for code, names in by_code.items():
        first = sorted(names)[0]
        for n in names:
            parent[find(n)] = find(first)
    merged = collections.defaultdict(set)
    codes = collections.defaultdict(set)
    for code, names in by_code.items():
        r = find(sorted(names)[0])
        merged[r] |= names
        codes[r].add(code)
    out = []
    dropped = collections.Counter()
    for r, names in merged.items():
        if len(names) > MAX_GROUP:
            dropped["chain"] += 1
            continue
        if len(names) < 2:
            dropped["single"] += 1
            continue
        group = min(codes[r], key=lambda c: (len(c), c))
        out.extend((group, n) for n in names)
    return sorted(out), dropped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", help=f"a downloaded {PACKAGE}-{VERSION} wheel")
    args = ap.parse_args()
    data = wheel.read_member(args.wheel, PACKAGE, VERSION, "build_conditions.py", XML, "LICENSE", LICENSE_OUT)
    xml_bytes = data
    rows, dropped = groups_from(xml_bytes)
    wheel.write_groups(OUT, rows)
    n_groups = len({g for g, _ in rows})
    print(f"{OUT}: {len(rows)} names in {n_groups} groups; dropped groups: "
          f"{dropped['single']} single-name, {dropped['chain']} over {MAX_GROUP} names")


if __name__ == "__main__":
    main()
