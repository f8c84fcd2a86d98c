#!/usr/bin/env python3
"""Rebuild pipelines/vocab/drugs.tsv: a public drug vocabulary for matching drug
names (brand, generic, synonym) in clinical text.

Source: the PyPI package `drug-named-entity-recognition` (MIT, Fast Data Science),
pinned below. Its data is one pickled dict in the package,
`drug_ner_dictionary.pkl.bz2`: variant -> [canonical], canonical -> record
(DrugBank id, MeSH id and tree numbers, MedlinePlus id, NHS page, ...). We read
that file directly and never import the package's matcher.

Run it with Python 3.11+ (tomllib):

    python3 pipelines/vocab/build_drugs.py

If the pinned packages are not importable, the script makes a private virtual
environment (outside the checkout, under ~/.cache/priorauth/) with pip, installs
the pinned versions there, and re-runs itself in it. `--no-install` turns that
off. The output is deterministic: the same pinned inputs give the same bytes.

Written files: drugs.tsv, LICENSE.drug-named-entity-recognition (the upstream
license, copied from the installed package), and the counts block of README.md
(between its `counts` markers).

Output (UTF-8, `\\n` line ends, sorted by name then generic), one header line:

    name <TAB> generic <TAB> mesh_id <TAB> drugbank_id

`name` is a lowercase surface form (brand, generic or synonym) after the
normalization below; `generic` the canonical generic name, lowercase; the ids
are empty when upstream has none.

Normalization of every name (the Rust matcher normalizes text the same way):
mojibake repaired (ftfy), NFC, lowercase, Unicode hyphens and dashes -> `-`,
`(R)`/`(TM)`/`(C)` signs and zero-width characters removed, `.alpha.` -> `alpha`,
whitespace runs -> one space, `,;:` stripped at both ends.

Filtering. A variant is dropped by the FIRST of these rules that applies, in
this order (counts per rule go to README.md):

1. `junk`: not a name (wiki markup such as `=`, `|`, `{`, `<`, `template:`;
   control characters; no letter at all).
2. `not_a_medicine`: its canonical concept is known to upstream only from a MeSH
   descriptor, with no DrugBank, MedlinePlus or NHS record. Those are proteins,
   enzymes, receptors, chemical classes, organisms and pharmacologic-action
   headings ("janus kinase 2", "rainbow trout", "hypnotics and sedatives"), not
   medicines a prescriber names. Canonicals with no record at all come from
   upstream's Wikipedia drug list and are kept.
3. `too_short`: fewer than 4 characters (abbreviations collide with everything).
4. `code_like`: a space-separated code: one of its words is a number and none of
   its other words has more than 3 letters ("at 10", "pt 9", "h 56 28"); in
   clinical text these are times, visit counts and dosages.
5. `common_english`: its English frequency (wordfreq, `zipf_frequency(name,
   "en")`) is at least 4.0, i.e. 10 or more per million words. For a phrase
   wordfreq combines the words' frequencies, so a phrase goes only when all its
   words are common ("fish oil", "cat hair", "plan b"). Generic names of
   well-known drugs sit below that line (insulin 3.81, aspirin 3.34, cocaine 3.98).
6. `person_name`: a one-word brand or synonym (not the generic itself) that is a
   US first name (1990 census lists, any frequency) or a US surname held by at
   least 0.001% of people: letters and forms name patients and clinicians
   ("Kendrick", "Camila", "Dona"). The drug keeps its generic name.
7. `lexicon_term`: it is a term of a non-drug concept (test, measure, therapy,
   condition, ...) in this project's pipelines/lexicon.toml: there the project
   has already said what the word means ("apap" is auto-PAP, not acetaminophen;
   "glucose" is a measure). Rebuild after such edits to the lexicon.
8. `reviewed_word`: in REVIEWED_WORDS below, by category: foods, lab analytes
   and body substances, elements and materials, ordinary words and names. How
   that list was made is written above it. Rules 1-7 do the bulk.

Canonical names: a canonical with neither DrugBank nor MeSH id (a MedlinePlus
page) that is an FDA biologic name with a 4-letter suffix ("risankizumab-rzaa")
or a name with a trailing qualifier ("insulin glargine (rdna origin)",
"doxepin (insomnia)"), and whose stem is a canonical with a DrugBank id, is
folded into the stem: Skyrizi and risankizumab, Basaglar and Lantus, normalize
to the same generic.
When two variants normalize to the same name with different canonicals, the one
whose canonical equals the name wins, then one with a DrugBank id, then the
alphabetically first (counted as `collisions`).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

PINNED = {
    # The data.
    "drug-named-entity-recognition": "2.0.9",
    # English word frequencies (rule 5); also brings ftfy.
    "wordfreq": "3.1.1",
    "ftfy": "6.3.1",
    # 1990 US census first and last names with frequencies (rule 6).
    "names": "0.3.0",
    # What wordfreq tokenizes and reads its tables with: pinned so that the
    # frequencies, and so the output, do not move under us.
    "regex": "2026.11.19",
    "langcodes": "3.5.1",
    "msgpack": "1.2.4",
}

HERE = Path(__file__).resolve().parent
OUT_TSV = HERE / "drugs.tsv"
OUT_LICENSE = HERE / "LICENSE.drug-named-entity-recognition"
README = HERE / "README.md"
LEXICON = HERE.parent / "lexicon.toml"

MIN_CHARS = 4
ZIPF_MAX = 4.0
# `--review` lists the kept names at least this frequent in English.
REVIEW_ONE_WORD = 2.5
REVIEW_PHRASE = 3.0
SURNAME_MIN_PERCENT = 0.001

# Rule 8: names reviewed by a person and dropped, by what they mostly mean in
# clinical documents. Reviewed: every kept one-word name with English frequency
# >= 2.5 (`--review` lists them with the phrases >= 3.0), and every name the
# matcher found in public clinical notes (aci-bench, negex, Synthea notes) and
# the public PA forms in shared/corpus. Re-review when the pinned version changes;
# a listed word that upstream no longer has stops the build.
_FOOD = "food or spice (allergy lists, diet history)"
_LAB = "lab analyte or body substance: measured, not given"
_MATERIAL = "element or material (implants, exposures), not a medicine"
_WORD = "ordinary word or name"
REVIEWED_WORDS = {
    # foods
    **dict.fromkeys(
        "avocado bean beet blackberry blueberry cashew cashews catfish chickpea clove "
        "cloves cocoa cardamom fennel flounder grapefruit hazelnut hops horseradish kale "
        "lentil licorice lobster oats oregano oyster peach pecan pecans peppermint "
        "pistachio pomegranate poultry pumpkin rhubarb rosemary sage shrimp sorghum "
        "sugarcane thyme tuna turmeric vanilla whey".split(),
        _FOOD,
    ),
    "cow's milk": _FOOD,
    # lab analytes, body substances, organs
    **dict.fromkeys(
        "acetate acetylcholine alanine aldosterone arginine calcium cholesterol citrate "
        "cortisol creatine creatinine cysteine folate fructose gaba glucose glutamate "
        "glutamine glycine histamine lactose lysine magnesium methionine nitrite "
        "phosphorus potassium serine serotonin thyrotropin tryptophan tyrosine urea "
        "yeast yeasts".split(),
        _LAB,
    ),
    "alkaline phosphatase": _LAB,
    "amino acids": _LAB,
    "carbon dioxide": _LAB,
    "lactic acid": _LAB,
    "nitric oxide": "'exhaled nitric oxide' (FeNO) is a test",
    "parathyroid hormone": _LAB,
    "thyroid": "an organ; the drug is 'armour thyroid', 'thyroid tablets'",
    "uric acid": _LAB,
    "edta": "blood tube ('EDTA tube')",
    "cgrp": "a drug target ('anti-CGRP'), not a drug",
    "calcitonin gene-related peptide": "a drug target, not a drug",
    "dapt": "dual antiplatelet therapy",
    # elements, materials, exposures
    **dict.fromkeys(
        "amber antimony boron cadmium chlorine chromium cobalt ether formaldehyde "
        "glyphosate graphite helium hydrogen molybdenum neon ozone rosin soot "
        "titanium turpentine vanadium xenon".split(),
        _MATERIAL,
    ),
    # ordinary words, names, abbreviations
    **dict.fromkeys("cera daca indio modus mops sone tetris tris vitae".split(), _WORD),
    "agit": "fragment of 'neo agit' (neoadjuvant) in notes",
    "colgate": "toothpaste brand, not a fluoride prescription",
    "generics": "'tried generics' is not oxazepam",
    "ivor": "given name",
    "morin": "surname; a flavonoid",
    "palin": "surname (public figure)",
    "paps": "Pap smears",
    "silverado": "vehicle model",
    "theon": "given name",
}

# -- environment -------------------------------------------------------------


def _have_pinned() -> bool:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # Python < 3.8
        return False
    for name, want in PINNED.items():
        try:
            if version(name) != want:
                return False
        except PackageNotFoundError:
            return False
    return True


def ensure_env(no_install: bool) -> None:
    """Re-run in a private venv with the pinned packages unless we have them."""
    if _have_pinned():
        return
    if no_install or os.environ.get("PRIORAUTH_VOCAB_VENV_ACTIVE"):
        want = " ".join(f"{k}=={v}" for k, v in PINNED.items())
        sys.exit(f"build_drugs.py: needs {want} (pip install them, or drop --no-install)")
    key = hashlib.sha256(repr(sorted(PINNED.items())).encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    venv = cache / "priorauth" / f"vocab-venv-{key}"
    py = venv / "bin" / "python"
    if not py.exists():
        print(f"creating {venv} with the pinned packages", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet"]
            + [f"{k}=={v}" for k, v in PINNED.items()],
            check=True,
        )
    env = dict(os.environ, PRIORAUTH_VOCAB_VENV_ACTIVE="1")
    os.execve(str(py), [str(py), str(Path(__file__).resolve())] + sys.argv[1:], env)


# -- data --------------------------------------------------------------------


def load_upstream():
    import bz2
    import pickle
    from importlib.metadata import distribution

    dist = distribution("drug-named-entity-recognition")
    data_file = dist.locate_file("drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2")
    with bz2.open(data_file, "rb") as f:
        d = pickle.load(f)  # our pinned, hash-checked wheel: trusted input
    license_text = None
    for f in dist.files or []:
        if f.name == "LICENSE":
            license_text = f.read_text(encoding="utf-8")
    if not license_text:
        sys.exit("build_drugs.py: upstream LICENSE not found in the installed package")
    return d, license_text


def load_census_names():
    from importlib.metadata import distribution

    dist = distribution("names")

    def read(fname):
        out = {}
        text = Path(dist.locate_file(f"names/{fname}")).read_text(encoding="ascii")
        for line in text.splitlines():
            name, freq, _cum, _rank = line.split()
            out[name.lower()] = max(out.get(name.lower(), 0.0), float(freq))
        return out

    first = read("dist.male.first")
    for k, v in read("dist.female.first").items():
        first[k] = max(first.get(k, 0.0), v)
    last = read("dist.all.last")
    return first, last


def load_lexicon_non_drug_terms() -> set:
    """Terms of the project's non-drug concepts (tests, measures, therapies...)."""
    import tomllib

    with open(LEXICON, "rb") as f:
        lex = tomllib.load(f)
    return {
        normalize(t)
        for c in lex.get("concept", [])
        if c.get("kind") not in ("drug", "drug_class")
        for t in c.get("terms", [])
    }


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_SIGNS = dict.fromkeys(map(ord, "\u00ad\u00ae\u2122\u00a9\u200b\u200c\u200d\ufeff"), None)


def normalize(s: str) -> str:
    import ftfy

    s = ftfy.fix_text(s)
    s = unicodedata.normalize("NFC", s).lower()
    s = s.translate(_DASHES).translate(_SIGNS)
    s = _GREEK_DOTS.sub(r"\1", s)
    s = " ".join(s.split())
    return s.strip(",;: ")


# UNII-style `.alpha.` for a Greek letter.
_GREEK_DOTS = re.compile(r"\.(alpha|beta|gamma|delta|epsilon|kappa|omega)\.")
# Wiki markup and broken fragments from upstream's scraping.
_JUNK = re.compile(r"[=|{}<>\\]|\[\[|\]\]|^['.]|template:|&[a-z]+;|[\x00-\x1f\x7f-\x9f]")
_FDA_SUFFIX = re.compile(r"^(.+)-[a-z]{4}$")
_QUALIFIER = re.compile(r"^(.+?) \([^()]*\)$")


def is_junk(name: str) -> bool:
    return not name or bool(_JUNK.search(name)) or not any(c.isalpha() for c in name)


def is_code_like(name: str) -> bool:
    words = name.replace(",", " ").split()
    if len(words) < 2 or not any(w.isdigit() for w in words):
        return False
    return all(w.isdigit() or sum(c.isalpha() for c in w) <= 3 for w in words)


def is_medicine(rec: dict | None) -> bool:
    if rec is None:
        return True  # upstream's Wikipedia drug list: no ids at all
    if any(k in rec for k in ("drugbank_id", "medline_plus_id", "nhs_url")):
        return True
    return "mesh_id" not in rec


def build(args):
    from wordfreq import zipf_frequency

    d, license_text = load_upstream()
    variant_to_canonical = d["drug_variant_to_canonical"]
    canonical_data = d["drug_canonical_to_data"]
    first_names, surnames = load_census_names()
    lexicon_terms = load_lexicon_non_drug_terms()

    # Canonical -> (generic, mesh, drugbank), with FDA suffixes folded.
    def ids(c):
        rec = canonical_data.get(c) or {}
        return rec.get("mesh_id", ""), rec.get("drugbank_id", "")

    canon_info = {}
    folded = 0
    for c in sorted(set(canonical_data) | {v[0] for v in variant_to_canonical.values()}):
        generic = normalize(c)
        mesh, db = ids(c)
        m = _FDA_SUFFIX.match(c) or _QUALIFIER.match(c)
        if m and not mesh and not db and (canonical_data.get(m.group(1)) or {}).get("drugbank_id"):
            generic = normalize(m.group(1))
            mesh, db = ids(m.group(1))
            folded += 1
        canon_info[c] = (generic, mesh, db)

    # Every canonical is also a variant of itself.
    pairs = [(v, cs[0]) for v, cs in variant_to_canonical.items()]
    pairs += [(c, c) for c in canonical_data if c not in variant_to_canonical]

    reasons = {}
    zipf_cache = {}
    candidates = {}  # name -> set of canonicals
    review = set()
    seen = set()

    def zipf(name):
        if name not in zipf_cache:
            zipf_cache[name] = zipf_frequency(name, "en")
        return zipf_cache[name]

    def drop(rule):
        reasons[rule] = reasons.get(rule, 0) + 1

    for raw, c in sorted(pairs):
        name = normalize(raw)
        seen.add(name)
        generic, _mesh, _db = canon_info[c]
        if is_junk(name) or is_junk(generic):
            drop("junk")
            continue
        if not is_medicine(canonical_data.get(c)):
            drop("not_a_medicine")
            continue
        if len(name) < MIN_CHARS:
            drop("too_short")
            continue
        if is_code_like(name):
            drop("code_like")
            continue
        z = zipf(name)
        if z >= ZIPF_MAX:
            drop("common_english")
            continue
        one_word = re.fullmatch(r"[a-z]+", name) is not None
        if (
            one_word
            and name != generic
            and (name in first_names or surnames.get(name, 0.0) >= SURNAME_MIN_PERCENT)
        ):
            drop("person_name")
            continue
        if name in lexicon_terms:
            drop("lexicon_term")
            continue
        if name in REVIEWED_WORDS:
            drop("reviewed_word")
            continue
        if z >= (REVIEW_ONE_WORD if one_word else REVIEW_PHRASE):
            review.add((z, name, generic))
        candidates.setdefault(name, set()).add(c)

    unused = sorted(set(REVIEWED_WORDS) - seen)
    if unused:
        sys.exit(f"build_drugs.py: REVIEWED_WORDS not in the data (stale?): {unused}")

    rows = []
    collisions = 0
    for name, cs in candidates.items():
        if len(cs) > 1:
            collisions += 1
        best = min(
            cs,
            key=lambda c: (canon_info[c][0] != name, not canon_info[c][2], canon_info[c][0], c),
        )
        rows.append((name,) + canon_info[best])
    # Distinct variants that fold into one name after normalization count once.
    rows = sorted(set(rows))
    for r in rows:
        assert all("\t" not in f and "\n" not in f for f in r), r

    if args.review:
        for z, name, generic in sorted(review, reverse=True):
            print(f"{z:.2f}\t{name}\t{generic}")
        return

    with open(OUT_TSV, "w", encoding="utf-8", newline="\n") as f:
        f.write("name\tgeneric\tmesh_id\tdrugbank_id\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    OUT_LICENSE.write_text(license_text, encoding="utf-8")

    generics = {r[1] for r in rows}
    stats = [
        f"- upstream: {len(canonical_data):,} canonical concepts, "
        f"{len(variant_to_canonical):,} name variants",
        f"- kept: {len(rows):,} names for {len(generics):,} generics "
        f"({sum(1 for r in rows if r[3]):,} names with a DrugBank id, "
        f"{sum(1 for r in rows if r[2]):,} with a MeSH id)",
        f"- dropped variants, by first rule: "
        + ", ".join(f"{k} {reasons.get(k, 0):,}" for k in RULES),
        f"- canonicals folded into their stem (FDA suffix, qualifier): {folded}; "
        f"names claimed by two canonicals: {collisions}",
        f"- drugs.tsv: {OUT_TSV.stat().st_size:,} bytes",
    ]
    text = README.read_text(encoding="utf-8")
    begin, end = "<!-- counts:begin -->", "<!-- counts:end -->"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        README.write_text(head + begin + "\n" + "\n".join(stats) + "\n" + end + tail, encoding="utf-8")
    print("\n".join(stats))


RULES = [
    "junk",
    "not_a_medicine",
    "too_short",
    "code_like",
    "common_english",
    "person_name",
    "lexicon_term",
    "reviewed_word",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-install", action="store_true", help="never create a venv or pip install")
    ap.add_argument(
        "--review",
        action="store_true",
        help="print the kept one-word brands/synonyms in the review band instead of writing",
    )
    args = ap.parse_args()
    ensure_env(args.no_install)
    build(args)


if __name__ == "__main__":
    main()
